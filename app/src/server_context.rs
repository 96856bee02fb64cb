//! Server-side plumbing shared by every server function: the app's state,
//! who is calling (the one place that decides the account), and the HTTP
//! status each error is answered with.
//!
//! Invariant: page loads, sign-ins and sessions use the pages pool
//! ([`caller`]); bulk work (an import's look-ups, uploads, confirm and undo,
//! exports) uses the bulk pool ([`bulk_caller`]) and its admission, so it
//! can never take the connections the rest need.

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
    /// [`bulk_caller`] the bulk pool.
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
    let state = app_state()?;
    let session = crate::auth::server::request_session()?;
    let signed_in = crate::auth::server::signed_in(&session).await?.ok_or(AppError::NotSignedIn)?;
    Ok(Caller {
        pool: state.pool,
        bulk: state.bulk,
        account: signed_in.account,
        user: signed_in.user,
        limits: state.limits,
    })
}

/// [`caller`], for bulk work: its queries use the bulk pool.
pub async fn bulk_caller() -> Result<Caller, AppError> {
    let caller = caller().await?;
    Ok(Caller { pool: caller.bulk.pool().clone(), ..caller })
}

/// The app's state, which the server puts in every request's context.
fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the server function context");
        AppError::Internal
    })
}

/// Sets the response's status for `error` (when answering a request).
pub fn set_status(error: &AppError) {
    if let Some(response) = use_context::<ResponseOptions>() {
        if let Ok(status) = http::StatusCode::from_u16(error.status_code()) {
            response.set_status(status);
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
