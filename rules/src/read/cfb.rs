//! OLE2 compound files (the container of .xls, and of encrypted xlsx):
//! just enough to list the root's streams and copy one out.
//!
//! Memory: the allocation tables and the directory are copies of sectors
//! actually in the file, and a stream is at most the file's size; sector
//! chains are followed at most as many steps as there are table entries,
//! so a cycle ends with an error instead of a hang. Declared sizes are
//! checked against the file before anything is allocated.

use super::error::ReadError;

const SIGNATURE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const FREE_SECTOR: u32 = 0xFFFF_FFFF;
const MAX_REGULAR_SECTOR: u32 = 0xFFFF_FFFA;
const HEADER_DIFAT_ENTRIES: usize = 109;
const DIR_ENTRY_BYTES: usize = 128;
const MINI_SECTOR_BYTES: usize = 64;

/// An opened compound file.
pub(crate) struct Compound<'a> {
    data: &'a [u8],
    sector_size: usize,
    fat: Vec<u32>,
    mini_fat: Vec<u32>,
    mini_cutoff: u64,
    /// The root entry's stream (holds the small streams), read lazily.
    root: Entry,
    /// The streams directly in the root storage.
    streams: Vec<Entry>,
}

#[derive(Clone, Debug)]
struct Entry {
    name: String,
    start: u32,
    size: u64,
}

fn damaged(what: &str) -> ReadError {
    ReadError::damaged(format!("compound file: {what}"))
}

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(data: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(data.get(at..at + 8)?.try_into().ok()?))
}

impl<'a> Compound<'a> {
    /// Opens the compound file in `data`.
    pub(crate) fn open(data: &'a [u8]) -> Result<Compound<'a>, ReadError> {
        if !data.starts_with(SIGNATURE) || data.len() < 512 {
            return Err(damaged("too short"));
        }
        let header = |at| u32_at(data, at).ok_or_else(|| damaged("short header"));
        let sector_size = match u16_at(data, 0x1E) {
            Some(9) => 512,
            Some(12) => 4096,
            _ => return Err(damaged("bad sector size")),
        };
        if u16_at(data, 0x20) != Some(6) {
            return Err(damaged("bad mini sector size"));
        }
        let fat_sectors = header(0x2C)? as usize;
        let first_dir = header(0x30)?;
        let mini_cutoff = u64::from(header(0x38)?);
        let first_mini_fat = header(0x3C)?;
        let first_difat = header(0x44)?;
        let difat_sectors = header(0x48)? as usize;

        let total_sectors = data.len() / sector_size;
        if fat_sectors > total_sectors || difat_sectors > total_sectors {
            return Err(damaged("more table sectors than the file holds"));
        }
        let mut compound = Compound {
            data,
            sector_size,
            fat: Vec::new(),
            mini_fat: Vec::new(),
            mini_cutoff,
            root: Entry {
                name: String::new(),
                start: END_OF_CHAIN,
                size: 0,
            },
            streams: Vec::new(),
        };

        // The FAT's own sectors: 109 listed in the header, the rest in the
        // DIFAT chain.
        let mut fat_locations = Vec::new();
        for i in 0..HEADER_DIFAT_ENTRIES.min(fat_sectors) {
            fat_locations.push(header(0x4C + 4 * i)?);
        }
        let per_difat = sector_size / 4 - 1;
        let mut difat = first_difat;
        let mut steps = 0;
        while fat_locations.len() < fat_sectors && difat <= MAX_REGULAR_SECTOR {
            steps += 1;
            if steps > difat_sectors.max(1) + 1 {
                return Err(damaged("DIFAT chain loops"));
            }
            let sector = compound.sector(difat)?;
            for i in 0..per_difat {
                if fat_locations.len() >= fat_sectors {
                    break;
                }
                fat_locations.push(u32_at(sector, 4 * i).ok_or_else(|| damaged("short DIFAT"))?);
            }
            difat = u32_at(sector, 4 * per_difat).unwrap_or(END_OF_CHAIN);
        }
        let mut fat = Vec::with_capacity(fat_locations.len() * (sector_size / 4));
        for location in fat_locations {
            if location == FREE_SECTOR {
                continue;
            }
            let sector = compound.sector(location)?;
            fat.extend(
                sector
                    .chunks_exact(4)
                    .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])),
            );
        }
        compound.fat = fat;

        let directory = compound.read_chain(first_dir, None)?;
        let entries = raw_directory(&directory);
        let root = entries
            .first()
            .cloned()
            .flatten()
            .filter(|root| root.kind == 5)
            .ok_or_else(|| damaged("no root entry"))?;
        compound.root = root.as_entry();
        compound.streams = root_streams(&entries, root.child);

        if first_mini_fat <= MAX_REGULAR_SECTOR {
            let bytes = compound.read_chain(first_mini_fat, None)?;
            compound.mini_fat = bytes
                .chunks_exact(4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect();
        }
        Ok(compound)
    }

    /// Whether the root storage has a stream called `name` (any case).
    pub(crate) fn has_stream(&self, name: &str) -> bool {
        self.find(name).is_some()
    }

    /// A copy of the root stream called `name` (any case), if there is one.
    pub(crate) fn read_stream(&self, name: &str) -> Result<Option<Vec<u8>>, ReadError> {
        let Some(entry) = self.find(name) else {
            return Ok(None);
        };
        if entry.size > self.data.len() as u64 {
            return Err(damaged("a stream is larger than the file"));
        }
        if entry.size < self.mini_cutoff {
            let mini_stream = self.read_chain(self.root.start, Some(self.root.size))?;
            return self.read_mini(&mini_stream, entry).map(Some);
        }
        self.read_chain(entry.start, Some(entry.size)).map(Some)
    }

    fn find(&self, name: &str) -> Option<&Entry> {
        self.streams
            .iter()
            .find(|entry| entry.name.eq_ignore_ascii_case(name))
    }

    /// Sector `n`'s bytes (the file's last sector may be short).
    fn sector(&self, n: u32) -> Result<&'a [u8], ReadError> {
        let start = (n as usize)
            .checked_add(1)
            .and_then(|i| i.checked_mul(self.sector_size))
            .ok_or_else(|| damaged("sector out of range"))?;
        if start >= self.data.len() {
            return Err(damaged("sector past the end of the file"));
        }
        let end = (start + self.sector_size).min(self.data.len());
        Ok(&self.data[start..end])
    }

    /// The bytes of the chain of regular sectors from `start`, cut to `size`
    /// when given.
    fn read_chain(&self, start: u32, size: Option<u64>) -> Result<Vec<u8>, ReadError> {
        let mut out = Vec::new();
        let mut sector = start;
        let mut steps = 0usize;
        let wanted = size.map(|s| s as usize);
        // A chain visits each sector at most once, so it cannot be longer
        // than the file: a longer one loops, and its copy stays bounded.
        let max_steps = self.data.len() / self.sector_size + 1;
        while sector <= MAX_REGULAR_SECTOR {
            if wanted.is_some_and(|w| out.len() >= w) {
                break;
            }
            steps += 1;
            if steps > max_steps {
                return Err(damaged("sector chain loops"));
            }
            out.extend_from_slice(self.sector(sector)?);
            sector = *self
                .fat
                .get(sector as usize)
                .ok_or_else(|| damaged("sector chain leaves the table"))?;
        }
        if let Some(wanted) = wanted {
            if out.len() < wanted {
                return Err(damaged("a stream is cut short"));
            }
            out.truncate(wanted);
        }
        Ok(out)
    }

    /// A small stream's bytes, from the mini stream.
    fn read_mini(&self, mini_stream: &[u8], entry: &Entry) -> Result<Vec<u8>, ReadError> {
        let wanted = entry.size as usize;
        let mut out = Vec::with_capacity(wanted.min(mini_stream.len()));
        let mut sector = entry.start;
        let mut steps = 0usize;
        let max_steps = mini_stream.len() / MINI_SECTOR_BYTES + 1;
        while out.len() < wanted && sector <= MAX_REGULAR_SECTOR {
            steps += 1;
            if steps > max_steps {
                return Err(damaged("mini sector chain loops"));
            }
            let start = (sector as usize) * MINI_SECTOR_BYTES;
            let bytes = mini_stream
                .get(start..start + MINI_SECTOR_BYTES)
                .or_else(|| mini_stream.get(start..))
                .filter(|b| !b.is_empty())
                .ok_or_else(|| damaged("mini sector out of range"))?;
            out.extend_from_slice(bytes);
            sector = *self
                .mini_fat
                .get(sector as usize)
                .ok_or_else(|| damaged("mini chain leaves the table"))?;
        }
        if out.len() < wanted {
            return Err(damaged("a small stream is cut short"));
        }
        out.truncate(wanted);
        Ok(out)
    }
}

/// A directory entry as stored.
#[derive(Clone, Debug)]
struct RawEntry {
    name: String,
    kind: u8,
    left: u32,
    right: u32,
    child: u32,
    start: u32,
    size: u64,
}

impl RawEntry {
    fn as_entry(&self) -> Entry {
        Entry {
            name: self.name.clone(),
            start: self.start,
            size: self.size,
        }
    }
}

/// The directory's entries (None for unused or unreadable slots).
fn raw_directory(bytes: &[u8]) -> Vec<Option<RawEntry>> {
    bytes
        .chunks_exact(DIR_ENTRY_BYTES)
        .map(|chunk| {
            let kind = *chunk.get(0x42)?;
            if kind == 0 {
                return None;
            }
            let name_bytes = (u16_at(chunk, 0x40)? as usize).min(64);
            let units: Vec<u16> = chunk[..name_bytes]
                .chunks_exact(2)
                .map(|b| u16::from_le_bytes([b[0], b[1]]))
                .take_while(|&u| u != 0)
                .collect();
            Some(RawEntry {
                name: String::from_utf16_lossy(&units),
                kind,
                left: u32_at(chunk, 0x44)?,
                right: u32_at(chunk, 0x48)?,
                child: u32_at(chunk, 0x4C)?,
                start: u32_at(chunk, 0x74)?,
                // Version 3 files may leave garbage in the high half.
                size: u64_at(chunk, 0x78)? & 0xFFFF_FFFF,
            })
        })
        .collect()
}

/// The streams that are direct children of the root storage: the root's
/// child and its left and right siblings, transitively (each visited once).
fn root_streams(entries: &[Option<RawEntry>], child: u32) -> Vec<Entry> {
    let mut streams = Vec::new();
    let mut visited = vec![false; entries.len()];
    let mut stack = vec![child];
    while let Some(id) = stack.pop() {
        let index = id as usize;
        if id > MAX_REGULAR_SECTOR || index >= entries.len() || visited[index] {
            continue;
        }
        visited[index] = true;
        let Some(entry) = &entries[index] else {
            continue;
        };
        if entry.kind == 2 {
            streams.push(entry.as_entry());
        }
        stack.push(entry.left);
        stack.push(entry.right);
    }
    streams
}
