//! Tenant isolation, through the whole router (no socket): for every server
//! function and every page that takes an id, a user of account B using
//! account A's ids gets exactly the answer an id that does not exist gets,
//! and nothing of A's changes. Requests without a session get 401; a
//! cross-origin POST is refused.
//!
//! The table below must name every server function the app registers: a new
//! one without a case makes `every_server_function_has_an_isolation_case`
//! fail.

use std::collections::BTreeSet;

use crate::support;
use support::{call, prepare, router, send, sign_up};

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use rules::headers::{ImportColumns, ImportRow};
use rules::merge::MergeMode;
use rules::{ContactFields, Field};
use serde_json::{json, Value};
use sqlx::PgPool;
use store::model::{NewImport, UploadedRow};
use tower::ServiceExt;
use uuid::Uuid;

/// How a server function is called in the table.
enum Call {
    /// Sign-in and friends: no account data, answered without a session.
    Public,
    /// Takes no id; B's answer must not contain A's data.
    Listing(fn() -> Value),
    /// Takes one of A's ids; B gets the same as for a random id.
    WithId(fn(&Ids) -> Value, fn(Uuid) -> Value),
    /// Acts on the caller's own sessions only ("sign out everywhere"),
    /// which `sessions.rs` shows leaves other users' alone.
    OwnSessions,
    /// Changes a setting of the caller's own account, which
    /// `account_country.rs` shows leaves other accounts' alone.
    OwnAccount,
}

/// A's ids, which B tries.
struct Ids {
    contact: Uuid,
    committed_import: Uuid,
    open_import: Uuid,
    notification: Uuid,
}

fn contact_values(first: &str, last: &str, email: &str) -> ContactFields {
    ContactFields::from_pairs([(Field::FirstName, first), (Field::LastName, last), (Field::Email, email)])
}

fn new_import(name: &str) -> NewImport {
    NewImport {
        file_name: name.into(),
        file_sha256: "ab".repeat(32),
        file_size: 100,
        sheet_name: name.into(),
        mode: MergeMode::KeepExisting,
        columns: ImportColumns::from_present(rules::FieldSet::of(&[Field::FirstName, Field::LastName, Field::Email])),
        row_count: 1,
    }
}

fn uploaded(email: &str) -> Vec<UploadedRow> {
    vec![UploadedRow { row: ImportRow::new(2, contact_values("Row", "Person", email)), preview: None, duplicate: Default::default() }]
}

/// Every server function, by endpoint.
fn table() -> Vec<(&'static str, Call)> {
    vec![
        ("/api/sign_in", Call::Public),
        ("/api/sign_up", Call::Public),
        ("/api/sign_out", Call::Public),
        ("/api/current_user", Call::Public),
        ("/api/sign_out_everywhere", Call::OwnSessions),
        ("/api/set_account_country", Call::OwnAccount),
        // Used by the sign-up page while it renders on the server; over HTTP
        // it sits behind the sign-in wall like any other.
        ("/api/country_guess", Call::Listing(|| json!({}))),
        ("/api/import_limits", Call::Listing(|| json!({}))),
        // Reads no contacts: only the caller's own default country.
        ("/api/phone_verdicts", Call::Listing(|| json!({"keys": [{"text": "021 555 0101", "country": null}]}))),
        ("/api/list_contacts", Call::Listing(|| json!({"query": {"search": "", "category": null, "sort": "name", "after": null}}))),
        ("/api/list_imports", Call::Listing(|| json!({}))),
        ("/api/notifications", Call::Listing(|| json!({}))),
        ("/api/open_import", Call::Listing(|| json!({"import": new_import("b.csv")}))),
        ("/api/remembered_mapping", Call::Listing(|| json!({"headers": ["Role"]}))),
        (
            "/api/remember_mapping",
            Call::Listing(|| json!({"headers": ["Role"], "mapping": {"columns": [], "values": [{"field": "category", "from": "Owner", "to": "Landlord"}]}})),
        ),
        (
            "/api/existing_contacts",
            Call::WithId(
                |_| json!({"keys": {"references": ["a-1"], "emails": ["ana@a.example"]}}),
                |random| json!({"keys": {"references": [random.to_string()], "emails": [format!("{random}@x.example")]}}),
            ),
        ),
        (
            "/api/similar_contacts",
            Call::WithId(
                |_| json!({"keys": {"phones": ["15550101"], "postcodes": ["1010"], "name_starts": ["sec"]}}),
                |random| json!({"keys": {"phones": [random.simple().to_string()[..8].to_string()], "postcodes": ["9"], "name_starts": ["zzz"]}}),
            ),
        ),
        ("/api/get_contact", Call::WithId(|ids| json!({"id": ids.contact}), |random| json!({"id": random}))),
        (
            "/api/save_contact",
            Call::WithId(
                |ids| json!({"id": ids.contact, "version": 1, "fields": contact_values("Evil", "Edit", "")}),
                |random| json!({"id": random, "version": 1, "fields": contact_values("Evil", "Edit", "")}),
            ),
        ),
        ("/api/delete_contact", Call::WithId(|ids| json!({"id": ids.contact, "version": 1}), |random| json!({"id": random, "version": 1}))),
        (
            "/api/upload_rows",
            Call::WithId(
                |ids| json!({"import_id": ids.open_import, "rows": uploaded("evil@b.example")}),
                |random| json!({"import_id": random, "rows": uploaded("evil@b.example")}),
            ),
        ),
        ("/api/confirm_import", Call::WithId(|ids| json!({"import_id": ids.open_import}), |random| json!({"import_id": random}))),
        ("/api/import_detail", Call::WithId(|ids| json!({"import_id": ids.committed_import, "page": 0}), |random| json!({"import_id": random, "page": 0}))),
        ("/api/undo_import", Call::WithId(|ids| json!({"import_id": ids.committed_import}), |random| json!({"import_id": random}))),
        ("/api/mark_notifications_read", Call::WithId(|ids| json!({"ids": [ids.notification]}), |random| json!({"ids": [random]}))),
    ]
}

/// Everything of A's that B must not change.
async fn snapshot(pool: &PgPool) -> Vec<String> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT concat_ws('|', id, version, first_name, last_name, email) FROM contacts
         UNION ALL SELECT concat_ws('|', id, status, row_count, created_count) FROM imports
         UNION ALL SELECT concat_ws('|', id, read_at IS NULL) FROM notifications
         UNION ALL SELECT concat_ws('|', account_id, encode(header_signature, 'hex'), columns, choices, updated_at)
           FROM remembered_mappings WHERE choices::text LIKE '%Secret%'
         ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .expect("a snapshot");
    rows.into_iter().map(|(row,)| row).collect()
}

/// Account A with a contact, a committed import (and its notification), an
/// open import and a remembered mapping; returns A's ids.
async fn account_a(app: &Router, pool: &PgPool, cookie: &str) -> Ids {
    let saved = call(
        app,
        Some(cookie),
        "/api/save_contact",
        &json!({"id": null, "version": null, "fields": ContactFields::from_pairs([
            (Field::Reference, "A-1"), (Field::FirstName, "Ana"), (Field::LastName, "Secret"), (Field::Email, "ana@a.example"),
            (Field::Phone, "021 555 0101"), (Field::Postcode, "1010")
        ])}),
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let contact: Uuid = serde_json::from_str::<Value>(&saved.body).expect("json")["id"].as_str().expect("an id").parse().expect("a uuid");

    let open = |name: &'static str| {
        let app = app.clone();
        let cookie = cookie.to_string();
        async move {
            let answer = call(&app, Some(&cookie), "/api/open_import", &json!({"import": new_import(name)})).await;
            assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
            serde_json::from_str::<Uuid>(&answer.body).expect("an import id")
        }
    };
    let committed_import = open("a-committed.csv").await;
    let uploaded_answer =
        call(app, Some(cookie), "/api/upload_rows", &json!({"import_id": committed_import, "rows": uploaded("row@a.example")})).await;
    assert_eq!(uploaded_answer.status, StatusCode::OK, "{}", uploaded_answer.body);
    let confirmed = call(app, Some(cookie), "/api/confirm_import", &json!({"import_id": committed_import})).await;
    assert!(confirmed.body.contains("Committed"), "{}", confirmed.body);
    let open_import = open("a-open.csv").await;
    let remembered = call(
        app,
        Some(cookie),
        "/api/remember_mapping",
        &json!({"headers": ["Role"], "mapping": {"columns": [{"column": 0, "field": "category"}], "values": [{"field": "category", "from": "Secret owner", "to": "Landlord"}]}}),
    )
    .await;
    assert_eq!(remembered.status, StatusCode::OK, "{}", remembered.body);
    let notification: Uuid = sqlx::query_scalar("SELECT id FROM notifications LIMIT 1").fetch_one(pool).await.expect("a notification");
    Ids { contact, committed_import, open_import, notification }
}

#[test]
fn every_server_function_has_an_isolation_case() {
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path.to_string()).collect();
    let covered: BTreeSet<String> = table().into_iter().map(|(path, _)| path.to_string()).collect();
    let missing: Vec<&String> = registered.difference(&covered).collect();
    assert!(missing.is_empty(), "server functions without an isolation case: {missing:?}");
    let stale: Vec<&String> = covered.difference(&registered).collect();
    assert!(stale.is_empty(), "cases for server functions that no longer exist: {stale:?}");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn another_accounts_ids_get_the_answer_a_random_id_gets_and_change_nothing(pool: PgPool) {
    prepare(&pool).await;
    let app = router(pool.clone());
    let a = sign_up(&app, "Agency%20A", "a%40a.example").await;
    let ids = account_a(&app, &pool, &a).await;
    let b = sign_up(&app, "Agency%20B", "b%40b.example").await;
    let before = snapshot(&pool).await;

    for (path, case) in table() {
        match case {
            Call::Public | Call::OwnSessions | Call::OwnAccount => {}
            Call::Listing(args) => {
                let answer = call(&app, Some(&b), path, &args()).await;
                assert!(answer.status.is_success(), "{path}: {} {}", answer.status, answer.body);
                for secret in ["Secret", "ana@a.example", "a-committed.csv", "row@a.example"] {
                    assert!(!answer.body.contains(secret), "{path} showed B some of A's data: {}", answer.body);
                }
            }
            Call::WithId(theirs, random) => {
                let with_theirs = call(&app, Some(&b), path, &theirs(&ids)).await;
                let with_random = call(&app, Some(&b), path, &random(Uuid::new_v4())).await;
                assert_eq!(with_theirs.status, with_random.status, "{path}: {} vs {}", with_theirs.body, with_random.body);
                assert_eq!(with_theirs.body, with_random.body, "{path}");
                assert!(!with_theirs.body.contains("Secret"), "{path} showed B some of A's data");
            }
        }
    }
    // B's own open import (from the Listing case) is B's; A's data is as it was.
    let after: Vec<String> = snapshot(&pool).await.into_iter().filter(|row| !row.contains("|open|")).collect();
    let before: Vec<String> = before.into_iter().filter(|row| !row.contains("|open|")).collect();
    assert_eq!(before, after, "B's calls changed A's data");
    let a_open: String = sqlx::query_scalar("SELECT status FROM imports WHERE id = $1").bind(ids.open_import).fetch_one(&pool).await.expect("status");
    assert_eq!(a_open, "open");

    // Pages that take an id say "not found" for A's ids exactly as for random ones.
    for (theirs, random) in [
        (format!("/contacts/{}", ids.contact), format!("/contacts/{}", Uuid::new_v4())),
        (format!("/imports/{}", ids.committed_import), format!("/imports/{}", Uuid::new_v4())),
    ] {
        let with_theirs = send(&app, Method::GET, &theirs, Some(&b), "none", "").await;
        let with_random = send(&app, Method::GET, &random, Some(&b), "none", "").await;
        assert_eq!(with_theirs.status, with_random.status, "{theirs}");
        assert_eq!(with_theirs.status, StatusCode::NOT_FOUND, "{theirs}");
        assert!(with_theirs.body.contains("We couldn") && with_random.body.contains("We couldn"), "{theirs}");
        assert!(!with_theirs.body.contains("Secret") && !with_theirs.body.contains("a-committed.csv"), "{theirs} leaked");
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn without_a_session_server_functions_answer_401_and_pages_send_to_sign_in(pool: PgPool) {
    prepare(&pool).await;
    let app = router(pool.clone());
    let ids = Ids { contact: Uuid::new_v4(), committed_import: Uuid::new_v4(), open_import: Uuid::new_v4(), notification: Uuid::new_v4() };
    for (path, case) in table() {
        let args = match case {
            Call::Public => continue,
            Call::OwnSessions => json!({}),
            Call::OwnAccount => json!({"country": "GB"}),
            Call::Listing(args) => args(),
            Call::WithId(theirs, _) => theirs(&ids),
        };
        let answer = call(&app, None, path, &args).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{path}: {}", answer.body);
    }
    for page in ["/contacts", "/contacts/import", "/imports", "/exports/contacts.csv", "/downloads/contacts-template.xlsx"] {
        let answer = send(&app, Method::GET, page, None, "none", "").await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{page}");
    }
}

#[test]
fn the_public_server_functions_are_the_ones_the_sign_in_wall_lets_through() {
    let public: BTreeSet<&str> = table().into_iter().filter(|(_, case)| matches!(case, Call::Public)).map(|(path, _)| path).collect();
    assert_eq!(public, server::security::PUBLIC_SERVER_FUNCTIONS.into_iter().collect());
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn an_unauthenticated_25_mb_post_is_refused_before_it_is_read(pool: PgPool) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    prepare(&pool).await;
    let app = router(pool.clone());
    const SIZE: usize = 25 * 1000 * 1000;
    const CHUNK: usize = 64 * 1024;
    let mut paths: Vec<String> = table()
        .into_iter()
        .filter(|(_, case)| !matches!(case, Call::Public))
        .map(|(path, _)| path.to_string())
        .collect();
    paths.push("/api/files/check?name=contacts.csv".into());
    for path in paths {
        // A body that counts what is taken from it, made as it is read.
        let taken = Arc::new(AtomicUsize::new(0));
        let counter = taken.clone();
        let chunks = futures::stream::iter((0..SIZE.div_ceil(CHUNK)).map(move |_| {
            counter.fetch_add(CHUNK, Ordering::Relaxed);
            Ok::<_, std::io::Error>(axum::body::Bytes::from(vec![b'{'; CHUNK]))
        }));
        let request = Request::builder()
            .method(Method::POST)
            .uri(&path)
            .header(header::HOST, "127.0.0.1:3000")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::CONTENT_LENGTH, SIZE);
        let request = support::from_client(request, support::CLIENT).body(Body::from_stream(chunks)).expect("a request");
        let response = app.clone().oneshot(request).await.expect("an answer");
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(taken.load(Ordering::Relaxed), 0, "{path} read the body of a caller without a session");
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_cross_origin_post_is_refused(pool: PgPool) {
    prepare(&pool).await;
    let app = router(pool.clone());
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/sign_up")
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("organisation=X&name=&email=x%40x.example&password=correct%20horse%20battery"))
        .expect("a request");
    let response = app.clone().oneshot(request).await.expect("an answer");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let accounts: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts").fetch_one(&pool).await.expect("a count");
    assert_eq!(accounts, 0, "the refused request created an account");
}
