//! The contact-import rules: one source of truth that the browser (compiled to
//! wasm32) and the server both run, so the green checks a user sees in the
//! browser are exactly the server's verdict.
//!
//! Plain Rust: no leptos, no IO, no panics on any input.
//!
//! - [`field`], [`contact`]: the contact fields (template columns) and values.
//! - Reading files is the `sheets` crate's job: the rules take its rows
//!   ([`SheetRow`] of [`Cell`]s, re-exported here with the other sheet types).
//! - [`headers`]: matching the file's columns to fields (synonyms, other
//!   apps' export layouts, a split "Name", columns known by their values, a
//!   user override), finding the header row, and counting the data left out.
//! - [`country`]: ISO 3166-1 countries and their English names.
//! - [`phone`]: phone numbers as written → E.164 (libphonenumber's rules),
//!   or a typed reason; the digits a search looks for.
//! - [`choices`]: unknown Contact Type, Category and Country values, guessed
//!   (synonyms in five languages, then similarity) and mapped by the user.
//! - [`similar`]: possible duplicates (name + phone, name + postcode) found
//!   through blocking keys, and the user's choice for each.
//! - [`column_fix`]: find and replace in a column, and one fix applied to
//!   every row with the same value, as cell edits with their inverse.
//! - [`validate`]: one cell and one row, on their own.
//! - [`merge`]: what a valid row does to an existing contact in each mode.
//! - [`check`]: a whole import against the account's existing contacts, kept
//!   up to date as the user edits cells and removes rows.
//! - [`form`]: one contact typed into the contact form.
//! - [`issue`]: the problems found, worded for the user.
//! - [`search`]: the contacts list's sort keys and search text, and what a
//!   search box's text asks for.
//! - [`workbooks`]: the template, example, export and error report, as
//!   layouts that the `sheets` crate's writer turns into files.

pub mod check;
pub mod choices;
pub mod column_fix;
pub mod contact;
pub mod country;
pub mod field;
mod fold;
pub mod form;
pub mod headers;
pub mod issue;
pub mod merge;
pub mod phone;
pub mod search;
pub mod similar;
pub mod validate;
pub mod workbooks;

pub use contact::{Category, ContactFields, ContactKind, ExistingContact, ValidContact};
pub use field::{Field, FieldSet};
pub use issue::{Issue, Problem};
// The sheet types the rules take and the callers of the rules pass along,
// so that code using only the rules need not name the I/O crate.
pub use sheets::{Cell, FileFormat, Limits, Sheet, SheetRow};
