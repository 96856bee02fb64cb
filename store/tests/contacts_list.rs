//! The contacts list against real Postgres: scoping, search, filter, paging.

use std::collections::HashSet;

use rules::{Category, ContactFields, Field};
use sqlx::PgPool;
use store::model::{AccountId, ContactQuery, ContactSort};
use store::{accounts, contacts, seed};

async fn new_account(pool: &PgPool, email: &str) -> AccountId {
    let (account, _user) = accounts::create_account(pool, "Test Co", email, "Tester", "not-a-real-hash")
        .await
        .unwrap()
        .unwrap();
    account
}

fn person(first: &str, last: &str, email: &str, phone: &str, category: &str) -> ContactFields {
    ContactFields::from_pairs([
        (Field::Kind, "Person"),
        (Field::FirstName, first),
        (Field::LastName, last),
        (Field::Email, email),
        (Field::Phone, phone),
        (Field::Category, category),
    ])
}

async fn search(pool: &PgPool, account: AccountId, text: &str) -> Vec<String> {
    let query = ContactQuery { search: text.into(), ..Default::default() };
    let page = contacts::list(pool, account, &query).await.unwrap();
    page.contacts.into_iter().map(|contact| contact.name).collect()
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn an_account_sees_only_its_own_contacts(pool: PgPool) {
    let ours = new_account(&pool, "a@example.com").await;
    let theirs = new_account(&pool, "b@example.com").await;
    contacts::insert(&pool, ours, &person("Ana", "Silva", "ana@x.com", "", "")).await.unwrap();
    contacts::insert(&pool, theirs, &person("Ben", "Jones", "ben@x.com", "", "")).await.unwrap();

    assert_eq!(search(&pool, ours, "").await, vec!["Ana Silva"]);
    assert_eq!(search(&pool, theirs, "").await, vec!["Ben Jones"]);
    assert!(search(&pool, ours, "ben").await.is_empty());
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn search_matches_names_emails_and_phone_digits_in_any_case(pool: PgPool) {
    let account = new_account(&pool, "a@example.com").await;
    contacts::insert(&pool, account, &person("Olivia", "Bennett", "olivia@example.com", "0412 345 678", "Tenant"))
        .await
        .unwrap();
    contacts::insert(&pool, account, &person("Tom", "Fletcher", "tom@sample.org", "(02) 9555 0101", "Landlord"))
        .await
        .unwrap();

    let cases = [
        ("BENNETT", vec!["Olivia Bennett"]),
        ("sample.org", vec!["Tom Fletcher"]),
        ("0412345", vec!["Olivia Bennett"]),
        ("9555 0101", vec!["Tom Fletcher"]),
        ("e", vec!["Olivia Bennett", "Tom Fletcher"]),
        ("100%", vec![]),
    ];
    for (text, expected) in cases {
        assert_eq!(search(&pool, account, text).await, expected, "search {text:?}");
    }

    let landlords = ContactQuery { category: Some(Category::Landlord), ..Default::default() };
    let page = contacts::list(&pool, account, &landlords).await.unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.contacts[0].name, "Tom Fletcher");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn paging_visits_every_contact_once_in_each_order(pool: PgPool) {
    let account = new_account(&pool, "a@example.com").await;
    let total = contacts::PAGE_SIZE as usize * 2 + 7;
    for index in 0..total {
        // Repeated last names make ties that only the id can break.
        let fields = person(&format!("P{index:03}"), &format!("Last{}", index % 5), &format!("p{index}@x.com"), "", "");
        contacts::insert(&pool, account, &fields).await.unwrap();
    }
    for sort in [ContactSort::Name, ContactSort::Company, ContactSort::Updated] {
        let mut seen = HashSet::new();
        let mut query = ContactQuery { sort, ..Default::default() };
        let mut pages = 0;
        loop {
            let page = contacts::list(&pool, account, &query).await.unwrap();
            assert_eq!(page.total, total as i64);
            for contact in &page.contacts {
                assert!(seen.insert(contact.id), "{sort:?}: {} shown twice", contact.name);
            }
            pages += 1;
            match page.next {
                Some(next) => query.after = Some(next),
                None => break,
            }
        }
        assert_eq!(seen.len(), total, "{sort:?}");
        assert_eq!(pages, 3, "{sort:?}");
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn seeding_the_demo_account_twice_creates_it_once(pool: PgPool) {
    let first = seed::seed_demo(&pool, "hash").await.unwrap();
    let second = seed::seed_demo(&pool, "hash").await.unwrap();
    let seed::SeedOutcome::Created(account) = first else { panic!("first seed should create: {first:?}") };
    assert_eq!(second, seed::SeedOutcome::AlreadyThere(account));
    let page = contacts::list(&pool, account, &ContactQuery::default()).await.unwrap();
    assert_eq!(page.total as usize, seed::demo_contacts().len());
}
