//! The server merge of 100,000 rows through the product's own code path
//! (`store::imports::open` → `upload_rows` in the browser's chunks →
//! `confirm`), first as new contacts and then again as updates, against a
//! baseline in the same database: `COPY` into a temporary table plus one
//! `INSERT … ON CONFLICT DO UPDATE` into `contacts`, in one transaction.
//!
//! The product and the baseline write to two accounts of one fresh
//! database, alternately (product new, baseline new, product updates,
//! baseline updates), each phase starting from a checkpointed, vacuumed and
//! analysed database. The preview the browser would have made first (its
//! `existing_contacts` lookups and check) is done before the clock starts.

use std::time::Instant;

use rules::check::{lookup_keys, match_key, ExistingContacts, ImportCheck, LookupKeys};
use rules::headers::{ImportColumns, ImportRow};
use rules::merge::{Action, MergeMode};
use rules::{ContactFields, Field, Limits};
use serde_json::{json, Value};
use sqlx::{Executor, PgPool, Row as _};
use store::model::{ConfirmOutcome, NewImport, PreviewMatch, UploadedRow};
use store::{AccountId, UserId};

use crate::data::{self, Row, Spec};
use crate::memory;

type Error = Box<dyn std::error::Error + Send + Sync>;

const SEED: u64 = 0x5E7_2026;

/// Runs the four phases on `rows` rows in the (fresh) database at `url`.
pub async fn run(url: &str, rows: usize) -> Result<Value, Error> {
    let pool = store::connect(url, 10).await?;
    store::MIGRATOR.run(&pool).await?;
    let (product, user) = account(&pool, "product").await?;
    let (baseline, _) = account(&pool, "baseline").await?;

    // An export's rows (every one has its Contact ID), then the same rows
    // edited: every contact's mobile and notes changed.
    let first = data::rows(Spec { rows, invalid_per_mille: 0, all_ids: true, seed: SEED });
    let second = data::edited(&first);

    let mut results = serde_json::Map::new();
    settle(&pool).await?;
    results.insert("product_new".into(), product_phase(&pool, product, user, &first, "created").await?);
    settle(&pool).await?;
    results.insert("baseline_new".into(), baseline_phase(&pool, baseline, &first).await?);
    settle(&pool).await?;
    results.insert("product_update".into(), product_phase(&pool, product, user, &second, "updated").await?);
    settle(&pool).await?;
    results.insert("baseline_update".into(), baseline_phase(&pool, baseline, &second).await?);
    results.insert("rows".into(), json!(rows));
    Ok(Value::Object(results))
}

async fn account(pool: &PgPool, name: &str) -> Result<(AccountId, UserId), Error> {
    let email = format!("bench-{name}-{}@example.com", uuid::Uuid::new_v4().simple());
    store::accounts::create_account(pool, &format!("Bench {name}"), &email, "Bench", "not a password hash")
        .await?
        .ok_or_else(|| "the bench account already exists".into())
}

/// Before each phase: nothing left for the background writer or autovacuum
/// to do from the previous one, and fresh statistics.
async fn settle(pool: &PgPool) -> Result<(), Error> {
    pool.execute("VACUUM ANALYZE contacts, import_rows, import_changes").await?;
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
            Some(UploadedRow { row, preview })
        })
        .collect();
    Ok(uploaded)
}

/// open → upload_rows (2,000 at a time, as the browser sends them) →
/// confirm, timed; `expect` is the count every row must land in.
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
    let import_id = store::imports::open(pool, account, user, &new_import, &Limits::DEFAULT).await?;
    for chunk in uploaded.chunks(store::imports::MAX_ROWS_PER_UPLOAD) {
        store::imports::upload_rows(pool, account, import_id, chunk).await?;
    }
    let uploaded_at = started.elapsed().as_secs_f64();
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
        "total_s": uploaded_at + confirm,
        "rss_before_bytes": rss_before,
        "peak_upload_bytes": peak_upload,
        "peak_confirm_bytes": peak_confirm,
        "counts": { "created": counts.created, "updated": counts.updated, "unchanged": counts.unchanged },
    }))
}

/// The columns the baseline loads: the match keys, then every field.
fn baseline_columns() -> Vec<&'static str> {
    let mut columns = vec!["reference_key", "email_key"];
    columns.extend(Field::ALL.iter().map(|field| field.key()));
    columns
}

/// Appends `text` to a COPY text-format line, escaped.
fn push_copy_text(line: &mut Vec<u8>, text: &str) {
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

/// `rows` as COPY text data for [`baseline_columns`], values as the file
/// has them (no validation or normalising: that is the point).
pub fn copy_data(rows: impl Iterator<Item = ContactFields>) -> Vec<u8> {
    let mut data = Vec::with_capacity(8 << 20);
    for fields in rows {
        push_copy_text(&mut data, &match_key(fields.get(Field::Reference)));
        data.push(b'\t');
        push_copy_text(&mut data, &match_key(fields.get(Field::Email)));
        for value in fields.0.iter() {
            data.push(b'\t');
            push_copy_text(&mut data, value);
        }
        data.push(b'\n');
    }
    data
}

/// COPY into a temporary table, then one INSERT … ON CONFLICT DO UPDATE,
/// in one transaction, timed.
async fn baseline_phase(pool: &PgPool, account: AccountId, rows: &[Row]) -> Result<Value, Error> {
    let columns = baseline_columns();
    let names = columns.join(", ");
    let selected = columns.iter().map(|name| format!("b.{name}")).collect::<Vec<_>>().join(", ");
    let updates = columns.iter().map(|name| format!("{name} = EXCLUDED.{name}")).collect::<Vec<_>>().join(", ");
    let fields = rows.iter().map(|row| ContactFields(std::array::from_fn(|field| row[field].as_text().trim().to_string())));
    let data = copy_data(fields);

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
        "INSERT INTO contacts (account_id, {names}) SELECT $1, {selected} FROM bench_in b
         ON CONFLICT (account_id, reference_key) WHERE reference_key <> ''
         DO UPDATE SET {updates}, version = contacts.version + 1, updated_at = now()"
    );
    let done = sqlx::query(&insert).bind(account).execute(&mut *transaction).await?;
    transaction.commit().await?;
    let total = started.elapsed().as_secs_f64();
    if copied as usize != rows.len() || done.rows_affected() as usize != rows.len() {
        return Err(format!("the baseline copied {copied} and wrote {} of {} rows", done.rows_affected(), rows.len()).into());
    }
    let stored: i64 = sqlx::query("SELECT count(*) FROM contacts WHERE account_id = $1")
        .bind(account)
        .fetch_one(pool)
        .await?
        .try_get(0)?;
    Ok(json!({ "copy_s": copy_s, "total_s": total, "contacts": stored }))
}
