//! Mapping between `rules::ContactFields` and the contacts table's columns.
//!
//! Invariant: every write of a contact sets the columns of
//! [`written_columns`] to [`written_values`] of a [`ValidContact`] (a
//! contact the rules validated; only undo writes back stored values, with
//! [`restored_values`]), so the match keys and list keys beside each
//! contact are always the ones the shared rules compute from its values.

use rules::check::match_key;
use rules::search::ListingKeys;
use rules::{ContactFields, Field, ValidContact};
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

/// How many columns [`written_columns`] names.
pub const WRITTEN_COLUMNS: usize = 5 + Field::COUNT;

/// The columns a write of a contact sets, besides its id, account, version
/// and timestamps: the match keys, the list keys, then every field in
/// template order.
pub fn written_columns() -> [&'static str; WRITTEN_COLUMNS] {
    let mut columns = ["reference_key", "email_key", "sort_name", "company_key", "search_text"]
        .into_iter()
        .chain(Field::ALL.iter().map(|field| field.key()));
    std::array::from_fn(|_| columns.next().unwrap_or_default())
}

/// The values of [`written_columns`] for `contact`, computed with the
/// shared rules (its match keys and list keys).
pub fn written_values(contact: &ValidContact) -> [String; WRITTEN_COLUMNS] {
    values_of(contact.fields())
}

/// The values of [`written_columns`] for `fields` a contact held before
/// (written when the rules validated them): what undo puts back.
pub(crate) fn restored_values(fields: &ContactFields) -> [String; WRITTEN_COLUMNS] {
    values_of(fields)
}

fn values_of(fields: &ContactFields) -> [String; WRITTEN_COLUMNS] {
    let listing = ListingKeys::of(fields);
    let mut values = [
        match_key(fields.get(Field::Reference)),
        match_key(fields.get(Field::Email)),
        listing.sort_name,
        listing.company_key,
        listing.search_text,
    ]
    .into_iter()
    .chain(fields.0.iter().cloned());
    std::array::from_fn(|_| values.next().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_values_line_up_with_their_columns() {
        let fields = ContactFields::from_pairs([(Field::Reference, "C-1"), (Field::Notes, "hi")]);
        let pairs: Vec<(&str, String)> = written_columns().into_iter().zip(restored_values(&fields)).collect();
        assert_eq!(pairs[0], ("reference_key", "c-1".to_string()));
        assert_eq!(pairs[5], ("reference", "C-1".to_string()));
        assert_eq!(pairs[WRITTEN_COLUMNS - 1], ("notes", "hi".to_string()));
    }
}
