//! An import through the server functions, as the browser runs it: look up
//! the rows' keys, open the import, upload the rows in chunks, confirm.

use std::collections::HashMap;
use std::time::Instant;

use rules::check::{lookup_keys, match_key, LookupKeys};
use rules::headers::{ImportColumns, ImportRow};
use rules::merge::MergeMode;
use rules::{ContactFields, ExistingContact, Field, FieldSet};
use serde_json::json;
use store::model::{ConfirmOutcome, NewImport, PreviewMatch, UploadedRow};
use uuid::Uuid;

use crate::http::{Client, Failure};
use crate::stats::Recorder;

/// The most keys of each kind per `existing_contacts` call (the server's cap).
const KEYS_PER_CALL: usize = 5_000;

/// Runs `call`, recording it under `kind` when a recorder is given.
macro_rules! timed {
    ($recorder:expr, $kind:expr, $call:expr) => {{
        let began = Instant::now();
        let result = $call;
        if let Some(recorder) = $recorder {
            recorder.record($kind, began, result.as_ref().err().map(|error: &Failure| error.to_string()));
        }
        result
    }};
}

/// An import opened and uploaded, ready to confirm.
pub struct Uploaded {
    pub import_id: Uuid,
    /// How many rows matched an existing contact in the preview.
    pub matched: usize,
}

/// Looks up, opens and uploads `rows` (all template columns, keep mode) in
/// chunks of `chunk` rows.
pub async fn upload(
    client: &mut Client,
    recorder: Option<&Recorder>,
    file_name: &str,
    rows: &[ContactFields],
    chunk: usize,
) -> Result<Uploaded, Failure> {
    let import_rows: Vec<ImportRow> =
        rows.iter().enumerate().map(|(index, fields)| ImportRow::new(index as u32 + 2, fields.clone())).collect();

    // The preview: which rows match a contact, and at which version.
    let keys = lookup_keys(&import_rows);
    let mut existing: HashMap<String, PreviewMatch> = HashMap::new();
    let calls = keys.references.len().max(keys.emails.len()).div_ceil(KEYS_PER_CALL).max(1);
    for call in 0..calls {
        let part = |all: &[String]| all.iter().skip(call * KEYS_PER_CALL).take(KEYS_PER_CALL).cloned().collect::<Vec<_>>();
        let keys = LookupKeys { references: part(&keys.references), emails: part(&keys.emails) };
        let (contacts, _): (Vec<ExistingContact>, _) =
            timed!(recorder, "existing_contacts", client.call_postcard("existing_contacts", &LookupArgs { keys }).await)?;
        for contact in contacts {
            existing.insert(
                match_key(contact.fields.get(Field::Reference)),
                PreviewMatch { contact_id: contact.id, version: contact.version },
            );
        }
    }

    let new_import = NewImport {
        file_name: file_name.to_string(),
        file_sha256: format!("{:064x}", u128::from_le_bytes(*Uuid::new_v4().as_bytes())),
        file_size: rows.len() as i64 * 200,
        sheet_name: "Contacts".into(),
        mode: MergeMode::KeepExisting,
        columns: ImportColumns::from_present(FieldSet::all()),
        row_count: rows.len() as u32,
    };
    let (import_id, _): (Uuid, _) = timed!(recorder, "open_import", client.call("open_import", &json!({ "import": new_import })).await)?;

    let mut matched = 0;
    let uploaded: Vec<UploadedRow> = import_rows
        .into_iter()
        .map(|row| {
            let preview = existing.get(&match_key(row.values.get(Field::Reference))).copied();
            matched += usize::from(preview.is_some());
            UploadedRow { row, preview, duplicate: Default::default() }
        })
        .collect();
    for rows in uploaded.chunks(chunk.max(1)) {
        let (_stored, _): (u32, _) =
            timed!(recorder, "upload_rows", client.call_postcard("upload_rows", &UploadArgs { import_id, rows }).await)?;
    }
    Ok(Uploaded { import_id, matched })
}

/// `existing_contacts`'s arguments, as its postcard body holds them.
#[derive(serde::Serialize)]
struct LookupArgs {
    keys: LookupKeys,
}

/// `upload_rows`'s arguments, in the order its postcard body holds them.
#[derive(serde::Serialize)]
struct UploadArgs<'a> {
    import_id: Uuid,
    rows: &'a [UploadedRow],
}

/// Confirms an uploaded import.
pub async fn confirm(client: &mut Client, recorder: Option<&Recorder>, import_id: Uuid) -> Result<ConfirmOutcome, Failure> {
    let (outcome, _) = timed!(recorder, "confirm_import", client.call("confirm_import", &json!({ "import_id": import_id })).await)?;
    Ok(outcome)
}
