//! The streaming read (`read_rows`): rows reach the sink in sheet order and
//! add up to exactly what `read_workbook` collects, in every format; limits
//! end the read mid-stream, after the rows before them; the sink can end
//! the read early; and the sink can choose the header among the first
//! rows, then read again from the line it chose.

#![cfg(feature = "read")]

mod read_support;

use std::ops::ControlFlow;

use read_support::{
    CONTACTS_CSV, CONTACTS_ODS, CONTACTS_VCF, CONTACTS_XLS, CONTACTS_XLSX, WORKBOOK_ODS, WORKBOOK_XLS,
    WORKBOOK_XLSX,
};
use rust_xlsxwriter::Workbook as XlsxBook;
use sheets::read::{
    read_rows, read_workbook, HeaderRow, OpenedSheet, ReadError, RowSink, RowsRead, Workbook,
};
use sheets::{FileFormat, Limits, SheetRow};

/// One call the sink received.
#[derive(Clone, Debug, PartialEq)]
enum Call {
    Opened(OpenedSheet),
    Choose(Vec<u32>),
    Header(u32, Vec<String>),
    Row(SheetRow),
}

/// Records every call; stops after `stop_after` rows; chooses the first
/// candidate whose cells include `header_with`.
#[derive(Default)]
struct Recorder {
    calls: Vec<Call>,
    stop_after: Option<usize>,
    header_with: Option<&'static str>,
}

impl Recorder {
    fn rows(&self) -> Vec<SheetRow> {
        self.calls
            .iter()
            .filter_map(|call| match call {
                Call::Row(row) => Some(row.clone()),
                _ => None,
            })
            .collect()
    }
}

impl RowSink for Recorder {
    fn opened(&mut self, sheet: &OpenedSheet) {
        self.calls.push(Call::Opened(sheet.clone()));
    }

    fn choose_header(&mut self, candidates: &[SheetRow]) -> usize {
        self.calls.push(Call::Choose(
            candidates.iter().map(|row| row.line).collect(),
        ));
        let wanted = self.header_with.unwrap_or_default();
        candidates
            .iter()
            .position(|row| row.cells.iter().any(|cell| cell.text() == wanted))
            .unwrap_or(0)
    }

    fn header(&mut self, line: u32, headers: &[String]) -> ControlFlow<()> {
        self.calls.push(Call::Header(line, headers.to_vec()));
        ControlFlow::Continue(())
    }

    fn row(&mut self, row: SheetRow) -> ControlFlow<()> {
        self.calls.push(Call::Row(row));
        if self.stop_after == Some(self.rows().len()) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }
}

fn stream(
    bytes: &[u8],
    name: &str,
    sheet: Option<&str>,
    header: HeaderRow,
    limits: &Limits,
    sink: &mut Recorder,
) -> Result<RowsRead, ReadError> {
    read_rows(bytes, name, sheet, header, limits, sink)
}

/// Every file the fixtures and the corpus hold that reads, with a sheet
/// to read from the multi-sheet workbooks.
fn readable_files() -> Vec<(String, Vec<u8>, Option<&'static str>)> {
    let mut files = vec![
        ("contacts.csv".to_string(), CONTACTS_CSV.to_vec(), None),
        ("contacts.xlsx".to_string(), CONTACTS_XLSX.to_vec(), None),
        ("contacts.xls".to_string(), CONTACTS_XLS.to_vec(), None),
        ("contacts.ods".to_string(), CONTACTS_ODS.to_vec(), None),
        ("contacts.vcf".to_string(), CONTACTS_VCF.to_vec(), None),
    ];
    for (name, bytes) in [
        ("workbook.xlsx", WORKBOOK_XLSX),
        ("workbook.xls", WORKBOOK_XLS),
        ("workbook.ods", WORKBOOK_ODS),
    ] {
        for sheet in [None, Some("Lists"), Some("Instructions")] {
            files.push((name.to_string(), bytes.to_vec(), sheet));
        }
    }
    for kind in corpus::KINDS
        .iter()
        .filter(|kind| !kind.large && !kind.contained)
    {
        let bytes = kind.bytes();
        if read_workbook(&bytes, kind.file_name, None, &Limits::DEFAULT).is_ok() {
            files.push((kind.file_name.to_string(), bytes, None));
        }
    }
    files
}

/// An xlsx whose first sheet has a header and `rows` data rows.
fn xlsx_with_rows(rows: u32) -> Vec<u8> {
    let mut book = XlsxBook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Name").unwrap();
    sheet.write_string(0, 1, "Email").unwrap();
    for row in 1..=rows {
        sheet.write_string(row, 0, format!("Person {row}")).unwrap();
        sheet
            .write_string(row, 1, format!("person{row}@example.com"))
            .unwrap();
    }
    book.save_to_buffer().unwrap()
}

/// A report as other systems export them: a title block, then the table.
fn report_csv() -> Vec<u8> {
    b"Contacts report,,\r\nExported 2024-05-01 by Acme,,\r\n,,\r\nName,Email,Phone\r\nAnn,ann@x.io,0412 345 678\r\n,,\r\nBo,bo@x.io,\r\n"
        .to_vec()
}

#[test]
fn streamed_rows_come_in_order_and_add_up_to_what_read_workbook_reads() {
    let files = readable_files();
    assert!(files.len() > 20, "{}", files.len());
    let mut formats = Vec::new();
    for (name, bytes, sheet) in &files {
        let mut sink = Recorder::default();
        let read = stream(
            bytes,
            name,
            *sheet,
            HeaderRow::FIRST,
            &Limits::DEFAULT,
            &mut sink,
        )
        .unwrap_or_else(|error| panic!("{name}: {error:?}"));
        let workbook: Workbook = read_workbook(bytes, name, *sheet, &Limits::DEFAULT).unwrap();
        assert!(read.complete, "{name}");
        assert_eq!(read.sheet.format, workbook.format, "{name}");
        assert_eq!(read.sheet.sheet_names, workbook.sheet_names, "{name}");
        assert_eq!(read.sheet.name, workbook.sheet.name, "{name}");
        assert_eq!(read.header_line, workbook.sheet.header_line, "{name}");
        assert_eq!(read.headers, workbook.sheet.headers, "{name}");
        assert_eq!(
            read.blank_rows_skipped, workbook.sheet.blank_rows_skipped,
            "{name}"
        );
        assert_eq!(read.rows as usize, workbook.sheet.rows.len(), "{name}");
        // Opened, then the header, then the rows, in sheet order.
        let mut expected = vec![
            Call::Opened(read.sheet.clone()),
            Call::Header(read.header_line, read.headers.clone()),
        ];
        expected.extend(workbook.sheet.rows.iter().cloned().map(Call::Row));
        assert_eq!(sink.calls, expected, "{name}");
        let lines: Vec<u32> = sink.rows().iter().map(|row| row.line).collect();
        assert!(
            lines.windows(2).all(|pair| pair[0] < pair[1]),
            "{name}: {lines:?}"
        );
        assert!(lines.first().is_none_or(|&first| first > read.header_line));
        formats.push(read.sheet.format);
    }
    for format in FileFormat::ALL {
        assert!(formats.contains(&format), "no {format:?} file streamed");
    }
}

/// A CSV file with a header and `rows` data rows.
fn csv_with_rows(rows: u32) -> Vec<u8> {
    let mut csv = String::from("Name,Email\n");
    for row in 1..=rows {
        csv.push_str(&format!("Person {row},person{row}@example.com\n"));
    }
    csv.into_bytes()
}

#[test]
fn the_row_limit_ends_the_read_mid_stream_after_the_rows_before_it() {
    let limits = Limits {
        max_rows: 10,
        ..Limits::DEFAULT
    };
    for (name, bytes) in [
        ("people.xlsx", xlsx_with_rows(25)),
        ("people.csv", csv_with_rows(25)),
    ] {
        let mut sink = Recorder::default();
        let error = stream(&bytes, name, None, HeaderRow::FIRST, &limits, &mut sink).unwrap_err();
        assert!(
            matches!(error, ReadError::TooManyRows { max: 10, .. }),
            "{name}: {error:?}"
        );
        let lines: Vec<u32> = sink.rows().iter().map(|row| row.line).collect();
        assert_eq!(lines, (2..=11).collect::<Vec<u32>>(), "{name}");
    }
}

#[test]
fn the_text_budget_ends_the_read_mid_stream() {
    // About 30 bytes of text a row: 1,000 bytes run out after some rows.
    let limits = Limits {
        max_inflated_bytes: 1_000,
        ..Limits::DEFAULT
    };
    let mut sink = Recorder::default();
    let error = stream(
        &csv_with_rows(100),
        "people.csv",
        None,
        HeaderRow::FIRST,
        &limits,
        &mut sink,
    )
    .unwrap_err();
    assert_eq!(error, ReadError::TooMuchText { max: 1_000 });
    let rows = sink.rows().len();
    assert!(rows > 10 && rows < 100, "{rows}");
}

#[test]
fn the_sink_can_end_the_read_early_in_every_format() {
    for (name, bytes, sheet) in readable_files() {
        let whole = read_workbook(&bytes, &name, sheet, &Limits::DEFAULT).unwrap();
        if whole.sheet.rows.len() < 3 {
            continue;
        }
        let mut sink = Recorder {
            stop_after: Some(2),
            ..Recorder::default()
        };
        let read = stream(
            &bytes,
            &name,
            sheet,
            HeaderRow::FIRST,
            &Limits::DEFAULT,
            &mut sink,
        )
        .unwrap();
        assert!(!read.complete, "{name}");
        assert_eq!(read.rows, 2, "{name}");
        assert_eq!(sink.rows(), whole.sheet.rows[..2], "{name}");
    }
    // Past the row limit too: stopping first is not an error.
    let limits = Limits {
        max_rows: 10,
        ..Limits::DEFAULT
    };
    let mut sink = Recorder {
        stop_after: Some(10),
        ..Recorder::default()
    };
    let read = stream(
        &xlsx_with_rows(25),
        "people.xlsx",
        None,
        HeaderRow::FIRST,
        &limits,
        &mut sink,
    )
    .unwrap();
    assert_eq!((read.rows, read.complete), (10, false));
}

#[test]
fn the_sink_chooses_the_header_below_a_title_block_and_can_read_again_from_it() {
    let csv = report_csv();
    let mut sink = Recorder {
        header_with: Some("Email"),
        ..Recorder::default()
    };
    let read = stream(
        &csv,
        "report.csv",
        None,
        HeaderRow::Choose { candidates: 50 },
        &Limits::DEFAULT,
        &mut sink,
    )
    .unwrap();
    // It was shown every non-blank row (fewer than 50), before any header.
    assert!(matches!(&sink.calls[0], Call::Opened(_)));
    assert_eq!(sink.calls[1], Call::Choose(vec![1, 2, 4, 5, 7]));
    assert_eq!(
        sink.calls[2],
        Call::Header(4, vec!["Name".into(), "Email".into(), "Phone".into()])
    );
    assert_eq!(read.header_line, 4);
    assert_eq!(read.blank_rows_skipped, 1);
    let rows: Vec<(u32, Vec<String>)> = sink
        .rows()
        .iter()
        .map(|row| (row.line, read_support::texts(row)))
        .collect();
    assert_eq!(
        rows,
        [
            (
                5,
                vec!["Ann".to_string(), "ann@x.io".into(), "0412 345 678".into()]
            ),
            (7, vec!["Bo".to_string(), "bo@x.io".into(), String::new()]),
        ]
    );

    // The user picks that line: reading again from it gives the same rows.
    let mut again = Recorder::default();
    let from = stream(
        &csv,
        "report.csv",
        None,
        HeaderRow::From(4),
        &Limits::DEFAULT,
        &mut again,
    )
    .unwrap();
    assert_eq!(again.rows(), sink.rows());
    assert_eq!(
        (from.header_line, from.headers, from.blank_rows_skipped),
        (4, read.headers, 1)
    );
    // By default the title is the header.
    assert_eq!(
        read_workbook(&csv, "report.csv", None, &Limits::DEFAULT)
            .unwrap()
            .sheet
            .header_line,
        1
    );
}

#[test]
fn the_header_is_chosen_among_the_first_rows_only() {
    // A header below the candidates cannot be chosen: the sink picks among
    // the first two, and the rest stream as data under its choice.
    let bytes = xlsx_with_rows(20);
    let mut sink = Recorder {
        header_with: Some("Person 1"),
        ..Recorder::default()
    };
    let read = stream(
        &bytes,
        "people.xlsx",
        None,
        HeaderRow::Choose { candidates: 2 },
        &Limits::DEFAULT,
        &mut sink,
    )
    .unwrap();
    assert_eq!(sink.calls[1], Call::Choose(vec![1, 2]));
    assert_eq!(read.header_line, 2);
    assert_eq!(read.headers, ["Person 1", "person1@example.com"]);
    assert_eq!(read.rows, 19);
    assert_eq!(sink.rows()[0].line, 3);
}
