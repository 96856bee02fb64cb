//! The contacts export: `/exports/contacts.xlsx` and `/exports/contacts.csv`,
//! with the list's search, category and order (`?q=&category=&sort=`).
//! Only for a signed-in caller, and never kept by a browser or proxy
//! (`Cache-Control: no-store`): on a shared computer the next person must
//! not get the last one's contacts.

use std::collections::HashMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::Query;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use leptos_router::params::ParamsMap;

use app::error::AppError;
use app::server_context::{AppState, Caller};

/// The export routes (they need a session: the middleware sends visitors
/// without one to sign in).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/exports/contacts.xlsx", get(xlsx))
        .route("/exports/contacts.csv", get(csv))
}

type ListQuery = Result<Query<HashMap<String, String>>, QueryRejection>;

async fn xlsx(caller: Caller, query: ListQuery) -> Result<Response, AppError> {
    let contacts = contacts(&caller, query).await?;
    let bytes = sheets::write::xlsx(&rules::workbooks::export(contacts)).map_err(|error| {
        tracing::error!(%error, "writing the export failed");
        AppError::Internal
    })?;
    Ok(private(crate::downloads::xlsx(bytes, &file_name("xlsx"))))
}

async fn csv(caller: Caller, query: ListQuery) -> Result<Response, AppError> {
    let contacts = contacts(&caller, query).await?;
    let response = (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}\"", file_name("csv"))),
        ],
        sheets::write::csv(&rules::workbooks::contacts_sheet(contacts)),
    )
        .into_response();
    Ok(private(response))
}

/// Marks an answer holding the caller's data as never to be stored.
fn private(mut response: Response) -> Response {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The caller's contacts matching the list's query.
async fn contacts(caller: &Caller, query: ListQuery) -> Result<Vec<rules::ContactFields>, AppError> {
    let Query(query) = query.map_err(|_| AppError::BadRequest("The export's address is malformed. Export again from the contacts list.".into()))?;
    let mut params = ParamsMap::new();
    for (key, value) in query {
        params.insert(key, value);
    }
    let mut list_query = app::pages::contacts::query_from_url(&params);
    list_query.after = None;
    app::pages::contacts::check_query(&list_query)?;
    // An export reads the whole list: bulk work, on the bulk pool.
    Ok(store::contacts::export(caller.bulk.pool(), caller.account, &list_query).await?)
}

/// `contacts-2026-11-25.xlsx`.
fn file_name(extension: &str) -> String {
    let today = time::OffsetDateTime::now_utc().date();
    format!("contacts-{today}.{extension}")
}
