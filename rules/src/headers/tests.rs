use crate::contact::ContactFields;
use crate::{Cell, SheetRow};

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
    assert_eq!(
        fields(&mapping),
        vec![Some(Field::FirstName), Some(Field::Email), None]
    );

    assert!(mapping.set(2, Some(Field::Email)));
    assert_eq!(
        fields(&mapping),
        vec![Some(Field::FirstName), None, Some(Field::Email)]
    );
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

/// A row of text cells, numbered `line`.
fn text_row(line: u32, cells: &[&str]) -> SheetRow {
    SheetRow {
        line,
        cells: cells.iter().map(|cell| text(cell)).collect(),
    }
}

/// The non-blank values of the row read through `mapping`.
fn read(mapping: &HeaderMapping, cells: &[&str]) -> Vec<(Field, String)> {
    mapping
        .import_row(&text_row(2, cells))
        .map(|row| {
            row.values
                .iter()
                .filter(|(_, value)| !value.is_empty())
                .map(|(field, value)| (field, value.to_string()))
                .collect()
        })
        .unwrap_or_default()
}

fn values(pairs: &[(Field, &str)]) -> Vec<(Field, String)> {
    let mut values: Vec<(Field, String)> = pairs
        .iter()
        .map(|(field, value)| (*field, value.to_string()))
        .collect();
    values.sort();
    values
}

#[test]
fn every_full_name_header_is_in_key_form_and_names_no_field() {
    for key in synonyms::FULL_NAME_HEADERS {
        assert_eq!(header_key(key), *key);
        assert_eq!(field_for_header(key), None, "{key}");
    }
}

#[test]
fn a_known_apps_columns_are_sources_of_their_fields() {
    let google = headers(&[
        "First Name",
        "Last Name",
        "Name",
        "E-mail 1 - Label",
        "E-mail 1 - Value",
        "E-mail 2 - Label",
        "E-mail 2 - Value",
        "Phone 1 - Label",
        "Phone 1 - Value",
        "Address 1 - Formatted",
        "Address 1 - Street",
        "Address 1 - City",
        "Labels",
        "Birthday",
    ]);
    let outlook = headers(&[
        "First Name",
        "Last Name",
        "Company",
        "Business Phone",
        "Home Phone",
        "Business Street",
        "Home Street",
        "Home City",
        "E-mail Address",
        "E-mail Display Name",
        "Job Title",
    ]);
    let salesforce = headers(&[
        "Salutation",
        "FirstName",
        "LastName",
        "Title",
        "MailingStreet",
        "MailingCity",
        "Description",
    ]);
    let cases: &[(&[String], &str, ColumnState)] = &[
        (
            &google,
            "First Name",
            ColumnState::Recognised {
                field: Field::FirstName,
            },
        ),
        (
            &google,
            "Name",
            ColumnState::FullName {
                fields: FieldSet::of(&[
                    Field::Title,
                    Field::FirstName,
                    Field::LastName,
                    Field::CompanyName,
                ]),
            },
        ),
        (
            &google,
            "E-mail 1 - Label",
            ColumnState::Label { of_column: None },
        ),
        (
            &google,
            "E-mail 1 - Value",
            ColumnState::Recognised {
                field: Field::Email,
            },
        ),
        (
            &google,
            "E-mail 2 - Value",
            ColumnState::Fallback {
                field: Field::Email,
                of_column: 4,
            },
        ),
        (
            &google,
            "Phone 1 - Label",
            ColumnState::Label { of_column: Some(8) },
        ),
        (
            &google,
            "Phone 1 - Value",
            ColumnState::Labelled {
                fields: FieldSet::of(&[Field::Phone, Field::Mobile]),
                label_column: Some(7),
            },
        ),
        (&google, "Address 1 - Formatted", ColumnState::Repeats),
        (
            &google,
            "Address 1 - Street",
            ColumnState::Address {
                field: Field::AddressLine1,
                block: AddressBlockName::Numbered(1),
            },
        ),
        (
            &google,
            "Address 1 - City",
            ColumnState::Address {
                field: Field::City,
                block: AddressBlockName::Numbered(1),
            },
        ),
        (
            &google,
            "Labels",
            ColumnState::Recognised {
                field: Field::Category,
            },
        ),
        (&google, "Birthday", ColumnState::Unrecognised),
        (
            &outlook,
            "Business Phone",
            ColumnState::Recognised {
                field: Field::Phone,
            },
        ),
        (
            &outlook,
            "Home Phone",
            ColumnState::Fallback {
                field: Field::Phone,
                of_column: 3,
            },
        ),
        (
            &outlook,
            "Business Street",
            ColumnState::Address {
                field: Field::AddressLine1,
                block: AddressBlockName::Business,
            },
        ),
        (
            &outlook,
            "Home City",
            ColumnState::Address {
                field: Field::City,
                block: AddressBlockName::Home,
            },
        ),
        (
            &outlook,
            "E-mail Display Name",
            ColumnState::Label { of_column: None },
        ),
        (&outlook, "Job Title", ColumnState::Unrecognised),
        (
            &salesforce,
            "Salutation",
            ColumnState::Recognised {
                field: Field::Title,
            },
        ),
        (&salesforce, "Title", ColumnState::Unrecognised),
        (
            &salesforce,
            "MailingStreet",
            ColumnState::Address {
                field: Field::AddressLine1,
                block: AddressBlockName::Mailing,
            },
        ),
        (
            &salesforce,
            "Description",
            ColumnState::Recognised {
                field: Field::Notes,
            },
        ),
    ];
    for (names, header, state) in cases {
        let mapping = HeaderMapping::new(names);
        let column = names
            .iter()
            .position(|name| name == header)
            .expect("the header");
        assert_eq!(mapping.columns()[column].state, *state, "{header}");
    }
    assert_eq!(
        HeaderMapping::new(&google)
            .layout()
            .map(|layout| layout.name),
        Some("Google Contacts")
    );
    assert_eq!(
        HeaderMapping::new(&outlook)
            .layout()
            .map(|layout| layout.name),
        Some("Outlook")
    );
    assert_eq!(
        HeaderMapping::new(&salesforce)
            .layout()
            .map(|layout| layout.name),
        Some("Salesforce")
    );
    assert_eq!(
        HeaderMapping::new(&headers(&["First Name", "Email"])).layout(),
        None
    );
}

#[test]
fn a_labelled_phone_goes_to_mobile_or_phone_by_its_label() {
    let mapping = HeaderMapping::new(&headers(&[
        "Given Name",
        "Family Name",
        "Phone 1 - Type",
        "Phone 1 - Value",
        "Phone 2 - Type",
        "Phone 2 - Value",
    ]));
    type Case<'a> = (&'a [&'a str], &'a [(Field, &'a str)]);
    let cases: &[Case] = &[
        (
            &[
                "Ana",
                "Lima",
                "Mobile",
                "0412 345 678",
                "Work",
                "02 9876 5432",
            ],
            &[
                (Field::Mobile, "0412 345 678"),
                (Field::Phone, "02 9876 5432"),
            ],
        ),
        (
            &["Ana", "Lima", "* Mobile", "0412 345 678", "", ""],
            &[(Field::Mobile, "0412 345 678")],
        ),
        (
            &["Ana", "Lima", "", "02 9876 5432", "", ""],
            &[(Field::Phone, "02 9876 5432")],
        ),
        (
            &[
                "Ana",
                "Lima",
                "Work Fax",
                "02 9876 0000",
                "Home",
                "02 9876 5432",
            ],
            &[(Field::Phone, "02 9876 5432")],
        ),
        (
            &[
                "Ana",
                "Lima",
                "Home",
                "02 1111 1111",
                "Work",
                "02 2222 2222",
            ],
            &[(Field::Phone, "02 1111 1111")],
        ),
        (
            &[
                "Ana",
                "Lima",
                "Mobile",
                "0412 345 678 ::: 0413 000 000",
                "",
                "",
            ],
            &[(Field::Mobile, "0412 345 678")],
        ),
    ];
    for (cells, phones) in cases {
        let mut expected = vec![(Field::FirstName, "Ana"), (Field::LastName, "Lima")];
        expected.extend_from_slice(phones);
        assert_eq!(
            values(
                &read(&mapping, cells)
                    .iter()
                    .map(|(f, v)| (*f, v.as_str()))
                    .collect::<Vec<_>>()
            ),
            values(&expected),
            "{cells:?}"
        );
    }
}

#[test]
fn a_row_takes_its_whole_address_from_one_block() {
    let mapping = HeaderMapping::new(&headers(&[
        "First Name",
        "Last Name",
        "Company",
        "E-mail Address",
        "Business Street",
        "Business City",
        "Business Postal Code",
        "Home Street",
        "Home City",
        "Home Postal Code",
    ]));
    type Case<'a> = (&'a str, &'a [&'a str], &'a [(Field, &'a str)]);
    let cases: &[Case] = &[
        (
            "a person with both: home",
            &[
                "Ana",
                "Lima",
                "",
                "",
                "1 Work Rd",
                "Sydney",
                "2000",
                "2 Home St\nUnit 4",
                "Bondi",
                "2026",
            ],
            &[
                (Field::AddressLine1, "2 Home St"),
                (Field::AddressLine2, "Unit 4"),
                (Field::City, "Bondi"),
                (Field::Postcode, "2026"),
            ],
        ),
        (
            "a company with both: business",
            &[
                "",
                "",
                "Acme Pty Ltd",
                "",
                "1 Work Rd",
                "Sydney",
                "2000",
                "2 Home St",
                "Bondi",
                "2026",
            ],
            &[
                (Field::AddressLine1, "1 Work Rd"),
                (Field::City, "Sydney"),
                (Field::Postcode, "2000"),
            ],
        ),
        (
            "a person with business only: business",
            &["Ana", "Lima", "", "", "1 Work Rd", "Sydney", "", "", "", ""],
            &[(Field::AddressLine1, "1 Work Rd"), (Field::City, "Sydney")],
        ),
        (
            "a street beats a block without one, never mixed",
            &[
                "Ana",
                "Lima",
                "",
                "",
                "1 Work Rd",
                "Sydney",
                "2000",
                "",
                "Bondi",
                "",
            ],
            &[
                (Field::AddressLine1, "1 Work Rd"),
                (Field::City, "Sydney"),
                (Field::Postcode, "2000"),
            ],
        ),
        (
            "a company with a home block only: home",
            &[
                "",
                "",
                "Acme Pty Ltd",
                "",
                "",
                "",
                "",
                "2 Home St",
                "Bondi",
                "2026",
            ],
            &[
                (Field::AddressLine1, "2 Home St"),
                (Field::City, "Bondi"),
                (Field::Postcode, "2026"),
            ],
        ),
    ];
    for (case, cells, address) in cases {
        let got: Vec<(Field, String)> = read(&mapping, cells)
            .into_iter()
            .filter(|(field, _)| {
                matches!(
                    field,
                    Field::AddressLine1 | Field::AddressLine2 | Field::City | Field::Postcode
                )
            })
            .collect();
        assert_eq!(
            values(
                &got.iter()
                    .map(|(f, v)| (*f, v.as_str()))
                    .collect::<Vec<_>>()
            ),
            values(address),
            "{case}"
        );
    }
}

#[test]
fn a_row_with_only_a_company_name_is_a_company_in_a_known_apps_export() {
    let mapping = HeaderMapping::new(&headers(&[
        "Given Name",
        "Family Name",
        "Organization 1 - Name",
        "E-mail 1 - Value",
    ]));
    assert!(mapping.present().contains(Field::Kind));
    assert_eq!(
        values(
            &read(&mapping, &["", "", "Acme", "a@acme.example"])
                .iter()
                .map(|(f, v)| (*f, v.as_str()))
                .collect::<Vec<_>>()
        ),
        values(&[
            (Field::Kind, "Company"),
            (Field::CompanyName, "Acme"),
            (Field::Email, "a@acme.example")
        ])
    );
    assert_eq!(
        values(
            &read(&mapping, &["Ana", "", "Acme", ""])
                .iter()
                .map(|(f, v)| (*f, v.as_str()))
                .collect::<Vec<_>>()
        ),
        values(&[(Field::FirstName, "Ana"), (Field::CompanyName, "Acme")]),
        "a person who works at a company stays a person"
    );
    let generic = HeaderMapping::new(&headers(&["First Name", "Last Name", "Company"]));
    assert!(
        !generic.present().contains(Field::Kind),
        "only a known app's layout or a split name decides the kind"
    );
}

#[test]
fn a_name_column_is_split_when_no_columns_give_first_and_last_name() {
    let mapping = HeaderMapping::new(&headers(&["Full Name", "Email"]));
    assert_eq!(
        mapping.columns()[0].state,
        ColumnState::FullName {
            fields: FieldSet::of(&[
                Field::Title,
                Field::FirstName,
                Field::LastName,
                Field::CompanyName
            ])
        }
    );
    let cases: &[(&str, &[(Field, &str)])] = &[
        (
            "Ana Lima",
            &[(Field::FirstName, "Ana"), (Field::LastName, "Lima")],
        ),
        (
            "Lima, Ana",
            &[(Field::FirstName, "Ana"), (Field::LastName, "Lima")],
        ),
        (
            "Mr Pieter van der Berg",
            &[
                (Field::Title, "Mr"),
                (Field::FirstName, "Pieter"),
                (Field::LastName, "van der Berg"),
            ],
        ),
        (
            "Harbour Plumbing Pty Ltd",
            &[
                (Field::CompanyName, "Harbour Plumbing Pty Ltd"),
                (Field::Kind, "Company"),
            ],
        ),
    ];
    for (name, expected) in cases {
        let mut expected = expected.to_vec();
        expected.push((Field::Email, "a@example.com"));
        assert_eq!(
            values(
                &read(&mapping, &[name, "a@example.com"])
                    .iter()
                    .map(|(f, v)| (*f, v.as_str()))
                    .collect::<Vec<_>>()
            ),
            values(&expected),
            "{name}"
        );
    }
    let columns = mapping.import_columns();
    assert!(
        columns.present.contains(Field::FirstName) && columns.present.contains(Field::LastName)
    );
    assert!(
        columns.present.contains(Field::Kind),
        "a company-looking name makes a company"
    );
    assert_eq!(
        columns.header(Field::FirstName),
        "First Name (from Full Name)"
    );
    assert_eq!(
        columns.header(Field::LastName),
        "Last Name (from Full Name)"
    );

    let beside = HeaderMapping::new(&headers(&["Full Name", "First Name", "Last Name"]));
    assert_eq!(
        beside.columns()[0].state,
        ColumnState::Repeats,
        "beside First and Last Name it only repeats them"
    );
    assert_eq!(read(&beside, &["Ana Lima", "Ana", "Lima"]).len(), 2);
}

#[test]
fn columns_are_offered_by_their_values_but_never_over_a_header_or_a_user_choice() {
    let names = headers(&["Contact", "Email", "Where", "Reach", "Fax"]);
    let sample: Vec<SheetRow> = [
        [
            "ana@example.com",
            "ana@work.example",
            "Australia",
            "+61 2 9876 5432",
            "+61 2 9876 0000",
        ],
        [
            "bo@example.com",
            "",
            "New Zealand",
            "+64 9 555 0101",
            "+64 9 555 0000",
        ],
        [
            "cy@example.com",
            "cy@work.example",
            "Australia",
            "+61 3 9000 1111",
            "",
        ],
    ]
    .iter()
    .enumerate()
    .map(|(index, cells)| text_row(index as u32 + 2, cells))
    .collect();
    let mut mapping = HeaderMapping::new(&names);
    mapping.recognise_values(&sample);
    assert_eq!(
        mapping.columns()[0].state,
        ColumnState::Unrecognised,
        "the Email header already gives Email"
    );
    assert_eq!(
        mapping.columns()[1].state,
        ColumnState::Recognised {
            field: Field::Email
        }
    );
    assert_eq!(
        mapping.columns()[2].state,
        ColumnState::Guessed {
            field: Field::Country
        }
    );
    assert_eq!(
        mapping.columns()[3].state,
        ColumnState::Guessed {
            field: Field::Phone
        }
    );
    assert_eq!(
        mapping.columns()[4].state,
        ColumnState::Unrecognised,
        "a fax number is not offered as a phone"
    );

    let mut again = HeaderMapping::new(&names);
    again.recognise_values(&sample);
    assert_eq!(again, mapping, "the same sample gives the same guesses");

    assert!(mapping.set(2, None));
    mapping.recognise_values(&sample);
    assert_eq!(
        mapping.columns()[2].state,
        ColumnState::Ignored,
        "the user's choice stands"
    );
    assert!(mapping.reset(2));
    assert_eq!(
        mapping.columns()[2].state,
        ColumnState::Guessed {
            field: Field::Country
        }
    );
}

#[test]
fn choosing_a_field_for_a_known_apps_column_makes_the_field_that_columns_alone() {
    let names = headers(&[
        "First Name",
        "Last Name",
        "Business Phone",
        "Home Phone",
        "Mobile Phone",
        "E-mail Address",
        "Other Phone",
    ]);
    let mut mapping = HeaderMapping::new(&names);
    let cells = [
        "Ana",
        "Lima",
        "02 1111 1111",
        "02 2222 2222",
        "0412 345 678",
        "",
        "02 3333 3333",
    ];
    assert!(read(&mapping, &cells).contains(&(Field::Phone, "02 1111 1111".to_string())));

    assert!(mapping.set(6, Some(Field::Phone)));
    assert_eq!(mapping.columns()[2].state, ColumnState::Ignored);
    assert_eq!(mapping.columns()[3].state, ColumnState::Ignored);
    assert_eq!(
        mapping.columns()[6].state,
        ColumnState::Chosen {
            field: Field::Phone
        }
    );
    assert!(read(&mapping, &cells).contains(&(Field::Phone, "02 3333 3333".to_string())));
    assert_eq!(
        HeaderMapping::with_overrides(&names, &mapping.overrides()),
        mapping
    );

    // A labelled phone keeps only what the user left it.
    let google = headers(&[
        "First Name",
        "Last Name",
        "Phone 1 - Label",
        "Phone 1 - Value",
        "Cell",
    ]);
    let mut mapping = HeaderMapping::new(&google);
    assert!(mapping.set(4, Some(Field::Mobile)));
    assert_eq!(
        mapping.columns()[3].state,
        ColumnState::Labelled {
            fields: FieldSet::of(&[Field::Phone]),
            label_column: Some(2)
        }
    );
    let got = read(
        &mapping,
        &["Ana", "Lima", "Mobile", "0412 345 678", "0499 999 999"],
    );
    assert!(got.contains(&(Field::Mobile, "0499 999 999".to_string())));
    assert!(
        !got.iter().any(|(field, _)| *field == Field::Phone),
        "a mobile by its label goes nowhere else"
    );
    assert_eq!(
        HeaderMapping::with_overrides(&google, &mapping.overrides()),
        mapping
    );
}

#[test]
fn import_columns_name_each_fields_sources() {
    let mapping = HeaderMapping::new(&headers(&[
        "First Name",
        "Last Name",
        "Primary Phone",
        "Business Phone",
        "Business Phone 2",
        "Home Phone",
        "Mobile Phone",
        "E-mail Address",
    ]));
    let columns = mapping.import_columns();
    assert_eq!(
        columns.header(Field::Phone),
        "Primary Phone / Business Phone / Business Phone 2 / …"
    );
    assert_eq!(columns.header(Field::Mobile), "Mobile Phone");
    assert_eq!(
        columns.header(Field::Notes),
        "Notes",
        "absent: the template's header"
    );
    assert!(columns.left_out.is_empty());
}

#[test]
fn import_columns_stored_before_left_out_was_recorded_still_read() {
    let mut stored = serde_json::to_value(ImportColumns::template()).unwrap();
    stored.as_object_mut().unwrap().remove("left_out");
    let columns: ImportColumns = serde_json::from_value(stored).unwrap();
    assert_eq!(columns, ImportColumns::template());
    let mut with = ImportColumns::template();
    with.left_out = vec!["Birthday".to_string()];
    let json = serde_json::to_string(&with).unwrap();
    assert_eq!(serde_json::from_str::<ImportColumns>(&json).unwrap(), with);
}

#[test]
fn data_left_out_is_counted_per_column_and_row() {
    type Case<'a> = (
        &'a str,
        &'a [&'a str],
        &'a [&'a [&'a str]],
        &'a [(&'a str, u32, u32)],
    );
    let cases: &[Case] = &[
        (
            "an unrecognised column with data, in rows the import skips too",
            &["Email", "Birthday"],
            &[
                &["a@x.example", "1985-03-15"],
                &["b@x.example", ""],
                &["", "1990-01-01"],
            ],
            &[("Birthday", 2, 2)],
        ),
        (
            "a duplicate column repeating the kept one is not data lost",
            &["Email", "E-mail"],
            &[
                &["a@x.example", "a@x.example"],
                &["b@x.example", "c@x.example"],
            ],
            &[("E-mail", 2, 1)],
        ),
        (
            "a second email is left out, the first imported",
            &[
                "Given Name",
                "Family Name",
                "E-mail 1 - Value",
                "E-mail 2 - Value",
            ],
            &[
                &["Ana", "Lima", "a@x.example", "a2@x.example"],
                &["Bo", "Li", "", "b@x.example"],
            ],
            &[("E-mail 2 - Value", 2, 1)],
        ),
        (
            "Google's own labels are not data; the user's that name no category are",
            &["Given Name", "Family Name", "Labels"],
            &[
                &["Ana", "Lima", "* myContacts"],
                &["Bo", "Li", "Tenants ::: * myContacts"],
                &["Cy", "Wu", "Friends ::: * starred"],
            ],
            &[("Labels", 2, 1)],
        ),
        (
            "Outlook's values for 'not set' are not data",
            &[
                "First Name",
                "Last Name",
                "E-mail Address",
                "Mobile Phone",
                "Home Phone",
                "Priority",
                "Gender",
                "Birthday",
            ],
            &[
                &[
                    "Ana",
                    "Lima",
                    "a@x.example",
                    "",
                    "",
                    "Normal",
                    "Unspecified",
                    "0/0/00",
                ],
                &["Bo", "Li", "", "", "", "High", "", ""],
            ],
            &[("Priority", 1, 1)],
        ),
        (
            "columns imported whole leave nothing out",
            &["Email", "Notes"],
            &[&["a@x.example", "Key under the mat"]],
            &[],
        ),
    ];
    for (case, names, rows, expected) in cases {
        let mapping = HeaderMapping::new(&headers(names));
        let mut tally = mapping.left_out_tally();
        for (index, cells) in rows.iter().enumerate() {
            tally.add(&text_row(index as u32 + 2, cells));
        }
        let got: Vec<(String, u32, u32)> = tally
            .report()
            .columns
            .iter()
            .map(|column| (column.name(), column.rows_with_data, column.rows_left_out))
            .collect();
        let expected: Vec<(String, u32, u32)> = expected
            .iter()
            .map(|(name, with, left)| (name.to_string(), *with, *left))
            .collect();
        assert_eq!(got, expected, "{case}");
    }
    let mut mapping = HeaderMapping::new(&headers(&["Email", "Notes"]));
    mapping.set(1, None);
    let mut tally = mapping.left_out_tally();
    tally.add_rows(&[text_row(2, &["a@x.example", "Key under the mat"])]);
    assert_eq!(
        tally.report().headers(),
        vec!["Notes".to_string()],
        "left out by the user's choice"
    );
}

mod any_file {
    use proptest::prelude::*;

    use super::*;

    /// Headers of every kind the mapping treats differently.
    const HEADERS: &[&str] = &[
        "First Name",
        "Last Name",
        "Name",
        "Company",
        "E-mail Address",
        "E-mail 2 Address",
        "Business Phone",
        "Home Phone",
        "Mobile Phone",
        "Business Street",
        "Business City",
        "Business Postal Code",
        "Home Street",
        "Home City",
        "Home Postal Code",
        "Categories",
        "Notes",
        "Priority",
        "Given Name",
        "Family Name",
        "Phone 1 - Type",
        "Phone 1 - Value",
        "Address 1 - Street",
        "Address 1 - City",
        "Address 2 - Street",
        "Address 2 - City",
        "Labels",
        "Email",
        "",
        "Birthday",
    ];

    /// Cells of every kind the reads treat differently.
    const CELLS: &[&str] = &[
        "",
        "  ",
        "Ana",
        "Lima, Ana",
        "Acme Pty Ltd",
        "a@x.example ::: b@y.example",
        "a@x.example",
        "Mobile",
        "* Mobile",
        "Work Fax",
        "0412 345 678",
        "1 Long Lane\nFloor 2",
        "\n\n",
        ":::",
        "Tenants ::: * myContacts",
        "Normal",
        "Sydney",
        "2000",
        "Zoë Ødegård",
    ];

    fn address_block_of(mapping: &HeaderMapping, column: usize) -> Option<AddressBlockName> {
        match mapping.columns().get(column)?.state {
            ColumnState::Address { block, .. } => Some(block),
            _ => None,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn any_file_reads_without_panicking_and_never_mixes_address_blocks(
            picks in proptest::collection::vec(0..HEADERS.len(), 1..14),
            rows in proptest::collection::vec(proptest::collection::vec((0..CELLS.len(), any::<bool>()), 0..16), 1..6),
        ) {
            let names: Vec<String> = picks.iter().map(|&pick| HEADERS[pick].to_string()).collect();
            let rows: Vec<SheetRow> = rows
                .iter()
                .enumerate()
                .map(|(index, cells)| SheetRow {
                    line: index as u32 + 2,
                    cells: cells
                        .iter()
                        .map(|&(pick, error)| if error && pick == 0 { Cell::Error("#N/A".into()) } else { text(CELLS[pick]) })
                        .collect(),
                })
                .collect();
            let mut mapping = HeaderMapping::new(&names);
            mapping.recognise_values(&rows);
            let present = mapping.present();
            let mut tally = mapping.left_out_tally();
            for row in &rows {
                let counted = tally.import_row(row);
                prop_assert_eq!(&counted, &mapping.import_row(row), "the tally reads a row as the mapping does");
                let Some(imported) = counted else { continue };
                for (field, value) in imported.values.iter() {
                    prop_assert!(value.is_empty() || present.contains(field), "{field} is not present");
                }
                // Every address value is found in a cell of one block.
                let mut blocks: Option<Vec<AddressBlockName>> = None;
                for field in [Field::AddressLine1, Field::AddressLine2, Field::City, Field::Postcode] {
                    let value = imported.values.get(field);
                    if value.is_empty() || mapping.columns().iter().all(|column| !matches!(column.state, ColumnState::Address { .. })) {
                        continue;
                    }
                    let parts: Vec<&str> = value.split(", ").collect();
                    let holding: Vec<AddressBlockName> = row
                        .cells
                        .iter()
                        .enumerate()
                        .filter(|(_, cell)| parts.iter().any(|part| cell.text().contains(part)))
                        .filter_map(|(column, _)| address_block_of(&mapping, column))
                        .collect();
                    blocks = Some(match blocks {
                        None => holding,
                        Some(before) => before.into_iter().filter(|block| holding.contains(block)).collect(),
                    });
                }
                if let Some(blocks) = blocks {
                    prop_assert!(!blocks.is_empty(), "row {} mixes address blocks: {:?}", row.line, imported.values);
                }
            }
            let report = tally.report();
            for column in &report.columns {
                prop_assert!(column.rows_left_out <= column.rows_with_data);
                prop_assert!(column.rows_with_data <= report.rows);
            }
            prop_assert_eq!(report.sentence().is_some(), !report.columns.is_empty());
        }
    }
}

#[test]
fn a_column_is_its_fields_alone_only_when_it_is_read_whole_and_nothing_else_gives_the_field() {
    let outlook = HeaderMapping::new(&headers(&[
        "First Name",
        "Last Name",
        "Business Phone",
        "Home Phone",
        "Mobile Phone",
        "Business Street",
        "E-mail Address",
    ]));
    assert_eq!(outlook.field_of(0), Some(Field::FirstName));
    assert_eq!(outlook.field_of(4), Some(Field::Mobile));
    assert_eq!(outlook.field_of(2), None, "one of the phone's sources");
    assert_eq!(outlook.field_of(3), None);
    assert_eq!(outlook.field_of(5), None, "an address block's part");
    let named = HeaderMapping::new(&headers(&["Name", "Email"]));
    assert_eq!(named.field_of(0), None, "a split name");
    assert_eq!(named.field_of(1), Some(Field::Email));
    assert_eq!(named.field_of(7), None);
}

#[test]
fn headers_written_another_way_have_one_signature_and_other_columns_another() {
    let signature = header_signature(&headers(&["First Name", "E-mail", "Role", ""]));
    assert_eq!(signature, "firstname|email|role|");
    assert_eq!(header_signature(&headers(&["first name", "EMAIL", " role ", ""])), signature);
    assert_ne!(header_signature(&headers(&["First Name", "E-mail", "Role"])), signature, "a column fewer");
    assert_ne!(header_signature(&headers(&["E-mail", "First Name", "Role", ""])), signature, "columns moved");
}
