//! Writing workbooks: the import template, the example file, the contacts
//! export, and the error report (feature `write`, rust_xlsxwriter).
//!
//! Invariant: every value is written as a typed string (never a number,
//! date or formula), so what a user typed comes back exactly, leading zeros
//! and all, and a value such as `=HYPERLINK(…)` stays inert text.

mod csv;
mod example;
mod layout;
mod report;

pub use csv::contacts_csv;
pub use example::example_contacts;
pub use report::error_report;

use crate::contact::ContactFields;

/// Writing a workbook failed (a bug, never the user's data).
#[derive(Debug, thiserror::Error)]
#[error("could not write the workbook: {0}")]
pub struct WriteError(String);

impl From<rust_xlsxwriter::XlsxError> for WriteError {
    fn from(error: rust_xlsxwriter::XlsxError) -> Self {
        WriteError(error.to_string())
    }
}

/// `contacts-template.xlsx`: the `Contacts` sheet with its headers (bold,
/// frozen, noted with their rules, drop-downs for Contact Type, Category and
/// Country) and no rows, plus the `Instructions` sheet.
pub fn template() -> Result<Vec<u8>, WriteError> {
    layout::contacts_workbook(&[])
}

/// `contacts-example.xlsx`: the template with about a dozen realistic
/// contacts that import with no issue.
pub fn example() -> Result<Vec<u8>, WriteError> {
    layout::contacts_workbook(&example_contacts())
}

/// The export: the template layout with `contacts` as rows (Contact ID
/// filled in), so export → edit → import updates them.
pub fn contacts_workbook(contacts: &[ContactFields]) -> Result<Vec<u8>, WriteError> {
    layout::contacts_workbook(contacts)
}
