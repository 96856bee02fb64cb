//! Imports at the same time, and a merge whose database session is killed
//! half-way, against real Postgres.

use crate::support;

use std::collections::HashSet;

use rules::headers::ImportColumns;
use rules::merge::MergeMode;
use rules::{Field, Problem};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Row};
use store::imports::{self, MergeHooks, MergeStep};
use store::model::{ConfirmOutcome, ImportCounts};
use support::*;

/// Ten pools of one connection each: ten separate database sessions.
async fn sessions(connect: &PgConnectOptions, count: usize) -> Vec<PgPool> {
    let mut pools = Vec::with_capacity(count);
    for _ in 0..count {
        pools.push(PgPoolOptions::new().max_connections(1).connect_with(connect.clone()).await.unwrap());
    }
    pools
}

/// Ten imports into one account at once, each from its own session, each
/// creating its own contacts and updating its own share of the existing
/// ones: every one commits, and nothing is lost.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn ten_imports_at_once_lose_nothing(_options: PgPoolOptions, connect: PgConnectOptions) {
    let pool = PgPoolOptions::new().max_connections(2).connect_with(connect.clone()).await.unwrap();
    let (account, user) = new_account(&pool, "a@example.com").await;
    let mut existing = Vec::new();
    for index in 0..50 {
        let reference = format!("C-{index}");
        existing.push(
            add_contact(
                &pool,
                account,
                &[(Field::Reference, &reference), (Field::FirstName, "Old"), (Field::LastName, "Name")],
            )
            .await,
        );
    }
    let template = ImportColumns::template();
    let mut prepared = Vec::new();
    for import in 0..10 {
        let mut rows = Vec::new();
        for new in 0..20 {
            let reference = format!("N-{import}-{new}");
            let email = format!("n{import}.{new}@x.com");
            rows.push(person(rows.len() as u32 + 2, &reference, "New", &format!("Person{import}"), &email));
        }
        for update in 0..5 {
            let reference = format!("C-{}", import * 5 + update);
            rows.push(person(rows.len() as u32 + 2, &reference, "Updated", &format!("By{import}"), ""));
        }
        prepared.push(prepare(&pool, account, user, &template, MergeMode::KeepExisting, rows).await);
    }

    let pools = sessions(&connect, 10).await;
    let tasks: Vec<_> = prepared
        .iter()
        .zip(&pools)
        .map(|(&import_id, session)| {
            let session = session.clone();
            tokio::spawn(async move { imports::confirm(&session, account, import_id).await })
        })
        .collect();
    for task in tasks {
        let outcome = task.await.unwrap().unwrap();
        assert_eq!(committed(&outcome), ImportCounts { created: 20, updated: 5, unchanged: 0, skipped: 0 });
    }

    let all = snapshot(&pool, account).await;
    assert_eq!(all.len(), 50 + 10 * 20);
    for import in 0..10 {
        for update in 0..5 {
            let contact = by_reference(&pool, account, &format!("C-{}", import * 5 + update)).await;
            assert_eq!(contact.fields.get(Field::LastName), format!("By{import}"));
            assert_eq!(contact.version, 2);
        }
        for new in 0..20 {
            let contact = by_reference(&pool, account, &format!("n-{import}-{new}")).await;
            assert_eq!(contact.fields.get(Field::Email), format!("n{import}.{new}@x.com"));
        }
    }
    for session in pools {
        session.close().await;
    }
    pool.close().await;
}

/// Ten imports at once that all create a contact with one email and all
/// update one existing contact: exactly one applies; the nine others are
/// told those rows changed since their preview, and write nothing. The email
/// stays unique and no update is silently overwritten.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn ten_competing_imports_keep_uniqueness(_options: PgPoolOptions, connect: PgConnectOptions) {
    let pool = PgPoolOptions::new().max_connections(2).connect_with(connect.clone()).await.unwrap();
    let (account, user) = new_account(&pool, "a@example.com").await;
    let shared =
        add_contact(&pool, account, &[(Field::Reference, "S-1"), (Field::FirstName, "Sam"), (Field::LastName, "Old")])
            .await;
    let template = ImportColumns::template();
    let mut prepared = Vec::new();
    for import in 0..10 {
        let rows = vec![
            person(2, "", "Pat", &format!("From{import}"), "pat@x.com"),
            person(3, "S-1", "Sam", &format!("From{import}"), ""),
            person(4, &format!("OWN-{import}"), "Own", "Row", ""),
        ];
        prepared.push(prepare(&pool, account, user, &template, MergeMode::KeepExisting, rows).await);
    }

    let pools = sessions(&connect, 10).await;
    let tasks: Vec<_> = prepared
        .iter()
        .zip(&pools)
        .map(|(&import_id, session)| {
            let session = session.clone();
            tokio::spawn(async move { imports::confirm(&session, account, import_id).await })
        })
        .collect();
    let mut winners = Vec::new();
    for (import, task) in tasks.into_iter().enumerate() {
        match task.await.unwrap().unwrap() {
            ConfirmOutcome::Committed { counts, .. } => {
                assert_eq!(counts, ImportCounts { created: 2, updated: 1, unchanged: 0, skipped: 0 });
                winners.push(import);
            }
            ConfirmOutcome::Rejected { issues, .. } => {
                let lines: HashSet<u32> = issues
                    .iter()
                    .filter(|issue| issue.problem == Problem::ChangedSincePreview)
                    .map(|issue| issue.line)
                    .collect();
                assert_eq!(lines, HashSet::from([2, 3]), "{issues:#?}");
            }
        }
    }
    assert_eq!(winners.len(), 1);
    let winner = winners[0];

    let all = snapshot(&pool, account).await;
    assert_eq!(all.len(), 1 + 2, "the shared contact, Pat, and the winner's own row");
    assert_eq!(all.iter().filter(|contact| contact.email_key == "pat@x.com").count(), 1);
    let sam = by_id(&pool, account, shared).await;
    assert_eq!(sam.fields.get(Field::LastName), format!("From{winner}"));
    assert_eq!(sam.version, 2);
    let failed: i64 = sqlx::query("SELECT count(*) FROM imports WHERE account_id = $1 AND status = 'failed'")
        .bind(account)
        .fetch_one(&pool)
        .await
        .unwrap()
        .get(0);
    assert_eq!(failed, 9);
    for session in pools {
        session.close().await;
    }
    pool.close().await;
}

/// The merge's session is killed (`pg_terminate_backend` from another
/// session) after it inserted and updated contacts, at each step: the
/// contacts are exactly as before, the import is still open, and confirming
/// again applies it.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_session_killed_mid_merge_leaves_contacts_as_before(pool: PgPool) {
    let (account, user) = new_account(&pool, "a@example.com").await;
    let ana = add_contact(
        &pool,
        account,
        &[(Field::Reference, "C-1"), (Field::FirstName, "Ana"), (Field::LastName, "Silva")],
    )
    .await;
    let rows: Vec<_> = std::iter::once(person(2, "C-1", "Ana", "Lima", ""))
        .chain(
            (0..50).map(|index| person(index + 3, &format!("N-{index}"), "New", "Person", &format!("n{index}@x.com"))),
        )
        .collect();
    let import_id = prepare(&pool, account, user, &ImportColumns::template(), MergeMode::KeepExisting, rows).await;
    let before = snapshot(&pool, account).await;

    for step in [MergeStep::ContactsInserted, MergeStep::ContactsUpdated, MergeStep::BeforeCommit] {
        let (hooks, mut paused) = MergeHooks::pause_at(step);
        let merge = tokio::spawn({
            let pool = pool.clone();
            async move { imports::confirm_with_hooks(&pool, account, import_id, hooks).await }
        });
        let pid = paused.reached().await.expect("the merge reaches the step");
        let killed: bool =
            sqlx::query("SELECT pg_terminate_backend($1)").bind(pid).fetch_one(&pool).await.unwrap().get(0);
        assert!(killed);
        paused.resume();
        let result = merge.await.unwrap();
        assert!(result.is_err(), "{step:?}: the merge cannot finish without its session: {result:?}");

        assert_eq!(snapshot(&pool, account).await, before, "{step:?}");
        assert_eq!(status(&pool, import_id).await, "open", "{step:?}");
        assert_eq!(rows_for(&pool, "import_changes", import_id).await, 0);
        assert!(notification_kinds(&pool, import_id).await.is_empty());
    }

    let outcome = imports::confirm(&pool, account, import_id).await.unwrap();
    assert_eq!(committed(&outcome), ImportCounts { created: 50, updated: 1, unchanged: 0, skipped: 0 });
    assert_eq!(by_id(&pool, account, ana).await.fields.get(Field::LastName), "Lima");
    assert_eq!(snapshot(&pool, account).await.len(), 51);
    assert_eq!(status(&pool, import_id).await, "committed");
}
