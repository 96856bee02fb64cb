//! CSV, with every value that a spreadsheet would run as a formula
//! neutralised.

use crate::layout::TableSheet;

/// The table as CSV: its headers, then its rows, `\r\n` after each line,
/// UTF-8 with a BOM so Excel reads accents right. Only the columns count
/// (widths, notes and drop-downs have no place in CSV). A value starting
/// with `=`, `+`, `-`, `@`, tab or carriage return gets a leading
/// apostrophe, so no spreadsheet runs it as a formula; the reader drops
/// that apostrophe again.
pub fn csv(table: &TableSheet) -> String {
    let mut out = String::from("\u{feff}");
    let headers: Vec<String> = table.columns.iter().map(|column| quote(&neutralise(&column.header))).collect();
    out.push_str(&headers.join(","));
    out.push_str("\r\n");
    let width = table.columns.len();
    for row in &table.rows {
        let cells: Vec<String> = (0..width)
            .map(|index| row.get(index).map_or_else(String::new, |value| quote(&neutralise(value))))
            .collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

/// `value` made inert for spreadsheets (see [`csv`]).
pub fn neutralise(value: &str) -> String {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
        _ => value.to_string(),
    }
}

/// Quotes a CSV field when it holds a delimiter, quote or line break.
fn quote(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r', ';', '\t']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Column;

    #[test]
    fn formula_starts_are_neutralised_and_other_values_kept() {
        let cases = [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+61 412 345 678", "'+61 412 345 678"),
            ("-5", "'-5"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("Ana", "Ana"),
            ("", ""),
        ];
        for (value, expected) in cases {
            assert_eq!(neutralise(value), expected, "{value:?}");
        }
    }

    #[test]
    fn csv_quotes_what_needs_quoting_and_pads_short_rows() {
        let table = TableSheet {
            name: "People".into(),
            columns: vec![Column::new("Name", 10.0), Column::new("Notes", 10.0), Column::new("Phone", 10.0)],
            rows: vec![vec!["=1+1".into(), "said \"hi\", then\nleft".into()]],
            frozen_columns: 0,
        };
        let csv = csv(&table);
        let mut lines = csv.split("\r\n");
        assert_eq!(lines.next(), Some("\u{feff}Name,Notes,Phone"));
        assert_eq!(lines.next(), Some("'=1+1,\"said \"\"hi\"\", then\nleft\","));
        assert_eq!(lines.next(), Some(""));
        assert_eq!(lines.next(), None);
    }
}
