//! What a request over the body limit is told. The limit layers (and axum's
//! body extractor, for a body sent without a length) answer 413 with a bare
//! technical phrase; this turns it into the plain sentence each kind of
//! route speaks: a server function's error (which the browser shows), the
//! file check's refusal, or text.

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;

use app::error::AppError;

use crate::files::Refusal;

/// Gives a 413 that carries no sentence of ours one.
pub async fn explain_too_large(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let ours = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    if response.status() != StatusCode::PAYLOAD_TOO_LARGE || ours {
        return response;
    }
    let status = StatusCode::PAYLOAD_TOO_LARGE;
    if path == "/api/files/check" {
        let error = "This file is larger than the server accepts. Split it into smaller files and import them one by one.";
        (status, Json(Refusal { error: error.into() })).into_response()
    } else if path.starts_with("/api/") {
        (status, Json(AppError::TooLarge)).into_response()
    } else {
        (status, AppError::TooLarge.to_string()).into_response()
    }
}
