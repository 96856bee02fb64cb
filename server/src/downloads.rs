//! File downloads that are not pages: the import template and the example.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use app::error::AppError;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// `/downloads/contacts-template.xlsx` and `/downloads/contacts-example.xlsx`.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/downloads/contacts-template.xlsx", get(template))
        .route("/downloads/contacts-example.xlsx", get(example))
}

async fn template() -> Result<Response, AppError> {
    static TEMPLATE: OnceLock<Option<Vec<u8>>> = OnceLock::new();
    let bytes = TEMPLATE.get_or_init(|| written("template", sheets::write::xlsx(&rules::workbooks::template())));
    shared(bytes.as_deref(), "contacts-template.xlsx")
}

async fn example() -> Result<Response, AppError> {
    static EXAMPLE: OnceLock<Option<Vec<u8>>> = OnceLock::new();
    let bytes = EXAMPLE.get_or_init(|| written("example", sheets::write::xlsx(&rules::workbooks::example())));
    shared(bytes.as_deref(), "contacts-example.xlsx")
}

/// A file that is the same for every user: browsers may keep it a while.
fn shared(bytes: Option<&[u8]>, file_name: &str) -> Result<Response, AppError> {
    let mut response = xlsx(bytes.ok_or(AppError::Internal)?.to_vec(), file_name);
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("private, max-age=300"));
    Ok(response)
}

fn written(what: &str, result: Result<Vec<u8>, sheets::write::WriteError>) -> Option<Vec<u8>> {
    result
        .map_err(|error| tracing::error!(%error, what, "writing a download failed"))
        .ok()
}

/// An xlsx attachment (the caller decides how long it may be kept).
pub fn xlsx(bytes: Vec<u8>, file_name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, XLSX.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\"")),
        ],
        bytes,
    )
        .into_response()
}
