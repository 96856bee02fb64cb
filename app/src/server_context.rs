//! Server-side plumbing shared by every server function and axum route:
//! the app's state, who is calling (the one place that decides the account,
//! as `caller()` for server functions and as the `Caller` extractor for
//! routes), and the HTTP status each error is answered with.
//!
//! Invariant: page loads, sign-ins and sessions use the pages pool
//! ([`caller`]); bulk work (an import's look-ups, uploads, confirm and undo,
//! exports) uses the bulk pool ([`bulk_caller`], or [`Caller::bulk`] for
//! routes) and its admission, so it can never take the connections the rest
//! need.

use axum::extract::FromRef;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use sqlx::PgPool;
use store::imports::Admission;
use store::{AccountId, UserId};

use crate::error::AppError;

/// What the server shares with every request.
#[derive(Clone, Debug)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    /// The pages pool: page loads, sign-ins, sessions.
    pub pool: PgPool,
    /// Bulk work: its own pool, and who may confirm or undo now.
    pub bulk: Admission,
    /// The import limits (file size, rows, columns, inflated size), from
    /// the server's configuration; the browser gets them too.
    pub limits: rules::Limits,
    /// The gate in front of argon2 (sign-in and sign-up).
    pub hashing: crate::password::Hashing,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The signed-in caller of a server function.
#[derive(Clone, Debug)]
pub struct Caller {
    /// The pool this call's queries use: the pages pool, or for
    /// [`bulk_caller`] / [`Caller::bulk`] the bulk pool.
    pub pool: PgPool,
    /// Confirms and undos go through this.
    pub bulk: Admission,
    pub account: AccountId,
    pub user: UserId,
    pub limits: rules::Limits,
}

/// Who is calling, from the session. Every server function that touches
/// account data starts here, so the account always comes from this one
/// function; without a session the answer is 401 and no data.
pub async fn caller() -> Result<Caller, AppError> {
    let state = use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the server function context");
        AppError::Internal
    })?;
    let parts = use_context::<http::request::Parts>().ok_or_else(|| {
        tracing::error!("the request is missing from the server function context");
        AppError::Internal
    })?;
    Caller::of(&state, &parts)
}

/// [`caller`], for bulk work: its queries use the bulk pool.
pub async fn bulk_caller() -> Result<Caller, AppError> {
    Ok(caller().await?.bulk())
}

impl Caller {
    /// The caller of a request, as the sign-in middleware found it
    /// (`auth::server::authenticate`, once per request, before any body is
    /// read).
    fn of(state: &AppState, parts: &http::request::Parts) -> Result<Caller, AppError> {
        let signed_in = parts.extensions.get::<crate::auth::SignedIn>().ok_or(AppError::NotSignedIn)?;
        Ok(Caller {
            pool: state.pool.clone(),
            bulk: state.bulk.clone(),
            account: signed_in.account,
            user: signed_in.user,
            limits: state.limits,
        })
    }

    /// The same caller, its queries on the bulk pool (for bulk work).
    pub fn bulk(self) -> Caller {
        Caller { pool: self.bulk.pool().clone(), ..self }
    }
}

/// The same caller for axum routes: a handler that takes a `Caller` is
/// answered 401 (before its body is read) without a session.
impl axum::extract::FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut http::request::Parts, state: &AppState) -> Result<Caller, AppError> {
        Caller::of(state, parts)
    }
}

/// Sets the response's status (and `Retry-After`, when it has one) for
/// `error` (when answering a request).
pub fn set_status(error: &AppError) {
    if let Some(response) = use_context::<ResponseOptions>() {
        if let Ok(status) = http::StatusCode::from_u16(error.status_code()) {
            response.set_status(status);
        }
        if let Some(seconds) = error.retry_after_seconds() {
            response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
        }
    }
}

/// Passes a server function's result through, giving errors their status.
pub fn reply<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(error) = &result {
        set_status(error);
    }
    result
}
