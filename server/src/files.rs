//! `POST /api/files/check?name=<file name>`: the server's verdict on a file
//! posted as raw bytes — what the browser's reader says, said by the server
//! (same rules, same limits). A readable file gets its summary; anything
//! else a 4xx with the same plain sentence the browser shows, and nothing
//! is written.
//!
//! Reading runs on a blocking thread, one file at a time per core, and a
//! panic in a reader is caught and answered as a damaged file.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use rules::headers::HeaderMapping;
use sheets::read::{read_workbook, ReadError, Workbook};
use rules::Limits;
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;
use tower_http::limit::RequestBodyLimitLayer;
use tower_sessions::Session;

use app::server_context::AppState;

/// What the server read in a file.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileSummary {
    pub format: rules::FileFormat,
    pub sheet_names: Vec<String>,
    pub sheet: String,
    pub rows: usize,
    pub recognised: Vec<String>,
    pub ignored: Vec<String>,
}

/// A refusal, as a sentence for the user.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Refusal {
    pub error: String,
}

/// The route, with a body limit of the largest file allowed (plus a little),
/// wider than the rest of the API's.
pub fn routes(limits: Limits) -> Router<AppState> {
    let body_limit = usize::try_from(limits.max_file_bytes).unwrap_or(usize::MAX).saturating_add(64 * 1024);
    let readers = Arc::new(Semaphore::new(std::thread::available_parallelism().map_or(2, |count| count.get())));
    Router::new()
        .route("/api/files/check", post(check))
        .layer(axum::Extension(readers))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(RequestBodyLimitLayer::new(body_limit))
}

async fn check(
    State(state): State<AppState>,
    session: Session,
    axum::Extension(readers): axum::Extension<Arc<Semaphore>>,
    Query(query): Query<HashMap<String, String>>,
    bytes: Bytes,
) -> Response {
    match app::auth::server::signed_in(&session).await {
        Ok(Some(_)) => {}
        Ok(None) => return refuse(StatusCode::UNAUTHORIZED, "Please sign in to continue.".into()),
        Err(error) => return refuse(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()),
    }
    let Some(name) = query.get("name").filter(|name| !name.is_empty()).cloned() else {
        return refuse(StatusCode::BAD_REQUEST, "Say the file's name: /api/files/check?name=contacts.xlsx".into());
    };
    let Ok(_permit) = readers.acquire().await else {
        return refuse(StatusCode::SERVICE_UNAVAILABLE, "The server is shutting down. Try again in a moment.".into());
    };
    let limits = state.limits;
    let read = tokio::task::spawn_blocking(move || {
        std::panic::catch_unwind(AssertUnwindSafe(|| read_workbook(&bytes, &name, None, &limits)))
    })
    .await;
    match read {
        Ok(Ok(Ok(workbook))) => Json(summary(workbook)).into_response(),
        Ok(Ok(Err(error))) => refuse(status_for(&error), error.to_string()),
        Ok(Err(_)) | Err(_) => {
            tracing::error!("the spreadsheet reader panicked on a posted file");
            refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                "This file is damaged and could not be read. Open it in Excel, save it again as .xlsx, and try again.".into(),
            )
        }
    }
}

fn summary(workbook: Workbook) -> FileSummary {
    let mapping = HeaderMapping::new(&workbook.sheet.headers);
    FileSummary {
        format: workbook.format,
        sheet_names: workbook.sheet_names,
        sheet: workbook.sheet.name,
        rows: workbook.sheet.rows.len(),
        recognised: mapping.recognised().map(|column| column.header.clone()).collect(),
        ignored: mapping.ignored().map(|column| column.header.clone()).collect(),
    }
}

/// 413 for a file over the size limit, 415 for what is not a spreadsheet,
/// 422 for a spreadsheet that cannot be imported as it is.
fn status_for(error: &ReadError) -> StatusCode {
    match error {
        ReadError::FileTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        ReadError::NotASpreadsheet { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

fn refuse(status: StatusCode, error: String) -> Response {
    (status, Json(Refusal { error })).into_response()
}
