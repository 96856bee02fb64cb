//! The server's verdict on an import, over its staged rows: SQL groups and
//! joins the keys the rules computed when each row arrived, to find the
//! facts that concern each row (its match, the other rows sharing its keys,
//! the owner of its email); the rules judge every row those facts concern,
//! streamed in batches, and plan the changes, which go back to Postgres with
//! `COPY` into a temporary table (`import_plan`) for the writes.
//!
//! Invariants:
//! - SQL decides nothing: it only compares and groups keys and values that
//!   [`rules::check::stage`] computed. Every verdict, and every sentence, is
//!   [`rules::check::judge`]'s (and [`rules::check::preview_outdated`]'s) on
//!   the facts, which are exactly what [`rules::check::ImportCheck`] finds
//!   in its groups (`store/tests/imports_agree.rs` holds the two to that).
//! - A row whose only fact is its match, a contact holding exactly its
//!   staged values at the version its preview saw (and owning its email,
//!   if any), is unchanged when the rules said so as it arrived
//!   ([`rules::check::StagedRow::unchanged_when_equal`]): SQL compares the
//!   values and counts it, and it is not judged again (the rules' verdict
//!   on such a row depends on nothing else).
//! - A row the rules staged as a new contact whose only fact is its match,
//!   a contact whose result under the row's staged update sources is that
//!   new contact, is applied in SQL ([`super::settle`]) and not judged
//!   again either (the rules' verdict on such a row depends on nothing
//!   else; see [`rules::check::StagedRow::update_sources`]).
//! - A row the facts do not concern (no match, no other row sharing a key,
//!   no owner of its email, no preview match, and no issue alone) is the new
//!   contact its staging planned; only such rows are left to the writes'
//!   set-based insert. A row the facts concern that would create a contact
//!   without an issue cannot happen under the rules; it is refused
//!   ([`Recheck::Unplanned`]) rather than written twice or skipped.
//! - A row the user chose to skip as a possible duplicate is left out of
//!   every fact (and of the writes). A row the user chose to update into a
//!   possible duplicate is judged with that contact as its match, after the
//!   choice is re-checked ([`Facts::duplicate_refused`]: the contact is this
//!   account's, the row matches none by its keys, and the rules still call
//!   them possibly the same); a refused choice is an issue for the row.
//! - Phone numbers are judged with the account's default country as it is
//!   at the confirm (staging stored each valid number's E.164 form, which
//!   reads back as itself); a row whose number could not be a real one was
//!   never a lone new contact, so it is judged here and refused.
//! - Memory does not grow with the import: rows are judged a batch at a
//!   time, and at most `max_issues` issues are kept.
//! - Reads and writes happen under the account's exclusive contacts lock,
//!   which every writer of contacts takes (shared for single contacts), so
//!   the contacts judged against cannot change before the writes: no row
//!   locks are taken.

use futures::TryStreamExt;
use rules::check::{judge, plan_row, preview_outdated, RowContext};
use rules::headers::{ImportColumns, ImportRow};
use rules::merge::Action;
use rules::similar::{still_possible_duplicate, Subject, SIMILARITY_RULES};
use rules::{ContactFields, ExistingContact, Field, Issue, Problem};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};
use uuid::Uuid;

use super::codec::field_set_from_bits;
use super::copy::CopyData;
use super::record::ImportRecord;
use super::{planned_per_call, settle, ImportError};
use crate::fields_sql::{field_columns, written_columns, written_values};
use crate::model::AccountId;
use crate::phone_memory::RememberingPhones;

/// Rows judged per batch: what one round trip brings into memory.
const JUDGED_PER_BATCH: i64 = 2_000;

/// The verdict.
#[derive(Clone, Debug)]
pub(super) enum Recheck {
    /// Some rows have issues: nothing may be written.
    Rejected {
        /// The first `max_issues` issues, row by row.
        issues: Vec<Issue>,
        total_issues: u32,
        rows_with_issues: u32,
    },
    /// Every row is fine: `planned_updates` changes are in `import_plan`
    /// and `settled_updates` marked settled in `import_judged` (the
    /// `created` new contacts stay in staging), `unchanged` rows change
    /// nothing, and `skipped` rows the user chose to skip; `settled` of the
    /// rows (changing their contact or not) are applied in SQL as the rules
    /// staged them.
    Ready { planned_updates: u64, settled_updates: u64, unchanged: u32, settled: u64, created: u64, skipped: u32 },
    /// The rules gave a row the facts concern a new contact without an
    /// issue (see the module's invariants): refuse rather than guess.
    Unplanned,
}

/// Judges import `import` of `account` on `conn` (inside the merge's
/// transaction, under the account lock), keeping at most `max_issues`
/// issues. Leaves the temporary tables `import_judged` (the lines judged
/// here) and `import_plan` (the changes) for the writes; both go when the
/// transaction ends.
pub(super) async fn recheck(
    conn: &mut PgConnection,
    account: AccountId,
    import: &ImportRecord,
    max_issues: usize,
    settle_in_sql: bool,
) -> Result<Recheck, ImportError> {
    let phones = account_phones(conn, account).await?;
    let found = find_facts(conn, account, import.id, settle_in_sql).await?;
    create_plan_table(conn).await?;

    let mut issues = Vec::new();
    let mut total_issues = 0u32;
    let mut rows_with_issues = 0u32;
    let mut unchanged = found.unchanged;
    let mut planned_updates = 0u64;
    let mut plan = CopyData::with_capacity(1 << 20);
    let mut after_line = 0i32;
    // Nothing to read when the facts settled every row they concern.
    let mut more = found.to_judge > 0;
    while more {
        let mut judged = 0i64;
        let batch_sql = judged_rows_sql();
        let mut rows = planned_per_call(&batch_sql)
            .bind(account)
            .bind(import.id)
            .bind(after_line)
            .bind(JUDGED_PER_BATCH)
            .fetch(&mut *conn);
        while let Some(row) = rows.try_next().await? {
            judged += 1;
            let facts = Facts::read(&row)?;
            after_line = facts.line;
            let row = facts.import_row();
            if let Some(issue) = facts.duplicate_refused(&row, &import.columns) {
                rows_with_issues = rows_with_issues.saturating_add(1);
                total_issues = total_issues.saturating_add(1);
                if issues.len() < max_issues {
                    issues.push(issue);
                }
                continue;
            }
            let context = facts.context();
            let verdict = judge(&row, &import.columns, import.mode, &context, &phones);
            let mut row_issues = verdict.issues.clone();
            if verdict.is_valid() {
                row_issues.extend(preview_outdated(&row, &import.columns, &verdict, &context, facts.preview));
            }
            if !row_issues.is_empty() {
                rows_with_issues = rows_with_issues.saturating_add(1);
                for issue in row_issues {
                    total_issues = total_issues.saturating_add(1);
                    if issues.len() < max_issues {
                        issues.push(issue);
                    }
                }
                continue;
            }
            match &verdict.action {
                Some(Action::Unchanged { .. }) => unchanged = unchanged.saturating_add(1),
                Some(Action::Update { contact_id, expected_version, .. }) => {
                    let Some(planned) = plan_row(&row, &import.columns, import.mode, &context, &phones) else {
                        return Ok(Recheck::Unplanned);
                    };
                    let mut copy = plan.row();
                    copy.plain(facts.line).plain(contact_id).plain(expected_version);
                    for value in written_values(&planned.contact) {
                        copy.text(&value);
                    }
                    planned_updates += 1;
                }
                Some(Action::New) | None => return Ok(Recheck::Unplanned),
            }
        }
        drop(rows);
        if total_issues == 0 && plan.rows() > 0 {
            copy_plan(conn, &plan).await?;
        }
        plan.clear();
        more = judged == JUDGED_PER_BATCH;
    }
    if total_issues > 0 {
        return Ok(Recheck::Rejected { issues, total_issues, rows_with_issues });
    }
    // The writes join the plan to contacts: plan them on its real size.
    planned_per_call("ANALYZE import_plan").execute(&mut *conn).await?;
    // Every staged row is in `staged` unless the user chose to skip it
    // (the merge checked that all `row_count` rows arrived).
    let skipped = u64::from(import.row_count).saturating_sub(found.staged);
    Ok(Recheck::Ready {
        planned_updates,
        settled_updates: found.settled_updates,
        unchanged,
        settled: found.settled,
        created: found.created,
        skipped: u32::try_from(skipped).unwrap_or(u32::MAX),
    })
}

/// The account's phone book: its default country, read now, so a staged
/// number is judged again as the account reads numbers at the confirm.
async fn account_phones(conn: &mut PgConnection, account: AccountId) -> Result<RememberingPhones, sqlx::Error> {
    let country: Option<String> = planned_per_call("SELECT default_country FROM accounts WHERE id = $1")
        .bind(account)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    Ok(RememberingPhones::new(country))
}

/// What [`find_facts`] counted as it marked the judged rows.
struct Found {
    /// Rows that change nothing: unchanged as staged, or settled with the
    /// contact holding their result already.
    unchanged: u32,
    /// Rows applied in SQL ([`settle`]), changing their contact or not.
    settled: u64,
    /// Settled rows that change their contact.
    settled_updates: u64,
    /// Rows left for the rules to judge (neither unchanged nor settled).
    to_judge: u64,
    /// Rows no fact concerns: the new contacts (not in `import_judged`).
    created: u64,
    /// Staged rows not skipped by the user as possible duplicates.
    staged: u64,
}

/// Fills the temporary table `import_judged` with the staged rows that
/// facts concern, and those facts, marking in the same statement the rows
/// whose only fact is their match and that are unchanged
/// ([`unchanged_alone`]) or (when `settle_in_sql`) applied in SQL
/// ([`settle::settles_alone`]); returns how many of each. The facts: the
/// contact the row's match key finds, the owner of its email, and the
/// first other row (by line) sharing its Contact ID, its email, or its
/// matched contact. Only the keys, the values and the match choice the
/// rules staged are compared.
///
/// One pass over the import's staged rows and one join to the contacts per
/// key (the contact found by email is also the email's owner), each
/// contact read in full once: the marks are computed from the row and its
/// contact as they are joined, not by later passes over `import_judged`
/// (which took two more joins of staging to contacts, a third of the time
/// spent finding facts). Each key grouping first finds the keys more than
/// one row shares by hashing (usually none), and only their rows are
/// ordered to find the first two lines: an ordered `array_agg` over every
/// row sorted all 100,000 keys three times.
async fn find_facts(
    conn: &mut PgConnection,
    account: AccountId,
    import_id: Uuid,
    settle_in_sql: bool,
) -> Result<Found, sqlx::Error> {
    planned_per_call(
        "CREATE TEMP TABLE import_judged (
             line integer NOT NULL, matched_id uuid, owner_id uuid, duplicate_id uuid,
             other_reference_line integer, other_email_line integer, other_contact_line integer,
             unchanged boolean NOT NULL, settled boolean NOT NULL
         ) ON COMMIT DROP",
    )
    .execute(&mut *conn)
    .await?;
    // Hash (or merge) joins only: each side is read once, whatever the
    // planner believes the sizes are. The staged rows are new, so their
    // statistics are often missing or stale, and a nested loop chosen on
    // "a few rows" over 100,000 of them would take hours.
    planned_per_call("SET LOCAL enable_nestloop = off").execute(&mut *conn).await?;
    // A flag of the row and its matched contact, which is `r` (found by
    // Contact ID) or `e` (by email) as the row's match choice says: false
    // when there is none, without evaluating it. The flags count only for a
    // row with a match (`only_fact_is_match` below), and each compares
    // every field: evaluated against a missing contact, where every
    // comparison is NULL and no AND can stop early, they took about a third
    // of this statement for 100,000 new contacts.
    let of_matched = |flag: &dyn Fn(&str) -> String| {
        format!(
            "coalesce(CASE WHEN s.match_by = 'r' AND r.id IS NOT NULL THEN {} WHEN s.match_by = 'e' AND e.id IS NOT NULL THEN {} END, false)",
            flag("r"),
            flag("e")
        )
    };
    let sql = format!(
        "WITH staged AS MATERIALIZED (
             SELECT s.line, s.reference_key, s.email_key, s.new_id IS NOT NULL AS alone_ok, s.preview_contact,
                    CASE WHEN s.duplicate_choice = 'u' THEN s.duplicate_contact END AS duplicate_id,
                    CASE s.match_by WHEN 'r' THEN r.id WHEN 'e' THEN e.id END AS contact_id,
                    e.id AS owner_id,
                    {equal} AS unchanged_alone, {settles} AS settles_alone, {stored} AS result_stored
             FROM import_staging s
             LEFT JOIN contacts r ON s.match_by = 'r' AND r.account_id = $1
                  AND r.reference_key <> '' AND r.reference_key = s.reference_key
             LEFT JOIN contacts e ON s.email_key <> '' AND e.account_id = $1
                  AND e.email_key <> '' AND e.email_key = s.email_key
             WHERE s.account_id = $1 AND s.import_id = $2 AND s.duplicate_choice <> 's'),
         by_reference AS (
             SELECT reference_key AS key, (array_agg(line ORDER BY line))[1:2] AS first_lines
             FROM staged WHERE reference_key IN (
                 SELECT reference_key FROM staged WHERE reference_key <> '' GROUP BY reference_key HAVING count(*) > 1)
             GROUP BY reference_key),
         by_email AS (
             SELECT email_key AS key, (array_agg(line ORDER BY line))[1:2] AS first_lines
             FROM staged WHERE email_key IN (
                 SELECT email_key FROM staged WHERE email_key <> '' GROUP BY email_key HAVING count(*) > 1)
             GROUP BY email_key),
         by_contact AS (
             SELECT coalesce(contact_id, duplicate_id) AS key, (array_agg(line ORDER BY line))[1:2] AS first_lines
             FROM staged WHERE coalesce(contact_id, duplicate_id) IN (
                 SELECT coalesce(contact_id, duplicate_id) FROM staged WHERE coalesce(contact_id, duplicate_id) IS NOT NULL
                 GROUP BY coalesce(contact_id, duplicate_id) HAVING count(*) > 1)
             GROUP BY coalesce(contact_id, duplicate_id)),
         facts AS (
             SELECT s.line, s.contact_id AS matched_id, s.owner_id, s.duplicate_id,
                    CASE WHEN br.first_lines[1] = s.line THEN br.first_lines[2] ELSE br.first_lines[1] END AS other_reference_line,
                    CASE WHEN be.first_lines[1] = s.line THEN be.first_lines[2] ELSE be.first_lines[1] END AS other_email_line,
                    CASE WHEN bc.first_lines[1] = s.line THEN bc.first_lines[2] ELSE bc.first_lines[1] END AS other_contact_line,
                    s.unchanged_alone, s.settles_alone, s.result_stored
             FROM staged s
             LEFT JOIN by_reference br ON s.reference_key <> '' AND br.key = s.reference_key
             LEFT JOIN by_email be ON s.email_key <> '' AND be.key = s.email_key
             LEFT JOIN by_contact bc ON bc.key = coalesce(s.contact_id, s.duplicate_id)
             WHERE s.contact_id IS NOT NULL OR NOT s.alone_ok OR s.preview_contact IS NOT NULL OR s.duplicate_id IS NOT NULL
                OR br.key IS NOT NULL OR be.key IS NOT NULL OR s.owner_id IS NOT NULL),
         alone AS (
             SELECT f.*,
                    f.other_reference_line IS NULL AND f.other_email_line IS NULL AND f.other_contact_line IS NULL
                    AND f.duplicate_id IS NULL AND f.matched_id IS NOT NULL
                    AND (f.owner_id IS NULL OR f.owner_id = f.matched_id) AS only_fact_is_match
             FROM facts f),
         judged AS (
             INSERT INTO import_judged
             SELECT line, matched_id, owner_id, duplicate_id, other_reference_line, other_email_line, other_contact_line,
                    only_fact_is_match AND (unchanged_alone OR ($3 AND settles_alone AND result_stored)),
                    only_fact_is_match AND $3 AND NOT unchanged_alone AND settles_alone
             FROM alone
             RETURNING unchanged, settled)
         SELECT count(*) FILTER (WHERE unchanged) AS unchanged, count(*) FILTER (WHERE settled) AS settled,
                count(*) FILTER (WHERE settled AND NOT unchanged) AS settled_updates,
                count(*) FILTER (WHERE NOT settled AND NOT unchanged) AS to_judge,
                (SELECT count(*) FROM staged) - count(*) AS created, (SELECT count(*) FROM staged) AS staged
         FROM judged",
        equal = of_matched(&unchanged_alone),
        settles = of_matched(&settle::settles_alone),
        stored = of_matched(&settle::result_is_stored),
    );
    let counts = planned_per_call(&sql).bind(account).bind(import_id).bind(settle_in_sql).fetch_one(&mut *conn).await?;
    let count = |name: &str| -> Result<u64, sqlx::Error> { Ok(u64::try_from(counts.try_get::<i64, _>(name)?).unwrap_or(0)) };
    let found = Found {
        unchanged: u32::try_from(count("unchanged")?).unwrap_or(u32::MAX),
        settled: count("settled")?,
        settled_updates: count("settled_updates")?,
        to_judge: count("to_judge")?,
        created: count("created")?,
        staged: count("staged")?,
    };
    planned_per_call("SET LOCAL enable_nestloop = on").execute(&mut *conn).await?;
    planned_per_call("CREATE UNIQUE INDEX ON import_judged (line)").execute(&mut *conn).await?;
    planned_per_call("ANALYZE import_judged").execute(&mut *conn).await?;
    Ok(found)
}

/// Whether staged row `s` is unchanged as far as it and the contact aliased
/// `contact` (the one its match key found) tell, an SQL boolean (NULL when
/// there is no such contact): the rules staged it as unchanged when equal
/// ([`rules::check::StagedRow::unchanged_when_equal`]), its preview saw
/// the contact at its current version, and the contact holds exactly its
/// staged values. Only values are compared: the verdict is the one the
/// rules gave the row as it arrived. The facts about other rows and the
/// email's owner are [`find_facts`]'s to add.
fn unchanged_alone(contact: &str) -> String {
    format!(
        "s.unchanged_when_equal AND s.preview_contact = {contact}.id AND s.preview_version = {contact}.version
           AND ({staged}) = ({stored})",
        staged = field_columns("s."),
        stored = field_columns(&format!("{contact}.")),
    )
}

/// One batch of judged rows after line `$3` (at most `$4`), in line order
/// (leaving out those found unchanged), with the staged values, the matched contact (`m_…`) and the email's
/// owner when it is another contact (`o_…`).
///
/// The line bound is given on both sides of the join: on `import_judged`
/// alone, each batch read the staged rows from the import's first line up
/// to its own (the planner cannot carry the bound across the join), so the
/// batches together read the import quadratically (measured: 0.05 s for
/// the first batch of 100,000 rows, 0.3 s for the fortieth).
fn judged_rows_sql() -> String {
    let aliased = |alias: &str| {
        Field::ALL.iter().map(|field| format!("{alias}.{key} AS {alias}_{key}", key = field.key())).collect::<Vec<_>>().join(", ")
    };
    format!(
        "SELECT j.line, j.matched_id, j.owner_id, j.duplicate_id,
                j.other_reference_line, j.other_email_line, j.other_contact_line,
                {staged}, s.error_cells, s.preview_contact, s.preview_version,
                m.version AS m_version, {matched}, o.version AS o_version, {owner}, d.version AS d_version, {duplicate}
         FROM import_judged j
         JOIN import_staging s ON s.account_id = $1 AND s.import_id = $2 AND s.line = j.line AND s.line > $3
         LEFT JOIN contacts m ON m.account_id = $1 AND m.id = j.matched_id
         LEFT JOIN contacts o ON o.account_id = $1 AND o.id = j.owner_id AND j.owner_id IS DISTINCT FROM j.matched_id
         LEFT JOIN contacts d ON d.account_id = $1 AND d.id = j.duplicate_id
         WHERE j.line > $3 AND NOT j.unchanged AND NOT j.settled ORDER BY j.line LIMIT $4",
        staged = field_columns("s."),
        matched = aliased("m"),
        owner = aliased("o"),
        duplicate = aliased("d"),
    )
}

/// The temporary table of planned updates: the file row, the contact, the
/// version it was judged at, and every column the write sets.
async fn create_plan_table(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    let columns = written_columns().iter().map(|name| format!("{name} text NOT NULL")).collect::<Vec<_>>().join(", ");
    planned_per_call(&format!(
        "CREATE TEMP TABLE import_plan (line integer NOT NULL, contact_id uuid NOT NULL,
                                        expected_version integer NOT NULL, {columns}) ON COMMIT DROP"
    ))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Loads planned updates into `import_plan`.
async fn copy_plan(conn: &mut PgConnection, plan: &CopyData) -> Result<(), sqlx::Error> {
    let statement =
        format!("COPY import_plan (line, contact_id, expected_version, {}) FROM STDIN", written_columns().join(", "));
    let mut copy = conn.copy_in_raw(&statement).await?;
    copy.send(plan.bytes()).await?;
    copy.finish().await?;
    Ok(())
}

/// One judged row as read: the staged row and the facts about it.
struct Facts {
    line: i32,
    values: ContactFields,
    error_cells: i32,
    preview: Option<(Uuid, i32)>,
    matched: Option<ExistingContact>,
    owner: Option<ExistingContact>,
    owner_is_matched: bool,
    other_reference_line: Option<i32>,
    other_email_line: Option<i32>,
    other_contact_line: Option<i32>,
    /// The contact the user chose to update this row into as a possible
    /// duplicate: `Some(None)` when no such contact is in the account.
    duplicate: Option<Option<ExistingContact>>,
}

impl Facts {
    fn read(row: &PgRow) -> Result<Facts, sqlx::Error> {
        let contact = |id: Option<Uuid>, alias: &str| -> Result<Option<ExistingContact>, sqlx::Error> {
            let version: Option<i32> = row.try_get(format!("{alias}_version").as_str())?;
            let (Some(id), Some(version)) = (id, version) else {
                return Ok(None);
            };
            let mut fields = ContactFields::blank();
            for field in Field::ALL {
                fields.set(field, row.try_get::<String, _>(format!("{alias}_{}", field.key()).as_str())?);
            }
            Ok(Some(ExistingContact { id, version, fields }))
        };
        let matched_id: Option<Uuid> = row.try_get("matched_id")?;
        let owner_id: Option<Uuid> = row.try_get("owner_id")?;
        let mut values = ContactFields::blank();
        for field in Field::ALL {
            values.set(field, row.try_get::<String, _>(field.key())?);
        }
        let duplicate_id: Option<Uuid> = row.try_get("duplicate_id")?;
        let preview_contact: Option<Uuid> = row.try_get("preview_contact")?;
        let preview_version: Option<i32> = row.try_get("preview_version")?;
        Ok(Facts {
            line: row.try_get("line")?,
            values,
            error_cells: row.try_get("error_cells")?,
            preview: preview_contact.map(|contact| (contact, preview_version.unwrap_or(0))),
            matched: contact(matched_id, "m")?,
            owner: contact(owner_id, "o")?,
            owner_is_matched: owner_id.is_some() && owner_id == matched_id,
            other_reference_line: row.try_get("other_reference_line")?,
            other_email_line: row.try_get("other_email_line")?,
            other_contact_line: row.try_get("other_contact_line")?,
            duplicate: match duplicate_id {
                Some(id) => Some(contact(Some(id), "d")?),
                None => None,
            },
        })
    }

    /// The issue refusing the user's choice to update a possible duplicate,
    /// re-checked: the contact must be this account's (the join to it is
    /// account-scoped, so another account's id finds nothing), the row must
    /// match no contact by its own keys, and the two must still be possibly
    /// the same by [`rules::similar`]'s rules.
    fn duplicate_refused(&self, row: &ImportRow, columns: &ImportColumns) -> Option<Issue> {
        let target = self.duplicate.as_ref()?;
        let rules = &SIMILARITY_RULES;
        let still_alike = match target {
            Some(target) if self.matched.is_none() => {
                still_possible_duplicate(&Subject::of(&self.values, rules), &Subject::of(&target.fields, rules), rules).is_some()
            }
            Some(_) | None => false,
        };
        if still_alike {
            return None;
        }
        let field = if self.values.get(Field::LastName).is_empty() { Field::CompanyName } else { Field::LastName };
        Some(Issue::cell(row.line, field, columns.header(field), self.values.get(field), Problem::NotADuplicateAnyMore))
    }

    /// The row as staged (normalised values judge as the original did).
    fn import_row(&self) -> ImportRow {
        let mut row = ImportRow::new(u32::try_from(self.line).unwrap_or(0), self.values.clone());
        row.error_cells = field_set_from_bits(self.error_cells);
        row
    }

    /// The facts as the rules take them: for a row the user chose to update
    /// into a possible duplicate, that contact stands as its match.
    fn context(&self) -> RowContext<'_> {
        let line = |line: Option<i32>| line.and_then(|line| u32::try_from(line).ok());
        if let Some(Some(target)) = &self.duplicate {
            let owner = self.owner.as_ref().or(if self.owner_is_matched { self.matched.as_ref() } else { None });
            return RowContext {
                matched: Some(target),
                other_row_with_reference: line(self.other_reference_line),
                other_row_with_email: line(self.other_email_line),
                other_row_with_contact: line(self.other_contact_line),
                email_owner: owner.map(|owner| if owner.id == target.id { target } else { owner }),
            };
        }
        RowContext {
            matched: self.matched.as_ref(),
            other_row_with_reference: line(self.other_reference_line),
            other_row_with_email: line(self.other_email_line),
            other_row_with_contact: line(self.other_contact_line),
            email_owner: if self.owner_is_matched { self.matched.as_ref() } else { self.owner.as_ref() },
        }
    }
}
