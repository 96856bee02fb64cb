//! xls: Excel 97–2003 (BIFF8) and Excel 5.0/95 (BIFF5) workbooks, read by
//! calamine's `Xls`.
//!
//! Before calamine runs, only the compound file's directory is read (by
//! the caller: `cfb`), to tell a workbook from an encrypted xlsx or a Word
//! file. calamine refuses an encrypted workbook (FILEPASS) itself.
//!
//! calamine parses every sheet when it opens the file, each into a dense
//! grid that spans its cells (one far-away cell makes a grid of
//! millions), and reserves room for the cells a sheet's DIMENSIONS record
//! declares. What a hostile file makes it do is held by the sandbox it
//! runs in (a child process on the server, the worker in the browser).

use std::io::Cursor;

use calamine::{Reader, Xls};

use super::builder::{RowBuilder, TextBudget};
use super::cells::{catching_panics, feed_range, value};
use super::dates::DateSystem;
use super::error::ReadError;
use super::rows::{OpenedSheet, RowsRead};
use super::sheets::{choose, from_calamine};
use super::Request;
use crate::sheet::FileFormat;

/// Reads the chosen sheet of the xls in `bytes`.
pub(crate) fn read(bytes: &[u8], request: Request<'_>) -> Result<RowsRead, ReadError> {
    let budget = TextBudget::new(request.limits);
    catching_panics("xls", move || {
        let mut xls: Xls<_> = Xls::new(Cursor::new(bytes))?;
        let listed = xls.sheets_metadata().to_vec();
        let infos = from_calamine(&listed);
        let (names, chosen) = choose(&infos, request.sheet)?;
        let name = listed[chosen.location].name.clone();
        let system = if xls.has_1904_epoch() {
            DateSystem::Excel1904
        } else {
            DateSystem::Excel1900
        };
        let range = xls.worksheet_range(&name)?;
        drop(xls);
        let opened = OpenedSheet {
            format: FileFormat::Xls,
            sheet_names: names,
            name: chosen.name.clone(),
        };
        let mut builder = RowBuilder::new(opened, budget, request);
        feed_range(&range, &mut builder, |_, _, data| value(data, system))?;
        builder.finish()
    })
}
