//! A workbook's shared-string table, packed: the strings' bytes live in a
//! few large chunks instead of one allocation each, so millions of short
//! strings cost their bytes plus 12 bytes each, and every byte is counted
//! against the [`TextBudget`].

use super::builder::TextBudget;
use super::error::ReadError;

/// Largest chunk; chunks grow from 4 KiB up to this. A string never spans
/// chunks (cells are at most 32,767 characters, well under 1 MiB).
const MAX_CHUNK: usize = 1 << 20;
const FIRST_CHUNK: usize = 4 << 10;

#[derive(Clone, Copy, Debug)]
struct Span {
    chunk: u32,
    start: u32,
    len: u32,
}

/// Shared strings, by index.
#[derive(Debug, Default)]
pub(crate) struct StringTable {
    chunks: Vec<String>,
    spans: Vec<Span>,
}

impl StringTable {
    /// Appends `text` as the next string.
    pub(crate) fn push(&mut self, text: &str, budget: &mut TextBudget) -> Result<(), ReadError> {
        budget.charge(text.len() + std::mem::size_of::<Span>())?;
        let fits = self
            .chunks
            .last()
            .is_some_and(|chunk| chunk.capacity() - chunk.len() >= text.len());
        if !fits {
            let held: usize = self.chunks.iter().map(String::len).sum();
            let size = held.clamp(FIRST_CHUNK, MAX_CHUNK).max(text.len());
            self.chunks.push(String::with_capacity(size));
        }
        let index = self.chunks.len() - 1;
        let Some(chunk) = self.chunks.last_mut() else {
            return Ok(());
        };
        let start = chunk.len();
        chunk.push_str(text);
        let too_big = || ReadError::TooMuchText {
            max: u64::from(u32::MAX),
        };
        self.spans.push(Span {
            chunk: u32::try_from(index).map_err(|_| too_big())?,
            start: u32::try_from(start).map_err(|_| too_big())?,
            len: u32::try_from(text.len()).map_err(|_| too_big())?,
        });
        Ok(())
    }

    /// String number `index`, if there is one.
    pub(crate) fn get(&self, index: usize) -> Option<&str> {
        let span = self.spans.get(index)?;
        let start = span.start as usize;
        self.chunks
            .get(span.chunk as usize)?
            .get(start..start + span.len as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheet::Limits;

    #[test]
    fn strings_come_back_by_index_across_chunks() {
        let mut budget = TextBudget::new(&Limits::DEFAULT);
        let mut table = StringTable::default();
        let long = "é".repeat(30_000);
        for i in 0..2_000 {
            table.push(&format!("name {i}"), &mut budget).unwrap();
            table.push(&long, &mut budget).unwrap();
        }
        assert_eq!(table.get(0), Some("name 0"));
        assert_eq!(table.get(3_998), Some("name 1999"));
        assert_eq!(table.get(3_999), Some(long.as_str()));
        assert_eq!(table.get(4_000), None);
        assert!(table
            .chunks
            .iter()
            .all(|chunk| chunk.capacity() <= MAX_CHUNK));
    }

    #[test]
    fn the_table_is_charged_to_the_budget() {
        let limits = Limits {
            max_inflated_bytes: 100,
            ..Limits::DEFAULT
        };
        let mut budget = TextBudget::new(&limits);
        let mut table = StringTable::default();
        table.push(&"x".repeat(50), &mut budget).unwrap();
        assert_eq!(
            table.push(&"x".repeat(50), &mut budget),
            Err(ReadError::TooMuchText { max: 100 })
        );
    }
}
