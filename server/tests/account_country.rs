//! The account's default country at sign-up, through the whole router: the
//! form preselects the browser's guess, a chosen code is stored, a sign-up
//! without the field gets the guess (or none), and a country that is not
//! one is refused with a sentence and creates nothing; later, the
//! organisation page changes it for the caller's account only.

use crate::support;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use sqlx::PgPool;
use support::{deliver, from_client, prepare, router, send, Answer, CLIENT};

const FORM: &str = "application/x-www-form-urlencoded";

async fn sign_up(app: &axum::Router, email: &str, country: Option<&str>, languages: Option<&str>) -> Answer {
    let mut pairs = vec![("organisation", "Harbour"), ("name", "Tester"), ("email", email), ("password", "correct horse battery")];
    pairs.extend(country.map(|country| ("country", country)));
    let form = serde_urlencoded::to_string(pairs).expect("a form");
    let mut request = Request::builder().method(Method::POST).uri("/api/sign_up").header(header::HOST, "127.0.0.1:3000");
    if let Some(languages) = languages {
        request = request.header(header::ACCEPT_LANGUAGE, languages);
    }
    deliver(app, from_client(request, CLIENT), None, FORM, Body::from(form)).await
}

/// The stored country of the account signed up as `email`: `None` when
/// there is no such account, `Some(None)` when it has no country.
async fn stored_country(pool: &PgPool, email: &str) -> Option<Option<String>> {
    sqlx::query_scalar("SELECT a.default_country FROM accounts a JOIN users u ON u.account_id = a.id WHERE u.email = $1")
        .bind(email)
        .fetch_optional(pool)
        .await
        .expect("a query")
}

fn created(answer: &Answer) -> bool {
    answer.status.is_success() || answer.status.is_redirection()
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_chosen_country_is_stored_and_a_missing_one_is_guessed_from_the_browsers_languages(pool: PgPool) {
    prepare(&pool).await;
    let app = router(pool.clone());
    let cases = [
        ("chosen@x.example", Some("gb"), Some("en-NZ"), Some("GB")),
        ("none@x.example", Some(app::auth::NO_COUNTRY), Some("en-NZ"), None),
        ("blank@x.example", Some(""), Some("en-NZ"), Some("NZ")),
        ("guessed@x.example", None, Some("en;q=0.9,en-AU;q=0.8"), Some("AU")),
        ("no-region@x.example", None, Some("en"), None),
        ("no-header@x.example", None, None, None),
    ];
    for (email, country, languages, expected) in cases {
        let answer = sign_up(&app, email, country, languages).await;
        assert!(created(&answer), "{email}: {} {}", answer.status, answer.body);
        assert_eq!(stored_country(&pool, email).await, Some(expected.map(str::to_string)), "{email}");
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_country_that_is_not_one_is_refused_with_a_sentence_and_creates_nothing(pool: PgPool) {
    prepare(&pool).await;
    let app = router(pool.clone());
    for country in ["XX", "New Zealand", "NZL", "ǸZ"] {
        let answer = sign_up(&app, "bad@x.example", Some(country), Some("en-NZ")).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{country}: {}", answer.body);
        let body: serde_json::Value = serde_json::from_str(&answer.body).expect("a JSON error");
        let sentence = body["error"].as_str().unwrap_or_default();
        assert!(sentence.contains("is not a country we know") && sentence.ends_with('.'), "{sentence}");
        assert_eq!(stored_country(&pool, "bad@x.example").await, None, "{country}");
    }
    let accounts: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts").fetch_one(&pool).await.expect("a count");
    assert_eq!(accounts, 0);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_sign_up_form_preselects_the_guessed_country_before_any_script_runs(pool: PgPool) {
    prepare(&pool).await;
    let app = router(pool.clone());
    let page = |languages: &'static str| {
        let app = app.clone();
        async move {
            let request = Request::builder()
                .method(Method::GET)
                .uri("/signup")
                .header(header::HOST, "127.0.0.1:3000")
                .header(header::ACCEPT_LANGUAGE, languages);
            deliver(&app, from_client(request, CLIENT), None, "none", Body::empty()).await
        }
    };
    let guessed = page("en-NZ,en;q=0.9").await;
    assert_eq!(guessed.status, StatusCode::OK);
    assert!(guessed.body.contains(r#"<option value="NZ" selected"#), "{}", guessed.body);
    assert!(!guessed.body.contains(r#"<option value="none" selected"#));
    let unknown = page("en").await;
    assert!(unknown.body.contains(r#"<option value="none" selected"#), "{}", unknown.body);
    assert!(!unknown.body.contains(r#"<option value="NZ" selected"#));
}

/// Sets the signed-in account's country as the organisation page's form does.
async fn set_country(app: &axum::Router, cookie: &str, country: &str) -> Answer {
    let form = serde_urlencoded::to_string([("country", country)]).expect("a form");
    send(app, Method::POST, "/api/set_account_country", Some(cookie), FORM, form).await
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_organisation_page_changes_its_own_accounts_country_and_no_one_elses(pool: PgPool) {
    prepare(&pool).await;
    let app = router(pool.clone());
    let a = sign_up(&app, "a@x.example", Some("NZ"), None).await;
    let b = sign_up(&app, "b@x.example", Some(app::auth::NO_COUNTRY), None).await;
    let b_cookie = b.cookie.clone().expect("a session cookie");
    assert!(created(&a) && created(&b));

    for (country, expected) in [("gb", Some("GB")), ("AU", Some("AU")), (app::auth::NO_COUNTRY, None)] {
        let answer = set_country(&app, &b_cookie, country).await;
        assert!(answer.status.is_success(), "{country}: {} {}", answer.status, answer.body);
        assert_eq!(stored_country(&pool, "b@x.example").await, Some(expected.map(str::to_string)), "{country}");
        assert_eq!(stored_country(&pool, "a@x.example").await, Some(Some("NZ".to_string())), "A's country after B set {country}");
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_changed_country_that_is_not_one_is_refused_with_a_sentence_and_changes_nothing(pool: PgPool) {
    prepare(&pool).await;
    let app = router(pool.clone());
    let answer = sign_up(&app, "c@x.example", Some("NZ"), None).await;
    let cookie = answer.cookie.clone().expect("a session cookie");
    for country in ["XX", "New Zealand", "", &"N".repeat(5_000)] {
        let answer = set_country(&app, &cookie, country).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{country}: {}", answer.body);
        let body: serde_json::Value = serde_json::from_str(&answer.body).expect("a JSON error");
        let sentence = body["error"].as_str().unwrap_or_default();
        assert!(sentence.ends_with('.') && !sentence.contains(&"N".repeat(100)), "{sentence}");
        assert_eq!(stored_country(&pool, "c@x.example").await, Some(Some("NZ".to_string())), "{country}");
    }
    let signed_out = set_country(&app, "id=nobody", "GB").await;
    assert_eq!(signed_out.status, StatusCode::UNAUTHORIZED);
}
