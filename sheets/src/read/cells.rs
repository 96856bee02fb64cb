//! The glue between calamine and the [`RowBuilder`]: calamine's values as
//! our [`Value`]s, a dense calamine range fed to the builder row by row,
//! calamine's errors as [`ReadError`]s, and calamine calls run so that a
//! panic inside calamine becomes an error instead of a crash (where the
//! build can catch panics at all).
//!
//! The byte sizes calamine's values take on a 64-bit machine are here too:
//! the pre-flight checks estimate calamine's memory with them. They are
//! fixed numbers rather than `size_of` so that the browser (wasm32, where
//! everything is smaller) and the server refuse exactly the same files.

use std::borrow::Cow;

use calamine::{CellErrorType, Data, DataRef, Range};

use super::builder::RowBuilder;
use super::dates::DateSystem;
use super::error::ReadError;
use super::value::Value;

/// `String` (and `Vec`): pointer, capacity, length.
pub(crate) const STRING_BYTES: u64 = 24;
/// `calamine::Data` and `calamine::DataRef`.
pub(crate) const DATA_BYTES: u64 = 32;
/// `calamine::Cell<Data>`: a position and a `Data`.
pub(crate) const CELL_DATA_BYTES: u64 = 40;
/// `calamine::Cell<String>`.
pub(crate) const CELL_STRING_BYTES: u64 = 32;
/// A `Vec` that grows by doubling may hold up to twice what it needs, and
/// for a moment both the old and the new buffer: count each element twice.
pub(crate) const GROWTH: u64 = 2;

/// A calamine value as ours. Numbers calamine recognised as dates (by the
/// cell's number format) become dates in `system`.
pub(crate) fn value_ref<'a>(data: &'a DataRef<'_>, system: DateSystem) -> Value<'a> {
    match data {
        DataRef::Empty => Value::Empty,
        DataRef::Int(i) => Value::Number(*i as f64),
        DataRef::Float(x) => Value::Number(*x),
        DataRef::String(s) => Value::Text(Cow::Borrowed(s)),
        DataRef::SharedString(s) => Value::Text(Cow::Borrowed(s)),
        DataRef::Bool(b) => Value::Bool(*b),
        DataRef::DateTime(d) => Value::Date(d.as_f64(), system),
        DataRef::DateTimeIso(s) => Value::IsoDate(Cow::Borrowed(s)),
        DataRef::DurationIso(s) => duration(s),
        DataRef::Error(e) => Value::Error(Cow::Borrowed(error_text(e))),
    }
}

/// [`value_ref`] for an owned calamine value.
pub(crate) fn value(data: &Data, system: DateSystem) -> Value<'_> {
    match data {
        Data::Empty => Value::Empty,
        Data::Int(i) => Value::Number(*i as f64),
        Data::Float(x) => Value::Number(*x),
        Data::String(s) => Value::Text(Cow::Borrowed(s)),
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(d) => Value::Date(d.as_f64(), system),
        Data::DateTimeIso(s) => Value::IsoDate(Cow::Borrowed(s)),
        Data::DurationIso(s) => duration(s),
        Data::Error(e) => Value::Error(Cow::Borrowed(error_text(e))),
    }
}

/// An ISO 8601 duration (how OpenDocument stores a time) as `HH:MM:SS`.
fn duration(text: &str) -> Value<'_> {
    match super::dates::duration_text(text) {
        Some(clock) => Value::Text(Cow::Owned(clock)),
        None => Value::Text(Cow::Borrowed(text)),
    }
}

/// An error as Excel shows it. calamine calls `#GETTING_DATA` `#DATA!`.
fn error_text(error: &CellErrorType) -> &'static str {
    match error {
        CellErrorType::Div0 => "#DIV/0!",
        CellErrorType::NA => "#N/A",
        CellErrorType::Name => "#NAME?",
        CellErrorType::Null => "#NULL!",
        CellErrorType::Num => "#NUM!",
        CellErrorType::Ref => "#REF!",
        CellErrorType::Value => "#VALUE!",
        CellErrorType::GettingData => "#GETTING_DATA",
    }
}

/// Feeds a dense calamine range to `builder`, row by row, skipping empty
/// cells and, once the header is known, the columns right of it.
/// `value_at(row, col, data)` turns one cell into a [`Value`] (with the
/// absolute 0-based position, for formats that need more than the value).
pub(crate) fn feed_range<'r>(
    range: &'r Range<Data>,
    builder: &mut RowBuilder<'_>,
    mut value_at: impl FnMut(u32, u32, &'r Data) -> Value<'r>,
) -> Result<(), ReadError> {
    let Some((first_row, first_col)) = range.start() else {
        return Ok(());
    };
    for (i, cells) in range.rows().enumerate() {
        if builder.stopped() {
            break;
        }
        let row = u32::try_from(i)
            .ok()
            .and_then(|i| first_row.checked_add(i))
            .ok_or_else(|| ReadError::damaged("row number out of range"))?;
        for (j, data) in cells.iter().enumerate() {
            if matches!(data, Data::Empty) {
                continue;
            }
            let Some(col) = u32::try_from(j).ok().and_then(|j| first_col.checked_add(j)) else {
                break;
            };
            if !builder.wants(col) {
                // Right of the header: nothing further right matters.
                break;
            }
            builder.push(row, col, value_at(row, col, data))?;
        }
    }
    Ok(())
}

/// A calamine error as ours: a password is a password; a zip entry that
/// inflates past its declared size (the zip crate stops it; calamine
/// passes that on as an I/O error) looks unsafe, as it does when the
/// pre-flight checks meet it; everything else calamine refuses is a
/// damaged file (with calamine's words for the log).
pub(crate) fn calamine_error(format: &str, error: &dyn std::error::Error) -> ReadError {
    let detail = format!("{format} (calamine): {error}");
    if detail.contains("larger than its declared") {
        ReadError::suspicious(detail)
    } else {
        ReadError::damaged(detail)
    }
}

impl From<calamine::XlsxError> for ReadError {
    fn from(error: calamine::XlsxError) -> ReadError {
        match error {
            calamine::XlsxError::Password => ReadError::PasswordProtected,
            other => calamine_error("xlsx", &other),
        }
    }
}

impl From<calamine::XlsbError> for ReadError {
    fn from(error: calamine::XlsbError) -> ReadError {
        match error {
            calamine::XlsbError::Password => ReadError::PasswordProtected,
            other => calamine_error("xlsb", &other),
        }
    }
}

impl From<calamine::XlsError> for ReadError {
    fn from(error: calamine::XlsError) -> ReadError {
        match error {
            calamine::XlsError::Password => ReadError::PasswordProtected,
            other => calamine_error("xls", &other),
        }
    }
}

impl From<calamine::OdsError> for ReadError {
    fn from(error: calamine::OdsError) -> ReadError {
        match error {
            calamine::OdsError::Password => ReadError::PasswordProtected,
            other => calamine_error("ods", &other),
        }
    }
}

/// Runs `read` (which calls calamine) so that a panic inside it becomes
/// [`ReadError::Damaged`].
///
/// The pre-flight checks exist so that calamine never panics; this is the
/// net under them. It only works where panics unwind: on the server (and
/// in native tests). The browser's worker is built with `panic = "abort"`,
/// where a panic ends the worker; the page then shows a plain "could not
/// read this file" message and starts a fresh worker.
pub(crate) fn catching_panics<T>(
    format: &str,
    read: impl FnOnce() -> Result<T, ReadError>,
) -> Result<T, ReadError> {
    #[cfg(panic = "unwind")]
    {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)) {
            Ok(result) => result,
            Err(payload) => {
                let message = payload
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                Err(ReadError::damaged(format!(
                    "{format}: calamine panicked: {message}"
                )))
            }
        }
    }
    #[cfg(not(panic = "unwind"))]
    {
        let _ = format;
        read()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(panic = "unwind")]
    #[test]
    fn a_panic_inside_calamine_becomes_a_damaged_file() {
        let result: Result<(), ReadError> =
            catching_panics("test", || panic!("index out of bounds"));
        assert!(
            matches!(&result, Err(ReadError::Damaged { detail }) if detail.contains("index out of bounds")),
            "{result:?}"
        );
    }

    #[test]
    fn calamine_values_become_ours() {
        let system = DateSystem::Excel1900;
        assert_eq!(value(&Data::Int(42), system), Value::Number(42.0));
        assert_eq!(
            value(&Data::Error(CellErrorType::GettingData), system),
            Value::Error(Cow::Borrowed("#GETTING_DATA"))
        );
        assert_eq!(
            value(&Data::DurationIso("PT1H30M".into()), system),
            Value::Text(Cow::Owned("01:30:00".into()))
        );
        assert_eq!(value(&Data::Empty, system), Value::Empty);
    }
}

#[cfg(all(test, target_pointer_width = "64"))]
mod sizes {
    use super::*;
    use std::mem::size_of;

    #[test]
    fn the_sizes_used_for_estimates_are_calamines_own() {
        assert_eq!(size_of::<String>() as u64, STRING_BYTES);
        assert!(size_of::<Data>() as u64 <= DATA_BYTES);
        assert!(size_of::<DataRef<'_>>() as u64 <= DATA_BYTES);
        assert!(size_of::<calamine::Cell<Data>>() as u64 <= CELL_DATA_BYTES);
        assert!(size_of::<calamine::Cell<String>>() as u64 <= CELL_STRING_BYTES);
        assert!(size_of::<calamine::Style>() as u64 <= super::super::xlsx::STYLE_BYTES);
        assert!(size_of::<calamine::Font>() as u64 <= super::super::xlsx::FONT_BYTES);
    }
}
