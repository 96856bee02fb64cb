//! `POST /api/files/check?name=<file name>`: the server's verdict on a file
//! posted as raw bytes — what the browser's reader says, said by the server
//! (same rules, same limits). A readable file gets its summary; anything
//! else a 4xx with the same plain sentence the browser shows, and nothing
//! is written.
//!
//! Reading runs on a blocking thread, one file at a time per core, and a
//! panic in a reader is caught and answered as a damaged file.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::routing::post;
use axum::{Json, Router};
use rules::headers::HeaderMapping;
use sheets::read::{read_workbook, ReadError, Workbook};
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;

use app::error::{AppError, FileRefusal};
use app::server_context::{AppState, Caller};

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

/// Longest file name accepted (what file systems allow).
const MAX_FILE_NAME_CHARS: usize = 255;

/// The query string: `?name=<file name>`.
#[derive(Debug, Deserialize)]
struct FileQuery {
    name: Option<String>,
}

/// The route. Its body limit is the largest file's (see `body_limit`),
/// wider than the rest of the API's.
pub fn routes() -> Router<AppState> {
    let readers = Arc::new(Semaphore::new(std::thread::available_parallelism().map_or(2, |count| count.get())));
    Router::new().route(crate::body_limit::FILE_CHECK, post(check)).layer(axum::Extension(readers))
}

/// The caller comes first: without a session the answer is 401 before the
/// body is read.
async fn check(
    _caller: Caller,
    State(state): State<AppState>,
    axum::Extension(readers): axum::Extension<Arc<Semaphore>>,
    query: Result<Query<FileQuery>, QueryRejection>,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<FileSummary>, AppError> {
    let say_the_name = || AppError::BadRequest("Add the file's name to the address (?name=contacts.xlsx) and send it again.".into());
    let name = query.map_err(|_| say_the_name())?.0.name.filter(|name| !name.is_empty()).ok_or_else(say_the_name)?;
    AppError::check_length("A file name", &name, MAX_FILE_NAME_CHARS)?;
    let bytes = bytes.map_err(|rejection| {
        tracing::warn!(%rejection, "the posted file could not be received");
        AppError::BadRequest("The file did not arrive whole. Try again.".into())
    })?;
    let _permit = readers.acquire().await.map_err(|_| AppError::Busy)?;
    let limits = state.limits;
    let read = tokio::task::spawn_blocking(move || {
        std::panic::catch_unwind(AssertUnwindSafe(|| read_workbook(&bytes, &name, None, &limits)))
    })
    .await;
    match read {
        Ok(Ok(Ok(workbook))) => Ok(Json(summary(workbook))),
        Ok(Ok(Err(error))) => Err(AppError::FileRefused { reason: refusal_for(&error), message: error.to_string() }),
        Ok(Err(_)) | Err(_) => {
            tracing::error!("the spreadsheet reader panicked on a posted file");
            Err(AppError::FileRefused {
                reason: FileRefusal::Unreadable,
                message: "This file is damaged and could not be read. Open it in Excel, save it again as .xlsx, and try again."
                    .into(),
            })
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

/// Over the size limit (413), not a spreadsheet (415), or a spreadsheet
/// that cannot be imported as it is (422).
fn refusal_for(error: &ReadError) -> FileRefusal {
    match error {
        ReadError::FileTooLarge { .. } => FileRefusal::TooLarge,
        ReadError::NotASpreadsheet { .. } => FileRefusal::NotASpreadsheet,
        _ => FileRefusal::Unreadable,
    }
}
