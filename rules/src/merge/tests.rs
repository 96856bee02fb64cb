use proptest::prelude::*;

use super::*;

const KEEP: MergeMode = MergeMode::KeepExisting;
const OVERWRITE: MergeMode = MergeMode::OverwriteAll;

fn contact(pairs: &[(Field, &str)]) -> ExistingContact {
    ExistingContact {
        id: Uuid::from_u128(7),
        version: 3,
        fields: ContactFields::from_pairs(pairs.iter().copied()),
    }
}

fn values(pairs: &[(Field, &str)]) -> ContactFields {
    ContactFields::from_pairs(pairs.iter().copied())
}

/// Plans `row` (with `present` columns) against `existing` and returns the
/// resulting fields, or the problems.
fn merged(
    row: &[(Field, &str)],
    present: FieldSet,
    existing: Option<&ExistingContact>,
    mode: MergeMode,
) -> Result<Plan, Vec<(Field, Problem)>> {
    let row = values(row);
    plan(&row, given_fields(&row, present), existing, mode)
}

fn ana() -> ExistingContact {
    contact(&[
        (Field::Reference, "C-001"),
        (Field::Kind, "Person"),
        (Field::Title, "Dr"),
        (Field::FirstName, "Ana"),
        (Field::LastName, "Silva"),
        (Field::Email, "ana@example.com"),
        (Field::Phone, "0412 345 678"),
        (Field::City, "Sydney"),
        (Field::Notes, "Prefers email"),
    ])
}

#[test]
fn a_new_contact_takes_the_rows_values_and_is_a_person_unless_told_otherwise() {
    let plan = merged(
        &[(Field::FirstName, "Bo"), (Field::LastName, "Li")],
        FieldSet::all(),
        None,
        KEEP,
    )
    .unwrap();
    assert_eq!(plan.action, Action::New);
    assert_eq!(
        *plan.contact.fields(),
        values(&[
            (Field::Kind, "Person"),
            (Field::FirstName, "Bo"),
            (Field::LastName, "Li")
        ])
    );
    let company = merged(
        &[(Field::Kind, "Company"), (Field::CompanyName, "Acme")],
        FieldSet::all(),
        None,
        OVERWRITE,
    );
    assert_eq!(company.unwrap().contact.get(Field::Kind), "Company");
}

#[test]
fn required_fields_depend_on_the_contacts_kind() {
    type Case = (
        &'static [(Field, &'static str)],
        Result<(), Vec<(Field, Problem)>>,
    );
    let person = Problem::Required {
        contact_kind: ContactKind::Person,
    };
    let company = Problem::Required {
        contact_kind: ContactKind::Company,
    };
    let cases: &[Case] = &[
        (&[(Field::FirstName, "Bo"), (Field::LastName, "Li")], Ok(())),
        (
            &[(Field::FirstName, "Bo")],
            Err(vec![(Field::LastName, person.clone())]),
        ),
        (
            &[(Field::CompanyName, "Acme")],
            Err(vec![
                (Field::FirstName, person.clone()),
                (Field::LastName, person.clone()),
            ]),
        ),
        (
            &[(Field::Kind, "Company"), (Field::CompanyName, "Acme")],
            Ok(()),
        ),
        (
            &[
                (Field::Kind, "Company"),
                (Field::FirstName, "Bo"),
                (Field::LastName, "Li"),
            ],
            Err(vec![(Field::CompanyName, company)]),
        ),
        (&[(Field::Kind, "Nonsense")], Ok(())),
    ];
    for (row, expected) in cases {
        for mode in [KEEP, OVERWRITE] {
            let actual = merged(row, FieldSet::all(), None, mode).map(|_| ());
            assert_eq!(&actual, expected, "{row:?} {mode:?}");
        }
    }
}

#[test]
fn keep_mode_fills_in_and_leaves_blank_cells_alone_overwrite_mode_clears_them() {
    // field, existing value, cell, after keep, after overwrite
    let table: &[(Field, &str, &str, &str, &str)] = &[
        (Field::Title, "Dr", "", "Dr", ""),
        (Field::Title, "Dr", "Prof", "Prof", "Prof"),
        (Field::Phone, "0412 345 678", "", "0412 345 678", ""),
        (
            Field::Phone,
            "0412 345 678",
            "02 9876 5432",
            "02 9876 5432",
            "02 9876 5432",
        ),
        (
            Field::Mobile,
            "",
            "0400 000 000",
            "0400 000 000",
            "0400 000 000",
        ),
        (Field::Mobile, "", "", "", ""),
        (Field::City, "Sydney", "", "Sydney", ""),
        (Field::Notes, "Prefers email", "", "Prefers email", ""),
        (Field::Email, "ana@example.com", "", "ana@example.com", ""),
        (
            Field::Email,
            "ana@example.com",
            "ANA@example.com",
            "ana@example.com",
            "ana@example.com",
        ),
        (
            Field::Email,
            "ana@example.com",
            "ana@example.org",
            "ana@example.org",
            "ana@example.org",
        ),
        (Field::FirstName, "Ana", "Anna", "Anna", "Anna"),
    ];
    for &(field, before, cell, after_keep, after_overwrite) in table {
        let mut existing = ana();
        existing.fields[field] = before.to_string();
        let mut row = existing.fields.clone();
        row[field] = cell.to_string();
        for (mode, expected) in [(KEEP, after_keep), (OVERWRITE, after_overwrite)] {
            let plan = plan(&row, FieldSet::all(), Some(&existing), mode).unwrap();
            assert_eq!(
                plan.contact.get(field),
                expected,
                "{field} {before:?} {cell:?} {mode:?}"
            );
            let mut others = plan.contact.fields().clone();
            others[field] = before.to_string();
            assert_eq!(others, existing.fields, "only {field} may change");
        }
    }
}

#[test]
fn a_column_absent_from_the_file_is_never_touched() {
    let existing = ana();
    let present = FieldSet::of(&[Field::Reference, Field::FirstName, Field::LastName]);
    for mode in [KEEP, OVERWRITE] {
        let plan = merged(
            &[
                (Field::Reference, "C-001"),
                (Field::FirstName, "Ana"),
                (Field::LastName, "Silva"),
            ],
            present,
            Some(&existing),
            mode,
        )
        .unwrap();
        assert_eq!(plan.contact.fields(), &existing.fields, "{mode:?}");
        assert_eq!(
            plan.action,
            Action::Unchanged {
                contact_id: existing.id
            }
        );
    }
}

#[test]
fn a_blank_required_cell_keeps_the_old_value_in_keep_mode_and_is_an_issue_in_overwrite() {
    let existing = ana();
    let row = [
        (Field::Reference, "C-001"),
        (Field::FirstName, ""),
        (Field::LastName, "Silva"),
    ];
    let kept = merged(&row, FieldSet::all(), Some(&existing), KEEP).unwrap();
    assert_eq!(kept.contact.get(Field::FirstName), "Ana");
    assert_eq!(
        merged(&row, FieldSet::all(), Some(&existing), OVERWRITE),
        Err(vec![(
            Field::FirstName,
            Problem::WouldClearRequired {
                contact_kind: ContactKind::Person
            }
        )])
    );
}

#[test]
fn changing_a_person_into_a_company_needs_a_company_name() {
    let existing = ana();
    let row = [(Field::Reference, "C-001"), (Field::Kind, "Nonsense")];
    let present = FieldSet::of(&[Field::Reference, Field::Kind]);
    assert_eq!(
        merged(
            &[(Field::Reference, "C-001"), (Field::Kind, "Company")],
            present,
            Some(&existing),
            KEEP
        ),
        Err(vec![(
            Field::CompanyName,
            Problem::Required {
                contact_kind: ContactKind::Company
            }
        )])
    );
    // An unknown kind (an invalid cell) does not add required issues of its own.
    assert!(merged(&row, present, Some(&existing), KEEP).is_ok());
}

#[test]
fn a_blank_contact_type_keeps_the_kind_in_keep_mode_and_means_person_in_overwrite() {
    let acme = contact(&[
        (Field::Kind, "Company"),
        (Field::CompanyName, "Acme"),
        (Field::Email, "a@acme.com"),
    ]);
    let row = [(Field::Email, "a@acme.com"), (Field::CompanyName, "Acme")];
    let present = FieldSet::of(&[Field::Kind, Field::Email, Field::CompanyName]);
    let kept = merged(&row, present, Some(&acme), KEEP).unwrap();
    assert_eq!(
        kept.action,
        Action::Unchanged {
            contact_id: acme.id
        }
    );
    assert_eq!(
        merged(&row, present, Some(&acme), OVERWRITE),
        Err(vec![
            (
                Field::FirstName,
                Problem::Required {
                    contact_kind: ContactKind::Person
                }
            ),
            (
                Field::LastName,
                Problem::Required {
                    contact_kind: ContactKind::Person
                }
            ),
        ])
    );
}

#[test]
fn a_contact_id_matched_in_another_case_keeps_its_stored_spelling() {
    let existing = ana();
    let mut row = existing.fields.clone();
    row[Field::Reference] = "c-001".to_string();
    let plan = plan(&row, FieldSet::all(), Some(&existing), OVERWRITE).unwrap();
    assert_eq!(
        plan.action,
        Action::Unchanged {
            contact_id: existing.id
        }
    );
}

#[test]
fn a_blank_contact_id_on_a_row_matched_by_email_keeps_the_reference_unless_overwriting() {
    let existing = ana();
    let mut row = existing.fields.clone();
    row[Field::Reference] = String::new();
    let kept = plan(&row, FieldSet::all(), Some(&existing), KEEP).unwrap();
    assert_eq!(kept.contact.get(Field::Reference), "C-001");
    let cleared = plan(&row, FieldSet::all(), Some(&existing), OVERWRITE).unwrap();
    assert_eq!(
        cleared.action,
        Action::Update {
            contact_id: existing.id,
            expected_version: 3,
            changes: vec![FieldChange {
                field: Field::Reference,
                before: "C-001".into(),
                after: String::new()
            }],
        }
    );
}

#[test]
fn an_update_lists_exactly_the_changed_fields_and_an_unchanged_row_none() {
    let existing = ana();
    let mut row = existing.fields.clone();
    row[Field::City] = "Perth".to_string();
    row[Field::Title] = String::new();
    let keep = plan(&row, FieldSet::all(), Some(&existing), KEEP).unwrap();
    assert_eq!(
        keep.action.changes(),
        &[FieldChange {
            field: Field::City,
            before: "Sydney".into(),
            after: "Perth".into()
        }]
    );
    let overwrite = plan(&row, FieldSet::all(), Some(&existing), OVERWRITE).unwrap();
    let changed: Vec<Field> = overwrite
        .action
        .changes()
        .iter()
        .map(|change| change.field)
        .collect();
    assert_eq!(changed, vec![Field::Title, Field::City]);
    let same = plan(
        &existing.fields,
        FieldSet::all(),
        Some(&existing),
        OVERWRITE,
    )
    .unwrap();
    assert_eq!(
        same.action,
        Action::Unchanged {
            contact_id: existing.id
        }
    );
    assert!(same.action.changes().is_empty());
}

#[test]
fn a_value_typed_into_a_column_the_file_lacks_is_applied() {
    let existing = ana();
    let row = values(&[(Field::Reference, "C-001"), (Field::Postcode, "2000")]);
    let present = FieldSet::of(&[Field::Reference]);
    let plan = plan(
        &row,
        given_fields(&row, present),
        Some(&existing),
        OVERWRITE,
    )
    .unwrap();
    assert_eq!(plan.contact.get(Field::Postcode), "2000");
    assert_eq!(plan.contact.get(Field::Notes), "Prefers email");
}

/// Normalised-looking values: each field blank or one of two values.
fn any_fields() -> impl Strategy<Value = ContactFields> {
    proptest::array::uniform17(0..3usize).prop_map(|choices| {
        let mut fields = ContactFields::blank();
        for (field, choice) in Field::ALL.into_iter().zip(choices) {
            let options: [&str; 3] = match field {
                Field::Reference => ["", "C1", "c1"],
                Field::Email => ["", "a@x.com", "A@x.com"],
                Field::Kind => ["", "Person", "Company"],
                _ => ["", "a", "b"],
            };
            fields[field] = options[choice].to_string();
        }
        fields
    })
}

fn any_present() -> impl Strategy<Value = FieldSet> {
    any::<u32>().prop_map(|bits| {
        Field::ALL
            .into_iter()
            .filter(|field| bits & (1 << field.index()) != 0)
            .collect()
    })
}

fn any_mode() -> impl Strategy<Value = MergeMode> {
    prop_oneof![Just(KEEP), Just(OVERWRITE)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn keep_mode_never_clears_a_field_that_had_a_value(
        row in any_fields(), present in any_present(), old in any_fields()
    ) {
        let existing = ExistingContact { id: Uuid::from_u128(1), version: 1, fields: old };
        if let Ok(plan) = plan(&row, given_fields(&row, present), Some(&existing), KEEP) {
            for field in Field::ALL {
                if !existing.fields.get(field).is_empty() {
                    prop_assert!(!plan.contact.get(field).is_empty(), "{} was cleared", field);
                }
            }
        }
    }

    #[test]
    fn overwrite_mode_gives_the_files_values_for_present_columns_and_keeps_absent_ones(
        row in any_fields(), present in any_present(), old in proptest::option::of(any_fields())
    ) {
        let existing = old.map(|fields| ExistingContact { id: Uuid::from_u128(1), version: 1, fields });
        let given = given_fields(&row, present);
        if let Ok(plan) = plan(&row, given, existing.as_ref(), OVERWRITE) {
            for field in Field::ALL {
                let before = existing.as_ref().map_or("", |c| c.fields.get(field));
                let value = row.get(field);
                let keeps_stored = !given.contains(field)
                    || (matches!(field, Field::Reference | Field::Email) && same_key(value, before));
                let expected = if keeps_stored { before } else { value };
                let expected = if field == Field::Kind && expected.is_empty()
                    && (existing.is_none() || given.contains(field)) { "Person" } else { expected };
                prop_assert_eq!(plan.contact.get(field), expected, "{}", field);
                if !present.contains(field) && value.is_empty() {
                    prop_assert_eq!(plan.contact.get(field), if field == Field::Kind && existing.is_none() { "Person" } else { before });
                }
            }
        }
    }

    #[test]
    fn planning_the_result_again_changes_nothing(
        row in any_fields(), present in any_present(), old in proptest::option::of(any_fields()), mode in any_mode()
    ) {
        let existing = old.map(|fields| ExistingContact { id: Uuid::from_u128(1), version: 1, fields });
        let given = given_fields(&row, present);
        if let Ok(first) = plan(&row, given, existing.as_ref(), mode) {
            let applied = ExistingContact { id: Uuid::from_u128(2), version: 2, fields: first.contact.fields().clone() };
            let second = plan(&row, given, Some(&applied), mode);
            prop_assert_eq!(second.map(|plan| (plan.action, plan.contact)), Ok((Action::Unchanged { contact_id: applied.id }, first.contact)));
        }
    }

    #[test]
    fn the_changes_are_exactly_the_fields_that_differ(
        row in any_fields(), present in any_present(), old in any_fields(), mode in any_mode()
    ) {
        let existing = ExistingContact { id: Uuid::from_u128(1), version: 1, fields: old };
        if let Ok(plan) = plan(&row, given_fields(&row, present), Some(&existing), mode) {
            let differing: Vec<Field> = Field::ALL
                .into_iter()
                .filter(|&field| plan.contact.get(field) != existing.fields.get(field))
                .collect();
            let listed: Vec<Field> = plan.action.changes().iter().map(|change| change.field).collect();
            prop_assert_eq!(&listed, &differing);
            prop_assert_eq!(matches!(plan.action, Action::Unchanged { .. }), differing.is_empty());
            for change in plan.action.changes() {
                prop_assert_eq!(change.before.as_str(), existing.fields.get(change.field));
                prop_assert_eq!(change.after.as_str(), plan.contact.get(change.field));
            }
        }
    }

    #[test]
    fn required_fields_are_never_left_blank(
        row in any_fields(), present in any_present(), old in proptest::option::of(any_fields()), mode in any_mode()
    ) {
        let existing = old.map(|fields| ExistingContact { id: Uuid::from_u128(1), version: 1, fields });
        if let Ok(plan) = plan(&row, given_fields(&row, present), existing.as_ref(), mode) {
            for field in required_fields(plan.contact.fields().kind()) {
                prop_assert!(!plan.contact.get(*field).is_empty());
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    /// What a store applying [`UpdateSources`] in bulk relies on: every
    /// field of an update's result is its source applied to the row's
    /// result as a new contact and the stored value.
    #[test]
    fn an_update_is_its_sources_applied_to_the_rows_result_as_a_new_contact(
        row in any_fields(), present in any_present(), old in any_fields(), mode in any_mode()
    ) {
        let given = given_fields(&row, present);
        let existing = ExistingContact { id: Uuid::from_u128(1), version: 1, fields: old };
        let sources = update_sources(&row, given, mode);
        prop_assert!((sources.stored.iter().filter(|field| sources.unless_same_key.contains(*field))).next().is_none());
        let (Ok(update), Ok(as_new)) = (plan(&row, given, Some(&existing), mode), plan(&row, given, None, mode)) else {
            return Ok(());
        };
        for field in Field::ALL {
            let source = if sources.stored.contains(field) {
                UpdateSource::Stored
            } else if sources.unless_same_key.contains(field) {
                UpdateSource::RowUnlessSameKey
            } else {
                UpdateSource::Row
            };
            prop_assert_eq!(
                update.contact.get(field),
                source.apply(as_new.contact.get(field), existing.fields.get(field)),
                "{}", field
            );
        }
    }
}
