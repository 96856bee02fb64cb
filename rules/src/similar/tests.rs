use std::time::Instant;

use super::*;

const RULES: SimilarityRules = SIMILARITY_RULES;

fn words(text: &str) -> Vec<String> {
    folded_words(text, 100)
}

fn person(first: &str, last: &str, phone: &str, postcode: &str) -> Subject {
    let fields = ContactFields::from_pairs([
        (Field::FirstName, first),
        (Field::LastName, last),
        (Field::Postcode, postcode),
    ]);
    Subject::new(&fields, [phone.to_string()])
}

fn with(subject: Subject, field: Field, value: &str) -> Subject {
    let mut subject = subject;
    match field {
        Field::Email => subject.email = match_key(value),
        Field::Reference => subject.reference = match_key(value),
        Field::Country => subject.country = value.to_string(),
        _ => unreachable!("not used by the tests"),
    }
    subject
}

#[test]
fn names_score_alike_despite_case_accents_order_and_initials() {
    // (name, name, lowest score, highest score)
    let table: &[(&str, &str, f64, f64)] = &[
        ("John Smith", "John Smith", 1.0, 1.0),
        ("JOHN smith", "john SMITH", 1.0, 1.0),
        ("José García", "Jose Garcia", 1.0, 1.0),
        ("Smith John", "John Smith", 1.0, 1.0),
        ("J. Smith", "John Smith", 0.95, 0.95),
        ("John Paul Smith", "John Smith", 0.9, 0.9),
        ("Jon Smith", "John Smith", 0.95, 0.99),
        ("Mr John Smith", "John Smith", 1.0, 1.0),
        ("Acme Ltd", "ACME Limited", 1.0, 1.0),
        ("The Acme Company", "Acme", 1.0, 1.0),
        ("Anna Smith", "John Smith", 0.0, 0.79),
        ("Mary Jones", "John Smith", 0.0, 0.7),
        ("", "John Smith", 0.0, 0.0),
    ];
    for (a, b, low, high) in table {
        let mut a_words = words(a);
        let mut b_words = words(b);
        a_words.retain(|word| !IGNORED_NAME_WORDS.contains(&word.as_str()));
        b_words.retain(|word| !IGNORED_NAME_WORDS.contains(&word.as_str()));
        let score = name_score(&a_words, &b_words, &RULES);
        assert!((*low - 1e-9..=*high + 1e-9).contains(&score), "{a:?} ~ {b:?} scored {score}");
        assert_eq!(score, name_score(&b_words, &a_words, &RULES), "symmetric");
    }
}

#[test]
fn a_pair_is_possibly_the_same_only_with_enough_evidence() {
    let john = person("John", "Smith", "+64215550101", "1010");
    // (other, expected: possibly the same?)
    let table: Vec<(&str, Subject, bool)> = vec![
        ("same phone, same name, other email", with(person("John", "Smith", "+64215550101", ""), Field::Email, "j@x.co"), true),
        ("same phone, initial", person("J", "Smith", "+64215550101", ""), true),
        ("same phone, another person of the family", person("Anna", "Smith", "+64215550101", ""), false),
        ("same postcode, swapped names", person("Smith", "John", "", "1010"), true),
        ("same postcode written differently", person("John", "Smith", "", " 1010 "), true),
        ("same postcode, a typo in the name", person("Jon", "Smith", "", "1010"), true),
        ("same postcode, only an initial in common", person("J", "Smyth", "", "1010"), false),
        ("same postcode in another country", with(person("John", "Smith", "", "1010"), Field::Country, "AU"), true),
        ("no phone or postcode in common", person("John", "Smith", "+64215550102", "6011"), false),
    ];
    for (case, other, expected) in table {
        let likeness = likeness(&john, &other, &RULES).expect(case);
        assert_eq!(likeness.is_possible_duplicate(&RULES), expected, "{case}: {likeness:?}");
    }
    let in_nz = with(john.clone(), Field::Country, "NZ");
    let in_au = with(person("John", "Smith", "", "1010"), Field::Country, "AU");
    assert!(!likeness(&in_nz, &in_au, &RULES).expect("no key shared").same_postcode);
}

#[test]
fn one_number_in_local_and_international_form_makes_a_possible_duplicate() {
    let fields = |first: &str, phone: &str| {
        ContactFields::from_pairs([(Field::FirstName, first), (Field::LastName, "Smith"), (Field::Phone, phone)])
    };
    let existing = vec![(Uuid::from_u128(1), Subject::of(&fields("John", "+64 21 555 0101"), &RULES))];
    let rows = vec![Subject::of(&fields("John", "021 555 0101"), &RULES), Subject::of(&fields("John", "0064-21-5550101"), &RULES)];
    let found = possible_duplicates(&rows, &existing, &RULES);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().all(|found| found.of == DuplicateOf::Contact(Uuid::from_u128(1)) && found.likeness.same_phone));
    assert!(still_possible_duplicate(&rows[0], &existing[0].1, &RULES).is_some());
    let stranger = Subject::of(&fields("Mary", "021 555 0101"), &RULES);
    assert_eq!(still_possible_duplicate(&stranger, &existing[0].1, &RULES), None);
}

#[test]
fn a_shared_key_is_not_a_possible_duplicate() {
    let john = with(person("John", "Smith", "+64215550101", ""), Field::Email, "John@Example.com");
    let same_email = with(person("John", "Smith", "+64215550101", ""), Field::Email, "john@example.com");
    assert_eq!(likeness(&john, &same_email, &RULES), None);
    let a = with(person("John", "Smith", "+64215550101", ""), Field::Reference, "C-1");
    let b = with(person("John", "Smith", "+64215550101", ""), Field::Reference, "c-1");
    assert_eq!(likeness(&a, &b, &RULES), None);
    // Blank keys are not shared keys.
    let blank = person("John", "Smith", "+64215550101", "");
    assert!(likeness(&blank, &blank.clone(), &RULES).is_some());
}

#[test]
fn the_index_finds_rows_like_existing_contacts_and_earlier_rows() {
    let ana_id = Uuid::from_u128(1);
    let bob_id = Uuid::from_u128(2);
    let existing = vec![
        (ana_id, with(person("Ana", "Silva", "+64215550101", "1010"), Field::Email, "ana@x.co")),
        (bob_id, person("Bob", "Jones", "+442079460958", "SW1A 1AA")),
    ];
    let rows = vec![
        // 0: Ana again with another email: possibly the same as Ana.
        with(person("Ana", "Silva", "+64215550101", ""), Field::Email, "ana.silva@y.co"),
        // 1: Bob, names swapped, same postcode in another spelling.
        person("Jones", "Bob", "", "sw1a1aa"),
        // 2: someone new.
        person("Carla", "Mendes", "+61412345678", "2000"),
        // 3: Carla again, a row later, by initial and phone.
        person("C.", "Mendes", "+61412345678", ""),
        // 4: Ana's exact key: the check's business, not a possible duplicate.
        with(person("Ana", "Silva", "+64215550101", ""), Field::Email, "ANA@x.co"),
    ];
    let found = possible_duplicates(&rows, &existing, &RULES);
    let summary: Vec<(usize, DuplicateOf)> = found.iter().map(|found| (found.row, found.of)).collect();
    assert_eq!(
        summary,
        [
            (0, DuplicateOf::Contact(ana_id)),
            (1, DuplicateOf::Contact(bob_id)),
            (3, DuplicateOf::Row(2)),
            (4, DuplicateOf::Row(0)),
        ]
    );
    assert!(found[0].likeness.same_phone && !found[0].likeness.same_postcode);
    assert!(found[1].likeness.same_postcode && !found[1].likeness.same_phone);
}

#[test]
fn a_number_shared_by_a_crowd_says_nothing() {
    let switchboard = "+6493794567";
    let existing: Vec<(Uuid, Subject)> = (0..RULES.max_block as u128)
        .map(|n| (Uuid::from_u128(n + 1), person("John", "Smith", switchboard, "")))
        .collect();
    let rows = vec![person("John", "Smith", switchboard, "")];
    assert_eq!(possible_duplicates(&rows, &existing, &RULES), []);
    let fewer = &existing[..RULES.max_block - 1];
    assert_eq!(possible_duplicates(&rows, fewer, &RULES).len(), 1);
}

/// Every pair the all-pairs scan flags, the index finds too (for names that
/// differ by case, accents, order, initials or a middle name, as generated
/// here), on 1,400 subjects.
#[test]
fn the_index_finds_what_comparing_every_pair_finds() {
    let firsts = ["John", "Ana", "Zoë", "Pierre", "Mary", "Jürgen", "Wei", "Aroha"];
    let lasts = ["Smith", "Silva", "Müller", "Dubois", "Ngata", "O'Brien", "Chen", "Jones"];
    // Subject n is person n % 150, written in one of five ways; people share
    // postcodes (40 of them), and half the writings have the phone number.
    let subject = |n: usize| {
        let id = n % 150;
        let first = firsts[id % firsts.len()];
        let last = lasts[(id / firsts.len()) % lasts.len()];
        let (first, last) = match (n / 150) % 5 {
            0 => (first.to_string(), last.to_string()),
            1 => (last.to_string(), first.to_string()),
            2 => (first[..1].to_string(), last.to_uppercase()),
            3 => (format!("{first} Lee"), last.to_string()),
            _ => (first.to_lowercase(), last.to_string()),
        };
        let phone = format!("+6421{:07}", id);
        let postcode = format!("{}", 1000 + id % 40);
        person(&first, &last, if n % 2 == 0 { &phone } else { "" }, &postcode)
    };
    let existing: Vec<(Uuid, Subject)> = (0..700).map(|n| (Uuid::from_u128(n as u128 + 1), subject(n))).collect();
    let rows: Vec<Subject> = (700..1400).map(subject).collect();
    let rules = SimilarityRules { max_block: usize::MAX, ..RULES };
    let indexed = possible_duplicates(&rows, &existing, &rules);
    // All pairs: each row against every contact and every earlier row.
    let mut expected_rows = Vec::new();
    for (row, subject) in rows.iter().enumerate() {
        let others = existing.iter().map(|(_, other)| other).chain(rows[..row].iter());
        if others
            .filter_map(|other| likeness(subject, other, &rules))
            .any(|likeness| likeness.is_possible_duplicate(&rules))
        {
            expected_rows.push(row);
        }
    }
    assert!(expected_rows.len() > 300, "the data has duplicates to find: {}", expected_rows.len());
    assert_eq!(indexed.iter().map(|found| found.row).collect::<Vec<_>>(), expected_rows);
    // And each with the match the block-by-block search keeps.
    assert_eq!(indexed, reference_possible_duplicates(&rows, &existing, &rules));
    let crowded = SimilarityRules { max_block: 4, ..RULES };
    assert_eq!(
        possible_duplicates(&rows, &existing, &crowded),
        reference_possible_duplicates(&rows, &existing, &crowded)
    );
}

#[test]
fn a_row_is_compared_by_its_country_code_as_contacts_store_it() {
    let fields = |country: &str| {
        ContactFields::from_pairs([
            (Field::FirstName, "Ana"),
            (Field::LastName, "Silva"),
            (Field::Postcode, "1010"),
            (Field::Country, country),
        ])
    };
    let contact = Subject::of(&fields("NZ"), &RULES);
    for (typed, code, alike) in [("new zealand", "NZ", true), ("nz", "NZ", true), ("United Kingdom", "GB", false)] {
        let row = Subject::of_row(&fields(typed), &RULES);
        assert_eq!(row.country, code, "{typed}");
        assert_eq!(still_possible_duplicate(&row, &contact, &RULES).is_some(), alike, "{typed}");
        assert_eq!(Subject { country: String::new(), ..row }, Subject { country: String::new(), ..Subject::of(&fields(typed), &RULES) });
    }
    // A country the rules do not know is compared as typed.
    assert_eq!(Subject::of_row(&fields("Atlantis"), &RULES).country, "Atlantis");
}

#[test]
fn the_choice_defaults_to_create_and_update_fits_only_the_matched_contact() {
    assert_eq!(DuplicateChoice::default(), DuplicateChoice::CreateAnyway);
    let matched = Uuid::from_u128(7);
    let likeness = Likeness { name: 1.0, same_phone: true, same_postcode: false };
    let of_contact = PossibleDuplicate { row: 3, of: DuplicateOf::Contact(matched), likeness };
    let of_row = PossibleDuplicate { row: 3, of: DuplicateOf::Row(1), likeness };
    let table = [
        (DuplicateChoice::CreateAnyway, true, true),
        (DuplicateChoice::Skip, true, true),
        (DuplicateChoice::Update { contact: matched }, true, false),
        (DuplicateChoice::Update { contact: Uuid::from_u128(8) }, false, false),
    ];
    for (choice, fits_contact, fits_row) in table {
        assert_eq!(choice.fits(&of_contact), fits_contact, "{choice:?}");
        assert_eq!(choice.fits(&of_row), fits_row, "{choice:?}");
    }
    let json = serde_json::to_string(&DuplicateChoice::Update { contact: matched }).expect("serialises");
    assert_eq!(json, r#"{"update":{"contact":"00000000-0000-0000-0000-000000000007"}}"#);
    assert_eq!(serde_json::from_str::<DuplicateChoice>(r#""skip""#).expect("reads"), DuplicateChoice::Skip);
    // Postcard, as uploaded rows carry it.
    for choice in [DuplicateChoice::CreateAnyway, DuplicateChoice::Skip, DuplicateChoice::Update { contact: matched }] {
        let bytes = postcard::to_allocvec(&choice).expect("serialises");
        assert_eq!(postcard::from_bytes::<DuplicateChoice>(&bytes).expect("reads"), choice);
    }
}

/// Not a check of speed (tests assert no timings): prints what finding
/// possible duplicates costs per row, for 200,000 rows against 50,000
/// contacts. Run with
/// `cargo test -p rules --release --lib -- --ignored --nocapture similar`.
#[test]
#[ignore]
fn prints_the_cost_of_finding_possible_duplicates() {
    // 180,000 people (first names × made-up surnames), postcodes spread
    // independently; subjects n and n + 180,000 are the same person, so
    // rows from 180,000 on repeat contacts and earlier rows.
    let firsts = ["John", "Ana", "Zoë", "Pierre", "Mary", "Jürgen", "Wei", "Aroha", "Liam", "Sofia"];
    let syllables = ["ka", "ro", "mi", "ten", "sul", "bor", "an", "vel", "dri", "ou", "pe", "zan"];
    let subject = |n: usize| {
        let id = n % 180_000;
        let first = firsts[id % firsts.len()];
        let last: String = [id / 10 % 12, id / 120 % 12, id / 1440 % 12]
            .iter()
            .map(|&at| syllables[at])
            .collect();
        let phone = format!("+6421{id:07}");
        let postcode = format!("{}", 1000 + id.wrapping_mul(7919) % 3000);
        person(first, &last, if n % 3 == 0 { "" } else { &phone }, &postcode)
    };
    let existing: Vec<(Uuid, Subject)> = (0..50_000).map(|n| (Uuid::from_u128(n as u128 + 1), subject(n))).collect();
    let rows: Vec<Subject> = (50_000..250_000).map(subject).collect();
    let started = Instant::now();
    let found = possible_duplicates(&rows, &existing, &RULES);
    let elapsed = started.elapsed();
    println!(
        "possible_duplicates: {} ns/row ({} rows, {} contacts, {} flagged)",
        elapsed.as_nanos() / rows.len() as u128,
        rows.len(),
        existing.len(),
        found.len()
    );
    assert!(!found.is_empty());
}

/// The search as first written, block by block, kept as the reference the
/// index must agree with: every pair in a block scored (again for each
/// block it shares), its texts as strings.
fn reference_possible_duplicates(
    rows: &[Subject],
    existing: &[(Uuid, Subject)],
    rules: &SimilarityRules,
) -> Vec<PossibleDuplicate> {
    use std::collections::HashMap;
    #[derive(Clone, Copy)]
    enum Member {
        Existing(usize),
        Row(usize),
    }
    let blocks_of = |subject: &Subject| {
        let mut keys: Vec<String> = subject.phones.iter().map(|phone| format!("p{phone}")).collect();
        if !subject.postcode.is_empty() {
            for word in subject.name.iter().filter(|word| word.chars().nth(1).is_some()) {
                let start: String = word.chars().take(rules.block_letters).collect();
                keys.push(format!("z{}\u{0}{start}", subject.postcode));
            }
        }
        keys.sort_unstable();
        keys.dedup();
        keys
    };
    let closer = |a: &PossibleDuplicate, b: &PossibleDuplicate| {
        let evidence = |d: &PossibleDuplicate| u8::from(d.likeness.same_phone) + u8::from(d.likeness.same_postcode);
        let rank = |d: &PossibleDuplicate| match d.of {
            DuplicateOf::Contact(id) => (0, id.as_u128(), 0),
            DuplicateOf::Row(row) => (1, 0, row),
        };
        a.likeness.name.total_cmp(&b.likeness.name).then(evidence(a).cmp(&evidence(b))).then(rank(b).cmp(&rank(a))).is_gt()
    };
    let mut blocks: HashMap<String, Vec<Member>> = HashMap::new();
    let members = existing
        .iter()
        .enumerate()
        .map(|(at, (_, subject))| (Member::Existing(at), subject))
        .chain(rows.iter().enumerate().map(|(at, subject)| (Member::Row(at), subject)));
    for (member, subject) in members {
        for key in blocks_of(subject) {
            blocks.entry(key).or_default().push(member);
        }
    }
    let mut best: HashMap<usize, PossibleDuplicate> = HashMap::new();
    for block in blocks.values().filter(|block| block.len() <= rules.max_block) {
        for (at, member) in block.iter().enumerate() {
            let Member::Row(row) = *member else { continue };
            for other in block.iter().take(at) {
                let (of, subject) = match *other {
                    Member::Existing(index) => (DuplicateOf::Contact(existing[index].0), &existing[index].1),
                    Member::Row(earlier) => (DuplicateOf::Row(earlier), &rows[earlier]),
                };
                let Some(likeness) = likeness(&rows[row], subject, rules) else { continue };
                if !likeness.is_possible_duplicate(rules) {
                    continue;
                }
                let found = PossibleDuplicate { row, of, likeness };
                best.entry(row)
                    .and_modify(|kept| {
                        if closer(&found, kept) {
                            *kept = found;
                        }
                    })
                    .or_insert(found);
            }
        }
    }
    let mut found: Vec<PossibleDuplicate> = best.into_values().collect();
    found.sort_by_key(|duplicate| duplicate.row);
    found
}

mod same_as_the_reference {
    use proptest::prelude::*;

    use super::*;

    /// A subject from small sets of names, phones, postcodes, countries and
    /// keys, so that blocks are shared, crowded and overlapping, names are
    /// alike in every way the score knows (initials, accents, order, extra
    /// words), and keys are sometimes shared.
    fn subject() -> impl Strategy<Value = Subject> {
        let first = prop::sample::select(vec!["John", "Jon", "J", "Ana", "Anna", "Zoë", "Zoe", "Mary", "Marie", ""]);
        let last = prop::sample::select(vec![
            "Smith", "Smyth", "Smithers", "Silva", "Silvia", "O'Brien", "Obrien", "Jones Smith", "Lee", "",
        ]);
        let company = prop::sample::select(vec!["", "", "Acme Ltd", "Acme Holdings", "The Smith Company"]);
        let phones = prop::collection::vec(prop::sample::select(vec!["15550101", "15550102", "99990000"]), 0..3);
        let postcode = prop::sample::select(vec!["", "1010", "1011", "SW1A 1AA"]);
        let country = prop::sample::select(vec!["", "", "NZ", "GB"]);
        let key = prop::sample::select(vec!["", "", "", "a", "b"]);
        (first, last, company, phones, postcode, country, key.clone(), key).prop_map(
            |(first, last, company, phones, postcode, country, reference, email)| {
                let email = if email.is_empty() { String::new() } else { format!("{email}@example.com") };
                let fields = ContactFields::from_pairs([
                    (Field::FirstName, first),
                    (Field::LastName, last),
                    (Field::CompanyName, company),
                    (Field::Postcode, postcode),
                    (Field::Country, country),
                    (Field::Reference, reference),
                    (Field::Email, &email),
                ]);
                Subject::new(&fields, phones.into_iter().map(String::from))
            },
        )
    }

    /// The thresholds as data, around the ones in use and past them (a
    /// block of one, an initial worth more than a match, no extra-word
    /// penalty).
    fn rules() -> impl Strategy<Value = SimilarityRules> {
        (
            prop::sample::select(vec![0.0, 0.5, 0.8, 0.85]),
            prop::sample::select(vec![0.0, 0.8, 0.9, 0.95, 1.0]),
            prop::sample::select(vec![0.5, 0.9, 1.0, 1.2]),
            prop::sample::select(vec![0.5, 0.9, 1.0]),
            1usize..5,
            prop::sample::select(vec![1, 2, 3, 5, 50]),
        )
            .prop_map(|(name_with_phone, name_with_postcode, initial, extra_word, block_letters, max_block)| {
                SimilarityRules {
                    name_with_phone,
                    name_with_postcode,
                    initial,
                    extra_word,
                    block_letters,
                    max_block,
                    ..RULES
                }
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn the_index_flags_exactly_what_the_block_by_block_search_flags(
            rows in prop::collection::vec(subject(), 0..40),
            existing in prop::collection::vec(subject(), 0..20),
            rules in rules(),
        ) {
            let existing: Vec<(Uuid, Subject)> =
                existing.into_iter().enumerate().map(|(at, subject)| (Uuid::from_u128(at as u128 + 1), subject)).collect();
            prop_assert_eq!(
                possible_duplicates(&rows, &existing, &rules),
                reference_possible_duplicates(&rows, &existing, &rules)
            );
        }

        #[test]
        fn searching_a_few_rows_at_a_time_finds_what_one_search_finds(
            rows in prop::collection::vec(subject(), 0..40),
            existing in prop::collection::vec(subject(), 0..10),
            slice in 1usize..7,
        ) {
            let existing: Vec<(Uuid, Subject)> =
                existing.into_iter().enumerate().map(|(at, subject)| (Uuid::from_u128(at as u128 + 1), subject)).collect();
            let mut index = DuplicateIndex::new(&existing, &RULES);
            for row in &rows {
                index.add_row(row);
            }
            let mut search = index.search();
            let mut steps = 0;
            while !search.step(slice) {
                steps += 1;
                prop_assert_eq!(search.progress(), (steps * slice, rows.len()));
            }
            prop_assert_eq!(search.progress(), (rows.len(), rows.len()));
            prop_assert_eq!(search.finish(), reference_possible_duplicates(&rows, &existing, &RULES));
        }
    }
}
