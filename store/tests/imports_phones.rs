//! Phone numbers through a real import: staged in their stored form (E.164,
//! read by the row's Country else the account's default country), written
//! so, and an impossible number refused at the confirm with nothing written.

use crate::support;

use rules::country::country_by_code;
use rules::headers::ImportColumns;
use rules::merge::MergeMode;
use rules::phone::PhoneProblem;
use rules::{Field, Problem};
use sqlx::{PgPool, Row};
use store::model::{AccountId, UserId};
use support::*;
use uuid::Uuid;

const KEEP: MergeMode = MergeMode::KeepExisting;

/// A new account whose default country is `code`.
async fn account_in(pool: &PgPool, email: &str, code: &str) -> (AccountId, UserId) {
    let country = country_by_code(code).expect("a country");
    store::accounts::create_account_in_country(pool, "Kiwi Co", Some(country), email, "Tester", "not-a-real-hash")
        .await
        .unwrap()
        .unwrap()
}

/// A person row with a Phone, Mobile and Country.
fn phoned(line: u32, reference: &str, phone: &str, mobile: &str, country: &str) -> rules::headers::ImportRow {
    row(
        line,
        &[
            (Field::Reference, reference),
            (Field::FirstName, "Ana"),
            (Field::LastName, &format!("Silva {line}")),
            (Field::Phone, phone),
            (Field::Mobile, mobile),
            (Field::Country, country),
        ],
    )
}

/// `(Contact ID, Phone, Mobile)` of every contact, by Contact ID.
async fn phones_stored(pool: &PgPool, account: AccountId) -> Vec<(String, String, String)> {
    let mut stored: Vec<_> = snapshot(pool, account)
        .await
        .into_iter()
        .map(|contact| {
            let get = |field| contact.fields.get(field).to_string();
            (get(Field::Reference), get(Field::Phone), get(Field::Mobile))
        })
        .collect();
    stored.sort();
    stored
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn numbers_land_in_e164_by_the_rows_country_else_the_accounts(pool: PgPool) {
    let (account, user) = account_in(&pool, "nz@example.com", "NZ").await;
    let rows = vec![
        phoned(2, "C-1", "021 555 0101", "0064-21-5550102", ""),
        phoned(3, "C-2", "+44 20 7946 0958 x123", "", "NZ"),
        phoned(4, "C-3", "(02) 9876 5432", "0412 345 678", "Australia"),
        phoned(5, "C-4", "", "", ""),
    ];
    let columns = ImportColumns::template();
    let import_id = prepare(&pool, account, user, &columns, KEEP, rows).await;
    // Staging already holds the stored form, which the confirm's SQL sees.
    let staged: Vec<(String, String)> =
        sqlx::query("SELECT phone, mobile FROM import_staging WHERE import_id = $1 ORDER BY line")
            .bind(import_id)
            .fetch_all(&pool)
            .await
            .unwrap()
            .iter()
            .map(|row| (row.get("phone"), row.get("mobile")))
            .collect();
    assert_eq!(staged[0], ("+64215550101".to_string(), "+64215550102".to_string()));
    let outcome = store::imports::confirm(&pool, account, import_id).await.unwrap();
    assert_eq!(committed(&outcome).created, 4);
    assert_eq!(
        phones_stored(&pool, account).await,
        vec![
            ("C-1".into(), "+64215550101".into(), "+64215550102".into()),
            ("C-2".into(), "+442079460958 x123".into(), String::new()),
            ("C-3".into(), "+61298765432".into(), "+61412345678".into()),
            ("C-4".into(), String::new(), String::new()),
        ]
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn an_impossible_number_is_refused_with_its_sentence_and_nothing_is_written(pool: PgPool) {
    let (account, user) = account_in(&pool, "nz@example.com", "NZ").await;
    let kept = add_contact(&pool, account, &[(Field::Reference, "C-9"), (Field::FirstName, "Bo"), (Field::LastName, "Li")]).await;
    let before = snapshot(&pool, account).await;
    let rows = vec![
        phoned(2, "C-1", "021 555 0101", "", ""),
        // Passes the layout check (the page's fallback), but no New
        // Zealand number has these digits.
        phoned(3, "C-2", "021 555", "", ""),
        // An update of an existing contact with an impossible number.
        phoned(4, "C-9", "", "+64 99 999 9999 9999", ""),
    ];
    let (_, outcome) = import(&pool, account, user, &ImportColumns::template(), KEEP, rows).await;
    let issues = rejected(&outcome);
    let found: Vec<(u32, Option<Field>)> = issues.iter().map(|issue| (issue.line, issue.field)).collect();
    assert_eq!(found, vec![(3, Some(Field::Phone)), (4, Some(Field::Mobile))]);
    assert!(matches!(issues[0].problem, Problem::Phone { problem: PhoneProblem::NotInUse { .. }, .. }), "{issues:?}");
    assert_eq!(
        issues[0].to_string().split(" Check the digits").next(),
        Some("Row 3, Phone: \u{201c}021 555\u{201d} cannot be a real phone number in New Zealand: no number there has these digits.")
    );
    assert_eq!(snapshot(&pool, account).await, before);
    assert_eq!(by_id(&pool, account, kept).await.fields.get(Field::Mobile), "");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn an_account_without_a_country_keeps_local_numbers_as_written(pool: PgPool) {
    // Made before accounts had a default country.
    let (account, user) = new_account(&pool, "old@example.com").await;
    let rows = vec![
        phoned(2, "C-1", "021 555 0101", "+64 21 555 0102", ""),
        phoned(3, "C-2", "020 7946 0958", "", "GB"),
    ];
    let (_, outcome) = import(&pool, account, user, &ImportColumns::template(), KEEP, rows).await;
    committed(&outcome);
    assert_eq!(
        phones_stored(&pool, account).await,
        vec![
            ("C-1".into(), "021 555 0101".into(), "+64215550102".into()),
            ("C-2".into(), "+442079460958".into(), String::new()),
        ]
    );
    // A `+` number that cannot be real is still refused.
    let bad = vec![phoned(2, "C-3", "+64 21 555", "", "")];
    let (_, outcome) = import(&pool, account, user, &ImportColumns::template(), KEEP, bad).await;
    assert!(matches!(rejected(&outcome)[0].problem, Problem::Phone { .. }));
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_contact_stored_as_written_is_updated_to_its_e164_form(pool: PgPool) {
    let (account, user) = account_in(&pool, "nz@example.com", "NZ").await;
    let id: Uuid = add_contact(
        &pool,
        account,
        &[(Field::Reference, "C-1"), (Field::FirstName, "Ana"), (Field::LastName, "Silva 2"), (Field::Phone, "021 555 0101")],
    )
    .await;
    let rows = vec![phoned(2, "c-1", "021 555 0101", "", "")];
    let (_, outcome) = import(&pool, account, user, &ImportColumns::template(), KEEP, rows).await;
    assert_eq!(committed(&outcome).updated, 1);
    assert_eq!(by_id(&pool, account, id).await.fields.get(Field::Phone), "+64215550101");
}
