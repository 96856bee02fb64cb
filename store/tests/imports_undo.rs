//! Undoing an import against real Postgres: the before state comes back,
//! and a later change makes undo refuse (naming the contacts) and change
//! nothing.

use crate::support;

use rules::headers::ImportColumns;
use rules::merge::MergeMode;
use rules::Field;
use sqlx::PgPool;
use store::imports::{self, ImportError};
use store::model::{ImportCounts, ImportStatus, UndoOutcome};
use support::*;

/// Undo deletes the contacts the import created and puts the ones it changed
/// back as they were (a new version, as any write); undoing again changes
/// nothing more.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn undo_restores_the_before_state(pool: PgPool) {
    let (account, user) = new_account(&pool, "a@example.com").await;
    let ana = add_contact(
        &pool,
        account,
        &[
            (Field::Reference, "C-1"),
            (Field::FirstName, "Ana"),
            (Field::LastName, "Silva"),
            (Field::Email, "ana@x.com"),
            (Field::City, "Sydney"),
        ],
    )
    .await;
    let ben = add_contact(
        &pool,
        account,
        &[(Field::Reference, "C-2"), (Field::FirstName, "Ben"), (Field::LastName, "Jones")],
    )
    .await;
    let before = snapshot(&pool, account).await;

    let rows = vec![
        person(2, "C-1", "Ana", "Lima", ""),
        person(3, "C-2", "Ben", "Jones", ""),
        person(4, "N-1", "Ned", "Kay", "ned@x.com"),
    ];
    let (import_id, outcome) =
        import(&pool, account, user, &ImportColumns::template(), MergeMode::OverwriteAll, rows).await;
    assert_eq!(committed(&outcome), ImportCounts { created: 1, updated: 1, unchanged: 1, skipped: 0 });
    assert_eq!(by_id(&pool, account, ana).await.fields.get(Field::Email), "");

    let outcome = imports::undo(&pool, account, import_id).await.unwrap();
    assert_eq!(outcome, UndoOutcome::Undone { restored: 1, deleted: 1 });
    let after = snapshot(&pool, account).await;
    assert_eq!(after.len(), 2);
    for (was, now) in before.iter().zip(&after) {
        assert_eq!(now.id, was.id);
        assert_eq!(now.fields, was.fields);
        assert_eq!(now.reference_key, was.reference_key);
        assert_eq!(now.email_key, was.email_key);
    }
    assert_eq!(by_id(&pool, account, ana).await.version, 3, "the import's write, then undo's");
    assert_eq!(by_id(&pool, account, ben).await.version, 1, "an unchanged row was never written");
    assert_eq!(status(&pool, import_id).await, "undone");
    assert_eq!(notification_kinds(&pool, import_id).await, vec!["import_committed", "import_undone"]);
    let detail = imports::detail(&pool, account, import_id, 0).await.unwrap();
    assert_eq!(detail.summary.status, ImportStatus::Undone);
    assert!(detail.summary.undone_at.is_some());

    // Again: the same answer, nothing more changed.
    let again = imports::undo(&pool, account, import_id).await.unwrap();
    assert_eq!(again, UndoOutcome::Undone { restored: 1, deleted: 1 });
    assert_eq!(snapshot(&pool, account).await, after);
    assert_eq!(notification_kinds(&pool, import_id).await.len(), 2);
}

/// A contact edited after the import (by hand, or by a later import) makes
/// undo refuse, naming it, and change nothing; a deleted one too.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn undo_refuses_when_a_later_change_touched_the_contacts(pool: PgPool) {
    let (account, user) = new_account(&pool, "a@example.com").await;
    let template = ImportColumns::template();
    let ana = add_contact(
        &pool,
        account,
        &[(Field::Reference, "C-1"), (Field::FirstName, "Ana"), (Field::LastName, "Silva")],
    )
    .await;
    let rows = vec![person(2, "C-1", "Ana", "Lima", ""), person(3, "N-1", "Ned", "Kay", "ned@x.com")];
    let (first, outcome) = import(&pool, account, user, &template, MergeMode::KeepExisting, rows).await;
    committed(&outcome);

    // Edited by hand.
    edit_contact(&pool, ana, Field::LastName, "Costa").await;
    let before = snapshot(&pool, account).await;
    let outcome = imports::undo(&pool, account, first).await.unwrap();
    assert_eq!(outcome, UndoOutcome::Refused { contacts: vec!["Ana Costa".into()], total: 1 });
    assert_eq!(snapshot(&pool, account).await, before);
    assert_eq!(status(&pool, first).await, "committed");

    // Changed by a later import, which itself can be undone.
    let rows = vec![person(2, "N-1", "Ned", "Kelly", "")];
    let (second, outcome) = import(&pool, account, user, &template, MergeMode::KeepExisting, rows).await;
    committed(&outcome);
    let before = snapshot(&pool, account).await;
    match imports::undo(&pool, account, first).await.unwrap() {
        UndoOutcome::Refused { mut contacts, total } => {
            contacts.sort();
            assert_eq!(contacts, vec!["Ana Costa".to_string(), "Ned Kelly".to_string()]);
            assert_eq!(total, 2);
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(snapshot(&pool, account).await, before);
    assert_eq!(imports::undo(&pool, account, second).await.unwrap(), UndoOutcome::Undone { restored: 1, deleted: 0 });
    assert_eq!(by_reference(&pool, account, "N-1").await.fields.get(Field::LastName), "Kay");

    // Deleted since.
    let ned = by_reference(&pool, account, "N-1").await.id;
    sqlx::query("DELETE FROM contacts WHERE id = $1").bind(ned).execute(&pool).await.unwrap();
    match imports::undo(&pool, account, first).await.unwrap() {
        UndoOutcome::Refused { contacts, .. } => {
            assert!(contacts.contains(&"Ned Kay (deleted)".to_string()), "{contacts:?}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Putting a contact back would give it an email another contact has taken
/// since: refused, naming the contact that has it now.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn undo_refuses_when_a_key_was_taken_since(pool: PgPool) {
    let (account, user) = new_account(&pool, "a@example.com").await;
    add_contact(
        &pool,
        account,
        &[
            (Field::Reference, "C-1"),
            (Field::FirstName, "Ana"),
            (Field::LastName, "Silva"),
            (Field::Email, "ana@x.com"),
        ],
    )
    .await;
    let rows = vec![person(2, "C-1", "Ana", "Silva", "ana.silva@x.com")];
    let (import_id, outcome) =
        import(&pool, account, user, &ImportColumns::template(), MergeMode::KeepExisting, rows).await;
    committed(&outcome);
    add_contact(
        &pool,
        account,
        &[(Field::FirstName, "Another"), (Field::LastName, "Ana"), (Field::Email, "ANA@x.com")],
    )
    .await;
    let before = snapshot(&pool, account).await;
    let outcome = imports::undo(&pool, account, import_id).await.unwrap();
    assert_eq!(outcome, UndoOutcome::Refused { contacts: vec!["Another Ana".into()], total: 1 });
    assert_eq!(snapshot(&pool, account).await, before);
    assert_eq!(status(&pool, import_id).await, "committed");
}

/// Only an applied import can be undone.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn an_import_never_applied_cannot_be_undone(pool: PgPool) {
    let (account, user) = new_account(&pool, "a@example.com").await;
    let template = ImportColumns::template();
    let open =
        prepare(&pool, account, user, &template, MergeMode::KeepExisting, vec![person(2, "N-1", "Ned", "Kay", "")])
            .await;
    assert!(matches!(imports::undo(&pool, account, open).await, Err(ImportError::Conflict(_))));
    let (failed, outcome) =
        import(&pool, account, user, &template, MergeMode::KeepExisting, vec![row(2, &[(Field::Email, "nope")])]).await;
    rejected(&outcome);
    assert!(matches!(imports::undo(&pool, account, failed).await, Err(ImportError::Conflict(_))));
}
