//! The CSV export, with every value that a spreadsheet would run as a
//! formula neutralised.

use crate::contact::ContactFields;
use crate::field::Field;

/// The contacts as CSV in the template's column order (UTF-8 with a BOM so
/// Excel reads accents right). A value starting with `=`, `+`, `-`, `@`,
/// tab or carriage return gets a leading apostrophe, so no spreadsheet runs
/// it as a formula.
pub fn contacts_csv(contacts: &[ContactFields]) -> String {
    let mut out = String::from("\u{feff}");
    let headers: Vec<String> = Field::ALL.iter().map(|field| quote(field.header())).collect();
    out.push_str(&headers.join(","));
    out.push_str("\r\n");
    for contact in contacts {
        let cells: Vec<String> = contact.iter().map(|(_, value)| quote(&neutralise(value))).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

/// `value` made inert for spreadsheets (see [`contacts_csv`]).
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
    fn csv_quotes_what_needs_quoting() {
        let contact = ContactFields::from_pairs([
            (Field::FirstName, "=1+1"),
            (Field::Notes, "said \"hi\", then\nleft"),
        ]);
        let csv = contacts_csv(&[contact]);
        let mut lines = csv.split("\r\n");
        assert!(lines.next().unwrap().starts_with("\u{feff}Contact ID,Contact Type,Title,First Name"));
        let row = lines.next().unwrap();
        assert!(row.contains(",'=1+1,"), "{row}");
        assert!(row.ends_with("\"said \"\"hi\"\", then\nleft\""), "{row}");
    }
}
