//! Writing a clean import's plan, set-based: one statement inserts every new
//! contact, one updates every changed contact, one records every change.
//! Unchanged rows are not written at all.
//!
//! Invariant: runs inside the merge's transaction, under the account lock,
//! with the updated contacts locked at the versions the plan was checked
//! against; an update that finds any other version fails the whole merge
//! rather than overwrite an edit. The statement count does not depend on the
//! number of rows.

use rules::check::match_key;
use rules::{ContactFields, Field};
use sqlx::PgConnection;
use uuid::Uuid;

use super::codec::fields_to_json;
use super::hooks::{MergeHooks, MergeStep};
use super::recheck::MergePlan;
use super::record::as_i32;
use super::{planned_per_call, ImportError};
use crate::model::{AccountId, ImportCounts};

/// The contacts' columns a write sets, column by column (for `UNNEST`):
/// the match keys, then each field in template order.
struct ContactColumns {
    reference_keys: Vec<String>,
    email_keys: Vec<String>,
    fields: Vec<Vec<String>>,
}

impl ContactColumns {
    fn with_capacity(count: usize) -> ContactColumns {
        ContactColumns {
            reference_keys: Vec::with_capacity(count),
            email_keys: Vec::with_capacity(count),
            fields: (0..Field::COUNT).map(|_| Vec::with_capacity(count)).collect(),
        }
    }

    /// Adds one contact's values; the keys are computed with the shared
    /// rules' [`match_key`], as everywhere else.
    fn push(&mut self, fields: ContactFields) {
        self.reference_keys.push(match_key(fields.get(Field::Reference)));
        self.email_keys.push(match_key(fields.get(Field::Email)));
        for (column, value) in self.fields.iter_mut().zip(fields.0) {
            column.push(value);
        }
    }

    /// `reference_key, email_key, reference, kind, …`: the column names.
    fn column_names() -> Vec<&'static str> {
        let mut names = vec!["reference_key", "email_key"];
        names.extend(Field::ALL.iter().map(|field| field.key()));
        names
    }

    /// [`ContactColumns::column_names`], comma-separated.
    fn names() -> String {
        Self::column_names().join(", ")
    }

    /// Each column name with `prefix` (e.g. `u.`), comma-separated.
    fn prefixed(prefix: &str) -> String {
        Self::column_names().iter().map(|name| format!("{prefix}{name}")).collect::<Vec<_>>().join(", ")
    }

    /// `name = u.name, …` for every column.
    fn assignments() -> String {
        Self::column_names().iter().map(|name| format!("{name} = u.{name}")).collect::<Vec<_>>().join(", ")
    }

    /// `$first::text[], …`: the parameters, numbered from `first`.
    fn params(first: usize) -> String {
        (0..Field::COUNT + 2).map(|offset| format!("${}::text[]", first + offset)).collect::<Vec<_>>().join(", ")
    }

    /// Binds the columns, in [`ContactColumns::names`] order.
    fn bind<'q>(
        self,
        mut query: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    ) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
        query = query.bind(self.reference_keys).bind(self.email_keys);
        for column in self.fields {
            query = query.bind(column);
        }
        query
    }
}

/// One row of `import_changes`, column by column.
#[derive(Default)]
struct ChangeColumns {
    contact_ids: Vec<Uuid>,
    lines: Vec<i32>,
    actions: Vec<&'static str>,
    befores: Vec<Option<String>>,
    afters: Vec<String>,
    versions_after: Vec<i32>,
}

/// Writes `plan` for import `import_id` of `account` on `conn` (inside the
/// merge's transaction) and returns the counts. Pauses where `hooks` say.
pub(super) async fn apply(
    conn: &mut PgConnection,
    account: AccountId,
    import_id: Uuid,
    plan: MergePlan,
    hooks: &mut MergeHooks,
) -> Result<ImportCounts, ImportError> {
    let counts = ImportCounts {
        created: u32::try_from(plan.created.len()).unwrap_or(u32::MAX),
        updated: u32::try_from(plan.updated.len()).unwrap_or(u32::MAX),
        unchanged: plan.unchanged,
    };
    let mut changes = ChangeColumns::default();

    // New contacts, with ids made here so each row's change can name its contact.
    let mut new_ids = Vec::with_capacity(plan.created.len());
    let mut new_columns = ContactColumns::with_capacity(plan.created.len());
    for created in plan.created {
        let id = Uuid::new_v4();
        new_ids.push(id);
        changes.contact_ids.push(id);
        changes.lines.push(as_i32(created.line));
        changes.actions.push("created");
        changes.befores.push(None);
        changes.afters.push(fields_to_json(&created.fields));
        changes.versions_after.push(1);
        new_columns.push(created.fields);
    }
    if !new_ids.is_empty() {
        let sql = format!(
            "INSERT INTO contacts (id, account_id, version, {names})
             SELECT u.id, $1, 1, {selected} FROM UNNEST($2::uuid[], {params}) AS u(id, {names})",
            names = ContactColumns::names(),
            selected = ContactColumns::prefixed("u."),
            params = ContactColumns::params(3),
        );
        let query = sqlx::query(&sql).bind(account).bind(new_ids);
        new_columns.bind(query).execute(&mut *conn).await?;
    }
    hooks.at(MergeStep::ContactsInserted, conn).await?;

    // Changed contacts: every field set to its planned value, keys
    // recomputed, version bumped, but only where the version is still the
    // one checked.
    let count = plan.updated.len();
    if count > 0 {
        let mut ids = Vec::with_capacity(count);
        let mut expected = Vec::with_capacity(count);
        let mut columns = ContactColumns::with_capacity(count);
        for updated in plan.updated {
            ids.push(updated.contact_id);
            expected.push(updated.expected_version);
            changes.contact_ids.push(updated.contact_id);
            changes.lines.push(as_i32(updated.line));
            changes.actions.push("updated");
            changes.befores.push(Some(fields_to_json(&updated.before)));
            changes.afters.push(fields_to_json(&updated.after));
            changes.versions_after.push(updated.expected_version.saturating_add(1));
            columns.push(updated.after);
        }
        let sql = format!(
            "UPDATE contacts AS c SET {assignments}, version = c.version + 1, updated_at = now()
             FROM UNNEST($2::uuid[], $3::int4[], {params}) AS u(id, expected_version, {names})
             WHERE c.account_id = $1 AND c.id = u.id AND c.version = u.expected_version",
            assignments = ContactColumns::assignments(),
            params = ContactColumns::params(4),
            names = ContactColumns::names(),
        );
        let query = planned_per_call(&sql).bind(account).bind(ids).bind(expected);
        let done = columns.bind(query).execute(&mut *conn).await?;
        if done.rows_affected() != count as u64 {
            return Err(ImportError::Conflict(
                "Some contacts were changed by someone else while the import was being saved. Nothing was changed; check the file again, then confirm."
                    .into(),
            ));
        }
    }
    hooks.at(MergeStep::ContactsUpdated, conn).await?;

    if !changes.contact_ids.is_empty() {
        sqlx::query(
            "INSERT INTO import_changes (import_id, account_id, contact_id, line, action, before, after, version_after)
             SELECT $1, $2, u.contact_id, u.line, u.action, u.before::jsonb, u.after::jsonb, u.version_after
             FROM UNNEST($3::uuid[], $4::int4[], $5::text[], $6::text[], $7::text[], $8::int4[])
                  AS u(contact_id, line, action, before, after, version_after)",
        )
        .bind(import_id)
        .bind(account)
        .bind(changes.contact_ids)
        .bind(changes.lines)
        .bind(changes.actions)
        .bind(changes.befores)
        .bind(changes.afters)
        .bind(changes.versions_after)
        .execute(&mut *conn)
        .await?;
    }
    Ok(counts)
}
