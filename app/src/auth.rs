//! Signing up, in and out (here or everywhere), and who is signed in.
//!
//! The session (a server-side record in Postgres, found by an HttpOnly cookie)
//! holds only [`SignedIn`]. The server's sign-in middleware asks
//! [`server::authenticate`] once per request, which is the one place that
//! decides whether a session still stands (idle limit, absolute limit, not
//! ended everywhere) and rolls it forward while it is used; `caller()` and
//! the `Caller` extractor read its verdict, so the account always comes
//! from the session.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use store::model::UserProfile;
use store::{AccountId, UserId};

use crate::error::AppError;

/// What a signed-in session holds. Times are Unix seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub user: UserId,
    pub account: AccountId,
    /// The user's session generation at sign-in; "sign out everywhere"
    /// moves the user's on, which ends this session.
    pub generation: i32,
    /// When the user typed their password.
    pub signed_in_at: i64,
    /// When the session was last rolled forward (at most hourly, so using
    /// the app does not write the session on every request).
    pub seen_at: i64,
}

/// Shortest password accepted at sign-up (ASVS 2.1.1).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted (ASVS 2.1.2: 64 must be allowed, over 128 refused).
pub const MAX_PASSWORD_CHARS: usize = 128;
/// Longest email address (RFC 5321's limit on a path).
pub const MAX_EMAIL_CHARS: usize = 254;
/// Longest organisation name.
pub const MAX_ORGANISATION_CHARS: usize = 200;
/// Longest user name.
pub const MAX_NAME_CHARS: usize = 100;
/// Longest country code sent by a country list (a code is 2, "none" 4).
pub const MAX_COUNTRY_CHARS: usize = 16;
/// Longest `next` path followed after signing in (longer: the contacts list).
pub const MAX_NEXT_BYTES: usize = 2048;

/// Signs in and goes to `next` (a path in this app) or the contacts list.
#[server(endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    crate::server_context::reply(server::sign_in(email, password, next).await)
}

/// What the sign-up form's "Choose…" sends as `country`: no default
/// country. (A blank field reads as not sent, so it cannot say "none".)
pub const NO_COUNTRY: &str = "none";

/// Creates an organisation and its first user, and signs in as that user.
/// `country` is the organisation's default country (an ISO 3166-1 alpha-2
/// code, or [`NO_COUNTRY`]); a sign-up that does not send it (or sends it
/// blank) gets the country the browser's languages suggest, if any
/// ([`country_guess`]).
#[server(endpoint = "sign_up")]
pub async fn sign_up(
    organisation: String,
    name: String,
    email: String,
    password: String,
    country: Option<String>,
) -> Result<(), AppError> {
    crate::server_context::reply(server::sign_up(organisation, name, email, password, country).await)
}

/// The country the sign-up form preselects: the region of the browser's
/// most preferred language that names one (`Accept-Language: en-NZ` → `NZ`),
/// or `None`.
#[server(endpoint = "country_guess")]
pub async fn country_guess() -> Result<Option<String>, AppError> {
    Ok(server::guess_country().map(|country| country.code.to_string()))
}

/// Changes the signed-in user's organisation's default country (how phone
/// numbers written without a country code are read): a country's ISO
/// 3166-1 alpha-2 code, or [`NO_COUNTRY`] for none.
#[server(endpoint = "set_account_country")]
pub async fn set_account_country(country: String) -> Result<(), AppError> {
    crate::server_context::reply(server::set_account_country(country).await)
}

/// Ends the session and goes to the sign-in page.
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    crate::server_context::reply(server::sign_out().await)
}

/// Ends every session of the signed-in user, on every device (this one
/// too), and goes to the sign-in page.
#[server(endpoint = "sign_out_everywhere")]
pub async fn sign_out_everywhere() -> Result<(), AppError> {
    crate::server_context::reply(server::sign_out_everywhere().await)
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

/// Where to go after signing in: `next` when it is a path on this site,
/// else the contacts list. `next` is parsed as a browser would read it
/// (a URL relative to this site), and followed only when it stays here;
/// what is returned is that parse written out again, so it holds no
/// control characters, backslashes or anything a browser could read as
/// another host.
#[cfg(feature = "ssr")]
pub fn safe_next(next: Option<&str>) -> String {
    const HOME: &str = "/contacts";
    let Some(next) = next else { return HOME.into() };
    if next.len() > MAX_NEXT_BYTES || !next.starts_with('/') || next.chars().any(char::is_control) {
        return HOME.into();
    }
    let Ok(site) = url::Url::parse("http://this-site.invalid/") else { return HOME.into() };
    let same_site_path = |url: &url::Url| url.origin() == site.origin() && !url.path().starts_with("//");
    let Some(parsed) = site.join(next).ok().filter(same_site_path) else { return HOME.into() };
    let path = match parsed.query() {
        Some(query) => format!("{}?{query}", parsed.path()),
        None => parsed.path().to_string(),
    };
    // What the browser will make of the answer must be the same place.
    match site.join(&path) {
        Ok(again) if same_site_path(&again) && again.path() == parsed.path() => path,
        _ => HOME.into(),
    }
}

#[cfg(feature = "ssr")]
pub mod server {
    //! The server side of signing in: sessions, throttling, password checks.

    use std::net::IpAddr;
    use std::sync::OnceLock;

    use leptos::prelude::*;
    use tower_sessions::Session;

    use super::*;
    use crate::error::AppError;
    use crate::password::{hash_password, verify_password};
    use crate::server_context::AppState;

    /// The session key holding [`SignedIn`].
    const SIGNED_IN_KEY: &str = "signed_in";
    /// A session unused for this long ends (ASVS 3.3.2 allows 30 days at
    /// level 1; the session store forgets it at the same moment).
    pub const SESSION_IDLE_SECONDS: i64 = 7 * 24 * 60 * 60;
    /// However much it is used, a session ends this long after sign-in.
    pub const SESSION_ABSOLUTE_SECONDS: i64 = 30 * 24 * 60 * 60;
    /// A session in use is rolled forward (written) at most this often.
    pub const SESSION_ROLL_SECONDS: i64 = 60 * 60;

    /// The address a request came from, as the server's client-address
    /// middleware found it (the socket, or a trusted proxy's header).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct ClientAddress(pub IpAddr);

    impl ClientAddress {
        /// What sign-in throttling counts by: the IPv4 address, or the /64
        /// an IPv6 address belongs to (one subscriber gets a whole /64).
        pub fn throttle_key(&self) -> String {
            match self.0 {
                IpAddr::V4(v4) => v4.to_string(),
                IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                    Some(v4) => v4.to_string(),
                    None => {
                        let [a, b, c, d, ..] = v6.segments();
                        format!("{a:x}:{b:x}:{c:x}:{d:x}::/64")
                    }
                },
            }
        }
    }

    fn now() -> i64 {
        time::OffsetDateTime::now_utc().unix_timestamp()
    }

    /// Whether the session belongs to someone who is still signed in: read
    /// once per request by the sign-in middleware, whose verdict `caller()`
    /// reads. A session past its idle or absolute limit, or ended by "sign
    /// out everywhere", or of a user who no longer exists, is deleted on
    /// sight. One in use is rolled forward (at most hourly), so it lasts
    /// while it is used. A session store that cannot be reached (Postgres
    /// down) is an error, not "signed out": users must get "try again", not
    /// be sent to the sign-in page mid-outage. A session whose data no longer
    /// reads is simply not signed in.
    pub async fn authenticate(state: &AppState, session: &Session) -> Result<Option<SignedIn>, AppError> {
        let signed_in = match session.get::<SignedIn>(SIGNED_IN_KEY).await {
            Ok(signed_in) => signed_in,
            Err(tower_sessions::session::Error::SerdeJson(error)) => {
                tracing::warn!(%error, "session data unreadable; treated as signed out");
                None
            }
            Err(error) => return Err(session_failed(error)),
        };
        let Some(mut signed_in) = signed_in else { return Ok(None) };
        let now = now();
        let within_limits = now - signed_in.signed_in_at < SESSION_ABSOLUTE_SECONDS
            && now - signed_in.seen_at < SESSION_IDLE_SECONDS;
        let current = within_limits
            && store::accounts::session_generation(&state.pool, signed_in.account, signed_in.user).await?
                == Some(signed_in.generation);
        if !current {
            session.flush().await.map_err(session_failed)?;
            return Ok(None);
        }
        if now - signed_in.seen_at >= SESSION_ROLL_SECONDS {
            // Changing the session makes the session layer save it, which
            // moves its expiry to a full idle limit from now.
            signed_in.seen_at = now;
            session.insert(SIGNED_IN_KEY, signed_in).await.map_err(session_failed)?;
        }
        Ok(Some(signed_in))
    }

    /// The request's session (the session layer puts it in the request).
    pub fn request_session() -> Result<Session, AppError> {
        request_extension::<Session>("session")
    }

    fn request_extension<T: Clone + Send + Sync + 'static>(what: &str) -> Result<T, AppError> {
        use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<T>().cloned())
            .ok_or_else(|| {
                tracing::error!(what, "missing from the request: is its middleware installed?");
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
    /// wrong address takes as long as a wrong password (computed once, on
    /// a hashing slot).
    fn decoy_hash() -> &'static str {
        static DECOY: OnceLock<String> = OnceLock::new();
        DECOY.get_or_init(|| hash_password("decoy password never used").unwrap_or_default())
    }

    /// Checks what a sign-in form says against the server's bounds.
    fn check_email_and_password(email: &str, password: &str) -> Result<(), AppError> {
        AppError::check_length("An email address", email, MAX_EMAIL_CHARS)?;
        AppError::check_length("A password", password, MAX_PASSWORD_CHARS)
    }

    /// Signing in, cheapest refusals first: bounds; a place at the hashing
    /// gate ("busy" when full); the pair's turn; the client's budget,
    /// counted and recorded atomically; only then argon2.
    pub async fn sign_in(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
        let state = state()?;
        let email = email.trim().to_string();
        check_email_and_password(&email, &password)?;
        let client = request_extension::<ClientAddress>("client address")?.throttle_key();
        let admission = state.hashing.admit()?;
        let _one_at_a_time = crate::throttle::one_at_a_time(&email, &client).await;
        store::accounts::begin_sign_in_attempt(
            &state.pool,
            &email,
            &client,
            crate::throttle::WINDOW_SECONDS,
            crate::throttle::wait_before_attempt,
        )
        .await?
        .map_err(|retry_after_seconds| AppError::TooManyAttempts { retry_after_seconds })?;
        let credentials = store::accounts::find_credentials(&state.pool, &email).await?;
        let hash = credentials.as_ref().map(|found| found.password_hash.clone());
        let verified = admission
            .run(move || verify_password(&password, hash.as_deref().unwrap_or_else(|| decoy_hash())) && hash.is_some())
            .await?;
        let Some(found) = credentials.filter(|_| verified) else {
            // The attempt stays recorded as a failure.
            return Err(AppError::BadCredentials);
        };
        store::accounts::sign_in_succeeded(&state.pool, &email, &client).await?;
        start_session(found.user_id, found.account_id, found.session_generation).await?;
        leptos_axum::redirect(&safe_next(next.as_deref()));
        Ok(())
    }

    /// The country the request's `Accept-Language` suggests, if any.
    pub fn guess_country() -> Option<&'static rules::country::Country> {
        let parts = use_context::<http::request::Parts>()?;
        let languages = parts.headers.get(http::header::ACCEPT_LANGUAGE)?.to_str().ok()?;
        rules::country::country_from_languages(languages)
    }

    /// The account's default country from what the sign-up sent: not sent
    /// or blank, the browser's guess; [`NO_COUNTRY`], none; else it must be
    /// a country's code.
    fn chosen_country(country: Option<&str>) -> Result<Option<&'static rules::country::Country>, AppError> {
        let code = country.map(str::trim).unwrap_or_default();
        if code.is_empty() {
            return Ok(guess_country());
        }
        listed_country(code)
    }

    /// The country a country list sent: [`NO_COUNTRY`], none; else it must
    /// be a country's code.
    fn listed_country(code: &str) -> Result<Option<&'static rules::country::Country>, AppError> {
        let code = code.trim();
        if code == NO_COUNTRY {
            return Ok(None);
        }
        rules::country::country_by_code(&code.to_ascii_uppercase()).map(Some).ok_or_else(|| {
            AppError::Invalid(format!(
                "{} is not a country we know. Choose your organisation's country from the list.",
                rules::issue::quoted(code)
            ))
        })
    }

    pub async fn sign_up(
        organisation: String,
        name: String,
        email: String,
        password: String,
        country: Option<String>,
    ) -> Result<(), AppError> {
        let state = state()?;
        let organisation = organisation.trim();
        let name = name.trim();
        let email = email.trim();
        if organisation.is_empty() || organisation.chars().count() > MAX_ORGANISATION_CHARS {
            return Err(AppError::Invalid(format!(
                "Enter your organisation's name (up to {MAX_ORGANISATION_CHARS} characters)."
            )));
        }
        AppError::check_length("Your name", name, MAX_NAME_CHARS)?;
        check_email_and_password(email, &password)?;
        if !rules::validate::is_valid_email(email) {
            return Err(AppError::Invalid("Enter your email address, like name@example.com.".into()));
        }
        if password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(AppError::Invalid(format!(
                "Choose a password of at least {MIN_PASSWORD_CHARS} characters."
            )));
        }
        let country = chosen_country(country.as_deref())?;
        let hash = state.hashing.admit()?.run(move || hash_password(&password)).await??;
        let created =
            store::accounts::create_account_in_country(&state.pool, organisation, country, email, name, &hash).await?;
        let Some((account, user)) = created else {
            return Err(AppError::Invalid(
                "We couldn't create an account with this email. If you already have one, sign in instead.".into(),
            ));
        };
        let generation = store::accounts::session_generation(&state.pool, account, user).await?.ok_or(AppError::Internal)?;
        start_session(user, account, generation).await?;
        leptos_axum::redirect("/contacts");
        Ok(())
    }

    pub async fn set_account_country(country: String) -> Result<(), AppError> {
        let caller = crate::server_context::caller().await?;
        AppError::check_length("A country", &country, MAX_COUNTRY_CHARS)?;
        let country = listed_country(&country)?;
        store::accounts::set_default_country(&caller.pool, caller.account, country).await?;
        Ok(())
    }

    pub async fn sign_out() -> Result<(), AppError> {
        request_session()?.flush().await.map_err(session_failed)?;
        leptos_axum::redirect("/login");
        Ok(())
    }

    pub async fn sign_out_everywhere() -> Result<(), AppError> {
        let caller = crate::server_context::caller().await?;
        store::accounts::end_all_sessions(&caller.pool, caller.account, caller.user).await?;
        sign_out().await
    }

    /// A fresh session id for the signed-in user (never reuse the id a
    /// visitor had before signing in).
    async fn start_session(user: UserId, account: AccountId, generation: i32) -> Result<(), AppError> {
        let session = request_session()?;
        session.cycle_id().await.map_err(session_failed)?;
        let now = now();
        let signed_in = SignedIn { user, account, generation, signed_in_at: now, seen_at: now };
        session.insert(SIGNED_IN_KEY, signed_in).await.map_err(session_failed)
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::safe_next;

    #[test]
    fn next_is_only_followed_inside_this_app() {
        let cases = [
            (Some("/contacts/import"), "/contacts/import"),
            (Some("/imports?x=1"), "/imports?x=1"),
            (Some("/contacts?q=Zo%C3%AB"), "/contacts?q=Zo%C3%AB"),
            (Some("//evil.example/path"), "/contacts"),
            (Some("https://evil.example"), "/contacts"),
            (Some("http:evil.example"), "/contacts"),
            (Some("/\\evil.example"), "/contacts"),
            (Some("\\\\evil.example"), "/contacts"),
            (Some("/\t/evil.example"), "/contacts"),
            (Some("/contacts\n"), "/contacts"),
            (Some("/..//evil.example"), "/contacts"),
            (Some("/./\\evil.example"), "/contacts"),
            // Encoded forms stay paths of this site.
            (Some("/%2F%2Fevil.example"), "/%2F%2Fevil.example"),
            (Some("/%09/evil.example"), "/%09/evil.example"),
            (Some("/a b"), "/a%20b"),
            (None, "/contacts"),
        ];
        for (next, expected) in cases {
            assert_eq!(safe_next(next), expected, "{next:?}");
        }
    }
}
