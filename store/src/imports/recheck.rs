//! The server's verdict on an import: every stored row re-checked with the
//! shared rules against the contacts as they are now, plus a
//! [`ChangedSincePreview`](rules::Problem::ChangedSincePreview) issue for each
//! row whose match differs from what the browser's preview saw.
//!
//! Invariant: pure (no IO). The plan it returns covers every row exactly
//! once, and only when no row has an issue; the updates carry the version
//! each contact had when checked, and the contacts were read under the
//! account lock, so the writes can insist on it.

use rules::check::{ExistingContacts, ImportCheck};
use rules::headers::{ImportColumns, ImportRow};
use rules::merge::{Action, MergeMode};
use rules::{ContactFields, Field, Issue, Problem};
use uuid::Uuid;

use crate::model::PreviewMatch;

/// An import's stored rows in file order, and what the preview matched each
/// to (same length).
#[derive(Clone, Debug, Default)]
pub(super) struct StoredRows {
    pub(super) rows: Vec<ImportRow>,
    pub(super) previews: Vec<Option<PreviewMatch>>,
}

/// A row that creates a contact.
#[derive(Clone, Debug)]
pub(super) struct Created {
    pub(super) line: u32,
    pub(super) fields: ContactFields,
}

/// A row that changes an existing contact.
#[derive(Clone, Debug)]
pub(super) struct Updated {
    pub(super) line: u32,
    pub(super) contact_id: Uuid,
    /// The version read (and locked) for the check.
    pub(super) expected_version: i32,
    pub(super) before: ContactFields,
    pub(super) after: ContactFields,
}

/// Everything a clean import writes.
#[derive(Clone, Debug, Default)]
pub(super) struct MergePlan {
    pub(super) created: Vec<Created>,
    pub(super) updated: Vec<Updated>,
    /// Rows that match a contact and change nothing: not written.
    pub(super) unchanged: u32,
}

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
    /// Every row is fine: this is what to write.
    Ready(MergePlan),
    /// The rules gave a valid row no plan (a bug in the rules): refuse
    /// rather than skip rows silently.
    Unplanned,
}

/// Re-checks `rows` against `existing` (the account's contacts matching the
/// rows' keys, as they are now), keeping at most `max_issues` issues.
pub(super) fn recheck(
    columns: ImportColumns,
    mode: MergeMode,
    stored: StoredRows,
    existing: ExistingContacts,
    max_issues: usize,
) -> Recheck {
    let StoredRows { rows, previews } = stored;
    let check = ImportCheck::new(columns, rows, existing, mode);

    let mut issues = Vec::new();
    let mut total_issues = 0u32;
    let mut rows_with_issues = 0u32;
    let mut keep = |issue: Issue| {
        total_issues = total_issues.saturating_add(1);
        if issues.len() < max_issues {
            issues.push(issue);
        }
    };
    for (index, verdict) in check.verdicts() {
        if !verdict.is_valid() {
            rows_with_issues = rows_with_issues.saturating_add(1);
            verdict.issues.iter().cloned().for_each(&mut keep);
            continue;
        }
        let now = verdict.action.as_ref().map(|action| matched_now(action, check.existing()));
        let preview = previews.get(index).copied().flatten();
        if let (Some(now), Some(row)) = (now, check.row(index)) {
            if now != preview {
                rows_with_issues = rows_with_issues.saturating_add(1);
                keep(changed_since_preview(row, check.columns()));
            }
        }
    }
    if total_issues > 0 {
        return Recheck::Rejected { issues, total_issues, rows_with_issues };
    }

    let mut plan = MergePlan::default();
    let mut planned = 0usize;
    for (index, row_plan) in check.plans() {
        planned += 1;
        let line = check.row(index).map_or(0, |row| row.line);
        match row_plan.action {
            Action::New => plan.created.push(Created { line, fields: row_plan.fields }),
            Action::Update { contact_id, expected_version, .. } => {
                let Some(before) = check.existing().by_id(contact_id) else {
                    return Recheck::Unplanned;
                };
                plan.updated.push(Updated {
                    line,
                    contact_id,
                    expected_version,
                    before: before.fields.clone(),
                    after: row_plan.fields,
                });
            }
            Action::Unchanged { .. } => plan.unchanged = plan.unchanged.saturating_add(1),
        }
    }
    if planned != check.counts().rows {
        return Recheck::Unplanned;
    }
    Recheck::Ready(plan)
}

/// The contact (and its version) a row's action matched now; `None` for a
/// new contact. The same shape as the preview's [`PreviewMatch`].
fn matched_now(action: &Action, existing: &ExistingContacts) -> Option<PreviewMatch> {
    let contact_id = action.contact_id()?;
    let version = match action {
        Action::Update { expected_version, .. } => *expected_version,
        // A contact the check matched is among `existing`; 0 never equals a
        // real version, so a missing one reads as "changed".
        Action::New | Action::Unchanged { .. } => existing.by_id(contact_id).map_or(0, |contact| contact.version),
    };
    Some(PreviewMatch { contact_id, version })
}

/// The issue for a row whose match changed after the preview, on the cell it
/// is matched by (Contact ID, else email).
fn changed_since_preview(row: &ImportRow, columns: &ImportColumns) -> Issue {
    let field = if row.values.get(Field::Reference).trim().is_empty() && !row.values.get(Field::Email).trim().is_empty()
    {
        Field::Email
    } else {
        Field::Reference
    };
    Issue::cell(row.line, field, columns.header(field), row.values.get(field).trim(), Problem::ChangedSincePreview)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rules::ExistingContact;

    fn row(line: u32, pairs: &[(Field, &str)]) -> ImportRow {
        ImportRow::new(line, ContactFields::from_pairs(pairs.iter().copied()))
    }

    fn stored(rows: impl IntoIterator<Item = (ImportRow, Option<PreviewMatch>)>) -> StoredRows {
        let (rows, previews) = rows.into_iter().unzip();
        StoredRows { rows, previews }
    }

    fn ana(version: i32) -> ExistingContact {
        ExistingContact {
            id: Uuid::from_u128(7),
            version,
            fields: ContactFields::from_pairs([
                (Field::Reference, "C-1"),
                (Field::Kind, "Person"),
                (Field::FirstName, "Ana"),
                (Field::LastName, "Silva"),
            ]),
        }
    }

    fn ready(result: Recheck) -> MergePlan {
        match result {
            Recheck::Ready(plan) => plan,
            other => panic!("expected a plan, got {other:?}"),
        }
    }

    fn rejected(result: Recheck) -> Vec<Issue> {
        match result {
            Recheck::Rejected { issues, .. } => issues,
            other => panic!("expected issues, got {other:?}"),
        }
    }

    const ANA_ROW: &[(Field, &str)] =
        &[(Field::Reference, "c-1"), (Field::FirstName, "Ana"), (Field::LastName, "Lima")];

    #[test]
    fn a_matching_preview_gives_a_plan() {
        let preview = Some(PreviewMatch { contact_id: Uuid::from_u128(7), version: 3 });
        let plan = ready(recheck(
            ImportColumns::template(),
            MergeMode::KeepExisting,
            stored([(row(2, ANA_ROW), preview)]),
            ExistingContacts::new(vec![ana(3)]),
            10,
        ));
        assert_eq!(plan.updated.len(), 1);
        assert_eq!(plan.updated[0].expected_version, 3);
        assert_eq!(plan.updated[0].after.get(Field::LastName), "Lima");
        assert_eq!(plan.updated[0].before.get(Field::LastName), "Silva");
    }

    #[test]
    fn a_moved_version_a_vanished_contact_or_a_new_match_is_reported() {
        let previews = [
            // Edited since: version 3 then, 4 now.
            (Some(PreviewMatch { contact_id: Uuid::from_u128(7), version: 3 }), Some(ana(4))),
            // Gone since.
            (Some(PreviewMatch { contact_id: Uuid::from_u128(7), version: 3 }), None),
            // Created since: the preview saw a new contact.
            (None, Some(ana(3))),
        ];
        for (preview, existing) in previews {
            let issues = rejected(recheck(
                ImportColumns::template(),
                MergeMode::KeepExisting,
                stored([(row(2, ANA_ROW), preview)]),
                ExistingContacts::new(existing.into_iter().collect()),
                10,
            ));
            assert_eq!(issues.len(), 1);
            assert_eq!(issues[0].problem, Problem::ChangedSincePreview);
            assert_eq!(issues[0].field, Some(Field::Reference));
            assert_eq!(issues[0].line, 2);
        }
    }

    #[test]
    fn issues_are_capped_but_counted() {
        let rows = stored((0..5).map(|index| (row(index + 2, &[(Field::Email, "not an email")]), None)));
        match recheck(ImportColumns::template(), MergeMode::KeepExisting, rows, ExistingContacts::default(), 2) {
            Recheck::Rejected { issues, total_issues, rows_with_issues } => {
                assert_eq!(issues.len(), 2);
                assert!(total_issues >= 5);
                assert_eq!(rows_with_issues, 5);
            }
            other => panic!("expected issues, got {other:?}"),
        }
    }
}
