//! Opening an import: what the file is, its mode and columns, and how many
//! rows will follow ([`super::upload`] stores them).
//!
//! Invariant: an import is opened only with sane values (a name, a
//! SHA-256, 1 to `max_rows` rows), and its mode and columns never change
//! afterwards: every uploaded row is staged against them.

use rules::Limits;
use sqlx::PgPool;
use uuid::Uuid;

use super::codec::mode_text;
use super::record::as_i32;
use super::ImportError;
use crate::model::{AccountId, NewImport, UserId};

/// The longest file name, sheet name or header accepted, in characters.
const MAX_NAME_CHARS: usize = 1_000;

/// Opens an import for `account`, run by `user`: what the file is, the mode,
/// its columns and how many rows will follow (1 to `limits.max_rows`).
/// Returns the new import's id, for [`upload_rows`](super::upload_rows) and
/// [`confirm`](super::confirm).
pub async fn open(
    pool: &PgPool,
    account: AccountId,
    user: UserId,
    import: &NewImport,
    limits: &Limits,
) -> Result<Uuid, ImportError> {
    let sha256 = check_new_import(import, limits)?;
    let columns = serde_json::to_value(&import.columns).map_err(|error| sqlx::Error::Encode(Box::new(error)))?;
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO imports (id, account_id, user_id, file_name, file_sha256, file_size, sheet_name, mode, columns, row_count, left_out)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(id)
    .bind(account)
    .bind(user)
    .bind(import.file_name.trim())
    .bind(sha256)
    .bind(import.file_size)
    .bind(import.sheet_name.trim())
    .bind(mode_text(import.mode))
    .bind(columns)
    .bind(as_i32(import.row_count))
    .bind(&import.columns.left_out)
    .execute(pool)
    .await?;
    Ok(id)
}

/// The file's SHA-256 in lower case, once every part of `import` is sane.
fn check_new_import(import: &NewImport, limits: &Limits) -> Result<String, ImportError> {
    let invalid = |text: &str| Err(ImportError::Invalid(text.to_string()));
    let name = import.file_name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return invalid("The file name is missing or too long. Choose the file again.");
    }
    if import.sheet_name.chars().count() > MAX_NAME_CHARS
        || import.columns.headers.iter().any(|header| header.chars().count() > MAX_NAME_CHARS)
        || import.columns.left_out.iter().any(|header| header.chars().count() > MAX_NAME_CHARS)
    {
        return invalid("The sheet name or a column header is too long. Shorten it in the file and choose it again.");
    }
    let sha256 = import.file_sha256.trim().to_ascii_lowercase();
    if sha256.len() != 64 || !sha256.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return invalid("The file's fingerprint (SHA-256) is not valid. Choose the file again.");
    }
    if import.file_size < 0 {
        return invalid("The file size is not valid. Choose the file again.");
    }
    if import.columns.left_out.len() > limits.max_columns as usize {
        return invalid("The file has more columns left out than it can have. Choose the file again.");
    }
    if import.row_count == 0 {
        return invalid("The file has no rows to import.");
    }
    if import.row_count > limits.max_rows {
        return Err(ImportError::Invalid(format!(
            "The file has {} rows; at most {} can be imported at once. Split it into smaller files.",
            import.row_count, limits.max_rows
        )));
    }
    Ok(sha256)
}
