//! Times reading one workbook natively, best of a few runs: this crate's
//! reader (collecting every row, as `read_workbook` does for the worker,
//! and streaming to a sink that keeps none, as the server's check does)
//! beside plain calamine streaming the same sheet's cells, and calamine's
//! whole-sheet `worksheet_range`.
//!
//! `cargo run --release -p sheets --features read --example read_timing -- FILE.xlsx [REPEATS]`

use std::io::Cursor;
use std::ops::ControlFlow;
use std::time::Instant;

use calamine::{Reader, Xlsx};
use sheets::read::{read_rows, read_workbook, HeaderRow, RowSink};
use sheets::{Limits, SheetRow};

struct Count(u32);

impl RowSink for Count {
    fn row(&mut self, _row: SheetRow) -> ControlFlow<()> {
        self.0 += 1;
        ControlFlow::Continue(())
    }
}

fn best(repeats: usize, mut run: impl FnMut() -> usize) -> (f64, usize) {
    let mut best = f64::MAX;
    let mut count = 0;
    for _ in 0..repeats {
        let started = Instant::now();
        count = run();
        best = best.min(started.elapsed().as_secs_f64());
    }
    (best, count)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: read_timing FILE.xlsx [REPEATS]");
        std::process::exit(2);
    };
    let repeats: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(3);
    let bytes = std::fs::read(&path).expect("the file");
    let name = "timing.xlsx";
    let (collect, rows) = best(repeats, || {
        read_workbook(&bytes, name, None, &Limits::DEFAULT)
            .expect("reads")
            .sheet
            .rows
            .len()
    });
    println!("sheets read_workbook (every row kept): {collect:.3} s, {rows} rows");
    let (stream, rows) = best(repeats, || {
        let mut sink = Count(0);
        read_rows(
            &bytes,
            name,
            None,
            HeaderRow::FIRST,
            &Limits::DEFAULT,
            &mut sink,
        )
        .expect("reads");
        sink.0 as usize
    });
    println!("sheets read_rows (no row kept):        {stream:.3} s, {rows} rows");
    let (cells, count) = best(repeats, || {
        let mut xlsx: Xlsx<_> = Xlsx::new(Cursor::new(&bytes[..])).expect("opens");
        let sheet = xlsx.sheet_names()[0].clone();
        let mut reader = xlsx.worksheet_cells_reader(&sheet).expect("a sheet");
        let mut count = 0;
        while let Some(_cell) = reader.next_cell().expect("a cell") {
            count += 1;
        }
        count
    });
    println!("calamine worksheet_cells_reader:        {cells:.3} s, {count} cells");
    let (range, count) = best(repeats, || {
        let mut xlsx: Xlsx<_> = Xlsx::new(Cursor::new(&bytes[..])).expect("opens");
        let sheet = xlsx.sheet_names()[0].clone();
        xlsx.worksheet_range(&sheet).expect("a sheet").get_size().0
    });
    println!("calamine worksheet_range:               {range:.3} s, {count} rows");
}
