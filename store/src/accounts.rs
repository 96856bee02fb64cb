//! Accounts (organisations) and their users.

use sqlx::{PgPool, Row};

use crate::model::{AccountId, UserId, UserProfile};
use crate::StoreError;

/// What sign-in needs to know about a user.
#[derive(Debug, Clone)]
pub struct UserCredentials {
    pub user_id: UserId,
    pub account_id: AccountId,
    pub password_hash: String,
}

/// Creates an account and its first user in one transaction.
/// Returns `None` when a user with that email (in any case) already exists.
pub async fn create_account(
    pool: &PgPool,
    account_name: &str,
    email: &str,
    user_name: &str,
    password_hash: &str,
) -> Result<Option<(AccountId, UserId)>, StoreError> {
    let mut transaction = pool.begin().await?;
    let account_id: AccountId = sqlx::query("INSERT INTO accounts (name) VALUES ($1) RETURNING id")
        .bind(account_name)
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

/// The user signing in with `email` (any case), if there is one.
pub async fn find_credentials(pool: &PgPool, email: &str) -> Result<Option<UserCredentials>, StoreError> {
    let row = sqlx::query("SELECT id, account_id, password_hash FROM users WHERE lower(email) = lower($1)")
        .bind(email)
        .fetch_optional(pool)
        .await?;
    row.map(|row| {
        Ok(UserCredentials {
            user_id: row.try_get("id")?,
            account_id: row.try_get("account_id")?,
            password_hash: row.try_get("password_hash")?,
        })
    })
    .transpose()
}

/// Failed sign-ins within the last `window_seconds`, for `email` (any case)
/// and for `account` (all its addresses together).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecentFailures {
    pub for_email: i64,
    pub for_account: i64,
}

/// Counts recent failed sign-ins (see [`RecentFailures`]).
pub async fn recent_login_failures(
    pool: &PgPool,
    email: &str,
    account: Option<AccountId>,
    window_seconds: i64,
) -> Result<RecentFailures, StoreError> {
    let row = sqlx::query(
        "SELECT
           count(*) FILTER (WHERE lower(email) = lower($1)) AS for_email,
           count(*) FILTER (WHERE account_id = $2) AS for_account
         FROM login_failures
         WHERE failed_at > now() - make_interval(secs => $3)
           AND (lower(email) = lower($1) OR account_id = $2)",
    )
    .bind(email)
    .bind(account)
    .bind(window_seconds as f64)
    .fetch_one(pool)
    .await?;
    Ok(RecentFailures { for_email: row.try_get("for_email")?, for_account: row.try_get("for_account")? })
}

/// Records a failed sign-in for `email` (and its account, when it has one).
pub async fn record_login_failure(pool: &PgPool, email: &str, account: Option<AccountId>) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO login_failures (email, account_id) VALUES ($1, $2)")
        .bind(email)
        .bind(account)
        .execute(pool)
        .await?;
    // Old failures only ever count inside the window; keep the table small.
    sqlx::query("DELETE FROM login_failures WHERE failed_at < now() - interval '1 day'")
        .execute(pool)
        .await?;
    Ok(())
}

/// Forgets the failed sign-ins of `email` after it signs in successfully.
pub async fn clear_login_failures(pool: &PgPool, email: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM login_failures WHERE lower(email) = lower($1)")
        .bind(email)
        .execute(pool)
        .await?;
    Ok(())
}

/// Who is signed in, as the page header shows it.
pub async fn user_profile(pool: &PgPool, account: AccountId, user: UserId) -> Result<UserProfile, StoreError> {
    let row = sqlx::query(
        "SELECT u.email, u.name, a.name AS account_name
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
    })
}
