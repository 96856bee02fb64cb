//! Mapping between `rules::ContactFields` and the contacts table's columns.

use rules::{ContactFields, Field};
use sqlx::postgres::PgRow;
use sqlx::Row;

/// The contact field columns in template order, e.g. for a SELECT list,
/// each prefixed with `prefix` (a table alias and dot, or "").
pub fn field_columns(prefix: &str) -> String {
    Field::ALL
        .iter()
        .map(|field| format!("{prefix}{}", field.key()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads the field columns (named by `Field::key`) from a row.
pub fn fields_from_row(row: &PgRow) -> Result<ContactFields, sqlx::Error> {
    let mut fields = ContactFields::blank();
    for field in Field::ALL {
        fields.set(field, row.try_get::<String, _>(field.key())?);
    }
    Ok(fields)
}
