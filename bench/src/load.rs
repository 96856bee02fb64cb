//! Fills one account with many contacts fast (one `COPY`), for the search
//! and paging benchmark: realistic rows, normalised by the shared rules as
//! an import would store them, with the match and list keys the store
//! computes, then indexed by the server's background indexer's own steps
//! (the list's indexes and the possible duplicates' keys), then vacuumed,
//! analysed and checkpointed.

use std::time::Instant;

use rules::check::stage;
use rules::headers::{ImportColumns, ImportRow};
use rules::merge::MergeMode;
use rules::ContactFields;
use serde_json::{json, Value};
use sqlx::{Executor, Row as _};

use crate::data::{self, Spec};
use crate::merge::push_copy_text;

type Error = Box<dyn std::error::Error + Send + Sync>;

const SEED: u64 = 0x5EA_2C4;

/// Loads `rows` contacts into the account of the user with `email`.
pub async fn run(url: &str, email: &str, rows: usize) -> Result<Value, Error> {
    let pool = store::connect(url, 2).await?;
    let account: uuid::Uuid = sqlx::query("SELECT account_id FROM users WHERE lower(email) = lower($1)")
        .bind(email)
        .fetch_optional(&pool)
        .await?
        .ok_or_else(|| format!("no user {email}"))?
        .try_get(0)?;

    let generated = data::rows(Spec { rows, invalid_per_mille: 0, all_ids: false, seed: SEED });
    // Each row as an import would create it: staged by the shared rules.
    let template = ImportColumns::template();
    let mut contacts = Vec::with_capacity(rows);
    for (index, row) in generated.iter().enumerate() {
        let values = ContactFields(std::array::from_fn(|field| row[field].as_text()));
        let row = ImportRow::new(index as u32 + 2, values);
        let contact = stage(&row, &template, MergeMode::KeepExisting, &rules::phone::LayoutOnly)
            .as_new
            .ok_or_else(|| format!("row {} would not create a contact", row.line))?;
        contacts.push(contact);
    }
    let mut payload = Vec::with_capacity(rows * 300);
    for contact in &contacts {
        push_copy_text(&mut payload, &uuid::Uuid::now_v7().to_string());
        for value in store::contacts::written_values(contact) {
            payload.push(b'\t');
            push_copy_text(&mut payload, &value);
        }
        payload.push(b'\n');
    }

    let mut columns = vec!["id"];
    columns.extend(store::contacts::written_columns());
    let started = Instant::now();
    let mut transaction = pool.begin().await?;
    // The account id is a constant column of the copied rows: a default
    // set for this transaction's temporary table.
    let definition = columns
        .iter()
        .map(|name| format!("{name} {} NOT NULL", if *name == "id" { "uuid" } else { "text" }))
        .collect::<Vec<_>>()
        .join(", ");
    transaction.execute(format!("CREATE TEMP TABLE load_in ({definition}) ON COMMIT DROP").as_str()).await?;
    let names = columns.join(", ");
    let mut copy = transaction.copy_in_raw(&format!("COPY load_in ({names}) FROM STDIN")).await?;
    for part in payload.chunks(1 << 20) {
        copy.send(part).await?;
    }
    copy.finish().await?;
    let inserted = sqlx::query(&format!("INSERT INTO contacts (account_id, {names}) SELECT $1, {names} FROM load_in"))
        .bind(account)
        .execute(&mut *transaction)
        .await?
        .rows_affected();
    // Queued as a writer queues what it wrote, then indexed by the
    // background indexer's own steps: the list's keys (`contact_search`)
    // and the possible-duplicate keys (`contact_similar_keys`).
    sqlx::query("INSERT INTO search_queue (account_id, contact_id) SELECT account_id, id FROM contacts WHERE account_id = $1")
        .bind(account)
        .execute(&mut *transaction)
        .await?;
    transaction.commit().await?;
    let load_s = started.elapsed().as_secs_f64();
    store::listing::index::index_all_pending(&pool).await?;
    let index_s = started.elapsed().as_secs_f64() - load_s;
    pool.execute("VACUUM ANALYZE contacts, contact_search, contact_similar_keys, search_queue").await?;
    // The search is then measured on a settled database, as each merge
    // phase starts on one: the load's pages written out now, not by the
    // checkpointer during the measure.
    pool.execute("CHECKPOINT").await?;
    Ok(json!({ "rows": inserted, "load_s": load_s, "index_s": index_s, "total_s": started.elapsed().as_secs_f64() }))
}
