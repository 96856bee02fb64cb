use std::collections::HashMap;

use super::*;

fn guessed(field: ChoiceField, text: &str) -> Option<&'static str> {
    guess(field, text).map(|guess| guess.choice.value())
}

#[test]
fn unknown_values_get_a_sensible_guess() {
    use ChoiceField::{Category as Cat, Country as Ctry, Kind};
    let table: &[(ChoiceField, &str, Option<&str>)] = &[
        // Categories, in the languages property managers write.
        (Cat, "Mieter", Some("Tenant")),
        (Cat, "  MIETERIN ", Some("Tenant")),
        (Cat, "Owner", Some("Landlord")),
        (Cat, "Vermieter", Some("Landlord")),
        (Cat, "Propriétaire", Some("Landlord")),
        (Cat, "proprietaire", Some("Landlord")),
        (Cat, "Lieferant", Some("Supplier")),
        (Cat, "Tradie", Some("Supplier")),
        (Cat, "Huurder", Some("Tenant")),
        (Cat, "Inquilino", Some("Tenant")),
        (Cat, "Makelaar", Some("Agent")),
        (Cat, "Property Manager", Some("Agent")),
        (Cat, "Sonstige", Some("Other")),
        (Cat, "N/A", Some("")),
        // Typos, by similarity.
        (Cat, "Tennant", Some("Tenant")),
        (Cat, "Landlrod", Some("Landlord")),
        (Cat, "Suppliers.", Some("Supplier")),
        (Cat, "Vermieterr", Some("Landlord")),
        // Contact types.
        (Kind, "Co", Some("Company")),
        (Kind, "Ltd", Some("Company")),
        (Kind, "Business", Some("Company")),
        (Kind, "GmbH", Some("Company")),
        (Kind, "Privatperson", Some("Person")),
        (Kind, "Particulier", Some("Person")),
        (Kind, "Compnay", Some("Company")),
        (Kind, "Individual", Some("Person")),
        // Countries.
        (Ctry, "U.K.", Some("GB")),
        (Ctry, "Deutschland", Some("DE")),
        (Ctry, "Holland", Some("NL")),
        (Ctry, "Nederland", Some("NL")),
        (Ctry, "Royaume-Uni", Some("GB")),
        (Ctry, "Nueva Zelanda", Some("NZ")),
        (Ctry, "Österreich", Some("AT")),
        (Ctry, "Oesterreich", Some("AT")),
        (Ctry, "Germny", Some("DE")),
        (Ctry, "Austrailia", Some("AU")),
        (Ctry, "New Zeland", Some("NZ")),
        (Ctry, "Swizerland", Some("CH")),
        // Known values are themselves.
        (Cat, "tenant", Some("Tenant")),
        (Kind, "COMPANY", Some("Company")),
        (Ctry, "gb", Some("GB")),
        // Nothing close enough, too short to guess, or blank.
        (Cat, "Plumbing", None),
        (Cat, "xyz", None),
        (Ctry, "Narnia", None),
        (Ctry, "Zz", None),
        (Ctry, "Austr", None),
        (Kind, "", None),
        (Kind, "   ", None),
        (Cat, "!!!", None),
    ];
    for (field, text, expected) in table {
        assert_eq!(guessed(*field, text), *expected, "{field:?} {text:?} → {:?}", guess(*field, text));
    }
}

#[test]
fn a_guess_says_where_it_came_from() {
    let known = guess(ChoiceField::Category, "tenant").expect("guess");
    assert_eq!(known.reason, GuessReason::Known);
    let synonym = guess(ChoiceField::Category, "Mieter").expect("guess");
    assert_eq!(synonym.reason, GuessReason::Synonym);
    let similar = guess(ChoiceField::Category, "Tennant").expect("guess");
    let GuessReason::Similar { spelling, similarity } = similar.reason else {
        panic!("{similar:?}")
    };
    assert_eq!(spelling, "Tenant");
    assert!(similarity >= GUESS_RULES.min_similarity && similarity < 1.0);
}

#[test]
fn the_similarity_thresholds_decide_the_fallback() {
    let strict = GuessRules { min_similarity: 0.99, ..GUESS_RULES };
    assert_eq!(guess_with(ChoiceField::Category, "Tennant", &strict), None);
    assert_eq!(guess(ChoiceField::Category, "Tenet"), None);
    let loose = GuessRules { min_similarity: 0.5, min_chars: 1, min_lead: 0.0 };
    assert_eq!(guess_with(ChoiceField::Category, "Tenet", &loose).map(|g| g.choice.value()), Some("Tenant"));
    // Closest, but not clearly: no guess.
    let demanding_lead = GuessRules { min_lead: 0.5, ..GUESS_RULES };
    assert_eq!(guess_with(ChoiceField::Country, "Germny", &demanding_lead), None);
}

#[test]
fn the_synonym_tables_hold_only_values_the_rules_accept_and_no_clashes() {
    let tables = [
        (ChoiceField::Kind, synonyms::KINDS),
        (ChoiceField::Category, synonyms::CATEGORIES),
        (ChoiceField::Country, synonyms::COUNTRIES),
    ];
    let mut wrong = Vec::new();
    for (field, table) in tables {
        let mut seen: HashMap<String, &str> = HashMap::new();
        for (value, texts) in table {
            let choice = Choice::parse(field, value).unwrap_or_else(|| panic!("{value:?} in {field:?}"));
            assert_eq!(choice.value(), *value, "{value:?} is in its stored spelling");
            for text in *texts {
                let key = choice_key(text);
                assert!(!key.is_empty(), "{text:?}");
                if let Some(other) = seen.insert(key, value) {
                    wrong.push(format!("{text:?} in {field:?} is listed twice (as {other:?} and {value:?})"));
                }
                if let Some(known) = Choice::parse(field, text) {
                    wrong.push(format!("{text:?} is already known in {field:?} as {:?}: no synonym needed", known.value()));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_mapping_applies_to_every_row_with_that_value_in_any_case() {
    let mut mapping = ValueMapping::new();
    assert_eq!(mapping.set(ChoiceField::Category, "Mieter", "Tenant").map(Choice::value), Ok("Tenant"));
    assert_eq!(mapping.set(ChoiceField::Category, "Owner", "landlord").map(Choice::value), Ok("Landlord"));
    assert_eq!(mapping.set(ChoiceField::Country, "Deutschland", "Germany").map(Choice::value), Ok("DE"));
    assert_eq!(mapping.set(ChoiceField::Category, "n/a", "").map(Choice::value), Ok(""));
    let column = ["Mieter", "mieter ", "Tenant", "Owner", "Vermieter", "N/A", ""];
    let batch = mapping.edits(ChoiceField::Category, column.iter().copied().enumerate());
    let edits: Vec<(usize, &str)> = batch.edits.iter().map(|edit| (edit.row, edit.value.as_str())).collect();
    assert_eq!(edits, [(0, "Tenant"), (1, "Tenant"), (3, "Landlord"), (5, "")]);
    assert!(batch.edits.iter().all(|edit| edit.field == Field::Category));
    assert_eq!(batch.inverse[1].value, "mieter ");
    // Another column's entries do not apply here.
    let countries = ["Deutschland", "Mieter"];
    let batch = mapping.edits(ChoiceField::Country, countries.iter().copied().enumerate());
    assert_eq!(batch.edits.len(), 1);
    assert_eq!((batch.edits[0].row, batch.edits[0].field, batch.edits[0].value.as_str()), (0, Field::Country, "DE"));
}

#[test]
fn a_later_choice_replaces_the_earlier_and_can_be_forgotten() {
    let mut mapping = ValueMapping::new();
    mapping.set(ChoiceField::Category, "Owner", "Landlord").expect("set");
    mapping.set(ChoiceField::Category, "OWNER", "Other").expect("set");
    assert_eq!(mapping.get(ChoiceField::Category, "owner").map(Choice::value), Some("Other"));
    assert_eq!(mapping.entries().count(), 1);
    assert!(mapping.remove(ChoiceField::Category, "Owner "));
    assert!(!mapping.remove(ChoiceField::Category, "Owner"));
    assert!(mapping.is_empty());
}

#[test]
fn a_mapping_refuses_what_the_rules_would_not_accept_and_changes_nothing() {
    let mut mapping = ValueMapping::new();
    mapping.set(ChoiceField::Kind, "Co", "Company").expect("set");
    let before = mapping.clone();
    let table: &[(ChoiceField, &str, &str, MappingError)] = &[
        (ChoiceField::Category, "Mieter", "Renter", MappingError::NotAChoice { field: ChoiceField::Category, to: "Renter".into() }),
        (ChoiceField::Country, "Deutschland", "Narnia", MappingError::NotAChoice { field: ChoiceField::Country, to: "Narnia".into() }),
        (ChoiceField::Kind, "  ", "Person", MappingError::BlankValue { field: ChoiceField::Kind }),
        (ChoiceField::Category, "Tenant", "Landlord", MappingError::AlreadyKnown { field: ChoiceField::Category, from: "Tenant".into() }),
        (ChoiceField::Country, "U.K.", "IE", MappingError::AlreadyKnown { field: ChoiceField::Country, from: "U.K.".into() }),
    ];
    for (field, from, to, expected) in table {
        assert_eq!(mapping.set(*field, from, to).as_ref(), Err(expected), "{from:?} → {to:?}");
        assert!(expected.problem_text().ends_with('.') && expected.fix_text().ends_with('.'));
    }
    assert_eq!(mapping, before);
}

#[test]
fn a_mapping_round_trips_through_json_and_bad_json_is_refused() {
    let mut mapping = ValueMapping::new();
    mapping.set(ChoiceField::Category, "Mieter", "Tenant").expect("set");
    mapping.set(ChoiceField::Country, "Deutschland", "DE").expect("set");
    let json = serde_json::to_string(&mapping).expect("serialises");
    assert_eq!(
        json,
        r#"[{"field":"country","from":"Deutschland","to":"DE"},{"field":"category","from":"Mieter","to":"Tenant"}]"#
    );
    assert_eq!(serde_json::from_str::<ValueMapping>(&json).expect("reads"), mapping);
    let bad = r#"[{"field":"category","from":"Mieter","to":"Renter"}]"#;
    let error = serde_json::from_str::<ValueMapping>(bad).expect_err("refused");
    assert!(error.to_string().contains("is not a Category"), "{error}");
}

#[test]
fn unknown_values_are_listed_once_each_most_frequent_first() {
    let mut mapping = ValueMapping::new();
    mapping.set(ChoiceField::Category, "Owner", "Other").expect("set");
    let column = ["Mieter", "Tenant", "mieter", "Owner", " MIETER ", "", "Plumbing", "owner", "Landlord"];
    let listed = unknown_values(ChoiceField::Category, column, &mapping);
    assert_eq!(listed.field, ChoiceField::Category);
    assert_eq!(listed.more, 0);
    let rows: Vec<(&str, usize, Option<&str>, Option<&str>)> = listed
        .values
        .iter()
        .map(|value| {
            (
                value.text.as_str(),
                value.rows,
                value.mapped.map(Choice::value),
                value.guess.map(|guess| guess.choice.value()),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("Mieter", 3, None, Some("Tenant")),
            ("Owner", 2, Some("Other"), Some("Landlord")),
            ("Plumbing", 1, None, None),
        ]
    );
}

#[test]
fn a_column_of_free_text_lists_a_bounded_number_of_values() {
    let texts: Vec<String> = (0..MAX_UNKNOWN_LISTED + 50).map(|n| format!("value {n}")).collect();
    let listed = unknown_values(ChoiceField::Country, texts.iter().map(String::as_str), &ValueMapping::new());
    assert_eq!(listed.values.len(), MAX_UNKNOWN_LISTED);
    assert_eq!(listed.more, 50);
}

#[test]
fn every_choice_column_offers_blank_and_its_values() {
    assert_eq!(
        Choice::options(ChoiceField::Kind).iter().map(|c| c.value()).collect::<Vec<_>>(),
        ["", "Person", "Company"]
    );
    assert_eq!(Choice::options(ChoiceField::Category).len(), 6);
    assert_eq!(Choice::options(ChoiceField::Country).len(), COUNTRIES.len() + 1);
    for field in ChoiceField::ALL {
        assert_eq!(ChoiceField::of(field.field()), Some(field));
    }
    assert_eq!(ChoiceField::of(Field::Email), None);
}

/// Not a check of speed: prints what listing unknown values costs per cell
/// (200,000 cells, mostly known) and per guess by similarity. Run with
/// `cargo test -p rules --release --lib -- --ignored --nocapture choices`.
#[test]
#[ignore]
fn prints_the_cost_of_listing_unknown_values() {
    let spellings = ["NZ", "New Zealand", "Deutschland", "U.K.", "Germny", "au", "Narnia"];
    let cells: Vec<&str> = (0..200_000).map(|n| spellings[n % spellings.len()]).collect();
    let started = std::time::Instant::now();
    let listed = unknown_values(ChoiceField::Country, cells.iter().copied(), &ValueMapping::new());
    let per_cell = started.elapsed().as_nanos() / cells.len() as u128;
    let started = std::time::Instant::now();
    let guesses = (0..1000).filter(|n| guess(ChoiceField::Country, &format!("Cuntry {n}")).is_some()).count();
    let per_guess = started.elapsed().as_nanos() / 1000;
    println!("unknown_values: {per_cell} ns/cell ({} listed); a guess by similarity: {per_guess} ns ({guesses} guessed)", listed.values.len());
}
