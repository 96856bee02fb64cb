use crate::contact::ContactFields;
use crate::sheet::{Cell, SheetRow};

use super::*;

fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| name.to_string()).collect()
}

fn fields(mapping: &HeaderMapping) -> Vec<Option<Field>> {
    mapping
        .columns()
        .iter()
        .map(|column| column.state.field())
        .collect()
}

#[test]
fn headers_are_matched_ignoring_case_spaces_punctuation_and_knowing_synonyms() {
    let table: &[(&str, Option<Field>)] = &[
        ("Contact ID", Some(Field::Reference)),
        ("contact_id", Some(Field::Reference)),
        ("ID", Some(Field::Reference)),
        ("Reference", Some(Field::Reference)),
        ("Ref.", Some(Field::Reference)),
        ("Contact Type", Some(Field::Kind)),
        ("Type", Some(Field::Kind)),
        ("Title", Some(Field::Title)),
        ("Salutation", Some(Field::Title)),
        ("First Name", Some(Field::FirstName)),
        ("FIRSTNAME", Some(Field::FirstName)),
        ("first-name", Some(Field::FirstName)),
        ("Given Name", Some(Field::FirstName)),
        ("First", Some(Field::FirstName)),
        ("Forename", Some(Field::FirstName)),
        ("Last Name", Some(Field::LastName)),
        ("Surname", Some(Field::LastName)),
        ("Last", Some(Field::LastName)),
        ("Family name", Some(Field::LastName)),
        ("Company Name", Some(Field::CompanyName)),
        ("Company", Some(Field::CompanyName)),
        ("Organisation", Some(Field::CompanyName)),
        ("Organization", Some(Field::CompanyName)),
        ("Company / Organisation", Some(Field::CompanyName)),
        ("Email", Some(Field::Email)),
        ("E-mail", Some(Field::Email)),
        ("E-Mail Address", Some(Field::Email)),
        ("Email Address", Some(Field::Email)),
        ("Phone", Some(Field::Phone)),
        ("Telephone", Some(Field::Phone)),
        ("Phone Number", Some(Field::Phone)),
        ("Tel.", Some(Field::Phone)),
        ("Home Phone", Some(Field::Phone)),
        ("Mobile", Some(Field::Mobile)),
        ("Mobile Phone", Some(Field::Mobile)),
        ("Cell", Some(Field::Mobile)),
        ("Cell Phone", Some(Field::Mobile)),
        ("Address Line 1", Some(Field::AddressLine1)),
        ("Address 1", Some(Field::AddressLine1)),
        ("Address", Some(Field::AddressLine1)),
        ("Street", Some(Field::AddressLine1)),
        ("Street Address", Some(Field::AddressLine1)),
        ("Address Line 2", Some(Field::AddressLine2)),
        ("Address 2", Some(Field::AddressLine2)),
        ("City", Some(Field::City)),
        ("Town", Some(Field::City)),
        ("Suburb", Some(Field::City)),
        ("Town/City", Some(Field::City)),
        ("State / Region", Some(Field::Region)),
        ("State", Some(Field::Region)),
        ("Region", Some(Field::Region)),
        ("Province", Some(Field::Region)),
        ("County", Some(Field::Region)),
        ("Postcode", Some(Field::Postcode)),
        ("Post Code", Some(Field::Postcode)),
        ("Postal Code", Some(Field::Postcode)),
        ("Zip", Some(Field::Postcode)),
        ("ZIP Code", Some(Field::Postcode)),
        ("Zip/Postal Code", Some(Field::Postcode)),
        ("Country", Some(Field::Country)),
        ("Country Code", Some(Field::Country)),
        ("Category", Some(Field::Category)),
        ("Notes", Some(Field::Notes)),
        ("Note", Some(Field::Notes)),
        ("Comments", Some(Field::Notes)),
        // Fallbacks: bracketed remarks and a leading "Contact".
        ("Email (optional)", Some(Field::Email)),
        ("First Name *", Some(Field::FirstName)),
        ("Last Name (required)", Some(Field::LastName)),
        ("Contact Email", Some(Field::Email)),
        ("Contact Phone", Some(Field::Phone)),
        ("  email  ", Some(Field::Email)),
        ("(Email)", Some(Field::Email)),
        // Not fields.
        ("Name", None),
        ("Full Name", None),
        ("Contact", None),
        ("Date of Birth", None),
        ("Phone 2", None),
        ("", None),
        ("---", None),
    ];
    for (header, expected) in table {
        assert_eq!(field_for_header(header), *expected, "{header:?}");
    }
}

#[test]
fn every_template_header_is_recognised_as_its_field() {
    for field in Field::ALL {
        assert_eq!(field_for_header(field.header()), Some(field), "{field}");
        assert_eq!(
            field_for_header(&field.header().to_uppercase()),
            Some(field),
            "{field}"
        );
    }
}

#[test]
fn the_synonym_table_is_in_key_form_and_unambiguous() {
    let mut seen = std::collections::HashMap::new();
    for &(key, field) in synonyms::SYNONYMS {
        assert_eq!(header_key(key), key, "{key} is not in key form");
        if let Some(other) = seen.insert(key, field) {
            panic!("{key} is listed for {other:?} and {field:?}");
        }
    }
}

#[test]
fn the_template_headers_map_to_every_field_with_nothing_missing() {
    let names: Vec<&str> = Field::ALL.iter().map(|field| field.header()).collect();
    let mapping = HeaderMapping::new(&headers(&names));
    assert_eq!(fields(&mapping), Field::ALL.map(Some).to_vec());
    assert_eq!(mapping.present(), FieldSet::all());
    assert!(mapping.missing().is_empty());
    assert!(mapping.missing_required().is_empty());
    assert_eq!(mapping.ignored().count(), 0);
}

#[test]
fn unrecognised_headers_are_ignored_and_reported() {
    let mapping = HeaderMapping::new(&headers(&[
        "Given Name",
        "Surname",
        "Favourite Colour",
        "",
        "E-mail",
    ]));
    assert_eq!(
        fields(&mapping),
        vec![
            Some(Field::FirstName),
            Some(Field::LastName),
            None,
            None,
            Some(Field::Email)
        ]
    );
    let ignored: Vec<&str> = mapping
        .ignored()
        .map(|column| column.header.as_str())
        .collect();
    assert_eq!(ignored, vec!["Favourite Colour", ""]);
    assert_eq!(mapping.columns()[2].state, ColumnState::Unrecognised);
    assert_eq!(mapping.recognised().count(), 3);
}

#[test]
fn a_second_column_for_the_same_field_is_ignored_as_a_duplicate() {
    let mapping = HeaderMapping::new(&headers(&["Email", "Phone", "E-mail", "Telephone"]));
    assert_eq!(
        fields(&mapping),
        vec![Some(Field::Email), Some(Field::Phone), None, None]
    );
    assert_eq!(
        mapping.columns()[2].state,
        ColumnState::Duplicate {
            field: Field::Email,
            kept_column: 0
        }
    );
    assert_eq!(mapping.duplicates().count(), 2);
}

#[test]
fn the_template_spelling_wins_over_a_synonym_for_the_same_field() {
    let mapping = HeaderMapping::new(&headers(&[
        "Company",
        "Address",
        "Company Name",
        "address line 1",
    ]));
    assert_eq!(
        fields(&mapping),
        vec![
            None,
            None,
            Some(Field::CompanyName),
            Some(Field::AddressLine1)
        ]
    );
    assert_eq!(
        mapping.columns()[0].state,
        ColumnState::Duplicate {
            field: Field::CompanyName,
            kept_column: 2
        }
    );
}

#[test]
fn missing_columns_are_reported_and_missing_required_means_no_contact_can_be_created() {
    let cases: &[(&[&str], &[Field])] = &[
        (&["First Name", "Last Name"], &[]),
        (&["Company Name"], &[]),
        (&["First Name", "Company"], &[]),
        (
            &["First Name", "Email"],
            &[Field::LastName, Field::CompanyName],
        ),
        (
            &["Contact ID", "Phone"],
            &[Field::FirstName, Field::LastName, Field::CompanyName],
        ),
    ];
    for (names, missing_required) in cases {
        let mapping = HeaderMapping::new(&headers(names));
        assert_eq!(
            mapping.missing_required(),
            FieldSet::of(missing_required),
            "{names:?}"
        );
        assert_eq!(
            mapping.missing().iter().count(),
            Field::COUNT - mapping.present().iter().count()
        );
    }
}

#[test]
fn choosing_a_field_for_a_column_takes_it_from_the_column_that_had_it() {
    // "Name" is split into first and last name when no columns give them.
    let mut mapping = HeaderMapping::new(&headers(&["Name", "Email", "Work Email"]));
    assert_eq!(fields(&mapping), vec![Some(Field::FirstName), Some(Field::Email), None]);

    assert!(mapping.set(2, Some(Field::Email)));
    assert_eq!(fields(&mapping), vec![Some(Field::FirstName), None, Some(Field::Email)]);
    assert_eq!(mapping.columns()[1].state, ColumnState::Ignored);
    assert_eq!(
        mapping.columns()[2].state,
        ColumnState::Chosen {
            field: Field::Email
        }
    );

    assert!(mapping.set(0, Some(Field::CompanyName)));
    assert!(mapping.set(2, None));
    assert_eq!(fields(&mapping), vec![Some(Field::CompanyName), None, None]);

    assert!(mapping.reset(1));
    assert_eq!(
        fields(&mapping),
        vec![Some(Field::CompanyName), Some(Field::Email), None]
    );

    assert!(!mapping.set(9, Some(Field::Notes)), "no such column");
    assert!(!mapping.reset(9));
}

#[test]
fn ignoring_the_kept_column_lets_its_duplicate_take_the_field() {
    let mut mapping = HeaderMapping::new(&headers(&["Email", "E-mail"]));
    mapping.set(0, None);
    assert_eq!(fields(&mapping), vec![None, Some(Field::Email)]);
}

#[test]
fn overrides_rebuild_the_same_mapping() {
    let names = headers(&["Name", "Email", "Work Email", "Mobile", "Cell"]);
    let mut mapping = HeaderMapping::new(&names);
    mapping.set(0, Some(Field::LastName));
    mapping.set(2, Some(Field::Email));
    mapping.set(4, Some(Field::Mobile));
    mapping.set(3, Some(Field::Phone));
    let rebuilt = HeaderMapping::with_overrides(&names, &mapping.overrides());
    assert_eq!(rebuilt, mapping);
    let json = serde_json::to_string(&mapping.overrides()).unwrap();
    let decoded: Vec<MappingOverride> = serde_json::from_str(&json).unwrap();
    assert_eq!(HeaderMapping::with_overrides(&names, &decoded), mapping);
}

#[test]
fn conflicting_or_out_of_range_overrides_keep_one_column_per_field() {
    let names = headers(&["A", "B", "C"]);
    let overrides = [
        MappingOverride {
            column: 0,
            field: Some(Field::Email),
        },
        MappingOverride {
            column: 2,
            field: Some(Field::Email),
        },
        MappingOverride {
            column: 7,
            field: Some(Field::Notes),
        },
    ];
    let mapping = HeaderMapping::with_overrides(&names, &overrides);
    assert_eq!(fields(&mapping), vec![Some(Field::Email), None, None]);
}

fn sheet_row(line: u32, cells: &[Cell]) -> SheetRow {
    SheetRow {
        line,
        cells: cells.to_vec(),
    }
}

fn text(value: &str) -> Cell {
    Cell::Text(value.to_string())
}

#[test]
fn import_rows_hold_each_used_cell_under_its_field() {
    let mapping = HeaderMapping::new(&headers(&["E-mail", "Colour", "Given Name", "Postcode"]));
    let rows = vec![
        sheet_row(
            2,
            &[
                text(" ana@example.com "),
                text("red"),
                text("Ana"),
                text("0800"),
            ],
        ),
        sheet_row(3, &[Cell::Error("#N/A".into()), text(""), text("Bo")]),
        sheet_row(5, &[text(""), text("blue"), text("  "), text("")]),
    ];
    let expected = vec![
        ImportRow::new(
            2,
            ContactFields::from_pairs([
                (Field::Email, "ana@example.com"),
                (Field::FirstName, "Ana"),
                (Field::Postcode, "0800"),
            ]),
        ),
        ImportRow {
            line: 3,
            values: ContactFields::from_pairs([(Field::Email, "#N/A"), (Field::FirstName, "Bo")]),
            error_cells: FieldSet::of(&[Field::Email]),
        },
    ];
    assert_eq!(
        mapping.import_rows(&rows),
        expected,
        "row 5 has nothing in used columns"
    );
    assert_eq!(mapping.into_import_rows(rows), expected);

    let columns = mapping.import_columns();
    assert_eq!(
        columns.present,
        FieldSet::of(&[Field::Email, Field::FirstName, Field::Postcode])
    );
    assert_eq!(columns.header(Field::Email), "E-mail");
    assert_eq!(columns.header(Field::FirstName), "Given Name");
    assert_eq!(
        columns.header(Field::LastName),
        "Last Name",
        "absent: the template's header"
    );
}
