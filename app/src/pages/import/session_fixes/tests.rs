use rules::choices::ChoiceField;
use rules::column_fix::{CellEdit, EditBatch, FindReplace, FixError};
use rules::Field;

use super::{AppliedEdits, AppliedFix, CellChange, FindReplaceRefused, FixHistory, Undone, MAX_UNDO_CELLS, MAX_UNDO_STEPS};
use crate::pages::import::session::ValueChoices;
use crate::pages::import::session::tests::session;
use crate::pages::import::session::Session;

const HEADERS: &[&str] = &["First Name", "Last Name", "E-mail", "City", "Category"];

/// Four tenants, three with the category misspelt and two with the same
/// email domain typo, one landlord in "Welington".
fn tenants() -> Session {
    session(
        HEADERS,
        vec![
            vec!["Ana", "Silva", "ana@gmial.com", "Welington", "Tennant"],
            vec!["Ben", "Okafor", "ben@example.com", "Perth", "Tennant"],
            vec!["Cy", "Doe", "cy@GMIAL.com", "Welington", "Tenant"],
            vec!["Di", "Lee", "di@example.com", "Welington", "tennant"],
            vec!["Ed", "Ray", "ed@example.com", "Hobart", "Landlord"],
        ],
        vec![],
    )
}

fn fix(field: Field, find: &str, replace: &str, whole_cell: bool) -> FindReplace {
    FindReplace { field, find: find.into(), replace: replace.into(), whole_cell, ignore_case: true }
}

fn column(session: &Session, field: Field) -> Vec<String> {
    (0..session.check.rows().len()).map(|row| session.check.row(row).unwrap().values.get(field).to_string()).collect()
}

#[test]
fn find_and_replace_changes_the_matching_cells_and_re_checks_their_rows_at_once() {
    let mut session = tenants();
    assert_eq!(session.counts().with_issues, 3);
    let category = fix(Field::Category, "tennant", "Tenant", true);
    assert_eq!(session.plan_find_replace(&category).map(|batch| batch.len()), Ok(3));

    assert_eq!(session.find_replace(&category), Ok(3));
    assert_eq!(column(&session, Field::Category), ["Tenant", "Tenant", "Tenant", "Tenant", "Landlord"]);
    assert_eq!(session.counts().with_issues, 0, "the issues went with the fix");
    assert_eq!(session.fixes.len(), 1);
    assert_eq!(
        session.fixes.latest().map(|fix| fix.summary.as_str()),
        Some("Replaced \u{201c}tennant\u{201d} with \u{201c}Tenant\u{201d} in 3 Category cells.")
    );

    // Within cells, any case.
    assert_eq!(session.find_replace(&fix(Field::Email, "@gmial.com", "@gmail.com", false)), Ok(2));
    assert_eq!(column(&session, Field::Email)[..3], ["ana@gmail.com", "ben@example.com", "cy@gmail.com"]);
}

#[test]
fn a_fix_can_bring_issues_too_and_they_show_at_once() {
    let mut session = tenants();
    session.find_replace(&fix(Field::Category, "tennant", "Tenant", true)).unwrap();
    assert_eq!(session.counts().with_issues, 0);
    // Ben's email becomes Di's: the two rows now share an email.
    session.find_replace(&fix(Field::Email, "ben@", "di@", false)).unwrap();
    assert_eq!(session.counts().with_issues, 2, "rows 2 and 4 now share an email");
}

#[test]
fn undoing_fixes_in_reverse_order_puts_every_cell_and_verdict_back() {
    let mut session = tenants();
    let original = session.check.clone();
    session.find_replace(&fix(Field::Category, "tennant", "Tenant", true)).unwrap();
    let after_first = session.check.clone();
    session.find_replace(&fix(Field::City, "Welington", "Wellington", false)).unwrap();

    let undone = session.undo_fix().expect("a fix to undo");
    assert_eq!(undone, Undone { summary: "Replaced \u{201c}Welington\u{201d} with \u{201c}Wellington\u{201d} in 3 City cells.".into(), restored: 3, kept: 0 });
    assert_eq!(undone.sentence(), "Undone: Replaced \u{201c}Welington\u{201d} with \u{201c}Wellington\u{201d} in 3 City cells. 3 cells put back.");
    assert_eq!(session.check, after_first);
    session.undo_fix().expect("the first fix");
    assert_eq!(session.check, original, "every cell, verdict and count as before");
    assert_eq!(session.undo_fix(), None);
    assert!(session.fixes.is_empty());
}

#[test]
fn undo_leaves_a_cell_typed_over_since_as_the_user_typed_it() {
    let mut session = tenants();
    session.find_replace(&fix(Field::City, "Welington", "Wellington", true)).unwrap();
    session.check.set_cell(2, Field::City, "Napier");
    let undone = session.undo_fix().unwrap();
    assert_eq!((undone.restored, undone.kept), (2, 1));
    assert!(undone.sentence().ends_with("2 cells put back. 1 cell changed since was left as it is."), "{}", undone.sentence());
    assert_eq!(column(&session, Field::City), ["Welington", "Perth", "Napier", "Welington", "Hobart"]);
}

#[test]
fn a_find_that_matches_nothing_says_so_and_changes_nothing() {
    let mut session = tenants();
    let before = session.check.clone();
    for (find, whole_cell, sentence) in [
        ("gmail", false, "No E-mail cell contains \u{201c}gmail\u{201d}."),
        ("ana@gmial", true, "No E-mail cell is \u{201c}ana@gmial\u{201d}."),
        ("", true, "No E-mail cell is blank."),
    ] {
        let refused = session.find_replace(&fix(Field::Email, find, "x", whole_cell)).unwrap_err();
        assert!(refused.sentence().starts_with(sentence), "{}", refused.sentence());
        assert!(refused.sentence().contains("Nothing was changed."));
    }
    assert_eq!(session.check, before);
    assert!(session.fixes.is_empty());
}

#[test]
fn a_fix_the_rule_refuses_shows_its_sentence_and_changes_nothing() {
    let mut session = tenants();
    let before = session.check.clone();
    let refused = session.find_replace(&fix(Field::City, "", "x", false)).unwrap_err();
    assert_eq!(refused, FindReplaceRefused::Rule(FixError::NothingToFind));
    assert_eq!(refused.sentence(), "There is nothing to find. Type the text to find, or choose \"Whole cell\" to fill in blank cells.");

    let long = "x".repeat(Field::City.max_chars() - 2);
    let refused = session.find_replace(&fix(Field::City, "e", &long, false)).unwrap_err();
    assert!(matches!(refused, FindReplaceRefused::Rule(FixError::TooLong { row: 0, .. })), "{refused:?}");
    assert_eq!(session.check, before);
    assert!(session.fixes.is_empty());
}

#[test]
fn one_cells_fix_applies_to_every_other_row_with_its_old_value() {
    let mut session = tenants();
    // The user types "Wellington" over row 1's "Welington".
    session.check.set_cell(0, Field::City, "Wellington");
    let change = CellChange { row: 0, field: Field::City, from: "Welington".into(), to: "Wellington".into() };
    assert_eq!(session.same_value_fix(&change).len(), 2, "rows 3 and 4, not the one typed in");

    assert_eq!(session.apply_to_same_value(&change), 2);
    assert_eq!(column(&session, Field::City), ["Wellington", "Perth", "Wellington", "Wellington", "Hobart"]);
    assert_eq!(
        session.fixes.latest().map(|fix| fix.summary.as_str()),
        Some("Changed 2 more City cells from \u{201c}Welington\u{201d} to \u{201c}Wellington\u{201d}.")
    );
    assert_eq!(session.same_value_fix(&change).len(), 0, "nothing left to offer");

    // Undo takes back the two, not what the user typed.
    session.undo_fix().unwrap();
    assert_eq!(column(&session, Field::City), ["Wellington", "Perth", "Welington", "Welington", "Hobart"]);
}

#[test]
fn fixing_one_category_cell_for_all_clears_every_rows_issue() {
    let mut session = tenants();
    session.check.set_cell(0, Field::Category, "Tenant");
    let change = CellChange { row: 0, field: Field::Category, from: "Tennant".into(), to: "Tenant".into() };
    // Same value means the same text: "tennant" in row 4 is another value.
    assert_eq!(session.apply_to_same_value(&change), 1);
    assert_eq!(session.counts().with_issues, 1);
    session.undo_fix().unwrap();
    assert_eq!(session.counts().with_issues, 2);
}

#[test]
fn removed_rows_are_neither_fixed_nor_put_back() {
    let mut session = tenants();
    session.check.remove_row(1);
    assert_eq!(session.find_replace(&fix(Field::Category, "Tennant", "Tenant", true)), Ok(2));
    assert_eq!(column(&session, Field::Category)[1], "Tennant");
    session.check.remove_row(3);
    let undone = session.undo_fix().unwrap();
    assert_eq!((undone.restored, undone.kept), (1, 1));
    assert_eq!(session.cell_text(3, Field::Category), None);
}

#[test]
fn a_cell_read_as_a_spreadsheet_error_comes_back_as_one_on_undo() {
    let mut session = tenants();
    let mut rows = session.check.rows().to_vec();
    rows[4].values[Field::City] = "#N/A".into();
    rows[4].error_cells.insert(Field::City);
    session.check = crate::pages::import::session::check(session.check.columns().clone(), rows, vec![], session.check.mode());
    let before = session.check.clone();
    session.find_replace(&fix(Field::City, "#N/A", "Hobart", true)).unwrap();
    assert!(session.check.row(4).unwrap().error_cells.is_empty());
    session.undo_fix().unwrap();
    assert_eq!(session.check, before);
}

#[test]
fn only_the_spreadsheet_errors_put_back_come_back_as_errors() {
    let mut session = tenants();
    let mut rows = session.check.rows().to_vec();
    for index in [0, 4] {
        rows[index].values[Field::City] = "#N/A".into();
        rows[index].error_cells.insert(Field::City);
    }
    session.check = crate::pages::import::session::check(session.check.columns().clone(), rows, vec![], session.check.mode());
    session.find_replace(&fix(Field::City, "#N/A", "Hobart", true)).unwrap();
    session.check.set_cell(0, Field::City, "Napier");
    let undone = session.undo_fix().unwrap();
    assert_eq!((undone.restored, undone.kept), (1, 1));
    assert_eq!(column(&session, Field::City), ["Napier", "Perth", "Welington", "Welington", "#N/A"]);
    assert!(session.check.row(0).unwrap().error_cells.is_empty(), "typed over: no longer an error");
    assert!(session.check.row(4).unwrap().error_cells.contains(Field::City), "put back: an error again");
}

/// Three tenants written "Mieter" three ways and a landlord,
/// the guess "Mieter" → Tenant applied as the rows are built.
fn mieter() -> Session {
    let mut session = session(
        HEADERS,
        vec![
            vec!["Ana", "Silva", "ana@example.com", "Perth", "Mieter"],
            vec!["Ben", "Okafor", "ben@example.com", "Perth", "Landlord"],
            vec!["Cy", "Doe", "cy@example.com", "Hobart", "MIETER"],
            vec!["Di", "Lee", "di@example.com", "Perth", "mieter"],
        ],
        vec![],
    );
    session.find_value_choices(ValueChoices::default());
    session
}

#[test]
fn a_column_fix_over_a_value_choice_is_undone_newest_first_and_leaves_hand_edits_alone() {
    let mut session = mieter();
    let as_read = {
        let mut fresh = mieter();
        fresh.choose_value(ChoiceField::Category, "Mieter", None).unwrap();
        fresh.check
    };
    assert_eq!(column(&session, Field::Category), ["Tenant", "Landlord", "Tenant", "Tenant"]);
    // A fix over the choice's cells, then a hand edit of one of them.
    assert_eq!(session.find_replace(&fix(Field::Category, "Tenant", "Supplier", true)), Ok(3));
    session.check.set_cell(3, Field::Category, "Agent");

    // Undo the newest, the fix: back to what the choice wrote, but for the
    // cell typed over since.
    let undone = session.undo_fix().unwrap();
    assert_eq!((undone.restored, undone.kept), (2, 1));
    assert_eq!(column(&session, Field::Category), ["Tenant", "Landlord", "Tenant", "Agent"]);
    // Then the choice: its cells back to the file's text, the hand edit kept.
    assert_eq!(session.choose_value(ChoiceField::Category, "Mieter", None), Ok(vec![0, 2]));
    assert_eq!(column(&session, Field::Category), ["Mieter", "Landlord", "MIETER", "Agent"]);
    // With the hand edit taken back too, every cell and verdict is as read.
    session.check.set_cell(3, Field::Category, "mieter");
    assert_eq!(session.check, as_read);
}

#[test]
fn a_choice_changed_under_a_fix_leaves_the_fixs_cells_to_the_fix() {
    let mut session = mieter();
    session.find_replace(&fix(Field::Category, "Tenant", "Supplier", true)).unwrap();
    // The fix rewrote every cell the choice wrote: changing the choice
    // finds none still as it wrote them.
    assert_eq!(session.choose_value(ChoiceField::Category, "Mieter", Some("Landlord")), Ok(vec![]));
    assert_eq!(column(&session, Field::Category), ["Supplier", "Landlord", "Supplier", "Supplier"]);
    // Undoing the fix puts back what it replaced.
    assert_eq!(session.undo_fix().map(|undone| undone.restored), Some(3));
    assert_eq!(column(&session, Field::Category), ["Tenant", "Landlord", "Tenant", "Tenant"]);
}

/// A fix kept in the history that changed `cells` cells (of rows that need
/// not exist: the history only counts them).
fn applied(summary: &str, cells: usize) -> AppliedFix {
    let mut batch = EditBatch::default();
    for row in 0..cells {
        batch.push(
            CellEdit { row, field: Field::City, value: "Wellington".into() },
            CellEdit { row, field: Field::City, value: "Welington".into() },
        );
    }
    AppliedFix { summary: summary.into(), edits: AppliedEdits { batch, spreadsheet_errors: Vec::new() } }
}

#[test]
fn undo_keeps_the_last_fixes_and_says_when_older_ones_can_no_longer_be_undone() {
    let mut history = FixHistory::default();
    for step in 0..MAX_UNDO_STEPS {
        history.push(applied(&format!("fix {step}"), 2));
    }
    assert_eq!((history.len(), history.forgotten()), (MAX_UNDO_STEPS, 0));
    assert_eq!(history.forgotten_sentence(), None);
    history.push(applied("one more", 2));
    assert_eq!((history.len(), history.forgotten()), (MAX_UNDO_STEPS, 1));
    assert_eq!(
        history.forgotten_sentence().as_deref(),
        Some("1 earlier fix can no longer be undone: Undo keeps the last 30 fixes, and no more than 100,000 changed cells before the newest.")
    );
    // Undo walks back the kept ones, newest first, down to "fix 1".
    let summaries: Vec<String> = std::iter::from_fn(|| history.pop().map(|fix| fix.summary)).collect();
    assert_eq!(summaries.first().map(String::as_str), Some("one more"));
    assert_eq!(summaries.last().map(String::as_str), Some("fix 1"));
    assert_eq!(history.forgotten(), 1, "still said after undoing the rest");
}

#[test]
fn the_newest_fix_is_always_undoable_and_older_cells_kept_are_bounded() {
    let mut history = FixHistory::default();
    history.push(applied("small", 10));
    history.push(applied("big", MAX_UNDO_CELLS + 5));
    assert_eq!((history.len(), history.forgotten()), (2, 0), "the newest is kept whatever its size");
    history.push(applied("next", 1));
    // Before "next": "big" alone is over the bound, so it and "small" go.
    assert_eq!((history.len(), history.forgotten()), (1, 2));
    assert_eq!(history.latest().map(|fix| fix.summary.as_str()), Some("next"));
    assert_eq!(history.cells, 1);
    history.push(applied("half", MAX_UNDO_CELLS / 2));
    history.push(applied("half again", MAX_UNDO_CELLS / 2));
    history.push(applied("last", 3));
    assert_eq!(history.len(), 3, "\"next\" goes once the cells before the newest pass the bound");
    assert_eq!(history.cells, MAX_UNDO_CELLS + 3);
    assert!(history.forgotten_sentence().unwrap().starts_with("3 earlier fixes can no longer be undone"));
}

#[test]
fn a_fix_on_a_page_whose_history_is_full_can_still_be_undone() {
    let mut session = tenants();
    session.fixes.push(applied("an old fix", MAX_UNDO_CELLS));
    session.find_replace(&fix(Field::City, "Welington", "Wellington", false)).unwrap();
    assert_eq!(session.fixes.len(), 2);
    session.find_replace(&fix(Field::Category, "tennant", "Tenant", true)).unwrap();
    assert_eq!((session.fixes.len(), session.fixes.forgotten()), (2, 1));
    session.undo_fix().unwrap();
    session.undo_fix().unwrap();
    assert_eq!(column(&session, Field::City), ["Welington", "Perth", "Welington", "Welington", "Hobart"]);
    assert_eq!(session.undo_fix(), None, "the old one was let go");
}

/// Prints how long a find and replace over every email of 100,000 rows, and
/// its undo, take (`cargo test -p app --lib --release timing -- --ignored
/// --nocapture`); speed is shown, not asserted.
#[test]
#[ignore]
fn timing_of_a_fix_and_its_undo_over_100k_rows() {
    use std::time::Instant;
    let emails: Vec<String> = (0..100_000).map(|i| format!("person{i}@gmial.com")).collect();
    let rows: Vec<Vec<&str>> = emails.iter().map(|email| vec!["Ana", "Silva", email.as_str(), "Perth", "Tenant"]).collect();
    let mut session = session(HEADERS, rows, vec![]);
    let domain = fix(Field::Email, "@gmial.com", "@gmail.com", false);
    let started = Instant::now();
    let planned = session.plan_find_replace(&domain).map(|batch| batch.len());
    let preview = started.elapsed();
    let started = Instant::now();
    assert_eq!(session.find_replace(&domain), planned);
    let applied = started.elapsed();
    let started = Instant::now();
    assert_eq!(session.undo_fix().map(|undone| undone.restored), planned.ok());
    let undone = started.elapsed();
    println!("100,000 emails: preview {preview:?}, apply and re-check {applied:?}, undo {undone:?}");
}
