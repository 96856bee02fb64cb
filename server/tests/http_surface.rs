//! The HTTP surface's promises that are not about one feature: every input
//! length is bounded where it enters (a 4xx and a sentence, never a 5xx),
//! per-user downloads are never stored by a browser or proxy, and every
//! error answer has the one shape (`{"error": sentence, "kind": …}`).

use crate::support;

use axum::http::{header, Method, StatusCode};
use serde_json::{json, Value};
use sqlx::PgPool;
use support::{call, prepare, router, send, sign_in, sign_up, Answer};

const FORM: &str = "application/x-www-form-urlencoded";

/// The sentence of an error answer, failing when it does not have the one
/// shape.
fn sentence(answer: &Answer) -> String {
    let body: Value = serde_json::from_str(&answer.body).unwrap_or_else(|_| panic!("not JSON: {}", answer.body));
    assert!(body.get("kind").is_some(), "no kind: {}", answer.body);
    body["error"].as_str().unwrap_or_else(|| panic!("no sentence: {}", answer.body)).to_string()
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn over_long_emails_passwords_names_searches_and_file_names_get_a_4xx_with_a_sentence(pool: PgPool) {
    prepare(&pool).await;
    let app = router(pool.clone());
    let cookie = sign_up(&app, "Agency", "a%40a.example").await;
    let long_email = format!("{}@a.example", "a".repeat(3000));
    let form = |pairs: &[(&str, &str)]| serde_urlencoded::to_string(pairs).expect("a form");
    let search = |text: String| json!({"query": {"search": text, "category": null, "sort": "name", "after": null}});
    let mut answers = vec![
        ("sign-in email", sign_in(&app, support::CLIENT, &long_email, "a password", None).await, "email address"),
        ("sign-in password", sign_in(&app, support::CLIENT, "a@a.example", &"p".repeat(129), None).await, "password"),
    ];
    for (what, pairs, words) in [
        ("sign-up email", vec![("organisation", "X"), ("name", "Y"), ("email", long_email.as_str()), ("password", "correct horse battery")], "email address"),
        ("sign-up password", vec![("organisation", "X"), ("name", "Y"), ("email", "n@n.example"), ("password", &"p".repeat(129))], "password"),
        ("sign-up name", vec![("organisation", "X"), ("name", &"n".repeat(101)), ("email", "n@n.example"), ("password", "correct horse battery")], "name"),
        ("sign-up organisation", vec![("organisation", &"o".repeat(201)), ("name", "Y"), ("email", "n@n.example"), ("password", "correct horse battery")], "organisation"),
    ] {
        answers.push((what, send(&app, Method::POST, "/api/sign_up", None, FORM, form(&pairs)).await, words));
    }
    answers.push(("search", call(&app, Some(&cookie), "/api/list_contacts", &search("x".repeat(201))).await, "search"));
    answers.push(("a megabyte of search", call(&app, Some(&cookie), "/api/list_contacts", &search("x".repeat(1 << 20))).await, "search"));
    let long_query = "q".repeat(201);
    answers.push(("export search", send(&app, Method::GET, &format!("/exports/contacts.csv?q={long_query}"), Some(&cookie), "none", "").await, "search"));
    let long_name = format!("{}.csv", "n".repeat(300));
    answers.push(("file name", send(&app, Method::POST, &format!("/api/files/check?name={long_name}"), Some(&cookie), "application/octet-stream", "a,b\n").await, "file name"));
    let mut failures = Vec::new();
    for (what, answer, words) in &answers {
        if !answer.status.is_client_error() {
            failures.push(format!("{what}: {} {}", answer.status, answer.body.chars().take(200).collect::<String>()));
            continue;
        }
        let said = sentence(answer);
        if !said.to_lowercase().contains(words) || !said.ends_with('.') {
            failures.push(format!("{what}: {said:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let accounts: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts").fetch_one(&pool).await.expect("a count");
    assert_eq!(accounts, 1, "a refused sign-up created an account");
    // Within the bounds, the same requests are answered.
    let fine = call(&app, Some(&cookie), "/api/list_contacts", &search("x".repeat(200))).await;
    assert_eq!(fine.status, StatusCode::OK, "{}", fine.body);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn an_export_answer_says_no_store(pool: PgPool) {
    prepare(&pool).await;
    let app = router(pool.clone());
    let cookie = sign_up(&app, "Agency", "a%40a.example").await;
    for path in ["/exports/contacts.xlsx", "/exports/contacts.csv?q=ana&sort=updated", "/contacts"] {
        let answer = send(&app, Method::GET, path, Some(&cookie), "none", "").await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(answer.header(header::CACHE_CONTROL), "no-store", "{path}");
    }
    let answer = call(&app, Some(&cookie), "/api/current_user", &json!({})).await;
    assert_eq!(answer.header(header::CACHE_CONTROL), "no-store", "server function answers");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn every_kind_of_route_answers_errors_in_the_one_shape(pool: PgPool) {
    prepare(&pool).await;
    let app = router(pool.clone());
    let cookie = sign_up(&app, "Agency", "a%40a.example").await;
    let answers = [
        ("a server function without a session", call(&app, None, "/api/list_contacts", &json!({})).await, StatusCode::UNAUTHORIZED),
        ("the file check without a session", send(&app, Method::POST, "/api/files/check?name=a.csv", None, "application/octet-stream", "a").await, StatusCode::UNAUTHORIZED),
        ("the file check without a name", send(&app, Method::POST, "/api/files/check", Some(&cookie), "application/octet-stream", "a").await, StatusCode::BAD_REQUEST),
        ("the file check with a PDF", send(&app, Method::POST, "/api/files/check?name=a.xlsx", Some(&cookie), "application/octet-stream", "%PDF-1.4\n%%EOF\n").await, StatusCode::UNSUPPORTED_MEDIA_TYPE),
        ("a malformed server function call", call(&app, Some(&cookie), "/api/get_contact", &json!({"id": 5})).await, StatusCode::UNPROCESSABLE_ENTITY),
        ("a wrong password", sign_in(&app, support::CLIENT, "a@a.example", "wrong password", None).await, StatusCode::UNAUTHORIZED),
    ];
    for (what, answer, status) in answers {
        assert_eq!(answer.status, status, "{what}: {}", answer.body);
        let said = sentence(&answer);
        assert!(said.ends_with('.') && said.starts_with(char::is_uppercase), "{what}: {said:?}");
    }
    // "Please sign in to continue." is written once, and said by all.
    let anonymous = call(&app, None, "/api/list_contacts", &json!({})).await;
    assert_eq!(sentence(&anonymous), app::error::AppError::NotSignedIn.to_string());
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn sign_up_takes_passwords_of_12_to_128_characters_of_any_kind(pool: PgPool) {
    prepare(&pool).await;
    let app = router(pool.clone());
    let sign_up_with = |email: &'static str, password: String| {
        let app = app.clone();
        async move {
            let form = serde_urlencoded::to_string([("organisation", "X"), ("name", "Y"), ("email", email), ("password", &password)]).expect("a form");
            send(&app, Method::POST, "/api/sign_up", None, FORM, form).await
        }
    };
    let short = sign_up_with("short@x.example", "eleven char".into()).await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(sentence(&short).contains("at least 12 characters"), "{}", short.body);
    let long = "a long pass phrase with spaces, ünïcödé and 🙂 ".repeat(2);
    assert!((64..=128).contains(&long.chars().count()));
    let accepted = sign_up_with("long@x.example", long.clone()).await;
    assert!(accepted.status.is_success() || accepted.status.is_redirection(), "{} {}", accepted.status, accepted.body);
    let again = sign_in(&app, support::CLIENT, "long@x.example", &long, None).await;
    assert_eq!(again.status, StatusCode::FOUND, "the long password signs in: {}", again.body);
}
