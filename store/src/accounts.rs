//! Accounts (organisations) and their users.

use sqlx::{PgPool, Row};

use crate::model::{AccountId, UserId};
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
