//! `POST /api/files/check`: the server reads posted bytes with the same
//! rules as the browser and refuses what cannot be imported with a 4xx and
//! the same plain sentence, writing nothing.

mod support;

use axum::http::{Method, StatusCode};
use serde_json::Value;
use sqlx::PgPool;
use support::{prepare, router, router_with_limits, send, sign_up};

const OCTETS: &str = "application/octet-stream";

async fn contacts_and_imports(pool: &PgPool) -> (i64, i64) {
    let contacts: i64 = sqlx::query_scalar("SELECT count(*) FROM contacts").fetch_one(pool).await.expect("count");
    let imports: i64 = sqlx::query_scalar("SELECT count(*) FROM imports").fetch_one(pool).await.expect("count");
    (contacts, imports)
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_readable_workbook_gets_its_summary(pool: PgPool) {
    prepare(&pool).await;
    let app = router(pool.clone());
    let cookie = sign_up(&app, "Agency", "a%40a.example").await;
    let example = sheets::write::xlsx(&rules::workbooks::example()).expect("the example");
    let answer = send(&app, Method::POST, "/api/files/check?name=contacts-example.xlsx", Some(&cookie), OCTETS, example).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let summary: Value = serde_json::from_str(&answer.body).expect("json");
    assert_eq!(summary["sheet"], "Contacts");
    assert_eq!(summary["rows"], rules::workbooks::example_contacts().len());
    assert_eq!(summary["recognised"].as_array().map(Vec::len), Some(rules::Field::COUNT));
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn files_that_cannot_be_imported_get_a_4xx_with_a_plain_sentence(pool: PgPool) {
    prepare(&pool).await;
    let limits = rules::Limits { max_file_bytes: 64 * 1024, ..rules::Limits::DEFAULT };
    let app = router_with_limits(pool.clone(), limits);
    let cookie = sign_up(&app, "Agency", "a%40a.example").await;
    let before = contacts_and_imports(&pool).await;
    let cases: Vec<(&str, Vec<u8>, StatusCode, &str)> = vec![
        ("report.xlsx", b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n".to_vec(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "not a spreadsheet"),
        ("empty.csv", Vec::new(), StatusCode::UNPROCESSABLE_ENTITY, "empty"),
        ("big.csv", vec![b'a'; 70 * 1024], StatusCode::PAYLOAD_TOO_LARGE, "largest file"),
        ("broken.xlsx", b"PK\x03\x04 not really a zip".to_vec(), StatusCode::UNPROCESSABLE_ENTITY, ""),
    ];
    for (name, bytes, status, words) in cases {
        let answer = send(&app, Method::POST, &format!("/api/files/check?name={name}"), Some(&cookie), OCTETS, bytes).await;
        assert_eq!(answer.status, status, "{name}: {}", answer.body);
        let refusal: Value = serde_json::from_str(&answer.body).expect("json");
        let sentence = refusal["error"].as_str().expect("a sentence");
        assert!(sentence.to_lowercase().contains(words), "{name}: {sentence}");
        assert!(sentence.ends_with('.'), "{name}: {sentence}");
    }
    assert_eq!(contacts_and_imports(&pool).await, before, "a refused file wrote something");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_file_check_needs_a_session_and_a_name(pool: PgPool) {
    prepare(&pool).await;
    let app = router(pool.clone());
    let anonymous = send(&app, Method::POST, "/api/files/check?name=a.csv", None, OCTETS, "a,b\n1,2\n").await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let cookie = sign_up(&app, "Agency", "a%40a.example").await;
    let nameless = send(&app, Method::POST, "/api/files/check", Some(&cookie), OCTETS, "a,b\n1,2\n").await;
    assert_eq!(nameless.status, StatusCode::BAD_REQUEST);
}
