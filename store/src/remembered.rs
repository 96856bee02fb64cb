//! Remembered mappings: per account and header signature, how the account
//! last mapped such a file (`model::RememberedMapping`).
//!
//! Invariant: every query takes the account id and filters by it, so one
//! account never reads, changes or learns of another's remembered mapping;
//! a document that no longer reads as a mapping the rules accept (a value
//! choice the rules have since dropped) is treated as nothing remembered.

use sqlx::types::Json;
use sqlx::PgPool;

use crate::model::{AccountId, RememberedMapping};
use crate::StoreError;

/// The mapping `account` remembered for files whose headers have
/// `signature` (`rules::headers::header_signature`), if any.
pub async fn get(pool: &PgPool, account: AccountId, signature: &str) -> Result<Option<RememberedMapping>, StoreError> {
    let row: Option<(serde_json::Value, serde_json::Value)> = sqlx::query_as(
        "SELECT columns, choices FROM remembered_mappings
         WHERE account_id = $1 AND header_signature = sha256(convert_to($2, 'UTF8'))",
    )
    .bind(account)
    .bind(signature)
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(|(columns, values)| {
        let read = serde_json::from_value(columns).and_then(|columns| Ok(RememberedMapping {
            columns,
            values: serde_json::from_value(values)?,
        }));
        match read {
            Ok(mapping) => Some(mapping),
            Err(error) => {
                tracing::warn!(%error, "a remembered mapping no longer reads; treated as none");
                None
            }
        }
    }))
}

/// Remembers `mapping` for `account`'s files whose headers have `signature`,
/// replacing what was remembered for them.
pub async fn remember(pool: &PgPool, account: AccountId, signature: &str, mapping: &RememberedMapping) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO remembered_mappings (account_id, header_signature, columns, choices)
         VALUES ($1, sha256(convert_to($2, 'UTF8')), $3, $4)
         ON CONFLICT (account_id, header_signature)
         DO UPDATE SET columns = excluded.columns, choices = excluded.choices, updated_at = now()",
    )
    .bind(account)
    .bind(signature)
    .bind(Json(&mapping.columns))
    .bind(Json(&mapping.values))
    .execute(pool)
    .await?;
    Ok(())
}
