//! Opening an import and storing the rows the browser uploads in chunks.
//!
//! Invariant: an import's stored rows are keyed by `(import_id, line)`, so
//! sending a chunk again (a retry after a lost answer) stores the same rows
//! once, the latest copy winning; an import never holds more rows than it
//! was opened for; rows change only while the import is open.

use std::collections::HashSet;

use rules::{Field, Limits};
use sqlx::{PgPool, Row};
use uuid::Uuid;

use super::codec::{field_set_to_bits, mode_text};
use super::record::{self, as_i32};
use super::{planned_per_call, ImportError};
use crate::model::{AccountId, ImportStatus, NewImport, UploadedRow, UserId};

/// The most rows one call to [`upload_rows`] accepts.
pub const MAX_ROWS_PER_UPLOAD: usize = 2_000;

/// The longest cell accepted, in characters: a spreadsheet cell's limit.
/// (The rules refuse much shorter values with a per-cell issue; this only
/// bounds what is stored.)
pub const MAX_CELL_CHARS: usize = 32_767;

/// The longest file name, sheet name or header accepted, in characters.
const MAX_NAME_CHARS: usize = 1_000;

/// Opens an import for `account`, run by `user`: what the file is, the mode,
/// its columns and how many rows will follow (1 to `limits.max_rows`).
/// Returns the new import's id, for [`upload_rows`] and
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
    let id = Uuid::new_v4();
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

/// Stores a chunk of at most [`MAX_ROWS_PER_UPLOAD`] rows of an open import
/// (a row already stored for the same line is replaced). Returns how many
/// rows the import holds now, for the progress bar.
///
/// Fails, storing nothing of the chunk, when the import is not this
/// account's ([`ImportError::NotFound`]), is no longer open
/// ([`ImportError::Conflict`]), or the chunk is malformed: too many rows,
/// a line below 2, a line twice, an over-long cell, or more rows in all
/// than the import was opened for ([`ImportError::Invalid`]).
pub async fn upload_rows(
    pool: &PgPool,
    account: AccountId,
    import_id: Uuid,
    rows: &[UploadedRow],
) -> Result<u32, ImportError> {
    check_chunk(rows)?;
    let mut transaction = pool.begin().await?;
    let import = record::lock(&mut transaction, account, import_id).await?;
    if import.status != ImportStatus::Open {
        return Err(ImportError::Conflict(
            "This import has already been confirmed or closed, so its rows can no longer change. Start a new import to send the file again."
                .into(),
        ));
    }
    if !rows.is_empty() {
        insert_rows(&mut transaction, account, import_id, rows).await?;
    }
    let stored: i64 = planned_per_call("SELECT count(*) FROM import_rows WHERE account_id = $1 AND import_id = $2")
        .bind(account)
        .bind(import_id)
        .fetch_one(&mut *transaction)
        .await?
        .try_get(0)?;
    if stored > i64::from(import.row_count) {
        transaction.rollback().await?;
        return Err(ImportError::Invalid(format!(
            "More rows were sent than the {} this import was opened for. Start the import again.",
            import.row_count
        )));
    }
    transaction.commit().await?;
    Ok(u32::try_from(stored).unwrap_or(u32::MAX))
}

/// Refuses a malformed chunk before touching the database.
fn check_chunk(rows: &[UploadedRow]) -> Result<(), ImportError> {
    if rows.len() > MAX_ROWS_PER_UPLOAD {
        return Err(ImportError::Invalid(format!(
            "Too many rows at once: send at most {MAX_ROWS_PER_UPLOAD} rows per request."
        )));
    }
    let mut lines = HashSet::with_capacity(rows.len());
    for uploaded in rows {
        let line = uploaded.row.line;
        if line < 2 || i32::try_from(line).is_err() {
            return Err(ImportError::Invalid(format!(
                "Row number {line} is not a data row of a spreadsheet. Choose the file again."
            )));
        }
        if !lines.insert(line) {
            return Err(ImportError::Invalid(format!("Row {line} was sent twice in one request.")));
        }
        if let Some(field) =
            Field::ALL.into_iter().find(|&field| uploaded.row.values.get(field).chars().count() > MAX_CELL_CHARS)
        {
            return Err(ImportError::Invalid(format!(
                "Row {line}, {}: the cell is longer than a spreadsheet cell can be ({MAX_CELL_CHARS} characters).",
                field.header()
            )));
        }
    }
    Ok(())
}

/// Inserts (or replaces, by line) `rows` in one statement.
async fn insert_rows(
    conn: &mut sqlx::PgConnection,
    account: AccountId,
    import_id: Uuid,
    rows: &[UploadedRow],
) -> Result<(), sqlx::Error> {
    let count = rows.len();
    let mut lines = Vec::with_capacity(count);
    let mut cells: Vec<Vec<&str>> = (0..Field::COUNT).map(|_| Vec::with_capacity(count)).collect();
    let mut error_cells = Vec::with_capacity(count);
    let mut preview_contacts = Vec::with_capacity(count);
    let mut preview_versions = Vec::with_capacity(count);
    for uploaded in rows {
        lines.push(as_i32(uploaded.row.line));
        for (column, (_, value)) in cells.iter_mut().zip(uploaded.row.values.iter()) {
            column.push(value);
        }
        error_cells.push(field_set_to_bits(uploaded.row.error_cells));
        preview_contacts.push(uploaded.preview.map(|preview| preview.contact_id));
        preview_versions.push(uploaded.preview.map(|preview| preview.version));
    }
    // One text[] per field, zipped by UNNEST and gathered back into a row's
    // cells array (a two-dimensional parameter would unnest flat).
    let cell_names: Vec<String> = (0..Field::COUNT).map(|index| format!("c{index}")).collect();
    let cell_params: Vec<String> = (0..Field::COUNT).map(|index| format!("${}::text[]", index + 4)).collect();
    let next = Field::COUNT + 4;
    let sql = format!(
        "INSERT INTO import_rows (import_id, account_id, line, cells, error_cells, preview_contact, preview_version)
         SELECT $1, $2, u.line, ARRAY[{cells}], u.error_cells, u.preview_contact, u.preview_version
         FROM UNNEST($3::int4[], {params}, ${e}::int4[], ${p}::uuid[], ${v}::int4[])
              AS u(line, {names}, error_cells, preview_contact, preview_version)
         ON CONFLICT (import_id, line) DO UPDATE SET
             cells = EXCLUDED.cells, error_cells = EXCLUDED.error_cells,
             preview_contact = EXCLUDED.preview_contact, preview_version = EXCLUDED.preview_version",
        cells = cell_names.iter().map(|name| format!("u.{name}")).collect::<Vec<_>>().join(", "),
        params = cell_params.join(", "),
        names = cell_names.join(", "),
        e = next,
        p = next + 1,
        v = next + 2,
    );
    let mut query = sqlx::query(&sql).bind(import_id).bind(account).bind(lines);
    for column in cells {
        query = query.bind(column);
    }
    query.bind(error_cells).bind(preview_contacts).bind(preview_versions).execute(&mut *conn).await?;
    Ok(())
}
