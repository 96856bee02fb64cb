//! The contacts export: `/exports/contacts.xlsx` and `/exports/contacts.csv`,
//! with the list's search, category and order (`?q=&category=&sort=`).

use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use leptos_router::params::ParamsMap;
use std::collections::HashMap;
use tower_sessions::Session;

use app::server_context::AppState;

/// The export routes (they need a session: the middleware sends visitors
/// without one to sign in).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/exports/contacts.xlsx", get(xlsx))
        .route("/exports/contacts.csv", get(csv))
}

async fn xlsx(state: State<AppState>, session: Session, query: Query<HashMap<String, String>>) -> Response {
    let contacts = match contacts(&state, &session, &query).await {
        Ok(contacts) => contacts,
        Err(response) => return response,
    };
    let bytes = rules::write::contacts_workbook(&contacts)
        .map_err(|error| tracing::error!(%error, "writing the export failed"))
        .ok();
    crate::downloads::xlsx(bytes.as_deref(), &file_name("xlsx"))
}

async fn csv(state: State<AppState>, session: Session, query: Query<HashMap<String, String>>) -> Response {
    let contacts = match contacts(&state, &session, &query).await {
        Ok(contacts) => contacts,
        Err(response) => return response,
    };
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}\"", file_name("csv"))),
        ],
        rules::write::contacts_csv(&contacts),
    )
        .into_response()
}

/// The signed-in account's contacts matching the list's query.
async fn contacts(
    state: &AppState,
    session: &Session,
    query: &HashMap<String, String>,
) -> Result<Vec<rules::ContactFields>, Response> {
    let signed_in = match app::auth::server::signed_in(session).await {
        Ok(Some(signed_in)) => signed_in,
        Ok(None) => return Err((StatusCode::UNAUTHORIZED, "Please sign in to continue.").into_response()),
        Err(error) => return Err((StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response()),
    };
    let mut params = ParamsMap::new();
    for (key, value) in query {
        params.insert(key.clone(), value.clone());
    }
    let mut list_query = app::pages::contacts::query_from_url(&params);
    list_query.after = None;
    // An export reads the whole list: bulk work, on the bulk pool.
    store::contacts::export(state.bulk.pool(), signed_in.account, &list_query).await.map_err(|error| {
        tracing::error!(%error, "reading contacts for the export failed");
        let status = if error.is_busy() { StatusCode::SERVICE_UNAVAILABLE } else { StatusCode::INTERNAL_SERVER_ERROR };
        (status, "The export could not be prepared. Please try again.").into_response()
    })
}

/// `contacts-2026-11-25.xlsx`.
fn file_name(extension: &str) -> String {
    let today = time::OffsetDateTime::now_utc().date();
    format!("contacts-{today}.{extension}")
}
