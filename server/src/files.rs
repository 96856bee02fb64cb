//! `POST /api/files/check?name=<file name>`: the server's verdict on a file
//! posted as raw bytes — what the browser's reader says, said by the server
//! (same rules, same limits). A readable file gets its summary; anything
//! else a 4xx with the same plain sentence the browser shows, and nothing
//! is written.
//!
//! Invariant: the server never parses a posted file itself. Each file is
//! read by a child process (this program run again as `server read-file`,
//! see `sheets::sandbox`) with its own address-space and CPU limits and a
//! wall-clock deadline, so whatever a file makes the reader do, the
//! server's memory and threads are untouched: a child that runs out of
//! memory or time, or crashes, is a plain "this file could not be read"
//! sentence. At most `FileCheckConfig::slots` children run at once; beyond
//! them the answer is 503 "busy" at once. Who is calling is decided
//! before the body is read (`security::require_sign_in`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::routing::post;
use axum::{Json, Router};
use rules::headers::HeaderMapping;
use serde::{Deserialize, Serialize};
use sheets::read::{HeaderRow, ReadError, RowsRead};
use sheets::sandbox::{ChildAnswer, Sandbox};
use tokio::sync::Semaphore;

use crate::config::FileCheckConfig;
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

/// The reading children: how to start one, and the slots they take.
struct Readers {
    sandbox: Sandbox,
    slots: Arc<Semaphore>,
}

/// The route. Its body limit is the largest file's (see `body_limit`),
/// wider than the rest of the API's.
pub fn routes(config: &FileCheckConfig) -> Router<AppState> {
    let readers = Arc::new(Readers {
        sandbox: Sandbox::new(config.program.clone(), config.reader),
        slots: Arc::new(Semaphore::new(config.slots)),
    });
    Router::new().route(crate::body_limit::FILE_CHECK, post(check)).layer(axum::Extension(readers))
}

/// The caller comes first: without a session the answer is 401 before the
/// body is read.
async fn check(
    _caller: Caller,
    State(state): State<AppState>,
    axum::Extension(readers): axum::Extension<Arc<Readers>>,
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
    let slot = readers.slots.clone().try_acquire_owned().map_err(|_| AppError::Busy)?;
    let limits = state.limits;
    let reading = readers.clone();
    // The slot moves into the blocking task: if the caller goes away, the
    // child still holds it until it ends, so the bound on children holds.
    let read = tokio::task::spawn_blocking(move || {
        let answer = reading.sandbox.read(&bytes, &name, None, HeaderRow::FIRST, &limits);
        drop(slot);
        answer
    })
    .await;
    match read {
        Ok(Ok(ChildAnswer { answer: Ok(read), .. })) => Ok(Json(summary(read))),
        Ok(Ok(ChildAnswer { answer: Err(error), stderr })) => {
            if let ReadError::ReaderStopped { cause } = &error {
                tracing::warn!(?cause, %stderr, "the reading child was stopped");
            }
            Err(AppError::FileRefused { reason: refusal_for(&error), message: error.to_string() })
        }
        Ok(Err(error)) => {
            tracing::error!(%error, "the file check could not run its reading child");
            Err(AppError::Internal)
        }
        Err(error) => {
            tracing::error!(%error, "the file check's reading task failed");
            Err(AppError::Internal)
        }
    }
}

fn summary(read: RowsRead) -> FileSummary {
    let mapping = HeaderMapping::new(&read.headers);
    FileSummary {
        format: read.sheet.format,
        sheet_names: read.sheet.sheet_names,
        sheet: read.sheet.name,
        rows: read.rows as usize,
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
