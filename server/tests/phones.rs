//! Phone numbers through the whole router: the page's verdicts (postcard in
//! and out, read with the caller's default country, capped per call), and
//! the contact form saving E.164 or refusing an impossible number with its
//! sentence and changing nothing.

use crate::support;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use rules::phone::{PhoneKey, PhoneProblem, PhoneVerdict, MAX_PHONE_KEYS_PER_CALL};
use rules::{ContactFields, Field, Problem};
use serde_json::{json, Value};
use sqlx::PgPool;
use support::{call, deliver, from_client, prepare, router, sign_up, Answer, CLIENT};

/// Signs up an account whose default country is `country`; its cookie.
async fn sign_up_in(app: &axum::Router, email: &str, country: &str) -> String {
    let pairs = [("organisation", "Harbour"), ("name", "Tester"), ("email", email), ("password", "correct horse battery"), ("country", country)];
    let form = serde_urlencoded::to_string(pairs).expect("a form");
    let request = Request::builder().method(Method::POST).uri("/api/sign_up").header(header::HOST, "127.0.0.1:3000");
    let answer = deliver(app, from_client(request, CLIENT), None, "application/x-www-form-urlencoded", Body::from(form)).await;
    answer.cookie.expect("a session cookie")
}

fn key(text: &str, country: Option<&str>) -> PhoneKey {
    PhoneKey::new(text, country)
}

async fn verdicts(app: &axum::Router, cookie: &str, keys: &[PhoneKey]) -> Answer {
    call(app, Some(cookie), "/api/phone_verdicts", &json!({ "keys": keys })).await
}

fn decoded(answer: &Answer) -> Vec<PhoneVerdict> {
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    postcard::from_bytes(&answer.bytes).expect("postcard verdicts")
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_page_gets_each_numbers_verdict_by_the_rows_country_else_the_accounts(pool: PgPool) {
    prepare(&pool).await;
    let app = router(pool.clone());
    let nz = sign_up_in(&app, "nz@x.example", "NZ").await;
    let keys = [
        key("021 555 0101", None),
        key("0412 345 678", Some("AU")),
        key("+44 20 7946 0958 x123", Some("NZ")),
        key("021 555", None),
    ];
    let answer = decoded(&verdicts(&app, &nz, &keys).await);
    assert_eq!(
        answer[..3],
        [
            PhoneVerdict::Number { stored: "+64215550101".into(), display: "+64 21 555 0101".into() },
            PhoneVerdict::Number { stored: "+61412345678".into(), display: "+61 412 345 678".into() },
            PhoneVerdict::Number { stored: "+442079460958 x123".into(), display: "+44 20 7946 0958 x123".into() },
        ]
    );
    assert!(
        matches!(&answer[3], PhoneVerdict::Problem { problem: PhoneProblem::NotInUse { .. }, example: Some(example) } if !example.is_empty()),
        "{:?}",
        answer[3]
    );

    // An account without a country keeps a local number as written.
    let none = sign_up(&app, "Old%20Co", "old%40x.example").await;
    let answer = decoded(&verdicts(&app, &none, &[key("021 555 0101", None), key("+64 21 555 0101", None)]).await);
    assert_eq!(answer[0], PhoneVerdict::AsWritten);
    assert!(matches!(answer[1], PhoneVerdict::Number { .. }));
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_call_of_thousands_of_numbers_is_answered_in_the_order_asked(pool: PgPool) {
    prepare(&pool).await;
    let app = router(pool.clone());
    let cookie = sign_up_in(&app, "nz@x.example", "NZ").await;
    // Local, other countries', impossible and foreign-prefixed numbers, in
    // a mixed order.
    let keys: Vec<PhoneKey> = (0..3_000)
        .map(|n| match n % 4 {
            0 => key(&format!("021 555 {:04}", n % 10_000), None),
            1 => key(&format!("0412 {:03} {:03}", n % 1_000, (n * 7) % 1_000), Some("AU")),
            2 => key(&format!("02 {n}"), None),
            _ => key(&format!("+44 20 7946 {:04}", n % 10_000), Some("NZ")),
        })
        .collect();
    let answer = decoded(&verdicts(&app, &cookie, &keys).await);
    let book = rules::phone::AccountPhones::new(Some("NZ".into()));
    let expected: Vec<PhoneVerdict> = keys.iter().map(|key| book.verdict(key)).collect();
    assert_eq!(answer.len(), expected.len());
    let first_difference = answer.iter().zip(&expected).position(|(got, wanted)| got != wanted);
    assert_eq!(first_difference, None, "the verdict of {:?}", first_difference.map(|at| &keys[at]));
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn more_numbers_than_one_call_takes_are_refused_with_a_sentence(pool: PgPool) {
    prepare(&pool).await;
    let app = router(pool.clone());
    let cookie = sign_up_in(&app, "nz@x.example", "NZ").await;
    let keys: Vec<PhoneKey> = (0..=MAX_PHONE_KEYS_PER_CALL).map(|n| key(&format!("021 555 {n:04}"), None)).collect();
    let answer = verdicts(&app, &cookie, &keys).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", answer.body);
    assert!(answer.body.contains("Too many phone numbers at once"), "{}", answer.body);
}

fn contact(phone: &str) -> ContactFields {
    ContactFields::from_pairs([(Field::FirstName, "Ana"), (Field::LastName, "Silva"), (Field::Phone, phone), (Field::Mobile, "+61 412 345 678")])
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_contact_form_saves_e164_and_refuses_an_impossible_number_changing_nothing(pool: PgPool) {
    prepare(&pool).await;
    let app = router(pool.clone());
    let cookie = sign_up_in(&app, "nz@x.example", "NZ").await;
    let saved = call(&app, Some(&cookie), "/api/save_contact", &json!({"id": null, "version": null, "fields": contact("021 555 0101")})).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let saved: Value = serde_json::from_str(&saved.body).expect("json");
    let stored: (String, String) = sqlx::query_as("SELECT phone, mobile FROM contacts").fetch_one(&pool).await.expect("a contact");
    assert_eq!(stored, ("+64215550101".to_string(), "+61412345678".to_string()));

    let mut edited = contact("021 555");
    edited.set(Field::LastName, "Changed");
    let refused = call(
        &app,
        Some(&cookie),
        "/api/save_contact",
        &json!({"id": saved["id"], "version": saved["version"], "fields": edited}),
    )
    .await;
    assert!(refused.status.is_client_error(), "{} {}", refused.status, refused.body);
    let body: app::error::ErrorBody = serde_json::from_str(&refused.body).expect("an error body");
    let app::error::AppError::InvalidContact(issues) = body.kind else {
        panic!("expected the contact's issues: {}", refused.body);
    };
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0].field, Some(Field::Phone));
    assert!(matches!(issues[0].problem, Problem::Phone { .. }));
    assert!(issues[0].problem_text().contains("cannot be a real phone number in New Zealand"), "{}", issues[0].problem_text());
    let after: (String, String, i32) =
        sqlx::query_as("SELECT phone, last_name, version FROM contacts").fetch_one(&pool).await.expect("a contact");
    assert_eq!(after, ("+64215550101".to_string(), "Silva".to_string(), 1));
}
