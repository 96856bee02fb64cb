//! Sessions, from the outside: they roll forward while used, end when idle
//! and at the latest 30 days after sign-in, are purged once expired, can
//! all be ended with "sign out everywhere", and over https the cookie is
//! `__Host-` prefixed and `Secure`.
//!
//! Time is driven through the session store (each "day" moves the stored
//! expiry and the session's own times a day back), never by sleeping.

use crate::support;

use axum::http::{header, Method, StatusCode};
use axum::Router;
use serde_json::{json, Value};
use sqlx::PgPool;
use support::{call, prepare, router, router_with, send, sign_in, sign_up};
use tower_sessions::cookie::time::Duration;
use tower_sessions::session::Id;
use tower_sessions::SessionStore;
use tower_sessions_sqlx_store::PostgresStore;

const DAY: i64 = 24 * 60 * 60;
const PASSWORD: &str = "correct horse battery";

/// Moves the session behind `cookie` `seconds` into the past, as if that
/// much time had gone by since it was last used.
async fn pass_time(pool: &PgPool, cookie: &str, seconds: i64) {
    let store = PostgresStore::new(pool.clone());
    let id: Id = cookie.split_once('=').expect("name=value").1.parse().expect("a session id");
    let mut record = store.load(&id).await.expect("the store").expect("the session is still stored");
    record.expiry_date -= Duration::seconds(seconds);
    let signed_in = record.data.get_mut("signed_in").expect("a signed-in session");
    for time in ["signed_in_at", "seen_at"] {
        signed_in[time] = json!(signed_in[time].as_i64().expect("a time") - seconds);
    }
    store.save(&record).await.expect("saved");
}

/// Whether `cookie` is signed in (and using it, as any request does).
async fn use_session(app: &Router, cookie: &str) -> bool {
    let answer = call(app, Some(cookie), "/api/current_user", &json!({})).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    serde_json::from_str::<Value>(&answer.body).expect("json").is_object()
}

async fn second_session(app: &Router, client: [u8; 4], email: &str) -> String {
    let answer = sign_in(app, client, email, PASSWORD, None).await;
    assert_eq!(answer.status, StatusCode::FOUND, "{}", answer.body);
    answer.cookie.expect("a session cookie")
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_session_used_daily_outlives_seven_days(pool: PgPool) {
    prepare(&pool).await;
    let app = router(pool.clone());
    let cookie = sign_up(&app, "Agency", "a%40a.example").await;
    for day in 1..=10 {
        pass_time(&pool, &cookie, DAY).await;
        assert!(use_session(&app, &cookie).await, "signed out on day {day} despite daily use");
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_session_idle_past_its_limit_ends(pool: PgPool) {
    prepare(&pool).await;
    let app = router(pool.clone());
    let cookie = sign_up(&app, "Agency", "a%40a.example").await;
    pass_time(&pool, &cookie, 6 * DAY).await;
    assert!(use_session(&app, &cookie).await, "six idle days are within the limit");
    pass_time(&pool, &cookie, 7 * DAY + 60).await;
    assert!(!use_session(&app, &cookie).await, "seven idle days ended it");
    let page = send(&app, Method::GET, "/contacts", Some(&cookie), "none", "").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_session_ends_thirty_days_after_sign_in_however_much_it_is_used(pool: PgPool) {
    prepare(&pool).await;
    let app = router(pool.clone());
    let cookie = sign_up(&app, "Agency", "a%40a.example").await;
    for day in 1..30 {
        pass_time(&pool, &cookie, DAY).await;
        assert!(use_session(&app, &cookie).await, "signed out on day {day}");
    }
    pass_time(&pool, &cookie, DAY).await;
    assert!(!use_session(&app, &cookie).await, "still signed in 30 days after signing in");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn sign_out_everywhere_ends_every_session_of_that_user_and_no_one_elses(pool: PgPool) {
    prepare(&pool).await;
    let app = router(pool.clone());
    let here = sign_up(&app, "Agency", "a%40a.example").await;
    let phone = second_session(&app, [198, 51, 100, 1], "a@a.example").await;
    let laptop = second_session(&app, [198, 51, 100, 2], "a@a.example").await;
    let colleague = sign_up(&app, "Other%20Agency", "b%40b.example").await;
    for cookie in [&here, &phone, &laptop, &colleague] {
        assert!(use_session(&app, cookie).await);
    }
    let answer = call(&app, Some(&phone), "/api/sign_out_everywhere", &json!({})).await;
    assert!(answer.status.is_success(), "{} {}", answer.status, answer.body);
    for (name, cookie) in [("here", &here), ("phone", &phone), ("laptop", &laptop)] {
        assert!(!use_session(&app, cookie).await, "the {name} session survived");
    }
    assert!(use_session(&app, &colleague).await, "another user's session ended too");
    // Signing in again works, and is a new session.
    let again = second_session(&app, [198, 51, 100, 1], "a@a.example").await;
    assert!(use_session(&app, &again).await);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn expired_sessions_and_old_sign_in_failures_are_purged(pool: PgPool) {
    prepare(&pool).await;
    let app = router(pool.clone());
    let kept = sign_up(&app, "Agency", "a%40a.example").await;
    let expired = second_session(&app, [198, 51, 100, 1], "a@a.example").await;
    pass_time(&pool, &expired, 8 * DAY).await;
    let wrong = sign_in(&app, [198, 51, 100, 9], "a@a.example", "not the password", None).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    sqlx::query("INSERT INTO login_failures (email, client, failed_at) VALUES ('old@x.example', '203.0.113.1', now() - interval '1 hour')")
        .execute(&pool)
        .await
        .expect("an old failure");
    let sessions = || sqlx::query_scalar::<_, i64>("SELECT count(*) FROM tower_sessions.session").fetch_one(&pool);
    let failures = || sqlx::query_scalar::<_, i64>("SELECT count(*) FROM login_failures").fetch_one(&pool);
    assert_eq!((sessions().await.expect("count"), failures().await.expect("count")), (2, 2));
    server::housekeeping::purge_once(&pool).await.expect("a purge");
    assert_eq!(sessions().await.expect("count"), 1, "the expired session is gone");
    assert_eq!(failures().await.expect("count"), 1, "the failure within the window stays");
    assert!(use_session(&app, &kept).await);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn over_https_the_session_cookie_is_host_prefixed_and_secure(pool: PgPool) {
    prepare(&pool).await;
    let mut config = support::config(rules::Limits::DEFAULT);
    config.public_origin = Some("https://contacts.example".into());
    let app = router_with(pool.clone(), config);
    let form = "organisation=Agency&name=Tester&email=a%40a.example&password=correct%20horse%20battery";
    let answer = send(&app, Method::POST, "/api/sign_up", None, "application/x-www-form-urlencoded", form).await;
    assert!(answer.status.is_success() || answer.status.is_redirection(), "{} {}", answer.status, answer.body);
    let set_cookie = answer.header(header::SET_COOKIE).to_string();
    let attributes: Vec<&str> = set_cookie.split(';').map(str::trim).collect();
    assert!(attributes[0].starts_with("__Host-"), "{set_cookie}");
    for needed in ["Secure", "HttpOnly", "Path=/", "SameSite=Lax"] {
        assert!(attributes.contains(&needed), "{needed} missing: {set_cookie}");
    }
    assert!(!set_cookie.contains("Domain"), "{set_cookie}");
    // Over plain http (local use) the name has no prefix, which browsers
    // would refuse without Secure.
    let local = router(pool.clone());
    let plain = sign_up(&local, "Local", "b%40b.example").await;
    assert!(plain.starts_with("contacts_session="), "{plain}");
}
