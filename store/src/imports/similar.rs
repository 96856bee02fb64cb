//! The account's contacts that an import's rows may duplicate (same phone,
//! or same postcode and a name starting alike): the candidates the
//! browser's preview runs [`rules::similar`] over.
//!
//! Invariant: a coarse, account-scoped filter, never a verdict. It returns
//! the contacts whose phone or mobile has one of the
//! [`phone_key`](rules::similar::phone_key)s asked about, or whose postcode
//! and the first letters of a name field form one of the pairs asked about,
//! computed in SQL as the rules compute them for ASCII text; whether any is
//! possibly the same as a row is the rules' call alone.
//!
//! Cost: one pass over the account's contacts per call (each kind of key
//! is hashed once, so the pass costs the same for 10 keys or 50,000), and
//! no index on
//! `contacts`: every index there is paid again by each import's inserts
//! (issue 15). Measured with `EXPLAIN ANALYZE` on 100,000 contacts of one
//! account (200,000 in the table), 50,000 keys of each kind and every
//! contact's postcode among them (the worst case: each contact then probes
//! three name pairs), on the shared 2-core machine under load: 1.3 to 1.5 s
//! per call. A 100,000-row file asks in 2 or 3 calls, two at a time on the
//! bulk pool. Hence the large cap per call ([`MAX_SIMILAR_KEYS`]); an
//! expression index on `(account_id, phone key)` would make a call a few
//! index probes, at a price on every import's writes.

use rules::similar::SimilarKeys;
use rules::ExistingContact;
use sqlx::{PgPool, Row};

use super::{planned_per_call, ImportError};
use crate::fields_sql::{field_columns, fields_from_row};
use crate::model::AccountId;

/// The most phone keys, and separately the most postcode pairs, one call to
/// [`similar_contacts`] accepts.
pub const MAX_SIMILAR_KEYS: usize = 50_000;

/// The most contacts one call returns: beyond it, some possible duplicates
/// go unflagged (a hint missing, never a wrong write).
pub const MAX_SIMILAR_CONTACTS: i64 = 20_000;

/// A phone number's key in SQL, as [`rules::similar::phone_key`] computes
/// it for a valid number: what precedes an extension marker (each marker,
/// "x", "ext", "extn", "extension", holds an `x`), without the separators a
/// valid number may hold and the marker's other letters, its last `$4`
/// digits; blank when it has fewer digits (so it matches no key).
fn phone_key_sql(column: &str) -> String {
    format!(
        "(CASE WHEN length(translate(split_part(lower(c.{column}), 'x', 1), ' -+().:etnsio\u{a0}\u{2007}\u{202f}', '')) >= $4
               THEN right(translate(split_part(lower(c.{column}), 'x', 1), ' -+().:etnsio\u{a0}\u{2007}\u{202f}', ''), $4)
               ELSE '' END)"
    )
}

/// The account's contacts whose phone or mobile has one of `keys.phones`,
/// or whose postcode paired with the first [`block_letters`] letters of its
/// first name, last name or company name is one of `keys`' pairs. At most
/// [`MAX_SIMILAR_KEYS`] of each per call (more is
/// [`ImportError::Invalid`]), at most [`MAX_SIMILAR_CONTACTS`] returned.
///
/// [`block_letters`]: rules::similar::SimilarityRules::block_letters
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
    let rules = rules::similar::SIMILARITY_RULES;
    let postcodes: Vec<String> = keys.postcodes.clone();
    let pairs: Vec<String> =
        keys.postcodes.iter().zip(&keys.name_starts).map(|(postcode, start)| format!("{postcode} {start}")).collect();
    let postcode = "lower(translate(c.postcode, ' -', ''))";
    let pair = |column: &str| {
        format!("{postcode} || ' ' || left(lower(translate(c.{column}, '''\u{2019}', '')), $5) IN (SELECT key FROM pairs)")
    };
    // Each kind of key is a materialised list that a hashed subplan reads
    // once, so each contact costs a hash probe per clause. Not `= ANY` of
    // the arrays: Postgres hashes those too, but plans each clause by
    // estimating every element of its array (100–135 ms of planning for
    // 50,000 keys, 9 ms for a 1,000-row file's; about a millisecond this
    // way, with the same execution).
    let sql = format!(
        "WITH phones AS MATERIALIZED (SELECT unnest($2::text[]) AS key),
              postcodes AS MATERIALIZED (SELECT unnest($3::text[]) AS key),
              pairs AS MATERIALIZED (SELECT unnest($6::text[]) AS key)
         SELECT c.id, c.version, {fields} FROM contacts c
         WHERE c.account_id = $1
           AND ({phone} IN (SELECT key FROM phones) OR {mobile} IN (SELECT key FROM phones)
                OR (c.postcode <> '' AND {postcode} IN (SELECT key FROM postcodes) AND ({first} OR {last} OR {company})))
         LIMIT $7",
        fields = field_columns("c."),
        phone = phone_key_sql("phone"),
        mobile = phone_key_sql("mobile"),
        first = pair("first_name"),
        last = pair("last_name"),
        company = pair("company_name"),
    );
    let rows = planned_per_call(&sql)
        .bind(account)
        .bind(&keys.phones)
        .bind(postcodes)
        .bind(i32::try_from(rules.phone_key_digits).unwrap_or(i32::MAX))
        .bind(i32::try_from(rules.block_letters).unwrap_or(i32::MAX))
        .bind(pairs)
        .bind(MAX_SIMILAR_CONTACTS)
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(ExistingContact { id: row.try_get("id")?, version: row.try_get("version")?, fields: fields_from_row(row)? })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(ImportError::from)
}
