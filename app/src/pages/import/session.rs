//! The file being imported, as the browser holds it: what the worker read,
//! the header mapping, and the live check of every row. Plain data and
//! logic (no leptos, no browser APIs), so it is unit-tested natively.

use rules::check::{ExistingContacts, ImportCheck, ImportCounts, RowVerdict};
use rules::headers::{HeaderMapping, ImportColumns, ImportRow, LeftOut};
use rules::merge::{Action, FieldChange, MergeMode};
use rules::phone::PhoneVerdict;
use rules::{ExistingContact, Field, Issue, SheetRow};
use store::model::{NewImport, PreviewMatch, UploadedRow};
use worker::protocol::{FileRead, ReportRequest, ReportRow};

use super::session_fixes::FixHistory;
mod duplicates;
pub use duplicates::{DuplicateFinder, DuplicateView, Duplicates};
mod value_choices;
pub use value_choices::{choice_label, ChoiceOrigin, ValueChoices, ValueChoicesFinder, ValueColumnView, ValueView};

/// The most unknown values and possible duplicates listed for the review
/// to draw everything above the rows table in one task: each listed item
/// costs about 2 ms to build and lay out on a busy two-core machine, and
/// the file details and the mapping about 10 ms. Drawn in parts, each part
/// waited for the browser to lay out the one before (12-19 ms each) before
/// the counts showed.
pub const FEW_LISTED: usize = 12;

/// One import in progress in the browser.
#[derive(Clone, Debug)]
pub struct Session {
    /// What the worker read (name, size, hash, sheets, headers).
    pub file: FileRead,
    /// The sheet's data rows as read (before mapping and edits).
    pub sheet_rows: Vec<SheetRow>,
    /// How the file's columns map to fields.
    pub mapping: HeaderMapping,
    /// Every row, as edited, with its verdict.
    pub check: ImportCheck,
    /// The file's data that the mapping leaves out (counted over
    /// `sheet_rows`, again after each remap).
    pub left_out: LeftOut,
    /// The whole-column fixes made so far, to undo (see `session_fixes`).
    pub fixes: FixHistory,
    /// Unknown Contact Type, Category and Country values and their choices.
    pub values: ValueChoices,
    /// Whether the mapping was remembered from the account's last import.
    pub remembered: bool,
    /// Rows possibly the same as a contact or an earlier row, and the
    /// user's choices (see `session::duplicates`).
    pub duplicates: Duplicates,
}

/// What a row says about itself, for the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowStatus {
    Valid,
    HasIssues,
}

/// One row as the table shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowView {
    pub index: usize,
    pub line: u32,
    pub status: RowStatus,
    /// "New", "Update" or "Unchanged" for a valid row.
    pub action: Option<&'static str>,
    /// For each displayed field: its current text and its issues' text.
    pub cells: Vec<CellView>,
    /// Issues about the row rather than a displayed cell (e.g. a required
    /// field whose column is not in the file).
    pub row_issues: Vec<String>,
    /// What an update changes.
    pub changes: Vec<FieldChange>,
    /// "Possibly the same as …" when the row is flagged as a possible
    /// duplicate (its choice is in the Possible duplicates panel).
    pub possible_duplicate: Option<String>,
}

/// One cell as the table shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellView {
    pub field: Field,
    pub text: String,
    /// The issues' short problem texts (shown in the cell).
    pub problems: Vec<String>,
    /// The issues' full sentences with their fix (for screen readers and the title).
    pub details: Vec<String>,
    /// A phone number as it will be saved, e.g. `+64 21 555 0101`, once the
    /// server has read it (the cell itself holds what the file said).
    pub saved_as: Option<String>,
}

/// Builds the rows to check from the sheet and the mapping.
pub fn rows_for(mapping: &HeaderMapping, sheet_rows: &[SheetRow]) -> Vec<ImportRow> {
    mapping.import_rows(sheet_rows)
}

impl Session {
    /// The fields the table shows as columns: the file's, in template order.
    pub fn displayed_fields(&self) -> Vec<Field> {
        self.check.columns().present.iter().collect()
    }

    /// The displayed fields, each with the header the file uses for it.
    pub fn displayed_columns(&self) -> Vec<(Field, String)> {
        self.displayed_fields().into_iter().map(|field| (field, self.header(field))).collect()
    }

    /// The header the file uses for `field`.
    pub fn header(&self, field: Field) -> String {
        self.check.columns().header(field).to_string()
    }

    /// The notice beside Confirm about columns with data that will not be
    /// imported ("3 columns with data will not be imported: …"), if any.
    pub fn left_out_notice(&self) -> Option<String> {
        self.left_out.sentence()
    }

    /// "Headers from row 4": where the column names were taken from.
    pub fn header_row_text(&self) -> String {
        format!("Headers from row {}", self.file.head.header_line)
    }

    /// The counts for the summary.
    pub fn counts(&self) -> ImportCounts {
        self.check.counts()
    }

    /// The rows to list: every row still in the import, or only those with
    /// issues.
    pub fn listed_rows(&self, only_issues: bool) -> Vec<usize> {
        self.check
            .verdicts()
            .filter(|(_, verdict)| !only_issues || !verdict.is_valid())
            .map(|(index, _)| index)
            .collect()
    }

    /// The row at `index` as the table shows it (`None` for a removed row).
    pub fn row_view(&self, index: usize) -> Option<RowView> {
        let verdict = self.check.verdict(index)?;
        let row = self.check.row(index)?;
        let displayed = self.displayed_fields();
        let cells = displayed
            .iter()
            .map(|&field| {
                let issues: Vec<&Issue> = verdict.issues.iter().filter(|issue| issue.field == Some(field)).collect();
                let saved_as = match self.check.phone_verdict(index, field) {
                    Some(PhoneVerdict::Number { display, .. }) if issues.is_empty() => Some(display.clone()),
                    _ => None,
                };
                CellView {
                    field,
                    text: row.values.get(field).to_string(),
                    problems: issues.iter().map(|issue| issue.problem_text()).collect(),
                    details: issues.iter().map(|issue| format!("{} {}", issue.problem_text(), issue.fix_text())).collect(),
                    saved_as,
                }
            })
            .collect();
        let row_issues = verdict
            .issues
            .iter()
            .filter(|issue| issue.field.is_none_or(|field| !displayed.contains(&field)))
            .map(|issue| format!("{} {}", issue.problem_text(), issue.fix_text()))
            .collect();
        let (action, changes) = match &verdict.action {
            Some(Action::New) => (Some("New"), Vec::new()),
            Some(Action::Update { changes, .. }) => (Some("Update"), changes.clone()),
            Some(Action::Unchanged { .. }) => (Some("Unchanged"), Vec::new()),
            None => (None, Vec::new()),
        };
        Some(RowView {
            index,
            line: verdict.line,
            status: if verdict.is_valid() { RowStatus::Valid } else { RowStatus::HasIssues },
            action,
            cells,
            row_issues,
            changes,
            possible_duplicate: self.duplicates.sentence(&self.check, index),
        })
    }

    /// The rows of one `upload_rows` call at confirm, with what the preview
    /// matched: the rows still in the import from check row `from` on, at
    /// most `max_rows` of them and at most `max_bytes` of body (postcard, as
    /// the call sends them; a single row larger than that goes alone), so
    /// that rows with long texts never make one request larger than the
    /// server accepts. Built one call at a time, when its turn comes: the
    /// first call goes out while the rest are still in the session, and no
    /// row is copied twice.
    pub fn upload_chunk(&self, from: usize, max_rows: usize, max_bytes: usize) -> UploadChunk {
        // The body also holds the import id and the row count before the rows.
        const HEADER_BYTES: usize = 32;
        let mut rows = Vec::new();
        let mut bytes = HEADER_BYTES;
        for (index, verdict) in self.check.verdicts().skip_while(|(index, _)| *index < from) {
            let Some(row) = self.uploaded_row(index, verdict) else { continue };
            // Serialising plain data cannot fail; were it to, the row counts
            // as too large to share a request.
            let size = postcard::experimental::serialized_size(&row).unwrap_or(usize::MAX);
            if !rows.is_empty() && (rows.len() >= max_rows || bytes.saturating_add(size) > max_bytes) {
                return UploadChunk { rows, next: Some(index) };
            }
            bytes = bytes.saturating_add(size);
            rows.push(row);
        }
        UploadChunk { rows, next: None }
    }

    /// Every row to upload at confirm, in one list (the tests read it).
    #[cfg(test)]
    pub fn uploaded_rows(&self) -> Vec<UploadedRow> {
        self.upload_chunk(0, usize::MAX, usize::MAX).rows
    }

    /// The row at `index` as uploaded, with what the preview matched.
    fn uploaded_row(&self, index: usize, verdict: &RowVerdict) -> Option<UploadedRow> {
        let row = self.check.row(index)?.clone();
        let preview = match &verdict.action {
            Some(Action::Update { contact_id, expected_version, .. }) => {
                Some(PreviewMatch { contact_id: *contact_id, version: *expected_version })
            }
            Some(Action::Unchanged { contact_id }) => self
                .check
                .existing()
                .by_id(*contact_id)
                .map(|contact| PreviewMatch { contact_id: contact.id, version: contact.version }),
            // A new row the user chose to update into a possible duplicate
            // carries that contact as its preview: the server re-checks both.
            Some(Action::New) | None => self
                .duplicates
                .update_target(index)
                .map(|contact| PreviewMatch { contact_id: contact.id, version: contact.version }),
        };
        Some(UploadedRow { row, preview, duplicate: self.duplicates.choice(index) })
    }

    /// Finds the possible duplicates again over the rows as checked now, at
    /// once (the page steps a [`Session::duplicate_finder`] instead; the
    /// tests hold it to this).
    #[cfg(test)]
    pub fn find_duplicates(&mut self) {
        self.duplicates.find(&self.check);
    }

    /// A search for the possible duplicates of the rows as checked now, to
    /// step over [`Session::check`] a slice at a time and keep with
    /// [`Session::install_duplicates`].
    pub fn duplicate_finder(&mut self) -> DuplicateFinder {
        self.duplicates.finder(&self.check)
    }

    /// Keeps what `finder` found (made by [`Session::duplicate_finder`] for
    /// the check still in place); nothing when a newer search has started
    /// since.
    pub fn install_duplicates(&mut self, finder: DuplicateFinder) {
        self.duplicates.install(finder);
    }

    /// The flagged rows to show (at most `limit`) and how many more.
    pub fn duplicate_views(&self, limit: usize) -> (Vec<DuplicateView>, usize) {
        self.duplicates.views(&self.check, limit)
    }

    /// Whether the panels between the mapping and the rows table ("Values
    /// to match", "Possible duplicates") list few enough items, at most
    /// [`FEW_LISTED`], to be drawn in one task with the parts above them
    /// (see `review::Review`).
    pub fn lists_few(&self) -> bool {
        self.listed_value_count() + self.duplicates.count() <= FEW_LISTED
    }

    /// What the server needs to know to open the import.
    pub fn new_import(&self) -> NewImport {
        NewImport {
            file_name: self.file.head.file_name.clone(),
            file_sha256: self.file.end.sha256.clone(),
            file_size: self.file.head.file_size as i64,
            sheet_name: self.file.head.sheet_name.clone(),
            mode: self.check.mode(),
            columns: ImportColumns { left_out: self.left_out.headers(), ..self.check.columns().clone() },
            row_count: self.check.counts().rows as u32,
        }
    }

    /// The error report: every row still in the import in the file's own
    /// columns (edited values where mapped), with its issues.
    pub fn report_request(&self) -> ReportRequest {
        let headers = self.file.head.headers.clone();
        let rows = self
            .check
            .verdicts()
            .filter_map(|(index, verdict)| {
                let row = self.check.row(index)?;
                let original = self
                    .sheet_rows
                    .binary_search_by_key(&row.line, |sheet_row| sheet_row.line)
                    .ok()
                    .and_then(|position| self.sheet_rows.get(position));
                let cells = (0..headers.len())
                    .map(|column| match self.mapping.field_of(column) {
                        Some(field) => row.values.get(field).to_string(),
                        None => original
                            .and_then(|sheet_row| sheet_row.cells.get(column))
                            .map(|cell| cell.text().to_string())
                            .unwrap_or_default(),
                    })
                    .collect();
                let issues = verdict.issues.iter().map(|issue| issue.to_string()).collect();
                Some(ReportRow { line: row.line, cells, issues })
            })
            .collect();
        ReportRequest { headers, rows }
    }

    /// The keys of every row, to ask the server which contacts exist.
    pub fn columns(&self) -> &ImportColumns {
        self.check.columns()
    }
}

/// Existing contacts as the check wants them.
pub fn existing(contacts: Vec<ExistingContact>) -> ExistingContacts {
    ExistingContacts::new(contacts)
}

/// A fresh check of `rows` (used when nothing has been checked yet).
pub fn check(columns: ImportColumns, rows: Vec<ImportRow>, contacts: Vec<ExistingContact>, mode: MergeMode) -> ImportCheck {
    ImportCheck::new(columns, rows, existing(contacts), mode)
}

/// One `upload_rows` call's rows ([`Session::upload_chunk`]).
#[derive(Debug)]
pub struct UploadChunk {
    pub rows: Vec<UploadedRow>,
    /// The check row the next call starts from; `None` after the last.
    pub next: Option<usize>,
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use rules::{Cell, ContactFields, FileFormat};
    use worker::protocol::{FileEnd, FileHead};
    use uuid::Uuid;

    fn text(value: &str) -> Cell {
        Cell::Text(value.to_string())
    }

    pub(in crate::pages::import) fn session(headers: &[&str], rows: Vec<Vec<&str>>, existing: Vec<ExistingContact>) -> Session {
        let headers: Vec<String> = headers.iter().map(|header| header.to_string()).collect();
        let sheet_rows: Vec<SheetRow> = rows
            .into_iter()
            .enumerate()
            .map(|(index, cells)| SheetRow { line: index as u32 + 2, cells: cells.into_iter().map(text).collect() })
            .collect();
        let mapping = HeaderMapping::new(&headers);
        let import_rows = rows_for(&mapping, &sheet_rows);
        let check = check(mapping.import_columns(), import_rows, existing, MergeMode::KeepExisting);
        let left_out = {
            let mut tally = mapping.left_out_tally();
            tally.add_rows(&sheet_rows);
            tally.report()
        };
        let head = FileHead {
            file_name: "people.csv".into(),
            file_size: 100,
            format: FileFormat::Csv,
            sheet_names: vec!["people.csv".into()],
            sheet_name: "people.csv".into(),
            header_line: 1,
            headers,
            header_found: None,
            header_candidates: Vec::new(),
        };
        let end = FileEnd { sha256: "ab".repeat(32), blank_rows_skipped: 0, row_count: sheet_rows.len() as u32 };
        let file = FileRead { head, end };
        Session { file, sheet_rows, mapping, check, left_out, fixes: FixHistory::default(), values: ValueChoices::default(), remembered: false, duplicates: Duplicates::default() }
    }

    fn ana() -> ExistingContact {
        ExistingContact {
            id: Uuid::from_u128(7),
            version: 4,
            fields: ContactFields::from_pairs([
                (Field::Kind, "Person"),
                (Field::FirstName, "Ana"),
                (Field::LastName, "Silva"),
                (Field::Email, "ana@example.com"),
                (Field::City, "Perth"),
            ]),
        }
    }

    #[test]
    fn a_review_lists_few_items_until_its_unknown_values_pass_the_bound() {
        let few: Vec<Vec<&str>> = (0..3).map(|_| vec!["Ana", "ana@example.com", "Narnia"]).collect();
        let mut one_value = session(&["First Name", "Email", "Country"], few, Vec::new());
        one_value.find_value_choices(ValueChoices::default());
        assert!(one_value.lists_few());

        let countries: Vec<String> = (0..=FEW_LISTED).map(|index| format!("Land {index}")).collect();
        let many: Vec<Vec<&str>> =
            countries.iter().enumerate().map(|(index, country)| vec!["Ana", ["a@example.com", "b@example.com"][index % 2], country.as_str()]).collect();
        let mut past_the_bound = session(&["First Name", "Email", "Country"], many, Vec::new());
        past_the_bound.find_value_choices(ValueChoices::default());
        assert_eq!(past_the_bound.value_choices_view().iter().map(|column| column.values.len()).sum::<usize>(), FEW_LISTED + 1);
        assert_eq!(past_the_bound.listed_value_count(), FEW_LISTED + 1);
        assert!(!past_the_bound.lists_few());
    }

    #[test]
    fn a_bad_cell_carries_its_problem_and_a_missing_column_is_a_row_issue() {
        let session = session(&["First Name", "E-mail", "Phone", "Notes from old system"], vec![vec!["Bo", "bo@example.com", "12", "x"]], vec![]);
        assert_eq!(session.displayed_fields(), vec![Field::FirstName, Field::Email, Field::Phone]);
        let view = session.row_view(0).unwrap();
        assert_eq!(view.status, RowStatus::HasIssues);
        assert_eq!(view.line, 2);
        let phone = &view.cells[2];
        assert_eq!(phone.text, "12");
        assert_eq!(phone.problems, vec!["\u{201c}12\u{201d} has 2 digits; a phone number has 6 to 15."]);
        assert!(view.cells[1].problems.is_empty());
        // Last Name is required for a person but its column is not in the file.
        assert_eq!(view.row_issues.len(), 1, "{:?}", view.row_issues);
        assert!(view.row_issues[0].starts_with("Last Name is required"), "{:?}", view.row_issues);
    }

    #[test]
    fn a_phone_shows_the_form_it_will_be_saved_in_once_the_server_has_read_it() {
        use rules::phone::{PhoneKey, PhoneProblem};
        let mut session = session(
            &["First Name", "Last Name", "Phone", "Mobile"],
            vec![vec!["Ana", "Silva", "021 555 0101", "021 555"]],
            vec![],
        );
        // Before the server's answer: the layout check, and nothing shown.
        let view = session.row_view(0).unwrap();
        assert_eq!(view.status, RowStatus::Valid);
        assert_eq!(view.cells[2].saved_as, None);
        session.check.add_phone_verdicts(vec![
            (
                PhoneKey::new("021 555 0101", None),
                PhoneVerdict::Number { stored: "+64215550101".into(), display: "+64 21 555 0101".into() },
            ),
            (
                PhoneKey::new("021 555", None),
                PhoneVerdict::Problem {
                    problem: PhoneProblem::NotInUse { country: Some("NZ".into()) },
                    example: Some("03-234 5678".into()),
                },
            ),
        ]);
        let view = session.row_view(0).unwrap();
        assert_eq!(view.status, RowStatus::HasIssues);
        assert_eq!((view.cells[2].text.as_str(), view.cells[2].saved_as.as_deref()), ("021 555 0101", Some("+64 21 555 0101")));
        assert_eq!(view.cells[3].saved_as, None);
        assert_eq!(
            view.cells[3].problems,
            vec!["\u{201c}021 555\u{201d} cannot be a real phone number in New Zealand: no number there has these digits."]
        );
        // The fix names the example the server sent: the page has no phone metadata.
        assert!(view.cells[3].details[0].contains("a number in New Zealand looks like 03-234 5678."), "{:?}", view.cells[3].details);
    }

    #[test]
    fn updates_upload_the_version_the_preview_saw_and_new_rows_none() {
        let session = session(
            &["First Name", "Last Name", "Email", "City"],
            vec![vec!["Ana", "Silva", "ANA@example.com", "Sydney"], vec!["Ben", "Jones", "ben@x.com", ""], vec!["Ana", "Silva", "ana@example.com", "Sydney"]],
            vec![ana()],
        );
        // Rows 1 and 3 both match Ana: both have issues, so fix by removing row 3.
        let mut session = session;
        session.check.remove_row(2);
        let view = session.row_view(0).unwrap();
        assert_eq!(view.action, Some("Update"));
        assert_eq!(view.changes.len(), 1);
        let uploaded = session.uploaded_rows();
        assert_eq!(uploaded.len(), 2);
        assert_eq!(uploaded[0].preview, Some(PreviewMatch { contact_id: Uuid::from_u128(7), version: 4 }));
        assert_eq!(uploaded[1].preview, None);
        assert_eq!(session.new_import().row_count, 2);
    }

    #[test]
    fn only_rows_with_issues_can_be_listed() {
        let session = session(&["First Name", "Last Name"], vec![vec!["Ana", "Silva"], vec!["Bo", ""], vec!["Cy", "Doe"]], vec![]);
        assert_eq!(session.listed_rows(false), vec![0, 1, 2]);
        assert_eq!(session.listed_rows(true), vec![1]);
    }

    #[test]
    fn the_error_report_keeps_the_files_columns_with_edits_and_issues() {
        let mut session = session(
            &["First Name", "Last Name", "Old ID"],
            vec![vec!["Ana", "", "A1"], vec!["Ben", "Jones", "B2"]],
            vec![],
        );
        session.check.set_cell(1, Field::FirstName, "Benjamin");
        let report = session.report_request();
        assert_eq!(report.headers, vec!["First Name", "Last Name", "Old ID"]);
        assert_eq!(report.rows.len(), 2);
        assert_eq!(report.rows[0].cells, vec!["Ana", "", "A1"]);
        assert_eq!(report.rows[0].issues.len(), 1);
        assert_eq!(report.rows[1].cells, vec!["Benjamin", "Jones", "B2"]);
        assert!(report.rows[1].issues.is_empty());
    }

    #[test]
    fn columns_with_data_left_out_are_named_beside_confirm_and_recorded_with_the_import() {
        let session = session(
            &["First Name", "Last Name", "Birthday", "Shoe size"],
            vec![vec!["Ana", "Silva", "1 May", ""], vec!["Ben", "Jones", "2 June", ""]],
            vec![],
        );
        let notice = session.left_out_notice().expect("a notice");
        assert!(notice.starts_with("1 column with data will not be imported: Birthday"), "{notice}");
        assert!(!notice.contains("Shoe size"), "an empty column holds no data: {notice}");
        assert_eq!(session.new_import().columns.left_out, vec!["Birthday".to_string()]);
        assert_eq!(session.header_row_text(), "Headers from row 1");
    }

    #[test]
    fn a_file_whose_every_column_is_imported_has_no_notice() {
        let session = session(&["First Name", "Last Name"], vec![vec!["Ana", "Silva"]], vec![]);
        assert_eq!(session.left_out_notice(), None);
        assert!(session.new_import().columns.left_out.is_empty());
    }

    /// The lines of each upload call, the session cut from its first row.
    fn chunk_lines(session: &Session, max_rows: usize, max_bytes: usize) -> Vec<Vec<u32>> {
        let mut calls = Vec::new();
        let mut from = Some(0);
        while let Some(start) = from {
            let chunk = session.upload_chunk(start, max_rows, max_bytes);
            calls.push(chunk.rows.iter().map(|row| row.row.line).collect());
            from = chunk.next;
        }
        calls
    }

    #[test]
    fn uploads_are_split_by_rows_and_by_bytes_leaving_out_removed_rows() {
        let headers = ["First Name", "Last Name", "Notes"];
        let session_of = |count: usize, notes: &str| {
            let rows: Vec<Vec<String>> = (0..count).map(|n| vec![format!("Ana{n}"), "Silva".to_string(), notes.to_string()]).collect();
            session(&headers, rows.iter().map(|row| row.iter().map(String::as_str).collect()).collect(), vec![])
        };
        let mut short = session_of(5, "short");
        assert_eq!(chunk_lines(&short, 2, 1 << 20), vec![vec![2, 3], vec![4, 5], vec![6]]);
        assert_eq!(chunk_lines(&short, 10, 1 << 20), vec![vec![2, 3, 4, 5, 6]]);
        short.check.remove_row(1);
        assert_eq!(chunk_lines(&short, 2, 1 << 20), vec![vec![2, 4], vec![5, 6]]);

        // 2,000 characters of emoji are 8,000 bytes: two rows fill 20 kB.
        let long = session_of(10, &"\u{1F600}".repeat(2_000));
        let calls = chunk_lines(&long, 2_000, 20_000);
        assert_eq!(calls.iter().map(Vec::len).sum::<usize>(), 10);
        assert!(calls.iter().all(|call| call.len() == 2), "{calls:?}");
        let mut from = Some(0);
        while let Some(start) = from {
            let chunk = long.upload_chunk(start, 2_000, 20_000);
            let body = postcard::to_allocvec(&(uuid::Uuid::nil(), &chunk.rows)).expect("postcard");
            assert!(body.len() <= 20_000, "{}", body.len());
            from = chunk.next;
        }
        // A row larger than the budget still goes, on its own.
        assert_eq!(chunk_lines(&long, 2_000, 100).len(), 10);
    }
}
