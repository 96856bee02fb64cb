//! Possible duplicates against real Postgres: the candidates the preview
//! asks for (account-scoped), and the user's choice for a flagged row,
//! honoured and re-checked at confirm: "update that contact" only for a
//! contact of this account still possibly the same by the rules, "skip"
//! leaves the row out and is counted, "create anyway" as any new row.

use crate::support;

use rules::headers::ImportColumns;
use rules::merge::MergeMode;
use rules::similar::{similar_keys, DuplicateChoice, SimilarKeys, SIMILARITY_RULES};
use rules::{Field, FieldSet, Problem};
use sqlx::PgPool;
use store::imports;
use store::model::{ImportCounts, PreviewMatch, UploadedRow};
use support::*;
use uuid::Uuid;

const COLUMNS: &[Field] = &[Field::FirstName, Field::LastName, Field::Email, Field::Phone, Field::Postcode, Field::City];

fn columns() -> ImportColumns {
    ImportColumns::from_present(FieldSet::of(COLUMNS))
}

const JOHN: &[(Field, &str)] = &[
    (Field::Kind, "Person"),
    (Field::FirstName, "John"),
    (Field::LastName, "Smith"),
    (Field::Email, "john@old.example"),
    (Field::Phone, "+64 21 555 0101"),
    (Field::City, "Auckland"),
];

/// John again under another email, his number written locally.
fn john_again(line: u32) -> rules::headers::ImportRow {
    row(
        line,
        &[
            (Field::FirstName, "John"),
            (Field::LastName, "Smith"),
            (Field::Email, "john@new.example"),
            (Field::Phone, "021 555 0101"),
            (Field::City, "Wellington"),
        ],
    )
}

fn with_email(mut row: rules::headers::ImportRow, email: &str) -> rules::headers::ImportRow {
    row.values.set(Field::Email, email.to_string());
    row
}

fn uploaded(row: rules::headers::ImportRow, duplicate: DuplicateChoice, preview: Option<PreviewMatch>) -> UploadedRow {
    UploadedRow { row, preview, duplicate }
}

async fn contact_count(pool: &PgPool, account: store::model::AccountId) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM contacts WHERE account_id = $1").bind(account).fetch_one(pool).await.unwrap()
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_candidates_are_the_accounts_contacts_with_the_same_phone_or_postcode_and_name_start(pool: PgPool) {
    let (account, _) = new_account(&pool, "a@a.example").await;
    let (other, _) = new_account(&pool, "b@b.example").await;
    let john = add_contact(&pool, account, JOHN).await;
    let bob = add_contact(&pool, account, &[(Field::FirstName, "Bob"), (Field::LastName, "O'Neil"), (Field::Postcode, "SW1A 1AA")]).await;
    let _stranger = add_contact(&pool, account, &[(Field::FirstName, "Mary"), (Field::LastName, "Jones"), (Field::Phone, "09 444 1234")]).await;
    // The same phone in another account is never a candidate.
    add_contact(&pool, other, JOHN).await;

    let rows = [
        fields(&[(Field::FirstName, "J"), (Field::LastName, "Smith"), (Field::Phone, "0064-21-5550101 x9")]),
        fields(&[(Field::FirstName, "Robert"), (Field::LastName, "Oneil"), (Field::Postcode, "sw1a1aa")]),
    ];
    let keys = similar_keys(rows.iter(), &SIMILARITY_RULES);
    let mut found: Vec<Uuid> = imports::similar_contacts(&pool, account, &keys).await.unwrap().into_iter().map(|c| c.id).collect();
    found.sort();
    let mut expected = vec![john, bob];
    expected.sort();
    assert_eq!(found, expected);

    assert!(imports::similar_contacts(&pool, account, &SimilarKeys::default()).await.unwrap().is_empty());
    let too_many = SimilarKeys { phones: vec!["12345678".into(); imports::MAX_SIMILAR_KEYS + 1], ..Default::default() };
    assert!(matches!(imports::similar_contacts(&pool, account, &too_many).await, Err(imports::ImportError::Invalid(_))));
    let unpaired = SimilarKeys { postcodes: vec!["1010".into()], ..Default::default() };
    assert!(matches!(imports::similar_contacts(&pool, account, &unpaired).await, Err(imports::ImportError::Invalid(_))));
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn update_that_contact_updates_it_instead_of_creating_one_and_undo_puts_it_back(pool: PgPool) {
    let (account, user) = new_account(&pool, "a@a.example").await;
    let john = add_contact(&pool, account, JOHN).await;
    let before = by_id(&pool, account, john).await;
    let rows = vec![
        uploaded(john_again(2), DuplicateChoice::Update { contact: john }, Some(PreviewMatch { contact_id: john, version: 1 })),
        uploaded(row(3, &[(Field::FirstName, "Ana"), (Field::LastName, "Silva")]), DuplicateChoice::CreateAnyway, None),
    ];
    let import_id = open_and_upload(&pool, account, user, &columns(), MergeMode::OverwriteAll, &rows).await;
    let outcome = imports::confirm(&pool, account, import_id).await.unwrap();
    assert_eq!(committed(&outcome), ImportCounts { created: 1, updated: 1, unchanged: 0, skipped: 0 });
    let after = by_id(&pool, account, john).await;
    assert_eq!(after.fields.get(Field::City), "Wellington");
    assert_eq!(after.fields.get(Field::Email), "john@new.example");
    assert_eq!(contact_count(&pool, account).await, 2);
    // Confirming again applies nothing more.
    assert_eq!(imports::confirm(&pool, account, import_id).await.unwrap(), outcome);
    assert_eq!(contact_count(&pool, account).await, 2);
    // Undo puts John back as he was and removes Ana.
    imports::undo(&pool, account, import_id).await.unwrap();
    assert_eq!(by_id(&pool, account, john).await.fields, before.fields);
    assert_eq!(contact_count(&pool, account).await, 1);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn skip_leaves_the_row_out_and_counts_it(pool: PgPool) {
    let (account, user) = new_account(&pool, "a@a.example").await;
    let john = add_contact(&pool, account, JOHN).await;
    let rows = vec![
        uploaded(john_again(2), DuplicateChoice::Skip, None),
        uploaded(with_email(john_again(3), "john@third.example"), DuplicateChoice::CreateAnyway, None),
    ];
    let import_id = open_and_upload(&pool, account, user, &columns(), MergeMode::KeepExisting, &rows).await;
    let outcome = imports::confirm(&pool, account, import_id).await.unwrap();
    assert_eq!(committed(&outcome), ImportCounts { created: 1, updated: 0, unchanged: 0, skipped: 1 });
    assert_eq!(by_id(&pool, account, john).await.fields.get(Field::City), "Auckland");
    let emails: Vec<String> =
        sqlx::query_scalar("SELECT email FROM contacts WHERE account_id = $1 ORDER BY email").bind(account).fetch_all(&pool).await.unwrap();
    assert_eq!(emails, ["john@old.example", "john@third.example"]);
    // The history keeps the count.
    let listed = imports::list(&pool, account).await.unwrap();
    assert_eq!(listed[0].counts.skipped, 1);
}

/// Each forged or stale "update" is refused with a sentence for its row,
/// and nothing changes anywhere.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn an_update_of_a_contact_that_is_not_a_possible_duplicate_is_refused_and_changes_nothing(pool: PgPool) {
    let (account, user) = new_account(&pool, "a@a.example").await;
    let (other, _) = new_account(&pool, "b@b.example").await;
    let john = add_contact(&pool, account, JOHN).await;
    let theirs = add_contact(&pool, other, JOHN).await;
    let mary = add_contact(&pool, account, &[(Field::FirstName, "Mary"), (Field::LastName, "Jones"), (Field::Phone, "09 444 1234")]).await;
    let cases = [
        ("another account's contact", theirs),
        ("a contact of this account not like the row", mary),
        ("no contact at all", Uuid::from_u128(42)),
    ];
    for (case, target) in cases {
        let before_mine = snapshot(&pool, account).await;
        let before_theirs = snapshot(&pool, other).await;
        let rows = vec![uploaded(john_again(2), DuplicateChoice::Update { contact: target }, Some(PreviewMatch { contact_id: target, version: 1 }))];
        let import_id = open_and_upload(&pool, account, user, &columns(), MergeMode::OverwriteAll, &rows).await;
        let outcome = imports::confirm(&pool, account, import_id).await.unwrap();
        let issues = rejected(&outcome);
        assert_eq!(issues.len(), 1, "{case}: {issues:?}");
        assert_eq!(issues[0].problem, Problem::NotADuplicateAnyMore, "{case}");
        assert_eq!(issues[0].line, 2, "{case}");
        let sentence = issues[0].to_string();
        assert!(sentence.starts_with("Row 2, Last Name:") && sentence.contains("choose again"), "{case}: {sentence}");
        assert_eq!(snapshot(&pool, account).await, before_mine, "{case}");
        assert_eq!(snapshot(&pool, other).await, before_theirs, "{case}");
    }
    // The same row, updating John, goes through: the refusals were about the target.
    let rows = vec![uploaded(john_again(2), DuplicateChoice::Update { contact: john }, Some(PreviewMatch { contact_id: john, version: 1 }))];
    let import_id = open_and_upload(&pool, account, user, &columns(), MergeMode::OverwriteAll, &rows).await;
    let outcome = imports::confirm(&pool, account, import_id).await.unwrap();
    assert_eq!(committed(&outcome).updated, 1);
}

/// John changed his name after the preview: the pair is no longer possibly
/// the same, so the update is refused rather than applied to someone else.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn an_update_is_rechecked_against_the_contact_as_it_is_at_confirm(pool: PgPool) {
    let (account, user) = new_account(&pool, "a@a.example").await;
    let john = add_contact(&pool, account, JOHN).await;
    let rows = vec![uploaded(john_again(2), DuplicateChoice::Update { contact: john }, Some(PreviewMatch { contact_id: john, version: 1 }))];
    let import_id = open_and_upload(&pool, account, user, &columns(), MergeMode::OverwriteAll, &rows).await;
    edit_contact(&pool, john, Field::FirstName, "Margaret").await;
    let before = snapshot(&pool, account).await;
    let outcome = imports::confirm(&pool, account, import_id).await.unwrap();
    assert_eq!(rejected(&outcome)[0].problem, Problem::NotADuplicateAnyMore);
    assert_eq!(snapshot(&pool, account).await, before);
}
