//! Phone and Mobile cells of an import row read by the row's country, else
//! the account's, into the form stored; the page's verdict map and the
//! server's parser judging them through the same rules code.

use rules::check::{judge, phone_keys, stage, ExistingContacts, ImportCheck, RowContext};
use rules::headers::{ImportColumns, ImportRow};
use rules::merge::MergeMode;

use rules::phone::{AccountPhones, LayoutOnly, PhoneBook, PhoneKey, PhoneVerdict, PhoneVerdicts};
use rules::validate::validate_row;
use rules::{ContactFields, Field, Problem};

const KEEP: MergeMode = MergeMode::KeepExisting;

fn row(line: u32, pairs: &[(Field, &str)]) -> ImportRow {
    let mut fields = vec![(Field::FirstName, "Ana"), (Field::LastName, "Silva")];
    fields.extend_from_slice(pairs);
    ImportRow::new(line, ContactFields::from_pairs(fields))
}

fn account(country: Option<&str>) -> AccountPhones {
    AccountPhones::new(country.map(str::to_string))
}

/// The value stored for the row's Phone, or the problems of its cells.
fn phone_of(row: &ImportRow, phones: &dyn PhoneBook) -> Result<String, Vec<Problem>> {
    let validated = validate_row(row, &ImportColumns::template(), phones);
    if validated.issues.is_empty() {
        Ok(validated.values.get(Field::Phone).to_string())
    } else {
        Err(validated.issues.into_iter().map(|issue| issue.problem).collect())
    }
}

/// `(account's country, row's Country, Phone as written, stored)`.
const STORED: &[(Option<&str>, &str, &str, &str)] = &[
    // New Zealand, by the account.
    (Some("NZ"), "", "021 555 0101", "+64215550101"),
    (Some("NZ"), "", "0064-21-5550101", "+64215550101"),
    (Some("NZ"), "", "(09) 379 4567 ext. 12", "+6493794567 x12"),
    // Australia.
    (Some("AU"), "", "(02) 9876 5432", "+61298765432"),
    (Some("AU"), "", "0412 345 678", "+61412345678"),
    // United Kingdom.
    (Some("GB"), "", "020 7946 0958", "+442079460958"),
    (Some("GB"), "", "+44 (0)20 7946 0958 x123", "+442079460958 x123"),
    // United States.
    (Some("US"), "", "(415) 555-2671", "+14155552671"),
    // Germany, with the slash.
    (Some("DE"), "", "030/12345678", "+493012345678"),
    // The row's Country beats the account's: an Australian row in a New
    // Zealand account, written as Australians write it.
    (Some("NZ"), "Australia", "0412 345 678", "+61412345678"),
    (Some("NZ"), "gb", "020 7946 0958", "+442079460958"),
    // An account without a country still reads a row that has one.
    (None, "DE", "0151 23456789", "+4915123456789"),
    // A number with its country code ignores both countries.
    (Some("NZ"), "AU", "+44 20 7946 0958", "+442079460958"),
    (None, "", "+1 415 555 2671", "+14155552671"),
    // No country at all: a number without a code is kept as written.
    (None, "", "021 555 0101", "021 555 0101"),
    (None, "", "  (02) 9876-5432 x9 ", "(02) 9876-5432 x9"),
    // A Country cell that is not a country is not read by: the account's is.
    (Some("NZ"), "Atlantis", "021 555 0101", "+64215550101"),
];

#[test]
fn phone_cells_are_stored_in_e164_by_the_rows_country_else_the_accounts() {
    for &(account_country, country, written, stored) in STORED {
        let row = row(2, &[(Field::Country, country), (Field::Phone, written)]);
        let phones = account(account_country);
        let phone = phone_of(&row, &phones);
        if country == "Atlantis" {
            let problems = phone.expect_err("the Country cell has an issue");
            assert_eq!(problems, vec![Problem::UnknownCountry]);
            let validated = validate_row(&row, &ImportColumns::template(), &phones);
            assert_eq!(validated.values.get(Field::Phone), stored, "{written:?}");
            continue;
        }
        assert_eq!(phone.as_deref(), Ok(stored), "{written:?} in {country:?}, account {account_country:?}");
    }
}

#[test]
fn a_number_that_cannot_be_real_is_an_issue_with_its_sentence_and_fix() {
    let row = row(7, &[(Field::Phone, "021 555"), (Field::Mobile, "+64 99 999 9999 9999")]);
    let validated = validate_row(&row, &ImportColumns::template(), &account(Some("NZ")));
    let issues: Vec<(Field, String, String)> = validated
        .issues
        .iter()
        .map(|issue| (issue.field.expect("a cell"), issue.problem_text(), issue.fix_text()))
        .collect();
    assert_eq!(issues.len(), 2, "{issues:?}");
    assert_eq!(issues[0].0, Field::Phone);
    assert_eq!(
        issues[0].1,
        "\u{201c}021 555\u{201d} cannot be a real phone number in New Zealand: no number there has these digits."
    );
    assert!(issues[0].2.starts_with("Check the digits: a number in New Zealand looks like "), "{}", issues[0].2);
    assert_eq!(issues[1].0, Field::Mobile);
    assert!(validated.invalid.contains(Field::Phone) && validated.invalid.contains(Field::Mobile));
    // The cell keeps what was written, so it still counts as filled in.
    assert_eq!(validated.values.get(Field::Phone), "021 555");
}

#[test]
fn a_number_without_a_country_code_is_only_layout_checked_when_no_country_is_known() {
    let phones = account(None);
    let bad_layout = row(2, &[(Field::Phone, "12")]);
    assert_eq!(phone_of(&bad_layout, &phones), Err(vec![Problem::InvalidPhoneDigits { digits: 2 }]));
    // A `+` number is still read, and can be refused.
    let impossible = row(2, &[(Field::Phone, "+64 21 555")]);
    assert!(matches!(
        phone_of(&impossible, &phones).as_ref().map_err(Vec::as_slice),
        Err([Problem::Phone { .. }])
    ));
}

#[test]
fn without_an_answer_the_layout_check_applies_as_before() {
    let written = row(2, &[(Field::Phone, "021 555 0101")]);
    assert_eq!(phone_of(&written, &LayoutOnly).as_deref(), Ok("021 555 0101"));
    let dots = row(2, &[(Field::Phone, "06.12.34.56.78")]);
    assert_eq!(phone_of(&dots, &LayoutOnly), Err(vec![Problem::InvalidPhoneCharacters]));
    // libphonenumber reads what the layout check refuses.
    let french = row(2, &[(Field::Country, "FR"), (Field::Phone, "06.12.34.56.78")]);
    assert_eq!(phone_of(&french, &account(None)).as_deref(), Ok("+33612345678"));
}

#[test]
fn a_staged_row_holds_the_stored_form_and_judges_as_its_original() {
    let phones = account(Some("NZ"));
    let columns = ImportColumns::template();
    for &(account_country, country, written, stored) in STORED {
        let phones = account(account_country);
        let original = row(3, &[(Field::Country, country), (Field::Phone, written), (Field::Mobile, written)]);
        let staged = stage(&original, &columns, KEEP, &phones);
        if country != "Atlantis" {
            assert_eq!(staged.values.get(Field::Phone), stored);
            assert_eq!(staged.values.get(Field::Mobile), stored);
        }
        let again = ImportRow::new(3, staged.values.clone());
        let context = RowContext::default();
        assert_eq!(
            judge(&again, &columns, KEEP, &context, &phones),
            judge(&original, &columns, KEEP, &context, &phones),
            "{written:?}"
        );
    }
    let bad = stage(&row(3, &[(Field::Phone, "021 555")]), &columns, KEEP, &phones);
    assert_eq!(bad.as_new, None, "a row with an impossible number creates nothing alone");
}

/// The page's check with the server's verdicts on every phone key, and the
/// server's judging with the account's book, give the same verdicts.
#[test]
fn the_pages_verdict_map_judges_as_the_servers_parser_does() {
    let rows: Vec<ImportRow> = STORED
        .iter()
        .enumerate()
        .map(|(index, &(_, country, written, _))| {
            let line = u32::try_from(index).expect("few rows") + 2;
            ImportRow::new(
                line,
                ContactFields::from_pairs([
                    (Field::FirstName, "Ana"),
                    (Field::LastName, format!("Silva {line}").as_str()),
                    (Field::Country, country),
                    (Field::Phone, written),
                    (Field::Mobile, if line % 2 == 0 { "021 555" } else { "" }),
                ]),
            )
        })
        .collect();
    for account_country in [Some("NZ"), Some("US"), None] {
        let server = account(account_country);
        let mut check = ImportCheck::new(ImportColumns::template(), rows.clone(), ExistingContacts::default(), KEEP);
        let keys = check.phone_keys_to_ask();
        assert_eq!(keys, phone_keys(&rows));
        let answers: Vec<(_, PhoneVerdict)> = keys.into_iter().map(|key| (key.clone(), server.verdict(&key))).collect();
        check.add_phone_verdicts(answers);
        assert!(check.phone_keys_to_ask().is_empty());
        for (index, verdict) in check.verdicts() {
            let alone = judge(&rows[index], check.columns(), KEEP, &RowContext::default(), &server);
            assert_eq!(verdict, &alone, "row {index}, account {account_country:?}");
        }
        let plan = check.plans().next().map(|(index, plan)| (index, plan.contact.get(Field::Phone).to_string()));
        if let Some((index, phone)) = plan {
            assert_eq!(phone, stage(&rows[index], check.columns(), KEEP, &server).values.get(Field::Phone));
        }
    }
}

#[test]
fn verdicts_arriving_later_recheck_only_the_rows_they_answer() {
    let rows = vec![
        row(2, &[(Field::Phone, "021 555")]),
        row(3, &[(Field::Phone, "021 555 0101")]),
        row(4, &[(Field::Email, "bo@example.com")]),
    ];
    let mut check = ImportCheck::new(ImportColumns::template(), rows.clone(), ExistingContacts::default(), KEEP);
    // Before any verdict, the layout check passes both numbers.
    assert_eq!(check.counts().with_issues, 0);
    let server = account(Some("NZ"));
    let answers = check.phone_keys_to_ask().into_iter().map(|key| (key.clone(), server.verdict(&key))).collect();
    assert_eq!(check.add_phone_verdicts(answers), vec![0, 1], "the rows with the numbers answered");
    assert_eq!(check.counts().with_issues, 1);
    assert!(matches!(
        check.phone_verdict(1, Field::Phone),
        Some(PhoneVerdict::Number { stored, display }) if stored == "+64215550101" && display == "+64 21 555 0101"
    ));
    // The same verdicts again change nothing.
    let again = check.phone_keys_to_ask();
    assert!(again.is_empty());
    let mut verdicts = PhoneVerdicts::default();
    verdicts.extend([(PhoneKey::new("021 555", None), server.verdict(&PhoneKey::new("021 555", None)))]);
    assert_eq!(verdicts.len(), 1);
    // An edit to a number asks about it, and the answer re-checks its row.
    check.set_cell(0, Field::Phone, "021 555 0102");
    let asked = check.phone_keys_to_ask();
    assert_eq!(asked, vec![PhoneKey::new("021 555 0102", None)]);
    assert_eq!(check.row_phone_keys_to_ask(0), asked);
    let answers = asked.into_iter().map(|key| (key.clone(), server.verdict(&key))).collect();
    check.add_phone_verdicts(answers);
    assert!(check.is_ready());
    let fresh = {
        let mut fresh = ImportCheck::new(ImportColumns::template(), check.rows().to_vec(), ExistingContacts::default(), KEEP);
        let keys = fresh.phone_keys_to_ask();
        fresh.add_phone_verdicts(keys.into_iter().map(|key| (key.clone(), server.verdict(&key))).collect());
        fresh
    };
    assert_eq!(fresh.counts(), check.counts());
    // Built with the verdicts from the start, a slice at a time or not.
    let answers: Vec<_> = phone_keys(&rows).into_iter().map(|key| (key.clone(), server.verdict(&key))).collect();
    let built = ImportCheck::build(ImportColumns::template(), rows.clone(), ExistingContacts::default(), KEEP)
        .with_phone_verdicts(answers.clone())
        .finish();
    let mut late = ImportCheck::build(ImportColumns::template(), rows, ExistingContacts::default(), KEEP);
    late.step(4);
    let late = late.with_phone_verdicts(answers).finish();
    assert_eq!(built, late);
    assert_eq!(built.counts().with_issues, 1);
}

/// Not a check of speed (tests assert no timings): prints what the server
/// spends judging a 100,000-row file's distinct numbers for the page, and
/// the calls and bytes the page sends and gets for them. Run with
/// `cargo test -p rules --release --test phone_cells -- --ignored --nocapture`.
#[test]
#[ignore]
fn prints_the_cost_of_the_verdicts_for_a_100k_file() {
    use rules::phone::MAX_PHONE_KEYS_PER_CALL;
    use std::time::Instant;
    const WRITTEN: [(&str, Option<&str>); 5] = [
        ("021 555 ", None),
        ("+44 20 7946 ", Some("GB")),
        ("(02) 9876 ", Some("AU")),
        ("(415) 555-", Some("US")),
        ("030 1234 ", Some("DE")),
    ];
    let keys: Vec<PhoneKey> = (0..100_000u32)
        .map(|i| {
            let (start, country) = WRITTEN[i as usize % WRITTEN.len()];
            PhoneKey::new(&format!("{start}{:04}", i / 5 % 10_000), country)
        })
        .collect();
    let server = account(Some("NZ"));
    let started = Instant::now();
    let verdicts: Vec<PhoneVerdict> = keys.iter().map(|key| server.verdict(key)).collect();
    let judged = started.elapsed();
    let numbers = verdicts.iter().filter(|verdict| matches!(verdict, PhoneVerdict::Number { .. })).count();
    let calls = keys.len().div_ceil(MAX_PHONE_KEYS_PER_CALL);
    let sent: usize = keys.chunks(MAX_PHONE_KEYS_PER_CALL).map(|chunk| postcard::to_allocvec(chunk).expect("postcard").len()).sum();
    let got: usize =
        verdicts.chunks(MAX_PHONE_KEYS_PER_CALL).map(|chunk| postcard::to_allocvec(chunk).expect("postcard").len()).sum();
    println!(
        "{} distinct numbers ({numbers} real): judged in {:?} ({} ns each, display included); \
         {calls} calls of at most {MAX_PHONE_KEYS_PER_CALL}: {} kB sent, {} kB received (postcard, before compression)",
        keys.len(),
        judged,
        judged.as_nanos() / keys.len() as u128,
        sent / 1000,
        got / 1000,
    );
    assert!(numbers > keys.len() / 2, "most numbers are real");
}

#[test]
fn the_example_files_numbers_are_real_numbers_in_any_account() {
    let columns = ImportColumns::template();
    for (index, contact) in rules::workbooks::example_contacts().into_iter().enumerate() {
        let row = ImportRow::new(u32::try_from(index).expect("few rows") + 2, contact);
        for country in [None, Some("NZ"), Some("US")] {
            let validated = validate_row(&row, &columns, &account(country));
            assert!(validated.issues.is_empty(), "row {}, account {country:?}: {:?}", row.line, validated.issues);
        }
    }
}

#[test]
fn every_kind_of_verdict_travels_in_postcard_and_a_phone_issue_in_json() {
    use rules::phone::PhoneProblem;
    let problems = [
        PhoneProblem::NotANumber,
        PhoneProblem::Characters,
        PhoneProblem::NeedsCountry,
        PhoneProblem::UnknownCountryCode,
        PhoneProblem::TooShort { country: Some("NZ".into()) },
        PhoneProblem::TooLong { country: None },
        PhoneProblem::WrongLength { country: Some("GB".into()) },
        PhoneProblem::NotInUse { country: Some("AU".into()) },
    ];
    let mut verdicts: Vec<PhoneVerdict> =
        problems.iter().cloned().map(|problem| PhoneVerdict::Problem { example: problem.example(), problem }).collect();
    verdicts.push(PhoneVerdict::AsWritten);
    verdicts.push(PhoneVerdict::Number { stored: "+64215550101".into(), display: "+64 21 555 0101".into() });
    let bytes = postcard::to_allocvec(&verdicts).expect("postcard");
    assert_eq!(postcard::from_bytes::<Vec<PhoneVerdict>>(&bytes).expect("read back"), verdicts);
    let keys = vec![PhoneKey::new(" 021 555 0101 ", Some("NZ")), PhoneKey::new("+1 415 555 2671", None)];
    let bytes = postcard::to_allocvec(&keys).expect("postcard");
    assert_eq!(postcard::from_bytes::<Vec<PhoneKey>>(&bytes).expect("read back"), keys);
    for problem in problems {
        let issue = rules::Issue::cell(2, Field::Phone, "Phone", "021 555", Problem::Phone { example: problem.example(), problem });
        let json = serde_json::to_string(&issue).expect("json");
        assert_eq!(serde_json::from_str::<rules::Issue>(&json).expect("read back"), issue);
    }
}
