//! Import history and notifications against real Postgres: who, when, file,
//! mode, counts and status; each touched contact's before and after, paged;
//! notifications unread first.

use crate::support;

use rules::headers::ImportColumns;
use rules::merge::MergeMode;
use rules::Field;
use sqlx::PgPool;
use store::imports;
use store::model::{ChangeAction, ImportCounts, ImportStatus};
use support::*;

/// The history lists confirmed imports newest first (not open ones), with
/// who ran them and what they did; a failed one says why.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_history_lists_confirmed_imports_newest_first(pool: PgPool) {
    let (account, user) = new_account(&pool, "manager@example.com").await;
    let template = ImportColumns::template();
    let (first, outcome) =
        import(&pool, account, user, &template, MergeMode::KeepExisting, vec![person(2, "N-1", "Ned", "Kay", "")])
            .await;
    committed(&outcome);
    let (second, outcome) =
        import(&pool, account, user, &template, MergeMode::OverwriteAll, vec![row(2, &[(Field::Email, "nope")])]).await;
    rejected(&outcome);
    let _open =
        prepare(&pool, account, user, &template, MergeMode::KeepExisting, vec![person(2, "N-2", "Nia", "Kay", "")])
            .await;

    let list = imports::list(&pool, account).await.unwrap();
    assert_eq!(list.iter().map(|summary| summary.id).collect::<Vec<_>>(), vec![second, first]);
    let failed = &list[0];
    assert_eq!(failed.status, ImportStatus::Failed);
    assert_eq!(failed.mode, MergeMode::OverwriteAll);
    assert!(failed.failure.as_deref().unwrap().contains("1 row has an issue"));
    assert!(failed.committed_at.is_none());
    let done = &list[1];
    assert_eq!(done.status, ImportStatus::Committed);
    assert_eq!(done.user_email, "manager@example.com");
    assert_eq!(done.file_name, "contacts.xlsx");
    assert_eq!(done.file_sha256, "ab".repeat(32));
    assert_eq!(done.row_count, 1);
    assert_eq!(done.counts, ImportCounts { created: 1, updated: 0, unchanged: 0, skipped: 0 });
    assert!(done.committed_at.is_some());
    assert!(done.failure.is_none());
}

/// An import's detail shows every contact it touched, before and after, in
/// row order, a page at a time.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_detail_pages_through_before_and_after(pool: PgPool) {
    let (account, user) = new_account(&pool, "a@example.com").await;
    let ana = add_contact(
        &pool,
        account,
        &[(Field::Reference, "C-1"), (Field::FirstName, "Ana"), (Field::LastName, "Silva")],
    )
    .await;
    let total = imports::CHANGES_PER_PAGE as usize + 10;
    let rows: Vec<_> = std::iter::once(person(2, "C-1", "Ana", "Lima", ""))
        .chain((1..total).map(|index| person(index as u32 + 2, &format!("N-{index}"), "New", "Person", "")))
        .collect();
    let (import_id, outcome) =
        import(&pool, account, user, &ImportColumns::template(), MergeMode::KeepExisting, rows).await;
    committed(&outcome);

    let page = imports::detail(&pool, account, import_id, 0).await.unwrap();
    assert_eq!(page.total_changes as usize, total);
    assert_eq!(page.changes.len(), imports::CHANGES_PER_PAGE as usize);
    let updated = &page.changes[0];
    assert_eq!((updated.line, updated.contact_id, updated.action), (2, ana, ChangeAction::Updated));
    assert_eq!(updated.before.as_ref().unwrap().get(Field::LastName), "Silva");
    assert_eq!(updated.after.get(Field::LastName), "Lima");
    let created = &page.changes[1];
    assert_eq!(created.action, ChangeAction::Created);
    assert!(created.before.is_none());
    assert_eq!(created.after.get(Field::Reference), "N-1");
    assert_eq!(created.after.get(Field::Kind), "Person");
    assert!(page.changes.windows(2).all(|pair| pair[0].line < pair[1].line));

    let last = imports::detail(&pool, account, import_id, 1).await.unwrap();
    assert_eq!(last.changes.len(), 10);
    assert!(last.changes[0].line > page.changes[page.changes.len() - 1].line);
    assert!(imports::detail(&pool, account, import_id, u32::MAX).await.unwrap().changes.is_empty());
}

/// Notifications: one per finished, failed or undone import, for the user
/// who ran it, unread first and newest first; marking them read moves them
/// down.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn notifications_tell_the_user_and_can_be_marked_read(pool: PgPool) {
    let (account, user) = new_account(&pool, "a@example.com").await;
    let template = ImportColumns::template();
    let (first, outcome) =
        import(&pool, account, user, &template, MergeMode::KeepExisting, vec![person(2, "N-1", "Ned", "Kay", "")])
            .await;
    committed(&outcome);
    let (second, outcome) =
        import(&pool, account, user, &template, MergeMode::KeepExisting, vec![row(2, &[(Field::Email, "x")])]).await;
    rejected(&outcome);

    let list = imports::notifications::list(&pool, account, user).await.unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!((list[0].import_id, list[0].kind.as_str(), list[0].read), (Some(second), "import_failed", false));
    assert!(list[0].message.contains("nothing was changed"), "{}", list[0].message);
    assert_eq!((list[1].import_id, list[1].kind.as_str()), (Some(first), "import_committed"));
    assert!(list[1].message.contains("1 created, 0 updated, 0 unchanged"), "{}", list[1].message);

    imports::notifications::mark_read(&pool, account, user, &[list[0].id]).await.unwrap();
    let list = imports::notifications::list(&pool, account, user).await.unwrap();
    assert_eq!((list[0].import_id, list[0].read), (Some(first), false));
    assert_eq!((list[1].import_id, list[1].read), (Some(second), true));
}

/// The history records which of the file's columns held data the import
/// did not take (the headers as written), and refuses more of them than a
/// file can have columns, storing nothing.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_history_records_the_columns_left_out(pool: PgPool) {
    let (account, user) = new_account(&pool, "manager@example.com").await;
    let mut columns = ImportColumns::template();
    columns.left_out = vec!["E-mail 2".to_string(), "Job Title".to_string(), "Téléphone 3".to_string()];
    let (import_id, outcome) =
        import(&pool, account, user, &columns, MergeMode::KeepExisting, vec![person(2, "N-1", "Ned", "Kay", "")]).await;
    committed(&outcome);
    let list = imports::list(&pool, account).await.unwrap();
    assert_eq!(list[0].left_out, ["E-mail 2", "Job Title", "Téléphone 3"]);
    let detail = imports::detail(&pool, account, import_id, 0).await.unwrap();
    assert_eq!(detail.summary.left_out, list[0].left_out);

    let mut too_many = ImportColumns::template();
    too_many.left_out = (1..=101).map(|n| format!("Column {n}")).collect();
    let refused = imports::open(
        &pool,
        account,
        user,
        &new_import(&too_many, MergeMode::KeepExisting, 1),
        &rules::Limits::DEFAULT,
    )
    .await;
    assert!(matches!(refused, Err(imports::ImportError::Invalid(_))), "{refused:?}");
    let mut too_long = ImportColumns::template();
    too_long.left_out = vec!["x".repeat(1_001)];
    let refused =
        imports::open(&pool, account, user, &new_import(&too_long, MergeMode::KeepExisting, 1), &rules::Limits::DEFAULT)
            .await;
    assert!(matches!(refused, Err(imports::ImportError::Invalid(_))), "{refused:?}");
    let imports_stored: i64 =
        sqlx::query_scalar("SELECT count(*) FROM imports WHERE account_id = $1").bind(account).fetch_one(&pool).await.unwrap();
    assert_eq!(imports_stored, 1);
}
