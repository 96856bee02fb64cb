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
    let options = LeptosOptions::builder().output_name("contacts").build();
    let config = server::Config {
        database_url: String::new(),
        address: "127.0.0.1:3000".parse().expect("an address"),
        seed_demo: false,
        pool_size: 1,
        site_root: "target/site".into(),
        public_origin: None,
        max_request_bytes: 8 * 1024 * 1024,
        limits,
        retention: store::imports::housekeeping::Retention::DEFAULT,
    };
    server::router(AppState { leptos_options: options, pool, limits }, &config)
}

/// Creates the session table on a test database.
pub async fn prepare(pool: &PgPool) {
    tower_sessions_sqlx_store::PostgresStore::new(pool.clone()).migrate().await.expect("session table");
}

/// An answer: status, body as text, and the session cookie if one was set.
pub struct Answer {
    pub status: StatusCode,
    pub body: String,
    pub cookie: Option<String>,
}

/// How long one request may take before the test fails, naming it: a
/// request that never answers must fail the run, not hang it.
const REQUEST_DEADLINE: std::time::Duration = std::time::Duration::from_secs(60);

/// Sends a request through the router.
pub async fn send(app: &Router, method: Method, path: &str, cookie: Option<&str>, content_type: &str, body: impl Into<Body>) -> Answer {
    let what = format!("{method} {path}");
    match tokio::time::timeout(REQUEST_DEADLINE, send_now(app, method, path, cookie, content_type, body.into())).await {
        Ok(answer) => answer,
        Err(_) => panic!("{what} did not answer within {REQUEST_DEADLINE:?}"),
    }
}

async fn send_now(app: &Router, method: Method, path: &str, cookie: Option<&str>, content_type: &str, body: Body) -> Answer {
    let mut request = Request::builder().method(method).uri(path).header(header::HOST, "127.0.0.1:3000");
    if content_type != "none" {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let response = app.clone().oneshot(request.body(body).expect("a request")).await.expect("an answer");
    let status = response.status();
    let cookie = response
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(str::to_string);
    let bytes = response.into_body().collect().await.expect("a body").to_bytes();
    Answer { status, body: String::from_utf8_lossy(&bytes).into_owned(), cookie }
}

/// Calls a server function with arguments described in JSON: sent as
/// JSON, or, for `upload_rows` (which takes postcard, as the browser sends
/// it), as the same arguments in postcard.
pub async fn call(app: &Router, cookie: Option<&str>, path: &str, args: &Value) -> Answer {
    if path == "/api/upload_rows" {
        let args: app::import_api::UploadRows = serde_json::from_value(args.clone()).expect("upload_rows arguments");
        return send(app, Method::POST, path, cookie, POSTCARD, postcard::to_allocvec(&args).expect("postcard")).await;
    }
    send(app, Method::POST, path, cookie, "application/json", args.to_string()).await
}

/// The content type of a postcard body.
pub const POSTCARD: &str = "application/x-postcard";

/// Signs up a new account and returns its session cookie.
pub async fn sign_up(app: &Router, organisation: &str, email: &str) -> String {
    let form = format!("organisation={organisation}&name=Tester&email={email}&password=correct%20horse%20battery");
    let answer = send(app, Method::POST, "/api/sign_up", None, "application/x-www-form-urlencoded", form).await;
    assert!(answer.status.is_success() || answer.status.is_redirection(), "sign-up: {} {}", answer.status, answer.body);
    answer.cookie.expect("a session cookie")
}
