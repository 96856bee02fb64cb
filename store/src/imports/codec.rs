//! How import values are stored: mode and status as text, a contact's fields
//! as a text array in template order ([`Field::ALL`]), a set of fields as a
//! bit set.
//!
//! Invariant: every `*_to_*` here has an inverse that gives back the same
//! value, and the inverses never panic on what is in the database: an
//! unknown text or an array longer than the template is a [`CodecError`],
//! fields missing from the end of a shorter array read as blank.

use rules::merge::MergeMode;
use rules::{ContactFields, Field, FieldSet};
use crate::model::ImportStatus;

/// A stored value the code does not understand (the schema and the code
/// disagree): reported as a database error, never a panic.
#[derive(Debug, thiserror::Error)]
#[error("unexpected stored value for {what}: {value}")]
pub(crate) struct CodecError {
    what: &'static str,
    value: String,
}

impl CodecError {
    /// `value`, found in `what`, is not one the code knows.
    pub(crate) fn new(what: &'static str, value: impl Into<String>) -> CodecError {
        CodecError { what, value: value.into() }
    }
}

impl From<CodecError> for sqlx::Error {
    fn from(error: CodecError) -> Self {
        sqlx::Error::Decode(Box::new(error))
    }
}

/// The `imports.mode` text of `mode`.
pub(crate) fn mode_text(mode: MergeMode) -> &'static str {
    match mode {
        MergeMode::KeepExisting => "keep",
        MergeMode::OverwriteAll => "overwrite",
    }
}

/// The mode stored as `text`.
pub(crate) fn mode_from_text(text: &str) -> Result<MergeMode, CodecError> {
    match text {
        "keep" => Ok(MergeMode::KeepExisting),
        "overwrite" => Ok(MergeMode::OverwriteAll),
        other => Err(CodecError { what: "imports.mode", value: other.to_string() }),
    }
}

/// The `imports.status` text of `status`.
pub(crate) fn status_text(status: ImportStatus) -> &'static str {
    match status {
        ImportStatus::Open => "open",
        ImportStatus::Committed => "committed",
        ImportStatus::Failed => "failed",
        ImportStatus::Undone => "undone",
    }
}

/// The status stored as `text`.
pub(crate) fn status_from_text(text: &str) -> Result<ImportStatus, CodecError> {
    match text {
        "open" => Ok(ImportStatus::Open),
        "committed" => Ok(ImportStatus::Committed),
        "failed" => Ok(ImportStatus::Failed),
        "undone" => Ok(ImportStatus::Undone),
        other => Err(CodecError { what: "imports.status", value: other.to_string() }),
    }
}

/// The fields of a text array in template order, as `import_changes`
/// keeps them (written by `write::fields_array`); fields past the array's
/// end (added to the template after it was written) are blank.
pub(crate) fn fields_from_array(values: &[String]) -> Result<ContactFields, CodecError> {
    if values.len() > Field::COUNT {
        return Err(CodecError { what: "contact fields", value: format!("{} values", values.len()) });
    }
    let mut fields = ContactFields::blank();
    for (field, value) in Field::ALL.into_iter().zip(values) {
        fields.set(field, value.as_str());
    }
    Ok(fields)
}

/// `set` as a bit set: bit `field.index()` for each field in it.
pub(crate) fn field_set_to_bits(set: FieldSet) -> i32 {
    set.iter().fold(0, |bits, field| bits | (1 << field.index()))
}

/// The set stored as `bits` (bits beyond the known fields are ignored).
pub(crate) fn field_set_from_bits(bits: i32) -> FieldSet {
    Field::ALL.into_iter().filter(|field| bits & (1 << field.index()) != 0).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_read_from_an_array_in_template_order_and_missing_ones_are_blank() {
        let mut values = vec![String::new(); Field::COUNT];
        values[Field::Email.index()] = "a@b.co".into();
        values[Field::Notes.index()] = "say \"hi\"\n".into();
        let fields = ContactFields::from_pairs([(Field::Email, "a@b.co"), (Field::Notes, "say \"hi\"\n")]);
        assert_eq!(fields_from_array(&values).unwrap(), fields);
        let short = vec!["C-1".to_string()];
        assert_eq!(fields_from_array(&short).unwrap(), ContactFields::from_pairs([(Field::Reference, "C-1")]));
        assert!(fields_from_array(&vec![String::new(); Field::COUNT + 1]).is_err());
    }

    #[test]
    fn field_sets_survive_bits() {
        for set in [FieldSet::EMPTY, FieldSet::all(), FieldSet::of(&[Field::Email, Field::Notes])] {
            assert_eq!(field_set_from_bits(field_set_to_bits(set)), set);
        }
    }

    #[test]
    fn texts_survive() {
        for mode in [MergeMode::KeepExisting, MergeMode::OverwriteAll] {
            assert_eq!(mode_from_text(mode_text(mode)).unwrap(), mode);
        }
        for status in [ImportStatus::Open, ImportStatus::Committed, ImportStatus::Failed, ImportStatus::Undone] {
            assert_eq!(status_from_text(status_text(status)).unwrap(), status);
        }
        assert!(mode_from_text("merge").is_err());
    }
}
