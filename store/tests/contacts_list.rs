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
        ("ample.or", vec!["Tom Fletcher"]),
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
async fn searches_of_one_or_two_characters_match_the_start_of_a_word(pool: PgPool) {
    let account = new_account(&pool, "a@example.com").await;
    contacts::insert(&pool, account, &person("Anna", "Smith", "anna@x.com", "", "")).await.unwrap();
    contacts::insert(&pool, account, &person("Pieter", "van Andel", "pieter@x.com", "", "")).await.unwrap();
    contacts::insert(&pool, account, &person("Joanne", "Brown", "jo@x.com", "0412 345 678", "")).await.unwrap();

    let cases = [
        ("an", vec!["Anna Smith", "Pieter van Andel"]),
        ("AN", vec!["Anna Smith", "Pieter van Andel"]),
        ("a", vec!["Anna Smith", "Pieter van Andel"]),
        ("b", vec!["Joanne Brown"]),
        ("04", vec!["Joanne Brown"]),
        // Inside a word only from three characters on.
        ("nn", vec![]),
        ("ann", vec!["Joanne Brown", "Anna Smith"]),
        ("_", vec![]),
    ];
    for (text, expected) in cases {
        assert_eq!(search(&pool, account, text).await, expected, "search {text:?}");
    }

    let short = ContactQuery { search: "an".into(), ..Default::default() };
    assert_eq!(contacts::list(&pool, account, &short).await.unwrap().total, 2);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_search_pages_through_every_match_once_however_rare_or_common(pool: PgPool) {
    let account = new_account(&pool, "a@example.com").await;
    // Common matches fill a page from the first rows in name order; rare
    // ones sort last, past the rows a search first looks through.
    let total = contacts::SEARCH_PREFIX_ROWS as usize + 2 * contacts::PAGE_SIZE as usize + 30;
    let is_rare = |index: usize| index % 40 == 0;
    let rare = (0..total).filter(|index| is_rare(*index)).count();
    for index in 0..total {
        let last = if is_rare(index) { format!("Zz Rare{index:05}") } else { format!("Common{index:05}") };
        let email = format!("person{index}@example.com");
        contacts::insert(&pool, account, &person("Sam", &last, &email, "", "")).await.unwrap();
    }
    sqlx::query("ANALYZE contacts").execute(&pool).await.unwrap();

    for (search, expected) in [("common", total - rare), ("rare", rare), ("sam", total)] {
        for sort in [ContactSort::Name, ContactSort::Company, ContactSort::Updated] {
            let mut query = ContactQuery { search: search.into(), sort, ..Default::default() };
            let mut seen = HashSet::new();
            loop {
                let page = contacts::list(&pool, account, &query).await.unwrap();
                assert_eq!(page.total as usize, expected, "{search:?} {sort:?}");
                for contact in &page.contacts {
                    assert!(contact.name.to_lowercase().contains(search) || search == "sam", "{search:?} {sort:?}");
                    assert!(seen.insert(contact.id), "{search:?} {sort:?}: contact shown twice");
                }
                match page.next {
                    Some(cursor) => query.after = Some(cursor),
                    None => break,
                }
            }
            assert_eq!(seen.len(), expected, "{search:?} {sort:?}");
        }
    }
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
