//! Formatting values for display.

use time::OffsetDateTime;

/// `25 Nov 2026, 14:05 UTC`.
pub fn date_time(at: OffsetDateTime) -> String {
    let format = time::macros::format_description!("[day padding:none] [month repr:short] [year], [hour]:[minute] UTC");
    at.to_offset(time::UtcOffset::UTC).format(&format).unwrap_or_else(|_| at.to_string())
}

/// `12345` as `12,345`.
pub fn thousands(number: usize) -> String {
    thousands::Separable::separate_with_commas(&number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_thousands_separators() {
        for (number, text) in [(0, "0"), (999, "999"), (1000, "1,000"), (200000, "200,000"), (1234567, "1,234,567")] {
            assert_eq!(thousands(number), text);
        }
    }

    #[test]
    fn dates_read_plainly_in_utc() {
        let at = time::macros::datetime!(2026-11-25 14:05:09 +11:00);
        assert_eq!(date_time(at), "25 Nov 2026, 03:05 UTC");
    }
}
