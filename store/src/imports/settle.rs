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
//! - Which rows qualify is decided in the same statement that finds the
//!   facts (`recheck::find_facts`, which reads each matched contact once
//!   anyway): [`settles_alone`] and [`result_is_stored`] are spelt here and
//!   evaluated there, so qualifying costs no pass of its own over staging
//!   or contacts. The update ([`update_settled`]) runs inside the merge's
//!   transaction, under the account's exclusive contacts lock, on the rows
//!   `import_judged` marks settled.

use rules::check::fields_read_from_the_result;
use rules::Field;
use sqlx::PgConnection;
use uuid::Uuid;

use super::planned_per_call;
use super::write::{fields_array, staged_value};
use crate::fields_sql::written_columns;
use crate::model::AccountId;

/// Whether staged row `s` may be applied in SQL as far as it and the
/// contact aliased `contact` (the one its match key found) tell, an SQL boolean
/// (NULL when there is no such contact): staged as a new contact with its
/// update sources, previewed against that contact at its current version,
/// and its result agreeing with the new contact ([`result_agrees_with_as_new`]).
/// The facts about other rows and the email's owner are the caller's to
/// add (see `recheck::find_facts`).
pub(super) fn settles_alone(contact: &str) -> String {
    format!(
        "s.new_id IS NOT NULL AND s.kept_fields IS NOT NULL AND s.kept_key_fields IS NOT NULL
           AND s.preview_contact = {contact}.id AND s.preview_version = {contact}.version
           AND {agrees}",
        agrees = result_agrees_with_as_new(contact),
    )
}

/// Whether the contact aliased `contact` holds the result of staged row `s` already
/// (a settled row that changes nothing), an SQL boolean.
pub(super) fn result_is_stored(contact: &str) -> String {
    format!(
        "({results}) = ({stored})",
        results = Field::ALL.iter().map(|&field| result(field, contact)).collect::<Vec<_>>().join(", "),
        stored = Field::ALL.iter().map(|field| format!("{contact}.{}", field.key())).collect::<Vec<_>>().join(", "),
    )
}

/// Updates the contacts of the settled rows that change them, where they
/// are still at the version the preview saw (and the marking compared), to
/// the result, with the new contact's match and list keys as staged, and
/// records each one's before and after; returns how many were updated.
///
/// Straight from staging: the result is computed in the update itself
/// (`c` is the contact as it was), so the rows are not copied to a plan
/// first. The before-image comes from a second reference to `contacts`
/// (`old`), as in `write`'s update of the planned rows.
pub(super) async fn update_settled(conn: &mut PgConnection, account: AccountId, import_id: Uuid) -> Result<u64, sqlx::Error> {
    let value = |column: &str| Field::from_key(column).map_or_else(|| staged_value(column), |field| result(field, "c"));
    let sql = format!(
        "WITH updated AS (
             UPDATE contacts c SET {assignments}, version = c.version + 1, updated_at = now()
             FROM import_judged j
             JOIN import_staging s ON s.account_id = $1 AND s.import_id = $2 AND s.line = j.line
             JOIN contacts old ON old.account_id = $1 AND old.id = j.matched_id
             WHERE j.settled AND NOT j.unchanged
               AND c.account_id = $1 AND c.id = j.matched_id AND c.version = s.preview_version
             RETURNING c.id, c.version, j.line, {before} AS before, {after} AS after)
         INSERT INTO import_changes (import_id, account_id, contact_id, line, action, before, after, version_after)
         SELECT $2, $1, u.id, u.line, 'updated', u.before, u.after, u.version FROM updated u",
        assignments = written_columns().iter().map(|column| format!("{column} = {}", value(column))).collect::<Vec<_>>().join(", "),
        before = fields_array(|key| format!("old.{key}")),
        after = fields_array(|key| format!("c.{key}")),
    );
    let done = planned_per_call(&sql).bind(account).bind(import_id).execute(&mut *conn).await?;
    Ok(done.rows_affected())
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

/// `field` of the contact aliased `contact` after staged row `s` updates it:
/// [`rules::merge::UpdateSource::apply`] to the staged value as a new
/// contact and the stored one, the source read from the staged bit sets.
fn result(field: Field, contact: &str) -> String {
    let bit = 1i64 << field.index();
    let column = field.key();
    let as_new = staged_value(column);
    let same_key = match key_column(field) {
        Some(key) => format!(" WHEN s.kept_key_fields & {bit} <> 0 AND {contact}.{key} = s.{key} THEN {contact}.{column}"),
        // Never so under the rules; such rows are left to them
        // (see `result_agrees_with_as_new`).
        None => String::new(),
    };
    format!("CASE WHEN s.kept_fields & {bit} <> 0 THEN {contact}.{column}{same_key} ELSE {as_new} END")
}

/// Whether the result agrees with the row's value as a new contact on the
/// fields its verdict and keys read, and every field's source is one
/// [`result`] spells.
fn result_agrees_with_as_new(contact: &str) -> String {
    let read = fields_read_from_the_result();
    let mut conditions: Vec<String> = read
        .iter()
        .map(|field| format!("({}) = {}", result(field, contact), staged_value(field.key())))
        .collect();
    conditions.extend(
        Field::ALL
            .into_iter()
            .filter(|&field| key_column(field).is_none())
            .map(|field| format!("s.kept_key_fields & {} = 0", 1i64 << field.index())),
    );
    conditions.join("\n           AND ")
}
