//! Confirming an import against real Postgres: both modes field by field,
//! matching, rejections that write nothing, unchanged rows left alone,
//! repeated confirms, and contacts that moved on since the preview.

use crate::support;

use rules::headers::ImportColumns;
use rules::merge::MergeMode;
use rules::{Field, FieldSet, Problem};
use sqlx::PgPool;
use store::imports::{self, ImportError, MergeHooks, MergeStep};
use store::model::{ConfirmOutcome, ImportCounts};
use support::*;
use uuid::Uuid;

/// Ana, with most fields filled in.
const ANA: &[(Field, &str)] = &[
    (Field::Reference, "C-1"),
    (Field::Kind, "Person"),
    (Field::Title, "Dr"),
    (Field::FirstName, "Ana"),
    (Field::LastName, "Silva"),
    (Field::Email, "ana@example.com"),
    (Field::Phone, "0412 345 678"),
    (Field::City, "Sydney"),
    (Field::Country, "AU"),
    (Field::Category, "Tenant"),
    (Field::Notes, "old note"),
];

/// Both modes, one row against Ana, every field checked: given cells
/// replace, blank cells keep (keep mode) or clear (overwrite mode), and
/// columns the file lacks are never touched.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn both_modes_field_by_field(pool: PgPool) {
    // The file has no Title, Category or Contact Type column.
    let columns = ImportColumns::from_present(FieldSet::of(&[
        Field::Reference,
        Field::FirstName,
        Field::LastName,
        Field::Email,
        Field::Phone,
        Field::City,
        Field::Country,
        Field::Notes,
    ]));
    let file_row = [
        (Field::Reference, "c-1"),
        (Field::FirstName, "Ana"),
        (Field::LastName, "Lima"),
        (Field::Email, ""),
        (Field::Phone, "(02) 9555 0101"),
        (Field::City, ""),
        (Field::Country, "new zealand"),
        (Field::Notes, "new note"),
    ];
    // (field, after keep, after overwrite)
    let expected = [
        (Field::Reference, "C-1", "C-1"),
        (Field::Kind, "Person", "Person"),
        (Field::Title, "Dr", "Dr"),
        (Field::FirstName, "Ana", "Ana"),
        (Field::LastName, "Lima", "Lima"),
        (Field::CompanyName, "", ""),
        (Field::Email, "ana@example.com", ""),
        // Read by the row's Country, New Zealand, and saved in E.164.
        (Field::Phone, "+64295550101", "+64295550101"),
        (Field::Mobile, "", ""),
        (Field::AddressLine1, "", ""),
        (Field::AddressLine2, "", ""),
        (Field::City, "Sydney", ""),
        (Field::Region, "", ""),
        (Field::Postcode, "", ""),
        (Field::Country, "NZ", "NZ"),
        (Field::Category, "Tenant", "Tenant"),
        (Field::Notes, "new note", "new note"),
    ];
    assert_eq!(expected.len(), Field::COUNT);

    for (mode, email) in [(MergeMode::KeepExisting, "keep@x.com"), (MergeMode::OverwriteAll, "over@x.com")] {
        let (account, user) = new_account(&pool, email).await;
        let ana = add_contact(&pool, account, ANA).await;
        let new_row = row(3, &[(Field::FirstName, "Ben"), (Field::LastName, "Jones"), (Field::Email, "Ben@X.com")]);
        let (import_id, outcome) = import(&pool, account, user, &columns, mode, vec![row(2, &file_row), new_row]).await;
        assert_eq!(committed(&outcome), ImportCounts { created: 1, updated: 1, unchanged: 0, skipped: 0 });

        let after = by_id(&pool, account, ana).await;
        for (field, keep, overwrite) in expected {
            let want = if mode == MergeMode::KeepExisting { keep } else { overwrite };
            assert_eq!(after.fields.get(field), want, "{mode:?}: {field}");
        }
        assert_eq!(after.version, 2, "{mode:?}: one write, one new version");
        assert_eq!(after.email_key, if mode == MergeMode::KeepExisting { "ana@example.com" } else { "" });

        // The new contact: exactly the row, a Person, keys in match form.
        let ben = snapshot(&pool, account).await.into_iter().find(|contact| contact.id != ana).unwrap();
        assert_eq!(ben.fields.get(Field::Kind), "Person");
        assert_eq!(ben.fields.get(Field::FirstName), "Ben");
        assert_eq!(ben.fields.get(Field::Email), "Ben@X.com");
        assert_eq!(ben.fields.get(Field::City), "");
        assert_eq!(ben.email_key, "ben@x.com");
        assert_eq!(ben.version, 1);

        assert_eq!(status(&pool, import_id).await, "committed");
        assert_eq!(rows_for(&pool, "import_changes", import_id).await, 2);
        assert_eq!(notification_kinds(&pool, import_id).await, vec!["import_committed"]);
    }
}

/// A row with a Contact ID matches by it; without one, by email; both
/// case-insensitively, keeping the stored spelling of the key.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn rows_match_by_contact_id_or_by_email_in_any_case(pool: PgPool) {
    let (account, user) = new_account(&pool, "a@example.com").await;
    let ana = add_contact(
        &pool,
        account,
        &[(Field::Reference, "AB-1"), (Field::FirstName, "Ana"), (Field::LastName, "Silva")],
    )
    .await;
    let ben = add_contact(
        &pool,
        account,
        &[(Field::FirstName, "Ben"), (Field::LastName, "Jones"), (Field::Email, "Ben.Jones@Example.com")],
    )
    .await;
    let rows = vec![
        row(2, &[(Field::Reference, "ab-1"), (Field::Phone, "0412 000 111")]),
        row(3, &[(Field::Email, "BEN.JONES@example.COM"), (Field::Phone, "0412 000 222")]),
        row(4, &[(Field::Reference, "NEW-1"), (Field::FirstName, "Cy"), (Field::LastName, "Ng")]),
        row(5, &[(Field::Kind, "company"), (Field::CompanyName, "Acme Plumbing")]),
    ];
    let (_, outcome) = import(&pool, account, user, &ImportColumns::template(), MergeMode::KeepExisting, rows).await;
    assert_eq!(committed(&outcome), ImportCounts { created: 2, updated: 2, unchanged: 0, skipped: 0 });

    let ana = by_id(&pool, account, ana).await;
    assert_eq!(ana.fields.get(Field::Phone), "0412 000 111");
    assert_eq!(ana.fields.get(Field::Reference), "AB-1");
    assert_eq!(ana.fields.get(Field::FirstName), "Ana");
    let ben = by_id(&pool, account, ben).await;
    assert_eq!(ben.fields.get(Field::Phone), "0412 000 222");
    assert_eq!(ben.fields.get(Field::Email), "Ben.Jones@Example.com");
    let all = snapshot(&pool, account).await;
    assert_eq!(all.len(), 4);
    let acme = all.iter().find(|contact| contact.fields.get(Field::CompanyName) == "Acme Plumbing").unwrap();
    assert_eq!(acme.fields.get(Field::Kind), "Company");
    assert_eq!(by_reference(&pool, account, "new-1").await.fields.get(Field::FirstName), "Cy");
}

/// Two rows with one Contact ID, or one email in different case: both rows
/// have an issue, and nothing at all is written (not even the good rows).
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn in_file_duplicates_are_rejected_and_nothing_is_written(pool: PgPool) {
    let (account, user) = new_account(&pool, "a@example.com").await;
    add_contact(&pool, account, ANA).await;
    let before = snapshot(&pool, account).await;
    let rows = vec![
        person(2, "C-1", "Ana", "Lima", ""),
        person(3, "D-1", "Dan", "Ford", "dan@x.com"),
        person(4, "c-1", "Ann", "Lee", ""),
        person(5, "E-1", "Eve", "Hart", "DAN@X.COM"),
        person(6, "F-1", "Fay", "Good", "fay@x.com"),
    ];
    let (import_id, outcome) =
        import(&pool, account, user, &ImportColumns::template(), MergeMode::KeepExisting, rows).await;
    let issues = rejected(&outcome);
    let found = |line: u32, problem: Problem| issues.iter().any(|issue| issue.line == line && issue.problem == problem);
    assert!(found(2, Problem::DuplicateReference { other_line: 4 }), "{issues:#?}");
    assert!(found(4, Problem::DuplicateReference { other_line: 2 }), "{issues:#?}");
    assert!(found(3, Problem::DuplicateEmail { other_line: 5 }), "{issues:#?}");
    assert!(found(5, Problem::DuplicateEmail { other_line: 3 }), "{issues:#?}");
    assert!(issues.iter().all(|issue| issue.line != 6));

    assert_eq!(snapshot(&pool, account).await, before);
    assert_eq!(status(&pool, import_id).await, "failed");
    assert_eq!(rows_for(&pool, "import_changes", import_id).await, 0);
    assert_eq!(notification_kinds(&pool, import_id).await, vec!["import_failed"]);
    let detail = imports::detail(&pool, account, import_id, 0).await.unwrap();
    assert!(detail.summary.failure.unwrap().contains("4 rows have issues"));
}

/// An email that belongs to another existing contact (any case) is an issue
/// on that row; the whole import writes nothing.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn an_email_owned_by_another_contact_is_rejected(pool: PgPool) {
    let (account, user) = new_account(&pool, "a@example.com").await;
    add_contact(&pool, account, ANA).await;
    let before = snapshot(&pool, account).await;
    let rows = vec![person(2, "D-1", "Dan", "Ford", "dan@x.com"), person(3, "C-2", "Ann", "Lee", "ANA@example.com")];
    let (import_id, outcome) =
        import(&pool, account, user, &ImportColumns::template(), MergeMode::KeepExisting, rows).await;
    let issues = rejected(&outcome);
    assert_eq!(issues.len(), 1, "{issues:#?}");
    assert_eq!(issues[0].line, 3);
    assert_eq!(issues[0].field, Some(Field::Email));
    assert_eq!(issues[0].problem, Problem::EmailBelongsToAnother { contact_name: "Ana Silva".into() });
    assert_eq!(snapshot(&pool, account).await, before);
    assert_eq!(status(&pool, import_id).await, "failed");
}

/// A row holding exactly its contact's stored values is counted unchanged
/// by comparing values in SQL (the rules staged it as unchanged in that
/// case); the same row beside another with its Contact ID is still judged,
/// and refused as a duplicate.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_row_equal_to_its_contact_is_unchanged_unless_another_row_shares_its_key(pool: PgPool) {
    let (account, user) = new_account(&pool, "a@example.com").await;
    // Ana as an import stores her: her phone in E.164 (a row with Country
    // AU and "0412 345 678" would change it to that form).
    let mut ana: Vec<(Field, &str)> = ANA.iter().copied().filter(|(field, _)| *field != Field::Phone).collect();
    ana.push((Field::Phone, "+61412345678"));
    add_contact(&pool, account, &ana).await;
    let before = snapshot(&pool, account).await;
    let stored = before[0].fields.clone();
    let columns = ImportColumns::template();

    let rows = vec![rules::headers::ImportRow::new(2, stored.clone())];
    let (import_id, outcome) = import(&pool, account, user, &columns, MergeMode::OverwriteAll, rows).await;
    assert_eq!(committed(&outcome), ImportCounts { created: 0, updated: 0, unchanged: 1, skipped: 0 });
    assert_eq!(snapshot(&pool, account).await, before);
    assert_eq!(rows_for(&pool, "import_changes", import_id).await, 0);
    let staged_unchanged: bool =
        sqlx::query_scalar("SELECT unchanged_when_equal FROM import_staging WHERE import_id = $1 AND line = 2")
            .bind(import_id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(staged_unchanged, "the rules staged the row as unchanged when equal");

    let rows = vec![rules::headers::ImportRow::new(2, stored.clone()), rules::headers::ImportRow::new(3, stored)];
    let (_, outcome) = import(&pool, account, user, &columns, MergeMode::KeepExisting, rows).await;
    let problems: Vec<Problem> = rejected(&outcome).into_iter().map(|issue| issue.problem).collect();
    assert!(problems.contains(&Problem::DuplicateReference { other_line: 3 }), "{problems:?}");
    assert_eq!(snapshot(&pool, account).await, before);
}

/// Rows that would change nothing are counted unchanged and not written:
/// version and updated_at stay, and no change is recorded for them.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn unchanged_rows_are_not_written(pool: PgPool) {
    let (account, user) = new_account(&pool, "a@example.com").await;
    let ana = add_contact(&pool, account, ANA).await;
    let ben = add_contact(
        &pool,
        account,
        &[(Field::Reference, "C-2"), (Field::FirstName, "Ben"), (Field::LastName, "Jones")],
    )
    .await;
    let before = snapshot(&pool, account).await;
    let columns = ImportColumns::from_present(FieldSet::of(&[
        Field::Reference,
        Field::FirstName,
        Field::LastName,
        Field::Email,
        Field::Phone,
    ]));
    let rows = vec![
        // Same values, keys in another case: unchanged.
        row(
            2,
            &[
                (Field::Reference, "c-1"),
                (Field::FirstName, "Ana"),
                (Field::LastName, "Silva"),
                (Field::Email, "ANA@EXAMPLE.COM"),
                (Field::Phone, "0412 345 678"),
            ],
        ),
        // One real change.
        row(
            3,
            &[
                (Field::Reference, "C-2"),
                (Field::FirstName, "Ben"),
                (Field::LastName, "Jones"),
                (Field::Phone, "0412 999 888"),
            ],
        ),
    ];
    let (import_id, outcome) = import(&pool, account, user, &columns, MergeMode::KeepExisting, rows).await;
    assert_eq!(committed(&outcome), ImportCounts { created: 0, updated: 1, unchanged: 1, skipped: 0 });

    let after = snapshot(&pool, account).await;
    let untouched = |id| after.iter().find(|contact| contact.id == id).unwrap().clone();
    assert_eq!(untouched(ana), before.iter().find(|contact| contact.id == ana).unwrap().clone());
    let ben_after = untouched(ben);
    assert_eq!(ben_after.version, 2);
    assert_eq!(ben_after.fields.get(Field::Phone), "0412 999 888");
    assert_eq!(rows_for(&pool, "import_changes", import_id).await, 1);

    // An import where every row is unchanged writes no contact at all.
    let before = snapshot(&pool, account).await;
    let rows = vec![person(2, "C-1", "Ana", "Silva", "ana@example.com")];
    let (import_id, outcome) = import(&pool, account, user, &columns, MergeMode::KeepExisting, rows).await;
    assert_eq!(committed(&outcome), ImportCounts { created: 0, updated: 0, unchanged: 1, skipped: 0 });
    assert_eq!(snapshot(&pool, account).await, before);
    assert_eq!(rows_for(&pool, "import_changes", import_id).await, 0);
    assert_eq!(status(&pool, import_id).await, "committed");
}

/// Confirming an import again, one after the other or both at once, returns
/// the same result and applies it once.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_confirm_repeated_applies_once(pool: PgPool) {
    let (account, user) = new_account(&pool, "a@example.com").await;
    let ana = add_contact(&pool, account, ANA).await;
    let rows = vec![person(2, "C-1", "Ana", "Lima", ""), person(3, "N-1", "Ned", "Kay", "ned@x.com")];
    let import_id =
        prepare(&pool, account, user, &ImportColumns::template(), MergeMode::KeepExisting, rows.clone()).await;

    let first = imports::confirm(&pool, account, import_id).await.unwrap();
    let counts = committed(&first);
    assert_eq!(counts, ImportCounts { created: 1, updated: 1, unchanged: 0, skipped: 0 });
    let after_first = snapshot(&pool, account).await;
    let second = imports::confirm(&pool, account, import_id).await.unwrap();
    assert_eq!(second, first);
    assert_eq!(snapshot(&pool, account).await, after_first);
    assert_eq!(by_id(&pool, account, ana).await.version, 2);
    assert_eq!(rows_for(&pool, "import_changes", import_id).await, 2);
    assert_eq!(notification_kinds(&pool, import_id).await, vec!["import_committed"]);

    // Two confirms of a fresh import at the same moment.
    let rows = vec![person(2, "C-1", "Ana", "Moss", ""), person(3, "N-2", "Nia", "Kay", "nia@x.com")];
    let import_id = prepare(&pool, account, user, &ImportColumns::template(), MergeMode::KeepExisting, rows).await;
    let (a, b) = tokio::join!(imports::confirm(&pool, account, import_id), imports::confirm(&pool, account, import_id));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a, b);
    assert_eq!(committed(&a), ImportCounts { created: 1, updated: 1, unchanged: 0, skipped: 0 });
    assert_eq!(snapshot(&pool, account).await.len(), 3);
    assert_eq!(by_id(&pool, account, ana).await.version, 3);
    assert_eq!(notification_kinds(&pool, import_id).await, vec!["import_committed"]);
}

/// A contact edited, created or deleted between the preview and the confirm
/// is reported as changed since the preview, and not overwritten.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_contact_changed_after_the_preview_is_reported_not_overwritten(pool: PgPool) {
    let (account, user) = new_account(&pool, "a@example.com").await;
    let template = ImportColumns::template();
    let keep = MergeMode::KeepExisting;

    // Edited by someone after the preview.
    let ana = add_contact(&pool, account, ANA).await;
    let rows = vec![person(2, "D-1", "Dan", "Ford", ""), person(3, "C-1", "Ana", "Lima", "")];
    let import_id = prepare(&pool, account, user, &template, keep, rows).await;
    edit_contact(&pool, ana, Field::LastName, "Costa").await;
    let before = snapshot(&pool, account).await;
    let outcome = imports::confirm(&pool, account, import_id).await.unwrap();
    let issues = rejected(&outcome);
    assert_eq!(issues.len(), 1, "{issues:#?}");
    assert_eq!(
        (issues[0].line, issues[0].field, &issues[0].problem),
        (3, Some(Field::Reference), &Problem::ChangedSincePreview)
    );
    assert_eq!(snapshot(&pool, account).await, before);
    assert_eq!(by_id(&pool, account, ana).await.fields.get(Field::LastName), "Costa");
    assert_eq!(status(&pool, import_id).await, "failed");

    // Created by someone after the preview (which saw a new contact).
    let rows = vec![person(2, "", "Eve", "Hart", "eve@x.com")];
    let import_id = prepare(&pool, account, user, &template, keep, rows).await;
    add_contact(&pool, account, &[(Field::FirstName, "Eva"), (Field::LastName, "Hart"), (Field::Email, "EVE@x.com")])
        .await;
    let before = snapshot(&pool, account).await;
    let issues = rejected(&imports::confirm(&pool, account, import_id).await.unwrap());
    assert_eq!(
        (issues[0].line, issues[0].field, &issues[0].problem),
        (2, Some(Field::Email), &Problem::ChangedSincePreview)
    );
    assert_eq!(snapshot(&pool, account).await, before);

    // Deleted by someone after the preview.
    let rows = vec![person(2, "C-1", "Ana", "Lima", "")];
    let import_id = prepare(&pool, account, user, &template, keep, rows).await;
    sqlx::query("DELETE FROM contacts WHERE id = $1").bind(ana).execute(&pool).await.unwrap();
    let before = snapshot(&pool, account).await;
    let issues = rejected(&imports::confirm(&pool, account, import_id).await.unwrap());
    assert_eq!(issues[0].problem, Problem::ChangedSincePreview);
    assert_eq!(snapshot(&pool, account).await, before);
}

/// Someone saves a contact with the same email while the merge runs (after
/// its check, before its writes, by a path that skips the account lock):
/// the unique index refuses the merge's write, nothing of the import lands,
/// and the user is told to check the file again.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_key_saved_during_the_merge_is_a_conflict_and_nothing_is_written(pool: PgPool) {
    let (account, user) = new_account(&pool, "a@example.com").await;
    let ana = add_contact(&pool, account, ANA).await;
    let rows = vec![person(2, "C-1", "Ana", "Lima", ""), person(3, "", "Zed", "Ray", "zed@x.com")];
    let import_id = prepare(&pool, account, user, &ImportColumns::template(), MergeMode::KeepExisting, rows).await;

    let (hooks, mut paused) = MergeHooks::pause_at(MergeStep::Checked);
    let merge = tokio::spawn({
        let pool = pool.clone();
        async move { imports::confirm_with_hooks(&pool, account, import_id, hooks).await }
    });
    assert!(paused.reached().await.is_some());
    // Plain SQL: a writer that does not take the account lock (one that
    // did would wait for the merge, which waits for this test).
    let zed: Uuid = sqlx::query_scalar(
        "INSERT INTO contacts (account_id, first_name, last_name, email, email_key)
         VALUES ($1, 'Zed', 'Cole', 'Zed@X.com', 'zed@x.com') RETURNING id",
    )
    .bind(account)
    .fetch_one(&pool)
    .await
    .unwrap();
    let before = snapshot(&pool, account).await;
    paused.resume();

    match merge.await.unwrap() {
        Err(ImportError::Conflict(sentence)) => assert!(sentence.contains("Check the file again"), "{sentence}"),
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(snapshot(&pool, account).await, before);
    assert_eq!(by_id(&pool, account, ana).await.version, 1);
    assert_eq!(by_id(&pool, account, zed).await.fields.get(Field::LastName), "Cole");
    assert_eq!(status(&pool, import_id).await, "failed");
    assert_eq!(rows_for(&pool, "import_changes", import_id).await, 0);
    assert_eq!(notification_kinds(&pool, import_id).await, vec!["import_failed"]);
    // Asking again gives the same answer, and still writes nothing.
    let again = imports::confirm(&pool, account, import_id).await;
    assert!(
        matches!(again, Err(ImportError::Conflict(ref sentence)) if sentence.contains("Someone saved")),
        "{again:?}"
    );
    assert_eq!(snapshot(&pool, account).await, before);
}

/// In overwrite mode a blank required cell is an issue for an existing
/// contact; in keep mode the old value stays.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_required_field_never_ends_up_blank(pool: PgPool) {
    let (account, user) = new_account(&pool, "a@example.com").await;
    let ana = add_contact(&pool, account, ANA).await;
    let rows = || vec![row(2, &[(Field::Reference, "C-1"), (Field::FirstName, ""), (Field::LastName, "Lima")])];
    let template = ImportColumns::template();

    let before = snapshot(&pool, account).await;
    let (_, outcome) = import(&pool, account, user, &template, MergeMode::OverwriteAll, rows()).await;
    let issues = rejected(&outcome);
    assert_eq!(issues[0].field, Some(Field::FirstName));
    assert!(matches!(issues[0].problem, Problem::WouldClearRequired { .. }));
    assert_eq!(snapshot(&pool, account).await, before);

    let (_, outcome) = import(&pool, account, user, &template, MergeMode::KeepExisting, rows()).await;
    assert_eq!(committed(&outcome).updated, 1);
    let after = by_id(&pool, account, ana).await;
    assert_eq!(after.fields.get(Field::FirstName), "Ana");
    assert_eq!(after.fields.get(Field::LastName), "Lima");
}

/// The issues a confirm returns are capped, with the total given.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn many_issues_are_capped_and_counted(pool: PgPool) {
    let (account, user) = new_account(&pool, "a@example.com").await;
    let count = imports::MAX_ISSUES_RETURNED + 500;
    let rows = (0..count).map(|index| row(index as u32 + 2, &[(Field::Email, "not an email")])).collect();
    let (_, outcome) = import(&pool, account, user, &ImportColumns::template(), MergeMode::KeepExisting, rows).await;
    match outcome {
        ConfirmOutcome::Rejected { issues, total_issues } => {
            assert_eq!(issues.len(), imports::MAX_ISSUES_RETURNED);
            assert!(total_issues as usize >= count, "{total_issues}");
            assert_eq!(issues[0].line, 2);
        }
        other => panic!("expected issues, got {other:?}"),
    }
    assert!(snapshot(&pool, account).await.is_empty());
}
