//! The builder on cells fed by hand: the header found or chosen, blank
//! rows, columns right of the header, and every limit.

use super::*;
use crate::sheet::Sheet;
use std::borrow::Cow;

fn text(s: &str) -> Value<'_> {
    Value::Text(Cow::Borrowed(s))
}

fn build(cells: &[(u32, u32, &str)], limits: &Limits) -> Result<Sheet, ReadError> {
    build_with(cells, limits, HeaderRow::FIRST)
}

fn build_with(
    cells: &[(u32, u32, &str)],
    limits: &Limits,
    header: HeaderRow,
) -> Result<Sheet, ReadError> {
    collect_sheet("Contacts", limits, header, |builder| {
        for (row, col, value) in cells {
            builder.push(*row, *col, text(value))?;
        }
        Ok(())
    })
}

/// Chooses the candidate whose first cell is `Name`, recording what it
/// was shown.
struct ChooseName {
    shown: Vec<(u32, Vec<String>)>,
    rows: Vec<SheetRow>,
}

impl RowSink for ChooseName {
    fn choose_header(&mut self, candidates: &[SheetRow]) -> usize {
        self.shown = candidates
            .iter()
            .map(|row| {
                (
                    row.line,
                    row.cells.iter().map(|c| c.text().to_string()).collect(),
                )
            })
            .collect();
        candidates
            .iter()
            .position(|row| row.cells.first().is_some_and(|c| c.text() == "Name"))
            .unwrap_or(0)
    }

    fn row(&mut self, row: SheetRow) -> ControlFlow<()> {
        self.rows.push(row);
        ControlFlow::Continue(())
    }
}

fn choose(
    cells: &[(u32, u32, &str)],
    candidates: u32,
    limits: &Limits,
) -> (Result<RowsRead, ReadError>, ChooseName) {
    let mut sink = ChooseName {
        shown: Vec::new(),
        rows: Vec::new(),
    };
    let request = Request {
        sheet: None,
        header: HeaderRow::Choose { candidates },
        limits,
        sink: &mut sink,
    };
    let mut builder = RowBuilder::new(opened("Report"), TextBudget::new(limits), request);
    let result = cells
        .iter()
        .try_for_each(|(row, col, value)| builder.push(*row, *col, text(value)))
        .and_then(|()| builder.finish());
    (result, sink)
}

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|value| value.to_string()).collect()
}

/// A title block above the table, as other systems' reports have.
const REPORT: &[(u32, u32, &str)] = &[
    (0, 0, "Report exported by Acme"),
    (1, 0, "2024-05-01"),
    (3, 0, "Name"),
    (3, 1, "Email"),
    (3, 2, "Phone"),
    (4, 0, "Ann"),
    (4, 3, "right of the header"),
    (5, 5, "only right of the header"),
    (7, 1, "bo@x.io"),
];

#[test]
fn the_sink_chooses_the_header_among_the_first_rows() {
    let (read, sink) = choose(REPORT, 50, &Limits::DEFAULT);
    let read = read.unwrap();
    assert_eq!(
        sink.shown,
        [
            (1, strings(&["Report exported by Acme"])),
            (2, strings(&["2024-05-01"])),
            (4, strings(&["Name", "Email", "Phone"])),
            (5, strings(&["Ann", "", "", "right of the header"])),
            (
                6,
                strings(&["", "", "", "", "", "only right of the header"])
            ),
            (8, strings(&["", "bo@x.io"])),
        ]
    );
    assert_eq!(read.header_line, 4);
    assert_eq!(read.headers, ["Name", "Email", "Phone"]);
    // The rows below the header, cut to its width; a row with nothing
    // under the header is blank.
    let rows: Vec<(u32, Vec<String>)> = sink
        .rows
        .iter()
        .map(|row| {
            (
                row.line,
                row.cells.iter().map(|c| c.text().to_string()).collect(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (5, strings(&["Ann", "", ""])),
            (8, strings(&["", "bo@x.io", ""]))
        ]
    );
    assert_eq!(
        (read.rows, read.blank_rows_skipped, read.complete),
        (2, 2, true)
    );
}

#[test]
fn choosing_among_few_candidates_streams_the_rest_as_data() {
    // Three candidates: the header is the third; rows after the
    // candidates stream as data, exactly as with `From` its line.
    let (read, sink) = choose(REPORT, 3, &Limits::DEFAULT);
    let read = read.unwrap();
    assert_eq!(sink.shown.len(), 3);
    assert_eq!(read.header_line, 4);
    let from = build_with(REPORT, &Limits::DEFAULT, HeaderRow::From(4)).unwrap();
    assert_eq!(sink.rows, from.rows);
    assert_eq!(read.blank_rows_skipped, from.blank_rows_skipped);
    assert_eq!(read.headers, from.headers);
}

#[test]
fn a_header_from_a_line_skips_the_rows_above_it() {
    let sheet = build_with(REPORT, &Limits::DEFAULT, HeaderRow::From(3)).unwrap();
    // Line 3 is blank: the first non-blank row from it is line 4.
    assert_eq!(sheet.header_line, 4);
    assert_eq!(sheet.headers, ["Name", "Email", "Phone"]);
    assert_eq!(sheet.rows.len(), 2);
    let first = build_with(REPORT, &Limits::DEFAULT, HeaderRow::FIRST).unwrap();
    assert_eq!(first.header_line, 1);
    assert_eq!(
        build_with(REPORT, &Limits::DEFAULT, HeaderRow::From(9)).unwrap_err(),
        ReadError::NoHeader {
            sheet: "Contacts".into()
        }
    );
}

#[test]
fn limits_hold_for_a_chosen_header_and_its_rows() {
    let limits = Limits {
        max_rows: 1,
        max_columns: 3,
        ..Limits::DEFAULT
    };
    let (read, sink) = choose(REPORT, 50, &limits);
    assert_eq!(
        read.unwrap_err(),
        ReadError::TooManyRows {
            sheet: "Report".into(),
            max: 1
        }
    );
    assert_eq!(sink.rows.len(), 1);
    let narrow = Limits {
        max_columns: 2,
        ..Limits::DEFAULT
    };
    let (read, sink) = choose(REPORT, 50, &narrow);
    assert_eq!(
        read.unwrap_err(),
        ReadError::TooManyColumns {
            sheet: "Report".into(),
            columns: 3,
            max: 2
        }
    );
    // Wide rows are shown cut to the column limit.
    assert_eq!(sink.shown[3], (5, strings(&["Ann"])));
    let (read, _) = choose(&[], 50, &Limits::DEFAULT);
    assert_eq!(
        read.unwrap_err(),
        ReadError::NoHeader {
            sheet: "Report".into()
        }
    );
}

#[test]
fn the_first_non_blank_row_is_the_header() {
    let sheet = build(
        &[
            (0, 0, "  "),
            (2, 0, " Name "),
            (2, 1, "Email"),
            (3, 0, "Ann"),
            (6, 1, "bo@x.io"),
        ],
        &Limits::DEFAULT,
    )
    .unwrap();
    assert_eq!(sheet.header_line, 3);
    assert_eq!(sheet.headers, vec!["Name", "Email"]);
    assert_eq!(sheet.rows.len(), 2);
    assert_eq!(sheet.rows[0].line, 4);
    assert_eq!(sheet.rows[1].line, 7);
    assert_eq!(
        sheet.rows[1].cells,
        vec![Cell::Text(String::new()), Cell::Text("bo@x.io".into())]
    );
    assert_eq!(sheet.blank_rows_skipped, 2);
}

#[test]
fn cells_right_of_the_last_header_are_ignored() {
    let sheet = build(
        &[
            (0, 0, "Name"),
            (1, 5, "stray"),
            (2, 0, "Ann"),
            (2, 16_383, "far"),
        ],
        &Limits::DEFAULT,
    )
    .unwrap();
    assert_eq!(sheet.headers, vec!["Name"]);
    assert_eq!(sheet.rows.len(), 1);
    assert_eq!(sheet.rows[0].line, 3);
    assert_eq!(sheet.blank_rows_skipped, 1);
}

#[test]
fn limits_are_enforced_as_cells_arrive() {
    let limits = Limits {
        max_rows: 2,
        max_columns: 3,
        ..Limits::DEFAULT
    };
    let too_wide = build(&[(0, 0, "A"), (0, 3, "D")], &limits).unwrap_err();
    assert_eq!(
        too_wide,
        ReadError::TooManyColumns {
            sheet: "Contacts".into(),
            columns: 4,
            max: 3
        }
    );
    let too_long = build(
        &[(0, 0, "A"), (1, 0, "1"), (2, 0, "2"), (3, 0, "3")],
        &limits,
    )
    .unwrap_err();
    assert_eq!(
        too_long,
        ReadError::TooManyRows {
            sheet: "Contacts".into(),
            max: 2
        }
    );
    let ok = build(&[(0, 0, "A"), (1, 0, "1"), (2, 0, "2")], &limits).unwrap();
    assert_eq!(ok.rows.len(), 2);
}

#[test]
fn no_header_and_out_of_order_rows_are_errors() {
    assert_eq!(
        build(&[], &Limits::DEFAULT).unwrap_err(),
        ReadError::NoHeader {
            sheet: "Contacts".into()
        }
    );
    assert!(matches!(
        build(&[(3, 0, "A"), (1, 0, "B")], &Limits::DEFAULT),
        Err(ReadError::Damaged { .. })
    ));
}

#[test]
fn header_only_gives_no_rows() {
    let sheet = build(&[(0, 0, "Name")], &Limits::DEFAULT).unwrap();
    assert!(sheet.rows.is_empty());
}

#[test]
fn the_text_budget_is_enforced() {
    let limits = Limits {
        max_inflated_bytes: 10,
        ..Limits::DEFAULT
    };
    let err = build(&[(0, 0, "Name"), (1, 0, "a long enough value")], &limits).unwrap_err();
    assert_eq!(err, ReadError::TooMuchText { max: 10 });
}
