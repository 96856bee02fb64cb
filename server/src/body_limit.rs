//! Every request body has a limit, decided here for every path
//! ([`BodyLimits::for_path`]): the file check the largest file's (plus a
//! little), sign-in and sign-up a few kilobytes, everything else the API's.
//!
//! A body that announces a length over its limit is refused unread; one
//! that goes over while it is read (sent without a length) is cut off, and
//! whatever the route made of the cut-off body is replaced by the same
//! refusal. The overrun is recognised by its type
//! (`http_body_util::LengthLimitError`), not by what the framework that
//! was reading the body said about it. The refusal is an [`AppError`]: a
//! 413 with a sentence, the one for a file over the size limit on the file
//! check.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::TryStreamExt;
use http_body_util::{BodyExt, LengthLimitError, Limited};

use app::error::{AppError, FileRefusal};

/// The path of the file check, whose limit is a file's.
pub const FILE_CHECK: &str = "/api/files/check";
/// Sign-in and sign-up forms: an email, a password, a name or two and a
/// `next` path, percent-encoded, fit well within this.
pub const SIGN_IN_FORM_BYTES: usize = 16 * 1024;

/// The limits, from the configuration.
#[derive(Clone, Copy, Debug)]
pub struct BodyLimits {
    /// Every route but the ones below (`MAX_REQUEST_BYTES`).
    pub request: usize,
    /// The largest file the import accepts (`IMPORT_MAX_FILE_BYTES`).
    pub file: u64,
}

impl BodyLimits {
    /// The largest body accepted on `path`.
    pub fn for_path(&self, path: &str) -> usize {
        match path {
            FILE_CHECK => usize::try_from(self.file).unwrap_or(usize::MAX).saturating_add(64 * 1024),
            "/api/sign_in" | "/api/sign_up" => SIGN_IN_FORM_BYTES,
            _ => self.request,
        }
    }

    /// What a body over the limit on `path` is told; `announced` is the
    /// length it announced, when it did.
    fn refusal(&self, path: &str, announced: Option<u64>) -> AppError {
        if path != FILE_CHECK {
            return AppError::TooLarge;
        }
        let message = match announced {
            Some(size) => sheets::size::file_too_large(size, self.file),
            None => sheets::size::file_over_limit(self.file),
        };
        AppError::FileRefused { reason: FileRefusal::TooLarge, message }
    }
}

/// Applies the path's limit (see the module overview).
pub async fn limit_body(State(limits): State<BodyLimits>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let limit = limits.for_path(&path);
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if announced.is_some_and(|length| length > limit as u64) {
        return limits.refusal(&path, announced).into_response();
    }
    let overran = Arc::new(AtomicBool::new(false));
    let seen = overran.clone();
    let request = request.map(|body| {
        let chunks = Limited::new(body, limit).into_data_stream().inspect_err(move |error| {
            if error.is::<LengthLimitError>() {
                seen.store(true, Ordering::Relaxed);
            }
        });
        Body::from_stream(chunks)
    });
    let response = next.run(request).await;
    if overran.load(Ordering::Relaxed) {
        return limits.refusal(&path, None).into_response();
    }
    response
}
