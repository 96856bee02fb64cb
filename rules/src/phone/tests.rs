use std::time::Instant;

use super::*;

/// `(country the row is read by, as written, E.164, as displayed)`.
const READ: &[(Option<&str>, &str, &str, &str)] = &[
    // New Zealand: local, international, dialled from abroad, "(0)".
    (Some("NZ"), "021 555 0101", "+64215550101", "+64 21 555 0101"),
    (Some("NZ"), "+64 21 555 0101", "+64215550101", "+64 21 555 0101"),
    (Some("NZ"), "0064-21-5550101", "+64215550101", "+64 21 555 0101"),
    (Some("NZ"), "+64 (0) 21 555 0101", "+64215550101", "+64 21 555 0101"),
    (Some("NZ"), "(09) 379 4567", "+6493794567", "+64 9 379 4567"),
    (None, "+64 21 555 0101", "+64215550101", "+64 21 555 0101"),
    // Australia, including a New Zealand number dialled from Australia.
    (Some("AU"), "(02) 9876 5432", "+61298765432", "+61 2 9876 5432"),
    (Some("AU"), "0412 345 678", "+61412345678", "+61 412 345 678"),
    (Some("AU"), "0011 64 21 555 0101", "+64215550101", "+64 21 555 0101"),
    // A number with its country code keeps it, whatever the row's country.
    (Some("NZ"), "+61 412 345 678", "+61412345678", "+61 412 345 678"),
    // United Kingdom.
    (Some("GB"), "+44 20 7946 0958", "+442079460958", "+44 20 7946 0958"),
    (Some("GB"), "020 7946 0958", "+442079460958", "+44 20 7946 0958"),
    (Some("GB"), "+44 (0)20 7946 0958", "+442079460958", "+44 20 7946 0958"),
    (Some("US"), "011 44 20 7946 0958", "+442079460958", "+44 20 7946 0958"),
    // United States and Canada.
    (Some("US"), "+1 (415) 555-2671", "+14155552671", "+1 415-555-2671"),
    (Some("US"), "(415) 555-2671", "+14155552671", "+1 415-555-2671"),
    (Some("CA"), "(416) 966-1234", "+14169661234", "+1 416-966-1234"),
    // Ireland.
    (Some("IE"), "01 234 5678", "+35312345678", "+353 1 234 5678"),
    (Some("IE"), "087 123 4567", "+353871234567", "+353 87 123 4567"),
    // Germany, with the slash Germans write after the area code.
    (Some("DE"), "030 12345678", "+493012345678", "+49 30 12345678"),
    (Some("DE"), "030/12345678", "+493012345678", "+49 30 12345678"),
    (Some("DE"), "0151 23456789", "+4915123456789", "+49 1512 3456789"),
    // France, with dots.
    (Some("FR"), "01 23 45 67 89", "+33123456789", "+33 1 23 45 67 89"),
    (Some("FR"), "06.12.34.56.78", "+33612345678", "+33 6 12 34 56 78"),
    // The Netherlands.
    (Some("NL"), "020 123 4567", "+31201234567", "+31 20 123 4567"),
    (Some("NL"), "06 12345678", "+31612345678", "+31 6 12345678"),
    // South Africa.
    (Some("ZA"), "021 123 4567", "+27211234567", "+27 21 123 4567"),
    (Some("ZA"), "082 123 4567", "+27821234567", "+27 82 123 4567"),
    // India.
    (Some("IN"), "98765 43210", "+919876543210", "+91 98765 43210"),
    (Some("IN"), "011 2345 6789", "+911123456789", "+91 11 2345 6789"),
];

#[test]
fn numbers_written_in_local_and_international_forms_read_as_one_e164() {
    for (country, written, e164, display) in READ {
        let number = parse_phone(written, *country)
            .unwrap_or_else(|problem| panic!("{written:?} in {country:?}: {problem:?}"));
        assert_eq!(number.e164(), *e164, "{written:?} in {country:?}");
        assert_eq!(number.display(), *display, "{written:?} in {country:?}");
        assert_eq!(number.search_digits(), &e164[1..], "{written:?}");
        assert_eq!(number.extension(), None);
    }
}

#[test]
fn the_number_knows_its_own_country() {
    let table: &[(Option<&str>, &str, &str)] = &[
        (Some("NZ"), "021 555 0101", "NZ"),
        (Some("NZ"), "+61 412 345 678", "AU"),
        (Some("CA"), "(416) 966-1234", "CA"),
        (Some("US"), "(415) 555-2671", "US"),
        (None, "+44 20 7946 0958", "GB"),
    ];
    for (country, written, expected) in table {
        let number = parse_phone(written, *country).expect(written);
        assert_eq!(number.country().as_deref(), Some(*expected), "{written:?}");
    }
}

#[test]
fn extensions_are_kept_beside_the_number() {
    let table: &[(&str, &str, &str, &str, &str)] = &[
        ("GB", "020 7946 0958 x123", "+442079460958", "123", "+44 20 7946 0958 x123"),
        ("GB", "020 7946 0958 ext. 123", "+442079460958", "123", "+44 20 7946 0958 x123"),
        ("US", "415-555-2671 Ext 7", "+14155552671", "7", "+1 415-555-2671 ext. 7"),
        ("AU", "(02) 9876 5432 extension 4021", "+61298765432", "4021", "+61 2 9876 5432 ext. 4021"),
    ];
    for (country, written, e164, extension, display) in table {
        let number = parse_phone(written, Some(country)).expect(written);
        assert_eq!(number.e164(), *e164, "{written:?}");
        assert_eq!(number.extension(), Some(*extension), "{written:?}");
        assert_eq!(number.stored(), format!("{e164} x{extension}"), "{written:?}");
        assert_eq!(number.display(), *display, "{written:?}");
    }
}

#[test]
fn the_stored_form_reads_back_as_the_same_number_from_any_country() {
    let written = READ.iter().map(|(country, text, ..)| (*country, *text));
    let with_extension = [(Some("GB"), "020 7946 0958 ext. 123")];
    for (country, text) in written.chain(with_extension) {
        let number = parse_phone(text, country).expect(text);
        for reader in [None, Some("NZ"), Some("US"), Some("DE")] {
            let again = parse_phone(&number.stored(), reader).expect(text);
            assert_eq!(again, number, "{text:?} read back in {reader:?}");
        }
    }
}

fn country(code: &str) -> Option<String> {
    Some(code.to_string())
}

#[test]
fn numbers_that_cannot_be_real_say_why() {
    let table: &[(Option<&str>, &str, PhoneProblem)] = &[
        (Some("GB"), "+44 20 7946 09581", PhoneProblem::TooLong { country: country("GB") }),
        (Some("NZ"), "+999 1234567", PhoneProblem::UnknownCountryCode),
        (None, "+999 1234567", PhoneProblem::UnknownCountryCode),
        (Some("US"), "(415) 055-2671", PhoneProblem::NotInUse { country: country("US") }),
        (Some("AU"), "0412 345 67", PhoneProblem::NotInUse { country: country("AU") }),
        (Some("NZ"), "0000 000 000", PhoneProblem::NotInUse { country: country("NZ") }),
        (Some("NZ"), "09 123 4567", PhoneProblem::NotInUse { country: country("NZ") }),
        (Some("NZ"), "021 555", PhoneProblem::NotInUse { country: country("NZ") }),
        (Some("FR"), "01 23 45 6", PhoneProblem::TooShort { country: country("FR") }),
        (Some("US"), "415 555 26", PhoneProblem::TooShort { country: country("US") }),
        (Some("NZ"), "12", PhoneProblem::TooShort { country: country("NZ") }),
        (Some("IE"), "+353 1 234 567 890 12", PhoneProblem::TooLong { country: country("IE") }),
        (Some("NZ"), "+65 222 222 222", PhoneProblem::WrongLength { country: country("SG") }),
        // A Canadian row's +1 number is named Canadian, not American.
        (Some("CA"), "+1 (416) 055-1234", PhoneProblem::NotInUse { country: country("CA") }),
        // No country code and no country to read it by.
        (None, "021 555 0101", PhoneProblem::NeedsCountry),
        (None, "0064 21 555 0101", PhoneProblem::NeedsCountry),
        (Some("XX"), "021 555 0101", PhoneProblem::NeedsCountry),
        // Not a phone number at all.
        (Some("NZ"), "hello", PhoneProblem::Characters),
        (Some("US"), "1-800-FLOWERS", PhoneProblem::Characters),
        (Some("NZ"), "021 555 0101 x", PhoneProblem::Characters),
        (Some("NZ"), "021 555 0101 x1234567", PhoneProblem::Characters),
        (Some("NZ"), "021; 555 0101", PhoneProblem::Characters),
        (Some("NZ"), "+", PhoneProblem::NotANumber),
        (Some("NZ"), "- ( ) -", PhoneProblem::NotANumber),
        (Some("NZ"), "", PhoneProblem::NotANumber),
        (Some("NZ"), "1 ", PhoneProblem::NotANumber),
    ];
    for (country, written, expected) in table {
        assert_eq!(parse_phone(written, *country).err().as_ref(), Some(expected), "{written:?} in {country:?}");
    }
}

#[test]
fn hostile_text_is_refused_before_parsing() {
    let long = format!("021 555 0101{}", " ".repeat(MAX_PHONE_CHARS));
    assert_eq!(parse_phone(&format!("{long}9"), Some("NZ")), Err(PhoneProblem::NotANumber));
    assert_eq!(parse_phone(&"9".repeat(10_000), Some("NZ")), Err(PhoneProblem::NotANumber));
    assert_eq!(parse_phone("0\u{0}21 555 0101", Some("NZ")), Err(PhoneProblem::Characters));
    assert_eq!(parse_phone("٠٢١ ٥٥٥ ٠١٠١", Some("NZ")), Err(PhoneProblem::Characters));
}

#[test]
fn every_problem_has_a_sentence_and_a_fix_that_name_the_country() {
    let problems = [
        PhoneProblem::NotANumber,
        PhoneProblem::Characters,
        PhoneProblem::NeedsCountry,
        PhoneProblem::UnknownCountryCode,
        PhoneProblem::TooShort { country: country("NZ") },
        PhoneProblem::TooLong { country: country("GB") },
        PhoneProblem::WrongLength { country: country("NL") },
        PhoneProblem::NotInUse { country: country("US") },
        PhoneProblem::NotInUse { country: None },
    ];
    for problem in &problems {
        let text = problem.problem_text("021 555");
        assert!(text.starts_with("\u{201c}021 555\u{201d} "), "{text}");
        assert!(text.ends_with('.'), "{text}");
        assert!(problem.fix_text().ends_with('.'), "{problem:?}");
    }
    assert!(problems[4].problem_text("1").contains("in New Zealand"));
    assert!(problems[5].problem_text("1").contains("in the United Kingdom"));
    assert!(problems[6].problem_text("1").contains("in the Netherlands"));
    assert!(problems[7].problem_text("1").contains("in the United States"));
    assert!(problems[8].problem_text("1").contains("in its country"));
    let example = problems[4].fix_text();
    assert!(example.starts_with("Check the digits: a number in New Zealand looks like 0"), "{example}");
    assert!(!problems[8].fix_text().contains("looks like"));
}

/// Externally tagged, so that postcard (the page's phone verdicts) reads
/// them too.
#[test]
fn problems_travel_tagged_by_their_variant_in_json_and_postcard() {
    let problem = PhoneProblem::TooShort { country: country("NZ") };
    let json = serde_json::to_string(&problem).expect("serialises");
    assert_eq!(json, r#"{"too_short":{"country":"NZ"}}"#);
    assert_eq!(serde_json::from_str::<PhoneProblem>(&json).expect("reads"), problem);
    let bytes = postcard::to_allocvec(&problem).expect("serialises");
    assert_eq!(postcard::from_bytes::<PhoneProblem>(&bytes).expect("reads"), problem);
}

#[test]
fn a_search_finds_a_number_however_either_side_wrote_it() {
    // (account's country, number as stored from, ways people search for it)
    let table: &[(&str, &str, &[&str])] = &[
        ("NZ", "021 555 0101", &["021 555 0101", "+64 21 555 0101", "0064-21-5550101", "21 555 0101", "555 0101", "(021) 5550101"]),
        ("AU", "(02) 9876 5432", &["02 9876 5432", "+61 2 9876 5432", "9876 5432", "0011 61 2 98765432"]),
        ("GB", "020 7946 0958", &["020 7946 0958", "+44 20 7946 0958", "+44 (0)20 7946 0958", "7946 0958"]),
        ("US", "+1 (415) 555-2671", &["415-555-2671", "(415) 555 2671", "1 415 555 2671", "555-2671"]),
        // The account is in New Zealand; the contact's number is Australian.
        ("NZ", "+61 412 345 678", &["+61 412 345 678", "0412 345 678", "412 345 678"]),
    ];
    for (account_country, stored, searches) in table {
        let number = parse_phone(stored, Some(account_country)).expect(stored);
        for search in *searches {
            let digits = search_digits(search, Some(account_country))
                .unwrap_or_else(|| panic!("{search:?} is a phone search"));
            assert!(
                number.search_digits().contains(&digits),
                "{search:?} → {digits:?} should find {}",
                number.e164()
            );
        }
    }
}

#[test]
fn searches_that_are_not_phone_numbers_are_left_to_the_name_search() {
    for search in ["Smith", "Flat 3", "12", "0 0", "", "+", "a@b.co"] {
        assert_eq!(search_digits(search, Some("NZ")), None, "{search:?}");
    }
    assert_eq!(search_digits("00 555", Some("NZ")).as_deref(), Some("555"));
}

/// Not a check of speed (tests assert no timings): prints what parsing costs
/// per number, over 200,000 numbers written many ways. Run with
/// `cargo test -p rules --release --lib -- --ignored --nocapture phone`.
#[test]
#[ignore]
fn prints_the_cost_of_reading_a_number() {
    let forms: Vec<(Option<&str>, String)> = (0..200_000u32)
        .map(|i| {
            let (country, written, ..) = READ[i as usize % READ.len()];
            // Vary the last digits so no two numbers are the same.
            let last = format!("{:02}", i % 100);
            let mut text = written.to_string();
            let digits: Vec<usize> = text.match_indices(|c: char| c.is_ascii_digit()).map(|(at, _)| at).collect();
            if let [.., a, b] = digits[..] {
                text.replace_range(a..=a, &last[..1]);
                text.replace_range(b..=b, &last[1..]);
            }
            (country, text)
        })
        .collect();
    let started = Instant::now();
    let valid = forms
        .iter()
        .filter(|(country, text)| parse_phone(text, *country).is_ok())
        .count();
    let elapsed = started.elapsed();
    let started = Instant::now();
    let displayed: usize = forms
        .iter()
        .filter_map(|(country, text)| parse_phone(text, *country).ok())
        .map(|number| number.display().len())
        .sum();
    let with_display = started.elapsed();
    println!(
        "parse_phone: {} ns/number ({valid} of {} valid); with display(): {} ns/number ({displayed} chars)",
        elapsed.as_nanos() / forms.len() as u128,
        forms.len(),
        with_display.as_nanos() / forms.len() as u128,
    );
    assert!(valid > forms.len() / 2, "most varied numbers stay valid");
}
