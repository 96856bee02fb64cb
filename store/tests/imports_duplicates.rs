//! Possible duplicates against real Postgres: the candidates the preview
//! asks for (account-scoped), and the user's choice for a flagged row,
//! honoured and re-checked at confirm: "update that contact" only for a
//! contact of this account still possibly the same by the rules, "skip"
//! leaves the row out and is counted, "create anyway" as any new row.

use crate::support;

use rules::headers::ImportColumns;
use rules::merge::MergeMode;
use rules::similar::{possible_duplicates, similar_keys, DuplicateChoice, SimilarKeys, Subject, SIMILARITY_RULES};
use rules::{Field, FieldSet, Problem};
use sqlx::PgPool;
use store::imports;
use store::listing::index::index_all_pending;
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

/// The ids `similar_contacts` finds for `rows`, sorted.
async fn candidates(pool: &PgPool, account: store::model::AccountId, rows: &[rules::ContactFields]) -> Vec<Uuid> {
    let keys = similar_keys(rows.iter(), &SIMILARITY_RULES);
    let mut found: Vec<Uuid> = imports::similar_contacts(pool, account, &keys).await.unwrap().into_iter().map(|c| c.id).collect();
    found.sort();
    found
}

fn sorted(mut ids: Vec<Uuid>) -> Vec<Uuid> {
    ids.sort();
    ids
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_candidates_are_the_accounts_contacts_with_the_same_phone_or_postcode_and_name_start(pool: PgPool) {
    let (account, _) = new_account(&pool, "a@a.example").await;
    let (other, _) = new_account(&pool, "b@b.example").await;
    let john = add_contact(&pool, account, JOHN).await;
    let bob = add_contact(&pool, account, &[(Field::FirstName, "Bob"), (Field::LastName, "O'Neil"), (Field::Postcode, "SW1A 1AA")]).await;
    let _stranger = add_contact(&pool, account, &[(Field::FirstName, "Mary"), (Field::LastName, "Jones"), (Field::Phone, "09 444 1234")]).await;
    // A word inside a name starts alike too, as the page's own blocking
    // reads names.
    let plumbers = add_contact(
        &pool,
        account,
        &[(Field::Kind, "Company"), (Field::CompanyName, "Harbour View Plumbing"), (Field::Postcode, "6011")],
    )
    .await;
    // The same phone in another account is never a candidate.
    add_contact(&pool, other, JOHN).await;

    let rows = [
        fields(&[(Field::FirstName, "J"), (Field::LastName, "Smith"), (Field::Phone, "0064-21-5550101 x9")]),
        fields(&[(Field::FirstName, "Robert"), (Field::LastName, "Oneil"), (Field::Postcode, "sw1a1aa")]),
        fields(&[(Field::Kind, "Company"), (Field::CompanyName, "Plumbing & Gas"), (Field::Postcode, "6011")]),
    ];
    // Just written (found by keys computed in SQL), then indexed (found
    // through the keys the rules computed): the same candidates.
    for indexed in [false, true] {
        if indexed {
            index_all_pending(&pool).await.unwrap();
        }
        assert_eq!(candidates(&pool, account, &rows).await, sorted(vec![john, bob, plumbers]), "indexed {indexed}");
        // Another postcode is not the same place.
        let elsewhere = [fields(&[(Field::Kind, "Company"), (Field::CompanyName, "Plumbing & Gas"), (Field::Postcode, "6012")])];
        assert!(candidates(&pool, account, &elsewhere).await.is_empty(), "indexed {indexed}");
    }

    assert!(imports::similar_contacts(&pool, account, &SimilarKeys::default()).await.unwrap().is_empty());
    let too_many = SimilarKeys { phones: vec!["12345678".into(); imports::MAX_SIMILAR_KEYS + 1], ..Default::default() };
    assert!(matches!(imports::similar_contacts(&pool, account, &too_many).await, Err(imports::ImportError::Invalid(_))));
    let unpaired = SimilarKeys { postcodes: vec!["1010".into()], ..Default::default() };
    assert!(matches!(imports::similar_contacts(&pool, account, &unpaired).await, Err(imports::ImportError::Invalid(_))));
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_contact_is_a_candidate_by_its_values_now_before_and_after_its_keys_are_indexed(pool: PgPool) {
    let (account, _) = new_account(&pool, "a@a.example").await;
    let john = add_contact(&pool, account, JOHN).await;
    let gone = add_contact(&pool, account, &[(Field::FirstName, "Ana"), (Field::LastName, "Silva"), (Field::Phone, "09 555 0202")]).await;
    index_all_pending(&pool).await.unwrap();
    let old_number = [fields(&[(Field::FirstName, "John"), (Field::LastName, "Smith"), (Field::Phone, "021 555 0101")])];
    let new_number = [fields(&[(Field::FirstName, "John"), (Field::LastName, "Smith"), (Field::Phone, "021 555 0909")])];
    let anas = [fields(&[(Field::FirstName, "Ana"), (Field::LastName, "Silva"), (Field::Phone, "09 555 0202")])];
    assert_eq!(candidates(&pool, account, &old_number).await, vec![john]);
    assert_eq!(candidates(&pool, account, &anas).await, vec![gone]);

    // John's number changes and Ana is deleted; the keys indexed before are
    // not used, whether or not the indexer has caught up.
    let mut changed = fields(JOHN);
    changed.set(Field::Phone, "021 555 0909");
    store::contacts::update(&pool, account, john, 1, &valid(&changed)).await.unwrap();
    store::contacts::delete(&pool, account, gone, 1).await.unwrap();
    for indexed in [false, true] {
        if indexed {
            index_all_pending(&pool).await.unwrap();
        }
        assert!(candidates(&pool, account, &old_number).await.is_empty(), "indexed {indexed}");
        assert_eq!(candidates(&pool, account, &new_number).await, vec![john], "indexed {indexed}");
        assert!(candidates(&pool, account, &anas).await.is_empty(), "indexed {indexed}");
    }
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM contact_similar_keys WHERE account_id = $1 AND contact_id = $2")
        .bind(account)
        .bind(gone)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, 0, "a deleted contact's keys are removed");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_contact_indexed_again_keeps_the_key_rows_it_still_has(pool: PgPool) {
    let (account, _) = new_account(&pool, "a@a.example").await;
    let mut values = fields(JOHN);
    values.set(Field::Postcode, "6011");
    let john = store::contacts::insert(&pool, account, &valid(&values)).await.unwrap();
    index_all_pending(&pool).await.unwrap();
    // Each key row with the transaction that wrote it: a row rewritten with
    // the same values has a new one.
    let key_rows = || async {
        let rows: Vec<(i16, String, String)> = sqlx::query_as(
            "SELECT kind, key, xmin::text FROM contact_similar_keys WHERE account_id = $1 AND contact_id = $2 ORDER BY kind, key",
        )
        .bind(account)
        .bind(john)
        .fetch_all(&pool)
        .await
        .unwrap();
        rows
    };
    let of_kind = |rows: &[(i16, String, String)], kind: i16| rows.iter().filter(|row| row.0 == kind).cloned().collect::<Vec<_>>();
    let first = key_rows().await;
    assert!(!of_kind(&first, 1).is_empty() && !of_kind(&first, 2).is_empty(), "{first:?}");

    // Another email: queued and indexed again, its keys untouched.
    values.set(Field::Email, "john@elsewhere.example");
    store::contacts::update(&pool, account, john, 1, &valid(&values)).await.unwrap();
    index_all_pending(&pool).await.unwrap();
    assert_eq!(key_rows().await, first);

    // Another number: its phone key is replaced, its name keys are kept.
    values.set(Field::Phone, "021 555 0909");
    store::contacts::update(&pool, account, john, 2, &valid(&values)).await.unwrap();
    index_all_pending(&pool).await.unwrap();
    let second = key_rows().await;
    assert_eq!(of_kind(&second, 2), of_kind(&first, 2));
    let phone_keys = |rows: &[(i16, String, String)]| of_kind(rows, 1).into_iter().map(|row| row.1).collect::<Vec<_>>();
    assert_ne!(phone_keys(&second), phone_keys(&first));
    assert_eq!(phone_keys(&second).len(), phone_keys(&first).len());
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_key_shared_by_a_crowd_returns_enough_of_the_crowd_for_its_block_to_be_skipped(pool: PgPool) {
    let (account, _) = new_account(&pool, "a@a.example").await;
    // An office switchboard on more contacts than a block may hold.
    let crowd = SIMILARITY_RULES.max_block + 10;
    for index in 0..crowd {
        add_contact(&pool, account, &[(Field::FirstName, &format!("Staff{index:02}")), (Field::LastName, "Office"), (Field::Phone, "09 555 0303")])
            .await;
    }
    let ana = add_contact(&pool, account, &[(Field::FirstName, "Ana"), (Field::LastName, "Silva"), (Field::Phone, "09 555 0404")]).await;
    let rows = [
        fields(&[(Field::FirstName, "Staff07"), (Field::LastName, "Office"), (Field::Phone, "09 555 0303")]),
        fields(&[(Field::FirstName, "Ana"), (Field::LastName, "Silva"), (Field::Phone, "09 555 0404")]),
    ];
    let flagged = |candidates: &[rules::ExistingContact]| {
        let subject = |values: &rules::ContactFields| {
            Subject::new(values, [Field::Phone, Field::Mobile].map(|field| values.get(field).to_string()))
        };
        let existing: Vec<(Uuid, Subject)> = candidates.iter().map(|contact| (contact.id, subject(&contact.fields))).collect();
        let rows: Vec<Subject> = rows.iter().map(subject).collect();
        possible_duplicates(&rows, &existing, &SIMILARITY_RULES)
    };
    let keys = similar_keys(rows.iter(), &SIMILARITY_RULES);
    // Pending: every contact with the number is a candidate.
    let every = imports::similar_contacts(&pool, account, &keys).await.unwrap();
    assert_eq!(every.len(), crowd + 1);
    // Indexed: one more than a block may hold, and Ana.
    index_all_pending(&pool).await.unwrap();
    let some = imports::similar_contacts(&pool, account, &keys).await.unwrap();
    assert_eq!(some.len(), SIMILARITY_RULES.max_block + 2);
    assert!(some.iter().any(|contact| contact.id == ana));
    // What the rules make of them is the same: the crowded block is
    // skipped, Ana is flagged by her own number.
    let found = flagged(&some);
    assert_eq!(found, flagged(&every));
    assert_eq!(found.len(), 1, "{found:?}");
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
