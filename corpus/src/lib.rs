//! A corpus of bad and odd files for the import's reader, generated in
//! code (never committed): things that are not spreadsheets, renamed
//! files, broken zips and compound files, zip bombs, entity expansion,
//! encrypted workbooks, files past every limit, awkward CSV text and
//! awkward sheet shapes.
//!
//! - [`KINDS`]: every kind, with its file name and how to make it. The
//!   reader's tests (`sheets/tests/read_bad_files.rs`) say what the reader
//!   must answer for each one; the end-to-end tests post a dozen of them
//!   to the browser and to the server; the fuzzer starts from the small
//!   ones.
//! - [`build`]: the byte-level builders (zip, xlsx parts, OLE2, BIFF8,
//!   BIFF12, ods), shared with the reader's own tests.
//! - [`write`]: writes kinds into a folder (`cargo run -p corpus -- DIR`).

pub mod build;
mod kinds;

pub use kinds::*;

use std::path::{Path, PathBuf};

/// Which kinds [`write`] writes.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// Leave out the large kinds.
    pub small_only: bool,
    /// Leave out files bigger than this many bytes.
    pub max_bytes: Option<usize>,
    /// Only these file names (all when empty).
    pub only: Vec<String>,
}

impl Selection {
    fn wants(&self, kind: &Kind) -> bool {
        (!self.small_only || !kind.large)
            && (self.only.is_empty() || self.only.iter().any(|name| name == kind.file_name))
    }
}

/// Writes the selected kinds into `dir` (created if missing), each under
/// its file name; returns the paths written with their sizes.
pub fn write(dir: &Path, selection: &Selection) -> std::io::Result<Vec<(PathBuf, usize)>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for kind in KINDS.iter().filter(|kind| selection.wants(kind)) {
        let bytes = kind.bytes();
        if selection.max_bytes.is_some_and(|max| bytes.len() > max) {
            continue;
        }
        let path = dir.join(kind.file_name);
        std::fs::write(&path, &bytes)?;
        written.push((path, bytes.len()));
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_unique_and_plain() {
        let mut names: Vec<&str> = KINDS.iter().map(|kind| kind.file_name).collect();
        assert!(names.len() >= 30);
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), KINDS.len(), "two kinds share a file name");
        for name in names {
            assert!(
                name.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.'),
                "{name}"
            );
        }
    }

    #[test]
    fn the_zip_bomb_is_small_and_claims_gigabytes() {
        let bytes = find("zip-bomb.xlsx").unwrap().bytes();
        assert!(bytes.len() < 5 << 20, "{} bytes", bytes.len());
        let archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).unwrap();
        let declared: u64 = (0..archive.len())
            .map(|i| archive.by_index_data(i).unwrap().size())
            .sum();
        assert!(declared > 4_000_000_000, "{declared}");
    }

    #[test]
    fn a_stream_of_repeated_zero_blocks_inflates_to_what_it_claims() {
        use std::io::Read;
        let (stream, crc) = build::deflated_zeros(2);
        let mut inflated = Vec::new();
        flate2::read::DeflateDecoder::new(&stream[..])
            .read_to_end(&mut inflated)
            .unwrap();
        assert_eq!(inflated.len(), 32 << 20);
        assert!(inflated.iter().all(|&b| b == 0));
        assert_eq!(crc32fast::hash(&inflated), crc);
    }
}
