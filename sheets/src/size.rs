//! Sizes and counts as users read them ("25 MB", "250,000"), and the one
//! sentence for a file over the size limit, shared by the page (which
//! refuses before reading) and the reader (which the server runs).

/// Which way a size is rounded to a tenth of a megabyte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Round {
    Nearest,
    /// For a size over a limit: never shown as the limit itself.
    Up,
    /// For a limit: never shown larger than it is.
    Down,
}

/// `bytes` in megabytes (of 1,048,576 bytes, as Windows and Excel count),
/// with one decimal unless it is whole: "25 MB", "31.2 MB".
pub fn megabytes(bytes: u64, round: Round) -> String {
    const MB: u128 = 1024 * 1024;
    let scaled = u128::from(bytes) * 10;
    let tenths = match round {
        Round::Nearest => (scaled + MB / 2) / MB,
        Round::Up => scaled.div_ceil(MB),
        Round::Down => scaled / MB,
    };
    let whole = thousands(u64::try_from(tenths / 10).unwrap_or(u64::MAX));
    match tenths % 10 {
        0 => format!("{whole} MB"),
        tenth => format!("{whole}.{tenth} MB"),
    }
}

/// `n` with thousands separators: 250000 → "250,000".
pub fn thousands(n: u64) -> String {
    thousands::Separable::separate_with_commas(&n)
}

/// Why a file of `size` bytes is refused when the largest allowed is `max`.
/// The size is rounded up and the limit down, so a file just over the limit
/// never reads as the limit itself ("25 MB; the largest … is 25 MB").
pub fn file_too_large(size: u64, max: u64) -> String {
    format!(
        "This file is {}; the largest file you can import is {}. {SPLIT_IT}",
        megabytes(size, Round::Up),
        megabytes(max, Round::Down)
    )
}

/// The same, when the size is not known (a body sent without its length,
/// refused once it passed the limit).
pub fn file_over_limit(max: u64) -> String {
    format!("This file is larger than the largest file you can import ({}). {SPLIT_IT}", megabytes(max, Round::Down))
}

/// What to do about a file over the limit.
const SPLIT_IT: &str = "Split it into smaller files and import them one by one.";

#[cfg(test)]
mod tests {
    use super::*;

    const MB: u64 = 1024 * 1024;

    #[test]
    fn sizes_read_like_windows_shows_them() {
        assert_eq!(megabytes(25 * MB, Round::Nearest), "25 MB");
        assert_eq!(megabytes(32_715_571, Round::Nearest), "31.2 MB");
        assert_eq!(megabytes(500 * MB, Round::Nearest), "500 MB");
        assert_eq!(megabytes(0, Round::Nearest), "0 MB");
        assert_eq!(megabytes(2_000 * MB, Round::Up), "2,000 MB");
    }

    #[test]
    fn a_file_just_over_the_size_limit_never_reads_as_the_limit() {
        assert_eq!(
            file_too_large(25 * MB + 1, 25 * MB),
            "This file is 25.1 MB; the largest file you can import is 25 MB. Split it into smaller files and import them one by one."
        );
        assert!(file_too_large(40 * MB, 25 * MB).starts_with("This file is 40 MB; the largest file you can import is 25 MB."));
        // A limit that is not a whole number of megabytes is not shown as 0 MB.
        assert!(file_too_large(1_000_001, 1_000_000).contains("is 1 MB; the largest file you can import is 0.9 MB."));
    }

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(250_000), "250,000");
        assert_eq!(thousands(1_048_576), "1,048,576");
    }
}
