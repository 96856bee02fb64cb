//! The account's contacts whose Contact ID or email has one of an import's
//! keys: what the browser's preview checks rows against.
//!
//! Invariant: keys are compared in [`match_key`] form against the
//! `reference_key` / `email_key` columns (which hold the same form), so the
//! browser, the merge and the unique indexes agree on what matches.

use rules::check::{match_key, LookupKeys};
use rules::ExistingContact;
use sqlx::{PgConnection, PgPool, Row};

use super::{planned_per_call, ImportError};
use crate::fields_sql::{field_columns, fields_from_row};
use crate::model::AccountId;

/// The most Contact IDs, and separately the most emails, one call to
/// [`existing_contacts`] accepts: the browser asks in chunks of this size.
pub const MAX_LOOKUP_KEYS: usize = 5_000;

/// The account's contacts whose Contact ID or email matches one of `keys`
/// (compared case-insensitively), for the browser's preview. At most
/// [`MAX_LOOKUP_KEYS`] references and as many emails per call; more is
/// [`ImportError::Invalid`].
pub async fn existing_contacts(
    pool: &PgPool,
    account: AccountId,
    keys: &LookupKeys,
) -> Result<Vec<ExistingContact>, ImportError> {
    if keys.references.len() > MAX_LOOKUP_KEYS || keys.emails.len() > MAX_LOOKUP_KEYS {
        return Err(ImportError::Invalid(format!(
            "Too many keys at once: ask about at most {MAX_LOOKUP_KEYS} Contact IDs and {MAX_LOOKUP_KEYS} emails per request."
        )));
    }
    let mut conn = pool.acquire().await?;
    Ok(load(&mut conn, account, keys).await?)
}

/// The contacts matching `keys` (any number of them), read on `conn`.
async fn load(
    conn: &mut PgConnection,
    account: AccountId,
    keys: &LookupKeys,
) -> Result<Vec<ExistingContact>, sqlx::Error> {
    let normalise = |keys: &[String]| -> Vec<String> {
        let mut keys: Vec<String> = keys.iter().map(|key| match_key(key)).filter(|key| !key.is_empty()).collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    };
    let references = normalise(&keys.references);
    let emails = normalise(&keys.emails);
    if references.is_empty() && emails.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT id, version, {} FROM contacts WHERE account_id = $1 AND id = ANY (ARRAY({}))",
        field_columns(""),
        ids_with_keys("$1", "$2", "$3"),
    );
    let rows = planned_per_call(&sql).bind(account).bind(references).bind(emails).fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|row| {
            Ok(ExistingContact {
                id: row.try_get("id")?,
                version: row.try_get("version")?,
                fields: fields_from_row(row)?,
            })
        })
        .collect()
}

/// A subquery giving the ids of the account's contacts (account id in
/// parameter `account`) whose `reference_key` is in the text array parameter
/// `references` or whose `email_key` is in `emails`.
///
/// Each key is one probe of its unique index (whose `<> ''` predicate is
/// repeated so it applies): a lateral subquery with `LIMIT 1`, which cannot
/// match more than one contact anyway, is one the planner cannot turn into a
/// join. Written as plain joins against `unnest(…)`, an account of 200,000
/// contacts was scanned whole and merge-joined against the 5,000 keys of
/// each kind instead: 140–165 ms for keys that match nothing, 270–350 ms
/// for keys that all match, against 15–20 and 85–120 ms this way (`EXPLAIN
/// ANALYZE`, 2-core machine). Not `= ANY(…)` of the arrays either: a cached
/// (generic) plan cannot hash a parameter array, and a custom one estimates
/// every element. Callers take the contacts as `id = ANY (ARRAY(…))` of
/// this subquery, for the same reason: one probe of the primary key per
/// id, where `id IN (…)` had the account's contacts scanned again.
pub(crate) fn ids_with_keys(account: &str, references: &str, emails: &str) -> String {
    format!(
        "SELECT r.id FROM unnest({references}::text[]) AS rk(key)
              CROSS JOIN LATERAL (SELECT r.id FROM contacts r
                   WHERE r.account_id = {account} AND r.reference_key <> '' AND r.reference_key = rk.key LIMIT 1) AS r
         UNION
         SELECT e.id FROM unnest({emails}::text[]) AS ek(key)
              CROSS JOIN LATERAL (SELECT e.id FROM contacts e
                   WHERE e.account_id = {account} AND e.email_key <> '' AND e.email_key = ek.key LIMIT 1) AS e"
    )
}
