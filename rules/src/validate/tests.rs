use proptest::prelude::*;

use super::*;

/// `(field, cell text, expected)`: `Ok(stored value)` or `Err(problem)`.
type Case = (Field, &'static str, Result<&'static str, Problem>);

fn check(cases: &[Case]) {
    for (field, input, expected) in cases {
        let actual = normalise_cell(*field, input);
        let expected = expected.clone().map(str::to_string);
        assert_eq!(actual, expected, "{field} {input:?}");
    }
}

fn too_long(max: usize, actual: usize) -> Problem {
    Problem::TooLong { max, actual }
}

#[test]
fn blank_cells_are_blank_for_every_field() {
    for field in Field::ALL {
        assert_eq!(normalise_cell(field, ""), Ok(String::new()));
        assert_eq!(
            normalise_cell(field, " \u{a0}\t\u{200b}"),
            Ok(String::new())
        );
    }
}

#[test]
fn text_is_trimmed() {
    check(&[
        (Field::FirstName, "  Ana  ", Ok("Ana")),
        (
            Field::Notes,
            "\u{feff}line one\nline two\n",
            Ok("line one\nline two"),
        ),
        (Field::Postcode, " 0800 ", Ok("0800")),
    ]);
}

#[test]
fn lengths_are_counted_in_characters_at_and_one_over_the_limit() {
    let at =
        |n: usize, c: char| -> &'static str { Box::leak(c.to_string().repeat(n).into_boxed_str()) };
    check(&[
        (Field::Reference, at(50, 'é'), Ok(at(50, 'é'))),
        (Field::Reference, at(51, 'é'), Err(too_long(50, 51))),
        (Field::Title, at(20, '日'), Ok(at(20, '日'))),
        (Field::Title, at(21, '日'), Err(too_long(20, 21))),
        (Field::FirstName, at(100, 'ß'), Ok(at(100, 'ß'))),
        (Field::FirstName, at(101, 'ß'), Err(too_long(100, 101))),
        (Field::LastName, at(100, '😀'), Ok(at(100, '😀'))),
        (Field::LastName, at(101, '😀'), Err(too_long(100, 101))),
        (Field::CompanyName, at(200, 'ü'), Ok(at(200, 'ü'))),
        (Field::CompanyName, at(201, 'ü'), Err(too_long(200, 201))),
        (Field::AddressLine1, at(200, 'å'), Ok(at(200, 'å'))),
        (Field::AddressLine2, at(201, 'å'), Err(too_long(200, 201))),
        (Field::City, at(100, 'ñ'), Ok(at(100, 'ñ'))),
        (Field::City, at(101, 'ñ'), Err(too_long(100, 101))),
        (Field::Region, at(100, 'ø'), Ok(at(100, 'ø'))),
        (Field::Region, at(101, 'ø'), Err(too_long(100, 101))),
        (Field::Postcode, at(20, '٣'), Ok(at(20, '٣'))),
        (Field::Postcode, at(21, '٣'), Err(too_long(20, 21))),
        (Field::Notes, at(2000, 'ç'), Ok(at(2000, 'ç'))),
        (Field::Notes, at(2001, 'ç'), Err(too_long(2000, 2001))),
    ]);
}

#[test]
fn email_addresses_are_checked_practically() {
    let long_local = format!("{}@example.com", "a".repeat(64));
    let too_long_local = format!("{}@example.com", "a".repeat(65));
    let at_limit = format!(
        "{}@{}.com",
        "a".repeat(60),
        "b".repeat(63) + "." + &"c".repeat(63) + "." + &"d".repeat(61)
    );
    let over_limit = format!(
        "{}@{}.com",
        "a".repeat(60),
        "b".repeat(63) + "." + &"c".repeat(63) + "." + &"d".repeat(62)
    );
    assert_eq!(at_limit.chars().count(), 254);
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    check(&[
        (Field::Email, "ana@example.com", Ok("ana@example.com")),
        (
            Field::Email,
            " Ana.Silva@Example.COM ",
            Ok("Ana.Silva@Example.COM"),
        ),
        (
            Field::Email,
            "first.last+tag@sub.example.co.uk",
            Ok("first.last+tag@sub.example.co.uk"),
        ),
        (Field::Email, "o'brien@example.ie", Ok("o'brien@example.ie")),
        (
            Field::Email,
            "x_y-z@my-domain.com.au",
            Ok("x_y-z@my-domain.com.au"),
        ),
        (Field::Email, "josé@exämple.de", Ok("josé@exämple.de")),
        (
            Field::Email,
            "user@xn--80ak6aa92e.xn--p1ai",
            Ok("user@xn--80ak6aa92e.xn--p1ai"),
        ),
        (
            Field::Email,
            leak(long_local),
            Ok(leak(format!("{}@example.com", "a".repeat(64)))),
        ),
        (Field::Email, leak(at_limit.clone()), Ok(leak(at_limit))),
        (Field::Email, leak(over_limit), Err(too_long(254, 255))),
        (
            Field::Email,
            leak(too_long_local),
            Err(Problem::InvalidEmail),
        ),
        (Field::Email, "bob@", Err(Problem::InvalidEmail)),
        (Field::Email, "@example.com", Err(Problem::InvalidEmail)),
        (Field::Email, "bob", Err(Problem::InvalidEmail)),
        (Field::Email, "bob@example", Err(Problem::InvalidEmail)),
        (Field::Email, "bob@example.c", Err(Problem::InvalidEmail)),
        (Field::Email, "bob@example.c0m", Err(Problem::InvalidEmail)),
        (Field::Email, "bob@@example.com", Err(Problem::InvalidEmail)),
        (Field::Email, "bob@ex@ample.com", Err(Problem::InvalidEmail)),
        (
            Field::Email,
            "bob smith@example.com",
            Err(Problem::InvalidEmail),
        ),
        (Field::Email, "bob@exa mple.com", Err(Problem::InvalidEmail)),
        (Field::Email, ".bob@example.com", Err(Problem::InvalidEmail)),
        (Field::Email, "bob.@example.com", Err(Problem::InvalidEmail)),
        (
            Field::Email,
            "bo..b@example.com",
            Err(Problem::InvalidEmail),
        ),
        (Field::Email, "bob@-example.com", Err(Problem::InvalidEmail)),
        (Field::Email, "bob@example-.com", Err(Problem::InvalidEmail)),
        (Field::Email, "bob@example..com", Err(Problem::InvalidEmail)),
        (Field::Email, "bob@example.com.", Err(Problem::InvalidEmail)),
        (Field::Email, "bob@.example.com", Err(Problem::InvalidEmail)),
        (Field::Email, "bob@exa_mple.com", Err(Problem::InvalidEmail)),
        (
            Field::Email,
            "\"bob\"@example.com",
            Err(Problem::InvalidEmail),
        ),
        (
            Field::Email,
            "bob@[192.168.0.1]",
            Err(Problem::InvalidEmail),
        ),
        (
            Field::Email,
            "Bob <bob@example.com>",
            Err(Problem::InvalidEmail),
        ),
        (
            Field::Email,
            "bob@example.com;ann@example.com",
            Err(Problem::InvalidEmail),
        ),
    ]);
}

#[test]
fn phone_numbers_take_digits_spaces_plus_dash_brackets_and_an_extension() {
    let valid = |text: &'static str| -> Case { (Field::Phone, text, Ok(text)) };
    check(&[
        valid("0412 345 678"),
        valid("+44 20 7946 0000"),
        valid("(02) 9876 5432"),
        valid("(02) 9876 5432 x123"),
        valid("+1 555 0100 ext. 22"),
        valid("+1-555-010-0199"),
        valid("+44 (0)20 7946 0000"),
        valid("555-0100x7"),
        valid("020 7946 0000 ext 4"),
        valid("020 7946 0000 EXTENSION 4567"),
        valid("020 7946 0000 extn 12"),
        valid("123456"),
        valid("123456789012345"),
        valid("+12 345 678 901 234 x123456"),
        (
            Field::Phone,
            "0412\u{a0}345\u{a0}678",
            Ok("0412\u{a0}345\u{a0}678"),
        ),
        (Field::Mobile, "0412 345 678", Ok("0412 345 678")),
        (
            Field::Phone,
            "12345",
            Err(Problem::InvalidPhoneDigits { digits: 5 }),
        ),
        (
            Field::Phone,
            "1234567890123456",
            Err(Problem::InvalidPhoneDigits { digits: 16 }),
        ),
        (
            Field::Phone,
            "12345 x678",
            Err(Problem::InvalidPhoneDigits { digits: 5 }),
        ),
        (Field::Phone, "x123", Err(Problem::InvalidPhoneCharacters)),
        (Field::Phone, "+ - ( )", Err(Problem::InvalidPhoneLayout)),
        (
            Field::Phone,
            "---",
            Err(Problem::InvalidPhoneDigits { digits: 0 }),
        ),
        (
            Field::Phone,
            "555.123.4567",
            Err(Problem::InvalidPhoneCharacters),
        ),
        (
            Field::Phone,
            "0412 345 678 or 0413 111 222",
            Err(Problem::InvalidPhoneCharacters),
        ),
        (
            Field::Phone,
            "call me",
            Err(Problem::InvalidPhoneCharacters),
        ),
        (
            Field::Phone,
            "02/9876 5432",
            Err(Problem::InvalidPhoneCharacters),
        ),
        (
            Field::Phone,
            "0412 345 678 x1234567",
            Err(Problem::InvalidPhoneCharacters),
        ),
        (
            Field::Phone,
            "0412 345 678 y123",
            Err(Problem::InvalidPhoneCharacters),
        ),
        (
            Field::Phone,
            "0412–345–678",
            Err(Problem::InvalidPhoneCharacters),
        ),
        (
            Field::Phone,
            "44+ 20 7946 0000",
            Err(Problem::InvalidPhoneLayout),
        ),
        (
            Field::Phone,
            "++44 20 7946 0000",
            Err(Problem::InvalidPhoneLayout),
        ),
        (
            Field::Phone,
            "(02 9876 5432",
            Err(Problem::InvalidPhoneLayout),
        ),
        (
            Field::Phone,
            "02) 9876 5432",
            Err(Problem::InvalidPhoneLayout),
        ),
        (
            Field::Phone,
            "((02)) 9876 5432",
            Err(Problem::InvalidPhoneLayout),
        ),
        (
            Field::Phone,
            "() 9876 5432",
            Err(Problem::InvalidPhoneLayout),
        ),
        (
            Field::Phone,
            "(+61) 2 9876 5432",
            Err(Problem::InvalidPhoneLayout),
        ),
        (
            Field::Phone,
            "1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 - - - - - -",
            Err(too_long(40, 41)),
        ),
    ]);
}

#[test]
fn extensions_are_split_off_the_number() {
    assert_eq!(
        split_extension("(02) 9876 5432 x123"),
        ("(02) 9876 5432", Some("123"))
    );
    assert_eq!(
        split_extension("+1 555 0100 ext. 22"),
        ("+1 555 0100", Some("22"))
    );
    assert_eq!(split_extension("555-0100X7"), ("555-0100", Some("7")));
    assert_eq!(split_extension("0412 345 678"), ("0412 345 678", None));
    assert_eq!(split_extension("x123"), ("x123", None));
    assert_eq!(split_extension("ext"), ("ext", None));
    assert_eq!(split_extension(""), ("", None));
    assert_eq!(split_extension("日本 x1"), ("日本", Some("1")));
}

#[test]
fn contact_type_and_category_are_read_in_any_case_and_stored_canonically() {
    check(&[
        (Field::Kind, "person", Ok("Person")),
        (Field::Kind, " COMPANY ", Ok("Company")),
        (Field::Kind, "Company", Ok("Company")),
        (Field::Kind, "Business", Err(Problem::UnknownKind)),
        (Field::Kind, "Persons", Err(Problem::UnknownKind)),
        (Field::Category, "tenant", Ok("Tenant")),
        (Field::Category, "LANDLORD", Ok("Landlord")),
        (Field::Category, "Supplier", Ok("Supplier")),
        (Field::Category, "agent", Ok("Agent")),
        (Field::Category, "oThEr", Ok("Other")),
        (Field::Category, "Tenants", Err(Problem::UnknownCategory)),
        (Field::Category, "Owner", Err(Problem::UnknownCategory)),
    ]);
}

#[test]
fn countries_are_stored_as_their_code() {
    check(&[
        (Field::Country, "AU", Ok("AU")),
        (Field::Country, "nz", Ok("NZ")),
        (Field::Country, "Australia", Ok("AU")),
        (Field::Country, "united kingdom", Ok("GB")),
        (Field::Country, "U.K.", Ok("GB")),
        (Field::Country, "USA", Ok("US")),
        (Field::Country, "Holland", Ok("NL")),
        (Field::Country, "Côte d'Ivoire", Ok("CI")),
        (Field::Country, "Atlantis", Err(Problem::UnknownCountry)),
        (Field::Country, "XX", Err(Problem::UnknownCountry)),
        (Field::Country, "Europe", Err(Problem::UnknownCountry)),
    ]);
}

#[test]
fn free_text_fields_keep_what_was_typed() {
    check(&[
        (Field::Reference, "C-0001", Ok("C-0001")),
        (Field::Title, "Dr", Ok("Dr")),
        (Field::Postcode, "00501", Ok("00501")),
        (
            Field::Notes,
            "<script>alert(1)</script>",
            Ok("<script>alert(1)</script>"),
        ),
        (Field::CompanyName, "=1+1", Ok("=1+1")),
    ]);
}

#[test]
fn a_row_gets_one_issue_per_bad_cell_naming_the_files_column() {
    let mut columns = ImportColumns::template();
    columns.headers[Field::Email.index()] = "E-mail".to_string();
    let mut row = ImportRow::new(
        7,
        ContactFields::from_pairs([
            (Field::Kind, "company"),
            (Field::Email, " bob@ "),
            (Field::Phone, "12345"),
            (Field::Country, "uk"),
            (Field::City, "#N/A"),
        ]),
    );
    row.error_cells.insert(Field::City);
    let validated = validate_row(&row, &columns, &crate::phone::LayoutOnly);
    assert_eq!(validated.values.get(Field::Kind), "Company");
    assert_eq!(validated.values.get(Field::Country), "GB");
    assert_eq!(
        validated.values.get(Field::Email),
        "bob@",
        "a bad cell keeps its text"
    );
    assert_eq!(
        validated.invalid,
        FieldSet::of(&[Field::Email, Field::Phone, Field::City])
    );
    let issues: Vec<(Option<Field>, &str, &str, &Problem)> = validated
        .issues
        .iter()
        .map(|issue| {
            (
                issue.field,
                issue.column.as_str(),
                issue.value.as_str(),
                &issue.problem,
            )
        })
        .collect();
    assert_eq!(
        issues,
        vec![
            (Some(Field::Email), "E-mail", "bob@", &Problem::InvalidEmail),
            (
                Some(Field::Phone),
                "Phone",
                "12345",
                &Problem::InvalidPhoneDigits { digits: 5 }
            ),
            (Some(Field::City), "City", "#N/A", &Problem::CellError),
        ]
    );
    assert!(validated.issues.iter().all(|issue| issue.line == 7));
    assert_eq!(
        validated.issues[0].to_string(),
        "Row 7, E-mail: \u{201c}bob@\u{201d} is not a valid email address. \
         Enter an address like name@example.com, or leave the cell blank."
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn no_input_string_panics_any_validator(text in any::<String>()) {
        for field in Field::ALL {
            let _ = normalise_cell(field, &text);
        }
        let _ = is_valid_email(&text);
        let _ = check_phone(&text);
        let _ = split_extension(&text);
        let _ = crate::country::parse_country(&text);
        let _ = crate::headers::field_for_header(&text);
    }

    #[test]
    fn phone_like_strings_never_panic(text in "[0-9 +()xXeEtTnN.:-]{0,40}") {
        let _ = check_phone(&text);
        let (number, extension) = split_extension(&text);
        prop_assert!(text.starts_with(number));
        if let Some(extension) = extension {
            prop_assert!(extension.bytes().all(|b| b.is_ascii_digit()));
        }
    }

    #[test]
    fn email_like_strings_never_panic(text in "[a-zé.@_+-]{0,30}") {
        let _ = normalise_cell(Field::Email, &text);
    }

    #[test]
    fn a_normalised_value_normalises_to_itself(text in any::<String>()) {
        for field in Field::ALL {
            if let Ok(value) = normalise_cell(field, &text) {
                prop_assert_eq!(normalise_cell(field, &value), Ok(value.clone()), "{}", field);
            }
        }
    }
}
