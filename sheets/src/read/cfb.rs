//! OLE2 compound files (the container of .xls, and of encrypted xlsx),
//! walked exactly as calamine's `Cfb` walks them, before calamine does.
//!
//! calamine follows the file's sector chains without checking them: a
//! chain that loops grows its copy without end (the directory's chain has
//! no length to stop it), a sector number past the table or past the end
//! of the file panics, and the table of tables (DIFAT) can name one sector
//! thousands of times, each a fresh copy. This walk follows the same
//! chains with the same rules and refuses the file when calamine would
//! panic or loop: a chain may take at most as many steps as the file has
//! sectors, every sector must lie in the file, every table index in its
//! table, and the tables may not list more sectors than the file holds.
//! It also yields the `Workbook` stream exactly as calamine will get it,
//! for the BIFF pre-flight walk.
//!
//! Memory: calamine keeps a copy of the file's sectors, the tables and the
//! streams it reads, each at most about the file's size; [`Compound::held`]
//! says how much, for the read's budget.

use encoding_rs::UTF_16LE;

use super::error::ReadError;

const SIGNATURE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
const RESERVED_SECTORS: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const HEADER_BYTES: usize = 512;
const MINI_SECTOR_BYTES: usize = 64;
/// Streams shorter than this live in the mini stream.
const MINI_CUTOFF: usize = 4096;

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

/// One directory entry as calamine reads it.
#[derive(Clone, Debug)]
struct Directory {
    name: String,
    start: u32,
    len: u64,
}

/// The file's sectors as calamine's `Sectors` buffer sees them: read from
/// the file in order, past its end only zeros, and a read that runs into
/// the end returns what there was.
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

/// A compound file, checked, with what calamine will read from it.
pub(crate) struct Compound {
    directories: Vec<Directory>,
    /// The `Workbook` (or `Book`) stream as calamine will get it, or why
    /// calamine will fail to.
    workbook: Result<Vec<u8>, ReadError>,
    held: u64,
}

impl Compound {
    /// Walks the compound file in `data` as calamine's `Cfb::new` and
    /// `get_stream("Workbook")` (then `"Book"`) will.
    pub(crate) fn open(data: &[u8]) -> Result<Compound, ReadError> {
        let refuse = |stop: Stop| match stop {
            Stop::Error => damaged("calamine cannot read it"),
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
        if u16_at(data, 32) != 0x0006 {
            return Err(damaged("bad mini sector size"));
        }
        let dir_start = u32_at(data, 48);
        let mini_fat_start = u32_at(data, 60);
        let mini_fat_len = u32_at(data, 64);
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
                return Err(damaged("calamine cannot read it"));
            }
            let sector = sectors.get(id).map_err(refuse)?;
            difat.extend(to_u32(&sector));
            id = difat
                .pop()
                .ok_or_else(|| damaged("calamine cannot read it"))?;
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
            let len = if size == 512 {
                u64::from(u32_at(chunk, 120))
            } else {
                let len = u64::from(u32_at(chunk, 120)) | (u64::from(u32_at(chunk, 124)) << 32);
                // calamine converts it to `usize`, which panics on 32-bit
                // machines (the browser) above 4 GB: refuse everywhere.
                if len > u64::from(u32::MAX) {
                    return Err(damaged("a directory entry claims more than 4 GB"));
                }
                len
            };
            directories.push(Directory { name, start, len });
        }
        let Some(root) = directories.first().cloned() else {
            return Err(damaged("no root entry"));
        };
        if version != 3 && root.start == END_OF_CHAIN {
            return Err(damaged("no root entry"));
        }

        let (mini_fats, ministream) = if mini_fat_len > 0 {
            if u64::from(mini_fat_len) > u64::from(maxid) + 1 {
                return Err(damaged("its mini table is larger than the file"));
            }
            let ministream = sectors.chain(root.start, &fats, root.len).map_err(refuse)?;
            let minifat = sectors
                .chain(mini_fat_start, &fats, u64::from(mini_fat_len) * size as u64)
                .map_err(refuse)?;
            (to_u32(&minifat).collect::<Vec<u32>>(), ministream)
        } else {
            (Vec::new(), Vec::new())
        };

        let stream = |name: &str, sectors: &mut Sectors<'_>| -> Result<Vec<u8>, Stop> {
            let Some(entry) = directories
                .iter()
                .find(|d| d.name.as_bytes().eq_ignore_ascii_case(name.as_bytes()))
            else {
                return Err(Stop::Error);
            };
            if entry.len < MINI_CUTOFF as u64 {
                mini_chain(&ministream, &mini_fats, maxid, entry.start, entry.len)
            } else {
                sectors.chain(entry.start, &fats, entry.len)
            }
        };
        let workbook = match stream("Workbook", &mut sectors) {
            Ok(bytes) => Ok(bytes),
            Err(Stop::Refuse(why)) => Err(damaged(why)),
            Err(Stop::Error) => match stream("Book", &mut sectors) {
                Ok(bytes) => Ok(bytes),
                Err(stop) => Err(refuse(stop)),
            },
        };
        let held = (sectors.filled as u64)
            .saturating_add(4 * fats.len() as u64)
            .saturating_add(ministream.len() as u64)
            .saturating_add(4 * mini_fats.len() as u64)
            .saturating_add(workbook.as_ref().map_or(0, |w| w.len() as u64));
        Ok(Compound {
            directories,
            workbook,
            held,
        })
    }

    /// Whether any directory entry is called `name` (any case), as
    /// calamine looks streams up.
    pub(crate) fn has_stream(&self, name: &str) -> bool {
        self.directories
            .iter()
            .any(|d| d.name.as_bytes().eq_ignore_ascii_case(name.as_bytes()))
    }

    /// The `Workbook` (or `Book`) stream as calamine will read it.
    pub(crate) fn workbook(&self) -> Result<&[u8], ReadError> {
        match &self.workbook {
            Ok(bytes) => Ok(bytes),
            Err(error) => Err(error.clone()),
        }
    }

    /// Roughly what calamine holds for the container: its copy of the
    /// sectors read, the tables, the mini stream and the workbook stream.
    pub(crate) fn held(&self) -> u64 {
        self.held
    }
}

/// A small stream's chain through the mini stream, as calamine copies it
/// (refusing what would make calamine read outside the mini stream or
/// index past the mini table).
fn mini_chain(
    ministream: &[u8],
    mini_fats: &[u32],
    maxid: u32,
    first: u32,
    len: u64,
) -> Result<Vec<u8>, Stop> {
    let mut chain: Vec<u8> = Vec::new();
    let mut id = first;
    let mut steps: u64 = 0;
    let max_id = u64::from(maxid) * 8;
    while id != END_OF_CHAIN {
        steps += 1;
        if steps > max_id + 1 {
            return Err(Stop::Refuse("a mini sector chain loops"));
        }
        if u64::from(id) > max_id {
            return Err(Stop::Error);
        }
        let start = id as usize * MINI_SECTOR_BYTES;
        let sector = ministream
            .get(start..start + MINI_SECTOR_BYTES)
            .ok_or(Stop::Refuse("a mini sector lies outside the mini stream"))?;
        let room = len.saturating_sub(chain.len() as u64);
        let take = (sector.len() as u64).min(room) as usize;
        chain.extend_from_slice(&sector[..take]);
        if chain.len() as u64 >= len {
            break;
        }
        id = *mini_fats
            .get(id as usize)
            .ok_or(Stop::Refuse("a mini sector chain leaves its table"))?;
    }
    Ok(chain)
}
