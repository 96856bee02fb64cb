//! The error report: the file's rows as the user left them, plus an
//! `Issues` column saying what is wrong with each.

use rust_xlsxwriter::{Format, FormatAlign, Workbook};

use super::WriteError;

/// The report workbook. `headers` are the file's columns; each row is
/// `(row number in the file, cells, issue sentences)`. The first column is
/// the file's row number, so users can find the row in their own file.
pub fn error_report(headers: &[String], rows: &[(u32, Vec<String>, Vec<String>)]) -> Result<Vec<u8>, WriteError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Error report")?;
    let bold = Format::new().set_bold().set_background_color("#DCE6F5");
    let issue_format = Format::new().set_text_wrap().set_font_color("#B42318").set_align(FormatAlign::Top);
    let issues_column = headers.len() as u16 + 1;

    sheet.write_string_with_format(0, 0, "Row", &bold)?;
    sheet.set_column_width(0, 6)?;
    for (index, header) in headers.iter().enumerate() {
        let column = index as u16 + 1;
        sheet.write_string_with_format(0, column, header, &bold)?;
        sheet.set_column_width(column, 18)?;
    }
    sheet.write_string_with_format(0, issues_column, "Issues", &bold)?;
    sheet.set_column_width(issues_column, 80)?;
    sheet.set_freeze_panes(1, 1)?;

    for (index, (line, cells, issues)) in rows.iter().enumerate() {
        let row = index as u32 + 1;
        sheet.write_string(row, 0, line.to_string())?;
        for (column, cell) in cells.iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string(row, column as u16 + 1, cell)?;
            }
        }
        sheet.write_string_with_format(row, issues_column, issues.join("\n"), &issue_format)?;
    }
    Ok(workbook.save_to_buffer()?)
}
