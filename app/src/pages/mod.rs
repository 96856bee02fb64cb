//! One module per page, each with the server functions it calls.

pub mod account;
pub mod contact;
pub mod contacts;
pub mod import;
pub mod imports;
pub mod not_found;
pub mod sign_in;
