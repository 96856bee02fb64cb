//! Signing up, in and out, and who is signed in.
//!
//! The session (a server-side record in Postgres, found by an HttpOnly cookie)
//! holds only [`SignedIn`]; `server_context::caller` reads it for every server
//! function, so the account always comes from the session.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use store::model::UserProfile;
use store::{AccountId, UserId};

use crate::error::AppError;

/// What a signed-in session holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub user: UserId,
    pub account: AccountId,
}

/// Shortest password accepted at sign-up.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Signs in and goes to `next` (a path in this app) or the contacts list.
#[server(endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    crate::server_context::reply(server::sign_in(email, password, next).await)
}

/// Creates an organisation and its first user, and signs in as that user.
#[server(endpoint = "sign_up")]
pub async fn sign_up(organisation: String, name: String, email: String, password: String) -> Result<(), AppError> {
    crate::server_context::reply(server::sign_up(organisation, name, email, password).await)
}

/// Ends the session and goes to the sign-in page.
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    crate::server_context::reply(server::sign_out().await)
}

/// The signed-in user, for the page header; `None` for a visitor (the
/// sign-in pages ask too, and there is nothing to hide in "nobody").
#[server(endpoint = "current_user")]
pub async fn current_user() -> Result<Option<UserProfile>, AppError> {
    use crate::server_context::{caller, reply};
    reply(
        async {
            let caller = match caller().await {
                Ok(caller) => caller,
                Err(AppError::NotSignedIn) => return Ok(None),
                Err(error) => return Err(error),
            };
            Ok(Some(store::accounts::user_profile(&caller.pool, caller.account, caller.user).await?))
        }
        .await,
    )
}

/// Where to go after signing in: `next` when it is a path inside this app
/// (never another site), else the contacts list.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => path.to_string(),
        _ => "/contacts".to_string(),
    }
}

#[cfg(feature = "ssr")]
pub mod server {
    //! The server side of signing in: sessions, throttling, password checks.

    use std::sync::OnceLock;

    use leptos::prelude::*;
    use tower_sessions::Session;

    use super::{safe_next, SignedIn, MIN_PASSWORD_CHARS};
    use crate::error::AppError;
    use crate::password::{hash_password, verify_password};
    use crate::server_context::AppState;

    /// The session key holding [`SignedIn`].
    const SIGNED_IN_KEY: &str = "signed_in";
    /// Failed sign-ins are counted over this window…
    pub const THROTTLE_WINDOW_SECONDS: i64 = 15 * 60;
    /// …and refused beyond this many for one address…
    pub const MAX_FAILURES_PER_EMAIL: i64 = 5;
    /// …or this many across all of one account's addresses.
    pub const MAX_FAILURES_PER_ACCOUNT: i64 = 20;

    /// Who the session belongs to, if anyone. A session store that cannot
    /// be reached (Postgres down) is an error, not "signed out": users must
    /// get "try again", not be sent to the sign-in page mid-outage. A session
    /// whose data no longer reads is simply not signed in.
    pub async fn signed_in(session: &Session) -> Result<Option<SignedIn>, AppError> {
        match session.get::<SignedIn>(SIGNED_IN_KEY).await {
            Ok(signed_in) => Ok(signed_in),
            Err(tower_sessions::session::Error::SerdeJson(error)) => {
                tracing::warn!(%error, "session data unreadable; treated as signed out");
                Ok(None)
            }
            Err(error) => Err(session_failed(error)),
        }
    }

    /// The request's session (the session layer puts it in the request).
    pub fn request_session() -> Result<Session, AppError> {
        use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Session>().cloned())
            .ok_or_else(|| {
                tracing::error!("no session on the request: is the session layer installed?");
                AppError::Internal
            })
    }

    fn state() -> Result<AppState, AppError> {
        use_context::<AppState>().ok_or(AppError::Internal)
    }

    fn session_failed(error: tower_sessions::session::Error) -> AppError {
        tracing::error!(%error, "session store failed");
        AppError::Internal
    }

    /// A hash to verify against when the address has no user, so that a
    /// wrong address takes as long as a wrong password.
    fn decoy_hash() -> &'static str {
        static DECOY: OnceLock<String> = OnceLock::new();
        DECOY.get_or_init(|| hash_password("decoy password never used").unwrap_or_default())
    }

    async fn verify_off_thread(password: String, hash: String) -> bool {
        tokio::task::spawn_blocking(move || verify_password(&password, &hash))
            .await
            .unwrap_or(false)
    }

    pub async fn sign_in(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
        let state = state()?;
        let email = email.trim().to_string();
        let credentials = store::accounts::find_credentials(&state.pool, &email).await?;
        let account = credentials.as_ref().map(|found| found.account_id);
        let failures =
            store::accounts::recent_login_failures(&state.pool, &email, account, THROTTLE_WINDOW_SECONDS).await?;
        if failures.for_email >= MAX_FAILURES_PER_EMAIL || failures.for_account >= MAX_FAILURES_PER_ACCOUNT {
            return Err(AppError::TooManyAttempts(
                "Too many failed sign-in attempts. Wait 15 minutes, then try again.".into(),
            ));
        }
        let hash = credentials
            .as_ref()
            .map(|found| found.password_hash.clone())
            .unwrap_or_else(|| decoy_hash().to_string());
        let verified = verify_off_thread(password, hash).await;
        let Some(found) = credentials.filter(|_| verified) else {
            store::accounts::record_login_failure(&state.pool, &email, account).await?;
            return Err(AppError::BadCredentials);
        };
        store::accounts::clear_login_failures(&state.pool, &email).await?;
        start_session(SignedIn { user: found.user_id, account: found.account_id }).await?;
        leptos_axum::redirect(&safe_next(next.as_deref()));
        Ok(())
    }

    pub async fn sign_up(organisation: String, name: String, email: String, password: String) -> Result<(), AppError> {
        let state = state()?;
        let organisation = organisation.trim();
        let name = name.trim();
        let email = email.trim();
        if organisation.is_empty() || organisation.chars().count() > 200 {
            return Err(AppError::Invalid("Enter your organisation's name (up to 200 characters).".into()));
        }
        if name.chars().count() > 100 {
            return Err(AppError::Invalid("Your name can be up to 100 characters.".into()));
        }
        if !rules::validate::is_valid_email(email) {
            return Err(AppError::Invalid("Enter your email address, like name@example.com.".into()));
        }
        let length = password.chars().count();
        if !(MIN_PASSWORD_CHARS..=200).contains(&length) {
            return Err(AppError::Invalid(format!(
                "Choose a password of at least {MIN_PASSWORD_CHARS} characters."
            )));
        }
        let hash = tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|_| AppError::Internal)??;
        let created = store::accounts::create_account(&state.pool, organisation, email, name, &hash).await?;
        let Some((account, user)) = created else {
            return Err(AppError::Invalid(
                "We couldn't create an account with this email. If you already have one, sign in instead.".into(),
            ));
        };
        start_session(SignedIn { user, account }).await?;
        leptos_axum::redirect("/contacts");
        Ok(())
    }

    pub async fn sign_out() -> Result<(), AppError> {
        request_session()?.flush().await.map_err(session_failed)?;
        leptos_axum::redirect("/login");
        Ok(())
    }

    /// A fresh session id for the signed-in user (never reuse the id a
    /// visitor had before signing in).
    async fn start_session(signed_in: SignedIn) -> Result<(), AppError> {
        let session = request_session()?;
        session.cycle_id().await.map_err(session_failed)?;
        session.insert(SIGNED_IN_KEY, signed_in).await.map_err(session_failed)
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_is_only_followed_inside_this_app() {
        let cases = [
            (Some("/contacts/import"), "/contacts/import"),
            (Some("/imports?x=1"), "/imports?x=1"),
            (Some("//evil.example/path"), "/contacts"),
            (Some("https://evil.example"), "/contacts"),
            (Some("/\\evil.example"), "/contacts"),
            (None, "/contacts"),
        ];
        for (next, expected) in cases {
            assert_eq!(safe_next(next), expected, "{next:?}");
        }
    }
}
