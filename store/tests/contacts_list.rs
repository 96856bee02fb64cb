//! The contacts list against real Postgres: scoping, search, filter, paging,
//! each while the written contacts are still pending (read from `contacts`)
//! and again once the background indexer has caught up with them.

use crate::support;

use std::collections::HashSet;

use rules::check::ExistingContacts;
use rules::form::check_contact;
use rules::{Category, ContactFields, Field, ValidContact};
use sqlx::PgPool;
use store::listing::index::{index_all_pending, index_pending, vacuum_queue};
use store::model::{AccountId, ContactQuery, ContactSort, MatchCount, Total};
use store::{accounts, contacts, seed, StoreError};

async fn new_account(pool: &PgPool, email: &str) -> AccountId {
    let (account, _user) = accounts::create_account(pool, "Test Co", email, "Tester", "not-a-real-hash")
        .await
        .unwrap()
        .unwrap();
    account
}

/// A person as the contact form would save them.
fn person(first: &str, last: &str, email: &str, phone: &str, category: &str) -> ValidContact {
    let fields = ContactFields::from_pairs([
        (Field::Kind, "Person"),
        (Field::FirstName, first),
        (Field::LastName, last),
        (Field::Email, email),
        (Field::Phone, phone),
        (Field::Category, category),
    ]);
    check_contact(&fields, None, &ExistingContacts::default(), &rules::phone::LayoutOnly).into_valid().expect("a valid contact")
}

async fn search(pool: &PgPool, account: AccountId, text: &str) -> Vec<String> {
    let query = ContactQuery { search: text.into(), ..Default::default() };
    let page = contacts::list(pool, account, &query, Total::Count).await.unwrap();
    page.contacts.into_iter().map(|contact| contact.name).collect()
}

/// Writes `contacts` in one statement with the keys the store would compute,
/// each queued for the indexer as a contact write queues itself (many
/// contacts at a fraction of the time of one `contacts::insert` each).
async fn insert_all(pool: &PgPool, account: AccountId, contacts: &[ValidContact]) {
    let columns = contacts::written_columns();
    let mut values: Vec<Vec<String>> = columns.iter().map(|_| Vec::with_capacity(contacts.len())).collect();
    for contact in contacts {
        for (column, value) in values.iter_mut().zip(contacts::written_values(contact)) {
            column.push(value);
        }
    }
    let params: Vec<String> = (0..columns.len()).map(|index| format!("${}::text[]", index + 2)).collect();
    let sql = format!(
        "WITH written AS (INSERT INTO contacts (account_id, {names}) SELECT $1, * FROM UNNEST({params}) RETURNING id)
         INSERT INTO search_queue (account_id, contact_id) SELECT $1, id FROM written",
        names = columns.join(", "),
        params = params.join(", "),
    );
    let mut insert = sqlx::query(&sql).bind(account);
    for column in values {
        insert = insert.bind(column);
    }
    insert.execute(pool).await.unwrap();
}

/// Every page of `query`, followed to the end: each page's count and the
/// ids and names it shows, in order.
async fn every_page(pool: &PgPool, account: AccountId, mut query: ContactQuery) -> Vec<(MatchCount, Vec<(uuid::Uuid, String)>)> {
    let mut pages = Vec::new();
    loop {
        let page = contacts::list(pool, account, &query, Total::Count).await.unwrap();
        pages.push((page.total.expect("a page asked with its count"), page.contacts.into_iter().map(|contact| (contact.id, contact.name)).collect()));
        match page.next {
            Some(cursor) => query.after = Some(cursor),
            None => return pages,
        }
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn an_account_sees_only_its_own_contacts(pool: PgPool) {
    let ours = new_account(&pool, "a@example.com").await;
    let theirs = new_account(&pool, "b@example.com").await;
    contacts::insert(&pool, ours, &person("Ana", "Silva", "ana@x.com", "", "")).await.unwrap();
    contacts::insert(&pool, theirs, &person("Ben", "Jones", "ben@x.com", "", "")).await.unwrap();

    for _indexed in [false, true] {
        assert_eq!(search(&pool, ours, "").await, vec!["Ana Silva"]);
        assert_eq!(search(&pool, theirs, "").await, vec!["Ben Jones"]);
        assert!(search(&pool, ours, "ben").await.is_empty());
        assert_eq!(search(&pool, ours, "ana").await, vec!["Ana Silva"]);
        index_all_pending(&pool).await.unwrap();
    }
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
        ("(02) 9555-0101", vec!["Tom Fletcher"]),
        ("95550101", vec!["Tom Fletcher"]),
        ("ample.or", vec!["Tom Fletcher"]),
        ("100%", vec![]),
    ];
    for _indexed in [false, true] {
        for (text, expected) in &cases {
            assert_eq!(&search(&pool, account, text).await, expected, "search {text:?}");
        }
        // No match is still counted.
        let nothing = ContactQuery { search: "100%".into(), ..Default::default() };
        let page = contacts::list(&pool, account, &nothing, Total::Count).await.unwrap();
        assert_eq!((page.total, page.contacts.len(), page.next), (Some(MatchCount::Exactly(0)), 0, None));
        let one = ContactQuery { search: "fletcher".into(), ..Default::default() };
        assert_eq!(contacts::list(&pool, account, &one, Total::Count).await.unwrap().total, Some(MatchCount::Exactly(1)));
        let landlords = ContactQuery { category: Some(Category::Landlord), ..Default::default() };
        let page = contacts::list(&pool, account, &landlords, Total::Count).await.unwrap();
        assert_eq!(page.total, Some(MatchCount::Exactly(1)));
        assert_eq!(page.contacts[0].name, "Tom Fletcher");
        index_all_pending(&pool).await.unwrap();
    }
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
    for _indexed in [false, true] {
        for (text, expected) in &cases {
            assert_eq!(&search(&pool, account, text).await, expected, "search {text:?}");
        }
        let short = ContactQuery { search: "an".into(), ..Default::default() };
        assert_eq!(contacts::list(&pool, account, &short, Total::Count).await.unwrap().total, Some(MatchCount::Exactly(2)));
        index_all_pending(&pool).await.unwrap();
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_search_pages_through_every_match_once_however_rare_or_common(pool: PgPool) {
    let account = new_account(&pool, "a@example.com").await;
    // In name order, one contact in a hundred is "common" and comes first,
    // so a page of them is found among the rows a search first walks
    // through; the "rare" ones sort last, past those rows. In the other
    // orders (by id: no company, one time) both are spread evenly.
    let total = contacts::SEARCH_PREFIX_ROWS as usize + 2 * contacts::PAGE_SIZE as usize + 30;
    let last_name = |index: usize| match index % 100 {
        0 => format!("Zz Rare{index:05}"),
        50 => format!("Common{index:05}"),
        _ => format!("Other{index:05}"),
    };
    let people: Vec<ValidContact> =
        (0..total).map(|index| person("Sam", &last_name(index), &format!("person{index}@example.com"), "", "")).collect();
    let rare = (0..total).filter(|index| index % 100 == 0).count();
    let common = (0..total).filter(|index| index % 100 == 50).count();
    insert_all(&pool, account, &people).await;
    sqlx::query("ANALYZE contacts").execute(&pool).await.unwrap();

    for indexed in [false, true] {
        if indexed {
            index_all_pending(&pool).await.unwrap();
            sqlx::query("ANALYZE contact_search").execute(&pool).await.unwrap();
        }
        for (search, expected) in [("common", common), ("rare", rare)] {
            for sort in [ContactSort::Name, ContactSort::Company, ContactSort::Updated] {
                let query = ContactQuery { search: search.into(), sort, ..Default::default() };
                let mut seen = HashSet::new();
                for (count, shown) in every_page(&pool, account, query).await {
                    assert_eq!(count, MatchCount::Exactly(expected as u32), "{search:?} {sort:?} indexed {indexed}");
                    for (id, name) in shown {
                        assert!(name.to_lowercase().contains(search), "{search:?} {sort:?}: {name}");
                        assert!(seen.insert(id), "{search:?} {sort:?}: contact shown twice");
                    }
                }
                assert_eq!(seen.len(), expected, "{search:?} {sort:?} indexed {indexed}");
            }
        }
        // Everyone matches "sam": the first pages come from the walk, in
        // name order, and the count stops at the cap.
        let mut query = ContactQuery { search: "sam".into(), ..Default::default() };
        let mut names = Vec::new();
        for _page in 0..3 {
            let page = contacts::list(&pool, account, &query, Total::Count).await.unwrap();
            assert_eq!(page.total, Some(MatchCount::MoreThan(MatchCount::SEARCH_CAP)), "indexed {indexed}");
            // Asked by a page that shows the count already: the same page,
            // without counting again.
            let known = contacts::list(&pool, account, &query, Total::Known).await.unwrap();
            assert_eq!((known.total, &known.contacts, &known.next), (None, &page.contacts, &page.next), "indexed {indexed}");
            names.extend(page.contacts.into_iter().map(|contact| contact.name));
            query.after = page.next;
        }
        let mut expected: Vec<String> = (0..total).map(|index| format!("Sam {}", last_name(index))).collect();
        expected.sort_by_key(|name| name.to_lowercase());
        expected.truncate(3 * contacts::PAGE_SIZE as usize);
        assert_eq!(names, expected, "indexed {indexed}");
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn matches_on_both_sides_of_the_walks_bound_are_paged_in_order(pool: PgPool) {
    let account = new_account(&pool, "a@example.com").await;
    // In name order: a page less one of matches among the rows a search
    // walks first, the rest of the walk without matches, then more matches.
    let walked = contacts::SEARCH_PREFIX_ROWS as usize;
    let early = contacts::PAGE_SIZE as usize - 1;
    let late = contacts::PAGE_SIZE as usize + 10;
    let mut people = Vec::new();
    for index in 0..walked + late {
        let last = if index < early {
            format!("Aa Target{index:05}")
        } else if index < walked {
            format!("Mm Other{index:05}")
        } else {
            format!("Zz Target{index:05}")
        };
        people.push(person("Kim", &last, &format!("kim{index}@example.com"), "", ""));
    }
    insert_all(&pool, account, &people).await;

    for indexed in [false, true] {
        if indexed {
            index_all_pending(&pool).await.unwrap();
        }
        let query = ContactQuery { search: "target".into(), ..Default::default() };
        let pages = every_page(&pool, account, query).await;
        let names: Vec<String> = pages.iter().flat_map(|(_, shown)| shown.iter().map(|(_, name)| name.clone())).collect();
        let mut expected: Vec<String> = (0..early).map(|index| format!("Kim Aa Target{index:05}")).collect();
        expected.extend((walked..walked + late).map(|index| format!("Kim Zz Target{index:05}")));
        assert_eq!(names, expected, "indexed {indexed}");
        let sizes: Vec<usize> = pages.iter().map(|(_, shown)| shown.len()).collect();
        assert_eq!(sizes, vec![50, 50, 9], "indexed {indexed}");
        assert!(pages.iter().all(|(count, _)| *count == MatchCount::Exactly((early + late) as u32)), "indexed {indexed}");
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
        if sort == ContactSort::Updated {
            // The last order is paged once the indexes have caught up.
            index_all_pending(&pool).await.unwrap();
        }
        let mut seen = HashSet::new();
        let mut query = ContactQuery { sort, ..Default::default() };
        let mut pages = 0;
        loop {
            let page = contacts::list(&pool, account, &query, Total::Count).await.unwrap();
            assert_eq!(page.total, Some(MatchCount::Exactly(total as u32)));
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
    let page = contacts::list(&pool, account, &ContactQuery::default(), Total::Count).await.unwrap();
    assert_eq!(page.total, Some(MatchCount::Exactly(seed::demo_contacts().len() as u32)));
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_contact_is_listed_with_its_latest_values_before_and_after_the_indexes_catch_up(pool: PgPool) {
    let account = new_account(&pool, "a@example.com").await;
    let id = contacts::insert(&pool, account, &person("Olivia", "Bennett", "olivia@example.com", "", "")).await.unwrap();
    index_all_pending(&pool).await.unwrap();
    let record = contacts::get(&pool, account, id).await.unwrap();
    let renamed = person("Olivia", "Okafor", "olivia@example.com", "", "Tenant");
    contacts::update(&pool, account, id, record.version, &renamed).await.unwrap();
    let other = contacts::insert(&pool, account, &person("Amir", "Bennett", "amir@example.com", "", "")).await.unwrap();

    for indexed in [false, true] {
        // The indexes still hold "Bennett" for Olivia until they catch up;
        // the list never shows it.
        assert_eq!(search(&pool, account, "bennett").await, vec!["Amir Bennett"], "indexed {indexed}");
        assert_eq!(search(&pool, account, "okafor").await, vec!["Olivia Okafor"], "indexed {indexed}");
        let tenants = ContactQuery { category: Some(Category::Tenant), ..Default::default() };
        let page = contacts::list(&pool, account, &tenants, Total::Count).await.unwrap();
        assert_eq!(page.contacts.len(), 1, "indexed {indexed}");
        let by_name = contacts::list(&pool, account, &ContactQuery::default(), Total::Count).await.unwrap();
        let names: Vec<String> = by_name.contacts.into_iter().map(|contact| contact.name).collect();
        assert_eq!(names, vec!["Amir Bennett", "Olivia Okafor"], "indexed {indexed}");
        index_all_pending(&pool).await.unwrap();
    }

    let record = contacts::get(&pool, account, other).await.unwrap();
    contacts::delete(&pool, account, other, record.version).await.unwrap();
    for indexed in [false, true] {
        assert!(search(&pool, account, "bennett").await.is_empty(), "indexed {indexed}");
        assert_eq!(search(&pool, account, "").await, vec!["Olivia Okafor"], "indexed {indexed}");
        index_all_pending(&pool).await.unwrap();
    }
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM contact_search").fetch_one(&pool).await.unwrap();
    assert_eq!(left, 1, "the deleted contact's index row is gone");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_entries_the_indexer_removed_leave_the_queue_when_it_is_vacuumed(pool: PgPool) {
    let account = new_account(&pool, "a@example.com").await;
    // Queued one by one, as single edits (or a migration) queue contacts.
    let people: Vec<ValidContact> =
        (0..20_000).map(|index| person("Sam", &format!("Lee{index:05}"), &format!("sam{index}@example.com"), "", "")).collect();
    insert_all(&pool, account, &people).await;
    let queue_pages = || async {
        let bytes: i64 =
            sqlx::query_scalar("SELECT pg_relation_size('search_queue')").fetch_one(&pool).await.unwrap();
        bytes / 8192
    };
    index_all_pending(&pool).await.unwrap();
    // Every entry is gone from the queue, but not yet from its pages, which
    // the question "has this account pending contacts?" reads.
    assert!(queue_pages().await > 50, "{} pages", queue_pages().await);
    vacuum_queue(&pool).await.unwrap();
    assert!(queue_pages().await <= 1, "{} pages", queue_pages().await);
    assert_eq!(search(&pool, account, "lee19999").await, vec!["Sam Lee19999"]);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn an_imports_contacts_are_read_from_the_indexes_as_soon_as_the_indexer_has_reached_them(pool: PgPool) {
    let (account, user) = support::new_account(&pool, "a@example.com").await;
    // Lines 2–6: line 1 of a sheet is its header.
    let rows = (2..=6u32)
        .map(|line| support::person(line, &format!("R{line}"), "Olivia", &format!("Bennett{line}"), &format!("o{line}@example.com")))
        .collect();
    let (_import, outcome) = support::import(
        &pool,
        account,
        user,
        &rules::headers::ImportColumns::template(),
        rules::merge::MergeMode::KeepExisting,
        rows,
    )
    .await;
    assert_eq!(support::committed(&outcome).created, 5);
    // One step of two contacts: the import's first two changes.
    assert_eq!(index_pending(&pool, 2).await.unwrap(), 2);
    // Marks what the indexes hold for those two, so a search tells where a
    // contact was read from (the indexer would write the same keys again).
    sqlx::query("UPDATE contact_search SET search_text = search_text || ' from-the-index' WHERE account_id = $1")
        .bind(account)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(search(&pool, account, "from-the-index").await.len(), 2, "the indexed two come from the indexes");
    let listed = every_page(&pool, account, ContactQuery::default()).await;
    let names: Vec<String> = listed.into_iter().flat_map(|(_, page)| page).map(|(_, name)| name).collect();
    assert_eq!(names.len(), 5, "every contact once, from one side or the other: {names:?}");
    index_all_pending(&pool).await.unwrap();
    assert_eq!(search(&pool, account, "from-the-index").await.len(), 2, "the indexer does not index them again");
    assert_eq!(search(&pool, account, "bennett").await.len(), 5);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_search_longer_than_the_limit_is_refused_with_a_sentence(pool: PgPool) {
    let account = new_account(&pool, "a@example.com").await;
    let query = ContactQuery { search: "x".repeat(rules::search::MAX_SEARCH_CHARS + 1), ..Default::default() };
    match contacts::list(&pool, account, &query, Total::Count).await {
        Err(StoreError::SearchTooLong(too_long)) => assert!(too_long.to_string().starts_with("A search can be at most")),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let longest = ContactQuery { search: "x".repeat(rules::search::MAX_SEARCH_CHARS), ..Default::default() };
    assert!(contacts::list(&pool, account, &longest, Total::Count).await.is_ok());
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn more_matches_than_the_cap_are_counted_as_more_than_it(pool: PgPool) {
    let account = new_account(&pool, "a@example.com").await;
    let over = MatchCount::LIST_CAP as usize + 5;
    let people: Vec<ValidContact> =
        (0..over).map(|index| person("Sam", &format!("Lee{index:05}"), &format!("sam{index}@example.com"), "", "")).collect();
    insert_all(&pool, account, &people).await;

    for indexed in [false, true] {
        let first_page = |text: &str| {
            let query = ContactQuery { search: text.into(), ..Default::default() };
            let pool = pool.clone();
            async move { contacts::list(&pool, account, &query, Total::Count).await.unwrap() }
        };
        // The whole list is counted to its cap, a search to its own; the
        // page is full either way.
        let page = first_page("").await;
        assert_eq!(page.total, Some(MatchCount::MoreThan(MatchCount::LIST_CAP)), "indexed {indexed}");
        assert_eq!(page.contacts.len(), contacts::PAGE_SIZE as usize);
        for text in ["sam", "lee", "lee0"] {
            let page = first_page(text).await;
            assert_eq!(page.total, Some(MatchCount::MoreThan(MatchCount::SEARCH_CAP)), "{text:?} indexed {indexed}");
            assert_eq!(page.contacts.len(), contacts::PAGE_SIZE as usize);
        }
        // Lee00000 to Lee00999: exactly a search's cap, still counted exactly.
        assert_eq!(first_page("lee00").await.total, Some(MatchCount::Exactly(MatchCount::SEARCH_CAP)), "indexed {indexed}");
        assert_eq!(first_page("lee10004").await.total, Some(MatchCount::Exactly(1)), "indexed {indexed}");
        index_all_pending(&pool).await.unwrap();
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_term_common_at_the_start_of_the_order_is_counted_exactly_past_the_walk(pool: PgPool) {
    let account = new_account(&pool, "a@example.com").await;
    // In name order: 1,000 Abbots who all match "common" (so the count's
    // probe takes the term for a common one), 10,000 Browns who do not (so
    // its walk stops short of the cap), then 500 Carters who match again.
    let group = |last: &'static str, domain: &'static str, count: usize| {
        (0..count).map(move |index| person("Sam", &format!("{last}{index:05}"), &format!("{last}{index}@{domain}.example"), "", ""))
    };
    let people: Vec<ValidContact> =
        group("Abbot", "common", 1_000).chain(group("Brown", "other", 10_000)).chain(group("Carter", "common", 500)).collect();
    insert_all(&pool, account, &people).await;

    for indexed in [false, true] {
        if indexed {
            index_all_pending(&pool).await.unwrap();
        }
        for (text, expected) in [
            ("common", MatchCount::MoreThan(MatchCount::SEARCH_CAP)),
            ("abbot", MatchCount::Exactly(1_000)),
            ("carter", MatchCount::Exactly(500)),
            ("sam", MatchCount::MoreThan(MatchCount::SEARCH_CAP)),
        ] {
            let query = ContactQuery { search: text.into(), ..Default::default() };
            let page = contacts::list(&pool, account, &query, Total::Count).await.unwrap();
            assert_eq!(page.total, Some(expected), "{text:?} indexed {indexed}");
        }
    }
}
