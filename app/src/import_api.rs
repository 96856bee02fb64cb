//! The import server functions: thin wrappers that find the caller's account
//! and call `store::imports`, which does the work (and holds the rules about
//! what is valid).
//!
//! Invariant: the account always comes from the session ([`caller`]), never
//! from the request, and another account's import id gets exactly the
//! answer a random id gets (`AppError::NotFound("import")`).
//!
//! The browser's sequence: [`existing_contacts`] (in chunks of at most
//! [`MAX_LOOKUP_KEYS`] Contact IDs and as many emails), [`similar_contacts`]
//! (possible duplicates' candidates) and [`phone_verdicts`] (the file's
//! distinct phone numbers, in chunks of at most [`MAX_PHONE_KEYS`], in
//! postcard), all at once, for the preview, then
//! [`open_import`], [`upload_rows`] in chunks of at most
//! [`MAX_ROWS_PER_UPLOAD`] rows ([`UPLOADS_IN_FLIGHT`] at a time, in
//! postcard: a compact binary body), and [`confirm_import`]. Sending a chunk
//! again is safe: each row is stored once. Confirming again (e.g. after a
//! lost answer, a second tab, on another server) is safe: it applies once,
//! and every repeat answers the one result.
//!
//! The import's own steps use the bulk pool ([`bulk_caller`]); confirm and
//! undo go through its admission (`store::imports::admission`): one per
//! account at a time, waiting without holding a connection.
//!
//! [`caller`]: crate::server_context::caller
//! [`bulk_caller`]: crate::server_context::bulk_caller

use leptos::prelude::*;
use leptos::server_fn::codec::{Json, Postcard};
use rules::check::LookupKeys;
use rules::ExistingContact;
use store::model::{ConfirmOutcome, ImportDetail, ImportSummary, NewImport, Notification, UndoOutcome, UploadedRow};
use uuid::Uuid;

use crate::error::AppError;

/// The most Contact IDs, and separately the most emails, one
/// [`existing_contacts`] call accepts: the browser asks in chunks this size.
pub const MAX_LOOKUP_KEYS: usize = 5_000;

/// The most phone keys, and separately the most postcode pairs, one
/// [`similar_contacts`] call accepts (one pass over the account's contacts
/// costs the same for few keys or many, so the browser asks in few calls).
pub const MAX_SIMILAR_KEYS: usize = 50_000;

/// The most phone keys one [`phone_verdicts`] call accepts.
pub const MAX_PHONE_KEYS: usize = rules::phone::MAX_PHONE_KEYS_PER_CALL;

/// The most rows one [`upload_rows`] call accepts.
pub const MAX_ROWS_PER_UPLOAD: usize = 10_000;

/// The most body bytes the browser puts in one [`upload_rows`] call (it
/// splits by this as well as by rows): half the server's default request
/// limit (`MAX_REQUEST_BYTES`, 8 MiB), which 10,000 rows of long notes in a
/// many-byte script would exceed. Typical rows take about 200 bytes.
pub const MAX_UPLOAD_BYTES: usize = 4 * 1024 * 1024;

/// How many [`upload_rows`] calls the browser keeps in flight at once: the
/// server stages one chunk while the next travels.
pub const UPLOADS_IN_FLIGHT: usize = 3;

/// How many changed contacts one page of [`import_detail`] holds.
pub const CHANGES_PER_PAGE: u32 = 200;

/// The import limits this server enforces (the browser reads files within them).
#[server(endpoint = "import_limits", input = Json)]
pub async fn import_limits() -> Result<rules::Limits, AppError> {
    use crate::server_context::{caller, reply};
    reply(caller().await.map(|caller| caller.limits))
}

/// The caller's contacts whose Contact ID or email matches one of `keys`
/// (in `rules::check::match_key` form; compared case-insensitively), for the
/// preview. At most [`MAX_LOOKUP_KEYS`] references and [`MAX_LOOKUP_KEYS`]
/// emails per call: send more in several calls. In and out in postcard: a
/// 100,000-row preview sends megabytes of keys, which as JSON cost the page
/// a string built in wasm, copied to JS and encoded again by `fetch`; and a
/// file that updates an account's contacts gets thousands of them back per
/// call, which the page decoded from JSON text.
#[server(endpoint = "existing_contacts", input = Postcard, output = Postcard, client = crate::blob_body_client::BlobBodyClient)]
pub async fn existing_contacts(keys: LookupKeys) -> Result<Vec<ExistingContact>, AppError> {
    use crate::server_context::{bulk_caller, reply};
    reply(
        async {
            let caller = bulk_caller().await?;
            Ok(store::imports::existing_contacts(&caller.pool, caller.account, &keys).await?)
        }
        .await,
    )
}

/// The caller's contacts that the rows asked about may duplicate: those
/// with one of `keys`' phone keys, or one of its postcode and name-start
/// pairs (see `store::imports::similar`), for the preview's "possibly the
/// same as" hint. At most [`MAX_SIMILAR_KEYS`] of each per call. In
/// and out in postcard, as [`existing_contacts`].
#[server(endpoint = "similar_contacts", input = Postcard, output = Postcard, client = crate::blob_body_client::BlobBodyClient)]
pub async fn similar_contacts(keys: rules::similar::SimilarKeys) -> Result<Vec<ExistingContact>, AppError> {
    use crate::server_context::{bulk_caller, reply};
    reply(
        async {
            let caller = bulk_caller().await?;
            Ok(store::imports::similar_contacts(&caller.pool, caller.account, &keys).await?)
        }
        .await,
    )
}

/// The server's verdict on each phone number the page asks about (its
/// cleaned text and the row's Country), read by libphonenumber with the
/// caller's default country: the stored and shown forms, or why it cannot be
/// a real number. The page cannot carry libphonenumber (see
/// `rules::phone::book`); these answers let the same rules judge phone cells
/// in the preview. In and out in postcard; at most [`MAX_PHONE_KEYS`] keys
/// per call, answered in their order. Reads no contacts.
#[server(endpoint = "phone_verdicts", input = Postcard, output = Postcard, client = crate::blob_body_client::BlobBodyClient)]
pub async fn phone_verdicts(keys: Vec<rules::phone::PhoneKey>) -> Result<Vec<rules::phone::PhoneVerdict>, AppError> {
    use crate::server_context::{caller, reply};
    reply(
        async {
            if keys.len() > MAX_PHONE_KEYS {
                return Err(AppError::Invalid(format!(
                    "Too many phone numbers at once: send at most {MAX_PHONE_KEYS} per request."
                )));
            }
            let caller = caller().await?;
            let country = store::accounts::default_country(&caller.pool, caller.account).await?;
            // Remembered by this server, so the upload that follows does not
            // read the same numbers again (see `store::phone_memory`).
            let phones = store::phone_memory::RememberingPhones::new(country);
            // About 6 µs a number (parse, then format twice): off the async
            // threads, as the upload's staging is.
            tokio::task::spawn_blocking(move || keys.iter().map(|key| phones.verdict(key)).collect())
                .await
                .map_err(|_| AppError::Invalid("The phone numbers could not be checked. Please try again.".into()))
        }
        .await,
    )
}

/// Opens an import of a checked file (name, SHA-256, mode, columns, how many
/// rows will follow) and returns its id.
#[server(endpoint = "open_import", input = Json)]
pub async fn open_import(import: NewImport) -> Result<Uuid, AppError> {
    use crate::server_context::{bulk_caller, reply};
    reply(
        async {
            let caller = bulk_caller().await?;
            Ok(store::imports::open(&caller.pool, caller.account, caller.user, &import, &caller.limits).await?)
        }
        .await,
    )
}

/// Stores a chunk of at most [`MAX_ROWS_PER_UPLOAD`] rows of an open import,
/// as the user left them (each with what the preview matched it to), sent
/// in postcard. Each row is checked on its own as it arrives; sending a
/// chunk again replaces those rows rather than adding them. Returns how many
/// rows the import holds so far.
#[server(endpoint = "upload_rows", input = Postcard, client = crate::blob_body_client::BlobBodyClient)]
pub async fn upload_rows(import_id: Uuid, rows: Vec<UploadedRow>) -> Result<u32, AppError> {
    use crate::server_context::{bulk_caller, reply};
    reply(
        async {
            let caller = bulk_caller().await?;
            Ok(store::imports::upload_rows(&caller.pool, caller.account, import_id, rows).await?)
        }
        .await,
    )
}

/// Re-checks every row of the import on the server and, when none has an
/// issue, merges them into the contacts in one transaction. Returns the
/// counts, or the issues (nothing written). Safe to call again: an import
/// applies once, and a later call returns the same counts.
#[server(endpoint = "confirm_import", input = Json)]
pub async fn confirm_import(import_id: Uuid) -> Result<ConfirmOutcome, AppError> {
    use crate::server_context::{caller, reply};
    reply(
        async {
            let caller = caller().await?;
            Ok(caller.bulk.confirm(caller.account, import_id).await?)
        }
        .await,
    )
}

/// The caller's account's imports, newest first (confirmed ones: committed,
/// failed or undone; at most `store::imports::HISTORY_LIMIT`).
#[server(endpoint = "list_imports", input = Json)]
pub async fn list_imports() -> Result<Vec<ImportSummary>, AppError> {
    use crate::server_context::{caller, reply};
    reply(
        async {
            let caller = caller().await?;
            Ok(store::imports::list(&caller.pool, caller.account).await?)
        }
        .await,
    )
}

/// One import with page `page` (from 0) of the contacts it created or
/// changed, before and after, [`CHANGES_PER_PAGE`] to a page.
#[server(name = ImportDetailCall, endpoint = "import_detail", input = Json)]
pub async fn import_detail(import_id: Uuid, page: u32) -> Result<ImportDetail, AppError> {
    use crate::server_context::{caller, reply};
    reply(
        async {
            let caller = caller().await?;
            Ok(store::imports::detail(&caller.pool, caller.account, import_id, page).await?)
        }
        .await,
    )
}

/// Undoes a committed import in one transaction, unless later changes
/// touched its contacts (then it says which, and changes nothing).
#[server(endpoint = "undo_import", input = Json)]
pub async fn undo_import(import_id: Uuid) -> Result<UndoOutcome, AppError> {
    use crate::server_context::{caller, reply};
    reply(
        async {
            let caller = caller().await?;
            Ok(caller.bulk.undo(caller.account, import_id).await?)
        }
        .await,
    )
}

/// The caller's notifications: unread first, newest first within each.
#[server(endpoint = "notifications", input = Json)]
pub async fn notifications() -> Result<Vec<Notification>, AppError> {
    use crate::server_context::{caller, reply};
    reply(
        async {
            let caller = caller().await?;
            Ok(store::imports::notifications::list(&caller.pool, caller.account, caller.user).await?)
        }
        .await,
    )
}

/// Marks the caller's notifications `ids` read (ids that are not theirs are
/// ignored).
#[server(endpoint = "mark_notifications_read", input = Json)]
pub async fn mark_notifications_read(ids: Vec<Uuid>) -> Result<(), AppError> {
    use crate::server_context::{caller, reply};
    reply(
        async {
            let caller = caller().await?;
            Ok(store::imports::notifications::mark_read(&caller.pool, caller.account, caller.user, &ids).await?)
        }
        .await,
    )
}

/// Marks read the caller's unread notifications about `import_id` (or about
/// any import, with `None`): for a screen that has just told the user the
/// same thing, so the notice does not pop up again on the next page.
pub async fn mark_import_notices_read(import_id: Option<Uuid>) {
    let Ok(notices) = notifications().await else { return };
    let ids: Vec<Uuid> = notices
        .into_iter()
        .filter(|notice| !notice.read && (import_id.is_none() || notice.import_id == import_id))
        .map(|notice| notice.id)
        .collect();
    if !ids.is_empty() {
        // Failing to mark them only means the notice shows once more.
        let _ = mark_notifications_read(ids).await;
    }
}

#[cfg(feature = "ssr")]
impl From<store::imports::ImportError> for AppError {
    fn from(error: store::imports::ImportError) -> Self {
        AppError::from(&error)
    }
}

/// By reference: one confirm's error is the answer to all its repeats.
#[cfg(feature = "ssr")]
impl From<&store::imports::ImportError> for AppError {
    fn from(error: &store::imports::ImportError) -> Self {
        use store::imports::ImportError;
        match error {
            ImportError::NotFound => AppError::NotFound("import".into()),
            ImportError::Invalid(sentence) => AppError::Invalid(sentence.clone()),
            ImportError::Conflict(sentence) => AppError::Conflict(sentence.clone()),
            ImportError::Interrupted => {
                tracing::error!("an import task stopped unexpectedly");
                AppError::Internal
            }
            ImportError::Store(error) => error.into(),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<store::imports::AdmissionError> for AppError {
    fn from(error: store::imports::AdmissionError) -> Self {
        use store::imports::AdmissionError;
        match error {
            AdmissionError::AccountBusy => AppError::AccountBusy,
            AdmissionError::ServerBusy => AppError::Busy,
            AdmissionError::Import(error) => AppError::from(&*error),
        }
    }
}

/// The limits above are the data layer's, restated for the browser build
/// (which does not have the data layer's queries).
#[cfg(feature = "ssr")]
const _: () = {
    assert!(MAX_LOOKUP_KEYS == store::imports::MAX_LOOKUP_KEYS);
    assert!(MAX_SIMILAR_KEYS == store::imports::MAX_SIMILAR_KEYS);
    assert!(MAX_ROWS_PER_UPLOAD == store::imports::MAX_ROWS_PER_UPLOAD);
    assert!(CHANGES_PER_PAGE == store::imports::CHANGES_PER_PAGE);
};

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use std::sync::Arc;

    use store::imports::{AdmissionError, ImportError};

    use super::AppError;

    /// What admission answers, as the user is told it: a sentence, and a
    /// status that says "not now" rather than "broken".
    #[test]
    fn a_write_not_admitted_is_told_as_try_again_and_a_shared_error_as_itself() {
        let cases = [
            (AdmissionError::AccountBusy, AppError::AccountBusy, 409),
            (AdmissionError::ServerBusy, AppError::Busy, 503),
            (
                AdmissionError::Import(Arc::new(ImportError::Conflict("This import was undone.".into()))),
                AppError::Conflict("This import was undone.".into()),
                409,
            ),
            (AdmissionError::Import(Arc::new(ImportError::NotFound)), AppError::NotFound("import".into()), 404),
            (
                AdmissionError::Import(Arc::new(ImportError::Store(store::StoreError::Database(
                    sqlx::Error::PoolTimedOut,
                )))),
                AppError::Busy,
                503,
            ),
        ];
        for (admission, told, status) in cases {
            let app = AppError::from(admission);
            assert_eq!(app, told);
            assert_eq!(app.status_code(), status, "{app}");
            assert!(app.to_string().ends_with('.'), "a sentence: {app}");
        }
    }
}
