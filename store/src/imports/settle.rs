//! The rows of a confirm that SQL applies without asking the rules again:
//! each a row the rules staged as a new contact ([`rules::check::stage`]'s
//! `as_new`), matched to a contact whose result under the row's update
//! sources (where each field's value comes from, which the rules computed
//! as the row arrived: [`rules::merge::UpdateSource`]) agrees with that new
//! contact on the fields the verdict and the keys read
//! ([`rules::check::fields_read_from_the_result`]). Such a row updates the
//! contact to that result, or changes nothing when the contact holds it
//! already ([`rules::check::StagedRow::update_sources`] says why its verdict
//! depends on nothing else). Its match and list keys are the new contact's,
//! computed by the rules at upload, so nothing about it crosses to Rust at
//! confirm.
//!
//! Invariants:
//! - SQL decides nothing: the result is [`rules::merge::UpdateSource::apply`]
//!   spelt in SQL ([`result`]: the stored value, the staged one, or the
//!   stored one when its key equals the staged key), compared with values
//!   the rules staged, and every value written is a stored one or one the
//!   rules computed. `store/tests/imports_sql_merge.rs` holds what lands to
//!   what the rules alone (judging every row) write.
//! - Only rows whose one fact is their match qualify: no other row sharing
//!   a key or the contact, the email (if any) the contact's own or no one's,
//!   no possible-duplicate choice, and the preview having seen the contact
//!   at its current version. Every other row is judged by the rules.
//! - Runs inside the merge's transaction, under the account's exclusive
//!   contacts lock, on the facts `recheck` found (`import_judged`), before
//!   the rules judge the rest.

use rules::check::fields_read_from_the_result;
use rules::Field;
use sqlx::PgConnection;
use uuid::Uuid;

use super::planned_per_call;
use super::write::staged_value;
use crate::fields_sql::written_columns;
use crate::model::AccountId;

/// Marks `settled` the judged rows SQL applies, and `unchanged` those of
/// them whose contact holds the result already; returns how many.
pub(super) async fn mark_settled(conn: &mut PgConnection, account: AccountId, import_id: Uuid) -> Result<u64, sqlx::Error> {
    let mark = format!(
        "UPDATE import_judged j SET settled = true, unchanged = ({results}) = ({stored})
         FROM import_staging s, contacts c
         WHERE s.account_id = $1 AND s.import_id = $2 AND s.line = j.line AND NOT j.unchanged
           AND s.new_id IS NOT NULL AND s.kept_fields IS NOT NULL AND s.kept_key_fields IS NOT NULL
           AND c.account_id = $1 AND c.id = j.matched_id
           AND j.other_reference_line IS NULL AND j.other_email_line IS NULL AND j.other_contact_line IS NULL
           AND j.duplicate_id IS NULL
           AND (j.owner_id IS NULL OR j.owner_id = j.matched_id)
           AND s.preview_contact = c.id AND s.preview_version = c.version
           AND {agrees}",
        results = Field::ALL.iter().map(|&field| result(field)).collect::<Vec<_>>().join(", "),
        stored = Field::ALL.iter().map(|field| format!("c.{}", field.key())).collect::<Vec<_>>().join(", "),
        agrees = result_agrees_with_as_new(),
    );
    let marked = planned_per_call(&mark).bind(account).bind(import_id).execute(&mut *conn).await?;
    Ok(marked.rows_affected())
}

/// Adds the updates of the settled rows that change their contact to
/// `import_plan`: the result's values, and the new contact's match and
/// list keys as staged. Returns how many.
pub(super) async fn plan_settled(conn: &mut PgConnection, account: AccountId, import_id: Uuid) -> Result<u64, sqlx::Error> {
    let columns = written_columns();
    let value = |column: &str| Field::from_key(column).map_or_else(|| staged_value(column), result);
    let plan = format!(
        "INSERT INTO import_plan (line, contact_id, expected_version, {names})
         SELECT j.line, c.id, c.version, {values}
         FROM import_judged j
         JOIN import_staging s ON s.account_id = $1 AND s.import_id = $2 AND s.line = j.line
         JOIN contacts c ON c.account_id = $1 AND c.id = j.matched_id
         WHERE j.settled AND NOT j.unchanged",
        names = columns.join(", "),
        values = columns.iter().map(|column| value(column)).collect::<Vec<_>>().join(", "),
    );
    let planned = planned_per_call(&plan).bind(account).bind(import_id).execute(&mut *conn).await?;
    Ok(planned.rows_affected())
}

/// The stored key column that [`rules::check::same_key`] compares `field`
/// by (the match key the rules computed for contacts and staged rows).
fn key_column(field: Field) -> Option<&'static str> {
    match field {
        Field::Reference => Some("reference_key"),
        Field::Email => Some("email_key"),
        _ => None,
    }
}

/// `field` of contact `c` after staged row `s` updates it:
/// [`rules::merge::UpdateSource::apply`] to the staged value as a new
/// contact and the stored one, the source read from the staged bit sets.
fn result(field: Field) -> String {
    let bit = 1i64 << field.index();
    let column = field.key();
    let as_new = staged_value(column);
    let same_key = match key_column(field) {
        Some(key) => format!(" WHEN s.kept_key_fields & {bit} <> 0 AND c.{key} = s.{key} THEN c.{column}"),
        // Never so under the rules; such rows are left to them
        // (see `result_agrees_with_as_new`).
        None => String::new(),
    };
    format!("CASE WHEN s.kept_fields & {bit} <> 0 THEN c.{column}{same_key} ELSE {as_new} END")
}

/// Whether the result agrees with the row's value as a new contact on the
/// fields its verdict and keys read, and every field's source is one
/// [`result`] spells.
fn result_agrees_with_as_new() -> String {
    let read = fields_read_from_the_result();
    let mut conditions: Vec<String> = read
        .iter()
        .map(|field| format!("({}) = {}", result(field), staged_value(field.key())))
        .collect();
    conditions.extend(
        Field::ALL
            .into_iter()
            .filter(|&field| key_column(field).is_none())
            .map(|field| format!("s.kept_key_fields & {} = 0", 1i64 << field.index())),
    );
    conditions.join("\n           AND ")
}
