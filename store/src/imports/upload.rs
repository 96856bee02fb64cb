//! Storing the rows the browser uploads in chunks: each row is checked on
//! its own with the shared rules as it arrives ([`rules::check::stage`]:
//! normalised values, phone numbers in the stored form read by the row's
//! country else the account's, match keys, the contact it would create
//! alone) and lands in `import_staging` with one `COPY`.
//!
//! Invariants:
//! - Idempotent per line: a chunk replaces the staged rows of its lines (a
//!   retry after a lost answer, or the same chunk twice at once, stores each
//!   row once, the latest copy winning).
//! - An import never holds more rows than it was opened for: each chunk
//!   adds what it stored to `received_rows` as it commits, and a chunk that
//!   would go past `row_count` stores nothing. No chunk counts the rows
//!   again, and chunks of one import run side by side: each holds the
//!   import's row only in `KEY SHARE` mode, which a confirm's `FOR UPDATE`
//!   waits for (so a confirm sees every chunk that was sent before it, and a
//!   chunk arriving after a confirm started finds the import closed).
//! - The rules' work (the CPU) is done before the transaction starts, on a
//!   blocking thread, so a chunk holds a connection only while Postgres
//!   loads it.

use std::collections::HashSet;

use rules::check::{stage, MatchKey, StagedRow};
use rules::headers::{ImportColumns, ImportRow};
use rules::merge::MergeMode;
use rules::similar::DuplicateChoice;
use rules::Field;
use sqlx::{PgConnection, PgPool, Row};
use uuid::Uuid;

use super::codec::{field_set_to_bits, mode_from_text, status_from_text};
use super::copy::CopyData;
use super::record::as_i32;
use super::ImportError;
use crate::fields_sql::field_columns;
use crate::model::{AccountId, ImportStatus, UploadedRow};
use crate::phone_memory::RememberingPhones;

/// The most rows one call to [`upload_rows`] accepts.
pub const MAX_ROWS_PER_UPLOAD: usize = 10_000;

/// The longest cell accepted, in characters: a spreadsheet cell's limit.
/// (The rules refuse much shorter values with a per-cell issue; this only
/// bounds what is stored.)
pub const MAX_CELL_CHARS: usize = 32_767;

/// How many times a chunk is tried when the same chunk, sent twice at once,
/// stored its rows first.
const ATTEMPTS: usize = 3;

/// Stores a chunk of at most [`MAX_ROWS_PER_UPLOAD`] rows of an open import
/// (a row already stored for the same line is replaced). Returns how many
/// rows the import holds now, for the progress bar.
///
/// Fails, storing nothing of the chunk, when the import is not this
/// account's ([`ImportError::NotFound`]), is no longer open
/// ([`ImportError::Conflict`]), or the chunk is malformed: too many rows,
/// a line below 2, a line twice, an over-long cell or one holding a NUL
/// character, or more rows in all than the import was opened for
/// ([`ImportError::Invalid`]).
pub async fn upload_rows(
    pool: &PgPool,
    account: AccountId,
    import_id: Uuid,
    rows: Vec<UploadedRow>,
) -> Result<u32, ImportError> {
    check_chunk(&rows)?;
    let (columns, mode, phones) = import_settings(pool, account, import_id).await?;
    let lines: Vec<i32> = rows.iter().map(|uploaded| as_i32(uploaded.row.line)).collect();
    let data = tokio::task::spawn_blocking(move || staged_copy(account, import_id, &columns, mode, &phones, &rows))
        .await
        .map_err(|_| ImportError::Interrupted)?;
    let mut attempt = 1;
    loop {
        match store_chunk(pool, account, import_id, &lines, &data).await {
            // The same chunk, sent twice at once, was stored by the other
            // request first: storing it again replaces those rows.
            Err(error) if error.is_unique_violation() && attempt < ATTEMPTS => attempt += 1,
            result => return result,
        }
    }
}

/// The import's columns and mode (which never change once it is open), and
/// the account's phone book (its default country).
async fn import_settings(
    pool: &PgPool,
    account: AccountId,
    import_id: Uuid,
) -> Result<(ImportColumns, MergeMode, RememberingPhones), ImportError> {
    let row = sqlx::query(
        "SELECT i.mode, i.columns, a.default_country FROM imports i JOIN accounts a ON a.id = i.account_id
         WHERE i.account_id = $1 AND i.id = $2",
    )
        .bind(account)
        .bind(import_id)
        .fetch_optional(pool)
        .await?
        .ok_or(ImportError::NotFound)?;
    let mode: String = row.try_get("mode")?;
    let columns: serde_json::Value = row.try_get("columns")?;
    let columns: ImportColumns =
        serde_json::from_value(columns).map_err(|error| sqlx::Error::Decode(Box::new(error)))?;
    let country: Option<String> = row.try_get("default_country")?;
    Ok((columns, mode_from_text(&mode).map_err(sqlx::Error::from)?, RememberingPhones::new(country)))
}

/// One attempt at storing the chunk's staged rows (`data`, for `lines`), in
/// one transaction.
async fn store_chunk(
    pool: &PgPool,
    account: AccountId,
    import_id: Uuid,
    lines: &[i32],
    data: &CopyData,
) -> Result<u32, ImportError> {
    let mut transaction = pool.begin().await?;
    let status = sqlx::query("SELECT status FROM imports WHERE account_id = $1 AND id = $2 FOR KEY SHARE")
        .bind(account)
        .bind(import_id)
        .fetch_optional(&mut *transaction)
        .await?
        .ok_or(ImportError::NotFound)?;
    let status: String = status.try_get("status")?;
    if status_from_text(&status).map_err(sqlx::Error::from)? != ImportStatus::Open {
        return Err(ImportError::Conflict(
            "This import has already been confirmed or closed, so its rows can no longer change. Start a new import to send the file again."
                .into(),
        ));
    }
    // A chunk sent again replaces its lines. The first time, none of them is
    // staged, and one probe of the staged lines between the chunk's first
    // and last says so: the `EXISTS` is a one-time filter, so the join over
    // every line (a probe each, 35–55 ms of Postgres's time for 10,000) runs
    // only when the chunk was sent before.
    let (first, last) = (lines.iter().min().copied().unwrap_or(0), lines.iter().max().copied().unwrap_or(-1));
    let replaced = sqlx::query(
        "DELETE FROM import_staging s USING unnest($3::int4[]) AS l(line)
         WHERE s.account_id = $1 AND s.import_id = $2 AND s.line = l.line
           AND EXISTS (SELECT FROM import_staging e
                       WHERE e.account_id = $1 AND e.import_id = $2 AND e.line BETWEEN $4 AND $5)",
    )
    .bind(account)
    .bind(import_id)
    .bind(lines)
    .bind(first)
    .bind(last)
    .execute(&mut *transaction)
    .await?
    .rows_affected();
    let stored = copy_rows(&mut transaction, data).await?;
    let added = i64::try_from(stored).unwrap_or(i64::MAX) - i64::try_from(replaced).unwrap_or(i64::MAX);
    let counts = sqlx::query(
        "UPDATE imports SET received_rows = received_rows + $3 WHERE account_id = $1 AND id = $2
         RETURNING received_rows, row_count",
    )
    .bind(account)
    .bind(import_id)
    .bind(i32::try_from(added).unwrap_or(i32::MAX))
    .fetch_one(&mut *transaction)
    .await?;
    let received: i32 = counts.try_get("received_rows")?;
    let expected: i32 = counts.try_get("row_count")?;
    if received > expected {
        transaction.rollback().await?;
        return Err(ImportError::Invalid(format!(
            "More rows were sent than the {expected} this import was opened for. Start the import again."
        )));
    }
    transaction.commit().await?;
    Ok(u32::try_from(received).unwrap_or(0))
}

/// Loads `data` into `import_staging`; returns how many rows it held.
async fn copy_rows(conn: &mut PgConnection, data: &CopyData) -> Result<u64, sqlx::Error> {
    if data.rows() == 0 {
        return Ok(0);
    }
    let statement = format!("COPY import_staging ({}) FROM STDIN", staging_columns());
    let mut copy = conn.copy_in_raw(&statement).await?;
    copy.send(data.bytes()).await?;
    copy.finish().await
}

/// The columns a staged row is copied into, in order.
fn staging_columns() -> String {
    format!(
        "account_id, import_id, line, {}, error_cells, reference_key, email_key, match_by,
         preview_contact, preview_version, new_id, new_kind, sort_name, company_key, search_text,
         unchanged_when_equal, duplicate_choice, duplicate_contact, kept_fields, kept_key_fields",
        field_columns("")
    )
}

/// The chunk's rows, staged with the shared rules, as `COPY` data.
fn staged_copy(
    account: AccountId,
    import_id: Uuid,
    columns: &ImportColumns,
    mode: MergeMode,
    phones: &RememberingPhones,
    rows: &[UploadedRow],
) -> CopyData {
    let mut data = CopyData::with_capacity(rows.len() * 512);
    // A number the preview's verdict calls read is remembered by the
    // process, and so is one this chunk reads first: libphonenumber reads
    // each once.
    for uploaded in rows {
        let staged = stage(&uploaded.row, columns, mode, phones);
        let preview = uploaded.preview.map(|p| (p.contact_id, p.version));
        push_staged(&mut data, account, import_id, &uploaded.row, &staged, preview, uploaded.duplicate);
    }
    data
}

/// One staged row, in [`staging_columns`] order.
fn push_staged(
    data: &mut CopyData,
    account: AccountId,
    import_id: Uuid,
    row: &ImportRow,
    staged: &StagedRow,
    preview: Option<(Uuid, i32)>,
    duplicate: DuplicateChoice,
) {
    let mut copy = data.row();
    copy.uuid(account.0).uuid(import_id).plain(as_i32(row.line));
    for field in Field::ALL {
        copy.text(staged.values.get(field));
    }
    copy.plain(field_set_to_bits(row.error_cells))
        .text(staged.reference_key.as_deref().unwrap_or(""))
        .text(staged.email_key.as_deref().unwrap_or(""))
        .text(match staged.match_key {
            MatchKey::Reference(_) => "r",
            MatchKey::Email(_) => "e",
            MatchKey::New => "n",
            MatchKey::Unresolved => "u",
        });
    match preview {
        Some((contact, version)) => copy.uuid(contact).plain(version),
        None => copy.null().null(),
    };
    match &staged.as_new {
        Some(contact) => {
            let listing = contact.listing_keys();
            copy.uuid(Uuid::now_v7())
                .text(contact.get(Field::Kind))
                .text(&listing.sort_name)
                .text(&listing.company_key)
                .text(&listing.search_text);
        }
        None => {
            copy.null().null().null().null().null();
        }
    }
    copy.plain(staged.unchanged_when_equal);
    // Only stored here; the confirm re-checks it (`recheck`).
    match duplicate {
        DuplicateChoice::CreateAnyway => copy.text("c").null(),
        DuplicateChoice::Update { contact } => copy.text("u").uuid(contact),
        DuplicateChoice::Skip => copy.text("s").null(),
    };
    copy.plain(field_set_to_bits(staged.update_sources.stored))
        .plain(field_set_to_bits(staged.update_sources.unless_same_key));
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
        for field in Field::ALL {
            let value = uploaded.row.values.get(field);
            // Counting characters only when the bytes could be too many.
            if value.len() > MAX_CELL_CHARS && value.chars().count() > MAX_CELL_CHARS {
                return Err(ImportError::Invalid(format!(
                    "Row {line}, {}: the cell is longer than a spreadsheet cell can be ({MAX_CELL_CHARS} characters).",
                    field.header()
                )));
            }
            if value.as_bytes().contains(&0) {
                return Err(ImportError::Invalid(format!(
                    "Row {line}, {}: the cell holds a NUL character, which cannot be saved. Remove it from the cell and import the file again.",
                    field.header()
                )));
            }
        }
    }
    Ok(())
}
