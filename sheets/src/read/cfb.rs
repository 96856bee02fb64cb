//! OLE2 compound files (the container of .xls, of encrypted xlsx and of
//! Word 97 files): their directory only, to tell which one a file is.
//!
//! The walk follows the sector tables to the directory and reads the
//! names in it, nothing else; it cannot loop (a chain may take at most as
//! many steps as the file has sectors) and reads only inside the file.
//! The streams themselves are calamine's to read.

use encoding_rs::UTF_16LE;

use super::error::ReadError;

const SIGNATURE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
const RESERVED_SECTORS: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const HEADER_BYTES: usize = 512;

fn damaged(what: &str) -> ReadError {
    ReadError::damaged(format!("compound file: {what}"))
}

fn u16_at(data: &[u8], at: usize) -> u16 {
    data.get(at..at + 2)
        .map_or(0, |b| u16::from_le_bytes([b[0], b[1]]))
}

fn u32_at(data: &[u8], at: usize) -> u32 {
    data.get(at..at + 4)
        .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn to_u32(bytes: &[u8]) -> impl Iterator<Item = u32> + '_ {
    bytes
        .chunks_exact(4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// One directory entry: its name, and where its stream starts.
#[derive(Clone, Debug)]
struct Directory {
    name: String,
    start: u32,
}

/// The file's sectors: read from the file in order, past its end only
/// zeros, and a read that runs into the end returns what there was.
struct Sectors<'a> {
    /// The file after its header.
    body: &'a [u8],
    size: usize,
    maxid: u32,
    /// How far calamine's buffer reaches (`data.len()`).
    filled: usize,
}

/// Why a walk stopped.
enum Stop {
    /// calamine returns an error here (so will we, later or now).
    Error,
    /// calamine would panic or loop here: refuse the file.
    Refuse(&'static str),
}

impl<'a> Sectors<'a> {
    /// Sector `id`'s bytes, as calamine's `Sectors::get` returns them.
    fn get(&mut self, id: u32) -> Result<Vec<u8>, Stop> {
        if self.maxid < id {
            return Err(Stop::Error);
        }
        let start = id as usize * self.size;
        let end = start + self.size;
        let stop = if end > self.filled {
            let old = self.filled;
            self.filled = end;
            // calamine reads on from where its buffer ended, up to the end
            // of the file, and returns what it got.
            let got = if old < self.body.len() {
                end.min(self.body.len())
            } else {
                old
            };
            if got < start {
                return Err(Stop::Refuse("a sector lies past the end of the file"));
            }
            got
        } else {
            end
        };
        let mut bytes = vec![0u8; stop - start];
        let present = self.body.len().min(stop);
        if present > start {
            bytes[..present - start].copy_from_slice(&self.body[start..present]);
        }
        Ok(bytes)
    }

    /// The chain from `first` through `table`, copied up to `len` bytes, as
    /// calamine's `get_chain` copies it; refused when it loops (more steps
    /// than the file has sectors) or leaves the table.
    fn chain(&mut self, first: u32, table: &[u32], len: u64) -> Result<Vec<u8>, Stop> {
        let mut chain: Vec<u8> = Vec::new();
        let mut id = first;
        let mut steps: u64 = 0;
        while id != END_OF_CHAIN {
            steps += 1;
            if steps > u64::from(self.maxid) + 1 {
                return Err(Stop::Refuse("a sector chain loops"));
            }
            let sector = self.get(id)?;
            let room = len.saturating_sub(chain.len() as u64);
            let take = (sector.len() as u64).min(room) as usize;
            chain.extend_from_slice(&sector[..take]);
            if chain.len() as u64 >= len {
                break;
            }
            id = *table
                .get(id as usize)
                .ok_or(Stop::Refuse("a sector chain leaves its table"))?;
        }
        Ok(chain)
    }
}

/// A compound file's directory.
pub(crate) struct Compound {
    directories: Vec<Directory>,
}

impl Compound {
    /// Reads the directory of the compound file in `data`.
    pub(crate) fn open(data: &[u8]) -> Result<Compound, ReadError> {
        let refuse = |stop: Stop| match stop {
            Stop::Error => damaged("its directory cannot be read"),
            Stop::Refuse(why) => damaged(why),
        };
        if data.len() < HEADER_BYTES || !data.starts_with(SIGNATURE) {
            return Err(damaged("too short"));
        }
        let version = u16_at(data, 26);
        let size: usize = match u16_at(data, 30) {
            0x0009 => 512,
            0x000C => 4096,
            _ => return Err(damaged("bad sector size")),
        };
        if size > data.len() {
            return Err(damaged("too short"));
        }
        let dir_start = u32_at(data, 48);
        let difat_start = u32_at(data, 68);
        let maxid = u32::try_from(data.len() / size).unwrap_or(u32::MAX);
        let mut sectors = Sectors {
            body: &data[size..],
            size,
            maxid,
            filled: 0,
        };

        let mut difat: Vec<u32> = to_u32(&data[76..HEADER_BYTES]).collect();
        let mut id = difat_start;
        let mut steps: u64 = 0;
        while id < RESERVED_SECTORS {
            steps += 1;
            if steps > u64::from(maxid) + 1 {
                return Err(damaged("its table of tables loops"));
            }
            let sector = sectors.get(id).map_err(refuse)?;
            difat.extend(to_u32(&sector));
            id = difat
                .pop()
                .ok_or_else(|| damaged("its table of tables is empty"))?;
        }
        let fat_sectors: Vec<u32> = difat.into_iter().filter(|&id| id < DIFSECT).collect();
        if fat_sectors.len() as u64 > u64::from(maxid) + 1 {
            return Err(damaged("its tables list more sectors than the file holds"));
        }
        let mut fats: Vec<u32> = Vec::new();
        for id in fat_sectors {
            let sector = sectors.get(id).map_err(refuse)?;
            fats.extend(to_u32(&sector));
        }

        let raw = sectors.chain(dir_start, &fats, u64::MAX).map_err(refuse)?;
        let mut directories = Vec::new();
        for chunk in raw.chunks(128).filter(|c| c.len() == 128) {
            let mut name = UTF_16LE.decode(&chunk[..64]).0.into_owned();
            if let Some(nul) = name.as_bytes().iter().position(|&b| b == 0) {
                name.truncate(nul);
            }
            let start = u32_at(chunk, 116);
            directories.push(Directory { name, start });
        }
        let Some(root) = directories.first() else {
            return Err(damaged("no root entry"));
        };
        if version != 3 && root.start == END_OF_CHAIN {
            return Err(damaged("no root entry"));
        }
        Ok(Compound { directories })
    }

    /// Whether any directory entry is called `name` (any case), as
    /// calamine looks streams up.
    pub(crate) fn has_stream(&self, name: &str) -> bool {
        self.directories
            .iter()
            .any(|d| d.name.as_bytes().eq_ignore_ascii_case(name.as_bytes()))
    }
}
