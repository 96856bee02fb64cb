//! Fills one account with many contacts fast (one `COPY`), for the search
//! and paging benchmark: realistic rows, normalised by the shared rules as
//! an import would store them, with their match keys.

use std::time::Instant;

use rules::validate::normalise_cell;
use rules::{ContactFields, Field};
use serde_json::{json, Value};
use sqlx::{Executor, Row as _};

use crate::data::{self, Spec};
use crate::merge::copy_data;

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
    let mut contacts = Vec::with_capacity(rows);
    for row in &generated {
        let mut fields = ContactFields::blank();
        for field in Field::ALL {
            let text = row[field.index()].as_text();
            let value = normalise_cell(field, &text).map_err(|problem| format!("{field:?} {text:?}: {problem:?}"))?;
            fields.set(field, value);
        }
        if fields.get(Field::Kind).is_empty() {
            fields.set(Field::Kind, "Person");
        }
        contacts.push(fields);
    }
    let payload = copy_data(contacts.into_iter());

    let mut columns = vec!["reference_key", "email_key"];
    columns.extend(Field::ALL.iter().map(|field| field.key()));
    let started = Instant::now();
    let mut transaction = pool.begin().await?;
    // The account id is a constant column of the copied rows: a default
    // set for this transaction's temporary table.
    let definition = columns.iter().map(|name| format!("{name} text NOT NULL")).collect::<Vec<_>>().join(", ");
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
    transaction.commit().await?;
    let load_s = started.elapsed().as_secs_f64();
    pool.execute("VACUUM ANALYZE contacts").await?;
    Ok(json!({ "rows": inserted, "load_s": load_s, "total_s": started.elapsed().as_secs_f64() }))
}
