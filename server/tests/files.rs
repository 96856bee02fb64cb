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

/// This process's resident memory (Linux: `VmRSS`), in bytes.
fn resident_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status.lines().find(|line| line.starts_with("VmRSS:")).expect("VmRSS");
    let kilobytes: u64 = line.trim_start_matches("VmRSS:").trim().trim_end_matches("kB").trim().parse().expect("a number");
    kilobytes * 1024
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn hostile_files_are_read_in_a_child_and_leave_the_servers_memory_where_it_was(pool: PgPool) {
    prepare(&pool).await;
    let mut config = support::config(rules::Limits::DEFAULT);
    config.file_check.reader.memory_bytes = 64 << 20;
    let app = support::router_with(pool.clone(), config);
    let cookie = sign_up(&app, "Agency", "a%40a.example").await;
    // Each of these makes a reader hold hundreds of megabytes (or gigabytes)
    // if it is read in the asking process; the child's 64 MB stop it.
    let names = ["zip-bomb.xlsx", "grid-bomb.xls", "dimension-lie.xls", "repeated-rows.ods", "100mb-shared-strings.xlsx"];
    let files: Vec<(&str, Vec<u8>)> =
        names.iter().map(|name| (*name, corpus::find(name).expect("a corpus kind").bytes())).collect();
    let before = resident_bytes();
    for (name, bytes) in files {
        let answer = send(&app, Method::POST, &format!("/api/files/check?name={name}"), Some(&cookie), OCTETS, bytes).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {}", answer.body);
        let refusal: Value = serde_json::from_str(&answer.body).expect("json");
        let sentence = refusal["error"].as_str().expect("a sentence");
        assert!(sentence.ends_with('.') && !sentence.contains("calamine"), "{name}: {sentence}");
        if name == "100mb-shared-strings.xlsx" {
            let stopped = sheets::read::ReadError::ReaderStopped { cause: sheets::read::ReaderStop::Memory };
            assert_eq!(sentence, stopped.to_string(), "{name}");
        }
    }
    let grown = resident_bytes().saturating_sub(before);
    assert!(grown < 48 << 20, "the server grew by {} MiB", grown >> 20);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn when_every_reading_slot_is_taken_the_check_answers_busy(pool: PgPool) {
    prepare(&pool).await;
    let mut config = support::config(rules::Limits::DEFAULT);
    config.file_check.slots = 0;
    let app = support::router_with(pool.clone(), config);
    let cookie = sign_up(&app, "Agency", "a%40a.example").await;
    let answer = send(&app, Method::POST, "/api/files/check?name=a.csv", Some(&cookie), OCTETS, "a,b\n1,2\n").await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE, "{}", answer.body);
    assert_eq!(answer.header("retry-after"), "2");
    let refusal: Value = serde_json::from_str(&answer.body).expect("json");
    assert_eq!(refusal["error"].as_str(), Some(app::error::AppError::Busy.to_string().as_str()));
}
