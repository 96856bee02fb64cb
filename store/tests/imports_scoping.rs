//! Account scoping and bad input, against real Postgres: another account's
//! import is indistinguishable from a random id, and malformed requests get
//! a clear refusal that stores nothing.

use crate::support;

use rules::check::LookupKeys;
use rules::headers::ImportColumns;
use rules::merge::MergeMode;
use rules::{Field, Limits};
use sqlx::PgPool;
use store::imports::{self, ImportError};
use store::model::UploadedRow;
use support::*;
use uuid::Uuid;

fn is_not_found<T: std::fmt::Debug>(result: Result<T, ImportError>) -> bool {
    matches!(result, Err(ImportError::NotFound))
}

/// Another account's import cannot be read, uploaded to, confirmed or
/// undone: each gets exactly what a random id gets, and nothing changes.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn another_accounts_import_is_invisible(pool: PgPool) {
    let (ours, our_user) = new_account(&pool, "a@example.com").await;
    let (theirs, their_user) = new_account(&pool, "b@example.com").await;
    let template = ImportColumns::template();
    let keep = MergeMode::KeepExisting;
    let open = prepare(&pool, theirs, their_user, &template, keep, vec![person(2, "T-1", "Tia", "Moe", "")]).await;
    let (done, outcome) =
        import(&pool, theirs, their_user, &template, keep, vec![person(2, "T-2", "Tom", "Moe", "")]).await;
    committed(&outcome);
    let their_contacts = snapshot(&pool, theirs).await;
    let chunk = vec![UploadedRow { row: person(3, "X-1", "X", "Y", ""), preview: None, duplicate: Default::default() }];

    for id in [open, done, Uuid::new_v4()] {
        assert!(is_not_found(imports::detail(&pool, ours, id, 0).await));
        assert!(is_not_found(imports::confirm(&pool, ours, id).await));
        assert!(is_not_found(imports::undo(&pool, ours, id).await));
        assert!(is_not_found(imports::upload_rows(&pool, ours, id, chunk.clone()).await));
    }
    assert!(imports::list(&pool, ours).await.unwrap().is_empty());
    assert!(imports::notifications::list(&pool, ours, our_user).await.unwrap().is_empty());

    // Their data is untouched, and still theirs to use.
    assert_eq!(snapshot(&pool, theirs).await, their_contacts);
    assert_eq!(status(&pool, open).await, "open");
    assert_eq!(rows_for(&pool, "import_staging", open).await, 1);
    assert_eq!(status(&pool, done).await, "committed");
    assert_eq!(imports::list(&pool, theirs).await.unwrap().len(), 1);

    // Their contacts are not among the keys we can look up.
    let keys = LookupKeys { references: vec!["t-2".into()], emails: vec![] };
    assert!(imports::existing_contacts(&pool, ours, &keys).await.unwrap().is_empty());
    assert_eq!(imports::existing_contacts(&pool, theirs, &keys).await.unwrap().len(), 1);

    // Nor can we mark their notifications read.
    let theirs_unread = imports::notifications::list(&pool, theirs, their_user).await.unwrap();
    let ids: Vec<Uuid> = theirs_unread.iter().map(|notification| notification.id).collect();
    imports::notifications::mark_read(&pool, ours, our_user, &ids).await.unwrap();
    assert!(imports::notifications::list(&pool, theirs, their_user).await.unwrap().iter().all(|n| !n.read));
}

/// Opening an import with nonsense is refused with a sentence.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn opening_checks_what_the_browser_says(pool: PgPool) {
    let (account, user) = new_account(&pool, "a@example.com").await;
    let template = ImportColumns::template();
    let good = new_import(&template, MergeMode::KeepExisting, 10);
    let bad = [
        {
            let mut import = good.clone();
            import.row_count = 0;
            import
        },
        {
            let mut import = good.clone();
            import.row_count = Limits::DEFAULT.max_rows + 1;
            import
        },
        {
            let mut import = good.clone();
            import.file_sha256 = "xyz".into();
            import
        },
        {
            let mut import = good.clone();
            import.file_name = "  ".into();
            import
        },
        {
            let mut import = good.clone();
            import.file_size = -1;
            import
        },
    ];
    for import in bad {
        let result = imports::open(&pool, account, user, &import, &Limits::DEFAULT).await;
        assert!(matches!(result, Err(ImportError::Invalid(_))), "{import:?}: {result:?}");
    }
    let mut upper = good.clone();
    upper.file_sha256 = "AB".repeat(32);
    let id = imports::open(&pool, account, user, &upper, &Limits::DEFAULT).await.unwrap();
    let sha: String =
        sqlx::query_scalar("SELECT file_sha256 FROM imports WHERE id = $1").bind(id).fetch_one(&pool).await.unwrap();
    assert_eq!(sha, "ab".repeat(32));
}

/// Uploads: chunks are capped, lines must be data rows and distinct, a
/// repeated chunk is stored once, and more rows than announced is refused
/// (storing nothing of that chunk).
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn uploads_are_checked_and_idempotent(pool: PgPool) {
    let (account, user) = new_account(&pool, "a@example.com").await;
    let template = ImportColumns::template();
    let keep = MergeMode::KeepExisting;
    let import_id =
        imports::open(&pool, account, user, &new_import(&template, keep, 3), &Limits::DEFAULT).await.unwrap();
    let up =
        |line: u32, last: &str| UploadedRow { row: person(line, &format!("R-{line}"), "Al", last, ""), preview: None, duplicate: Default::default() };
    let invalid = |result: Result<u32, ImportError>| matches!(result, Err(ImportError::Invalid(_)));

    let too_many: Vec<UploadedRow> =
        (0..imports::MAX_ROWS_PER_UPLOAD as u32 + 1).map(|index| up(index + 2, "X")).collect();
    assert!(invalid(imports::upload_rows(&pool, account, import_id, too_many).await));
    assert!(invalid(imports::upload_rows(&pool, account, import_id, vec![up(1, "X")]).await));
    assert!(invalid(imports::upload_rows(&pool, account, import_id, vec![up(2, "X"), up(2, "Y")]).await));
    let mut long = up(2, "X");
    long.row.values.set(Field::Notes, "n".repeat(imports::MAX_CELL_CHARS + 1));
    assert!(invalid(imports::upload_rows(&pool, account, import_id, vec![long]).await));
    let mut nul = up(2, "X");
    nul.row.values.set(Field::Notes, "a\0b");
    assert!(invalid(imports::upload_rows(&pool, account, import_id, vec![nul]).await));
    assert_eq!(rows_for(&pool, "import_staging", import_id).await, 0);

    assert_eq!(imports::upload_rows(&pool, account, import_id, vec![up(2, "A"), up(3, "B")]).await.unwrap(), 2);
    // The same chunk again (a retry): stored once, the latest copy kept.
    assert_eq!(imports::upload_rows(&pool, account, import_id, vec![up(2, "A"), up(3, "C")]).await.unwrap(), 2);
    // Confirming before every row has arrived is refused and changes nothing.
    assert!(matches!(imports::confirm(&pool, account, import_id).await, Err(ImportError::Invalid(_))));
    assert_eq!(status(&pool, import_id).await, "open");
    // Two more than announced: refused, nothing of the chunk stored.
    assert!(invalid(imports::upload_rows(&pool, account, import_id, vec![up(4, "D"), up(5, "E")]).await));
    assert_eq!(rows_for(&pool, "import_staging", import_id).await, 2);
    // A chunk whose lines are partly staged already: those are replaced,
    // the others added.
    assert_eq!(imports::upload_rows(&pool, account, import_id, vec![up(3, "C"), up(4, "E")]).await.unwrap(), 3);
    assert_eq!(imports::upload_rows(&pool, account, import_id, vec![up(4, "D")]).await.unwrap(), 3);
    assert_eq!(imports::upload_rows(&pool, account, import_id, vec![]).await.unwrap(), 3);

    let outcome = imports::confirm(&pool, account, import_id).await.unwrap();
    assert_eq!(committed(&outcome).created, 3);
    assert_eq!(by_reference(&pool, account, "R-3").await.fields.get(Field::LastName), "C");
    assert_eq!(by_reference(&pool, account, "R-4").await.fields.get(Field::LastName), "D");
    // Rows cannot change once confirmed.
    let result = imports::upload_rows(&pool, account, import_id, vec![up(4, "Z")]).await;
    assert!(matches!(result, Err(ImportError::Conflict(_))), "{result:?}");

    // A refused import confirmed again gives the same issues, and stays refused.
    let (failed, outcome) =
        import(&pool, account, user, &template, keep, vec![row(2, &[(Field::Email, "nope")])]).await;
    rejected(&outcome);
    assert_eq!(imports::confirm(&pool, account, failed).await.unwrap(), outcome);
    assert_eq!(status(&pool, failed).await, "failed");
    assert_eq!(notification_kinds(&pool, failed).await, vec!["import_failed"]);
}

/// The preview's key lookup is capped per call; keys match in any case.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn key_lookups_are_capped_and_case_insensitive(pool: PgPool) {
    let (account, _) = new_account(&pool, "a@example.com").await;
    add_contact(
        &pool,
        account,
        &[
            (Field::Reference, "AB-1"),
            (Field::FirstName, "Ana"),
            (Field::LastName, "Silva"),
            (Field::Email, "Ana@X.com"),
        ],
    )
    .await;
    let too_many = LookupKeys {
        references: (0..imports::MAX_LOOKUP_KEYS + 1).map(|index| format!("r{index}")).collect(),
        emails: vec![],
    };
    assert!(matches!(imports::existing_contacts(&pool, account, &too_many).await, Err(ImportError::Invalid(_))));
    let at_cap = LookupKeys {
        references: (0..imports::MAX_LOOKUP_KEYS).map(|index| format!("r{index}")).collect(),
        emails: (0..imports::MAX_LOOKUP_KEYS - 1)
            .map(|index| format!("e{index}@x.com"))
            .chain(["ANA@x.COM".to_string()])
            .collect(),
    };
    let found = imports::existing_contacts(&pool, account, &at_cap).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].fields.get(Field::Reference), "AB-1");
    assert_eq!(found[0].version, 1);
}

/// A row with the wrong number of cells does not even parse: the server
/// function answers it as a malformed request.
#[test]
fn a_row_with_the_wrong_number_of_cells_does_not_parse() {
    let sixteen = vec![""; Field::COUNT - 1];
    let json = serde_json::json!({ "row": { "line": 2, "values": sixteen, "error_cells": 0 }, "preview": null });
    assert!(serde_json::from_value::<UploadedRow>(json).is_err());
    let seventeen = vec![""; Field::COUNT];
    let json = serde_json::json!({ "row": { "line": 2, "values": seventeen, "error_cells": 0 }, "preview": null });
    assert!(serde_json::from_value::<UploadedRow>(json).is_ok());
}
