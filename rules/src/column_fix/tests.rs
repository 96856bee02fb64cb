use super::*;

/// Applies `edits` to a copy of `column` (one cell per row).
fn apply(column: &[&str], edits: &[CellEdit]) -> Vec<String> {
    let mut out: Vec<String> = column.iter().map(|cell| cell.to_string()).collect();
    for edit in edits {
        out[edit.row] = edit.value.clone();
    }
    out
}

fn cells<'a>(column: &'a [&'a str]) -> impl Iterator<Item = (usize, &'a str)> {
    column.iter().copied().enumerate()
}

fn find_replace(find: &str, replace: &str, whole_cell: bool, ignore_case: bool) -> FindReplace {
    FindReplace {
        field: Field::Category,
        find: find.to_string(),
        replace: replace.to_string(),
        whole_cell,
        ignore_case,
    }
}

#[test]
fn find_and_replace_changes_exactly_the_cells_that_match() {
    let column = ["Mieter", "mieter", " Mieter ", "Untermieter", "Tenant", "", "MIETER"];
    // (find, replace, whole cell, ignore case) → the column afterwards
    let table: &[(&str, &str, bool, bool, [&str; 7])] = &[
        ("Mieter", "Tenant", true, false, ["Tenant", "mieter", "Tenant", "Untermieter", "Tenant", "", "MIETER"]),
        ("mieter", "Tenant", true, true, ["Tenant", "Tenant", "Tenant", "Untermieter", "Tenant", "", "Tenant"]),
        ("mieter", "tenant", false, false, ["Mieter", "tenant", " Mieter ", "Untertenant", "Tenant", "", "MIETER"]),
        ("MIETER", "Tenant", false, true, ["Tenant", "Tenant", " Tenant ", "UnterTenant", "Tenant", "", "Tenant"]),
        ("", "Other", true, false, ["Mieter", "mieter", " Mieter ", "Untermieter", "Tenant", "Other", "MIETER"]),
        ("zzz", "Other", false, true, ["Mieter", "mieter", " Mieter ", "Untermieter", "Tenant", "", "MIETER"]),
    ];
    for (find, replace, whole_cell, ignore_case, expected) in table {
        let fix = find_replace(find, replace, *whole_cell, *ignore_case);
        let batch = fix.edits(cells(&column)).expect("fix");
        assert_eq!(apply(&column, &batch.edits), expected, "{fix:?}");
        let changed = column.iter().zip(expected).filter(|(a, b)| clean(a) != clean(b)).count();
        assert_eq!(batch.len(), changed, "{fix:?}: only cells that change are listed");
        assert!(batch.edits.iter().all(|edit| edit.field == Field::Category));
    }
}

#[test]
fn undoing_a_fix_puts_every_cell_back() {
    let column = ["Mieter", "mieter", " Mieter ", "Untermieter", "Tenant", "", "MIETER"];
    for fix in [
        find_replace("mieter", "Tenant", true, true),
        find_replace("Mieter", "Landlord", false, true),
        find_replace("", "Other", true, false),
    ] {
        let batch = fix.edits(cells(&column)).expect("fix");
        assert!(!batch.is_empty());
        assert_eq!(batch.inverse.len(), batch.edits.len());
        let undone = apply(&apply(&column, &batch.edits).iter().map(String::as_str).collect::<Vec<_>>(), &batch.inverse);
        assert_eq!(undone, column, "{fix:?}");
    }
}

#[test]
fn only_cells_still_holding_what_a_fix_wrote_are_offered_back() {
    let column = ["Mieter", "mieter", "Tenant", "MIETER"];
    let batch = find_replace("mieter", "Tenant", true, true).edits(cells(&column)).expect("fix");
    assert_eq!(batch.edits.iter().map(|edit| edit.row).collect::<Vec<_>>(), vec![0, 1, 3]);
    // Row 1 typed over since, row 3 gone from the import, row 0 as written
    // (with spaces, which do not count).
    let now = [" Tenant ", "Landlord", "Tenant", "Tenant"];
    let still = batch.still_as_written(|row, field| {
        assert_eq!(field, Field::Category);
        (row != 3).then(|| now[row])
    });
    assert_eq!(still, vec![0], "positions in the batch");
}

#[test]
fn case_is_ignored_for_letters_of_any_alphabet() {
    let column = ["ÉCOLE Street", "école street", "Straße", "ΑΘΗΝΑ"];
    let fix = FindReplace { field: Field::AddressLine1, ..find_replace("école", "School", false, true) };
    let batch = fix.edits(cells(&column)).expect("fix");
    assert_eq!(apply(&column, &batch.edits), ["School Street", "School street", "Straße", "ΑΘΗΝΑ"]);
    let greek = FindReplace { field: Field::City, ..find_replace("αθηνα", "Athens", true, true) };
    assert_eq!(apply(&column, &greek.edits(cells(&column)).expect("fix").edits)[3], "Athens");
}

#[test]
fn applying_one_fix_to_every_row_with_the_same_value() {
    let column = ["Deutschland", " Deutschland", "deutschland", "DE", "Deutschland"];
    let batch = same_value_edits(Field::Country, "Deutschland", "DE", cells(&column));
    assert_eq!(batch.len(), 3, "exact value, spaces trimmed; another case is another value");
    assert_eq!(apply(&column, &batch.edits), ["DE", "DE", "deutschland", "DE", "DE"]);
    assert_eq!(batch.edits.iter().map(|edit| edit.row).collect::<Vec<_>>(), [0, 1, 4]);
    assert_eq!(apply(&apply(&column, &batch.edits).iter().map(String::as_str).collect::<Vec<_>>(), &batch.inverse), column);
}

#[test]
fn a_fix_that_cannot_be_made_whole_changes_nothing() {
    let column = ["Tenant", "tenant"];
    assert_eq!(find_replace("", "x", false, false).edits(cells(&column)), Err(FixError::NothingToFind));
    // Category allows 20 characters.
    let long = "y".repeat(21);
    assert_eq!(
        find_replace("tenant", &long, true, true).edits(cells(&column)),
        Err(FixError::TooLong { row: 0, field: Field::Category, max: 20 })
    );
    assert_eq!(
        find_replace("t", "tttttttttt", false, false).edits(cells(&column)),
        Err(FixError::TooLong { row: 1, field: Field::Category, max: 20 })
    );
    // Too long for the field, but no cell matches: nothing to refuse.
    assert_eq!(find_replace("Agent", &long, true, false).edits(cells(&column)), Ok(EditBatch::default()));
}

#[test]
fn a_huge_replacement_stops_early_instead_of_growing() {
    let note = "a".repeat(2000);
    let column = [note.as_str()];
    let fix = FindReplace { field: Field::Notes, ..find_replace("a", &"b".repeat(1000), false, false) };
    assert_eq!(fix.edits(cells(&column)), Err(FixError::TooLong { row: 0, field: Field::Notes, max: 2000 }));
}

#[test]
fn every_fix_error_has_a_sentence_and_a_fix() {
    for error in [FixError::NothingToFind, FixError::TooLong { row: 3, field: Field::Notes, max: 2000 }] {
        assert!(error.problem_text().ends_with('.'), "{error:?}");
        assert!(error.fix_text().ends_with('.'), "{error:?}");
    }
    assert_eq!(
        FixError::TooLong { row: 3, field: Field::Notes, max: 2000 }.problem_text(),
        "This would make a Notes cell longer than 2,000 characters, the most it allows."
    );
}
