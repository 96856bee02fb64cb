//! One row's verdict from the row itself and the facts about the rest of the
//! import and the account that concern it (a [`RowContext`]). The
//! whole-import check ([`ImportCheck`](super::ImportCheck)) finds those facts
//! in its groups of rows; the server finds them by grouping and joining the
//! keys it stored (computed here) in SQL. Both then judge with [`judge`], so
//! every verdict and every sentence comes from this one place.
//!
//! Invariant: [`judge`], [`plan_row`] and [`preview_outdated`] read nothing
//! but their arguments: the same row, columns, mode and context give the
//! same verdict wherever they run. [`stage`] is what the server keeps of a
//! row before it knows anything else, and judging the row it keeps gives the
//! same verdict as judging the row it was given.

use uuid::Uuid;

use super::keys::{Key, RowKeys};
use super::RowVerdict;
use crate::contact::{ContactFields, ExistingContact, ValidContact};
use crate::field::{Field, FieldSet};
use crate::headers::{ImportColumns, ImportRow};
use crate::issue::{Issue, Problem};
use crate::merge::{given, plan_action, plan_of, sources_of, Action, MergeMode, Plan, UpdateSources};
use crate::phone::PhoneBook;
use crate::validate::{clean, NormalisedRow};

/// How a row finds the existing contact it updates (the spec's "Matching
/// and merging").
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum MatchKey {
    /// Neither a Contact ID nor an email: a new contact.
    New,
    /// By this Contact ID ([`match_key`](super::match_key) form); a new
    /// contact with it when the account has none.
    Reference(String),
    /// No Contact ID: by this email ([`match_key`](super::match_key) form);
    /// a new contact when the account has none.
    Email(String),
    /// The Contact ID cell (or, without one, the email cell) is invalid: the
    /// row matches nothing until it is fixed.
    Unresolved,
}

impl MatchKey {
    /// The match key of `row`.
    pub fn of(row: &ImportRow) -> MatchKey {
        MatchOn::of(&RowKeys::of(row)).into()
    }
}

impl From<MatchOn<'_>> for MatchKey {
    fn from(on: MatchOn<'_>) -> MatchKey {
        match on {
            MatchOn::New => MatchKey::New,
            MatchOn::Reference(key) => MatchKey::Reference(key.to_string()),
            MatchOn::Email(key) => MatchKey::Email(key.to_string()),
            MatchOn::Unresolved => MatchKey::Unresolved,
        }
    }
}

/// [`MatchKey`], borrowing the key: the one statement of the matching rule.
pub(super) enum MatchOn<'k> {
    New,
    Reference(&'k str),
    Email(&'k str),
    Unresolved,
}

impl<'k> MatchOn<'k> {
    pub(super) fn of(keys: &'k RowKeys<'_>) -> MatchOn<'k> {
        match (&keys.reference, &keys.email) {
            (Key::Valid(key), _) => MatchOn::Reference(key),
            (Key::Invalid, _) | (Key::Blank, Key::Invalid) => MatchOn::Unresolved,
            (Key::Blank, Key::Valid(key)) => MatchOn::Email(key),
            (Key::Blank, Key::Blank) => MatchOn::New,
        }
    }
}

/// What the rest of the import and the account's contacts say about one
/// row. Each "other row" is the first row of the file, other than this one,
/// sharing the key (rows given by their line, as Excel numbers them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RowContext<'a> {
    /// The account's contact that the row's [`MatchKey`] finds; `None` when
    /// no contact has that key (or the row has no key).
    pub matched: Option<&'a ExistingContact>,
    /// Another row with the same valid Contact ID.
    pub other_row_with_reference: Option<u32>,
    /// Another row with the same valid email.
    pub other_row_with_email: Option<u32>,
    /// Another row that matches the same existing contact.
    pub other_row_with_contact: Option<u32>,
    /// The account's contact whose email is the row's valid email.
    pub email_owner: Option<&'a ExistingContact>,
}

/// What the row matched.
enum Match<'a> {
    New,
    Existing(&'a ExistingContact),
    Unresolved,
}

impl<'a> Match<'a> {
    fn of(keys: &RowKeys<'_>, context: &RowContext<'a>) -> Match<'a> {
        match MatchOn::of(keys) {
            MatchOn::Unresolved => Match::Unresolved,
            MatchOn::New => Match::New,
            MatchOn::Reference(_) | MatchOn::Email(_) => context.matched.map_or(Match::New, Match::Existing),
        }
    }
}

/// The verdict on `row` (its issues, or what importing it does), given what
/// `context` says about the rest of the import and the account, its phone
/// numbers read by `phones`.
pub fn judge(
    row: &ImportRow,
    columns: &ImportColumns,
    mode: MergeMode,
    context: &RowContext<'_>,
    phones: &dyn PhoneBook,
) -> RowVerdict {
    judge_normalised(row, &NormalisedRow::of(row, phones), columns, mode, context)
}

/// [`judge`], with the row already normalised.
pub(super) fn judge_normalised(
    row: &ImportRow,
    normalised: &NormalisedRow<'_>,
    columns: &ImportColumns,
    mode: MergeMode,
    context: &RowContext<'_>,
) -> RowVerdict {
    let cell_issue = |field: Field, problem: Problem| {
        Issue::cell(
            row.line,
            field,
            columns.header(field),
            clean(row.values.get(field)),
            problem,
        )
    };
    let mut issues = normalised.issues(row, columns);
    let keys = RowKeys::of_normalised(normalised);
    let matched = Match::of(&keys, context);

    let mut duplicate = false;
    if let Some(other_line) = keys.reference.valid().and(context.other_row_with_reference) {
        issues.push(cell_issue(Field::Reference, Problem::DuplicateReference { other_line }));
        duplicate = true;
    }
    if let Some(other_line) = keys.email.valid().and(context.other_row_with_email) {
        issues.push(cell_issue(Field::Email, Problem::DuplicateEmail { other_line }));
        duplicate = true;
    }
    if let Match::Existing(_) = matched {
        if let Some(other_line) = context.other_row_with_contact.filter(|_| !duplicate) {
            let field = match keys.reference {
                Key::Valid(_) => Field::Reference,
                Key::Blank | Key::Invalid => Field::Email,
            };
            issues.push(cell_issue(field, Problem::SameContactTwice { other_line }));
        }
    }
    if let Some(owner) = keys.email.valid().and(context.email_owner) {
        let matched_id = match matched {
            Match::Existing(contact) => Some(contact.id),
            Match::New | Match::Unresolved => None,
        };
        if matched_id != Some(owner.id) {
            let contact_name = owner.fields.display_name();
            issues.push(cell_issue(Field::Email, Problem::EmailBelongsToAnother { contact_name }));
        }
    }

    let existing = match matched {
        Match::New => Some(None),
        Match::Existing(contact) => Some(Some(contact)),
        Match::Unresolved => None,
    };
    let mut action = None;
    if let Some(existing) = existing {
        let given = given(normalised, columns.present);
        match plan_action(normalised, given, existing, mode) {
            Ok(planned) => action = Some(planned),
            Err(problems) => {
                issues.extend(problems.into_iter().map(|(field, problem)| cell_issue(field, problem)));
            }
        }
    }

    if !issues.is_empty() {
        issues.sort_by_key(|issue| issue.field.map_or(usize::MAX, Field::index));
        action = None;
    }
    RowVerdict {
        line: row.line,
        issues,
        action,
    }
}

/// The full plan (action and resulting values) of `row` given `context`;
/// `None` when its verdict has issues.
pub fn plan_row(
    row: &ImportRow,
    columns: &ImportColumns,
    mode: MergeMode,
    context: &RowContext<'_>,
    phones: &dyn PhoneBook,
) -> Option<Plan> {
    if !judge(row, columns, mode, context, phones).is_valid() {
        return None;
    }
    plan_valid_row(row, columns, mode, context, phones)
}

/// The plan of a row whose verdict is valid (not checked again).
pub(super) fn plan_valid_row(
    row: &ImportRow,
    columns: &ImportColumns,
    mode: MergeMode,
    context: &RowContext<'_>,
    phones: &dyn PhoneBook,
) -> Option<Plan> {
    plan_normalised(&NormalisedRow::of(row, phones), columns, mode, context)
}

/// [`plan_valid_row`] of a row already normalised.
fn plan_normalised(
    normalised: &NormalisedRow<'_>,
    columns: &ImportColumns,
    mode: MergeMode,
    context: &RowContext<'_>,
) -> Option<Plan> {
    let keys = RowKeys::of_normalised(normalised);
    let existing = match Match::of(&keys, context) {
        Match::New => None,
        Match::Existing(contact) => Some(contact),
        Match::Unresolved => return None,
    };
    plan_of(normalised, given(normalised, columns.present), existing, mode).ok()
}

/// On the server, for a row whose verdict is valid: the
/// [`ChangedSincePreview`](Problem::ChangedSincePreview) issue when what it
/// matches now (`context.matched` and its version) is not what the
/// browser's preview matched (`preview`: the contact and its version then;
/// `None` when the preview saw a new contact), else `None`. The issue is on
/// the cell the row is matched by (Contact ID, else email).
pub fn preview_outdated(
    row: &ImportRow,
    columns: &ImportColumns,
    verdict: &RowVerdict,
    context: &RowContext<'_>,
    preview: Option<(Uuid, i32)>,
) -> Option<Issue> {
    let action = verdict.action.as_ref()?;
    let now = action.contact_id().map(|contact_id| {
        let version = match action {
            Action::Update { expected_version, .. } => *expected_version,
            // A contact the row matched is the context's; 0 never equals a
            // real version, so a missing one reads as "changed".
            Action::New | Action::Unchanged { .. } => {
                context.matched.filter(|contact| contact.id == contact_id).map_or(0, |contact| contact.version)
            }
        };
        (contact_id, version)
    });
    if now == preview {
        return None;
    }
    let value = |field: Field| clean(row.values.get(field));
    let field = if value(Field::Reference).is_empty() && !value(Field::Email).is_empty() {
        Field::Email
    } else {
        Field::Reference
    };
    Some(Issue::cell(row.line, field, columns.header(field), value(field), Problem::ChangedSincePreview))
}

/// What the server keeps of an uploaded row before it knows the rest of the
/// import or the account's contacts: its values normalised, its keys, and
/// the contact it creates if nothing else concerns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StagedRow {
    /// The row's values normalised ([`validate_row`](crate::validate::validate_row)); an invalid cell keeps
    /// its trimmed text. Judging a row with these values (and the same
    /// spreadsheet-error cells) gives the same verdict as the original.
    pub values: ContactFields,
    /// The valid Contact ID's key, if any: what duplicates are grouped by.
    pub reference_key: Option<String>,
    /// The valid email's key, if any.
    pub email_key: Option<String>,
    /// How the row is matched.
    pub match_key: MatchKey,
    /// The contact the row creates when its match key finds no contact and
    /// no other row shares its keys; `None` when such a row would still
    /// have issues (then it is judged with the rest, and refused).
    pub as_new: Option<ValidContact>,
    /// Whether the row, when its match key finds a contact whose stored
    /// values are exactly `values` (the email, if any, that contact's own)
    /// and no other row shares its keys, is valid and changes nothing
    /// ([`Action::Unchanged`]). Then nothing about the contact but its
    /// equality to `values` can change the verdict, so the server counts
    /// such a row unchanged by comparing values, without judging it again.
    pub unchanged_when_equal: bool,
    /// Where each field of the result comes from when the row updates a
    /// contact, in terms of `as_new` ([`crate::merge::UpdateSource`]). When
    /// `as_new` is some, the row's match key finds a contact whose result
    /// by these sources agrees with `as_new` on
    /// [`fields_read_from_the_result`], and the only other fact is that
    /// contact owning the row's email, the row is valid, and it updates
    /// that contact to the result (or changes nothing when the contact
    /// holds it already): its verdict depends on nothing else (the required
    /// fields are judged on the result, which agrees with `as_new`'s), and
    /// its keys are `as_new`'s. So the server applies such rows in SQL,
    /// comparing values only.
    pub update_sources: UpdateSources,
}

/// The fields of an update's result that its verdict and its contact's
/// keys read, once the row alone is valid: Contact Type and the required
/// fields of either kind (the only verdict that depends on the result), the
/// match keys' fields, and the fields the list keys read
/// ([`ListingKeys::FIELDS`](crate::search::ListingKeys::FIELDS)). When an
/// update's result agrees with the row's new contact
/// ([`StagedRow::as_new`]) on these, the row is valid and its contact has
/// that new contact's match and list keys, whatever the other fields hold.
pub fn fields_read_from_the_result() -> FieldSet {
    let mut fields = FieldSet::of(&crate::search::ListingKeys::FIELDS)
        .with(Field::Kind)
        .with(Field::Reference)
        .with(Field::Email);
    for kind in crate::contact::ContactKind::ALL {
        for &field in crate::merge::required_fields(kind) {
            fields.insert(field);
        }
    }
    fields
}

/// Stages `row` of an import with `columns` in `mode`, its phone numbers
/// read by `phones` (so the staged values hold the forms stored).
pub fn stage(row: &ImportRow, columns: &ImportColumns, mode: MergeMode, phones: &dyn PhoneBook) -> StagedRow {
    let normalised = NormalisedRow::of(row, phones);
    let keys = RowKeys::of_normalised(&normalised);
    let alone = RowContext::default();
    let as_new = if judge_normalised(row, &normalised, columns, mode, &alone).is_valid() {
        plan_normalised(&normalised, columns, mode, &alone).map(|plan| plan.contact)
    } else {
        None
    };
    let match_key: MatchKey = MatchOn::of(&keys).into();
    let values = ContactFields(normalised.values.each_ref().map(|value| String::from(&**value)));
    let update_sources = sources_of(&normalised, given(&normalised, columns.present), mode);
    let (values, unchanged_when_equal) = match match_key {
        MatchKey::Reference(_) | MatchKey::Email(_) => {
            // The row judged against a contact holding its own values (lent
            // to it and taken back, not copied).
            let itself = ExistingContact { id: Uuid::nil(), version: 0, fields: values };
            let context = RowContext {
                matched: Some(&itself),
                email_owner: keys.email.valid().map(|_| &itself),
                ..RowContext::default()
            };
            let verdict = judge_normalised(row, &normalised, columns, mode, &context);
            let unchanged = verdict.issues.is_empty() && matches!(verdict.action, Some(Action::Unchanged { .. }));
            (itself.fields, unchanged)
        }
        MatchKey::New | MatchKey::Unresolved => (values, false),
    };
    StagedRow {
        reference_key: keys.reference.valid().map(str::to_string),
        email_key: keys.email.valid().map(str::to_string),
        match_key,
        as_new,
        unchanged_when_equal,
        update_sources,
        values,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phone::LayoutOnly;

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

    fn ana_row() -> ImportRow {
        ImportRow::new(
            2,
            ContactFields::from_pairs([(Field::Reference, "c-1"), (Field::FirstName, "Ana"), (Field::LastName, "Lima")]),
        )
    }

    /// The issue a valid row gets for `preview` when it matches `now`.
    fn outdated(now: Option<ExistingContact>, preview: Option<(Uuid, i32)>) -> Option<Issue> {
        let columns = ImportColumns::template();
        let context = RowContext { matched: now.as_ref(), ..RowContext::default() };
        let verdict = judge(&ana_row(), &columns, MergeMode::KeepExisting, &context, &LayoutOnly);
        assert!(verdict.is_valid(), "{verdict:?}");
        preview_outdated(&ana_row(), &columns, &verdict, &context, preview)
    }

    #[test]
    fn a_preview_that_still_holds_gives_no_issue() {
        assert_eq!(outdated(Some(ana(3)), Some((Uuid::from_u128(7), 3))), None);
        assert_eq!(outdated(None, None), None);
    }

    #[test]
    fn a_moved_version_a_vanished_contact_or_a_new_match_is_reported_on_the_contact_id() {
        let cases = [
            // Edited since: version 3 then, 4 now.
            (Some(ana(4)), Some((Uuid::from_u128(7), 3))),
            // Gone since.
            (None, Some((Uuid::from_u128(7), 3))),
            // Created since: the preview saw a new contact.
            (Some(ana(3)), None),
        ];
        for (now, preview) in cases {
            let issue = outdated(now, preview).expect("an issue");
            assert_eq!(issue.problem, Problem::ChangedSincePreview);
            assert_eq!(issue.field, Some(Field::Reference));
            assert_eq!((issue.line, issue.value.as_str()), (2, "c-1"));
        }
    }

    #[test]
    fn the_facts_decide_duplicates_and_owners_as_the_whole_import_check_does() {
        let columns = ImportColumns::template();
        let row = ana_row();
        let owner = ExistingContact {
            id: Uuid::from_u128(9),
            version: 1,
            fields: ContactFields::from_pairs([(Field::FirstName, "Bo"), (Field::LastName, "Li")]),
        };
        let mut with_email = row.clone();
        with_email.values.set(Field::Email, "bo@example.com");
        let context = RowContext {
            other_row_with_reference: Some(5),
            email_owner: Some(&owner),
            ..RowContext::default()
        };
        let verdict = judge(&with_email, &columns, MergeMode::KeepExisting, &context, &LayoutOnly);
        let problems: Vec<Problem> = verdict.issues.iter().map(|issue| issue.problem.clone()).collect();
        assert_eq!(
            problems,
            vec![
                Problem::DuplicateReference { other_line: 5 },
                Problem::EmailBelongsToAnother { contact_name: "Bo Li".into() },
            ]
        );
        assert_eq!(verdict.action, None);
    }
}
