//! The import's steps that wait on something (the worker, the server) or
//! chew through many rows, each written so the page keeps responding:
//! reading a file, checking rows in slices, re-mapping, switching mode,
//! confirming, and the error report.

use futures::StreamExt;
use js_sys::{Array, Uint8Array};
use leptos::prelude::*;
use rules::check::ImportCheck;
use rules::headers::values::VALUE_SAMPLE_ROWS;
use rules::headers::{HeaderMapping, ImportColumns, ImportRow, LeftOut};
use rules::merge::MergeMode;
use rules::phone::PhoneVerdicts;
use rules::{ExistingContact, Field, SheetRow};
use store::model::{ConfirmOutcome, RememberedMapping};
use wasm_bindgen::JsValue;
use worker::protocol::{decode, encode, FileRead, HeaderRequest, ReadPart, ReadRequest, NOT_PASSED_ON};

use super::browser::{ask_worker, next_turn, save_download, start_worker, worker_message, Patience, Turns, WorkerAnswer};
use super::lookup_batches::{Caps, LookupBatches};
use super::lookups::{ask_server, fetch_phone_verdicts, look_up, AskQueue, Lookups};
use super::session::{Session, ValueChoices, ValueChoicesFinder};
use super::{thousands, ImportContext, Rejection, Stage};
use crate::error::AppError;
use crate::import_api::{confirm_import, open_import, upload_rows};
use crate::remembered_api::{remember_mapping, remembered_mapping};
use crate::toast::Tone;

/// Rows checked at a time, a turn given to the page whenever a few slices
/// have held it long enough ([`Turns`]).
const CHECK_SLICE: usize = 500;
/// Rows indexed or searched for possible duplicates at a time (about 6 µs a
/// row natively, a few times that in wasm), a turn given to the page the
/// same way. The last slice of a stretch runs past the budget: on two busy
/// cores, where the page's thread gets half a core or less, 500 rows made
/// tasks of 90-110 ms.
const DUPLICATES_SLICE: usize = 250;
/// Rows mapped to fields (and their left-out data counted) between turns
/// given back to the page (on a remap): 200,000 rows at once held the page
/// for most of a second.
const PREPARE_SLICE: usize = 10_000;
/// Rows of a chunk being read mapped, counted and keyed at a time, a turn
/// given to the page whenever a few slices have held it long enough
/// ([`Turns`]). Small for the same reason as [`DUPLICATES_SLICE`]: the
/// worker reads meanwhile, so the page's thread is never alone.
const READ_SLICE: usize = 250;
/// Rows per `upload_rows` call (the server's cap).
const ROWS_PER_UPLOAD: usize = crate::import_api::MAX_ROWS_PER_UPLOAD;
/// Body bytes per `upload_rows` call: well below the server's request limit
/// even when every row carries long texts in a many-byte script.
const BYTES_PER_UPLOAD: usize = crate::import_api::MAX_UPLOAD_BYTES;
/// `upload_rows` calls in flight at once.
const UPLOADS_IN_FLIGHT: usize = crate::import_api::UPLOADS_IN_FLIGHT;

/// Reads `file` (its `sheet`, or the default one; the header row found, or
/// the one the user chose) and checks every row.
///
/// The worker sends the rows in chunks as it reads them; each chunk is
/// mapped and keyed here as it comes, and the server's look-ups go out as
/// soon as a call's worth of keys is gathered, so little is left to do once
/// the last row is read.
pub async fn load(context: ImportContext, file: web_sys::File, sheet: Option<String>, header: HeaderRequest) {
    context.alert.set(None);
    context.rejection.set(None);
    context.file.set_value(Some(file.clone()));
    let file_name = file.name();
    let limits = context.limits.await;
    if file.size() > limits.max_file_bytes as f64 {
        return fail(context, sheets::size::file_too_large(file.size() as u64, limits.max_file_bytes));
    }
    context.stage.set(Stage::Reading { file_name: file_name.clone(), rows: 0 });
    // The rows the user could choose as the header come with a read that
    // looked for it; a read from the user's choice keeps the earlier ones.
    let earlier = context.session.with_value(|session| {
        session.as_ref().map(|session| (session.file.head.header_found, session.file.head.header_candidates.clone()))
    });
    let (queue, answers) = ask_server();
    let request = ReadRequest { file_name: file_name.clone(), sheet, limits, header };
    let (read, lookups) = futures::join!(read_and_prepare(&file, request, queue, context), answers);
    let Prepared { mut file_read, sheet_rows, mapping, rows, left_out, remembered } = match read {
        Ok(prepared) => prepared,
        Err(message) => return fail(context, message),
    };
    if let (HeaderRequest::Line(_), Some((found, candidates))) = (header, earlier) {
        file_read.head.header_found = found;
        file_read.head.header_candidates = candidates;
    }
    let Lookups { contacts, candidates, phones } = match lookups {
        Ok(found) => found,
        Err(error) => return fail(context, format!("We couldn't check the file against your contacts: {error}")),
    };
    let check = check_in_slices(context, mapping.import_columns(), rows, contacts, context.mode.get_untracked(), phones).await;
    let mut session = Session { file: file_read, sheet_rows, mapping, check, left_out, fixes: Default::default(), values: Default::default(), remembered: remembered.is_some(), duplicates: Default::default() };
    // A column of values at a time: each goes over every row.
    let mut values = ValueChoicesFinder::new(remembered.map(|remembered| ValueChoices::remembered(remembered.values)).unwrap_or_default());
    while let Some(field) = values.next_column() {
        session.list_values(&mut values, field);
        next_turn().await;
    }
    session.install_value_choices(values);
    session.duplicates.set_candidates(candidates);
    context.session.set_value(Some(session));
    show_review(context).await;
}

/// Shows the review of the session's rows as checked now: their possible
/// duplicates found and everything drawn. Then, when a Country choice (a
/// guess, or one remembered) changed rows' Country, asks the server about
/// their numbers under it, which the check could not have had.
async fn show_review(context: ImportContext) {
    find_duplicates_in_slices(context).await;
    refresh_all(context);
    context.stage.set(Stage::Review);
    let countries_chosen =
        context.session.with_value(|session| session.as_ref().is_some_and(Session::country_choices_applied));
    if countries_chosen {
        read_new_phones(context, None).await;
    }
}

/// A file read, its rows mapped and counted.
struct Prepared {
    file_read: FileRead,
    sheet_rows: Vec<SheetRow>,
    mapping: HeaderMapping,
    rows: Vec<ImportRow>,
    left_out: LeftOut,
    /// How the account mapped a file with these headers last time.
    remembered: Option<RememberedMapping>,
}

/// Has the worker read the file, and maps, counts and keys each chunk of
/// rows as it comes, sending the look-ups to `queue` as they fill (the
/// queue is dropped at the end, which tells the answers no more will come).
async fn read_and_prepare(file: &web_sys::File, request: ReadRequest, queue: AskQueue, context: ImportContext) -> Result<Prepared, String> {
    // The file itself, not its bytes: the worker reads them, so the page's
    // thread neither waits for them nor copies them, and the read starts
    // while the page draws the reading stage.
    let encoded = Uint8Array::from(encode(&request)?.as_slice());
    let message = worker_message("read", &[("file", file.as_ref()), ("request", &JsValue::from(encoded))]);
    let stage = context.stage;
    let name = request.file_name.clone();
    let mut reading = start_worker(message, Array::new(), Patience::Reading, move |rows| {
        stage.set(Stage::Reading { file_name: name.clone(), rows });
    });
    let Some(ReadPart::Head(head)) = next_part(&mut reading).await? else { return Err(NOT_PASSED_ON.to_string()) };
    // How the account mapped a file with these headers last time, asked
    // while the worker reads the first rows. Not being able to ask only
    // means the automatic mapping is shown, which the user can change.
    let (remembered, first) = futures::join!(remembered_mapping(head.headers.clone()), next_part(&mut reading));
    let remembered = remembered.ok().flatten();
    // Recognising columns by their values counts towards the first stretch.
    let mut turns = Turns::new();
    let mut part = first?;
    let mut mapping = HeaderMapping::new(&head.headers);
    // Columns the headers leave unnamed may still be recognised by what
    // they hold (a column of emails under "Contact"): the user sees the
    // guess in the mapping and can change it.
    if let Some(ReadPart::Rows(first_rows)) = &part {
        mapping.recognise_values(&first_rows[..first_rows.len().min(VALUE_SAMPLE_ROWS)]);
    }
    if let Some(remembered) = &remembered {
        mapping.apply_overrides(&remembered.columns);
    }
    let mut batches = LookupBatches::new(Caps::SERVER);
    let mut tally = mapping.left_out_tally();
    let mut sheet_rows = Vec::new();
    let mut rows = Vec::new();
    loop {
        match part {
            Some(ReadPart::Rows(chunk)) => {
                for slice in chunk.chunks(READ_SLICE) {
                    let new_rows: Vec<ImportRow> = slice.iter().filter_map(|row| tally.import_row(row)).collect();
                    queue.send(batches.add(&new_rows));
                    rows.extend(new_rows);
                    // The worker reads on meanwhile, on another core: the
                    // page's share must stay in short tasks.
                    turns.after_slice().await;
                }
                sheet_rows.extend(chunk);
            }
            Some(ReadPart::End(end)) => {
                queue.send(batches.finish());
                let file_read = FileRead { head, end };
                if file_read.end.row_count as usize != sheet_rows.len() {
                    return Err(NOT_PASSED_ON.to_string());
                }
                return Ok(Prepared { file_read, sheet_rows, mapping, rows, left_out: tally.report(), remembered });
            }
            Some(ReadPart::Head(_)) | None => return Err(NOT_PASSED_ON.to_string()),
        }
        part = next_part(&mut reading).await?;
    }
}

/// The worker's next part of a read, decoded; `None` when it said it is
/// done.
async fn next_part(reading: &mut WorkerAnswer) -> Result<Option<ReadPart>, String> {
    match reading.next().await {
        Some(part) => decode(&part?.to_vec()).map(Some).map_err(|_| NOT_PASSED_ON.to_string()),
        None => Ok(None),
    }
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
    phones: PhoneVerdicts,
) -> ImportCheck {
    let mut builder =
        ImportCheck::build(columns, rows, super::session::existing(contacts), mode).with_phone_verdicts(phones);
    let mut turns = Turns::new();
    while !builder.step(CHECK_SLICE) {
        let progress = Stage::Checking { done: builder.done_steps(), total: builder.total_steps() };
        turns.after_slice_showing(|| context.stage.set(progress)).await;
    }
    // What the caller does next with the check (listing values to map,
    // starting the search for possible duplicates) goes over every row
    // too: a task of its own, not added to the last stretch of checking.
    turns.take().await;
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
    let Some((columns, mut tally)) = context.session.try_update_value(|session| {
        session.as_mut().map(|session| {
            session.mapping.set(column, field);
            (session.mapping.import_columns(), session.mapping.left_out_tally())
        })
    }).flatten() else {
        return;
    };
    // A slice at a time, each row read once for its import row and the
    // data the new mapping leaves out; the sheet's rows stay in the session
    // (some map to no row, so `rows` cannot say where to go on).
    let mut rows = Vec::new();
    let mut mapped_up_to = 0;
    loop {
        let mapped = context.session.with_value(|session| {
            // None too when another file replaced the session meanwhile.
            let session = session.as_ref()?;
            let end = (mapped_up_to + PREPARE_SLICE).min(session.sheet_rows.len());
            rows.extend(session.sheet_rows.get(mapped_up_to..end)?.iter().filter_map(|row| tally.import_row(row)));
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
    context.session.update_value(|session| {
        if let Some(session) = session {
            session.check = check;
            session.left_out = tally.report();
            // The rows are rebuilt from the file: no fix is left to undo.
            session.fixes.clear();
            let earlier = std::mem::take(&mut session.values);
            session.find_value_choices(earlier);
            session.duplicates.set_candidates(candidates);
        }
    });
    show_review(context).await;
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
    let check = check_in_slices(context, columns, rows, contacts, mode, phones).await;
    install_check(context, check, removed).await;
    context.stage.set(Stage::Review);
}

/// Sends the rows, asks the server to confirm, and reports the outcome.
pub async fn confirm(context: ImportContext) {
    let Some((new_import, file_name, to_remember)) = context.session.with_value(|session| {
        session.as_ref().map(|session| (session.new_import(), session.file.head.file_name.clone(), session.mapping_to_remember()))
    }) else {
        return;
    };
    context.alert.set(None);
    context.rejection.set(None);
    let total = new_import.row_count as usize;
    context.stage.set(Stage::Uploading { sent: 0, total });
    let outcome = async {
        let import_id = open_import(new_import).await?;
        // A few calls in flight: the server stages one while the next
        // travels. Each call's rows are built from the session only when its
        // turn comes, in a turn of their own, so the first call goes out
        // before the rest are built (building all 100,000 at once held the
        // page for a quarter of a second before anything was sent).
        let chunks = futures::stream::unfold(Some(0), move |from| async move {
            let from = from?;
            if from > 0 {
                next_turn().await;
            }
            let chunk = context
                .session
                .with_value(|session| session.as_ref().map(|session| session.upload_chunk(from, ROWS_PER_UPLOAD, BYTES_PER_UPLOAD)));
            Some(match chunk {
                Some(chunk) => (Ok(chunk.rows), chunk.next),
                // The import was closed meanwhile: nothing more to send, and
                // the server is not asked to confirm a part of it.
                None => (Err(AppError::Invalid("The import was closed before its rows were sent.".to_string())), None),
            })
        });
        let uploads = chunks
            .map(|rows| async move {
                let rows = rows?;
                let count = rows.len();
                upload_rows(import_id, rows).await.map(|_| count)
            })
            .buffer_unordered(UPLOADS_IN_FLIGHT);
        let mut uploads = std::pin::pin!(uploads);
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
            context.close_session();
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
        context.session.with_value(|session| session.as_ref().map(|session| (session.report_request(), session.file.head.file_name.clone())))
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
    // What came before (listing the values, installing a check) went over
    // every row too: the search starts a task of its own. Starting it
    // (listing the new rows, indexing the candidates) counts towards the
    // first stretch.
    next_turn().await;
    let mut turns = Turns::new();
    let Some(mut finder) =
        context.session.try_update_value(|session| session.as_mut().map(Session::duplicate_finder)).flatten()
    else {
        return;
    };
    loop {
        // None when another file replaced the session meanwhile, or a newer
        // search started (a re-check replaced the rows being searched).
        let stepped = context.session.with_value(|session| {
            let session = session.as_ref().filter(|session| session.duplicates.is_latest(&finder))?;
            Some(finder.step(&session.check, DUPLICATES_SLICE))
        });
        match stepped {
            Some(true) => break,
            Some(false) => {
                let (done, total) = finder.progress();
                turns.after_slice_showing(|| context.stage.set(Stage::FindingDuplicates { done, total })).await;
            }
            None => return,
        }
    }
    // Showing the flags re-renders the review: a task of its own, not added
    // to the last stretch of searching.
    turns.take().await;
    context.edit(|session| session.install_duplicates(finder), true);
}

/// Everything on screen depends on the new session.
fn refresh_all(context: ImportContext) {
    context.generation.update(|generation| *generation += 1);
    context.relist.notify();
    context.rows_changed.notify();
}

/// Back to choosing a file, with the reason shown.
fn fail(context: ImportContext, message: String) {
    context.alert.set(Some(message));
    context.close_session();
    context.stage.set(Stage::ChooseFile);
}
