//! The contact-import rules: one source of truth that the browser (compiled to
//! wasm32) and the server both run, so the green checks a user sees in the
//! browser are exactly the server's verdict.
//!
//! Plain Rust: no leptos, no IO, no panics on any input.
//!
//! - [`field`], [`contact`]: the contact fields (template columns) and values.
//! - [`sheet`]: what reading a file yields (header + text rows) and the limits.
//! - [`read`] (feature `read`): bytes + file name → [`sheet::Sheet`], with
//!   calamine for workbooks and the `csv` crate for CSV, each file checked
//!   against what would make calamine blow up before calamine sees it.
//! - [`headers`]: matching the file's headers to fields, with synonyms and a
//!   user override.
//! - [`country`]: ISO 3166-1 countries and their English names.
//! - [`validate`]: one cell and one row, on their own.
//! - [`merge`]: what a valid row does to an existing contact in each mode.
//! - [`check`]: a whole import against the account's existing contacts, kept
//!   up to date as the user edits cells and removes rows.
//! - [`form`]: one contact typed into the contact form.
//! - [`issue`]: the problems found, worded for the user.
//! - [`search`]: the contacts list's sort keys and search text, and what a
//!   search box's text asks for.
//! - [`write`] (feature `write`): the template, example, export and error
//!   report workbooks.

pub mod check;
pub mod contact;
pub mod country;
pub mod field;
pub mod form;
pub mod headers;
pub mod issue;
pub mod merge;
#[cfg(feature = "read")]
pub mod read;
pub mod search;
pub mod sheet;
pub mod size;
pub mod validate;
#[cfg(feature = "write")]
pub mod write;

pub use contact::{Category, ContactFields, ContactKind, ExistingContact, ValidContact};
pub use field::{Field, FieldSet};
pub use issue::{Issue, Problem};
pub use sheet::{Cell, FileFormat, Limits, Sheet, SheetRow};
