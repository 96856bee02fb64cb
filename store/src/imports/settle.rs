//! The rows of a confirm that SQL applies without asking the rules again:
//! each a row the rules staged as a new contact ([`rules::check::stage`]'s
//! `as_new`), matched to a contact whose result under the row's update
//! sources (where each field's value comes from, which the rules computed
//! as the row arrived: [`rules::merge::UpdateSource`]) is exactly that new
//! contact. Such a row updates the contact to it, or changes nothing when
//! the contact holds it already ([`rules::check::StagedRow::update_sources`]
//! says why its verdict depends on nothing else). Its values, match keys
//! and list keys were computed by the rules at upload, so nothing about it
//! crosses to Rust at confirm.
//!
//! Invariants:
//! - SQL decides nothing: it compares stored values with the ones the rules
//!   staged, field by field as the staged sources say ([`result_is_as_new`]
//!   is [`rules::merge::UpdateSource::apply`] equal to the staged value),
//!   and writes only values the rules computed. `store/tests/imports_sql_merge.rs`
//!   holds what lands to what the rules alone (judging every row) write.
//! - Only rows whose one fact is their match qualify: no other row sharing
//!   a key or the contact, the email (if any) the contact's own or no one's,
//!   no possible-duplicate choice, and the preview having seen the contact
//!   at its current version. Every other row is judged by the rules.
//! - Runs inside the merge's transaction, under the account's exclusive
//!   contacts lock, on the facts `recheck` found (`import_judged`), before
//!   the rules judge the rest.

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
        "UPDATE import_judged j SET settled = true, unchanged = ({stored}) = ({as_new})
         FROM import_staging s, contacts c
         WHERE s.account_id = $1 AND s.import_id = $2 AND s.line = j.line AND NOT j.unchanged
           AND s.new_id IS NOT NULL AND s.kept_fields IS NOT NULL AND s.kept_key_fields IS NOT NULL
           AND c.account_id = $1 AND c.id = j.matched_id
           AND j.other_reference_line IS NULL AND j.other_email_line IS NULL AND j.other_contact_line IS NULL
           AND j.duplicate_id IS NULL
           AND (j.owner_id IS NULL OR j.owner_id = j.matched_id)
           AND s.preview_contact = c.id AND s.preview_version = c.version
           AND {result}",
        stored = Field::ALL.iter().map(|field| format!("c.{}", field.key())).collect::<Vec<_>>().join(", "),
        as_new = Field::ALL.iter().map(|field| staged_value(field.key())).collect::<Vec<_>>().join(", "),
        result = result_is_as_new(),
    );
    let marked = planned_per_call(&mark).bind(account).bind(import_id).execute(&mut *conn).await?;
    Ok(marked.rows_affected())
}

/// Adds the updates of the settled rows that change their contact to
/// `import_plan`; returns how many.
pub(super) async fn plan_settled(conn: &mut PgConnection, account: AccountId, import_id: Uuid) -> Result<u64, sqlx::Error> {
    let columns = written_columns();
    let plan = format!(
        "INSERT INTO import_plan (line, contact_id, expected_version, {names})
         SELECT j.line, c.id, c.version, {values}
         FROM import_judged j
         JOIN import_staging s ON s.account_id = $1 AND s.import_id = $2 AND s.line = j.line
         JOIN contacts c ON c.account_id = $1 AND c.id = j.matched_id
         WHERE j.settled AND NOT j.unchanged",
        names = columns.join(", "),
        values = columns.iter().map(|column| staged_value(column)).collect::<Vec<_>>().join(", "),
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

/// Whether contact `c`'s result under staged row `s`'s update sources is
/// the row's value as a new contact in every field: `UpdateSource::apply`
/// equal to that value. A stored field must already hold it; a key field
/// that keeps a stored key of the same spelling must hold it or another
/// key (for a field with no key column, it must hold it); every other
/// field takes it.
fn result_is_as_new() -> String {
    Field::ALL
        .iter()
        .map(|&field| {
            let bit = 1i64 << field.index();
            let column = field.key();
            let value = staged_value(column);
            let same_spelling = match key_column(field) {
                Some(key) => format!("c.{column} = {value} OR c.{key} <> s.{key}"),
                None => format!("c.{column} = {value}"),
            };
            format!(
                "(s.kept_fields & {bit} = 0 OR c.{column} = {value}) AND (s.kept_key_fields & {bit} = 0 OR {same_spelling})"
            )
        })
        .collect::<Vec<_>>()
        .join("\n           AND ")
}
