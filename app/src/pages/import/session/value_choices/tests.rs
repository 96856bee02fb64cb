use rules::choices::{ChoiceField, GuessReason, MappingError, ValueMapping};
use rules::Field;

use super::super::tests::session;
use super::super::Session;
use super::{choice_label, ChoiceOrigin, ValueChoices};

const HEADERS: [&str; 5] = ["First Name", "Last Name", "Email", "Category", "Country"];

/// Four people: two "Mieter", an "Owner" in the U.K., a "Hausmeister" in
/// "Deutschland"; the guesses filled in.
fn mixed() -> Session {
    let mut session = session(
        &HEADERS,
        vec![
            vec!["Ana", "Silva", "ana@example.com", "Mieter", "U.K."],
            vec!["Ben", "Jones", "ben@example.com", "Owner", "Deutschland"],
            vec!["Cy", "Doe", "cy@example.com", "MIETER ", "AU"],
            vec!["Di", "Roe", "di@example.com", "Hausmeister", "Deutschland"],
        ],
        vec![],
    );
    session.find_value_choices(ValueChoices::default());
    session
}

fn category(session: &Session, index: usize) -> String {
    session.check.row(index).unwrap().values.get(Field::Category).to_string()
}

fn issues_of(session: &Session, index: usize) -> Vec<String> {
    session.check.verdict(index).unwrap().issues.iter().map(|issue| issue.to_string()).collect()
}

#[test]
fn unknown_values_are_listed_once_each_with_their_row_count_and_the_guess_filled_in() {
    let session = mixed();
    let view = session.value_choices_view();
    // U.K. and AU are countries the rules read: only Deutschland is listed.
    assert_eq!(view.iter().map(|column| column.field).collect::<Vec<_>>(), vec![ChoiceField::Country, ChoiceField::Category]);
    let country = &view[0];
    assert_eq!(country.header, "Country");
    assert_eq!(country.values.len(), 1);
    assert_eq!((country.values[0].text.as_str(), country.values[0].rows, country.values[0].chosen), ("Deutschland", 2, Some("DE")));
    let categories = &view[1];
    let listed: Vec<(&str, usize, Option<&str>)> =
        categories.values.iter().map(|value| (value.text.as_str(), value.rows, value.chosen)).collect();
    assert_eq!(listed, vec![("Mieter", 2, Some("Tenant")), ("Owner", 1, Some("Landlord")), ("Hausmeister", 1, None)]);
    assert_eq!(categories.values[0].origin, Some(ChoiceOrigin::Guess(GuessReason::Synonym)));
    assert_eq!(categories.values[0].note().as_deref(), Some("Our guess: a word for Tenant"));
    assert_eq!(categories.values[2].note(), None);
}

#[test]
fn a_guessed_country_is_called_by_its_name_not_its_code() {
    let session = mixed();
    let view = session.value_choices_view();
    let deutschland = &view[0].values[0];
    assert_eq!(deutschland.chosen, Some("DE"));
    assert_eq!(deutschland.note().as_deref(), Some("Our guess: a word for Germany"));
}

/// A file with several unknown values in each choice column, some sharing
/// rows, one typed in two ways, one with no guess.
fn many_unknowns() -> Session {
    session(
        &["First Name", "Last Name", "Email", "Contact Type", "Category", "Country"],
        vec![
            vec!["Ana", "Silva", "ana@example.com", "Persona", "Mieter", "Deutschland"],
            vec!["Ben", "Jones", "ben@example.com", "Firma", "Owner", "U.K."],
            vec!["Cy", "Doe", "cy@example.com", "persona", "MIETER ", "Deutschland"],
            vec!["Di", "Roe", "di@example.com", "Person", "Hausmeister", "Allemagne"],
            vec!["Ed", "Ray", "ed@example.com", "Firma", "Tennant", "Espana"],
            vec!["Flo", "Kim", "flo@example.com", "Persona", "Owner", "Narnia"],
        ],
        vec![],
    )
}

#[test]
fn choices_filled_in_one_pass_change_the_rows_as_choosing_each_value_in_turn_would() {
    let mut one_pass = many_unknowns();
    one_pass.find_value_choices(ValueChoices::default());
    let view = one_pass.value_choices_view();
    let listed: usize = view.iter().map(|column| column.values.len()).sum();
    assert!(listed >= 6, "several unknown values in every column: {view:?}");

    let mut in_turn = many_unknowns();
    for column in &view {
        for value in &column.values {
            in_turn.choose_value(column.field, &value.text, value.chosen).expect("a choice");
        }
    }
    assert_eq!(one_pass.check, in_turn.check, "every cell, verdict and count the same");
    assert_eq!(one_pass.values.mapping(), in_turn.values.mapping());

    // And each filled-in choice can still be taken back on its own.
    for column in &view {
        for value in column.values.iter().filter(|value| value.chosen.is_some()) {
            one_pass.choose_value(column.field, &value.text, None).expect("left as is");
        }
    }
    assert_eq!(one_pass.check, many_unknowns().check, "the rows as read");
}

#[test]
fn a_guess_is_applied_to_every_row_with_the_value_and_those_rows_are_valid_at_once() {
    let session = mixed();
    assert_eq!(category(&session, 0), "Tenant");
    assert_eq!(category(&session, 2), "Tenant", "MIETER with a space is the same value");
    assert_eq!(category(&session, 1), "Landlord");
    assert_eq!(session.check.row(1).unwrap().values.get(Field::Country), "DE");
    assert!(session.check.verdict(0).unwrap().is_valid(), "{:?}", issues_of(&session, 0));
    assert!(session.check.verdict(1).unwrap().is_valid(), "{:?}", issues_of(&session, 1));
    // Hausmeister has no guess: it stays as written, with its issue.
    assert_eq!(category(&session, 3), "Hausmeister");
    let issues = issues_of(&session, 3);
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert!(issues[0].contains("Hausmeister"), "{issues:?}");
    assert_eq!(session.counts().with_issues, 1);
}

#[test]
fn choosing_a_value_changes_every_row_with_it_and_its_issue_disappears() {
    let mut session = mixed();
    let changed = session.choose_value(ChoiceField::Category, "hausmeister", Some("Supplier")).expect("a choice");
    assert_eq!(changed, vec![3]);
    assert_eq!(category(&session, 3), "Supplier");
    assert!(session.check.verdict(3).unwrap().is_valid());
    assert_eq!(session.counts().with_issues, 0);
    let view = session.value_choices_view();
    let listed = &view[1].values[2];
    assert_eq!((listed.text.as_str(), listed.chosen, listed.origin), ("Hausmeister", Some("Supplier"), Some(ChoiceOrigin::Chosen)));
    assert_eq!(listed.note(), None, "the user's own choice is not called a guess");
}

#[test]
fn a_choice_can_be_changed_and_changed_back_to_the_files_own_value() {
    let mut session = mixed();
    assert_eq!(session.choose_value(ChoiceField::Category, "Mieter", Some("Landlord")), Ok(vec![0, 2]));
    assert_eq!((category(&session, 0), category(&session, 2)), ("Landlord".to_string(), "Landlord".to_string()));
    // "Leave as is": the file's own text back, with its issue.
    assert_eq!(session.choose_value(ChoiceField::Category, "Mieter", None), Ok(vec![0, 2]));
    assert_eq!((category(&session, 0), category(&session, 2)), ("Mieter".to_string(), "MIETER".to_string()));
    assert!(!session.check.verdict(0).unwrap().is_valid());
    assert_eq!(session.counts().with_issues, 3);
    let view = session.value_choices_view();
    assert_eq!(view[1].values[0].chosen, None, "still listed, now left as is");
    // And chosen again.
    assert_eq!(session.choose_value(ChoiceField::Category, "Mieter", Some("Tenant")), Ok(vec![0, 2]));
    assert_eq!(session.counts().with_issues, 1);
}

#[test]
fn a_cell_typed_over_by_hand_is_not_put_back_when_the_choice_changes() {
    let mut session = mixed();
    session.check.set_cell(2, Field::Category, "Agent");
    assert_eq!(session.choose_value(ChoiceField::Category, "Mieter", None), Ok(vec![0]));
    assert_eq!(category(&session, 2), "Agent");
}

#[test]
fn blank_can_be_chosen_and_a_value_the_column_does_not_accept_is_refused_changing_nothing() {
    let mut session = mixed();
    assert_eq!(session.choose_value(ChoiceField::Category, "Owner", Some("")), Ok(vec![1]));
    assert_eq!(category(&session, 1), "");
    let before: Vec<String> = (0..4).map(|index| category(&session, index)).collect();
    let refused = session.choose_value(ChoiceField::Category, "Hausmeister", Some("Janitor"));
    assert_eq!(refused, Err(MappingError::NotAChoice { field: ChoiceField::Category, to: "Janitor".into() }));
    assert_eq!(refused.unwrap_err().to_string(), "\u{201c}Janitor\u{201d} is not a Category. Choose one of the values offered.");
    let refused = session.choose_value(ChoiceField::Category, "Tenant", Some("Landlord"));
    assert!(matches!(refused, Err(MappingError::AlreadyKnown { .. })), "{refused:?}");
    assert_eq!((0..4).map(|index| category(&session, index)).collect::<Vec<_>>(), before);
    assert_eq!(session.value_choices_view()[1].values[2].chosen, None);
}

#[test]
fn removed_rows_are_not_changed_by_a_choice() {
    let mut session = mixed();
    session.check.remove_row(2);
    assert_eq!(session.choose_value(ChoiceField::Category, "Mieter", Some("Agent")), Ok(vec![0]));
    assert_eq!(category(&session, 2), "Tenant");
}

#[test]
fn choices_made_before_the_rows_were_rebuilt_are_applied_again_as_the_users() {
    let mut session = mixed();
    session.choose_value(ChoiceField::Category, "Hausmeister", Some("Supplier")).expect("a choice");
    session.choose_value(ChoiceField::Category, "Mieter", None).expect("left as is");
    // The rows rebuilt from the file, as after a change of column mapping.
    let rows = super::super::rows_for(&session.mapping, &session.sheet_rows);
    session.check = super::super::check(session.mapping.import_columns(), rows, vec![], session.check.mode());
    let earlier = std::mem::take(&mut session.values);
    session.find_value_choices(earlier);
    assert_eq!(category(&session, 3), "Supplier");
    assert_eq!(category(&session, 1), "Landlord", "still the guess");
    assert_eq!(category(&session, 0), "Tenant", "a value left as is is guessed again on a new build");
    let view = session.value_choices_view();
    assert_eq!(view[1].values[2].origin, Some(ChoiceOrigin::Chosen));
}

#[test]
fn remembered_choices_win_over_guesses_and_say_where_they_came_from() {
    let mut session = session(
        &HEADERS,
        vec![vec!["Ana", "Silva", "ana@example.com", "Owner", "Deutschland"]],
        vec![],
    );
    let mut remembered = ValueMapping::new();
    remembered.set(ChoiceField::Category, "owner", "Supplier").expect("a choice");
    session.find_value_choices(ValueChoices::remembered(remembered.clone()));
    assert_eq!(category(&session, 0), "Supplier");
    let view = session.value_choices_view();
    let owner = &view[1].values[0];
    assert_eq!(owner.origin, Some(ChoiceOrigin::Remembered));
    assert_eq!(owner.note().as_deref(), Some("Remembered from your last import"));
    // What the account would remember now: the remembered choice and the guess kept.
    let entries: Vec<(ChoiceField, String, String)> =
        session.values.mapping().entries().map(|entry| (entry.field, entry.from, entry.to)).collect();
    assert_eq!(
        entries,
        vec![
            (ChoiceField::Country, "Deutschland".to_string(), "DE".to_string()),
            (ChoiceField::Category, "Owner".to_string(), "Supplier".to_string()),
        ]
    );
}

#[test]
fn a_file_whose_values_are_all_known_lists_nothing() {
    let mut session = session(&HEADERS, vec![vec!["Ana", "Silva", "ana@example.com", "tenant", "gb"]], vec![]);
    session.find_value_choices(ValueChoices::default());
    assert!(session.value_choices_view().is_empty());
    assert!(session.values.mapping().is_empty());
}

#[test]
fn choices_read_as_their_value_a_country_with_its_name() {
    let options = rules::choices::Choice::options(ChoiceField::Country);
    assert_eq!(choice_label(options[0]), "(blank)");
    let gb = rules::choices::Choice::parse(ChoiceField::Country, "gb").expect("GB");
    assert_eq!(choice_label(gb), "GB — United Kingdom");
    let tenant = rules::choices::Choice::parse(ChoiceField::Category, "tenant").expect("Tenant");
    assert_eq!(choice_label(tenant), "Tenant");
}

#[test]
fn a_spreadsheet_error_in_a_choice_column_is_not_a_value_to_map() {
    let mut session = session(&HEADERS, vec![vec!["Ana", "Silva", "ana@example.com", "#N/A", "AU"]], vec![]);
    session.sheet_rows[0].cells[3] = rules::Cell::Error("#N/A".to_string());
    let rows = super::super::rows_for(&session.mapping, &session.sheet_rows);
    session.check = super::super::check(session.mapping.import_columns(), rows, vec![], session.check.mode());
    session.find_value_choices(ValueChoices::default());
    assert!(session.value_choices_view().is_empty());
    assert_eq!(category(&session, 0), "#N/A");
    assert!(!session.check.verdict(0).unwrap().is_valid(), "the error is still an issue");
}

#[test]
fn what_is_remembered_is_the_columns_chosen_by_hand_and_the_value_choices_in_force() {
    let mut plain = session(&["First Name", "Last Name"], vec![vec!["Ana", "Silva"]], vec![]);
    plain.find_value_choices(ValueChoices::default());
    assert_eq!(plain.mapping_to_remember(), None, "nothing chosen, nothing to remember");

    let mut session = session(&["First Name", "Last Name", "Role"], vec![vec!["Ana", "Silva", "Hausmeister"]], vec![]);
    session.mapping.set(2, Some(Field::Category));
    let rows = super::super::rows_for(&session.mapping, &session.sheet_rows);
    session.check = super::super::check(session.mapping.import_columns(), rows, vec![], session.check.mode());
    session.find_value_choices(ValueChoices::default());
    session.choose_value(ChoiceField::Category, "Hausmeister", Some("Supplier")).expect("a choice");
    let (headers, remembered) = session.mapping_to_remember().expect("something to remember");
    assert_eq!(headers, vec!["First Name", "Last Name", "Role"]);
    assert_eq!(remembered.columns, vec![rules::headers::MappingOverride { column: 2, field: Some(Field::Category) }]);
    assert_eq!(remembered.values.get(ChoiceField::Category, "hausmeister").map(|choice| choice.value()), Some("Supplier"));
}
