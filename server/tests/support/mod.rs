//! Driving the whole router in tests, without a socket: a router on a test
//! database, requests with or without a session, signing up.

#![allow(dead_code)]

use app::server_context::AppState;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use leptos::prelude::LeptosOptions;
use serde_json::Value;
use sqlx::PgPool;
use tower::ServiceExt;

/// The app's router on `pool`, with the spec's default limits.
pub fn router(pool: PgPool) -> Router {
    router_with_limits(pool, rules::Limits::DEFAULT)
}

/// The app's router on `pool` with `limits`.
pub fn router_with_limits(pool: PgPool, limits: rules::Limits) -> Router {
    router_with(pool, config(limits))
}

/// The test configuration: the spec's limits unless told otherwise.
pub fn config(limits: rules::Limits) -> server::Config {
    server::Config {
        database_url: String::new(),
        address: "127.0.0.1:3000".parse().expect("an address"),
        seed_demo: false,
        database: server::config::DatabaseConfig::default(),
        site_root: "target/site".into(),
        public_origin: None,
        max_request_bytes: 8 * 1024 * 1024,
        limits,
        sign_in: server::config::SignInConfig::default_for_this_machine(),
        // The server's own binary, as in production (it re-runs itself).
        file_check: server::config::FileCheckConfig::default_for_this_machine(env!("CARGO_BIN_EXE_server").into()),
        retention: store::imports::housekeeping::Retention::DEFAULT,
    }
}

/// The app's router on `pool` with `config`.
pub fn router_with(pool: PgPool, config: server::Config) -> Router {
    let options = LeptosOptions::builder().output_name("contacts").build();
    let hashing = app::password::Hashing::new(config.sign_in.hashing_slots, config.sign_in.hashing_queue);
    let bulk = store::imports::Admission::new(pool.clone(), config.database.admission);
    let state = AppState { leptos_options: options, pool, bulk, limits: config.limits, hashing };
    server::router(state, &config)
}

/// The client address requests come from unless a test says otherwise
/// (what the server's socket would report).
pub const CLIENT: [u8; 4] = [192, 0, 2, 1];

/// A request as it arrives from `client` (axum's connection info, which
/// the server reads the client address from).
pub fn from_client(request: axum::http::request::Builder, client: [u8; 4]) -> axum::http::request::Builder {
    let address = std::net::SocketAddr::from((client, 40_000));
    request.extension(axum::extract::ConnectInfo(address))
}

/// Creates the session table on a test database.
pub async fn prepare(pool: &PgPool) {
    tower_sessions_sqlx_store::PostgresStore::new(pool.clone()).migrate().await.expect("session table");
}

/// An answer: status, body as text, and the session cookie if one was set.
pub struct Answer {
    pub status: StatusCode,
    pub body: String,
    /// The body as sent (a postcard answer is not text).
    pub bytes: Vec<u8>,
    pub cookie: Option<String>,
    pub headers: axum::http::HeaderMap,
}

impl Answer {
    /// The value of header `name`, as text ("" when absent).
    pub fn header(&self, name: impl axum::http::header::AsHeaderName) -> &str {
        self.headers.get(name).and_then(|value| value.to_str().ok()).unwrap_or("")
    }
}

/// How long one request may take before the test fails, naming it: a
/// request that never answers must fail the run, not hang it.
const REQUEST_DEADLINE: std::time::Duration = std::time::Duration::from_secs(60);

/// Sends a request through the router.
pub async fn send(app: &Router, method: Method, path: &str, cookie: Option<&str>, content_type: &str, body: impl Into<Body>) -> Answer {
    let request = Request::builder().method(method).uri(path).header(header::HOST, "127.0.0.1:3000");
    deliver(app, from_client(request, CLIENT), cookie, content_type, body.into()).await
}

/// Sends `request` (with a cookie and a content type when given) and reads
/// the whole answer, failing the test, naming the request, when it does
/// not come in time.
pub async fn deliver(app: &Router, request: axum::http::request::Builder, cookie: Option<&str>, content_type: &str, body: Body) -> Answer {
    let what = format!("{} {}", request.method_ref().cloned().unwrap_or_default(), request.uri_ref().cloned().unwrap_or_default());
    match tokio::time::timeout(REQUEST_DEADLINE, deliver_now(app, request, cookie, content_type, body)).await {
        Ok(answer) => answer,
        Err(_) => panic!("{what} did not answer within {REQUEST_DEADLINE:?}"),
    }
}

async fn deliver_now(app: &Router, mut request: axum::http::request::Builder, cookie: Option<&str>, content_type: &str, body: Body) -> Answer {
    if content_type != "none" {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let response = app.clone().oneshot(request.body(body).expect("a request")).await.expect("an answer");
    let status = response.status();
    let headers = response.headers().clone();
    let cookie = response
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(str::to_string);
    let bytes = response.into_body().collect().await.expect("a body").to_bytes();
    Answer { status, body: String::from_utf8_lossy(&bytes).into_owned(), bytes: bytes.to_vec(), cookie, headers }
}

/// Calls a server function with arguments described in JSON: sent as
/// JSON, or, for the functions that take postcard (as the browser sends
/// them), as the same arguments in postcard.
pub async fn call(app: &Router, cookie: Option<&str>, path: &str, args: &Value) -> Answer {
    use app::import_api::{ExistingContacts, PhoneVerdicts, SimilarContacts, UploadRows};
    let in_postcard = match path {
        "/api/upload_rows" => postcard_of::<UploadRows>(path, args),
        "/api/phone_verdicts" => postcard_of::<PhoneVerdicts>(path, args),
        "/api/existing_contacts" => postcard_of::<ExistingContacts>(path, args),
        "/api/similar_contacts" => postcard_of::<SimilarContacts>(path, args),
        _ => return send(app, Method::POST, path, cookie, "application/json", args.to_string()).await,
    };
    send(app, Method::POST, path, cookie, POSTCARD, in_postcard).await
}

/// `args` (JSON) as `path`'s arguments `A`, in postcard.
fn postcard_of<A: serde::de::DeserializeOwned + serde::Serialize>(path: &str, args: &Value) -> Vec<u8> {
    let args: A = serde_json::from_value(args.clone()).unwrap_or_else(|error| panic!("{path} arguments: {error}"));
    postcard::to_allocvec(&args).expect("postcard")
}

/// The content type of a postcard body.
pub const POSTCARD: &str = "application/x-postcard";
/// Signs in from `client` with a form as a browser sends it (so a success
/// is a 302 to where `next` leads).
pub async fn sign_in(app: &Router, client: [u8; 4], email: &str, password: &str, next: Option<&str>) -> Answer {
    let mut form = vec![("email", email), ("password", password)];
    if let Some(next) = next {
        form.push(("next", next));
    }
    let form = serde_urlencoded::to_string(form).expect("a form");
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/sign_in")
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::ACCEPT, "text/html");
    deliver(app, from_client(request, client), None, "application/x-www-form-urlencoded", Body::from(form)).await
}

/// Signs up a new account and returns its session cookie.
pub async fn sign_up(app: &Router, organisation: &str, email: &str) -> String {
    let form = format!("organisation={organisation}&name=Tester&email={email}&password=correct%20horse%20battery");
    let answer = send(app, Method::POST, "/api/sign_up", None, "application/x-www-form-urlencoded", form).await;
    assert!(answer.status.is_success() || answer.status.is_redirection(), "sign-up: {} {}", answer.status, answer.body);
    answer.cookie.expect("a session cookie")
}
