//! The template layout shared by the template, the example and the export.

use rust_xlsxwriter::{DataValidation, Format, FormatAlign, Formula, Note, Workbook, Worksheet};

use super::WriteError;
use crate::contact::{Category, ContactFields, ContactKind};
use crate::country::COUNTRIES;
use crate::field::Field;

/// The sheet the importer reads.
pub const CONTACTS_SHEET: &str = "Contacts";
/// The sheet explaining the columns (and holding the drop-down lists).
pub const INSTRUCTIONS_SHEET: &str = "Instructions";

/// Where the drop-down lists sit on the Instructions sheet (column letters).
const KIND_LIST_COLUMN: (u16, &str) = (5, "F");
const CATEGORY_LIST_COLUMN: (u16, &str) = (6, "G");
const COUNTRY_LIST_COLUMN: (u16, &str) = (7, "H");
/// Rows the drop-downs and text formats cover (Excel's last row).
const LAST_ROW: u32 = 1_048_575;

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

/// The whole workbook: `Contacts` with `rows`, then `Instructions`.
pub fn contacts_workbook(rows: &[ContactFields]) -> Result<Vec<u8>, WriteError> {
    let mut workbook = Workbook::new();
    let header = Format::new().set_bold().set_background_color("#DCE6F5").set_border_bottom(rust_xlsxwriter::FormatBorder::Thin);
    let text = Format::new().set_num_format("@");

    let sheet = workbook.add_worksheet();
    sheet.set_name(CONTACTS_SHEET)?;
    for field in Field::ALL {
        let column = field.index() as u16;
        sheet.set_column_width(column, width(field))?;
        if is_text_column(field) {
            sheet.set_column_format(column, &text)?;
        }
        sheet.write_string_with_format(0, column, field.header(), &header)?;
        let note = Note::new(field.rules_text()).set_author("Contact Import").set_width(300).set_height(90);
        sheet.insert_note(0, column, &note)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    add_drop_downs(sheet)?;
    for (index, contact) in rows.iter().enumerate() {
        let row = index as u32 + 1;
        for (field, value) in contact.iter() {
            if !value.is_empty() {
                sheet.write_string(row, field.index() as u16, value)?;
            }
        }
    }

    write_instructions(workbook.add_worksheet())?;
    Ok(workbook.save_to_buffer()?)
}

fn list_formula(column: &str, count: usize) -> Formula {
    Formula::new(format!("={INSTRUCTIONS_SHEET}!${column}$2:${column}${}", count + 1))
}

fn add_drop_downs(sheet: &mut Worksheet) -> Result<(), WriteError> {
    let lists = [
        (Field::Kind, KIND_LIST_COLUMN.1, ContactKind::ALL.len(), "Choose Person or Company (blank means Person)."),
        (Field::Category, CATEGORY_LIST_COLUMN.1, Category::ALL.len(), "Choose a category, or leave it blank."),
        (Field::Country, COUNTRY_LIST_COLUMN.1, COUNTRIES.len(), "Choose a country, or type its two-letter code."),
    ];
    for (field, column, count, message) in lists {
        let validation = DataValidation::new()
            .allow_list_formula(list_formula(column, count))
            .ignore_blank(true)
            .set_input_message(message)?
            // Typing a code (AU) or an alias is allowed: the importer checks.
            .set_error_style(rust_xlsxwriter::DataValidationErrorStyle::Information)
            .set_error_title(field.header())?
            .set_error_message(field.rules_text())?;
        let column = field.index() as u16;
        sheet.add_data_validation(1, column, LAST_ROW, column, &validation)?;
    }
    Ok(())
}

fn write_instructions(sheet: &mut Worksheet) -> Result<(), WriteError> {
    sheet.set_name(INSTRUCTIONS_SHEET)?;
    let title = Format::new().set_bold().set_font_size(14);
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    sheet.set_column_width(0, 22)?;
    sheet.set_column_width(1, 80)?;
    sheet.write_string_with_format(0, 0, "How to fill in the Contacts sheet", &title)?;
    let steps = [
        "One contact per row, below the header row. Do not rename or move the headers.",
        "A row with a Contact ID updates the contact with that ID; without one, a row whose email matches a contact updates it; any other row adds a new contact.",
        "When you import, choose whether blank cells keep what is saved (the default) or clear it.",
        "You will see every row checked before anything is saved, and can fix problems in place.",
    ];
    for (index, step) in steps.iter().enumerate() {
        sheet.write_string_with_format(index as u32 + 1, 0, format!("Step {}", index + 1), &bold)?;
        sheet.write_string_with_format(index as u32 + 1, 1, *step, &wrap)?;
    }
    let table_top = steps.len() as u32 + 2;
    sheet.write_string_with_format(table_top, 0, "Column", &bold)?;
    sheet.write_string_with_format(table_top, 1, "Rules", &bold)?;
    for field in Field::ALL {
        let row = table_top + 1 + field.index() as u32;
        sheet.write_string(row, 0, field.header())?;
        sheet.write_string_with_format(row, 1, field.rules_text(), &wrap)?;
    }

    // The drop-down lists, off to the side.
    let lists: [(u16, &str, Vec<&str>); 3] = [
        (KIND_LIST_COLUMN.0, "Contact Types", ContactKind::ALL.iter().map(|kind| kind.as_str()).collect()),
        (CATEGORY_LIST_COLUMN.0, "Categories", Category::ALL.iter().map(|category| category.as_str()).collect()),
        (COUNTRY_LIST_COLUMN.0, "Countries", COUNTRIES.iter().map(|country| country.name).collect()),
    ];
    for (column, heading, values) in lists {
        sheet.set_column_width(column, if column == COUNTRY_LIST_COLUMN.0 { 34.0 } else { 16.0 })?;
        sheet.write_string_with_format(0, column, heading, &bold)?;
        for (index, value) in values.iter().enumerate() {
            sheet.write_string(index as u32 + 1, column, *value)?;
        }
    }
    Ok(())
}
