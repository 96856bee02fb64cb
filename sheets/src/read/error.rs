//! Why a file could not be read, worded for the person importing it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::size::{file_too_large, megabytes, thousands, Round};

/// Why a file could not be read.
///
/// Every variant's `Display` is one or two plain sentences for a property
/// manager: what is wrong and what to do about it. The fields are there for
/// the UI (and logs); `Damaged::detail` is technical and never shown.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReadError {
    /// The file has no bytes at all.
    EmptyFile,
    /// The file is bigger than `Limits::max_file_bytes`.
    FileTooLarge { size: u64, max: u64 },
    /// The bytes are not a spreadsheet format we read (a PDF, a picture, a
    /// Word document, a web page…). `looks_like` names what it seems to be.
    NotASpreadsheet { looks_like: Option<String> },
    /// An Excel 2.x–4.0 `.xls` (a bare BIFF2–4 record stream; Excel 5.0
    /// and later, BIFF5 and BIFF8 in a compound file, are read).
    OldExcelFormat,
    /// The workbook is encrypted with a password.
    PasswordProtected,
    /// The file is truncated, corrupt or malformed.
    Damaged { detail: String },
    /// The workbook unpacks to more than `Limits::max_inflated_bytes`.
    UnpacksTooLarge { max: u64 },
    /// The archive is built like a decompression bomb (far more data packed
    /// than its size suggests, or an absurd number of parts).
    Suspicious { detail: String },
    /// A CSV file that is not UTF-8 (or UTF-16 with a byte-order mark).
    NotUtf8 { line: u32 },
    /// The workbook has no worksheet (only charts, or nothing).
    NoSheets,
    /// The sheet the user asked for is not in the workbook.
    SheetNotFound {
        sheet: String,
        available: Vec<String>,
    },
    /// The chosen sheet has no non-blank row, so no header row.
    NoHeader { sheet: String },
    /// More data rows than `Limits::max_rows`.
    TooManyRows { sheet: String, max: u32 },
    /// The header row is wider than `Limits::max_columns`.
    TooManyColumns {
        sheet: String,
        columns: u32,
        max: u32,
    },
    /// The text the sheet holds is more than the reader's text budget.
    TooMuchText { max: u64 },
    /// The reader was stopped before it finished: the sandbox it runs in
    /// (a child process on the server, the worker in the browser) ended it
    /// for taking more memory or time than one file may, or it crashed.
    ReaderStopped { cause: ReaderStop },
    /// A vCard file whose card starting on `line` has no `END:VCARD`
    /// before the file ends (the file was cut off).
    VcardCutOff { line: u32 },
    /// A vCard file (named `.vcf`) with no `BEGIN:VCARD` card in it.
    NoVcards,
}

/// Why the sandbox ended a read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReaderStop {
    /// It needed more memory than one file may take.
    Memory,
    /// It took more time than one file may take.
    Time,
    /// It ended some other way (a crash).
    Crash,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::EmptyFile => f.write_str(
                "This file is empty. Choose the file again, or open it in Excel and save it again.",
            ),
            ReadError::FileTooLarge { size, max } => f.write_str(&file_too_large(*size, *max)),
            ReadError::NotASpreadsheet { looks_like } => {
                f.write_str("This file is not a spreadsheet we can read")?;
                if let Some(what) = looks_like {
                    write!(f, " (it looks like {what})")?;
                }
                f.write_str(". Save it as .xlsx (Excel Workbook) or .csv and try again.")
            }
            ReadError::OldExcelFormat => f.write_str(
                "This file was saved by a very old version of Excel (Excel 4.0 or earlier), which we cannot read. Open it in Excel, save it as .xlsx (Excel Workbook) and try again.",
            ),
            ReadError::PasswordProtected => f.write_str(
                "This file is password-protected, so it cannot be read. Open it in Excel, remove the password (File › Info › Protect Workbook › Encrypt with Password), save it and try again.",
            ),
            ReadError::Damaged { .. } => f.write_str(
                "This file is damaged or incomplete and cannot be read. Open it in Excel, save it again as .xlsx (Excel Workbook) and try again.",
            ),
            ReadError::UnpacksTooLarge { max } => write!(
                f,
                "This file unpacks to more than {} of data, which is more than we can read. Split it into smaller files, or delete sheets, pictures and formatting you do not need.",
                megabytes(*max, Round::Down)
            ),
            ReadError::Suspicious { .. } => f.write_str(
                "This file looks unsafe: it packs far more data inside than its size suggests, so it was not opened. Open it in Excel, save it again as .xlsx (Excel Workbook) and try again.",
            ),
            ReadError::NotUtf8 { line } => write!(
                f,
                "This CSV file is not saved as UTF-8 text (the first unreadable character is on line {}). In Excel, choose File › Save As › “CSV UTF-8 (Comma delimited)” and import that file.",
                thousands(u64::from(*line))
            ),
            ReadError::NoSheets => f.write_str(
                "This workbook has no worksheet to import (it may hold only charts). Put the contacts on a worksheet and try again.",
            ),
            ReadError::SheetNotFound { sheet, available } => {
                write!(f, "The sheet “{sheet}” is not in this file.")?;
                if !available.is_empty() {
                    f.write_str(" Choose one of: ")?;
                    for (i, name) in available.iter().enumerate() {
                        if i > 0 {
                            f.write_str(", ")?;
                        }
                        write!(f, "“{name}”")?;
                    }
                    f.write_str(".")?;
                }
                Ok(())
            }
            ReadError::NoHeader { sheet } => write!(
                f,
                "The sheet “{sheet}” has no header row: it is empty. Put the column headers (Contact ID, First Name, Last Name…) in the first row and the contacts below them."
            ),
            ReadError::TooManyRows { sheet, max } => write!(
                f,
                "The sheet “{sheet}” has more than {} rows of contacts; at most {} can be imported at once. Split it into smaller files.",
                thousands(u64::from(*max)),
                thousands(u64::from(*max))
            ),
            ReadError::TooManyColumns { sheet, columns, max } => write!(
                f,
                "The sheet “{sheet}” has {} columns; at most {} can be imported. Delete the columns you do not need and try again.",
                thousands(u64::from(*columns)),
                thousands(u64::from(*max))
            ),
            ReadError::TooMuchText { max } => write!(
                f,
                "This sheet holds more than {} of text, which is more than we can read at once. Split it into smaller files.",
                megabytes(*max, Round::Down)
            ),
            ReadError::ReaderStopped { cause } => f.write_str(match cause {
                ReaderStop::Memory => "This file could not be read: it needs more memory than one file may take. Split it into smaller files, or open it in Excel, save it again as .xlsx (Excel Workbook) and try again.",
                ReaderStop::Time => "This file could not be read: reading it took longer than one file may take. Split it into smaller files, or open it in Excel, save it again as .xlsx (Excel Workbook) and try again.",
                ReaderStop::Crash => "This file could not be read: it made our reader fail. Open it in Excel, save it again as .xlsx (Excel Workbook) and try again.",
            }),
            ReadError::VcardCutOff { line } => write!(
                f,
                "The contact card that starts on line {} of this vCard file has no end (no END:VCARD line), so the file looks cut off. Export the contacts again and import the new file.",
                thousands(u64::from(*line))
            ),
            ReadError::NoVcards => f.write_str(
                "This vCard file holds no contact cards (no BEGIN:VCARD line). Export the contacts again as a vCard (.vcf) file, or save them as .csv, and try again.",
            ),
        }
    }
}

impl ReadError {
    /// A damaged-file error with a technical detail for logs.
    pub(crate) fn damaged(detail: impl Into<String>) -> ReadError {
        ReadError::Damaged {
            detail: detail.into(),
        }
    }

    /// A suspicious-archive error with a technical detail for logs.
    pub(crate) fn suspicious(detail: impl Into<String>) -> ReadError {
        ReadError::Suspicious {
            detail: detail.into(),
        }
    }

    /// A not-a-spreadsheet error naming what the file looks like.
    pub(crate) fn not_a_spreadsheet(looks_like: Option<&str>) -> ReadError {
        ReadError::NotASpreadsheet {
            looks_like: looks_like.map(str::to_string),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_plain_sentences() {
        let too_big = ReadError::FileTooLarge {
            size: 32_715_571,
            max: 25 * 1024 * 1024,
        };
        assert_eq!(
            too_big.to_string(),
            "This file is 31.2 MB; the largest file you can import is 25 MB. Split it into smaller files and import them one by one."
        );
        let rows = ReadError::TooManyRows {
            sheet: "Contacts".into(),
            max: 200_000,
        };
        assert!(rows.to_string().contains("more than 200,000 rows"));
        let cols = ReadError::TooManyColumns {
            sheet: "Contacts".into(),
            columns: 140,
            max: 100,
        };
        assert!(cols.to_string().contains("has 140 columns; at most 100"));
        let damaged = ReadError::damaged("zip: invalid central directory");
        assert!(!damaged.to_string().contains("zip"));
    }
}
