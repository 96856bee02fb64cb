//! Accounts (organisations) and their users.

use rules::country::Country;
use sqlx::{PgPool, Row};

use crate::model::{AccountId, UserId, UserProfile};
use crate::StoreError;

/// What sign-in needs to know about a user.
#[derive(Debug, Clone)]
pub struct UserCredentials {
    pub user_id: UserId,
    pub account_id: AccountId,
    pub password_hash: String,
    /// Sessions carry it; see [`session_generation`].
    pub session_generation: i32,
}

/// Creates an account without a default country and its first user (see
/// [`create_account_in_country`]).
pub async fn create_account(
    pool: &PgPool,
    account_name: &str,
    email: &str,
    user_name: &str,
    password_hash: &str,
) -> Result<Option<(AccountId, UserId)>, StoreError> {
    create_account_in_country(pool, account_name, None, email, user_name, password_hash).await
}

/// Creates an account with its default country (how phone numbers written
/// without a country code are read) and its first user, in one transaction.
/// Returns `None` when a user with that email (in any case) already exists.
pub async fn create_account_in_country(
    pool: &PgPool,
    account_name: &str,
    default_country: Option<&Country>,
    email: &str,
    user_name: &str,
    password_hash: &str,
) -> Result<Option<(AccountId, UserId)>, StoreError> {
    let mut transaction = pool.begin().await?;
    let account_id: AccountId = sqlx::query("INSERT INTO accounts (name, default_country) VALUES ($1, $2) RETURNING id")
        .bind(account_name)
        .bind(default_country.map(|country| country.code))
        .fetch_one(&mut *transaction)
        .await?
        .try_get("id")?;
    let user = sqlx::query(
        "INSERT INTO users (account_id, email, name, password_hash) VALUES ($1, $2, $3, $4)
         ON CONFLICT (lower(email)) DO NOTHING RETURNING id",
    )
    .bind(account_id)
    .bind(email)
    .bind(user_name)
    .bind(password_hash)
    .fetch_optional(&mut *transaction)
    .await?;
    let Some(user) = user else {
        transaction.rollback().await?;
        return Ok(None);
    };
    let user_id: UserId = user.try_get("id")?;
    transaction.commit().await?;
    Ok(Some((account_id, user_id)))
}

/// The account's default country (an ISO 3166-1 alpha-2 code), if it has
/// one.
pub async fn default_country(pool: &PgPool, account: AccountId) -> Result<Option<String>, StoreError> {
    let country = sqlx::query_scalar("SELECT default_country FROM accounts WHERE id = $1")
        .bind(account)
        .fetch_optional(pool)
        .await?;
    Ok(country.flatten())
}

/// Sets the account's default country (`None`: no default country). Only
/// numbers written from now on are read by it; stored numbers keep the form
/// they were saved in.
pub async fn set_default_country(pool: &PgPool, account: AccountId, country: Option<&Country>) -> Result<(), StoreError> {
    let updated = sqlx::query("UPDATE accounts SET default_country = $2 WHERE id = $1")
        .bind(account)
        .bind(country.map(|country| country.code))
        .execute(pool)
        .await?;
    if updated.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The user signing in with `email` (any case), if there is one.
pub async fn find_credentials(pool: &PgPool, email: &str) -> Result<Option<UserCredentials>, StoreError> {
    let row = sqlx::query("SELECT id, account_id, password_hash, session_generation FROM users WHERE lower(email) = lower($1)")
        .bind(email)
        .fetch_optional(pool)
        .await?;
    row.map(|row| {
        Ok(UserCredentials {
            user_id: row.try_get("id")?,
            account_id: row.try_get("account_id")?,
            password_hash: row.try_get("password_hash")?,
            session_generation: row.try_get("session_generation")?,
        })
    })
    .transpose()
}

/// Failed sign-ins from one client within the throttle's window: for one
/// email (any case), and in all. Ages are whole seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecentFailures {
    pub for_pair: i64,
    pub newest_for_pair_seconds_ago: Option<i64>,
    pub for_client: i64,
    pub oldest_for_client_seconds_ago: Option<i64>,
}

/// Starts a sign-in attempt for `email` from `client`, atomically: with the
/// client's attempts serialised (an advisory lock per client), counts its
/// recent failures, asks `wait_before_attempt` whether this attempt may go
/// ahead, and if so records it as a failure straight away, before the
/// password is checked ([`sign_in_succeeded`] takes it back). So parallel
/// attempts each see the ones before them and cannot exceed the budget.
/// Returns `Err(seconds)` to wait when the attempt may not go ahead.
pub async fn begin_sign_in_attempt(
    pool: &PgPool,
    email: &str,
    client: &str,
    window_seconds: i64,
    wait_before_attempt: impl FnOnce(&RecentFailures) -> Option<u32>,
) -> Result<Result<(), u32>, StoreError> {
    let mut transaction = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('sign-in from ' || $1, 0))")
        .bind(client)
        .execute(&mut *transaction)
        .await?;
    let row = sqlx::query(
        "SELECT
           count(*) FILTER (WHERE lower(email) = lower($2)) AS for_pair,
           floor(extract(epoch FROM now() - max(failed_at) FILTER (WHERE lower(email) = lower($2))))::bigint
             AS newest_for_pair,
           count(*) AS for_client,
           floor(extract(epoch FROM now() - min(failed_at)))::bigint AS oldest_for_client
         FROM login_failures
         WHERE client = $1 AND failed_at > now() - make_interval(secs => $3)",
    )
    .bind(client)
    .bind(email)
    .bind(window_seconds as f64)
    .fetch_one(&mut *transaction)
    .await?;
    let recent = RecentFailures {
        for_pair: row.try_get("for_pair")?,
        newest_for_pair_seconds_ago: row.try_get("newest_for_pair")?,
        for_client: row.try_get("for_client")?,
        oldest_for_client_seconds_ago: row.try_get("oldest_for_client")?,
    };
    if let Some(seconds) = wait_before_attempt(&recent) {
        return Ok(Err(seconds));
    }
    sqlx::query("INSERT INTO login_failures (email, client) VALUES ($1, $2)")
        .bind(email)
        .bind(client)
        .execute(&mut *transaction)
        .await?;
    transaction.commit().await?;
    Ok(Ok(()))
}

/// Forgets the failures of `email` from `client` once it signs in there
/// (the attempt itself included); other clients' failures stay counted.
pub async fn sign_in_succeeded(pool: &PgPool, email: &str, client: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM login_failures WHERE lower(email) = lower($1) AND client = $2")
        .bind(email)
        .bind(client)
        .execute(pool)
        .await?;
    Ok(())
}

/// Deletes failed sign-ins older than `seconds` (they no longer count);
/// returns how many.
pub async fn purge_login_failures(pool: &PgPool, seconds: i64) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM login_failures WHERE failed_at < now() - make_interval(secs => $1)")
        .bind(seconds as f64)
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}

/// The user's session generation: a session made before the current one
/// is no longer valid. `None` when the user no longer exists.
pub async fn session_generation(pool: &PgPool, account: AccountId, user: UserId) -> Result<Option<i32>, StoreError> {
    let generation = sqlx::query_scalar("SELECT session_generation FROM users WHERE account_id = $1 AND id = $2")
        .bind(account)
        .bind(user)
        .fetch_optional(pool)
        .await?;
    Ok(generation)
}

/// Ends every session of the user ("sign out everywhere") by moving their
/// session generation on.
pub async fn end_all_sessions(pool: &PgPool, account: AccountId, user: UserId) -> Result<(), StoreError> {
    sqlx::query("UPDATE users SET session_generation = session_generation + 1 WHERE account_id = $1 AND id = $2")
        .bind(account)
        .bind(user)
        .execute(pool)
        .await?;
    Ok(())
}

/// Who is signed in, as the page header shows it.
pub async fn user_profile(pool: &PgPool, account: AccountId, user: UserId) -> Result<UserProfile, StoreError> {
    let row = sqlx::query(
        "SELECT u.email, u.name, a.name AS account_name, a.default_country
         FROM users u JOIN accounts a ON a.id = u.account_id
         WHERE u.account_id = $1 AND u.id = $2",
    )
    .bind(account)
    .bind(user)
    .fetch_optional(pool)
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok(UserProfile {
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        account_name: row.try_get("account_name")?,
        account_country: row.try_get("default_country")?,
    })
}
