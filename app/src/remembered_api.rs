//! The remembered-mapping server functions: how the caller's account last
//! mapped a file with these headers (read when a file is chosen), and
//! remembering it (after an import is confirmed). Thin: the account comes
//! from the session, `rules` says which headers are the same, `store`
//! keeps it.
//!
//! Invariant: what comes in is bounded before it is stored (at most the
//! column limit of headers, each at most [`MAX_TEXT_CHARS`] characters, at
//! most [`MAX_VALUE_CHOICES`] value choices, column choices only for
//! columns the headers have), and value choices are checked by the rules as
//! they are read from the request, so a stored mapping is always one the
//! page could have made.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use store::model::RememberedMapping;

use crate::error::AppError;

/// The longest header, or value mapped, a remembered mapping keeps.
pub const MAX_TEXT_CHARS: usize = 1_000;
/// The most value choices one mapping keeps: every listed unknown value of
/// the three choice columns.
pub const MAX_VALUE_CHOICES: usize = 3 * rules::choices::MAX_UNKNOWN_LISTED;

/// How the caller's account last mapped a file with `headers`, if it did.
#[server(name = RememberedMappingCall, endpoint = "remembered_mapping", input = Json)]
pub async fn remembered_mapping(headers: Vec<String>) -> Result<Option<RememberedMapping>, AppError> {
    use crate::server_context::{caller, reply};
    reply(
        async {
            let caller = caller().await?;
            check_headers(&headers, caller.limits.max_columns as usize)?;
            let signature = rules::headers::header_signature(&headers);
            Ok(store::remembered::get(&caller.pool, caller.account, &signature).await?)
        }
        .await,
    )
}

/// Remembers `mapping` as how the caller's account maps files with
/// `headers`, replacing what it remembered for them.
#[server(endpoint = "remember_mapping", input = Json)]
pub async fn remember_mapping(headers: Vec<String>, mapping: RememberedMapping) -> Result<(), AppError> {
    use crate::server_context::{caller, reply};
    reply(
        async {
            let caller = caller().await?;
            check_headers(&headers, caller.limits.max_columns as usize)?;
            check_mapping(&mapping, headers.len())?;
            let signature = rules::headers::header_signature(&headers);
            Ok(store::remembered::remember(&caller.pool, caller.account, &signature, &mapping).await?)
        }
        .await,
    )
}

/// At most `max_columns` headers of at most [`MAX_TEXT_CHARS`] characters.
pub fn check_headers(headers: &[String], max_columns: usize) -> Result<(), AppError> {
    if headers.len() > max_columns {
        return Err(AppError::Invalid(format!(
            "A file can have at most {max_columns} columns, and this mapping names {}.",
            headers.len()
        )));
    }
    headers.iter().try_for_each(|header| AppError::check_length("A header", header, MAX_TEXT_CHARS))
}

/// Column choices only for the headers' columns, at most
/// [`MAX_VALUE_CHOICES`] value choices of values of at most
/// [`MAX_TEXT_CHARS`] characters.
pub fn check_mapping(mapping: &RememberedMapping, columns: usize) -> Result<(), AppError> {
    if let Some(choice) = mapping.columns.iter().find(|choice| choice.column >= columns) {
        return Err(AppError::Invalid(format!(
            "The mapping chooses a field for column {}, but the file has {columns} columns.",
            choice.column + 1
        )));
    }
    if mapping.values.entries().count() > MAX_VALUE_CHOICES {
        return Err(AppError::Invalid(format!("A mapping can keep at most {MAX_VALUE_CHOICES} value choices.")));
    }
    mapping.values.entries().try_for_each(|entry| AppError::check_length("A value", &entry.from, MAX_TEXT_CHARS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rules::choices::{ChoiceField, ValueMapping};
    use rules::headers::MappingOverride;

    #[test]
    fn a_mapping_within_its_bounds_is_accepted_and_one_past_them_refused_with_a_sentence() {
        let headers = vec!["First Name".to_string(), "Role".to_string()];
        assert_eq!(check_headers(&headers, 100), Ok(()));
        let too_many = vec![String::new(); 101];
        assert!(matches!(check_headers(&too_many, 100), Err(AppError::Invalid(_))));
        let too_long = vec!["x".repeat(MAX_TEXT_CHARS + 1)];
        assert_eq!(check_headers(&too_long, 100), Err(AppError::TooLong { what: "A header".into(), max: MAX_TEXT_CHARS }));

        let mut values = ValueMapping::new();
        values.set(ChoiceField::Category, "Owner", "Landlord").expect("a choice");
        let mapping = RememberedMapping { columns: vec![MappingOverride { column: 1, field: None }], values };
        assert_eq!(check_mapping(&mapping, 2), Ok(()));
        let outside = RememberedMapping { columns: vec![MappingOverride { column: 2, field: None }], ..mapping };
        assert_eq!(
            check_mapping(&outside, 2).map_err(|error| error.to_string()),
            Err("The mapping chooses a field for column 3, but the file has 2 columns.".to_string())
        );
    }
}
