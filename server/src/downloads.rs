//! File downloads that are not pages: the import template and the example.

use std::sync::OnceLock;

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// `/downloads/contacts-template.xlsx` and `/downloads/contacts-example.xlsx`.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/downloads/contacts-template.xlsx", get(template))
        .route("/downloads/contacts-example.xlsx", get(example))
}

async fn template() -> Response {
    static TEMPLATE: OnceLock<Option<Vec<u8>>> = OnceLock::new();
    let bytes = TEMPLATE.get_or_init(|| written("template", sheets::write::xlsx(&rules::workbooks::template())));
    xlsx(bytes.as_deref(), "contacts-template.xlsx")
}

async fn example() -> Response {
    static EXAMPLE: OnceLock<Option<Vec<u8>>> = OnceLock::new();
    let bytes = EXAMPLE.get_or_init(|| written("example", sheets::write::xlsx(&rules::workbooks::example())));
    xlsx(bytes.as_deref(), "contacts-example.xlsx")
}

fn written(what: &str, result: Result<Vec<u8>, sheets::write::WriteError>) -> Option<Vec<u8>> {
    result
        .map_err(|error| tracing::error!(%error, what, "writing a download failed"))
        .ok()
}

/// An xlsx attachment, or a plain apology when it could not be written.
pub fn xlsx(bytes: Option<&[u8]>, file_name: &str) -> Response {
    match bytes {
        Some(bytes) => (
            [
                (header::CONTENT_TYPE, XLSX.to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\"")),
                (header::CACHE_CONTROL, "private, max-age=300".to_string()),
            ],
            bytes.to_vec(),
        )
            .into_response(),
        None => (StatusCode::INTERNAL_SERVER_ERROR, "The file could not be prepared. Please try again later.").into_response(),
    }
}
