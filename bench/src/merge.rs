//! The server merge of 100,000 rows through the product's own code path
//! (`store::imports::open` → `upload_rows` in the browser's chunks, a few
//! in flight → `confirm`), first as new contacts and then again as updates,
//! against two baselines in the same database, each `COPY` into a temporary
//! table plus one `INSERT … ON CONFLICT DO UPDATE`, in one transaction:
//!
//! - the lean baseline, into a table with the same columns as `contacts`
//!   and only the two unique key indexes (Postgres's own bulk path: the
//!   target is within 2× of it);
//! - the same-schema baseline, into `contacts` itself (its primary key too).
//!
//! The product and the baselines write to three accounts of one fresh
//! database, one after the other (product, same schema, lean; new, then
//! updates), each phase starting from a checkpointed, vacuumed and analysed
//! database. The preview the browser would have made first (its
//! `phone_verdicts` and `existing_contacts` calls, and its check) is done
//! before the clock starts,
//! and so is building the baselines' `COPY` data.

use std::time::Instant;

use rules::check::{lookup_keys, phone_keys, ExistingContacts, ImportCheck, LookupKeys};
use rules::headers::{ImportColumns, ImportRow};
use rules::merge::{Action, MergeMode};
use rules::{ContactFields, Limits};
use futures::StreamExt;
use serde_json::{json, Value};
use sqlx::{Executor, PgPool, Row as _};
use store::model::{ConfirmOutcome, NewImport, PreviewMatch, UploadedRow};
use store::phone_memory::RememberingPhones;
use store::{AccountId, UserId};

use crate::data::{self, Row, Spec};
use crate::memory;

type Error = Box<dyn std::error::Error + Send + Sync>;

const SEED: u64 = 0x5E7_2026;

/// Upload calls in flight at once, as the browser keeps them
/// (`app::import_api::UPLOADS_IN_FLIGHT`).
const UPLOADS_IN_FLIGHT: usize = 3;

/// Runs the four phases on `rows` rows in the (fresh) database at `url`.
pub async fn run(url: &str, rows: usize) -> Result<Value, Error> {
    let pool = store::connect(url, 10).await?;
    store::MIGRATOR.run(&pool).await?;
    create_lean_table(&pool).await?;
    let (product, user) = account(&pool, "product").await?;
    let (baseline, _) = account(&pool, "baseline").await?;
    let (lean, _) = account(&pool, "lean").await?;

    // An export's rows (every one has its Contact ID), then the same rows
    // edited: every contact's mobile and notes changed.
    let first = data::rows(Spec { rows, invalid_per_mille: 0, all_ids: true, seed: SEED });
    let second = data::edited(&first);

    let mut results = serde_json::Map::new();
    for (phase, rows, expect) in [("new", &first, "created"), ("update", &second, "updated")] {
        settle(&pool).await?;
        results.insert(format!("product_{phase}"), product_phase(&pool, product, user, rows, expect).await?);
        settle(&pool).await?;
        results.insert(format!("baseline_{phase}"), baseline_phase(&pool, baseline, rows, "contacts").await?);
        settle(&pool).await?;
        results.insert(format!("lean_{phase}"), baseline_phase(&pool, lean, rows, LEAN_TABLE).await?);
    }
    results.insert("rows".into(), json!(rows));
    Ok(Value::Object(results))
}

async fn account(pool: &PgPool, name: &str) -> Result<(AccountId, UserId), Error> {
    let email = format!("bench-{name}-{}@example.com", uuid::Uuid::new_v4().simple());
    store::accounts::create_account(pool, &format!("Bench {name}"), &email, "Bench", "not a password hash")
        .await?
        .ok_or_else(|| "the bench account already exists".into())
}

/// The lean baseline's table: the columns of `contacts`, and only its two
/// unique key indexes.
const LEAN_TABLE: &str = "bench_lean_contacts";

async fn create_lean_table(pool: &PgPool) -> Result<(), Error> {
    pool.execute(
        format!(
            "CREATE TABLE {LEAN_TABLE} (LIKE contacts INCLUDING DEFAULTS);
             CREATE UNIQUE INDEX ON {LEAN_TABLE} (account_id, reference_key) WHERE reference_key <> '';
             CREATE UNIQUE INDEX ON {LEAN_TABLE} (account_id, email_key) WHERE email_key <> '';"
        )
        .as_str(),
    )
    .await?;
    Ok(())
}

/// Before each phase: nothing left for the background writer or autovacuum
/// to do from the previous one, and fresh statistics.
async fn settle(pool: &PgPool) -> Result<(), Error> {
    pool.execute(format!("VACUUM ANALYZE contacts, import_staging, import_changes, {LEAN_TABLE}").as_str()).await?;
    pool.execute("CHECKPOINT").await?;
    Ok(())
}

/// A generated row as the browser's reader gives it.
fn import_row(index: usize, row: &Row) -> ImportRow {
    let values = ContactFields(std::array::from_fn(|field| row[field].as_text().trim().to_string()));
    ImportRow::new(index as u32 + 2, values)
}

/// What the browser does before Confirm: asks the server which contacts the
/// rows' keys match (in its chunks) and checks the rows, keeping what each
/// row matched.
async fn preview(pool: &PgPool, account: AccountId, rows: Vec<ImportRow>) -> Result<Vec<UploadedRow>, Error> {
    // The page asks for a verdict on each distinct number of the file
    // (`phone_verdicts`), which the server remembers for the upload.
    let phones = RememberingPhones::new(store::accounts::default_country(pool, account).await?);
    for key in phone_keys(&rows) {
        phones.verdict(&key);
    }
    let keys = lookup_keys(&rows);
    let chunk = store::imports::MAX_LOOKUP_KEYS;
    let mut existing = Vec::new();
    let parts = keys.references.len().max(keys.emails.len()).div_ceil(chunk);
    for part in 0..parts {
        let slice = |keys: &[String]| keys.iter().skip(part * chunk).take(chunk).cloned().collect::<Vec<_>>();
        let keys = LookupKeys { references: slice(&keys.references), emails: slice(&keys.emails) };
        existing.extend(store::imports::existing_contacts(pool, account, &keys).await?);
    }
    let check = ImportCheck::new(ImportColumns::template(), rows, ExistingContacts::new(existing), MergeMode::KeepExisting);
    if !check.is_ready() {
        return Err(format!("the generated rows have issues: {:?}", check.counts()).into());
    }
    let uploaded = check
        .verdicts()
        .filter_map(|(index, verdict)| {
            let row = check.row(index)?.clone();
            let preview = match &verdict.action {
                Some(Action::Update { contact_id, expected_version, .. }) => {
                    Some(PreviewMatch { contact_id: *contact_id, version: *expected_version })
                }
                Some(Action::Unchanged { contact_id }) => check
                    .existing()
                    .by_id(*contact_id)
                    .map(|contact| PreviewMatch { contact_id: contact.id, version: contact.version }),
                Some(Action::New) | None => None,
            };
            Some(UploadedRow { row, preview, duplicate: Default::default() })
        })
        .collect();
    Ok(uploaded)
}

/// open → upload_rows (in the browser's chunks, as many in flight as it
/// keeps) → confirm, timed; `expect` is the count every row must land in.
async fn product_phase(
    pool: &PgPool,
    account: AccountId,
    user: UserId,
    rows: &[Row],
    expect: &str,
) -> Result<Value, Error> {
    let import_rows: Vec<ImportRow> = rows.iter().enumerate().map(|(index, row)| import_row(index, row)).collect();
    let uploaded = preview(pool, account, import_rows).await?;
    let new_import = NewImport {
        file_name: format!("bench-{expect}.xlsx"),
        file_sha256: "0".repeat(64),
        file_size: 0,
        sheet_name: "Contacts".into(),
        mode: MergeMode::KeepExisting,
        columns: ImportColumns::template(),
        row_count: uploaded.len() as u32,
    };

    let rss_before = memory::rss();
    memory::reset_peak();
    let started = Instant::now();
    let upload_cpu_started = memory::cpu_seconds();
    let import_id = store::imports::open(pool, account, user, &new_import, &Limits::DEFAULT).await?;
    let mut uploads = futures::stream::iter(uploaded.chunks(store::imports::MAX_ROWS_PER_UPLOAD))
        .map(|chunk| store::imports::upload_rows(pool, account, import_id, chunk.to_vec()))
        .buffer_unordered(UPLOADS_IN_FLIGHT);
    while let Some(stored) = uploads.next().await {
        stored?;
    }
    drop(uploads);
    let uploaded_at = started.elapsed().as_secs_f64();
    let upload_cpu = memory::cpu_seconds() - upload_cpu_started;
    let peak_upload = memory::peak();
    memory::reset_peak();
    let confirm_started = Instant::now();
    let cpu_started = memory::cpu_seconds();
    let outcome = store::imports::confirm(pool, account, import_id).await?;
    let confirm = confirm_started.elapsed().as_secs_f64();
    let confirm_cpu = memory::cpu_seconds() - cpu_started;
    let peak_confirm = memory::peak();

    let counts = match outcome {
        ConfirmOutcome::Committed { counts, .. } => counts,
        ConfirmOutcome::Rejected { issues, total_issues } => {
            return Err(format!("the import was refused: {total_issues} issues, first {:?}", issues.first()).into());
        }
    };
    let landed = if expect == "created" { counts.created } else { counts.updated };
    if landed as usize != rows.len() {
        return Err(format!("expected {} rows {expect}, got {counts:?}", rows.len()).into());
    }
    Ok(json!({
        "upload_s": uploaded_at,
        "confirm_s": confirm,
        "confirm_cpu_s": confirm_cpu,
        "upload_cpu_s": upload_cpu,
        "total_s": uploaded_at + confirm,
        "rss_before_bytes": rss_before,
        "peak_upload_bytes": peak_upload,
        "peak_confirm_bytes": peak_confirm,
        "counts": { "created": counts.created, "updated": counts.updated, "unchanged": counts.unchanged },
    }))
}

/// Appends `text` to a COPY text-format line, escaped.
pub fn push_copy_text(line: &mut Vec<u8>, text: &str) {
    for byte in text.bytes() {
        match byte {
            b'\\' => line.extend_from_slice(b"\\\\"),
            b'\t' => line.extend_from_slice(b"\\t"),
            b'\n' => line.extend_from_slice(b"\\n"),
            b'\r' => line.extend_from_slice(b"\\r"),
            other => line.push(other),
        }
    }
}

/// `rows` as COPY text data for [`store::contacts::written_columns`]: each
/// row as an import would create it (staged by the shared rules), so the
/// baselines write the same bytes as the product.
pub fn copy_data(rows: &[Row]) -> Result<Vec<u8>, Error> {
    let template = ImportColumns::template();
    let mut data = Vec::with_capacity(rows.len() * 300);
    for (index, row) in rows.iter().enumerate() {
        let row = import_row(index, row);
        let contact = rules::check::stage(&row, &template, MergeMode::KeepExisting, &rules::phone::LayoutOnly)
            .as_new
            .ok_or_else(|| format!("row {} would not create a contact", row.line))?;
        for (position, value) in store::contacts::written_values(&contact).iter().enumerate() {
            if position > 0 {
                data.push(b'\t');
            }
            push_copy_text(&mut data, value);
        }
        data.push(b'\n');
    }
    Ok(data)
}

/// COPY into a temporary table, then one INSERT … ON CONFLICT DO UPDATE into
/// `table`, in one transaction, timed.
async fn baseline_phase(pool: &PgPool, account: AccountId, rows: &[Row], table: &str) -> Result<Value, Error> {
    let columns = store::contacts::written_columns();
    let names = columns.join(", ");
    let selected = columns.iter().map(|name| format!("b.{name}")).collect::<Vec<_>>().join(", ");
    let updates = columns.iter().map(|name| format!("{name} = EXCLUDED.{name}")).collect::<Vec<_>>().join(", ");
    let data = copy_data(rows)?;

    let started = Instant::now();
    let mut transaction = pool.begin().await?;
    let definition = columns.iter().map(|name| format!("{name} text NOT NULL")).collect::<Vec<_>>().join(", ");
    transaction.execute(format!("CREATE TEMP TABLE bench_in ({definition}) ON COMMIT DROP").as_str()).await?;
    let mut copy = transaction.copy_in_raw(&format!("COPY bench_in ({names}) FROM STDIN")).await?;
    for part in data.chunks(1 << 20) {
        copy.send(part).await?;
    }
    let copied = copy.finish().await?;
    let copy_s = started.elapsed().as_secs_f64();
    let insert = format!(
        "INSERT INTO {table} (id, account_id, {names}) SELECT gen_random_uuid(), $1, {selected} FROM bench_in b
         ON CONFLICT (account_id, reference_key) WHERE reference_key <> ''
         DO UPDATE SET {updates}, version = {table}.version + 1, updated_at = now()"
    );
    let done = sqlx::query(&insert).bind(account).execute(&mut *transaction).await?;
    transaction.commit().await?;
    let total = started.elapsed().as_secs_f64();
    if copied as usize != rows.len() || done.rows_affected() as usize != rows.len() {
        return Err(format!("the baseline copied {copied} and wrote {} of {} rows", done.rows_affected(), rows.len()).into());
    }
    let stored: i64 = sqlx::query(&format!("SELECT count(*) FROM {table} WHERE account_id = $1"))
        .bind(account)
        .fetch_one(pool)
        .await?
        .try_get(0)?;
    Ok(json!({ "copy_s": copy_s, "total_s": total, "contacts": stored }))
}
