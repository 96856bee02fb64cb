//! The workbooks the app hands out, as layouts for the `sheets` writer: the
//! import template, the example file, the contacts export (xlsx and CSV)
//! and the error report. Which columns, in what order, with which notes
//! and drop-downs is decided here; `sheets::write` only writes.
//!
//! Invariant: the template, the example and the export share one layout
//! (the `Contacts` sheet in `Field::ALL` order, then `Instructions`), so an
//! export edited and imported again updates the same contacts.

mod example;

pub use example::example_contacts;

use sheets::layout::{CellStyle, Column, DropDown, InstructionsSheet, SheetLayout, TableSheet, WorkbookLayout};

use crate::contact::{Category, ContactFields, ContactKind};
use crate::country::COUNTRIES;
use crate::field::Field;

/// The sheet the importer reads.
pub const CONTACTS_SHEET: &str = "Contacts";
/// The sheet explaining the columns (and holding the drop-down lists).
pub const INSTRUCTIONS_SHEET: &str = "Instructions";
/// Who the header notes are from.
const NOTE_AUTHOR: &str = "Contact Import";

/// `contacts-template.xlsx`: the `Contacts` sheet with its headers (bold,
/// frozen, noted with their rules, drop-downs for Contact Type, Category and
/// Country) and no rows, plus the `Instructions` sheet.
pub fn template() -> WorkbookLayout {
    export(Vec::new())
}

/// `contacts-example.xlsx`: the template with about a dozen realistic
/// contacts that import with no issue.
pub fn example() -> WorkbookLayout {
    export(example_contacts())
}

/// The export: the template layout with `contacts` as rows (Contact ID
/// filled in), so export → edit → import updates them.
pub fn export(contacts: Vec<ContactFields>) -> WorkbookLayout {
    WorkbookLayout {
        sheets: vec![SheetLayout::Table(contacts_sheet(contacts)), SheetLayout::Instructions(instructions())],
        note_author: NOTE_AUTHOR.to_string(),
    }
}

/// The `Contacts` sheet with `contacts` as rows: the export's CSV is this
/// sheet (`sheets::write::csv`).
pub fn contacts_sheet(contacts: Vec<ContactFields>) -> TableSheet {
    TableSheet {
        name: CONTACTS_SHEET.to_string(),
        columns: Field::ALL.into_iter().map(contact_column).collect(),
        rows: contacts.into_iter().map(|contact| Vec::from(contact.0)).collect(),
        frozen_columns: 0,
    }
}

/// The error report: the file's rows as the user left them, plus an
/// `Issues` column saying what is wrong with each. `headers` are the file's
/// columns; each row is `(row number in the file, cells, issue sentences)`.
/// The first column is the file's row number, so users can find the row in
/// their own file.
pub fn error_report(headers: &[String], rows: Vec<(u32, Vec<String>, Vec<String>)>) -> WorkbookLayout {
    let mut columns = vec![Column::new("Row", 6.0)];
    columns.extend(headers.iter().map(|header| Column::new(header.clone(), 18.0)));
    columns.push(Column {
        style: CellStyle::Warning,
        ..Column::new("Issues", 80.0)
    });
    let width = headers.len();
    let rows = rows
        .into_iter()
        .map(|(line, mut cells, issues)| {
            cells.resize(width, String::new());
            let mut row = Vec::with_capacity(width + 2);
            row.push(line.to_string());
            row.extend(cells);
            row.push(issues.join("\n"));
            row
        })
        .collect();
    WorkbookLayout {
        sheets: vec![SheetLayout::Table(TableSheet {
            name: "Error report".to_string(),
            columns,
            rows,
            frozen_columns: 1,
        })],
        note_author: NOTE_AUTHOR.to_string(),
    }
}

/// One field's column in the template: its header noted with its rules,
/// a width for its values, text format where Excel would mangle what is
/// typed, and a drop-down where the values come from a list.
fn contact_column(field: Field) -> Column {
    Column {
        note: Some(field.rules_text().to_string()),
        text_format: is_text_column(field),
        drop_down: drop_down(field),
        ..Column::new(field.header(), width(field))
    }
}

/// Column width in characters, roughly what the field's values need.
fn width(field: Field) -> f64 {
    match field {
        Field::Reference | Field::Kind | Field::Postcode | Field::Category => 14.0,
        Field::Title => 8.0,
        Field::FirstName | Field::LastName | Field::City | Field::Region | Field::Country => 18.0,
        Field::Phone | Field::Mobile => 18.0,
        Field::CompanyName | Field::Email | Field::AddressLine1 | Field::AddressLine2 => 30.0,
        Field::Notes => 40.0,
    }
}

/// Fields whose cells are formatted as text, so Excel keeps what is typed
/// (leading zeros, long digit strings) instead of turning it into a number.
fn is_text_column(field: Field) -> bool {
    matches!(field, Field::Reference | Field::Phone | Field::Mobile | Field::Postcode)
}

/// The drop-down of Contact Type, Category and Country. Typing a code
/// (`AU`) or an alias is allowed: the importer checks.
fn drop_down(field: Field) -> Option<DropDown> {
    let (heading, values, list_width, prompt): (&str, Vec<&str>, f64, &str) = match field {
        Field::Kind => (
            "Contact Types",
            ContactKind::ALL.iter().map(|kind| kind.as_str()).collect(),
            16.0,
            "Choose Person or Company (blank means Person).",
        ),
        Field::Category => (
            "Categories",
            Category::ALL.iter().map(|category| category.as_str()).collect(),
            16.0,
            "Choose a category, or leave it blank.",
        ),
        Field::Country => (
            "Countries",
            COUNTRIES.iter().map(|country| country.name).collect(),
            34.0,
            "Choose a country, or type its two-letter code.",
        ),
        _ => return None,
    };
    Some(DropDown {
        heading: heading.to_string(),
        values: values.into_iter().map(str::to_string).collect(),
        list_width,
        prompt: prompt.to_string(),
        error_title: field.header().to_string(),
        error_message: field.rules_text().to_string(),
    })
}

/// The `Instructions` sheet: how to fill in the `Contacts` sheet, then
/// every column's rules.
fn instructions() -> InstructionsSheet {
    let steps = [
        "One contact per row, below the header row. Do not rename or move the headers.",
        "A row with a Contact ID updates the contact with that ID; without one, a row whose email matches a contact updates it; any other row adds a new contact.",
        "When you import, choose whether blank cells keep what is saved (the default) or clear it.",
        "You will see every row checked before anything is saved, and can fix problems in place.",
    ];
    InstructionsSheet {
        name: INSTRUCTIONS_SHEET.to_string(),
        title: "How to fill in the Contacts sheet".to_string(),
        steps: steps.into_iter().map(str::to_string).collect(),
        table_headings: ["Column".to_string(), "Rules".to_string()],
        table: Field::ALL
            .into_iter()
            .map(|field| [field.header().to_string(), field.rules_text().to_string()])
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_has_every_field_in_order_with_its_rules_and_no_rows() {
        let layout = template();
        let [SheetLayout::Table(contacts), SheetLayout::Instructions(instructions)] = &layout.sheets[..] else {
            panic!("{layout:?}");
        };
        assert_eq!(contacts.name, CONTACTS_SHEET);
        assert!(contacts.rows.is_empty());
        let headers: Vec<&str> = contacts.columns.iter().map(|column| column.header.as_str()).collect();
        assert_eq!(headers, Field::ALL.map(Field::header));
        for (column, field) in contacts.columns.iter().zip(Field::ALL) {
            assert_eq!(column.note.as_deref(), Some(field.rules_text()));
        }
        let lists: Vec<&str> =
            contacts.columns.iter().filter_map(|column| column.drop_down.as_ref()).map(|list| list.heading.as_str()).collect();
        assert_eq!(lists, ["Contact Types", "Countries", "Categories"]);
        assert_eq!(instructions.name, INSTRUCTIONS_SHEET);
        assert_eq!(instructions.table.len(), Field::COUNT);
    }

    #[test]
    fn the_error_report_puts_the_row_number_first_and_the_issues_last() {
        let headers = vec!["First Name".to_string(), "E-mail".to_string()];
        let rows = vec![(7, vec!["Ana".to_string()], vec!["One.".to_string(), "Two.".to_string()])];
        let layout = error_report(&headers, rows);
        let [SheetLayout::Table(report)] = &layout.sheets[..] else {
            panic!("{layout:?}");
        };
        let headers: Vec<&str> = report.columns.iter().map(|column| column.header.as_str()).collect();
        assert_eq!(headers, ["Row", "First Name", "E-mail", "Issues"]);
        assert_eq!(report.rows, vec![vec!["7", "Ana", "", "One.\nTwo."]]);
        assert_eq!(report.columns[3].style, CellStyle::Warning);
        assert_eq!(report.frozen_columns, 1);
    }
}
