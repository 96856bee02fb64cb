//! Searching contacts by phone number against real Postgres: a number is
//! found however the search writes it, read by the account's default
//! country, while the contact is pending and once it is indexed.

use rules::check::ExistingContacts;
use rules::country::country_by_code;
use rules::form::check_contact;
use rules::{ContactFields, Field, ValidContact};
use sqlx::PgPool;
use store::listing::index::index_all_pending;
use store::model::{AccountId, ContactQuery, Total};
use store::{accounts, contacts};

async fn account_in(pool: &PgPool, email: &str, country: Option<&str>) -> AccountId {
    let country = country.map(|code| country_by_code(code).expect("a country code"));
    let (account, _user) =
        accounts::create_account_in_country(pool, "Test Co", country, email, "Tester", "not-a-real-hash")
            .await
            .unwrap()
            .unwrap();
    account
}

fn person(first: &str, last: &str, phone: &str) -> ValidContact {
    let fields = ContactFields::from_pairs([
        (Field::Kind, "Person"),
        (Field::FirstName, first),
        (Field::LastName, last),
        (Field::Phone, phone),
    ]);
    check_contact(&fields, None, &ExistingContacts::default(), &rules::phone::LayoutOnly).into_valid().expect("a valid contact")
}

async fn search(pool: &PgPool, account: AccountId, text: &str) -> Vec<String> {
    let query = ContactQuery { search: text.into(), ..Default::default() };
    let page = contacts::list(pool, account, &query, Total::Count).await.unwrap();
    page.contacts.into_iter().map(|contact| contact.name).collect()
}

async fn export(pool: &PgPool, account: AccountId, text: &str) -> usize {
    let query = ContactQuery { search: text.into(), ..Default::default() };
    contacts::export(pool, account, &query).await.unwrap().len()
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_local_number_is_found_by_its_international_forms_in_its_country(pool: PgPool) {
    let kiwi = account_in(&pool, "nz@example.com", Some("NZ")).await;
    let british = account_in(&pool, "gb@example.com", Some("GB")).await;
    contacts::insert(&pool, kiwi, &person("Aroha", "Ngata", "021 555 0101")).await.unwrap();
    contacts::insert(&pool, kiwi, &person("Other", "Number", "021 555 0199")).await.unwrap();
    contacts::insert(&pool, british, &person("Tom", "Fletcher", "+44 20 7946 0958")).await.unwrap();

    for indexed in [false, true] {
        for query in ["+64 21 555 0101", "0064 21 5550101", "21 555 0101", "021 555 0101", "+64215550101"] {
            assert_eq!(search(&pool, kiwi, query).await, vec!["Aroha Ngata"], "{query:?} indexed {indexed}");
            assert_eq!(export(&pool, kiwi, query).await, 1, "{query:?} exported, indexed {indexed}");
        }
        for query in ["020 7946 0958", "+44 20 7946 0958", "0044 20 7946 0958", "20 7946 0958"] {
            assert_eq!(search(&pool, british, query).await, vec!["Tom Fletcher"], "{query:?} indexed {indexed}");
        }
        // Another number, and another account's contact, are not found.
        assert!(search(&pool, kiwi, "+64 21 555 0102").await.is_empty(), "indexed {indexed}");
        assert!(search(&pool, kiwi, "+44 20 7946 0958").await.is_empty(), "indexed {indexed}");
        index_all_pending(&pool).await.unwrap();
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_account_country_decides_how_an_international_prefix_is_read(pool: PgPool) {
    let kiwi = account_in(&pool, "nz@example.com", Some("NZ")).await;
    let unset = account_in(&pool, "none@example.com", None).await;
    for account in [kiwi, unset] {
        contacts::insert(&pool, account, &person("Aroha", "Ngata", "021 555 0101")).await.unwrap();
    }
    // "+64 …" names its country anywhere; "0064 …" is how New Zealand dials
    // out, so an account without a country reads it as plain digits.
    assert_eq!(search(&pool, unset, "+64 21 555 0101").await, vec!["Aroha Ngata"]);
    assert!(search(&pool, unset, "0064 21 5550101").await.is_empty());
    assert_eq!(search(&pool, kiwi, "0064 21 5550101").await, vec!["Aroha Ngata"]);
    let stored: Vec<Option<String>> = sqlx::query_scalar("SELECT default_country FROM accounts ORDER BY name, default_country")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(stored, vec![Some("NZ".to_string()), None]);
}
