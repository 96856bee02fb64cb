//! `AppError`: the one error type server functions return. Each variant's
//! text is a plain sentence for the user; causes are logged on the server and
//! never shown.

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
    /// The request was understood but cannot be carried out as sent.
    #[error("{0}")]
    Invalid(String),
    /// The contact form's values break the rules: the issues per field.
    #[error("Some details need fixing before the contact can be saved.")]
    InvalidContact(Vec<rules::Issue>),
    /// Someone else changed the same data first.
    #[error("{0}")]
    Conflict(String),
    /// The request's body was larger than the server accepts.
    #[error("This request is larger than the server accepts, so nothing was changed. Send less at once.")]
    TooLarge,
    /// Too many attempts; try again later.
    #[error("{0}")]
    TooManyAttempts(String),
    /// The server failed; nothing was changed.
    #[error("Something went wrong on our side and nothing was changed. Please try again in a moment.")]
    Internal,
    /// The browser could not reach the server or understand its answer.
    #[error("We couldn't reach the server. Check your connection and try again.")]
    Unreachable,
}

impl AppError {
    /// The HTTP status the server answers this error with.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::NotSignedIn | AppError::BadCredentials => 401,
            AppError::NotFound(_) => 404,
            AppError::Invalid(_) | AppError::InvalidContact(_) => 422,
            AppError::Conflict(_) => 409,
            AppError::TooLarge => 413,
            AppError::TooManyAttempts(_) => 429,
            AppError::Internal => 500,
            AppError::Unreachable => 502,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let error = match value {
            // On the server: a body that went over the request limit while
            // it was read (one sent without a length; one announcing its
            // length is refused before it is read).
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(message) if message.contains("length limit exceeded") => {
                AppError::TooLarge
            }
            // On the server: the request could not be read (malformed or
            // incomplete arguments) — the caller's fault, said as such.
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
}

#[cfg(feature = "ssr")]
impl From<store::StoreError> for AppError {
    fn from(error: store::StoreError) -> Self {
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
            other => {
                tracing::error!(error = %other, "data layer failed");
                AppError::Internal
            }
        }
    }
}
