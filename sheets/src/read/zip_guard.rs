//! Zip packages (xlsx, xlsm, xlsb, ods), opened only after their central
//! directory has been checked, and read through size-counting readers.
//!
//! What is enforced:
//! - at most [`MAX_ENTRIES`] entries;
//! - every entry's declared uncompressed size, and their total, at most
//!   `Limits::max_inflated_bytes`;
//! - no entry above [`BOMB_MIN_BYTES`] packed more than [`BOMB_RATIO`]:1;
//! - encrypted entries are refused (password-protected);
//! - two entries whose names differ only in case, slashes or a leading
//!   `/` are refused: Office (and calamine) look names up that loosely, so
//!   the part a pre-flight check reads must be the one calamine reads;
//! - while reading, an entry can never yield more than its declared size:
//!   the zip crate stops with an error past it, and [`EntryReader`] counts
//!   again. So the bytes actually inflated per entry read are bounded by
//!   the declared sizes checked up front, whatever the data says;
//! - [`EntryReader`] also bounds the bytes one XML event may span
//!   ([`MAX_EVENT_BYTES`]), so a 400 MB text node cannot be buffered whole.

use std::collections::HashMap;
use std::io::{self, BufRead, Cursor, Read};

use zip::result::ZipError;
use zip::ZipArchive;

use super::error::ReadError;
use crate::sheet::Limits;

/// Most entries a package may have (real workbooks have tens to hundreds).
pub(crate) const MAX_ENTRIES: usize = 10_000;
/// Entries smaller than this are never treated as bombs.
pub(crate) const BOMB_MIN_BYTES: u64 = 16 * 1024 * 1024;
/// Highest compression ratio accepted on large entries (spreadsheet XML
/// compresses 5–50:1; deflate's maximum is about 1,032:1).
pub(crate) const BOMB_RATIO: u64 = 200;
/// Most bytes a single XML event (a tag, a run of text) may span.
pub(crate) const MAX_EVENT_BYTES: u64 = 16 * 1024 * 1024;

type Archive<'a> = ZipArchive<Cursor<&'a [u8]>>;

/// A checked zip package.
pub(crate) struct Package<'a> {
    zip: Archive<'a>,
    /// Normalised entry name (lower case, `/` separators, no leading `/`)
    /// to entry index. Office looks names up without regard to case.
    names: HashMap<String, usize>,
    /// Entry names exactly as stored, to entry index.
    exact: HashMap<String, usize>,
    max_inflated: u64,
}

impl<'a> Package<'a> {
    /// Opens `bytes` as a zip and checks its central directory.
    pub(crate) fn open(bytes: &'a [u8], limits: &Limits) -> Result<Package<'a>, ReadError> {
        let zip = ZipArchive::new(Cursor::new(bytes)).map_err(zip_error)?;
        if zip.len() > MAX_ENTRIES {
            return Err(ReadError::suspicious(format!("{} zip entries", zip.len())));
        }
        let mut names = HashMap::with_capacity(zip.len());
        let mut exact = HashMap::with_capacity(zip.len());
        let mut total: u64 = 0;
        for index in 0..zip.len() {
            let entry = zip.by_index_data(index).map_err(zip_error)?;
            if entry.encrypted() {
                return Err(ReadError::PasswordProtected);
            }
            let size = entry.size();
            let packed = entry.compressed_size().max(1);
            if size > limits.max_inflated_bytes {
                return Err(ReadError::UnpacksTooLarge {
                    max: limits.max_inflated_bytes,
                });
            }
            total = total.saturating_add(size);
            if total > limits.max_inflated_bytes {
                return Err(ReadError::UnpacksTooLarge {
                    max: limits.max_inflated_bytes,
                });
            }
            if size > BOMB_MIN_BYTES && size / packed > BOMB_RATIO {
                return Err(ReadError::suspicious(format!(
                    "entry {index} packs {size} bytes into {packed}"
                )));
            }
            let stored = entry.name().map_err(zip_error)?.to_string();
            if names.insert(normalise(&stored), index).is_some() {
                return Err(ReadError::damaged(format!(
                    "two zip entries are named like {stored:?}"
                )));
            }
            exact.insert(stored, index);
        }
        Ok(Package {
            zip,
            names,
            exact,
            max_inflated: limits.max_inflated_bytes,
        })
    }

    /// Whether the package has an entry at `path` (any case).
    pub(crate) fn has(&self, path: &str) -> bool {
        self.names.contains_key(&normalise(path))
    }

    /// Whether the package has an entry named exactly `path`.
    pub(crate) fn has_exact(&self, path: &str) -> bool {
        self.exact.contains_key(path)
    }

    /// The normalised names of all entries.
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.names.keys().map(String::as_str)
    }

    /// The whole entry at `path`, refused as suspicious when it is larger
    /// than `max_bytes` (for small parts such as relationships).
    pub(crate) fn read_all(
        &mut self,
        path: &str,
        max_bytes: u64,
    ) -> Result<Option<Vec<u8>>, ReadError> {
        let Some(mut reader) = self.reader(path)? else {
            return Ok(None);
        };
        if reader.declared > max_bytes {
            return Err(ReadError::suspicious(format!(
                "{path} is {} bytes",
                reader.declared
            )));
        }
        let mut bytes = Vec::new();
        reader.disable_event_limit();
        match reader.read_to_end(&mut bytes) {
            Ok(_) => Ok(Some(bytes)),
            Err(error) => Err(reader.failure().unwrap_or_else(|| io_error(&error))),
        }
    }

    /// Refuses the entry at `path` (any case) as suspicious when it
    /// declares more than `max_bytes`: for parts that calamine reads whole
    /// or event by event and that are small in real files, so that their
    /// size bounds what calamine buffers.
    pub(crate) fn cap(&mut self, path: &str, max_bytes: u64) -> Result<(), ReadError> {
        let declared = self.reader(path)?.map(|reader| reader.declared());
        match declared {
            Some(size) if size > max_bytes => {
                Err(ReadError::suspicious(format!("{path} is {size} bytes")))
            }
            _ => Ok(()),
        }
    }

    /// A counting reader over the entry at `path` (any case), if there is
    /// one.
    pub(crate) fn reader(&mut self, path: &str) -> Result<Option<EntryReader<'_>>, ReadError> {
        let Some(&index) = self.names.get(&normalise(path)) else {
            return Ok(None);
        };
        self.reader_at(index).map(Some)
    }

    /// A counting reader over the entry named exactly `path`, if there is
    /// one.
    pub(crate) fn reader_exact(
        &mut self,
        path: &str,
    ) -> Result<Option<EntryReader<'_>>, ReadError> {
        let Some(&index) = self.exact.get(path) else {
            return Ok(None);
        };
        self.reader_at(index).map(Some)
    }

    fn reader_at(&mut self, index: usize) -> Result<EntryReader<'_>, ReadError> {
        let file = self.zip.by_index(index).map_err(zip_error)?;
        let declared = file.size();
        Ok(EntryReader {
            file: Box::new(file),
            limit: declared.min(self.max_inflated),
            declared,
            read: 0,
            buffer: vec![0; 64 * 1024].into_boxed_slice(),
            start: 0,
            end: 0,
            window: 0,
            max_window: MAX_EVENT_BYTES,
            failure: None,
        })
    }
}

/// A zip entry name as Office compares them.
pub(crate) fn normalise(path: &str) -> String {
    let path = path.trim_start_matches(['/', '\\']);
    path.replace('\\', "/").to_ascii_lowercase()
}

/// Our error for a zip crate error.
pub(crate) fn zip_error(error: ZipError) -> ReadError {
    match error {
        ZipError::UnsupportedArchive(message) if message == ZipError::PASSWORD_REQUIRED => {
            ReadError::PasswordProtected
        }
        ZipError::InvalidPassword => ReadError::PasswordProtected,
        ZipError::Io(error) => io_error(&error),
        other => ReadError::damaged(format!("zip: {other}")),
    }
}

/// Our error for an I/O error while inflating.
fn io_error(error: &io::Error) -> ReadError {
    let text = error.to_string();
    if text.contains("larger than its declared") {
        ReadError::suspicious(format!("zip: {text}"))
    } else {
        ReadError::damaged(format!("zip: {text}"))
    }
}

/// A buffered reader over one zip entry that counts what it inflates and
/// the size of the current XML event (see the module docs).
pub(crate) struct EntryReader<'z> {
    file: Box<dyn Read + 'z>,
    /// Most bytes this reader will yield.
    limit: u64,
    /// The entry's declared uncompressed size.
    declared: u64,
    read: u64,
    buffer: Box<[u8]>,
    start: usize,
    end: usize,
    /// Bytes consumed since [`EntryReader::start_event`].
    window: u64,
    max_window: u64,
    /// Why reading stopped, when we stopped it.
    failure: Option<ReadError>,
}

impl EntryReader<'_> {
    /// Marks the start of an XML event: the next event may span at most
    /// [`MAX_EVENT_BYTES`].
    pub(crate) fn start_event(&mut self) {
        self.window = 0;
    }

    /// The entry's declared uncompressed size.
    pub(crate) fn declared(&self) -> u64 {
        self.declared
    }

    /// Lifts the per-event bound (for parts read whole).
    fn disable_event_limit(&mut self) {
        self.max_window = u64::MAX;
    }

    /// Why reading failed, when this reader refused to go on.
    pub(crate) fn failure(&self) -> Option<ReadError> {
        self.failure.clone()
    }

    fn fail(&mut self, error: ReadError) -> io::Error {
        self.failure = Some(error);
        io::Error::other("read refused")
    }
}

impl Read for EntryReader<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for EntryReader<'_> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.window > self.max_window {
            return Err(self.fail(ReadError::suspicious(
                "an XML element or text is larger than 16 MB",
            )));
        }
        if self.start == self.end {
            let n = match self.file.read(&mut self.buffer) {
                Ok(n) => n,
                Err(error) => {
                    let failure = io_error(&error);
                    return Err(self.fail(failure));
                }
            };
            self.read = self.read.saturating_add(n as u64);
            if self.read > self.limit {
                let failure = if self.read > self.declared {
                    ReadError::suspicious("an entry inflates past its declared size")
                } else {
                    ReadError::UnpacksTooLarge { max: self.limit }
                };
                return Err(self.fail(failure));
            }
            self.start = 0;
            self.end = n;
        }
        Ok(&self.buffer[self.start..self.end])
    }

    fn consume(&mut self, amount: usize) {
        let amount = amount.min(self.end - self.start);
        self.start += amount;
        self.window = self.window.saturating_add(amount as u64);
    }
}
