//! Signing in, from the outside: throttling that a stranger cannot turn
//! into a lock (counted per client and per (email, client), atomically
//! before the password is checked, backing off rather than locking), and
//! `next` followed only within the site, whatever it holds.

use crate::support;

use axum::http::{header, StatusCode};
use sqlx::PgPool;
use support::{prepare, router, sign_in, sign_up};

const OWNER: &str = "owner@a.example";
const PASSWORD: &str = "correct horse battery";
const STRANGER: [u8; 4] = [203, 0, 113, 66];
const OWNERS_LAPTOP: [u8; 4] = [198, 51, 100, 7];

async fn owner_account(app: &axum::Router) {
    sign_up(app, "Agency", "owner%40a.example").await;
}

fn signed_in(answer: &support::Answer) -> bool {
    answer.status == StatusCode::FOUND && answer.cookie.is_some()
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_strangers_wrong_passwords_from_one_client_do_not_stop_the_owner_signing_in_from_another(pool: PgPool) {
    prepare(&pool).await;
    let app = router(pool.clone());
    owner_account(&app).await;
    let mut refused = 0;
    for attempt in 0..30 {
        let answer = sign_in(&app, STRANGER, OWNER, &format!("guess number {attempt}"), None).await;
        assert!(matches!(answer.status.as_u16(), 401 | 429), "attempt {attempt}: {} {}", answer.status, answer.body);
        refused += usize::from(answer.status == StatusCode::TOO_MANY_REQUESTS);
    }
    assert!(refused > 0, "the stranger was never slowed down");
    // The stranger is held back even with the right password…
    let stranger = sign_in(&app, STRANGER, OWNER, PASSWORD, None).await;
    assert_eq!(stranger.status, StatusCode::TOO_MANY_REQUESTS, "{}", stranger.body);
    assert!(stranger.header(header::RETRY_AFTER).parse::<u32>().is_ok_and(|seconds| seconds > 0));
    assert!(stranger.body.contains("Too many failed sign-in attempts. Wait "), "{}", stranger.body);
    // …but the owner, elsewhere, is not.
    let owner = sign_in(&app, OWNERS_LAPTOP, OWNER, PASSWORD, None).await;
    assert!(signed_in(&owner), "{} {}", owner.status, owner.body);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn parallel_wrong_passwords_from_one_client_cannot_exceed_the_windows_budget(pool: PgPool) {
    prepare(&pool).await;
    let app = router(pool.clone());
    owner_account(&app).await;
    let attempts = (0..24).map(|attempt| {
        let app = app.clone();
        async move { sign_in(&app, STRANGER, OWNER, &format!("parallel guess {attempt}"), None).await }
    });
    let answers = futures::future::join_all(attempts).await;
    let checked = answers.iter().filter(|answer| answer.status == StatusCode::UNAUTHORIZED).count();
    let held_back = answers.iter().filter(|answer| answer.status == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!(
        checked as i64,
        app::throttle::FREE_FAILURES_PER_EMAIL,
        "{checked} passwords were checked; {held_back} held back; others: {:?}",
        answers.iter().filter(|answer| !matches!(answer.status.as_u16(), 401 | 429)).map(|answer| answer.status).collect::<Vec<_>>()
    );
    assert_eq!(checked + held_back, answers.len());
    let recorded: i64 = sqlx::query_scalar("SELECT count(*) FROM login_failures").fetch_one(&pool).await.expect("a count");
    assert_eq!(recorded, app::throttle::FREE_FAILURES_PER_EMAIL, "every checked attempt is recorded, no other");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn an_owners_parallel_sign_ins_from_one_client_all_succeed(pool: PgPool) {
    prepare(&pool).await;
    let app = router(pool.clone());
    owner_account(&app).await;
    let attempts = (0..12).map(|_| {
        let app = app.clone();
        async move { sign_in(&app, OWNERS_LAPTOP, OWNER, PASSWORD, None).await }
    });
    for answer in futures::future::join_all(attempts).await {
        assert!(signed_in(&answer), "{} {}", answer.status, answer.body);
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn an_owner_who_mistypes_backs_off_for_seconds_and_is_never_locked(pool: PgPool) {
    prepare(&pool).await;
    let app = router(pool.clone());
    owner_account(&app).await;
    for attempt in 0..app::throttle::FREE_FAILURES_PER_EMAIL {
        let answer = sign_in(&app, OWNERS_LAPTOP, OWNER, &format!("typo {attempt}"), None).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{}", answer.body);
    }
    let held = sign_in(&app, OWNERS_LAPTOP, OWNER, PASSWORD, None).await;
    assert_eq!(held.status, StatusCode::TOO_MANY_REQUESTS);
    let wait: i64 = held.header(header::RETRY_AFTER).parse().expect("Retry-After");
    assert!(wait <= app::throttle::FIRST_BACK_OFF_SECONDS, "a first back-off of {wait} s");
    // Time passes (the failures are moved back rather than waited for).
    sqlx::query("UPDATE login_failures SET failed_at = failed_at - make_interval(secs => $1)")
        .bind(wait as f64)
        .execute(&pool)
        .await
        .expect("moved back");
    let owner = sign_in(&app, OWNERS_LAPTOP, OWNER, PASSWORD, None).await;
    assert!(signed_in(&owner), "{} {}", owner.status, owner.body);
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM login_failures").fetch_one(&pool).await.expect("a count");
    assert_eq!(left, 0, "signing in forgets that client's failures for the email");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn one_client_guessing_across_many_emails_runs_out_of_its_own_budget(pool: PgPool) {
    prepare(&pool).await;
    let app = router(pool.clone());
    owner_account(&app).await;
    // The client's budget, used up over many emails (recorded directly:
    // a hundred argon2 checks would only make the test slow).
    sqlx::query("INSERT INTO login_failures (email, client) SELECT 'user' || n || '@x.example', '203.0.113.66' FROM generate_series(1, $1) AS n")
        .bind(app::throttle::MAX_FAILURES_PER_CLIENT as i32)
        .execute(&pool)
        .await
        .expect("failures");
    let stranger = sign_in(&app, STRANGER, OWNER, PASSWORD, None).await;
    assert_eq!(stranger.status, StatusCode::TOO_MANY_REQUESTS, "{}", stranger.body);
    let owner = sign_in(&app, OWNERS_LAPTOP, OWNER, PASSWORD, None).await;
    assert!(signed_in(&owner), "{} {}", owner.status, owner.body);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn next_values_never_leave_the_site_and_never_answer_5xx(pool: PgPool) {
    prepare(&pool).await;
    let app = router(pool.clone());
    owner_account(&app).await;
    let site = url::Url::parse("http://127.0.0.1:3000/login").expect("a url");
    let long = format!("/contacts?q={}", "a".repeat(5000));
    let cases = [
        "/\t/evil.example",
        "/%09/evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\\/evil.example",
        "//evil.example",
        "///evil.example",
        "//evil.example/%2F..",
        "/..//evil.example",
        "http:evil.example",
        "http://evil.example",
        "https:/evil.example",
        "javascript:alert(1)",
        "/contacts\nSet-Cookie: x=1",
        "/contacts\r\nLocation: //evil.example",
        "/\n/evil.example",
        "%2F%2Fevil.example",
        "/%2F%2Fevil.example",
        "/%5C%5Cevil.example",
        "/%252F%252Fevil.example",
        "/\u{3000}/evil.example",
        "/\u{ff0f}\u{ff0f}evil.example",
        "/contacts?q=Zo\u{eb}",
        "",
        long.as_str(),
    ];
    let mut failures = Vec::new();
    for next in cases {
        let answer = sign_in(&app, OWNERS_LAPTOP, OWNER, PASSWORD, Some(next)).await;
        let location = answer.header(header::LOCATION).to_string();
        let target = site.join(&location);
        let stays = target.as_ref().is_ok_and(|target| target.origin() == site.origin());
        if answer.status.is_server_error() || !signed_in(&answer) || !stays || !location.starts_with('/') || location.chars().any(char::is_control) {
            failures.push(format!("{next:?}: {} to {location:?} ({:?})", answer.status, target.map(|target| target.to_string())));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // And a path of the site is followed.
    let answer = sign_in(&app, OWNERS_LAPTOP, OWNER, PASSWORD, Some("/imports?x=1")).await;
    assert_eq!(answer.header(header::LOCATION), "/imports?x=1");
}
