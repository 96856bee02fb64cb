//! Reading ods (OpenDocument) spreadsheets built by hand: sheet
//! visibility, cell text, typed values and formula results.

#![cfg(feature = "read")]

mod read_support;

use read_support::{all_texts, ods, ods_text, read};
use sheets::{Cell, FileFormat};

#[test]
fn hidden_tables_comments_and_repeated_spaces_are_handled() {
    let styles = r#"<style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/></style:style>"#;
    let tables = format!(
        r#"<table:table table:name="Lists" table:style-name="ta2"><table:table-row>{}</table:table-row></table:table><table:table table:name="People"><table:table-row>{}</table:table-row><table:table-row><table:table-cell office:value-type="string"><office:annotation><text:p>a comment</text:p></office:annotation><text:p>Ann<text:s text:c="2"/>Lee</text:p><text:p>second line</text:p></table:table-cell></table:table-row></table:table>"#,
        ods_text("Category"),
        ods_text("Name")
    );
    let workbook = read(&ods(&tables, styles, None), "people.ods").unwrap();
    assert_eq!(workbook.sheet_names, ["Lists", "People"]);
    assert_eq!(workbook.sheet.name, "People");
    assert_eq!(all_texts(&workbook), [vec!["Ann  Lee\nsecond line"]]);
}

#[test]
fn typed_values_and_formula_errors_read_like_excel_shows_them() {
    let cells = [
        r#"<table:table-cell office:value-type="float" office:value="61412345678"><text:p>61,412,345,678</text:p></table:table-cell>"#,
        r#"<table:table-cell office:value-type="percentage" office:value="0.25"><text:p>25%</text:p></table:table-cell>"#,
        r#"<table:table-cell office:value-type="date" office:date-value="2024-01-15T10:30:00"><text:p>15/01/24</text:p></table:table-cell>"#,
        r#"<table:table-cell office:value-type="time" office:time-value="PT08H15M00S"><text:p>08:15</text:p></table:table-cell>"#,
        r#"<table:table-cell office:value-type="boolean" office:boolean-value="true"><text:p>TRUE</text:p></table:table-cell>"#,
        r##"<table:table-cell table:formula="of:=1/0" office:value-type="string" office:string-value="#DIV/0!"><text:p>#DIV/0!</text:p></table:table-cell>"##,
        // LibreOffice writes an error result as an empty string value
        // with the error's text; calamine reads the text only then (a
        // cell without `office:string-value=""` reads as blank).
        r#"<table:table-cell table:formula="of:=FOO()" office:value-type="string" office:string-value="" calcext:value-type="error"><text:p>Err:508</text:p></table:table-cell>"#,
        r#"<table:table-cell office:value-type="string"><text:p>#N/A</text:p></table:table-cell>"#,
    ];
    let header: String = (1..=cells.len())
        .map(|i| ods_text(&format!("C{i}")))
        .collect();
    let tables = format!(
        r#"<table:table table:name="Sheet1"><table:table-row>{header}</table:table-row><table:table-row>{}</table:table-row></table:table>"#,
        cells.concat()
    );
    let workbook = read(&ods(&tables, "", None), "typed.ods").unwrap();
    assert_eq!(workbook.format, FileFormat::Ods);
    assert_eq!(
        all_texts(&workbook),
        [vec![
            "61412345678",
            "0.25",
            "2024-01-15 10:30:00",
            "08:15:00",
            "TRUE",
            "#DIV/0!",
            "Err:508",
            "#N/A"
        ]]
    );
    let row = &workbook.sheet.rows[0];
    assert_eq!(row.cells[5], Cell::Error("#DIV/0!".into()));
    assert_eq!(row.cells[6], Cell::Error("Err:508".into()));
    assert_eq!(row.cells[7], Cell::Text("#N/A".into()));
}
