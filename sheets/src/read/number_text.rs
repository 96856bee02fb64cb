//! Numbers as the text Excel shows for a plain "General" cell.

/// Significant digits Excel keeps and shows.
const EXCEL_DIGITS: usize = 15;

/// `x` as Excel shows it in a General cell, but never with an exponent:
/// at most 15 significant digits, no trailing `.0`, no `-0`.
///
/// `61412345678.0` → `"61412345678"`, `0.1` → `"0.1"`, `1e-7` →
/// `"0.0000001"`, `0.1 + 0.2` → `"0.3"`, `1234567890123456789.0` →
/// `"1234567890123460000"` (Excel keeps 15 digits). `None` for NaN and
/// infinities, which no spreadsheet stores as a value.
pub(crate) fn number_text(x: f64) -> Option<String> {
    if !x.is_finite() {
        return None;
    }
    if x == 0.0 {
        return Some("0".to_string());
    }
    // Whole numbers of up to 15 digits are exact: print them directly.
    if x.fract() == 0.0 && x.abs() < 1e15 {
        // In range for i64 by the test above, so the cast is exact.
        return Some(format!("{}", x as i64));
    }
    // Round to 15 significant digits, then lay the digits out without an
    // exponent. `{:.14e}` rounds the exact binary value correctly.
    let scientific = format!("{:.*e}", EXCEL_DIGITS - 1, x);
    let (mantissa, exponent) = scientific.split_once('e')?;
    let exponent: i64 = exponent.parse().ok()?;
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_end_matches('0');
    if digits.is_empty() {
        return Some("0".to_string());
    }
    // The value is 0.DIGITS × 10^(exponent + 1).
    let point = exponent + 1;
    let len = digits.len() as i64;
    let mut out = String::with_capacity(digits.len() + 24);
    if negative {
        out.push('-');
    }
    if point <= 0 {
        out.push_str("0.");
        for _ in 0..(-point) {
            out.push('0');
        }
        out.push_str(digits);
    } else if point >= len {
        out.push_str(digits);
        for _ in 0..(point - len) {
            out.push('0');
        }
    } else {
        let split = usize::try_from(point).ok()?;
        out.push_str(digits.get(..split)?);
        out.push('.');
        out.push_str(digits.get(split..)?);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::number_text;

    fn text(x: f64) -> String {
        number_text(x).unwrap_or_default()
    }

    #[test]
    fn whole_numbers_have_no_decimal_point_or_exponent() {
        assert_eq!(text(61412345678.0), "61412345678");
        assert_eq!(text(2134.0), "2134");
        assert_eq!(text(123456789012345.0), "123456789012345");
        assert_eq!(text(1234567890123.0), "1234567890123");
        assert_eq!(text(-42.0), "-42");
        assert_eq!(text(0.0), "0");
        assert_eq!(text(-0.0), "0");
        assert_eq!(text(1e21), "1000000000000000000000");
    }

    #[test]
    fn fractions_are_short_decimals_without_exponent() {
        assert_eq!(text(0.1), "0.1");
        assert_eq!(text(1e-7), "0.0000001");
        assert_eq!(text(-2.5), "-2.5");
        assert_eq!(text(1234.5678), "1234.5678");
        assert_eq!(text(0.1 + 0.2), "0.3");
        assert_eq!(text(1.0 / 3.0), "0.333333333333333");
        assert_eq!(text(123456.789), "123456.789");
    }

    #[test]
    fn digits_beyond_fifteen_are_rounded_like_excel() {
        assert_eq!(text(1234567890123456789.0), "1234567890123460000");
        assert_eq!(text(999_999_999_999_999_900.0), "1000000000000000000");
    }

    #[test]
    fn non_finite_numbers_have_no_text() {
        assert_eq!(number_text(f64::NAN), None);
        assert_eq!(number_text(f64::INFINITY), None);
    }
}
