//! The account's contacts that an import's rows may duplicate (same phone,
//! or same postcode and a name starting alike): the candidates the
//! browser's preview runs [`rules::similar`] over.
//!
//! Invariant: a coarse, account-scoped filter, never a verdict. It returns
//! the contacts that share a key with the keys asked about, each side's
//! keys being what [`rules::similar::similar_keys`] computes (a phone key,
//! or a postcode paired with the start of a name word), of a key shared by
//! more contacts than the rules' blocks may hold only enough of them for
//! its block to be skipped ([`crowded_block`]), and at most
//! [`MAX_SIMILAR_CONTACTS`] in all; whether any is possibly the same as a
//! row is the rules' call alone.
//!
//! How: each indexed contact's keys are rows of `contact_similar_keys`,
//! computed by the rules from the contact's values and written by the
//! background indexer after each write commits ([`write_keys`], called by
//! `crate::listing::index`), so no import pays for them. A call probes
//! that table's primary key once per key asked about. Contacts written
//! since the indexer last caught up ("pending", see
//! `crate::listing::pending`) have their keys computed in SQL instead, as
//! the rules compute them for ASCII text (for other scripts SQL may find
//! fewer of them, never others, until they are indexed seconds later).
//! Both run in one read-only snapshot that first asks whether the account
//! has any pending contact, as the contacts list does: in every snapshot a
//! contact either has its current keys in the table or is pending, so each
//! contact is judged by its current values.
//!
//! Measured with `EXPLAIN ANALYZE` on an account of 200,000 contacts (the
//! shared 2-core machine), computing every contact's keys in SQL on each
//! call took 1.2–1.6 s per call, for 10 keys or 50,000.

use rules::similar::{similar_keys, SimilarKeys, SIMILARITY_RULES};
use rules::ExistingContact;
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder, Row};
use uuid::Uuid;

use super::ImportError;
use crate::fields_sql::{field_columns, fields_from_row};
use crate::listing::pending;
use crate::model::AccountId;

/// The most phone keys, and separately the most postcode pairs, one call to
/// [`similar_contacts`] accepts.
pub const MAX_SIMILAR_KEYS: usize = 50_000;

/// The most contacts one call returns: beyond it, some possible duplicates
/// go unflagged (a hint missing, never a wrong write).
pub const MAX_SIMILAR_CONTACTS: i64 = 20_000;

/// `contact_similar_keys.kind` of a phone key.
const PHONE_KEY: i16 = 1;
/// `contact_similar_keys.kind` of a postcode and name-start pair.
const NAME_KEY: i16 = 2;

/// How many of the contacts that share one key a call returns at most:
/// one more than [`SimilarityRules::max_block`]. The rules skip a block
/// with more members than that (an office switchboard shared by 500
/// contacts says nothing about any two of them), so the page's block of a
/// key shared by more contacts is skipped just the same with these alone,
/// and a contact that shares another, smaller block with a row is found
/// through that block's key. (Where the page's blocks are finer than a key,
/// e.g. two numbers whose last digits agree, some members of a small block
/// may be left out: a hint missing, never a wrong write, as with the cap on
/// the whole call.) In an account of 200,000 contacts a postcode and name
/// start was shared by up to 1,601 of them.
///
/// [`SimilarityRules::max_block`]: rules::similar::SimilarityRules::max_block
fn crowded_block(rules: &rules::similar::SimilarityRules) -> usize {
    rules.max_block + 1
}

/// Each postcode and name-start pair of `keys` as one key: how the table
/// stores it and how a call asks for it.
fn pair_keys(keys: &SimilarKeys) -> impl Iterator<Item = String> + '_ {
    keys.postcodes.iter().zip(&keys.name_starts).map(|(postcode, start)| format!("{postcode} {start}"))
}

/// A pending contact's (`c`) phone number's key in SQL, as
/// [`rules::similar::phone_key`] computes it for a valid number: what
/// precedes an extension marker (each marker, "x", "ext", "extn",
/// "extension", holds an `x`), without the separators a valid number may
/// hold and the marker's other letters, its last `digits` digits; blank when
/// it has fewer digits (so it matches no key).
fn phone_key_sql(column: &str, digits: usize) -> String {
    format!(
        "(CASE WHEN length(translate(split_part(lower(c.{column}), 'x', 1), ' -+().:etnsio\u{a0}\u{2007}\u{202f}', '')) >= {digits}
               THEN right(translate(split_part(lower(c.{column}), 'x', 1), ' -+().:etnsio\u{a0}\u{2007}\u{202f}', ''), {digits})
               ELSE '' END)"
    )
}

/// Whether pending contact `c` has one of the `pairs` keys, in SQL: its
/// postcode's letters and digits in lower case, with the first `letters`
/// letters of each word of two letters or more of its first name, last name
/// or company name, the words split as the rules split them (apostrophes
/// dropped, at everything but letters and digits), for ASCII text.
fn pair_match_sql(letters: usize) -> String {
    format!(
        "(c.postcode <> '' AND EXISTS (
             SELECT 1 FROM (VALUES (c.first_name), (c.last_name), (c.company_name)) AS n(name),
                  regexp_split_to_table(lower(translate(n.name, '''\u{2019}', '')), '[^[:alnum:]]+') AS w(word)
             WHERE length(w.word) >= 2
               AND lower(regexp_replace(c.postcode, '[^[:alnum:]]', '', 'g')) || ' ' || left(w.word, {letters})
                   IN (SELECT key FROM pairs)))"
    )
}

/// The account's contacts that share a key with `keys` (see the module's
/// invariant). At most [`MAX_SIMILAR_KEYS`] of each kind per call (more is
/// [`ImportError::Invalid`]), at most [`MAX_SIMILAR_CONTACTS`] returned.
pub async fn similar_contacts(
    pool: &PgPool,
    account: AccountId,
    keys: &SimilarKeys,
) -> Result<Vec<ExistingContact>, ImportError> {
    if keys.phones.len() > MAX_SIMILAR_KEYS || keys.postcodes.len() > MAX_SIMILAR_KEYS {
        return Err(ImportError::Invalid(format!(
            "Too many keys at once: ask about at most {MAX_SIMILAR_KEYS} phone numbers and {MAX_SIMILAR_KEYS} postcodes per request."
        )));
    }
    if keys.postcodes.len() != keys.name_starts.len() {
        return Err(ImportError::Invalid(
            "Each postcode asked about needs the start of a name beside it. Check the file again.".into(),
        ));
    }
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let pairs: Vec<String> = pair_keys(keys).collect();
    let rows = pending::fetch_in_snapshot(pool, account, |pending| {
        Ok::<_, ImportError>(candidates_sql(account, &keys.phones, pairs, pending))
    })
    .await?;
    rows.iter()
        .map(|row| {
            Ok(ExistingContact { id: row.try_get("id")?, version: row.try_get("version")?, fields: fields_from_row(row)? })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(ImportError::from)
}

/// The statement of [`similar_contacts`]: the indexed contacts through
/// `contact_similar_keys` (at most [`crowded_block`] per key asked about),
/// and, when the snapshot has any (`pending`), the
/// pending ones with their keys computed in SQL; the table's rows of a
/// pending contact, possibly stale, are never used. The parts are not
/// deduplicated (`UNION ALL`, phone keys first): a contact found twice is
/// read once by `= ANY`, and the cap on the whole call stops reading
/// candidates as soon as it is reached. In a dense account that matters:
/// 10,000 contacts' keys found 126,507 others (their postcodes shared by
/// about 60 contacts each), 470 ms with the candidates deduplicated first
/// and 130 ms without. Each kind of key asked
/// about is a materialised list (not `= ANY` of an array, whose elements
/// Postgres estimates one by one when it plans: 100–135 ms for 50,000).
fn candidates_sql(account: AccountId, phones: &[String], pairs: Vec<String>, pending: bool) -> QueryBuilder<'static, Postgres> {
    let rules = SIMILARITY_RULES;
    let mut sql = QueryBuilder::<Postgres>::new("WITH phones AS MATERIALIZED (SELECT unnest(");
    sql.push_bind(phones.to_vec())
        .push("::text[]) AS key), pairs AS MATERIALIZED (SELECT unnest(")
        .push_bind(pairs)
        .push("::text[]) AS key), ");
    if pending {
        pending::push_pending_ids(&mut sql, account);
        sql.push(", ");
    }
    sql.push("candidates AS (");
    for (index, (kind, list)) in [(PHONE_KEY, "phones"), (NAME_KEY, "pairs")].into_iter().enumerate() {
        if index > 0 {
            sql.push(" UNION ALL ");
        }
        sql.push(format!(
            "SELECT k.contact_id AS id FROM {list} l CROSS JOIN LATERAL (
                 SELECT k.contact_id FROM contact_similar_keys k WHERE k.account_id = "
        ))
        .push_bind(account)
        .push(format!(" AND k.kind = {kind} AND k.key = l.key"));
        if pending {
            sql.push(" AND NOT EXISTS (SELECT 1 FROM pending p WHERE p.id = k.contact_id)");
        }
        sql.push(format!(" ORDER BY k.contact_id LIMIT {}) AS k", crowded_block(&rules)));
    }
    if pending {
        sql.push(" UNION ALL SELECT c.id FROM contacts c WHERE c.account_id = ").push_bind(account).push(format!(
            " AND c.id IN (SELECT id FROM pending)
              AND ({phone} IN (SELECT key FROM phones) OR {mobile} IN (SELECT key FROM phones) OR {pair})",
            phone = phone_key_sql("phone", rules.phone_key_digits),
            mobile = phone_key_sql("mobile", rules.phone_key_digits),
            pair = pair_match_sql(rules.block_letters),
        ));
    }
    sql.push(format!(") SELECT c.id, c.version, {} FROM contacts c WHERE c.account_id = ", field_columns("c.")))
        .push_bind(account)
        .push(" AND c.id = ANY (ARRAY(SELECT id FROM candidates LIMIT ")
        .push_bind(MAX_SIMILAR_CONTACTS)
        .push("))");
    sql
}

/// Brings the `contact_similar_keys` rows of `contacts` to the keys the
/// rules compute from their values now (none for a contact that is gone),
/// on `conn`: the indexer's transaction (see `crate::listing::index`). Only
/// what differs is written: a key the contact no longer has is deleted, a
/// new one inserted, and one it keeps is left alone, so a contact queued
/// again without a change to its keys (an edit of its notes, an import's
/// update of its email, every contact by a migration that re-queues them)
/// costs no write here. Indexing 200,000 contacts queued again unchanged
/// took 15.1–15.6 s instead of 20.6–21.1 s and left the database 57–75 MB
/// smaller; 200,000 new ones took the same (24.9–27.3 s), measured in turns.
pub(crate) async fn write_keys(conn: &mut PgConnection, account: AccountId, contacts: &[Uuid]) -> Result<(), sqlx::Error> {
    let rows = sqlx::query(&format!("SELECT id, {} FROM contacts WHERE account_id = $1 AND id = ANY ($2)", field_columns("")))
        .bind(account)
        .bind(contacts)
        .fetch_all(&mut *conn)
        .await?;
    let contacts_read = rows
        .iter()
        .map(|row| Ok((row.try_get::<Uuid, _>("id")?, fields_from_row(row)?)))
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    // The rules' work (a few milliseconds for a step's 2,000 contacts) runs
    // on a blocking thread, as an upload's does, so the runtime's workers
    // stay free for page loads meanwhile. (A panic there has been reported
    // by the panic hook; the step then fails and is retried.)
    let (kinds, keys, owners) =
        tokio::task::spawn_blocking(move || keys_of(&contacts_read)).await.map_err(|_| sqlx::Error::WorkerCrashed)?;
    // The contacts' key rows are read once (`held`) and compared with the
    // keys they should have (`wanted`) in memory: what only the table holds
    // is deleted, what only the rules give is inserted. Each contact is
    // read once and `similar_keys` gives each of its keys once, so no
    // inserted row repeats; the delete and the insert touch different rows,
    // so they can be one statement. (Probing the primary key for each
    // wanted key instead, or inserting with `ON CONFLICT DO NOTHING`, made
    // indexing new contacts, which hold no rows yet, about a tenth slower.)
    sqlx::query(
        "WITH asked AS MATERIALIZED (SELECT DISTINCT unnest($5::uuid[]) AS contact_id),
         wanted AS MATERIALIZED (SELECT * FROM unnest($2::int2[], $3::text[], $4::uuid[]) AS k(kind, key, contact_id)),
         held AS MATERIALIZED (
             SELECT k.kind, k.key, k.contact_id FROM asked a
             JOIN contact_similar_keys k ON k.account_id = $1 AND k.contact_id = a.contact_id),
         gone AS (
             DELETE FROM contact_similar_keys k USING (SELECT * FROM held EXCEPT SELECT * FROM wanted) AS g
             WHERE k.account_id = $1 AND k.kind = g.kind AND k.key = g.key AND k.contact_id = g.contact_id)
         INSERT INTO contact_similar_keys (account_id, kind, key, contact_id)
         SELECT $1, kind, key, contact_id FROM (SELECT * FROM wanted EXCEPT SELECT * FROM held) AS new_keys",
    )
    .bind(account)
    .bind(kinds)
    .bind(keys)
    .bind(owners)
    .bind(contacts)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The `contact_similar_keys` rows of `contacts` (each contact's id and
/// values), as the columns kind, key and contact id.
fn keys_of(contacts: &[(Uuid, rules::ContactFields)]) -> (Vec<i16>, Vec<String>, Vec<Uuid>) {
    let (mut kinds, mut keys, mut owners) = (Vec::new(), Vec::new(), Vec::new());
    for (id, fields) in contacts {
        let mut found = similar_keys(std::iter::once(fields), &SIMILARITY_RULES);
        let phones = std::mem::take(&mut found.phones);
        let pairs = pair_keys(&found).map(|key| (NAME_KEY, key));
        for (kind, key) in phones.into_iter().map(|phone| (PHONE_KEY, phone)).chain(pairs) {
            kinds.push(kind);
            keys.push(key);
            owners.push(*id);
        }
    }
    (kinds, keys, owners)
}
