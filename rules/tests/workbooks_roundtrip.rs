//! The app's workbooks (`rules::workbooks`), written by the sheets crate's
//! writer and read back by its reader: the template has all headers and no
//! rows, the example imports clean, an export (xlsx or CSV) re-imports as
//! unchanged, no value ever becomes a formula, and the error report adds an
//! issues column.

use std::io::Read;

use rules::check::{ExistingContacts, ImportCheck};
use rules::headers::HeaderMapping;
use rules::merge::MergeMode;
use rules::workbooks;
use rules::{ContactFields, ExistingContact, Field, Limits};
use sheets::layout::WorkbookLayout;
use sheets::read::read_workbook;
use uuid::Uuid;

fn written(layout: &WorkbookLayout) -> Vec<u8> {
    sheets::write::xlsx(layout).expect("the layout is writable")
}

fn check_file(bytes: &[u8], file_name: &str, existing: Vec<ExistingContact>) -> ImportCheck {
    let workbook = read_workbook(bytes, file_name, None, &Limits::DEFAULT).expect("readable");
    let mapping = HeaderMapping::new(&workbook.sheet.headers);
    assert!(mapping.missing().is_empty(), "missing columns: {:?}", mapping.missing());
    assert_eq!(mapping.ignored().count(), 0);
    let rows = mapping.import_rows(&workbook.sheet.rows);
    ImportCheck::new(mapping.import_columns(), rows, ExistingContacts::new(existing), MergeMode::KeepExisting)
}

/// The example's contacts as the server stores them (normalised).
fn stored(check: &ImportCheck) -> Vec<ContactFields> {
    check.plans().map(|(_, plan)| plan.contact.into_fields()).collect()
}

#[test]
fn the_template_has_every_header_no_rows_and_an_instructions_sheet() {
    let bytes = written(&workbooks::template());
    let workbook = read_workbook(&bytes, "contacts-template.xlsx", None, &Limits::DEFAULT).unwrap();
    assert_eq!(workbook.sheet_names, vec!["Contacts", "Instructions"]);
    let headers: Vec<&str> = Field::ALL.iter().map(|field| field.header()).collect();
    assert_eq!(workbook.sheet.headers, headers);
    assert!(workbook.sheet.rows.is_empty());
}

#[test]
fn the_example_imports_with_no_issue() {
    let check = check_file(&written(&workbooks::example()), "contacts.xlsx", vec![]);
    let issues: Vec<String> = check.issues().map(|issue| issue.to_string()).collect();
    assert!(issues.is_empty(), "{issues:#?}");
    assert!(check.is_ready());
    assert_eq!(check.counts().new, workbooks::example_contacts().len());
    assert!(check.counts().new >= 10);
}

#[test]
fn an_export_imports_back_as_all_unchanged() {
    let (contacts, existing) = example_as_stored();
    let check = check_file(&written(&workbooks::export(contacts.clone())), "contacts.xlsx", existing);
    let counts = check.counts();
    assert_eq!(counts.unchanged, contacts.len(), "{counts:?}");
    assert_eq!(counts.with_issues, 0);
}

#[test]
fn a_csv_export_imports_back_as_all_unchanged() {
    let (contacts, existing) = example_as_stored();
    let csv = sheets::write::csv(&workbooks::contacts_sheet(contacts.clone()));
    assert!(csv.starts_with("\u{feff}Contact ID,Contact Type,Title,First Name"));
    let check = check_file(csv.as_bytes(), "contacts.csv", existing);
    let counts = check.counts();
    assert_eq!(counts.unchanged, contacts.len(), "{counts:?}");
    assert_eq!(counts.with_issues, 0);
}

/// The example's contacts as the server stores them, and as existing
/// contacts (each with an id and a version).
fn example_as_stored() -> (Vec<ContactFields>, Vec<ExistingContact>) {
    let contacts = stored(&check_file(&written(&workbooks::example()), "contacts.xlsx", vec![]));
    let existing = contacts
        .iter()
        .enumerate()
        .map(|(index, fields)| ExistingContact { id: Uuid::from_u128(index as u128 + 1), version: 3, fields: fields.clone() })
        .collect();
    (contacts, existing)
}

#[test]
fn values_that_look_like_formulas_are_written_as_text() {
    let sneaky = ContactFields::from_pairs([
        (Field::Kind, "Person"),
        (Field::FirstName, "=HYPERLINK(\"http://x\")"),
        (Field::LastName, "+1+1"),
        (Field::Postcode, "02134"),
        (Field::Phone, "0412 345 678"),
    ]);
    let bytes = written(&workbooks::export(vec![sneaky.clone()]));
    let workbook = read_workbook(&bytes, "export.xlsx", None, &Limits::DEFAULT).unwrap();
    let cells: Vec<&str> = workbook.sheet.rows[0].cells.iter().map(|cell| cell.text()).collect();
    for (field, value) in sneaky.iter() {
        assert_eq!(cells[field.index()], value, "{field}");
    }
    // No formula element anywhere in the sheet's XML.
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    archive.by_name("xl/worksheets/sheet1.xml").unwrap().read_to_string(&mut xml).unwrap();
    assert!(!xml.contains("<f>") && !xml.contains("<f "), "{xml}");
}

#[test]
fn the_error_report_adds_an_issues_column() {
    let headers = vec!["First Name".to_string(), "E-mail".to_string()];
    let rows = vec![(7, vec!["Ana".to_string(), "bob@".to_string()], vec!["Row 7, E-mail: bad.".to_string()])];
    let bytes = written(&workbooks::error_report(&headers, rows));
    let workbook = read_workbook(&bytes, "errors.xlsx", None, &Limits::DEFAULT).unwrap();
    assert_eq!(workbook.sheet.headers, vec!["Row", "First Name", "E-mail", "Issues"]);
    let cells: Vec<&str> = workbook.sheet.rows[0].cells.iter().map(|cell| cell.text()).collect();
    assert_eq!(cells, vec!["7", "Ana", "bob@", "Row 7, E-mail: bad."]);
}
