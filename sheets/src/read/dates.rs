//! Dates and times: Excel serial numbers (of cells calamine found to have
//! a date or time format) and ISO 8601 text to `YYYY-MM-DD` /
//! `YYYY-MM-DD HH:MM:SS` / `HH:MM:SS`. No chrono: a civil-from-days
//! function is enough.

/// Which day serial number 0 is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DateSystem {
    /// Windows Excel: serial 1 is 1900-01-01, and serial 60 is the
    /// 1900-02-29 that never was (Lotus 1-2-3's leap-year bug).
    Excel1900,
    /// Old Mac Excel: serial 0 is 1904-01-01.
    Excel1904,
}

/// Largest serial Excel shows as a date: 9999-12-31 in the 1900 system.
const MAX_SERIAL: f64 = 2_958_465.999_999;

/// The date (and time, when it is not midnight) of an Excel serial number;
/// a serial below 1 with a time of day is a time only (`HH:MM:SS`).
/// `None` when Excel would not show it as a date (negative, past 9999).
pub(crate) fn serial_text(serial: f64, system: DateSystem) -> Option<String> {
    if !serial.is_finite() || !(0.0..=MAX_SERIAL).contains(&serial) {
        return None;
    }
    // Whole seconds, rounded like Excel's display.
    let total_seconds = (serial * 86_400.0).round() as i64;
    let day = total_seconds.div_euclid(86_400);
    let seconds = total_seconds.rem_euclid(86_400);
    if day == 0 && seconds > 0 {
        return Some(time_text(seconds));
    }
    let date = match system {
        DateSystem::Excel1900 => match day {
            0 => return None,
            60 => return Some(with_time("1900-02-29".to_string(), seconds)),
            // Serials 1..=59 count from 1899-12-31; from 61 on, the phantom
            // leap day shifts them to count from 1899-12-30.
            1..=59 => civil_text(day - 25_568)?,
            _ => civil_text(day - 25_569)?,
        },
        DateSystem::Excel1904 => civil_text(day - 24_107)?,
    };
    Some(with_time(date, seconds))
}

/// An ISO 8601 date or date-time (`2024-01-15`, `2024-01-15T10:30:00.5Z`)
/// as `YYYY-MM-DD`, or `YYYY-MM-DD HH:MM:SS` when the time is not midnight.
/// `None` when it is not such a date.
pub(crate) fn iso_text(iso: &str) -> Option<String> {
    let iso = iso.trim();
    let date = iso.get(..10)?;
    let bytes = date.as_bytes();
    let well_formed = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !well_formed {
        return None;
    }
    let rest = iso.get(10..)?;
    if rest.is_empty() {
        return Some(date.to_string());
    }
    let time = rest.strip_prefix(['T', ' '])?;
    let hours: i64 = time.get(0..2)?.parse().ok()?;
    let minutes: i64 = time.get(3..5)?.parse().ok()?;
    if time.get(2..3)? != ":" {
        return None;
    }
    let seconds: i64 = match time.get(5..6) {
        Some(":") => time.get(6..8)?.parse().ok()?,
        _ => 0,
    };
    if hours > 23 || minutes > 59 || seconds > 60 {
        return None;
    }
    Some(with_time(
        date.to_string(),
        hours * 3600 + minutes * 60 + seconds.min(59),
    ))
}

/// An ISO 8601 duration as OpenDocument writes times (`PT12H30M00S`,
/// `PT36H`, `-PT1H`) as `HH:MM:SS` (hours may exceed 23). `None` otherwise.
pub(crate) fn duration_text(duration: &str) -> Option<String> {
    let rest = duration.trim().strip_prefix("PT")?;
    let mut total = 0.0f64;
    let mut number = String::new();
    for c in rest.chars() {
        match c {
            '0'..='9' | '.' => number.push(c),
            'H' | 'M' | 'S' => {
                let value: f64 = number.parse().ok()?;
                number.clear();
                total += value
                    * match c {
                        'H' => 3600.0,
                        'M' => 60.0,
                        _ => 1.0,
                    };
            }
            _ => return None,
        }
    }
    if !number.is_empty() || !total.is_finite() || total > 1e12 {
        return None;
    }
    Some(time_text(total.round() as i64))
}

/// `date` followed by ` HH:MM:SS` unless `seconds` is 0.
fn with_time(mut date: String, seconds: i64) -> String {
    if seconds != 0 {
        date.push(' ');
        date.push_str(&time_text(seconds));
    }
    date
}

/// `HH:MM:SS` for a number of seconds (hours may exceed 23).
fn time_text(seconds: i64) -> String {
    let seconds = seconds.max(0);
    format!(
        "{:02}:{:02}:{:02}",
        seconds / 3600,
        (seconds / 60) % 60,
        seconds % 60
    )
}

/// `YYYY-MM-DD` of the day `days` after 1970-01-01 (Howard Hinnant's
/// civil-from-days), for years 0..=9999.
fn civil_text(days: i64) -> Option<String> {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    if !(0..=9999).contains(&year) {
        return None;
    }
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_become_iso_dates() {
        let text = |s| serial_text(s, DateSystem::Excel1900);
        assert_eq!(text(1.0).as_deref(), Some("1900-01-01"));
        assert_eq!(text(59.0).as_deref(), Some("1900-02-28"));
        assert_eq!(text(60.0).as_deref(), Some("1900-02-29"));
        assert_eq!(text(61.0).as_deref(), Some("1900-03-01"));
        assert_eq!(text(25_569.0).as_deref(), Some("1970-01-01"));
        assert_eq!(text(45_306.0).as_deref(), Some("2024-01-15"));
        assert_eq!(text(45_306.437_5).as_deref(), Some("2024-01-15 10:30:00"));
        assert_eq!(text(0.5).as_deref(), Some("12:00:00"));
        assert_eq!(text(2_958_465.0).as_deref(), Some("9999-12-31"));
        assert_eq!(text(2_958_466.0), None);
        assert_eq!(text(-1.0), None);
        assert_eq!(text(0.0), None);
    }

    #[test]
    fn the_1904_system_starts_in_1904() {
        let text = |s| serial_text(s, DateSystem::Excel1904);
        assert_eq!(text(0.0).as_deref(), Some("1904-01-01"));
        assert_eq!(text(43_844.0).as_deref(), Some("2024-01-15"));
    }

    #[test]
    fn iso_dates_are_normalised() {
        assert_eq!(iso_text("2024-01-15").as_deref(), Some("2024-01-15"));
        assert_eq!(
            iso_text("2024-01-15T00:00:00").as_deref(),
            Some("2024-01-15")
        );
        assert_eq!(
            iso_text("2024-01-15T10:30:05.123Z").as_deref(),
            Some("2024-01-15 10:30:05")
        );
        assert_eq!(
            iso_text("2024-01-15T10:30").as_deref(),
            Some("2024-01-15 10:30:00")
        );
        assert_eq!(iso_text("15/01/2024"), None);
        assert_eq!(iso_text("2024-01-15T99:00:00"), None);
    }

    #[test]
    fn durations_are_clock_times() {
        assert_eq!(duration_text("PT12H30M00S").as_deref(), Some("12:30:00"));
        assert_eq!(duration_text("PT36H").as_deref(), Some("36:00:00"));
        assert_eq!(duration_text("PT0.5S").as_deref(), Some("00:00:01"));
        assert_eq!(duration_text("P1D"), None);
    }
}
