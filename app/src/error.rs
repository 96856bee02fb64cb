//! `AppError`: the one error type of the whole HTTP surface. Server
//! functions return it, and the axum routes answer with it too (its
//! `IntoResponse`). Each variant's text is a plain sentence for the user,
//! written here and nowhere else; causes are logged where they happen and
//! never shown.
//!
//! Every error answer has one shape, [`ErrorBody`]: `{"error": "<the
//! sentence>", "kind": <the variant>}`, so a person or a script reads
//! `error`, and the browser rebuilds the variant from `kind`.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

use leptos::server_fn;

/// An error as the user sees it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    /// No session: the user must sign in.
    #[error("Please sign in to continue.")]
    NotSignedIn,
    /// Wrong email or password (the same answer whether or not the email
    /// has an account).
    #[error("The email or password is not right. Check them and try again.")]
    BadCredentials,
    /// The record does not exist in this account (the same answer for
    /// another account's ids, so their existence is never confirmed).
    #[error("We couldn't find that {0}. It may have been deleted.")]
    NotFound(String),
    /// The request is missing something it must say (a parameter), or says
    /// it in a form the server cannot read.
    #[error("{0}")]
    BadRequest(String),
    /// The request was understood but cannot be carried out as sent.
    #[error("{0}")]
    Invalid(String),
    /// A value longer than the server accepts (`what` starts the sentence:
    /// "The search", "An email address").
    #[error("{what} can be at most {max} characters.")]
    TooLong { what: String, max: usize },
    /// The contact form's values break the rules: the issues per field.
    #[error("Some details need fixing before the contact can be saved.")]
    InvalidContact(Vec<rules::Issue>),
    /// Someone else changed the same data first.
    #[error("{0}")]
    Conflict(String),
    /// The request's body was larger than the server accepts.
    #[error("This request is larger than the server accepts, so nothing was changed. Send less at once.")]
    TooLarge,
    /// A posted file the server will not import; `message` is the reader's
    /// sentence (the one the browser shows for the same file).
    #[error("{message}")]
    FileRefused { reason: FileRefusal, message: String },
    /// Too many failed sign-ins from this client (for this email, or in
    /// all): wait, then try again.
    #[error("Too many failed sign-in attempts. Wait {}, then try again.", wait_text(.retry_after_seconds))]
    TooManyAttempts { retry_after_seconds: u32 },
    /// Every slot for checking passwords is taken: try again shortly.
    #[error("The server is busy signing other people in. Try again in a few seconds.")]
    SignInBusy,
    /// Another import or undo of the same account is still running (on any
    /// server); nothing was changed.
    #[error("This account is already importing or undoing a file. Try again when it finishes.")]
    AccountBusy,
    /// The server turned the request away for want of time or connections
    /// (a wait, a lock or a query past its limit); nothing was changed.
    #[error("The server is busy right now and nothing was changed. Please try again in a moment.")]
    Busy,
    /// A state-changing request a browser sent from another site.
    #[error("This request came from another site and was refused.")]
    CrossSite,
    /// The server failed; nothing was changed.
    #[error("Something went wrong on our side and nothing was changed. Please try again in a moment.")]
    Internal,
    /// The browser could not reach the server or understand its answer.
    #[error("We couldn't reach the server. Check your connection and try again.")]
    Unreachable,
}

/// Why a posted file was refused, which decides the status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileRefusal {
    /// Over the size limit (413).
    TooLarge,
    /// Not a spreadsheet at all (415).
    NotASpreadsheet,
    /// A spreadsheet that cannot be imported as it is (422).
    Unreadable,
}

/// Seconds as a person says them: "10 seconds", "1 minute", "15 minutes".
fn wait_text(seconds: &u32) -> String {
    let seconds = *seconds;
    match seconds {
        0..=1 => "a second".into(),
        2..=59 => format!("{seconds} seconds"),
        _ => match seconds.div_ceil(60) {
            1 => "a minute".into(),
            minutes => format!("{minutes} minutes"),
        },
    }
}

impl AppError {
    /// The HTTP status the server answers this error with.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::BadRequest(_) => 400,
            AppError::NotSignedIn | AppError::BadCredentials => 401,
            AppError::CrossSite => 403,
            AppError::NotFound(_) => 404,
            AppError::Conflict(_) | AppError::AccountBusy => 409,
            AppError::TooLarge => 413,
            AppError::FileRefused { reason, .. } => match reason {
                FileRefusal::TooLarge => 413,
                FileRefusal::NotASpreadsheet => 415,
                FileRefusal::Unreadable => 422,
            },
            AppError::Invalid(_) | AppError::TooLong { .. } | AppError::InvalidContact(_) => 422,
            AppError::TooManyAttempts { .. } => 429,
            AppError::Internal => 500,
            AppError::Unreachable => 502,
            AppError::Busy | AppError::SignInBusy => 503,
        }
    }

    /// How long the caller should wait before trying again, when the error
    /// says so (sent as `Retry-After`).
    pub fn retry_after_seconds(&self) -> Option<u32> {
        match self {
            AppError::TooManyAttempts { retry_after_seconds } => Some(*retry_after_seconds),
            AppError::Busy | AppError::SignInBusy => Some(2),
            _ => None,
        }
    }

    /// "`what` can be at most `max` characters" unless `text` is within it.
    pub fn check_length(what: &str, text: &str, max: usize) -> Result<(), AppError> {
        if text.chars().count() > max {
            return Err(AppError::TooLong { what: what.to_string(), max });
        }
        Ok(())
    }

    /// The one shape every error answer has.
    pub fn body(&self) -> ErrorBody {
        ErrorBody { error: self.to_string(), kind: self.clone() }
    }
}

/// Every error answer, server function or route alike.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The sentence for the user.
    pub error: String,
    /// The error itself, which the browser rebuilds.
    pub kind: AppError,
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let error = match value {
            // On the server: the request could not be read (malformed or
            // incomplete arguments) — the caller's fault, said as such. A
            // body over the limit never gets here as such: the body limit
            // (server/src/body_limit.rs) sees the overrun by its type and
            // answers 413 itself.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) | ServerFnErrorErr::Deserialization(_) => {
                AppError::Invalid("The request was incomplete or malformed. Reload the page and try again.".into())
            }
            // In the browser: the server could not be reached or its answer
            // could not be read.
            #[cfg(not(feature = "ssr"))]
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Deserialization(_) => AppError::Unreachable,
            _ => AppError::Internal,
        };
        // On the server this runs when the framework itself rejects a call
        // (e.g. arguments that do not parse): answer with the right status.
        #[cfg(feature = "ssr")]
        crate::server_context::set_status(&error);
        error
    }

    fn ser(&self) -> server_fn::Bytes {
        serde_json::to_vec(&self.body()).map(Into::into).unwrap_or_default()
    }

    fn de(data: server_fn::Bytes) -> Self {
        serde_json::from_slice::<ErrorBody>(&data)
            .map(|body| body.kind)
            .unwrap_or_else(|error| Self::from_server_fn_error(ServerFnErrorErr::Deserialization(error.to_string())))
    }
}

/// The axum routes answer with the same status, headers and body as a
/// server function would.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let status = http::StatusCode::from_u16(self.status_code()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        if status.is_server_error() {
            tracing::warn!(error = ?self, "answered with a server error");
        }
        let mut response = (status, axum::Json(self.body())).into_response();
        if let Some(seconds) = self.retry_after_seconds() {
            response.headers_mut().insert(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(feature = "ssr")]
impl From<store::StoreError> for AppError {
    fn from(error: store::StoreError) -> Self {
        AppError::from(&error)
    }
}

/// By reference, for errors that several callers share (one confirm's
/// answer to all its repeats).
#[cfg(feature = "ssr")]
impl From<&store::StoreError> for AppError {
    fn from(error: &store::StoreError) -> Self {
        match error {
            store::StoreError::NotFound => AppError::NotFound("record".into()),
            store::StoreError::Stale => AppError::Conflict(
                "Someone else changed this contact after you opened it, so your changes were not saved. \
                 Reload the page to see theirs, then make yours again."
                    .into(),
            ),
            store::StoreError::KeyTaken => AppError::Conflict(
                "Another contact now has this Contact ID or email, so nothing was saved. Use a different one.".into(),
            ),
            store::StoreError::SearchTooLong(too_long) => AppError::Invalid(too_long.to_string()),
            busy if busy.is_busy() => {
                tracing::warn!(error = %busy, "the database turned a request away");
                AppError::Busy
            }
            other => {
                tracing::error!(error = %other, "data layer failed");
                AppError::Internal
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_answer_carries_its_sentence_and_comes_back_as_the_same_error() {
        for error in [
            AppError::NotSignedIn,
            AppError::TooManyAttempts { retry_after_seconds: 90 },
            AppError::TooLong { what: "The search".into(), max: 200 },
            AppError::FileRefused { reason: FileRefusal::NotASpreadsheet, message: "Not a spreadsheet.".into() },
        ] {
            let bytes = error.ser();
            let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(json["error"], error.to_string());
            assert_eq!(AppError::de(bytes), error);
        }
    }

    #[test]
    fn waits_are_said_in_seconds_or_whole_minutes() {
        assert_eq!(AppError::TooManyAttempts { retry_after_seconds: 15 }.to_string(), "Too many failed sign-in attempts. Wait 15 seconds, then try again.");
        assert_eq!(wait_text(&60), "a minute");
        assert_eq!(wait_text(&61), "2 minutes");
        assert_eq!(wait_text(&900), "15 minutes");
    }
}
