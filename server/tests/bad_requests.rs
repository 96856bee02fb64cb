//! Malformed requests, through the whole router (no socket): oversized
//! bodies on every kind of route, wrong content types, malformed
//! server-function payloads and unknown `/api/` paths get a 4xx — never a
//! 5xx, never a panic — and server functions say what is wrong in a plain
//! sentence. Nothing is written by any of them.
//!
//! The tables below are the test: each case names a request and the status
//! (or class of status) it must get.

use crate::support;

use axum::body::{Body, Bytes};
use axum::http::{header, Method, Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;
use axum::Router;
use rules::headers::{ImportColumns, ImportRow};
use rules::merge::MergeMode;
use rules::{ContactFields, Field, FieldSet};
use serde_json::{json, Value};
use sqlx::PgPool;
use app::error::AppError;
use store::model::{NewImport, UploadedRow};
use support::{call, prepare, router, send, sign_up, Answer, POSTCARD};
use uuid::Uuid;

/// The test router's body limit for everything but the file check.
const LIMIT: usize = 8 * 1024 * 1024;
/// The file check's: the largest file allowed plus a little.
const FILE_LIMIT: usize = rules::Limits::DEFAULT.max_file_bytes as usize + 64 * 1024;

const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";
const OCTETS: &str = "application/octet-stream";
const TEXT: &str = "text/plain";

/// What a case must be answered with.
#[derive(Clone, Copy, Debug)]
enum Expect {
    /// Exactly this status.
    Status(StatusCode),
    /// Some 4xx (several are right, e.g. 404 or 405 for an unknown path).
    ClientError,
}

/// How the body is sent.
enum Payload {
    /// With a Content-Length.
    Sized(Vec<u8>),
    /// Streamed in chunks without a Content-Length (as `Transfer-Encoding:
    /// chunked` arrives), so the limit is only found while reading.
    Streamed(Vec<u8>),
}

impl Payload {
    fn body(self) -> Body {
        match self {
            Payload::Sized(bytes) => Body::from(bytes),
            Payload::Streamed(bytes) => {
                let chunks: Vec<Result<Bytes, std::io::Error>> =
                    bytes.chunks(64 * 1024).map(|chunk| Ok(Bytes::copy_from_slice(chunk))).collect();
                Body::from_stream(futures::stream::iter(chunks))
            }
        }
    }
}

struct Case {
    name: &'static str,
    method: Method,
    path: String,
    content_type: &'static str,
    payload: Payload,
    expect: Expect,
    /// Whether the answer must carry a plain sentence.
    sentence: bool,
}

/// A case whose answer must carry a plain sentence when it is a 413.
fn case(name: &'static str, path: &str, content_type: &'static str, payload: Payload, expect: Expect) -> Case {
    let sentence = matches!(expect, Expect::Status(StatusCode::PAYLOAD_TOO_LARGE));
    Case { name, method: Method::POST, path: path.to_string(), content_type, payload, expect, sentence }
}

fn function(name: &'static str, path: &str, content_type: &'static str, body: impl Into<Vec<u8>>) -> Case {
    Case {
        name,
        method: Method::POST,
        path: path.to_string(),
        content_type,
        payload: Payload::Sized(body.into()),
        expect: Expect::ClientError,
        sentence: true,
    }
}

/// `bytes` of JSON: a valid call of `list_contacts` padded with a long
/// search text, so only its size is wrong.
fn big_json(bytes: usize) -> Vec<u8> {
    json!({"query": {"search": "x".repeat(bytes), "category": null, "sort": "name", "after": null}})
        .to_string()
        .into_bytes()
}

/// `bytes` of a form: a sign-in with a long password.
fn big_form(bytes: usize) -> Vec<u8> {
    format!("email=a%40a.example&password={}", "x".repeat(bytes)).into_bytes()
}

fn new_import() -> Value {
    serde_json::to_value(NewImport {
        file_name: "contacts.csv".into(),
        file_sha256: "ab".repeat(32),
        file_size: 100,
        sheet_name: "contacts".into(),
        mode: MergeMode::KeepExisting,
        columns: ImportColumns::from_present(FieldSet::of(&[Field::FirstName, Field::LastName, Field::Email])),
        row_count: 3,
    })
    .expect("json")
}

fn row(line: u32, email: &str) -> UploadedRow {
    let values = ContactFields::from_pairs([(Field::FirstName, "Ada"), (Field::LastName, "Row"), (Field::Email, email)]);
    UploadedRow { row: ImportRow::new(line, values), preview: None, duplicate: Default::default() }
}

/// An `upload_rows` body, in postcard as the browser sends it.
fn upload(import_id: Uuid, rows: Vec<UploadedRow>) -> Vec<u8> {
    postcard::to_allocvec(&app::import_api::UploadRows { import_id, rows }).expect("postcard")
}

/// `[[[[…1…]]]]`, `depth` deep.
fn nested(depth: usize) -> String {
    format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
}

/// What the user is told for an answer: a server function's error is an
/// encoded [`AppError`], which the browser decodes and shows as its text;
/// the file check's is `{"error": "…"}`; other routes answer in text.
fn sentence_of(body: &str) -> Option<String> {
    if let Ok(error) = serde_json::from_str::<AppError>(body) {
        return Some(error.to_string());
    }
    match serde_json::from_str::<Value>(body) {
        Ok(Value::Object(map)) => map.get("error").and_then(Value::as_str).map(str::to_string),
        Ok(_) => None,
        Err(_) => Some(body.to_string()).filter(|text| !text.starts_with('<')),
    }
}

/// Why `answer` does not carry a plain sentence, if it does not.
fn not_a_plain_sentence(answer: &Answer) -> Option<String> {
    let Some(sentence) = sentence_of(&answer.body) else {
        return Some("no sentence".into());
    };
    if !(sentence.ends_with('.') && sentence.len() < 400 && sentence.starts_with(char::is_uppercase)) {
        return Some(format!("not a sentence: {sentence:?}"));
    }
    ["line ", "column ", "expected", "serde", "invalid type", "Error(", "panicked", "unwrap"]
        .into_iter()
        .find(|leak| sentence.contains(leak))
        .map(|leak| format!("shows internals ({leak:?}): {sentence:?}"))
}

async fn run(app: &Router, cookie: Option<&str>, cases: Vec<Case>) {
    let mut failures = Vec::new();
    for case in cases {
        let streamed = if matches!(case.payload, Payload::Streamed(_)) { " (streamed)" } else { "" };
        let name = format!("{}{streamed}", case.name);
        let name = name.as_str();
        let (expect, sentence) = (case.expect, case.sentence);
        let answer = deliver(app, case, cookie).await;
        let ok = match expect {
            Expect::Status(status) => answer.status == status,
            Expect::ClientError => answer.status.is_client_error(),
        };
        if !ok {
            failures.push(format!("{name}: expected {expect:?}, got {} {:?}", answer.status, truncate(&answer.body)));
            continue;
        }
        if let Some(problem) = sentence.then(|| not_a_plain_sentence(&answer)).flatten() {
            failures.push(format!("{name}: {} {problem}", answer.status));
        }
    }
    assert!(failures.is_empty(), "{} case(s) answered wrongly:\n{}", failures.len(), failures.join("\n"));
}

/// Sends `case` through the router, announcing the body's length unless it
/// is streamed.
async fn deliver(app: &Router, case: Case, cookie: Option<&str>) -> Answer {
    let request = Request::builder().method(case.method).uri(&case.path).header(header::HOST, "127.0.0.1:3000");
    let mut request = support::from_client(request, support::CLIENT);
    if case.content_type != "none" {
        request = request.header(header::CONTENT_TYPE, case.content_type);
    }
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    if let Payload::Sized(bytes) = &case.payload {
        request = request.header(header::CONTENT_LENGTH, bytes.len());
    }
    let response = app.clone().oneshot(request.body(case.payload.body()).expect("a request")).await.expect("an answer");
    let status = response.status();
    let bytes = response.into_body().collect().await.expect("a body").to_bytes();
    Answer { status, body: String::from_utf8_lossy(&bytes).into_owned(), bytes: bytes.to_vec(), cookie: None, headers: Default::default() }
}

fn truncate(text: &str) -> String {
    text.chars().take(300).collect()
}

async fn written(pool: &PgPool) -> (i64, i64, i64) {
    sqlx::query_as(
        "SELECT (SELECT count(*) FROM contacts), (SELECT count(*) FROM imports), (SELECT count(*) FROM import_staging)",
    )
    .fetch_one(pool)
    .await
    .expect("counts")
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn oversized_bodies_get_413_on_every_kind_of_route(pool: PgPool) {
    prepare(&pool).await;
    let app = router(pool.clone());
    let cookie = sign_up(&app, "Agency", "a%40a.example").await;
    let over = LIMIT + 1024;
    let too_large = Expect::Status(StatusCode::PAYLOAD_TOO_LARGE);
    let mut cases = Vec::new();
    for streamed in [false, true] {
        let payload = |bytes: Vec<u8>| if streamed { Payload::Streamed(bytes) } else { Payload::Sized(bytes) };
        // Routes that read the body find out while reading when no length
        // was announced; the others answer without reading it.
        let unread = if streamed { Expect::ClientError } else { too_large };
        cases.extend([
            case("JSON server function", "/api/list_contacts", JSON, payload(big_json(over)), too_large),
            case("postcard server function, upload", "/api/upload_rows", POSTCARD, payload(vec![7u8; over]), too_large),
            case("form server function", "/api/sign_in", FORM, payload(big_form(over)), too_large),
            case("the file check", "/api/files/check?name=big.csv", OCTETS, payload(vec![b'a'; FILE_LIMIT + 1024]), too_large),
            case("a page", "/contacts", TEXT, payload(vec![b'a'; over]), unread),
            case("an unknown path", "/nowhere", TEXT, payload(vec![b'a'; over]), unread),
            case("an unknown server function", "/api/nowhere", JSON, payload(big_json(over)), unread),
            case("a download", "/downloads/contacts-template.xlsx", OCTETS, payload(vec![b'a'; over]), unread),
        ]);
    }
    // A GET of a page with a large announced body.
    cases.push(Case {
        name: "GET of a page with a body",
        method: Method::GET,
        path: "/contacts".into(),
        content_type: TEXT,
        payload: Payload::Sized(vec![b'a'; over]),
        expect: too_large,
        sentence: true,
    });
    // The file check's limit is the file size limit, not the API's.
    cases.push(case(
        "a file between the API's limit and the file limit",
        "/api/files/check?name=big.csv",
        OCTETS,
        Payload::Sized(vec![b'a'; over]),
        Expect::Status(StatusCode::OK),
    ));
    let before = written(&pool).await;
    run(&app, Some(&cookie), cases).await;
    assert_eq!(written(&pool).await, before, "an oversized request wrote something");

    // Just under the limit is read (and refused for what it says, not its size).
    let under = call(&app, Some(&cookie), "/api/list_contacts", &serde_json::from_slice(&big_json(LIMIT - 1024)).expect("json")).await;
    assert_ne!(under.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", truncate(&under.body));
    assert!(!under.status.is_server_error(), "{} {}", under.status, truncate(&under.body));
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn wrong_content_types_get_a_4xx(pool: PgPool) {
    prepare(&pool).await;
    let app = router(pool.clone());
    let cookie = sign_up(&app, "Agency", "a%40a.example").await;
    let cases = vec![
        function("JSON function sent as a form", "/api/list_contacts", FORM, "query=abc&sort=name"),
        function("JSON function sent as text", "/api/get_contact", TEXT, "id=123"),
        function("JSON function sent as octets", "/api/open_import", OCTETS, vec![0u8, 159, 146, 150, 1, 2, 3]),
        function("JSON function sent as multipart", "/api/confirm_import", "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"import_id\"\r\n\r\nabc\r\n--x--\r\n"),
        function("postcard function sent as XML", "/api/upload_rows", "application/xml", "<rows><row/></rows>"),
        function("postcard function sent as JSON", "/api/upload_rows", JSON, r#"{"import_id": "5f0e2b7c-0000-4000-8000-000000000000", "rows": []}"#),
        function("look-up keys sent as JSON, as they were once", "/api/existing_contacts", JSON, r#"{"keys": {"references": ["a-1"], "emails": []}}"#),
        function("similar-contact keys sent as JSON, as they were once", "/api/similar_contacts", JSON, r#"{"keys": {"phones": ["15550101"], "postcodes": [], "name_starts": []}}"#),
        function("form function sent as JSON", "/api/sign_in", JSON, r#"{"email": "a@a.example", "password": "wrong"}"#),
        function("form function sent as octets", "/api/sign_up", OCTETS, vec![0xff, 0xfe, 0x00, 0x41]),
        function("form function sent as multipart", "/api/sign_in", "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\na\r\n--x--\r\n"),
        function("a nonsense content type", "/api/list_contacts", "this/is not; a=type", "{"),
        Case { name: "no content type, garbage body", method: Method::POST, path: "/api/list_contacts".into(), content_type: "none", payload: Payload::Sized(b"\x00\x01garbage".to_vec()), expect: Expect::ClientError, sentence: true },
        // The file check reads bytes whatever they are labelled.
        case("a PDF labelled JSON to the file check", "/api/files/check?name=a.xlsx", JSON, Payload::Sized(b"%PDF-1.4\n%%EOF\n".to_vec()), Expect::Status(StatusCode::UNSUPPORTED_MEDIA_TYPE)),
    ];
    let before = written(&pool).await;
    run(&app, Some(&cookie), cases).await;
    assert_eq!(written(&pool).await, before, "a request with a wrong content type wrote something");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn malformed_server_function_payloads_get_a_4xx_with_a_plain_sentence(pool: PgPool) {
    prepare(&pool).await;
    let app = router(pool.clone());
    let cookie = sign_up(&app, "Agency", "a%40a.example").await;
    // An open import to aim malformed uploads at.
    let opened = call(&app, Some(&cookie), "/api/open_import", &json!({"import": new_import()})).await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.body);
    let import: Uuid = serde_json::from_str(&opened.body).expect("an import id");
    let before = written(&pool).await;

    let body = |value: Value| value.to_string();
    let many_rows: Vec<UploadedRow> =
        (0..store::imports::MAX_ROWS_PER_UPLOAD as u32 + 1).map(|n| row(n + 2, &format!("r{n}@a.example"))).collect();
    let many_keys: Vec<String> = (0..5_001).map(|n| format!("k{n}")).collect();
    let many_ids: Vec<String> = (0..10_001).map(|_| Uuid::new_v4().to_string()).collect();

    let cases = vec![
        // Not JSON at all.
        function("empty body", "/api/list_contacts", JSON, ""),
        function("truncated JSON", "/api/list_contacts", JSON, r#"{"query": {"search": "#),
        function("JSON with a trailing comma", "/api/get_contact", JSON, format!(r#"{{"id": "{}",}}"#, Uuid::new_v4())),
        function("not UTF-8", "/api/list_contacts", JSON, b"{\"query\": {\"search\": \"\xff\xfe\xfd\"}}".to_vec()),
        function("a lone surrogate", "/api/list_contacts", JSON, r#"{"query": {"search": "\ud800", "category": null, "sort": "name", "after": null}}"#),
        function("a NUL byte", "/api/list_contacts", JSON, b"{\"query\"\x00: 1}".to_vec()),
        function("JSON null", "/api/get_contact", JSON, "null"),
        function("a JSON array", "/api/get_contact", JSON, "[1, 2, 3]"),
        function("a JSON string", "/api/confirm_import", JSON, r#""confirm""#),
        function("a JSON number", "/api/undo_import", JSON, "1e400"),
        function("deeply nested JSON", "/api/list_contacts", JSON, format!(r#"{{"query": {}}}"#, nested(100_000))),
        function("deeply nested objects", "/api/save_contact", JSON, format!("{}{}", r#"{"a":"#.repeat(50_000), "}".repeat(50_000))),
        // Missing and wrong fields.
        function("missing argument", "/api/get_contact", JSON, "{}"),
        function("misspelt argument", "/api/get_contact", JSON, body(json!({"idd": Uuid::new_v4()}))),
        function("an id that is not a uuid", "/api/get_contact", JSON, body(json!({"id": "not-a-uuid"}))),
        function("an id that is a number", "/api/delete_contact", JSON, body(json!({"id": 7, "version": 1}))),
        function("a version that is text", "/api/delete_contact", JSON, body(json!({"id": Uuid::new_v4(), "version": "one"}))),
        function("a version out of range", "/api/delete_contact", JSON, body(json!({"id": Uuid::new_v4(), "version": 1e12}))),
        function("a negative page", "/api/import_detail", JSON, body(json!({"import_id": import, "page": -1}))),
        function("an unknown sort", "/api/list_contacts", JSON, body(json!({"query": {"search": "", "category": null, "sort": "shoe size", "after": null}}))),
        function("an unknown category", "/api/list_contacts", JSON, body(json!({"query": {"search": "", "category": "Dragon", "sort": "name", "after": null}}))),
        function("a cursor of the wrong shape", "/api/list_contacts", JSON, body(json!({"query": {"search": "", "category": null, "sort": "updated", "after": {"key": 5}}}))),
        // A cursor lives in the page's URL, where a hand-edited one is read
        // as "from the start" rather than refused.
        Case {
            expect: Expect::Status(StatusCode::OK),
            sentence: false,
            ..function("a cursor with a bad timestamp", "/api/list_contacts", JSON, body(json!({"query": {"search": "", "category": null, "sort": "updated", "after": {"key": "yesterday", "id": Uuid::new_v4()}}})))
        },
        function("fields that are not a list", "/api/save_contact", JSON, body(json!({"id": null, "version": null, "fields": "Ada"}))),
        function("too few contact fields", "/api/save_contact", JSON, body(json!({"id": null, "version": null, "fields": vec!["x"; Field::COUNT - 1]}))),
        function("too many contact fields", "/api/save_contact", JSON, body(json!({"id": null, "version": null, "fields": vec!["x"; Field::COUNT + 1]}))),
        function("a contact field that is a number", "/api/save_contact", JSON, body(json!({"id": null, "version": null, "fields": vec![json!(1); Field::COUNT]}))),
        function("an import without columns", "/api/open_import", JSON, body(json!({"import": {"file_name": "a.csv"}}))),
        function("an unknown mode", "/api/open_import", JSON, {
            let mut value = new_import();
            value["mode"] = json!("merge_everything");
            body(json!({"import": value}))
        }),
        function("a negative row count", "/api/open_import", JSON, {
            let mut value = new_import();
            value["row_count"] = json!(-5);
            body(json!({"import": value}))
        }),
        function("a row count over the limit", "/api/open_import", JSON, {
            let mut value = new_import();
            value["row_count"] = json!(10_000_000);
            body(json!({"import": value}))
        }),
        function("a bad SHA-256", "/api/open_import", JSON, {
            let mut value = new_import();
            value["file_sha256"] = json!("not a hash");
            body(json!({"import": value}))
        }),
        function("an empty file name", "/api/open_import", JSON, {
            let mut value = new_import();
            value["file_name"] = json!("   ");
            body(json!({"import": value}))
        }),
        // Uploads (postcard): malformed bodies, bad lines, too many rows.
        function("an empty upload", "/api/upload_rows", POSTCARD, ""),
        function("a truncated upload", "/api/upload_rows", POSTCARD, {
            let bytes = upload(import, vec![row(2, "a@a.example")]);
            bytes[..bytes.len() / 2].to_vec()
        }),
        function("a row with too few cells", "/api/upload_rows", POSTCARD, {
            let values: [String; Field::COUNT - 1] = std::array::from_fn(|_| "x".to_string());
            postcard::to_allocvec(&(import, vec![(2u32, values, 0u32, None::<(Uuid, i32)>)])).expect("postcard")
        }),
        function("a line beyond u32", "/api/upload_rows", POSTCARD, {
            let values: [String; Field::COUNT] = std::array::from_fn(|_| "x".to_string());
            postcard::to_allocvec(&(import, vec![(1u64 << 40, values, 0u32, None::<(Uuid, i32)>)])).expect("postcard")
        }),
        function("a preview of the wrong shape", "/api/upload_rows", POSTCARD, {
            let values: [String; Field::COUNT] = std::array::from_fn(|_| "x".to_string());
            postcard::to_allocvec(&(import, vec![(2u32, values, 0u32, Some(("nope", "x")))])).expect("postcard")
        }),
        function("a row on line 0", "/api/upload_rows", POSTCARD, upload(import, vec![row(0, "a@a.example")])),
        function("a row on line 1 (the header)", "/api/upload_rows", POSTCARD, upload(import, vec![row(1, "a@a.example")])),
        function("the same line twice", "/api/upload_rows", POSTCARD, upload(import, vec![row(2, "a@a.example"), row(2, "b@a.example")])),
        function("a cell longer than a spreadsheet's", "/api/upload_rows", POSTCARD, {
            let mut long = row(2, "a@a.example");
            long.row.values.set(Field::Notes, "n".repeat(40_000));
            upload(import, vec![long])
        }),
        function("a cell holding a NUL character", "/api/upload_rows", POSTCARD, {
            let mut nul = row(2, "a@a.example");
            nul.row.values.set(Field::Notes, "before\0after");
            upload(import, vec![nul])
        }),
        function("more rows than the import was opened for", "/api/upload_rows", POSTCARD, upload(import, (0..4).map(|n| row(n + 2, &format!("m{n}@a.example"))).collect())),
        function("more rows than one upload takes", "/api/upload_rows", POSTCARD, upload(import, many_rows)),
        function("a truncated look-up", "/api/existing_contacts", POSTCARD, {
            let keys = rules::check::LookupKeys { references: vec!["a-1".into(), "b-2".into()], emails: vec!["a@a.example".into()] };
            let bytes = postcard::to_allocvec(&app::import_api::ExistingContacts { keys }).expect("postcard");
            bytes[..bytes.len() / 2].to_vec()
        }),
        function("an empty similar-contacts look-up", "/api/similar_contacts", POSTCARD, ""),
        function("more lookup keys than one call takes", "/api/existing_contacts", POSTCARD, {
            let keys = rules::check::LookupKeys { references: many_keys, emails: Vec::new() };
            postcard::to_allocvec(&app::import_api::ExistingContacts { keys }).expect("postcard")
        }),
        function("more notifications than one call marks", "/api/mark_notifications_read", JSON, body(json!({"ids": many_ids}))),
        function("confirm before the rows arrived", "/api/confirm_import", JSON, body(json!({"import_id": import}))),
        // Form-encoded sign-in with broken encodings.
        function("a form with broken percent-encoding", "/api/sign_in", FORM, "email=%zz&password=%"),
        function("a form that is not UTF-8", "/api/sign_in", FORM, b"email=\xff\xfe&password=x".to_vec()),
        function("a form without the password", "/api/sign_in", FORM, "email=a%40a.example"),
        function("a sign-up without an email", "/api/sign_up", FORM, "organisation=X&name=Y&password=correct%20horse%20battery"),
    ];
    run(&app, Some(&cookie), cases).await;
    assert_eq!(written(&pool).await, before, "a malformed request wrote something");
    let status: String = sqlx::query_scalar("SELECT status FROM imports WHERE id = $1").bind(import).fetch_one(&pool).await.expect("status");
    assert_eq!(status, "open", "malformed uploads changed the import");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn unknown_api_paths_and_methods_get_a_4xx(pool: PgPool) {
    prepare(&pool).await;
    let app = router(pool.clone());
    let cookie = sign_up(&app, "Agency", "a%40a.example").await;
    let mut failures = Vec::new();
    for signed_in in [true, false] {
        let cookie = signed_in.then_some(cookie.as_str());
        for (method, path) in [
            (Method::POST, "/api/nowhere"),
            (Method::POST, "/api/list_contacts/extra"),
            (Method::POST, "/api/"),
            (Method::POST, "/api"),
            (Method::POST, "/api/../api/list_contacts%00"),
            (Method::POST, "/api/LIST_CONTACTS"),
            (Method::GET, "/api/nowhere"),
            (Method::GET, "/api/list_contacts"),
            (Method::PUT, "/api/list_contacts"),
            (Method::DELETE, "/api/get_contact"),
            (Method::PATCH, "/api/files/check?name=a.csv"),
            (Method::GET, "/api/files/check?name=a.csv"),
            (Method::POST, "/downloads/nothing.xlsx"),
            (Method::POST, "/exports/contacts.pdf"),
            (Method::GET, "/pkg/../../Cargo.toml"),
            (Method::GET, "/pkg/%2e%2e/%2e%2e/Cargo.toml"),
        ] {
            let answer = send(&app, method.clone(), path, cookie, JSON, "{}").await;
            if !answer.status.is_client_error() {
                failures.push(format!("{method} {path} (signed in: {signed_in}): {} {:?}", answer.status, truncate(&answer.body)));
            }
        }
    }
    assert!(failures.is_empty(), "{} path(s) answered wrongly:\n{}", failures.len(), failures.join("\n"));
}
