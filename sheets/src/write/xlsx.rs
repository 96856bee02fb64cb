//! A [`WorkbookLayout`] as an xlsx file.

use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, Format, FormatAlign, FormatBorder, Formula, Note, Workbook, Worksheet,
};

use super::WriteError;
use crate::layout::{CellStyle, DropDown, InstructionsSheet, SheetLayout, TableSheet, WorkbookLayout};

/// Rows the drop-downs and text formats cover (Excel's last row, 0-based).
const LAST_ROW: u32 = 1_048_575;
/// The instructions sheet's table takes columns A and B; the drop-down
/// lists start at F, clear of it.
const FIRST_LIST_COLUMN: u16 = 5;

/// The workbook, as the bytes of an xlsx file.
///
/// Fails (a bug in the layout, never the user's data) on what Excel cannot
/// hold: a sheet name it refuses, more than 16,384 columns or 1,048,575
/// rows, a note or message over its length limits, or a drop-down in a
/// workbook without an instructions sheet to hold its list.
pub fn xlsx(layout: &WorkbookLayout) -> Result<Vec<u8>, WriteError> {
    let lists = Lists::place(layout)?;
    let mut workbook = Workbook::new();
    // The lists are numbered across tables, in order.
    let mut lists_used = 0;
    for sheet in &layout.sheets {
        match sheet {
            SheetLayout::Table(table) => {
                lists_used += write_table(workbook.add_worksheet(), table, &layout.note_author, &lists, lists_used)?
            }
            SheetLayout::Instructions(instructions) => {
                write_instructions(workbook.add_worksheet(), instructions, &layout.sheets)?
            }
        }
    }
    Ok(workbook.save_to_buffer()?)
}

/// Where the drop-down lists go: the first instructions sheet, from column
/// F, one column per drop-down in the order the tables name them.
struct Lists {
    sheet: Option<String>,
}

impl Lists {
    fn place(layout: &WorkbookLayout) -> Result<Lists, WriteError> {
        let sheet = layout.sheets.iter().find_map(|sheet| match sheet {
            SheetLayout::Instructions(instructions) => Some(instructions.name.clone()),
            SheetLayout::Table(_) => None,
        });
        if sheet.is_none() && drop_downs(&layout.sheets).next().is_some() {
            return Err(WriteError("a drop-down needs an instructions sheet to hold its list".into()));
        }
        Ok(Lists { sheet })
    }

    /// The formula naming the `index`-th list's values.
    fn formula(&self, index: usize, drop_down: &DropDown) -> Result<Formula, WriteError> {
        let sheet = self.sheet.as_deref().unwrap_or_default();
        let column = list_column(index)?;
        let letter = column_letter(column);
        let last = drop_down.values.len() + 1;
        Ok(Formula::new(format!("='{}'!${letter}$2:${letter}${last}", sheet.replace('\'', "''"))))
    }
}

/// Every drop-down of the workbook's tables, in order.
fn drop_downs(sheets: &[SheetLayout]) -> impl Iterator<Item = &DropDown> {
    sheets
        .iter()
        .filter_map(|sheet| match sheet {
            SheetLayout::Table(table) => Some(table),
            SheetLayout::Instructions(_) => None,
        })
        .flat_map(|table| table.columns.iter().filter_map(|column| column.drop_down.as_ref()))
}

fn list_column(index: usize) -> Result<u16, WriteError> {
    u16::try_from(index)
        .ok()
        .and_then(|index| FIRST_LIST_COLUMN.checked_add(index))
        .ok_or_else(|| WriteError("too many drop-down lists".into()))
}

/// `0` → `A`, `25` → `Z`, `26` → `AA`.
fn column_letter(column: u16) -> String {
    let mut n = u32::from(column) + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rest = (n - 1) % 26;
        letters.push(char::from(b'A' + rest as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

fn column_index(index: usize) -> Result<u16, WriteError> {
    u16::try_from(index).map_err(|_| WriteError("too many columns".into()))
}

fn row_index(index: usize) -> Result<u32, WriteError> {
    u32::try_from(index)
        .ok()
        .and_then(|index| index.checked_add(1))
        .ok_or_else(|| WriteError("too many rows".into()))
}

/// Writes one table; its drop-downs use the lists from `first_list` on.
/// Returns how many it used.
fn write_table(
    sheet: &mut Worksheet,
    table: &TableSheet,
    note_author: &str,
    lists: &Lists,
    first_list: usize,
) -> Result<usize, WriteError> {
    sheet.set_name(&table.name)?;
    let header = Format::new().set_bold().set_background_color("#DCE6F5").set_border_bottom(FormatBorder::Thin);
    let text = Format::new().set_num_format("@");
    let warning = Format::new().set_text_wrap().set_font_color("#B42318").set_align(FormatAlign::Top);

    let mut list_index = first_list;
    for (index, column) in table.columns.iter().enumerate() {
        let col = column_index(index)?;
        sheet.set_column_width(col, column.width)?;
        if column.text_format {
            sheet.set_column_format(col, &text)?;
        }
        sheet.write_string_with_format(0, col, &column.header, &header)?;
        if let Some(note) = &column.note {
            let note = Note::new(note).set_author(note_author).set_width(300).set_height(90);
            sheet.insert_note(0, col, &note)?;
        }
        if let Some(drop_down) = &column.drop_down {
            let validation = DataValidation::new()
                .allow_list_formula(lists.formula(list_index, drop_down)?)
                .ignore_blank(true)
                .set_input_message(&drop_down.prompt)?
                .set_error_style(DataValidationErrorStyle::Information)
                .set_error_title(&drop_down.error_title)?
                .set_error_message(&drop_down.error_message)?;
            sheet.add_data_validation(1, col, LAST_ROW, col, &validation)?;
            list_index += 1;
        }
    }
    sheet.set_freeze_panes(1, table.frozen_columns)?;
    for (index, cells) in table.rows.iter().enumerate() {
        let row = row_index(index)?;
        for (index, (column, value)) in table.columns.iter().zip(cells).enumerate() {
            if value.is_empty() {
                continue;
            }
            let col = column_index(index)?;
            match column.style {
                CellStyle::Plain => sheet.write_string(row, col, value)?,
                CellStyle::Warning => sheet.write_string_with_format(row, col, value, &warning)?,
            };
        }
    }
    Ok(list_index - first_list)
}

fn write_instructions(
    sheet: &mut Worksheet,
    instructions: &InstructionsSheet,
    all: &[SheetLayout],
) -> Result<(), WriteError> {
    sheet.set_name(&instructions.name)?;
    let title = Format::new().set_bold().set_font_size(14);
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    sheet.set_column_width(0, 22)?;
    sheet.set_column_width(1, 80)?;
    sheet.write_string_with_format(0, 0, &instructions.title, &title)?;
    for (index, step) in instructions.steps.iter().enumerate() {
        let row = row_index(index)?;
        sheet.write_string_with_format(row, 0, format!("Step {}", index + 1), &bold)?;
        sheet.write_string_with_format(row, 1, step, &wrap)?;
    }
    let table_top = row_index(instructions.steps.len())? + 1;
    sheet.write_string_with_format(table_top, 0, &instructions.table_headings[0], &bold)?;
    sheet.write_string_with_format(table_top, 1, &instructions.table_headings[1], &bold)?;
    for (index, [name, text]) in instructions.table.iter().enumerate() {
        let row = table_top + row_index(index)?;
        sheet.write_string(row, 0, name)?;
        sheet.write_string_with_format(row, 1, text, &wrap)?;
    }

    // The drop-down lists, off to the side (only on the first instructions
    // sheet, which the formulas name).
    let first = all.iter().find_map(|sheet| match sheet {
        SheetLayout::Instructions(first) => Some(first),
        SheetLayout::Table(_) => None,
    });
    if first.is_some_and(|first| std::ptr::eq(first, instructions)) {
        for (index, drop_down) in drop_downs(all).enumerate() {
            let column = list_column(index)?;
            sheet.set_column_width(column, drop_down.list_width)?;
            sheet.write_string_with_format(0, column, &drop_down.heading, &bold)?;
            for (row, value) in drop_down.values.iter().enumerate() {
                sheet.write_string(row_index(row)?, column, value)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_lettered_as_excel_letters_them() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(5), "F");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(16_383), "XFD");
    }
}
