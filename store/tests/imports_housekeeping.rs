//! Housekeeping against real Postgres: an import left open expires with a
//! sentence its confirm repeats; staged rows of imports no longer open go
//! once the retention has passed, those of open imports never; runs on
//! several servers at once do the work once.

use crate::support;

use std::time::Duration;

use rules::headers::ImportColumns;
use rules::merge::MergeMode;
use sqlx::PgPool;
use store::imports::housekeeping::{tidy, Retention, EXPIRED};
use store::imports::{self, ImportError};
use support::*;
use uuid::Uuid;

const KEEP: MergeMode = MergeMode::KeepExisting;

/// Moves an import's creation (and confirmation, if any) `age` into the past.
async fn age(pool: &PgPool, import_id: Uuid, age: Duration) {
    sqlx::query(
        "UPDATE imports SET created_at = created_at - make_interval(secs => $2),
                            committed_at = committed_at - make_interval(secs => $2)
         WHERE id = $1",
    )
    .bind(import_id)
    .bind(age.as_secs_f64())
    .execute(pool)
    .await
    .unwrap();
}

const HOUR: Duration = Duration::from_secs(60 * 60);

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn an_import_left_open_past_its_expiry_is_closed_and_its_confirm_says_why(pool: PgPool) {
    let (account, user) = new_account(&pool, "a@example.com").await;
    let template = ImportColumns::template();
    let abandoned = prepare(&pool, account, user, &template, KEEP, vec![person(2, "C-1", "Ana", "Li", "")]).await;
    let recent = prepare(&pool, account, user, &template, KEEP, vec![person(2, "C-2", "Bo", "Wu", "")]).await;
    age(&pool, abandoned, 25 * HOUR).await;

    let tidied = tidy(&pool, Retention::DEFAULT).await.unwrap();
    assert_eq!((tidied.expired_imports, tidied.removed_rows), (1, 1));
    assert_eq!(status(&pool, abandoned).await, "failed");
    assert_eq!(status(&pool, recent).await, "open");
    assert_eq!(rows_for(&pool, "import_staging", recent).await, 1);
    match imports::confirm(&pool, account, abandoned).await {
        Err(ImportError::Conflict(sentence)) => assert!(sentence.ends_with(EXPIRED), "{sentence}"),
        other => panic!("expected the expiry to be repeated, got {other:?}"),
    }
    assert!(snapshot(&pool, account).await.is_empty(), "nothing of the expired import was applied");
    // The recent one still goes through.
    committed(&imports::confirm(&pool, account, recent).await.unwrap());
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn staged_rows_go_once_the_retention_has_passed_and_never_while_the_import_is_open(pool: PgPool) {
    let (account, user) = new_account(&pool, "a@example.com").await;
    let template = ImportColumns::template();
    let (done, outcome) = import(&pool, account, user, &template, KEEP, vec![person(2, "C-1", "Ana", "Li", "")]).await;
    committed(&outcome);
    let (refused, outcome) = import(&pool, account, user, &template, KEEP, vec![person(2, "C-2", "Bo", "", "")]).await;
    rejected(&outcome);
    let open = prepare(&pool, account, user, &template, KEEP, vec![person(2, "C-3", "Cy", "Wu", "")]).await;
    // Open for longer than the retention, but not past its expiry.
    age(&pool, open, 2 * HOUR).await;

    let retention = Retention { open_import: 24 * HOUR, staged_rows: HOUR };
    assert_eq!(tidy(&pool, retention).await.unwrap().removed_rows, 0);
    for import_id in [done, refused, open] {
        assert_eq!(rows_for(&pool, "import_staging", import_id).await, 1);
    }

    age(&pool, done, 2 * HOUR).await;
    age(&pool, refused, 2 * HOUR).await;
    let tidied = tidy(&pool, retention).await.unwrap();
    assert_eq!((tidied.expired_imports, tidied.removed_rows), (0, 2));
    assert_eq!(rows_for(&pool, "import_staging", done).await, 0);
    assert_eq!(rows_for(&pool, "import_staging", refused).await, 0);
    assert_eq!(rows_for(&pool, "import_staging", open).await, 1);
    // What the history shows is kept: the changes, the statuses, the issues.
    assert_eq!(rows_for(&pool, "import_changes", done).await, 1);
    assert_eq!(imports::confirm(&pool, account, refused).await.unwrap(), outcome);
    assert_eq!(imports::detail(&pool, account, done, 0).await.unwrap().changes.len(), 1);
    committed(&imports::confirm(&pool, account, open).await.unwrap());
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn runs_on_several_servers_at_once_do_the_work_once(pool: PgPool) {
    let (account, user) = new_account(&pool, "a@example.com").await;
    let template = ImportColumns::template();
    let mut abandoned = Vec::new();
    for index in 0..3 {
        let rows = vec![person(2, &format!("C-{index}"), "Ana", "Li", "")];
        let import_id = prepare(&pool, account, user, &template, KEEP, rows).await;
        age(&pool, import_id, 25 * HOUR).await;
        abandoned.push(import_id);
    }
    let runs: Vec<_> = (0..4)
        .map(|_| {
            let pool = pool.clone();
            tokio::spawn(async move { tidy(&pool, Retention::DEFAULT).await })
        })
        .collect();
    let mut expired = 0;
    let mut removed = 0;
    for run in runs {
        let tidied = run.await.unwrap().unwrap();
        expired += tidied.expired_imports;
        removed += tidied.removed_rows;
    }
    // Whichever runs did the work, it was done exactly once.
    assert_eq!((expired, removed), (3, 3));
    for import_id in abandoned {
        assert_eq!(status(&pool, import_id).await, "failed");
    }
    assert_eq!(tidy(&pool, Retention::DEFAULT).await.unwrap().expired_imports, 0);
}
