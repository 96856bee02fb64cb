//! The whole-import check: matching, issues across rows, counts, live edits.

use proptest::prelude::*;
use rules::check::{
    fields_read_from_the_result, judge, lookup_keys, plan_row, stage, ExistingContacts, ImportCheck, ImportCounts, LookupKeys,
    MatchKey, RowContext, RowVerdict,
};
use rules::column_fix::CellEdit;
use rules::headers::{ImportColumns, ImportRow};
use rules::merge::{Action, FieldChange, MergeMode, UpdateSource};
use rules::phone::LayoutOnly;
use rules::{ContactFields, ContactKind, ExistingContact, Field, FieldSet, Problem};
use uuid::Uuid;

const KEEP: MergeMode = MergeMode::KeepExisting;
const OVERWRITE: MergeMode = MergeMode::OverwriteAll;

fn row(line: u32, pairs: &[(Field, &str)]) -> ImportRow {
    ImportRow::new(line, ContactFields::from_pairs(pairs.iter().copied()))
}

fn contact(id: u128, pairs: &[(Field, &str)]) -> ExistingContact {
    ExistingContact {
        id: Uuid::from_u128(id),
        version: 1,
        fields: ContactFields::from_pairs(pairs.iter().copied()),
    }
}

/// The account used by most tests.
fn account() -> Vec<ExistingContact> {
    vec![
        contact(
            1,
            &[
                (Field::Reference, "C-001"),
                (Field::Kind, "Person"),
                (Field::FirstName, "Ana"),
                (Field::LastName, "Silva"),
                (Field::Email, "ana@example.com"),
                (Field::City, "Sydney"),
            ],
        ),
        contact(
            2,
            &[
                (Field::Kind, "Company"),
                (Field::CompanyName, "Acme Plumbing"),
                (Field::Email, "jobs@acme.example"),
                (Field::Phone, "02 9876 5432"),
            ],
        ),
    ]
}

fn check_with(
    rows: Vec<ImportRow>,
    existing: Vec<ExistingContact>,
    mode: MergeMode,
) -> ImportCheck {
    ImportCheck::new(
        ImportColumns::template(),
        rows,
        ExistingContacts::new(existing),
        mode,
    )
}

/// `(line, field, problem)` for every issue, in order.
fn problems(check: &ImportCheck) -> Vec<(u32, Field, Problem)> {
    check
        .issues()
        .map(|issue| {
            (
                issue.line,
                issue.field.unwrap_or(Field::Notes),
                issue.problem.clone(),
            )
        })
        .collect()
}

fn action(check: &ImportCheck, index: usize) -> Option<Action> {
    check
        .verdict(index)
        .and_then(|verdict| verdict.action.clone())
}

const ANA: &[(Field, &str)] = &[(Field::FirstName, "Ana"), (Field::LastName, "Silva")];

fn with(
    base: &[(Field, &'static str)],
    more: &[(Field, &'static str)],
) -> Vec<(Field, &'static str)> {
    base.iter().chain(more).copied().collect()
}

#[test]
fn a_valid_new_row_gets_a_green_check_and_counts_as_new() {
    let check = check_with(
        vec![row(2, &[(Field::FirstName, "Bo"), (Field::LastName, "Li")])],
        account(),
        KEEP,
    );
    assert!(check.verdict(0).is_some_and(RowVerdict::is_valid));
    assert_eq!(action(&check, 0), Some(Action::New));
    assert_eq!(
        check.counts(),
        ImportCounts {
            rows: 1,
            valid: 1,
            new: 1,
            ..ImportCounts::default()
        }
    );
    assert!(check.is_ready());
    let plan = check.plan(0).unwrap();
    assert_eq!(plan.contact.get(Field::Kind), "Person");
}

#[test]
fn rows_match_by_contact_id_ignoring_case_else_by_email_ignoring_case() {
    let rows = vec![
        row(
            2,
            &with(ANA, &[(Field::Reference, "c-001"), (Field::City, "Perth")]),
        ),
        row(
            3,
            &[
                (Field::Email, "JOBS@Acme.Example"),
                (Field::Kind, "company"),
                (Field::CompanyName, "Acme Plumbing"),
            ],
        ),
        row(
            4,
            &with(
                ANA,
                &[
                    (Field::Reference, "C-002"),
                    (Field::Email, "ana2@example.com"),
                ],
            ),
        ),
        row(
            5,
            &[
                (Field::Email, "new@example.com"),
                (Field::FirstName, "New"),
                (Field::LastName, "Person"),
            ],
        ),
    ];
    let check = check_with(rows, account(), KEEP);
    assert_eq!(problems(&check), vec![]);
    assert_eq!(
        action(&check, 0),
        Some(Action::Update {
            contact_id: Uuid::from_u128(1),
            expected_version: 1,
            changes: vec![FieldChange {
                field: Field::City,
                before: "Sydney".into(),
                after: "Perth".into()
            }],
        })
    );
    assert_eq!(check.plan(0).unwrap().contact.get(Field::Reference), "C-001");
    assert_eq!(
        action(&check, 1),
        Some(Action::Unchanged {
            contact_id: Uuid::from_u128(2)
        })
    );
    assert_eq!(
        action(&check, 2),
        Some(Action::New),
        "a Contact ID that matches nothing creates a contact"
    );
    assert_eq!(check.plan(2).unwrap().contact.get(Field::Reference), "C-002");
    assert_eq!(action(&check, 3), Some(Action::New));
    assert_eq!(
        check.counts(),
        ImportCounts {
            rows: 4,
            valid: 4,
            new: 2,
            updates: 1,
            unchanged: 1,
            ..ImportCounts::default()
        }
    );
}

#[test]
fn rows_sharing_a_contact_id_or_email_each_name_another() {
    let rows = vec![
        row(2, &with(ANA, &[(Field::Reference, "X-1")])),
        row(3, &with(ANA, &[(Field::Reference, "x-1")])),
        row(4, &with(ANA, &[(Field::Email, "bo@example.com")])),
        row(5, &with(ANA, &[(Field::Email, "BO@example.com")])),
        row(6, &with(ANA, &[(Field::Reference, "X-1")])),
    ];
    let check = check_with(rows, vec![], KEEP);
    assert_eq!(
        problems(&check),
        vec![
            (
                2,
                Field::Reference,
                Problem::DuplicateReference { other_line: 3 }
            ),
            (
                3,
                Field::Reference,
                Problem::DuplicateReference { other_line: 2 }
            ),
            (4, Field::Email, Problem::DuplicateEmail { other_line: 5 }),
            (5, Field::Email, Problem::DuplicateEmail { other_line: 4 }),
            (
                6,
                Field::Reference,
                Problem::DuplicateReference { other_line: 2 }
            ),
        ]
    );
    assert_eq!(check.counts().with_issues, 5);
    assert!(!check.is_ready());
    let message = check.verdict(3).unwrap().issues[0].to_string();
    assert_eq!(
        message,
        "Row 5, Email: Email \u{201c}BO@example.com\u{201d} is also used in row 4. \
         Keep one row per contact: change or remove one of them."
    );
}

#[test]
fn two_rows_matching_one_contact_by_different_keys_are_both_flagged() {
    let rows = vec![
        row(2, &[(Field::Reference, "C-001"), (Field::City, "Perth")]),
        row(
            3,
            &[(Field::Email, "ana@example.com"), (Field::City, "Hobart")],
        ),
    ];
    let check = check_with(rows, account(), KEEP);
    assert_eq!(
        problems(&check),
        vec![
            (
                2,
                Field::Reference,
                Problem::SameContactTwice { other_line: 3 }
            ),
            (3, Field::Email, Problem::SameContactTwice { other_line: 2 }),
        ]
    );
}

#[test]
fn an_email_belonging_to_another_contact_is_an_issue_naming_that_contact() {
    let rows = vec![
        row(
            2,
            &[
                (Field::Reference, "C-001"),
                (Field::Email, "jobs@acme.example"),
            ],
        ),
        row(
            3,
            &with(
                ANA,
                &[
                    (Field::Reference, "C-009"),
                    (Field::Email, "Ana@Example.com"),
                ],
            ),
        ),
        row(
            4,
            &[
                (Field::Reference, "C-001"),
                (Field::Email, "ana@example.com"),
            ],
        ),
    ];
    let check = check_with(rows, account(), KEEP);
    assert_eq!(
        problems(&check),
        vec![
            (
                2,
                Field::Reference,
                Problem::DuplicateReference { other_line: 4 }
            ),
            (
                2,
                Field::Email,
                Problem::EmailBelongsToAnother {
                    contact_name: "Acme Plumbing".into()
                }
            ),
            (3, Field::Email, Problem::DuplicateEmail { other_line: 4 }),
            (
                3,
                Field::Email,
                Problem::EmailBelongsToAnother {
                    contact_name: "Ana Silva".into()
                }
            ),
            (
                4,
                Field::Reference,
                Problem::DuplicateReference { other_line: 2 }
            ),
            (4, Field::Email, Problem::DuplicateEmail { other_line: 3 }),
        ]
    );
}

#[test]
fn a_new_person_needs_first_and_last_name_and_a_new_company_its_name() {
    let person = Problem::Required {
        contact_kind: ContactKind::Person,
    };
    let company = Problem::Required {
        contact_kind: ContactKind::Company,
    };
    let rows = vec![
        row(2, &[(Field::FirstName, "Bo")]),
        row(
            3,
            &[
                (Field::Kind, "Company"),
                (Field::FirstName, "Bo"),
                (Field::LastName, "Li"),
            ],
        ),
        row(4, &[(Field::Kind, "COMPANY"), (Field::CompanyName, "Acme")]),
        row(5, &[(Field::Email, "x@example.com")]),
    ];
    let check = check_with(rows, vec![], OVERWRITE);
    assert_eq!(
        problems(&check),
        vec![
            (2, Field::LastName, person.clone()),
            (3, Field::CompanyName, company),
            (5, Field::FirstName, person.clone()),
            (5, Field::LastName, person),
        ]
    );
}

#[test]
fn a_blank_required_cell_is_fine_in_keep_mode_and_an_issue_in_overwrite_mode() {
    let rows = vec![row(
        2,
        &[(Field::Reference, "C-001"), (Field::City, "Perth")],
    )];
    let mut check = check_with(rows, account(), KEEP);
    assert_eq!(problems(&check), vec![]);
    let changed = check.set_mode(OVERWRITE);
    assert_eq!(changed, vec![0]);
    let clear = Problem::WouldClearRequired {
        contact_kind: ContactKind::Person,
    };
    assert_eq!(
        problems(&check),
        vec![
            (2, Field::FirstName, clear.clone()),
            (2, Field::LastName, clear)
        ]
    );
    assert_eq!(
        check.verdict(0).unwrap().issues[0].to_string(),
        "Row 2, First Name: First Name is blank, and overwriting would remove this person's first name. \
         Fill in First Name, or choose \"Keep existing information when import fields are blank\"."
    );
    assert_eq!(check.set_mode(KEEP), vec![0]);
    assert_eq!(problems(&check), vec![]);
    assert_eq!(check.set_mode(KEEP), Vec::<usize>::new());
}

#[test]
fn an_absent_column_is_never_touched_in_either_mode() {
    let columns = ImportColumns::from_present(FieldSet::of(&[Field::Reference, Field::City]));
    for mode in [KEEP, OVERWRITE] {
        let rows = vec![row(
            2,
            &[(Field::Reference, "C-001"), (Field::City, "Perth")],
        )];
        let check = ImportCheck::new(
            columns.clone(),
            rows,
            ExistingContacts::new(account()),
            mode,
        );
        assert_eq!(problems(&check), vec![], "{mode:?}");
        let changes = action(&check, 0).unwrap().changes().to_vec();
        assert_eq!(
            changes,
            vec![FieldChange {
                field: Field::City,
                before: "Sydney".into(),
                after: "Perth".into()
            }]
        );
    }
}

#[test]
fn unchanged_rows_have_no_changes_and_are_counted() {
    let ana = account()[0].fields.clone();
    let check = check_with(vec![ImportRow::new(2, ana)], account(), OVERWRITE);
    assert_eq!(
        action(&check, 0),
        Some(Action::Unchanged {
            contact_id: Uuid::from_u128(1)
        })
    );
    assert_eq!(check.counts().unchanged, 1);
}

#[test]
fn issues_name_the_row_the_files_column_and_the_value() {
    let mut columns = ImportColumns::template();
    columns.headers[Field::Phone.index()] = "Telephone".into();
    let mut bad = row(
        9,
        &with(ANA, &[(Field::Phone, "12345"), (Field::Category, "#REF!")]),
    );
    bad.error_cells.insert(Field::Category);
    let check = ImportCheck::new(columns, vec![bad], ExistingContacts::default(), KEEP);
    let issues: Vec<String> = check.issues().map(ToString::to_string).collect();
    assert_eq!(
        issues,
        vec![
            "Row 9, Telephone: \u{201c}12345\u{201d} has 5 digits; a phone number has 6 to 15. \
             Use digits with spaces, +, -, ( ) and an optional extension such as x123.",
            "Row 9, Category: The cell holds the spreadsheet error \u{201c}#REF!\u{201d}. \
             Replace it with the value, or clear the cell.",
        ]
    );
}

#[test]
fn a_row_whose_key_cell_is_invalid_matches_nothing_and_only_shows_that_issue() {
    let long_id = "X".repeat(51);
    let rows = vec![
        row(2, &[(Field::Reference, &long_id)]),
        row(3, &[(Field::Email, "ana@")]),
    ];
    let check = check_with(rows, account(), KEEP);
    assert_eq!(
        problems(&check),
        vec![
            (
                2,
                Field::Reference,
                Problem::TooLong {
                    max: 50,
                    actual: 51
                }
            ),
            (3, Field::Email, Problem::InvalidEmail),
        ]
    );
}

#[test]
fn fixing_one_of_two_duplicate_emails_turns_both_green() {
    let rows = vec![
        row(2, &with(ANA, &[(Field::Email, "bo@example.com")])),
        row(3, &with(ANA, &[(Field::Email, "bo@example.com")])),
        row(4, &with(ANA, &[(Field::Email, "cy@example.com")])),
    ];
    let mut check = check_with(rows, vec![], KEEP);
    assert_eq!(check.counts().with_issues, 2);
    let changed = check.set_cell(1, Field::Email, " bo2@example.com ");
    assert_eq!(changed, vec![0, 1]);
    assert_eq!(problems(&check), vec![]);
    assert_eq!(
        check.row(1).unwrap().values.get(Field::Email),
        "bo2@example.com"
    );
    assert!(check.is_ready());
    // And back: both red again, the third row untouched.
    assert_eq!(
        check.set_cell(1, Field::Email, "BO@example.com"),
        vec![0, 1]
    );
    assert_eq!(check.counts().with_issues, 2);
}

#[test]
fn removing_a_row_clears_its_partners_issue_and_restoring_brings_it_back() {
    let rows = vec![
        row(2, &with(ANA, &[(Field::Reference, "R1")])),
        row(3, &with(ANA, &[(Field::Reference, "R1")])),
    ];
    let mut check = check_with(rows, vec![], KEEP);
    assert_eq!(check.remove_row(1), vec![0, 1]);
    assert!(check.is_removed(1));
    assert_eq!(check.verdict(1), None);
    assert_eq!(problems(&check), vec![]);
    assert_eq!(
        check.counts(),
        ImportCounts {
            rows: 1,
            valid: 1,
            new: 1,
            removed: 1,
            ..ImportCounts::default()
        }
    );
    assert_eq!(
        check.set_cell(1, Field::Reference, "R2"),
        Vec::<usize>::new(),
        "a removed row is not edited"
    );
    assert_eq!(check.remove_row(1), Vec::<usize>::new());
    assert_eq!(check.restore_row(1), vec![0, 1]);
    assert_eq!(check.counts().with_issues, 2);
    assert_eq!(check.counts().removed, 0);
}

#[test]
fn editing_an_error_cell_clears_the_error() {
    let mut bad = row(2, &with(ANA, &[(Field::City, "#N/A")]));
    bad.error_cells.insert(Field::City);
    let mut check = check_with(vec![bad], vec![], KEEP);
    assert_eq!(problems(&check), vec![(2, Field::City, Problem::CellError)]);
    assert_eq!(check.set_cell(0, Field::City, "Perth"), vec![0]);
    assert_eq!(problems(&check), vec![]);
    assert!(check.row(0).unwrap().error_cells.is_empty());
}

#[test]
fn cells_set_together_and_restored_come_back_with_their_spreadsheet_errors() {
    let mut bad = row(2, &with(ANA, &[(Field::City, "#N/A")]));
    bad.error_cells.insert(Field::City);
    let good = row(3, &with(ANA, &[(Field::Email, "ana2@example.com"), (Field::City, "Perht")]));
    let mut check = check_with(vec![bad, good], vec![], KEEP);
    let before = check.clone();
    let cell = |row: usize, value: &str| CellEdit { row, field: Field::City, value: value.to_string() };
    assert_eq!(check.set_cells(&[cell(0, "Perth"), cell(1, "Perth")]), vec![0]);
    assert_eq!(problems(&check), vec![]);
    assert_eq!(check.row(1).unwrap().values.get(Field::City), "Perth");
    // Position 0 of the old values held a spreadsheet error.
    check.restore_cells(&[cell(0, "#N/A"), cell(1, "Perht")], &[0]);
    assert_eq!(check, before);
}

#[test]
fn contacts_fetched_later_re_check_the_rows_they_concern() {
    let rows = vec![
        row(2, &[(Field::Reference, "C-777"), (Field::City, "Perth")]),
        row(3, &with(ANA, &[(Field::Email, "zed@example.com")])),
    ];
    let mut check = check_with(rows, account(), KEEP);
    assert_eq!(
        check.counts().with_issues,
        1,
        "C-777 unknown: a new person needs names"
    );
    assert_eq!(
        check.lookup_keys(),
        LookupKeys {
            references: vec!["c-777".into()],
            emails: vec!["zed@example.com".into()]
        }
    );
    let zed = contact(
        9,
        &[
            (Field::Reference, "C-777"),
            (Field::FirstName, "Zed"),
            (Field::LastName, "Ong"),
        ],
    );
    assert_eq!(check.add_existing(vec![zed]), vec![0]);
    assert_eq!(problems(&check), vec![]);
    assert!(matches!(action(&check, 0), Some(Action::Update { .. })));
}

#[test]
fn lookup_keys_are_the_valid_contact_ids_and_emails_lower_cased() {
    let rows = vec![
        row(
            2,
            &[
                (Field::Reference, "AB-1"),
                (Field::Email, "Ana@Example.com"),
            ],
        ),
        row(
            3,
            &[(Field::Reference, "ab-1"), (Field::Email, "not an email")],
        ),
        row(4, &[(Field::Email, "bo@example.com")]),
    ];
    assert_eq!(
        lookup_keys(&rows),
        LookupKeys {
            references: vec!["ab-1".into()],
            emails: vec!["ana@example.com".into(), "bo@example.com".into()],
        }
    );
}

#[test]
fn plans_list_every_valid_row_with_its_resulting_values() {
    let rows = vec![
        row(
            2,
            &with(
                ANA,
                &[
                    (Field::Reference, "C-001"),
                    (Field::Country, "united kingdom"),
                ],
            ),
        ),
        row(
            3,
            &[
                (Field::Kind, "company"),
                (Field::CompanyName, "New Co"),
                (Field::Category, "supplier"),
            ],
        ),
    ];
    let check = check_with(rows, account(), KEEP);
    let plans: Vec<_> = check.plans().collect();
    assert_eq!(plans.len(), 2);
    assert_eq!(plans[0].1.contact.get(Field::Country), "GB");
    assert_eq!(plans[0].1.contact.get(Field::Email), "ana@example.com");
    assert_eq!(plans[1].1.contact.get(Field::Kind), "Company");
    assert_eq!(plans[1].1.contact.get(Field::Category), "Supplier");
    assert_eq!(check.plan(5), None);
}

#[test]
fn a_cell_typed_into_a_column_the_file_lacks_is_imported() {
    let columns = ImportColumns::from_present(FieldSet::of(&[Field::Reference]));
    let rows = vec![row(2, &[(Field::Reference, "C-001")])];
    let mut check = ImportCheck::new(columns, rows, ExistingContacts::new(account()), OVERWRITE);
    assert_eq!(
        action(&check, 0),
        Some(Action::Unchanged {
            contact_id: Uuid::from_u128(1)
        })
    );
    assert_eq!(check.set_cell(0, Field::Postcode, "2000"), vec![0]);
    assert_eq!(
        action(&check, 0).unwrap().changes(),
        &[FieldChange {
            field: Field::Postcode,
            before: String::new(),
            after: "2000".into()
        }]
    );
}

#[test]
fn kept_rows_are_the_edited_rows_still_in_the_import() {
    let rows = vec![row(2, ANA), row(3, ANA), row(4, ANA)];
    let mut check = check_with(rows, vec![], KEEP);
    check.remove_row(1);
    check.set_cell(2, Field::City, "Perth");
    let kept: Vec<(u32, &str)> = check
        .kept_rows()
        .map(|row| (row.line, row.values.get(Field::City)))
        .collect();
    assert_eq!(kept, vec![(2, ""), (4, "Perth")]);
}

// ---- The key property: incremental updates equal a fresh check. ----

#[derive(Clone, Debug)]
enum Edit {
    Set(usize, Field, &'static str),
    /// Several cells at once (a whole-column fix, or its undo).
    SetMany(Vec<(usize, Field, &'static str)>),
    Remove(usize),
    Restore(usize),
    Mode(MergeMode),
    AddExisting(usize),
}

const REFERENCES: &[&str] = &[
    "",
    "C1",
    "c1",
    "C2",
    "C3",
    "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
];
const EMAILS: &[&str] = &[
    "", "a@x.com", "A@X.com", "b@x.com", "bad@", "d@x.com", "e@x.com",
];
const KINDS: &[&str] = &["", "Company", "person", "Robot"];
const FIRSTS: &[&str] = &["", "Ana"];
const LASTS: &[&str] = &["", "Li"];
const COMPANIES: &[&str] = &["", "Acme"];
const CITIES: &[&str] = &["", "Perth", "#N/A"];

fn pool(field: Field) -> &'static [&'static str] {
    match field {
        Field::Reference => REFERENCES,
        Field::Email => EMAILS,
        Field::Kind => KINDS,
        Field::FirstName => FIRSTS,
        Field::LastName => LASTS,
        Field::CompanyName => COMPANIES,
        _ => CITIES,
    }
}

const EDITED: [Field; 7] = [
    Field::Reference,
    Field::Email,
    Field::Kind,
    Field::FirstName,
    Field::LastName,
    Field::CompanyName,
    Field::City,
];

fn small_account() -> Vec<ExistingContact> {
    vec![
        contact(
            1,
            &[
                (Field::Reference, "C1"),
                (Field::Kind, "Person"),
                (Field::FirstName, "Ana"),
                (Field::LastName, "Li"),
                (Field::Email, "a@x.com"),
            ],
        ),
        contact(
            2,
            &[
                (Field::Kind, "Company"),
                (Field::CompanyName, "Acme"),
                (Field::Email, "b@x.com"),
            ],
        ),
        contact(
            3,
            &[
                (Field::Reference, "C3"),
                (Field::Kind, "Person"),
                (Field::FirstName, "Cy"),
                (Field::LastName, "Wu"),
                (Field::Email, "c@x.com"),
            ],
        ),
    ]
}

/// Contacts the server might return later; their keys never clash with
/// another contact's.
fn later_contact(which: usize) -> ExistingContact {
    match which % 3 {
        0 => contact(
            4,
            &[
                (Field::Reference, "C2"),
                (Field::Kind, "Person"),
                (Field::FirstName, "Dee"),
                (Field::LastName, "Fox"),
                (Field::Email, "d@x.com"),
            ],
        ),
        1 => contact(
            2,
            &[
                (Field::Kind, "Company"),
                (Field::CompanyName, "Acme"),
                (Field::Email, "e@x.com"),
            ],
        ),
        _ => contact(
            1,
            &[
                (Field::Reference, "C1"),
                (Field::Kind, "Company"),
                (Field::CompanyName, "Ana Co"),
                (Field::Email, "a@x.com"),
            ],
        ),
    }
}

fn any_row(line: u32) -> impl Strategy<Value = ImportRow> {
    (proptest::array::uniform7(0..7usize), any::<bool>()).prop_map(move |(choices, error)| {
        let mut values = ContactFields::blank();
        for (field, choice) in EDITED.into_iter().zip(choices) {
            let options = pool(field);
            values[field] = options[choice % options.len()].to_string();
        }
        let mut row = ImportRow::new(line, values);
        if error && row.values.get(Field::City) == "#N/A" {
            row.error_cells.insert(Field::City);
        }
        row
    })
}

fn any_rows() -> impl Strategy<Value = Vec<ImportRow>> {
    (1..10usize).prop_flat_map(|count| {
        (0..count)
            .map(|index| any_row(index as u32 + 2))
            .collect::<Vec<_>>()
    })
}

fn any_edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        6 => (0..10usize, 0..7usize, 0..7usize).prop_map(|(row, field, value)| {
            let field = EDITED[field];
            let options = pool(field);
            Edit::Set(row, field, options[value % options.len()])
        }),
        2 => proptest::collection::vec((0..10usize, 0..7usize, 0..7usize), 1..8).prop_map(|cells| {
            Edit::SetMany(cells.into_iter().map(|(row, field, value)| {
                let field = EDITED[field];
                let options = pool(field);
                (row, field, options[value % options.len()])
            }).collect())
        }),
        2 => (0..10usize).prop_map(Edit::Remove),
        1 => (0..10usize).prop_map(Edit::Restore),
        1 => prop_oneof![Just(KEEP), Just(OVERWRITE)].prop_map(Edit::Mode),
        1 => (0..3usize).prop_map(Edit::AddExisting),
    ]
}

fn any_present() -> impl Strategy<Value = FieldSet> {
    any::<u32>().prop_map(|bits| {
        Field::ALL
            .into_iter()
            .filter(|field| bits & (1 << field.index()) != 0)
            .collect()
    })
}

/// A fresh check of `check`'s current rows (removed ones left out).
fn fresh(check: &ImportCheck) -> ImportCheck {
    let rows: Vec<ImportRow> = (0..check.rows().len())
        .filter(|&index| !check.is_removed(index))
        .filter_map(|index| check.row(index).cloned())
        .collect();
    let existing = ExistingContacts::new(check.existing().iter().cloned().collect());
    ImportCheck::new(check.columns().clone(), rows, existing, check.mode())
}

fn verdicts(check: &ImportCheck) -> Vec<Option<RowVerdict>> {
    (0..check.rows().len())
        .map(|index| check.verdict(index).cloned())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn a_check_after_any_edits_equals_a_fresh_check_of_the_edited_rows(
        rows in any_rows(),
        present in any_present(),
        mode in prop_oneof![Just(KEEP), Just(OVERWRITE)],
        edits in proptest::collection::vec(any_edit(), 0..12),
    ) {
        let columns = ImportColumns::from_present(present);
        let mut check = ImportCheck::new(columns, rows, ExistingContacts::new(small_account()), mode);
        for edit in edits {
            let before = verdicts(&check);
            let changed = match edit.clone() {
                Edit::Set(row, field, value) => check.set_cell(row, field, value),
                Edit::SetMany(cells) => check.set_cells(
                    &cells.iter().map(|&(row, field, value)| CellEdit { row, field, value: value.to_string() }).collect::<Vec<_>>(),
                ),
                Edit::Remove(row) => check.remove_row(row),
                Edit::Restore(row) => check.restore_row(row),
                Edit::Mode(mode) => check.set_mode(mode),
                Edit::AddExisting(which) => check.add_existing(vec![later_contact(which)]),
            };
            let after = verdicts(&check);
            let really_changed: Vec<usize> = (0..after.len()).filter(|&i| before[i] != after[i]).collect();
            prop_assert_eq!(&changed, &really_changed, "{:?}", edit);

            let expected = fresh(&check);
            let kept: Vec<RowVerdict> = check.verdicts().map(|(_, verdict)| verdict.clone()).collect();
            let fresh_verdicts: Vec<RowVerdict> = expected.verdicts().map(|(_, verdict)| verdict.clone()).collect();
            prop_assert_eq!(kept, fresh_verdicts, "after {:?}", edit);
            let counts = ImportCounts { removed: 0, ..check.counts() };
            prop_assert_eq!(counts, expected.counts());
            prop_assert_eq!(check.counts().removed, (0..check.rows().len()).filter(|&i| check.is_removed(i)).count());
            prop_assert_eq!(check.lookup_keys(), expected.lookup_keys());
        }
    }

    #[test]
    fn a_valid_row_always_has_a_plan_and_a_row_with_issues_none(
        rows in any_rows(), present in any_present(), mode in prop_oneof![Just(KEEP), Just(OVERWRITE)],
    ) {
        let check = ImportCheck::new(ImportColumns::from_present(present), rows, ExistingContacts::new(small_account()), mode);
        for (index, verdict) in check.verdicts() {
            prop_assert_eq!(verdict.is_valid(), verdict.action.is_some());
            prop_assert_eq!(verdict.is_valid(), check.plan(index).is_some());
            if let Some(plan) = check.plan(index) {
                prop_assert_eq!(Some(plan.action), verdict.action.clone());
            }
        }
    }
}

/// Rows of any texts, one per field in template order, from line 2 on.
fn rows_of_texts(cells: Vec<Vec<String>>) -> Vec<ImportRow> {
    cells
        .into_iter()
        .enumerate()
        .map(|(index, texts)| {
            let mut values = ContactFields::blank();
            for (field, text) in Field::ALL.into_iter().zip(texts) {
                values[field] = text;
            }
            ImportRow::new(index as u32 + 2, values)
        })
        .collect()
}

/// `rows` as the server keeps them ([`stage`]): normalised values, the same
/// spreadsheet-error cells.
fn restaged(rows: &[ImportRow], columns: &ImportColumns, mode: MergeMode) -> Vec<ImportRow> {
    rows.iter()
        .map(|row| {
            let mut kept = ImportRow::new(row.line, stage(row, columns, mode, &LayoutOnly).values);
            kept.error_cells = row.error_cells;
            kept
        })
        .collect()
}

#[test]
fn canonical_spellings_survive_staging() {
    let rows = vec![
        row(2, &[(Field::Kind, " company "), (Field::CompanyName, "Acme"), (Field::Country, "u.k."), (Field::Category, "TENANT")]),
        row(3, &[(Field::FirstName, "Bo"), (Field::LastName, "Li"), (Field::Country, "new zealand"), (Field::Phone, " 0412 345 678 ")]),
        row(4, &[(Field::FirstName, "Cy"), (Field::LastName, "Wu"), (Field::Country, "Narnia"), (Field::Email, "cy@")]),
    ];
    for mode in [KEEP, OVERWRITE] {
        let columns = ImportColumns::template();
        let staged = restaged(&rows, &columns, mode);
        assert_eq!(staged[0].values.get(Field::Country), "GB");
        assert_eq!(staged[0].values.get(Field::Kind), "Company");
        assert_eq!(staged[2].values.get(Field::Country), "Narnia");
        let original = ImportCheck::new(columns.clone(), rows.clone(), ExistingContacts::new(account()), mode);
        let again = ImportCheck::new(columns, staged, ExistingContacts::new(account()), mode);
        assert_eq!(verdicts(&original), verdicts(&again));
        assert_eq!(original.plans().collect::<Vec<_>>(), again.plans().collect::<Vec<_>>());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn a_staged_row_is_judged_exactly_as_the_row_it_was_staged_from(
        rows in any_rows(), present in any_present(), mode in prop_oneof![Just(KEEP), Just(OVERWRITE)],
    ) {
        let columns = ImportColumns::from_present(present);
        let staged = restaged(&rows, &columns, mode);
        let original = ImportCheck::new(columns.clone(), rows, ExistingContacts::new(small_account()), mode);
        let again = ImportCheck::new(columns, staged, ExistingContacts::new(small_account()), mode);
        prop_assert_eq!(verdicts(&original), verdicts(&again));
        prop_assert_eq!(original.plans().collect::<Vec<_>>(), again.plans().collect::<Vec<_>>());
    }

    #[test]
    fn a_row_staged_as_new_creates_what_it_would_alone(
        row in any_row(2), present in any_present(), mode in prop_oneof![Just(KEEP), Just(OVERWRITE)],
    ) {
        let columns = ImportColumns::from_present(present);
        let staged = stage(&row, &columns, mode, &LayoutOnly);
        let alone = RowContext::default();
        let verdict = judge(&row, &columns, mode, &alone, &LayoutOnly);
        let unresolved = staged.match_key == MatchKey::Unresolved;
        prop_assert_eq!(staged.as_new.is_some(), verdict.is_valid() && !unresolved);
        if let Some(contact) = staged.as_new {
            prop_assert_eq!(verdict.action, Some(Action::New));
            prop_assert_eq!(plan_row(&row, &columns, mode, &alone, &LayoutOnly).map(|plan| plan.contact), Some(contact));
        }
        prop_assert_eq!(staged.match_key, MatchKey::of(&row));
    }

    #[test]
    fn a_row_staged_unchanged_when_equal_is_judged_unchanged_against_a_contact_holding_its_values(
        row in any_row(2), present in any_present(), mode in prop_oneof![Just(KEEP), Just(OVERWRITE)],
    ) {
        let columns = ImportColumns::from_present(present);
        let staged = stage(&row, &columns, mode, &LayoutOnly);
        let stored = ExistingContact { id: Uuid::from_u128(42), version: 7, fields: staged.values.clone() };
        let context = RowContext {
            matched: Some(&stored),
            email_owner: staged.email_key.as_ref().map(|_| &stored),
            ..RowContext::default()
        };
        let verdict = judge(&row, &columns, mode, &context, &LayoutOnly);
        let matches = matches!(staged.match_key, MatchKey::Reference(_) | MatchKey::Email(_));
        let unchanged = verdict.is_valid() && matches!(verdict.action, Some(Action::Unchanged { .. }));
        prop_assert_eq!(staged.unchanged_when_equal, matches && unchanged);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// What the server's merge in SQL relies on ([`StagedRow::update_sources`]):
    /// a row staged as new, matched to a contact whose result by the sources
    /// agrees with `as_new` on [`fields_read_from_the_result`] (and owning
    /// its email), is valid, and updates the contact to that result (or
    /// changes nothing when it holds that already), with `as_new`'s keys.
    #[test]
    fn a_staged_row_whose_update_result_agrees_with_its_new_contact_updates_to_that_result(
        row in any_row(2), other in any_row(3), mask in any::<u32>(),
        present in any_present(), mode in prop_oneof![Just(KEEP), Just(OVERWRITE)],
    ) {
        let columns = ImportColumns::from_present(present);
        let staged = stage(&row, &columns, mode, &LayoutOnly);
        let (Some(as_new), MatchKey::Reference(_) | MatchKey::Email(_)) = (&staged.as_new, &staged.match_key) else {
            return Ok(());
        };
        // The stored contact: the new contact with some fields from another row.
        let mut fields = as_new.fields().clone();
        for field in Field::ALL.into_iter().filter(|field| mask & (1 << field.index()) != 0) {
            fields.set(field, other.values.get(field));
        }
        let stored = ExistingContact { id: Uuid::from_u128(42), version: 7, fields };
        let source = |field: Field| if staged.update_sources.stored.contains(field) {
            UpdateSource::Stored
        } else if staged.update_sources.unless_same_key.contains(field) {
            UpdateSource::RowUnlessSameKey
        } else {
            UpdateSource::Row
        };
        let result = ContactFields(Field::ALL.map(|field| source(field).apply(as_new.get(field), stored.fields.get(field)).to_string()));
        let agrees = fields_read_from_the_result().iter().all(|field| result.get(field) == as_new.get(field));
        let context = RowContext {
            matched: Some(&stored),
            email_owner: staged.email_key.as_ref().map(|_| &stored),
            ..RowContext::default()
        };
        let verdict = judge(&row, &columns, mode, &context, &LayoutOnly);
        let plan = plan_row(&row, &columns, mode, &context, &LayoutOnly);
        if agrees {
            prop_assert!(verdict.is_valid(), "{:?}", verdict);
            let plan = plan.expect("a valid row has a plan");
            prop_assert_eq!(plan.contact.fields(), &result);
            prop_assert_eq!(plan.contact.listing_keys(), as_new.listing_keys());
            prop_assert_eq!((plan.contact.reference_key(), plan.contact.email_key()), (as_new.reference_key(), as_new.email_key()));
            let unchanged = stored.fields == result;
            prop_assert_eq!(matches!(plan.action, Action::Unchanged { .. }), unchanged);
            prop_assert_eq!(matches!(plan.action, Action::Update { expected_version: 7, .. }), !unchanged);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_cell_text_staged_is_judged_as_the_original(
        cells in proptest::collection::vec(proptest::collection::vec(any::<String>(), Field::COUNT), 1..4),
        mode in prop_oneof![Just(KEEP), Just(OVERWRITE)],
    ) {
        let rows = rows_of_texts(cells);
        let columns = ImportColumns::template();
        let staged = restaged(&rows, &columns, mode);
        let original = ImportCheck::new(columns.clone(), rows, ExistingContacts::new(account()), mode);
        let again = ImportCheck::new(columns, staged, ExistingContacts::new(account()), mode);
        prop_assert_eq!(verdicts(&original), verdicts(&again));
    }

    #[test]
    fn no_cell_text_panics_the_check(
        cells in proptest::collection::vec(proptest::collection::vec(any::<String>(), Field::COUNT), 1..4),
        edit in (0..4usize, 0..Field::COUNT, any::<String>()),
        mode in prop_oneof![Just(KEEP), Just(OVERWRITE)],
    ) {
        let rows = rows_of_texts(cells);
        let mut check = ImportCheck::new(ImportColumns::template(), rows, ExistingContacts::new(account()), mode);
        let (row, field, text) = edit;
        check.set_cell(row, Field::ALL[field], &text);
        for issue in check.issues() {
            prop_assert!(!issue.to_string().is_empty());
        }
        let _ = check.plans().count();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn building_a_check_in_slices_equals_building_it_at_once(
        rows in any_rows(),
        present in any_present(),
        mode in prop_oneof![Just(KEEP), Just(OVERWRITE)],
        slice in 1usize..7,
    ) {
        let columns = ImportColumns::from_present(present);
        let at_once = ImportCheck::new(columns.clone(), rows.clone(), ExistingContacts::new(small_account()), mode);
        let mut builder = ImportCheck::build(columns, rows, ExistingContacts::new(small_account()), mode);
        let mut steps = 0;
        while !builder.step(slice) {
            steps += 1;
            prop_assert!(builder.done_steps() <= builder.total_steps());
            prop_assert!(steps <= builder.total_steps());
        }
        prop_assert_eq!(builder.done_steps(), builder.total_steps());
        prop_assert_eq!(builder.finish(), at_once);
    }
}

// ---- Timing (run with `cargo test -p rules --release -- --ignored --nocapture`). ----

#[test]
#[ignore]
fn timing_of_a_200k_row_import() {
    use std::time::Instant;
    const ROWS: usize = 200_000;
    let existing: Vec<ExistingContact> = (0..ROWS / 4)
        .map(|i| {
            let reference = format!("C-{i:06}");
            let email = format!("person{i}@example.com");
            contact(
                i as u128 + 1,
                &[
                    (Field::Reference, reference.as_str()),
                    (Field::Kind, "Person"),
                    (Field::FirstName, "Ana"),
                    (Field::LastName, "Silva"),
                    (Field::Email, email.as_str()),
                    (Field::City, "Sydney"),
                ],
            )
        })
        .collect();
    let rows: Vec<ImportRow> = (0..ROWS)
        .map(|i| {
            let reference = if i % 2 == 0 {
                format!("c-{i:06}")
            } else {
                String::new()
            };
            let email = format!("Person{i}@Example.com");
            let phone = format!("04{:08}", i);
            row(
                i as u32 + 2,
                &[
                    (Field::Reference, reference.as_str()),
                    (Field::Kind, if i % 7 == 0 { "company" } else { "person" }),
                    (Field::FirstName, "Ana"),
                    (Field::LastName, "Silva"),
                    (Field::CompanyName, "Acme Pty Ltd"),
                    (Field::Email, email.as_str()),
                    (Field::Phone, phone.as_str()),
                    (Field::AddressLine1, "1 George Street"),
                    (Field::City, "Perth"),
                    (Field::Region, "WA"),
                    (Field::Postcode, "6000"),
                    (Field::Country, "Australia"),
                    (Field::Category, "tenant"),
                    (Field::Notes, "Imported from the old system"),
                ],
            )
        })
        .collect();
    let started = Instant::now();
    let existing = ExistingContacts::new(existing);
    let indexed = started.elapsed();
    let started = Instant::now();
    let mut check = ImportCheck::new(ImportColumns::template(), rows, existing, KEEP);
    let built = started.elapsed();
    let started = Instant::now();
    let changed = check.set_cell(100, Field::Email, "person101@example.com");
    let edited = started.elapsed();
    let started = Instant::now();
    check.set_mode(OVERWRITE);
    let switched = started.elapsed();
    let started = Instant::now();
    let plans = check.plans().count();
    let planned = started.elapsed();
    println!(
        "{ROWS} rows: ExistingContacts::new {indexed:?}, ImportCheck::new {built:?}, \
         set_cell {edited:?} ({} rows changed), set_mode {switched:?}, plans() {planned:?} ({plans} plans); {:?}",
        changed.len(),
        check.counts()
    );
}
