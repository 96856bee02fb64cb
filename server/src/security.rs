//! The walls around the app: who is signed in (decided once per request,
//! before any body is read), sign-in required for everything but the
//! sign-in pages, static files and the public server functions,
//! cross-origin state changes refused, security headers on every response.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use app::error::AppError;
use app::server_context::AppState;

/// The server functions anyone may call: signing in, up and out, and "who
/// is signed in" (a visitor gets "nobody"). Every other one needs a session.
pub const PUBLIC_SERVER_FUNCTIONS: [&str; 4] = ["/api/sign_in", "/api/sign_up", "/api/sign_out", "/api/current_user"];

/// The built site's files: the same for everyone, so no session is looked up.
fn is_static(path: &str) -> bool {
    path.starts_with("/pkg/") || path.starts_with("/worker/")
}

/// Paths anyone may load: the sign-in pages, static files and the public
/// server functions.
fn is_public(path: &str) -> bool {
    matches!(path, "/login" | "/signup" | "/favicon.svg" | "/favicon.ico" | "/import-worker.js")
        || is_static(path)
        || PUBLIC_SERVER_FUNCTIONS.contains(&path)
}

/// Decides who is signed in (`app::auth::server::authenticate`, which also
/// rolls the session forward) and puts the answer in the request, where
/// `caller()` and the `Caller` extractor read it. Visitors without a
/// session are sent to `/login` from pages (remembering where they were
/// going) and answered 401 everywhere else, before their body is read;
/// signed-in users are sent away from the sign-in pages.
pub async fn require_sign_in(State(state): State<AppState>, session: Session, mut request: Request, next: Next) -> Response {
    if is_static(request.uri().path()) {
        return next.run(request).await;
    }
    let signed_in = match app::auth::server::authenticate(&state, &session).await {
        Ok(signed_in) => signed_in,
        // The store could not be read: "try again" (the cause is logged),
        // never a trip to the sign-in page.
        Err(error) => return error.into_response(),
    };
    let path = request.uri().path();
    let is_get = request.method() == Method::GET || request.method() == Method::HEAD;
    if let Some(signed_in) = signed_in {
        if matches!(path, "/login" | "/signup") && is_get {
            return Redirect::to("/contacts").into_response();
        }
        request.extensions_mut().insert(signed_in);
        return next.run(request).await;
    }
    if is_public(path) {
        return next.run(request).await;
    }
    if is_get && !path.starts_with("/api/") {
        let wanted = request.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/contacts");
        let location = format!("/login?{}", url::form_urlencoded::Serializer::new(String::new()).append_pair("next", wanted).finish());
        return Redirect::to(&location).into_response();
    }
    AppError::NotSignedIn.into_response()
}

/// The origin this app is served from, as browsers name it in `Origin`.
#[derive(Clone, Debug)]
pub struct PublicOrigin(pub Option<String>);

/// Refuses state-changing requests that a browser sent from another site
/// (cross-site request forgery). Browsers always send `Origin` (or at least
/// `Referer`) on such requests; tools without either are let through, as
/// they carry no victim's cookies.
pub async fn refuse_cross_origin(State(origin): State<PublicOrigin>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let expected = origin.0.or_else(|| origin_from_host(request.headers()));
    let sent = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string)
        .or_else(|| {
            request
                .headers()
                .get(header::REFERER)
                .and_then(|value| value.to_str().ok())
                .and_then(origin_of_url)
        });
    match (sent, expected) {
        (None, _) => next.run(request).await,
        (Some(sent), Some(expected)) if sent.eq_ignore_ascii_case(&expected) => next.run(request).await,
        _ => AppError::CrossSite.into_response(),
    }
}

/// `http://host[:port]` from the request's Host header (the app is reached
/// over plain HTTP unless `PUBLIC_ORIGIN` says otherwise).
fn origin_from_host(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    Some(format!("http://{host}"))
}

/// The `scheme://host[:port]` part of a URL.
fn origin_of_url(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    Some(format!("{scheme}://{host}"))
}

/// The Content-Security-Policy for pages: scripts only from here or with the
/// page's nonce (the hydration script), wasm allowed, no framing.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; worker-src 'self' blob:; \
         connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The policy for everything that is not a page (files, API answers).
pub const RESOURCE_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// The import worker's policy: a worker script's own response sets what it
/// may load (its JS and wasm from here).
pub const WORKER_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; frame-ancestors 'none'";

/// Headers every response carries; a page's own CSP (with its nonce) wins,
/// and so does a route's own `Cache-Control` (static files, the template).
/// Everything else (pages, API answers, exports) may hold one user's data,
/// so no browser or proxy keeps a copy: `no-store`.
pub async fn security_headers(request: Request<Body>, next: Next) -> Response {
    let is_worker = request.uri().path() == "/import-worker.js";
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let default_policy = if is_worker { WORKER_CSP } else { RESOURCE_CSP };
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(default_policy));
    headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_read_from_urls() {
        assert_eq!(origin_of_url("http://127.0.0.1:3000/contacts?q=1").as_deref(), Some("http://127.0.0.1:3000"));
        assert_eq!(origin_of_url("https://evil.example").as_deref(), Some("https://evil.example"));
        assert_eq!(origin_of_url("not a url"), None);
    }

    #[test]
    fn only_the_sign_in_pages_static_files_and_public_server_functions_are_public() {
        for path in ["/login", "/signup", "/pkg/contacts.wasm", "/worker/worker.js", "/api/sign_in", "/api/current_user"] {
            assert!(is_public(path), "{path}");
        }
        for path in ["/", "/contacts", "/contacts/import", "/imports", "/contacts/123", "/api/list_contacts", "/api/files/check"] {
            assert!(!is_public(path), "{path}");
        }
    }
}
