//! A 100,000-row import against real Postgres: it completes, in one
//! transaction. Times are printed (`--nocapture` shows them), never
//! asserted; the benchmark issue measures them properly.

use crate::support;

use std::time::Instant;

use rules::headers::{ImportColumns, ImportRow};
use rules::merge::MergeMode;
use rules::Field;
use sqlx::{PgPool, Row};
use store::imports;
use store::model::ImportCounts;
use support::*;

const ROWS: usize = 100_000;

fn rows(last_name: impl Fn(usize) -> String) -> Vec<ImportRow> {
    (0..ROWS)
        .map(|index| {
            let reference = format!("REF-{index:06}");
            let email = format!("person.{index}@example.com");
            let phone = format!("04{:08}", index);
            let last = last_name(index);
            row(
                index as u32 + 2,
                &[
                    (Field::Reference, reference.as_str()),
                    (Field::FirstName, "Pat"),
                    (Field::LastName, last.as_str()),
                    (Field::Email, email.as_str()),
                    (Field::Phone, phone.as_str()),
                    (Field::City, "Melbourne"),
                    (Field::Category, "tenant"),
                ],
            )
        })
        .collect()
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_100k_row_import_completes(pool: PgPool) {
    let (account, user) = new_account(&pool, "a@example.com").await;
    let template = ImportColumns::template();

    // 100,000 new contacts.
    let started = Instant::now();
    let import_id = prepare(&pool, account, user, &template, MergeMode::KeepExisting, rows(|_| "Lee".into())).await;
    let uploaded = started.elapsed();
    let started = Instant::now();
    let outcome = imports::confirm(&pool, account, import_id).await.unwrap();
    let merged = started.elapsed();
    assert_eq!(committed(&outcome), ImportCounts { created: ROWS as u32, updated: 0, unchanged: 0, skipped: 0 });
    eprintln!("100k new contacts: preview + upload {uploaded:.2?}, confirm (re-check + merge) {merged:.2?}");

    // The same 100,000 again: half of them changed, half unchanged.
    let started = Instant::now();
    let changed = |index: usize| if index.is_multiple_of(2) { "Lee".to_string() } else { "Lee-Smith".to_string() };
    let import_id = prepare(&pool, account, user, &template, MergeMode::KeepExisting, rows(changed)).await;
    let uploaded = started.elapsed();
    let started = Instant::now();
    let outcome = imports::confirm(&pool, account, import_id).await.unwrap();
    let merged = started.elapsed();
    assert_eq!(committed(&outcome), ImportCounts { created: 0, updated: ROWS as u32 / 2, unchanged: ROWS as u32 / 2, skipped: 0 });
    eprintln!(
        "100k against existing (50k updates, 50k unchanged): preview + upload {uploaded:.2?}, confirm {merged:.2?}"
    );

    let counts = sqlx::query(
        "SELECT count(*) AS total, count(*) FILTER (WHERE version = 2) AS updated,
                count(*) FILTER (WHERE last_name = 'Lee-Smith') AS renamed
         FROM contacts WHERE account_id = $1",
    )
    .bind(account)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(counts.get::<i64, _>("total"), ROWS as i64);
    assert_eq!(counts.get::<i64, _>("updated"), ROWS as i64 / 2);
    assert_eq!(counts.get::<i64, _>("renamed"), ROWS as i64 / 2);
    assert_eq!(rows_for(&pool, "import_changes", import_id).await, ROWS as i64 / 2);
}
