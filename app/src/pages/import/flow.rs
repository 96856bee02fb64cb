//! The import's steps that wait on something (the worker, the server) or
//! chew through many rows, each written so the page keeps responding:
//! reading a file, checking rows in slices, re-mapping, switching mode,
//! confirming, and the error report.

use std::collections::BTreeSet;

use futures::StreamExt;
use js_sys::{Array, Uint8Array};
use leptos::prelude::*;
use rules::check::{ImportCheck, LookupKeys};
use rules::headers::values::VALUE_SAMPLE_ROWS;
use rules::headers::{HeaderMapping, ImportColumns, ImportRow};
use rules::merge::MergeMode;
use rules::phone::{PhoneKey, PhoneVerdict};
use rules::similar::{SimilarKeys, SimilarKeysGathered};
use rules::{ExistingContact, Field, Limits, SheetRow};
use store::model::ConfirmOutcome;
use wasm_bindgen::JsValue;
use worker::protocol::{decode, encode, FileRead, HeaderRequest, ReadRequest, RowChunk};

use super::browser::{ask_worker, file_bytes, next_turn, save_download, worker_message, Patience};
use super::session::{Session, ValueChoices};
use super::{thousands, ImportContext, Rejection, Stage};
use crate::error::AppError;
use crate::import_api::{confirm_import, existing_contacts, open_import, phone_verdicts, upload_rows};
use crate::remembered_api::{remember_mapping, remembered_mapping};
use crate::toast::Tone;

/// Rows checked between turns given back to the page.
const CHECK_SLICE: usize = 3_000;
/// Rows indexed or searched for possible duplicates between turns given back
/// to the page (about 6 µs a row natively, a few times that in wasm).
const DUPLICATES_SLICE: usize = 2_000;
/// Rows mapped to fields, or keyed for the lookups, between turns given back
/// to the page: 200,000 rows at once held the page for most of a second.
const PREPARE_SLICE: usize = 10_000;
/// Keys per kind in one `existing_contacts` call (the server's cap).
const KEYS_PER_CALL: usize = crate::import_api::MAX_LOOKUP_KEYS;
/// `existing_contacts` calls in flight at once: each waits mostly on the
/// network and Postgres, and the bulk pool (4 connections by default) is
/// shared with every other account's imports, so two, not more.
const LOOKUPS_AT_ONCE: usize = 2;
/// Phone keys in one `phone_verdicts` call (the server's cap).
const PHONE_KEYS_PER_CALL: usize = crate::import_api::MAX_PHONE_KEYS;
/// `phone_verdicts` calls in flight at once: each is CPU on the server
/// (about 30 ms for a full call), on its blocking threads.
const PHONE_CALLS_AT_ONCE: usize = 3;
/// Rows per `upload_rows` call (the server's cap).
const ROWS_PER_UPLOAD: usize = crate::import_api::MAX_ROWS_PER_UPLOAD;
/// Body bytes per `upload_rows` call: well below the server's request limit
/// even when every row carries long texts in a many-byte script.
const BYTES_PER_UPLOAD: usize = crate::import_api::MAX_UPLOAD_BYTES;
/// `upload_rows` calls in flight at once.
const UPLOADS_IN_FLIGHT: usize = crate::import_api::UPLOADS_IN_FLIGHT;

/// Reads `file` (its `sheet`, or the default one; the header row found, or
/// the one the user chose) and checks every row.
pub async fn load(context: ImportContext, file: web_sys::File, sheet: Option<String>, header: HeaderRequest) {
    context.alert.set(None);
    context.rejection.set(None);
    context.file.set_value(Some(file.clone()));
    let file_name = file.name();
    // The server's limits; the defaults if it cannot be asked (it checks
    // again at confirm anyway).
    let limits = crate::import_api::import_limits().await.unwrap_or(Limits::DEFAULT);
    if file.size() > limits.max_file_bytes as f64 {
        return fail(context, sheets::size::file_too_large(file.size() as u64, limits.max_file_bytes));
    }
    context.stage.set(Stage::Reading { file_name: file_name.clone(), rows: 0 });
    // The rows the user could choose as the header come with a read that
    // looked for it; a read from the user's choice keeps the earlier ones.
    let earlier = context.session.with_value(|session| {
        session.as_ref().map(|session| (session.file.header_found, session.file.header_candidates.clone()))
    });
    let (mut file_read, sheet_rows) = match read(&file, &file_name, sheet, header, limits, context).await {
        Ok(read) => read,
        Err(message) => return fail(context, message),
    };
    if let (HeaderRequest::Line(_), Some((found, candidates))) = (header, earlier) {
        file_read.header_found = found;
        file_read.header_candidates = candidates;
    }
    let mut mapping = HeaderMapping::new(&file_read.headers);
    // Columns the headers leave unnamed may still be recognised by what
    // they hold (a column of emails under "Contact"): the user sees the
    // guess in the mapping and can change it.
    mapping.recognise_values(&sheet_rows[..sheet_rows.len().min(VALUE_SAMPLE_ROWS)]);
    // How the account mapped a file with these headers last time, applied
    // before the rows are built. Not being able to ask only means the
    // automatic mapping is shown, which the user can change.
    let remembered = remembered_mapping(file_read.headers.clone()).await.ok().flatten();
    if let Some(remembered) = &remembered {
        mapping.apply_overrides(&remembered.columns);
    }
    let rows = import_rows_in_slices(&mapping, &sheet_rows).await;
    let left_out = super::left_out::count_in_slices(&mapping, &sheet_rows).await;
    let Lookups { contacts, candidates, phones } = match look_up(&rows).await {
        Ok(found) => found,
        Err(error) => return fail(context, format!("We couldn't check the file against your contacts: {error}")),
    };
    let check = check_in_slices(context, mapping.import_columns(), rows, contacts, context.mode.get_untracked(), phones).await;
    let mut session = Session { file: file_read, sheet_rows, mapping, check, left_out, fixes: Default::default(), values: Default::default(), remembered: remembered.is_some(), duplicates: Default::default() };
    session.find_value_choices(remembered.map(|remembered| ValueChoices::remembered(remembered.values)).unwrap_or_default());
    session.duplicates.set_candidates(candidates);
    context.session.set_value(Some(session));
    find_duplicates_in_slices(context).await;
    refresh_all(context);
    context.stage.set(Stage::Review);
}

/// Sends the file to the worker and decodes what it read, a chunk at a time.
async fn read(
    file: &web_sys::File,
    file_name: &str,
    sheet: Option<String>,
    header: HeaderRequest,
    limits: Limits,
    context: ImportContext,
) -> Result<(FileRead, Vec<SheetRow>), String> {
    let bytes = file_bytes(file).await?;
    let request = encode(&ReadRequest { file_name: file_name.to_string(), sheet, limits, header })?;
    let request = Uint8Array::from(request.as_slice());
    let transfer = Array::of1(&bytes.buffer());
    let message = worker_message("read", &[("bytes", &JsValue::from(bytes)), ("request", &JsValue::from(request))]);
    let stage = context.stage;
    let name = file_name.to_string();
    let parts = ask_worker(message, transfer, Patience::Reading, move |rows| {
        stage.set(Stage::Reading { file_name: name.clone(), rows });
    })
    .await?;
    let mut parts = parts.into_iter();
    let unreadable = || "The file was read but its contents could not be passed on. Please try again.".to_string();
    let meta = parts.next().ok_or_else(unreadable)?;
    let file_read: FileRead = decode(&meta.to_vec()).map_err(|_| unreadable())?;
    let mut rows = Vec::with_capacity(file_read.row_count as usize);
    for chunk in parts {
        let chunk: RowChunk = decode(&chunk.to_vec()).map_err(|_| unreadable())?;
        rows.extend(chunk);
        next_turn().await;
    }
    Ok((file_read, rows))
}

/// `mapping.import_rows(sheet_rows)`, a slice at a time.
async fn import_rows_in_slices(mapping: &HeaderMapping, sheet_rows: &[SheetRow]) -> Vec<ImportRow> {
    let mut rows = Vec::with_capacity(sheet_rows.len());
    for slice in sheet_rows.chunks(PREPARE_SLICE) {
        rows.extend(mapping.import_rows(slice));
        next_turn().await;
    }
    rows
}

/// `rules::check::lookup_keys(rows)` (sorted, each key once), a slice at a time.
async fn lookup_keys_in_slices(rows: &[ImportRow]) -> LookupKeys {
    let mut references = BTreeSet::new();
    let mut emails = BTreeSet::new();
    for slice in rows.chunks(PREPARE_SLICE) {
        let keys = rules::check::lookup_keys(slice);
        references.extend(keys.references);
        emails.extend(keys.emails);
        next_turn().await;
    }
    LookupKeys { references: references.into_iter().collect(), emails: emails.into_iter().collect() }
}

/// Asks the server for the account's contacts with these keys, in chunks,
/// [`LOOKUPS_AT_ONCE`] calls in flight (the answers' order does not matter:
/// the check indexes them by key).
async fn fetch_existing(keys: LookupKeys) -> Result<Vec<ExistingContact>, AppError> {
    use futures::stream::{self, StreamExt, TryStreamExt};
    let chunks = keys.references.len().max(keys.emails.len()).div_ceil(KEYS_PER_CALL).max(1);
    let parts: Vec<LookupKeys> = (0..chunks)
        .map(|chunk| {
            let slice = |keys: &[String]| {
                keys.iter().skip(chunk * KEYS_PER_CALL).take(KEYS_PER_CALL).cloned().collect::<Vec<_>>()
            };
            LookupKeys { references: slice(&keys.references), emails: slice(&keys.emails) }
        })
        .filter(|part| !part.references.is_empty() || !part.emails.is_empty())
        .collect();
    let answers: Vec<Vec<ExistingContact>> =
        stream::iter(parts).map(existing_contacts).buffer_unordered(LOOKUPS_AT_ONCE).try_collect().await?;
    Ok(answers.into_iter().flatten().collect())
}

/// The account's contacts that `rows` may duplicate (same phone, or
/// postcode and name start), asked for in chunks of the server's cap. A
/// failed lookup only means no row is flagged: flags are hints, never
/// needed to import.
async fn fetch_similar(keys: SimilarKeys) -> Vec<ExistingContact> {
    use futures::stream::{self, StreamExt, TryStreamExt};
    let answers: Result<Vec<Vec<ExistingContact>>, AppError> = stream::iter(keys.chunks(crate::import_api::MAX_SIMILAR_KEYS))
        .map(crate::import_api::similar_contacts)
        .buffer_unordered(LOOKUPS_AT_ONCE)
        .try_collect()
        .await;
    match answers {
        Ok(answers) => {
            let mut contacts: Vec<ExistingContact> = answers.into_iter().flatten().collect();
            // Chunks may return the same contact twice.
            contacts.sort_by_key(|contact| contact.id);
            contacts.dedup_by_key(|contact| contact.id);
            contacts
        }
        Err(error) => {
            leptos::logging::warn!("possible duplicates were not looked up: {error}");
            Vec::new()
        }
    }
}

/// What the server says about a file's rows before they are checked.
struct Lookups {
    /// The account's contacts with the rows' keys.
    contacts: Vec<ExistingContact>,
    /// The account's contacts the rows may duplicate.
    candidates: Vec<ExistingContact>,
    /// The verdicts on the rows' distinct phone numbers.
    phones: Vec<(PhoneKey, PhoneVerdict)>,
}

/// Asks the server about `rows`: their contacts, possible duplicates and
/// phone numbers, all at once (each in chunks, a few calls in flight). Only
/// the contacts are needed to go on; the others are hints or have the
/// layout check to fall back on.
async fn look_up(rows: &[ImportRow]) -> Result<Lookups, AppError> {
    let keys = lookup_keys_in_slices(rows).await;
    let similar_keys = similar_keys_in_slices(rows).await;
    let phone_keys = phone_keys_in_slices(rows).await;
    let (contacts, candidates, phones) =
        futures::join!(fetch_existing(keys), fetch_similar(similar_keys), fetch_phone_verdicts(phone_keys));
    Ok(Lookups { contacts: contacts?, candidates, phones })
}

/// `rules::similar::similar_keys(rows)` (sorted, each once), a slice at a
/// time: in one pass, 100,000 rows held the page for over half a second.
async fn similar_keys_in_slices(rows: &[ImportRow]) -> SimilarKeys {
    let mut keys = SimilarKeysGathered::default();
    for slice in rows.chunks(PREPARE_SLICE) {
        keys.add(slice.iter().map(|row| &row.values), &rules::similar::SIMILARITY_RULES);
        next_turn().await;
    }
    keys.finish()
}

/// `rules::check::phone_keys(rows)` (sorted, each once), a slice at a time.
async fn phone_keys_in_slices(rows: &[ImportRow]) -> Vec<PhoneKey> {
    let mut keys = BTreeSet::new();
    for slice in rows.chunks(PREPARE_SLICE) {
        keys.extend(rules::check::phone_keys(slice));
        next_turn().await;
    }
    keys.into_iter().collect()
}

/// The server's verdicts on `keys`, in chunks of its cap, a few calls in
/// flight. A failed call only leaves its numbers to the layout check (the
/// server reads them again at upload and confirm, and its verdict is final).
pub(super) async fn fetch_phone_verdicts(keys: Vec<PhoneKey>) -> Vec<(PhoneKey, PhoneVerdict)> {
    use futures::stream::{self, StreamExt};
    let chunks: Vec<Vec<PhoneKey>> = keys.chunks(PHONE_KEYS_PER_CALL).map(<[PhoneKey]>::to_vec).collect();
    let answers: Vec<Vec<(PhoneKey, PhoneVerdict)>> = stream::iter(chunks)
        .map(|chunk| async move {
            match phone_verdicts(chunk.clone()).await {
                Ok(verdicts) if verdicts.len() == chunk.len() => chunk.into_iter().zip(verdicts).collect(),
                Ok(_) => Vec::new(),
                Err(error) => {
                    leptos::logging::warn!("phone numbers were not read by the server: {error}");
                    Vec::new()
                }
            }
        })
        .buffer_unordered(PHONE_CALLS_AT_ONCE)
        .collect()
        .await;
    answers.into_iter().flatten().collect()
}

/// Asks the server about the phone numbers the rows have now and it has not
/// read yet (after a cell edit or a fix: a new number, or a number in a row
/// whose Country changed), and re-checks the rows its answers concern.
/// Until the answer comes they have the layout check.
pub async fn read_new_phones(context: ImportContext, row: Option<usize>) {
    let keys = context.session.with_value(|session| {
        session.as_ref().map(|session| match row {
            Some(index) => session.check.row_phone_keys_to_ask(index),
            None => session.check.phone_keys_to_ask(),
        })
    });
    let Some(keys) = keys.filter(|keys| !keys.is_empty()) else { return };
    let verdicts = fetch_phone_verdicts(keys).await;
    if verdicts.is_empty() {
        return;
    }
    context.edit(
        |session| {
            session.check.add_phone_verdicts(verdicts);
        },
        false,
    );
}

/// Checks `rows` a slice at a time, showing progress, reading their phone
/// numbers with the server's `phones` verdicts.
async fn check_in_slices(
    context: ImportContext,
    columns: ImportColumns,
    rows: Vec<ImportRow>,
    contacts: Vec<ExistingContact>,
    mode: MergeMode,
    phones: Vec<(PhoneKey, PhoneVerdict)>,
) -> ImportCheck {
    let mut builder =
        ImportCheck::build(columns, rows, super::session::existing(contacts), mode).with_phone_verdicts(phones);
    while !builder.step(CHECK_SLICE) {
        context.stage.set(Stage::Checking { done: builder.done_steps(), total: builder.total_steps() });
        next_turn().await;
    }
    builder.finish()
}

/// The rows as currently edited, the removed ones' indexes, and the
/// existing contacts, to check again from scratch.
fn current_rows(session: &Session) -> (Vec<ImportRow>, Vec<usize>, Vec<ExistingContact>) {
    let rows = session.check.rows().to_vec();
    let removed = (0..rows.len()).filter(|&index| session.check.is_removed(index)).collect();
    let contacts = session.check.existing().iter().cloned().collect();
    (rows, removed, contacts)
}

/// Imports column `column` as `field` (or not at all), then re-checks.
/// Edits made so far are dropped: the rows are rebuilt from the file.
pub async fn remap(context: ImportContext, column: usize, field: Option<Field>) {
    // The mapping changes in place; only the rebuilt rows are new.
    let Some(columns) = context.session.try_update_value(|session| {
        session.as_mut().map(|session| {
            session.mapping.set(column, field);
            session.mapping.import_columns()
        })
    }).flatten() else {
        return;
    };
    // A slice at a time, like `import_rows_in_slices`; the sheet's rows stay
    // in the session (some map to no row, so `rows` cannot say where to go on).
    let mut rows = Vec::new();
    let mut mapped_up_to = 0;
    loop {
        let mapped = context.session.with_value(|session| {
            // None too when another file replaced the session meanwhile.
            let session = session.as_ref()?;
            let end = (mapped_up_to + PREPARE_SLICE).min(session.sheet_rows.len());
            rows.extend(session.mapping.import_rows(session.sheet_rows.get(mapped_up_to..end)?));
            mapped_up_to = end;
            Some(end == session.sheet_rows.len())
        });
        match mapped {
            Some(true) => break,
            Some(false) => next_turn().await,
            None => return,
        }
    }
    let Lookups { contacts, candidates, phones } = match look_up(&rows).await {
        Ok(found) => found,
        Err(error) => return context.alert.set(Some(format!("We couldn't check the file against your contacts: {error}"))),
    };
    let check = check_in_slices(context, columns, rows, contacts, context.mode.get_untracked(), phones).await;
    let Some(left_out) = super::left_out::recount(context).await else { return };
    context.session.update_value(|session| {
        if let Some(session) = session {
            session.check = check;
            session.left_out = left_out;
            // The rows are rebuilt from the file: no fix is left to undo.
            session.fixes.clear();
            let earlier = std::mem::take(&mut session.values);
            session.find_value_choices(earlier);
            session.duplicates.set_candidates(candidates);
        }
    });
    find_duplicates_in_slices(context).await;
    refresh_all(context);
    context.stage.set(Stage::Review);
}

/// Switches keep / overwrite and re-checks, keeping edits and removals.
pub async fn change_mode(context: ImportContext, mode: MergeMode) {
    let current = context.session.with_value(|session| {
        session
            .as_ref()
            .filter(|session| session.check.mode() != mode)
            .map(|session| (current_rows(session), session.check.columns().clone(), session.check.phone_verdicts().clone()))
    });
    let Some(((rows, removed, contacts), columns, phones)) = current else { return };
    let check = check_in_slices(context, columns, rows, contacts, mode, phones.into_iter().collect()).await;
    install_check(context, check, removed).await;
    context.stage.set(Stage::Review);
}

/// Sends the rows, asks the server to confirm, and reports the outcome.
pub async fn confirm(context: ImportContext) {
    let Some((new_import, rows, file_name, to_remember)) = context.session.with_value(|session| {
        session.as_ref().map(|session| {
            (session.new_import(), session.uploaded_rows(), session.file.file_name.clone(), session.mapping_to_remember())
        })
    }) else {
        return;
    };
    context.alert.set(None);
    context.rejection.set(None);
    let total = rows.len();
    context.stage.set(Stage::Uploading { sent: 0, total });
    let outcome = async {
        let import_id = open_import(new_import).await?;
        // A few chunks in flight: the server stages one while the next
        // travels. Each chunk is copied out only when its turn comes.
        let rows = &rows;
        let mut uploads = futures::stream::iter(super::session::upload_chunks(rows, ROWS_PER_UPLOAD, BYTES_PER_UPLOAD))
            .map(|range| async move {
                let count = range.len();
                upload_rows(import_id, rows[range].to_vec()).await.map(|_| count)
            })
            .buffer_unordered(UPLOADS_IN_FLIGHT);
        let mut sent = 0;
        while let Some(uploaded) = uploads.next().await {
            sent += uploaded?;
            context.stage.set(Stage::Uploading { sent, total });
        }
        context.stage.set(Stage::Saving { rows: total });
        confirm_import(import_id).await
    }
    .await;
    let toasts = context.toasts;
    match outcome {
        Ok(ConfirmOutcome::Committed { import_id, counts }) => {
            // Before the page moves on, so that leaving it at once cannot
            // cut the request off. Were remembering to fail, the next file
            // with these headers would only be mapped automatically again.
            if let Some((headers, mapping)) = to_remember {
                if let Err(error) = remember_mapping(headers, mapping).await {
                    leptos::logging::warn!("the mapping was not remembered: {error}");
                }
            }
            toasts.show(
                format!(
                    "Import complete: {} created, {} updated, {} unchanged{}.",
                    thousands(counts.created as usize),
                    thousands(counts.updated as usize),
                    thousands(counts.unchanged as usize),
                    match counts.skipped {
                        0 => String::new(),
                        skipped => format!(", {} skipped", thousands(skipped as usize)),
                    }
                ),
                Some((format!("/imports/{import_id}"), "View import".to_string())),
                Tone::Success,
            );
            context.session.set_value(None);
            context.stage.set(Stage::Done { import_id, counts, file_name });
            crate::import_api::mark_import_notices_read(Some(import_id)).await;
        }
        Ok(ConfirmOutcome::Rejected { issues, total_issues: total }) => {
            toasts.show("The import did not go through. Nothing was changed.", None, Tone::Failure);
            crate::import_api::mark_import_notices_read(None).await;
            context.rejection.set(Some(Rejection { issues, total }));
            recheck_with_latest(context).await;
        }
        Err(error) => {
            toasts.show("The import did not go through. Nothing was changed.", None, Tone::Failure);
            context.alert.set(Some(format!("The import did not go through: {error} Nothing was changed.")));
            context.stage.set(Stage::Review);
        }
    }
}

/// After the server refused, checks the rows again against the account's
/// contacts as they are now (someone may have changed them meanwhile).
async fn recheck_with_latest(context: ImportContext) {
    let current = context.session.with_value(|session| {
        session.as_ref().map(|session| (current_rows(session), session.check.columns().clone(), session.check.mode()))
    });
    let Some(((rows, removed, _), columns, mode)) = current else { return };
    // The account's country may have been read differently: ask again.
    match look_up(&rows).await {
        Ok(Lookups { contacts, candidates, phones }) => {
            let check = check_in_slices(context, columns, rows, contacts, mode, phones).await;
            context.edit(|session| session.duplicates.set_candidates(candidates), false);
            install_check(context, check, removed).await;
        }
        Err(error) => context.alert.set(Some(format!("We couldn't check the file against your contacts: {error}"))),
    }
    context.stage.set(Stage::Review);
}

/// Writes the error report in the worker and offers it as a download.
pub async fn download_report(context: ImportContext, busy: RwSignal<bool>) {
    let Some((request, file_name)) =
        context.session.with_value(|session| session.as_ref().map(|session| (session.report_request(), session.file.file_name.clone())))
    else {
        return;
    };
    busy.set(true);
    let result = async {
        let request = encode(&request)?;
        let message = worker_message("report", &[("request", &JsValue::from(Uint8Array::from(request.as_slice())))]);
        let parts = ask_worker(message, Array::new(), Patience::Writing, |_| {}).await?;
        let bytes = parts.into_iter().next().ok_or("The report could not be written. Please try again.")?;
        let stem = file_name.rsplit_once('.').map_or(file_name.as_str(), |(stem, _)| stem);
        save_download(
            &bytes.to_vec(),
            &format!("{stem} - issues.xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    }
    .await;
    busy.set(false);
    if let Err(message) = result {
        context.alert.set(Some(message));
    }
}

/// Puts a fresh check of the same rows in place, removing again the rows
/// the user had removed, and finds its possible duplicates.
async fn install_check(context: ImportContext, mut check: ImportCheck, removed: Vec<usize>) {
    for index in removed {
        check.remove_row(index);
    }
    context.edit(|session| session.check = check, true);
    find_duplicates_in_slices(context).await;
}

/// Finds the possible duplicates of the session's rows as checked now, a
/// slice at a time with a turn for the browser between slices (all at once,
/// 100,000 rows held the page for seconds), and keeps them in the session.
async fn find_duplicates_in_slices(context: ImportContext) {
    let Some(mut finder) = context.session.with_value(|session| session.as_ref().map(Session::duplicate_finder)) else {
        return;
    };
    loop {
        // None when another file replaced the session meanwhile.
        match context.session.with_value(|session| Some(finder.step(&session.as_ref()?.check, DUPLICATES_SLICE))) {
            Some(true) => break,
            Some(false) => {
                let (done, total) = finder.progress();
                context.stage.set(Stage::FindingDuplicates { done, total });
                next_turn().await;
            }
            None => return,
        }
    }
    context.edit(|session| session.install_duplicates(finder), true);
}

/// Everything on screen depends on the new session.
fn refresh_all(context: ImportContext) {
    context.generation.update(|generation| *generation += 1);
    context.listing.update(|listing| *listing += 1);
    context.revision.update(|revision| *revision += 1);
}

/// Back to choosing a file, with the reason shown.
fn fail(context: ImportContext, message: String) {
    context.alert.set(Some(message));
    context.session.set_value(None);
    context.stage.set(Stage::ChooseFile);
}
