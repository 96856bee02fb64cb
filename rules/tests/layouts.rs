//! Other apps' exports, written exactly as each app writes them
//! (`tests/layouts/*.csv`), imported with no hand work: the header row found,
//! the app recognised, every contact's values field by field, what a new
//! contact stores, and the columns whose data is left out with the notice.
//!
//! vCard files (`NAME.vcf`) are read by the `sheets` reader, which writes
//! their header row; CSV files as the reader gives them.
//!
//! Each `NAME.csv` (or `.vcf`) has a `NAME.expected.json` beside it, so the end-to-end
//! tests can upload the same files and check the same values in Postgres:
//! `contacts[].values` are the import rows (what the preview shows), and
//! `values` changed by `contacts[].stored` are what a new contact stores.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rules::headers::{find_header_row, known_layouts, HeaderMapping, ImportRow, LeftOutColumn};
use rules::merge::{plan, Action, MergeMode};
use rules::validate::validate_row;
use rules::{Cell, ContactFields, Field, SheetRow};
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/layouts")
}

/// Every `.csv` and `.vcf` fixture, by name without the extension.
fn fixture_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixtures())
        .expect("the fixtures folder")
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().to_string();
            name.strip_suffix(".csv")
                .or_else(|| name.strip_suffix(".vcf"))
                .map(str::to_string)
        })
        .collect();
    names.sort();
    names
}

/// The file's non-blank rows as the reader gives them: cells trimmed, the
/// row number as Excel shows it (a vCard's header row first, as the
/// reader writes it).
fn sheet_rows(name: &str) -> Vec<SheetRow> {
    let vcard = fixtures().join(format!("{name}.vcf"));
    if vcard.exists() {
        let bytes = std::fs::read(&vcard).expect("the fixture");
        let workbook = sheets::read::read_workbook(&bytes, &format!("{name}.vcf"), None, &Default::default())
            .expect("a readable vCard");
        let header = SheetRow {
            line: workbook.sheet.header_line,
            cells: workbook.sheet.headers.iter().cloned().map(Cell::Text).collect(),
        };
        return std::iter::once(header).chain(workbook.sheet.rows).collect();
    }
    let text =
        std::fs::read_to_string(fixtures().join(format!("{name}.csv"))).expect("the fixture");
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    reader
        .records()
        .enumerate()
        .map(|(index, record)| {
            let record = record.expect("a CSV record");
            SheetRow {
                line: u32::try_from(index + 1).expect("a small file"),
                cells: record
                    .iter()
                    .map(|cell| Cell::Text(cell.trim().to_string()))
                    .collect(),
            }
        })
        .filter(|row| row.cells.iter().any(|cell| !cell.is_blank()))
        .collect()
}

fn expected(name: &str) -> Value {
    let text = std::fs::read_to_string(fixtures().join(format!("{name}.expected.json")))
        .unwrap_or_else(|_| panic!("{name}.csv needs {name}.expected.json beside it"));
    serde_json::from_str(&text).expect("valid JSON")
}

/// `{"first_name": "Ana", …}` as values (unnamed fields blank).
fn fields_of(json: &Value) -> ContactFields {
    let mut fields = ContactFields::blank();
    for (key, value) in json.as_object().expect("an object of fields") {
        let field = Field::from_key(key).unwrap_or_else(|| panic!("{key} is not a field"));
        fields.set(field, value.as_str().expect("a text value"));
    }
    fields
}

/// The non-blank values, by field key, for readable failures.
fn shown(fields: &ContactFields) -> BTreeMap<&'static str, String> {
    fields
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(field, value)| (field.key(), value.to_string()))
        .collect()
}

/// What reading the whole file gives, as the page will do it.
struct Imported {
    header_line: u32,
    mapping: HeaderMapping,
    data: Vec<SheetRow>,
    rows: Vec<ImportRow>,
}

fn import(name: &str) -> Imported {
    let rows = sheet_rows(name);
    let choice = find_header_row(&rows).expect("a header row");
    let headers: Vec<String> = rows[choice.chosen.index]
        .cells
        .iter()
        .map(|cell| cell.text().to_string())
        .collect();
    let data: Vec<SheetRow> = rows[choice.chosen.index + 1..]
        .iter()
        .map(|row| {
            let mut cells = row.cells.clone();
            cells.resize(headers.len(), Cell::Text(String::new()));
            SheetRow {
                line: row.line,
                cells,
            }
        })
        .collect();
    let mut mapping = HeaderMapping::new(&headers);
    mapping.recognise_values(&data);
    let imported = mapping.import_rows(&data);
    Imported {
        header_line: choice.chosen.line,
        mapping,
        data,
        rows: imported,
    }
}

#[test]
fn every_fixture_has_its_expectations_and_every_known_app_has_a_fixture() {
    let names = fixture_names();
    assert!(!names.is_empty());
    let apps: Vec<String> = names
        .iter()
        .filter_map(|name| expected(name)["app"].as_str().map(str::to_string))
        .collect();
    for layout in known_layouts() {
        assert!(
            apps.iter().any(|app| app == layout.name),
            "no fixture is a {} export",
            layout.name
        );
    }
}

#[test]
fn each_apps_export_is_recognised_from_its_header_row() {
    for name in fixture_names() {
        let expected = expected(&name);
        let imported = import(&name);
        assert_eq!(
            imported.header_line,
            expected["header_line"].as_u64().expect("header_line") as u32,
            "{name}: the header row"
        );
        assert_eq!(
            imported.mapping.layout().map(|layout| layout.name),
            expected["app"].as_str(),
            "{name}: the app"
        );
    }
}

#[test]
fn each_apps_contacts_import_field_by_field_with_no_hand_work() {
    for name in fixture_names() {
        let expected = expected(&name);
        let imported = import(&name);
        let contacts = expected["contacts"].as_array().expect("contacts");
        assert_eq!(
            imported.rows.len(),
            contacts.len(),
            "{name}: how many contacts"
        );
        for (row, contact) in imported.rows.iter().zip(contacts) {
            assert_eq!(
                u64::from(row.line),
                contact["line"].as_u64().expect("line"),
                "{name}"
            );
            let values = fields_of(&contact["values"]);
            assert_eq!(
                shown(&row.values),
                shown(&values),
                "{name} row {}",
                row.line
            );
            assert!(row.error_cells.is_empty(), "{name} row {}", row.line);
        }
    }
}

#[test]
fn each_apps_contacts_are_valid_and_store_the_expected_values() {
    for name in fixture_names() {
        let expected = expected(&name);
        let imported = import(&name);
        let columns = imported.mapping.import_columns();
        let contacts = expected["contacts"].as_array().expect("contacts");
        for (row, contact) in imported.rows.iter().zip(contacts) {
            let validated = validate_row(row, &columns, &rules::phone::LayoutOnly);
            assert!(
                validated.issues.is_empty(),
                "{name} row {}: {:?}",
                row.line,
                validated.issues
            );
            let planned = plan(
                &validated.values,
                columns.present,
                None,
                MergeMode::KeepExisting,
            )
            .unwrap_or_else(|problems| panic!("{name} row {}: {problems:?}", row.line));
            assert_eq!(planned.action, Action::New);
            let mut stored = fields_of(&contact["values"]);
            for (field, value) in fields_of(&contact["stored"]).iter() {
                if !value.is_empty() {
                    stored.set(field, value);
                }
            }
            assert_eq!(
                shown(planned.contact.fields()),
                shown(&stored),
                "{name} row {}",
                row.line
            );
        }
    }
}

#[test]
fn each_apps_columns_with_data_left_out_are_counted_and_told() {
    for name in fixture_names() {
        let expected = expected(&name);
        let imported = import(&name);
        // Fed as the rows stream in, one at a time.
        let mut tally = imported.mapping.left_out_tally();
        for row in &imported.data {
            tally.add(row);
        }
        let report = tally.report();
        let counted: Vec<(String, u32, u32)> = report
            .columns
            .iter()
            .map(|column: &LeftOutColumn| {
                (column.name(), column.rows_with_data, column.rows_left_out)
            })
            .collect();
        let wanted: Vec<(String, u32, u32)> = expected["left_out"]
            .as_array()
            .expect("left_out")
            .iter()
            .map(|column| {
                (
                    column["column"].as_str().expect("column").to_string(),
                    column["rows_with_data"].as_u64().expect("rows_with_data") as u32,
                    column["rows_left_out"].as_u64().expect("rows_left_out") as u32,
                )
            })
            .collect();
        assert_eq!(counted, wanted, "{name}");
        assert_eq!(
            report.sentence().as_deref(),
            expected["notice"].as_str(),
            "{name}"
        );
        let mut columns = imported.mapping.import_columns();
        columns.left_out = report.headers();
        let names: Vec<&str> = wanted
            .iter()
            .map(|(column, _, _)| column.as_str())
            .collect();
        assert_eq!(
            columns.left_out, names,
            "{name}: what the import's history records"
        );
    }
}
