//! Helpers shared by the `imports_*` sqlx tests: accounts, contacts, rows
//! built in memory, a preview computed the way the browser computes it, and
//! snapshots of the database to compare before and after.

#![allow(dead_code)]

use rules::check::{lookup_keys, ExistingContacts, ImportCheck};
use rules::headers::{ImportColumns, ImportRow};
use rules::merge::{Action, MergeMode};
use rules::{ContactFields, Field, Issue, Limits, ValidContact};
use sqlx::{PgPool, Row};
use store::imports;
use store::model::{AccountId, ConfirmOutcome, ImportCounts, NewImport, PreviewMatch, UploadedRow, UserId};
use time::OffsetDateTime;
use uuid::Uuid;

/// A new account with one user.
pub async fn new_account(pool: &PgPool, email: &str) -> (AccountId, UserId) {
    store::accounts::create_account(pool, "Test Co", email, "Tester", "not-a-real-hash").await.unwrap().unwrap()
}

/// Values from `(field, value)` pairs.
pub fn fields(pairs: &[(Field, &str)]) -> ContactFields {
    ContactFields::from_pairs(pairs.iter().copied())
}

/// An import row at `line` with these cells.
pub fn row(line: u32, pairs: &[(Field, &str)]) -> ImportRow {
    ImportRow::new(line, fields(pairs))
}

/// `values` as the contact form would save them (they must be valid).
pub fn valid(values: &ContactFields) -> ValidContact {
    rules::form::check_contact(values, None, &ExistingContacts::default(), &rules::phone::LayoutOnly).into_valid().expect("a valid contact")
}

/// Inserts a contact with these (valid, normalised) values; Contact Type
/// defaults to Person.
pub async fn add_contact(pool: &PgPool, account: AccountId, pairs: &[(Field, &str)]) -> Uuid {
    let mut values = fields(pairs);
    if values.get(Field::Kind).is_empty() {
        values.set(Field::Kind, "Person");
    }
    store::contacts::insert(pool, account, &valid(&values)).await.unwrap()
}

/// One contact exactly as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    pub id: Uuid,
    pub fields: ContactFields,
    pub reference_key: String,
    pub email_key: String,
    pub version: i32,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// Every contact of the account, by id.
pub async fn snapshot(pool: &PgPool, account: AccountId) -> Vec<Stored> {
    let columns: Vec<&str> = Field::ALL.iter().map(|field| field.key()).collect();
    let sql = format!(
        "SELECT id, reference_key, email_key, version, created_at, updated_at, {} FROM contacts WHERE account_id = $1 ORDER BY id",
        columns.join(", ")
    );
    let rows = sqlx::query(&sql).bind(account).fetch_all(pool).await.unwrap();
    rows.iter()
        .map(|row| {
            let mut values = ContactFields::blank();
            for field in Field::ALL {
                values.set(field, row.get::<String, _>(field.key()));
            }
            Stored {
                id: row.get("id"),
                fields: values,
                reference_key: row.get("reference_key"),
                email_key: row.get("email_key"),
                version: row.get("version"),
                created_at: row.get("created_at"),
                updated_at: row.get("updated_at"),
            }
        })
        .collect()
}

/// The account's contact with this Contact ID (any case).
pub async fn by_reference(pool: &PgPool, account: AccountId, reference: &str) -> Stored {
    let key = rules::check::match_key(reference);
    snapshot(pool, account)
        .await
        .into_iter()
        .find(|contact| contact.reference_key == key)
        .unwrap_or_else(|| panic!("no contact with Contact ID {reference}"))
}

/// The account's contact with this id.
pub async fn by_id(pool: &PgPool, account: AccountId, id: Uuid) -> Stored {
    snapshot(pool, account).await.into_iter().find(|contact| contact.id == id).unwrap()
}

/// Someone edits a contact by hand (as the contact page will): one field,
/// and a new version.
pub async fn edit_contact(pool: &PgPool, id: Uuid, field: Field, value: &str) {
    let sql =
        format!("UPDATE contacts SET {} = $2, version = version + 1, updated_at = now() WHERE id = $1", field.key());
    let done = sqlx::query(&sql).bind(id).bind(value).execute(pool).await.unwrap();
    assert_eq!(done.rows_affected(), 1);
}

/// What the browser sends for `rows`: each with the contact (and version)
/// its preview matched, computed with the shared rules against the contacts
/// the server returns for the rows' keys.
pub async fn preview(
    pool: &PgPool,
    account: AccountId,
    columns: &ImportColumns,
    mode: MergeMode,
    rows: Vec<ImportRow>,
) -> Vec<UploadedRow> {
    let keys = lookup_keys(&rows);
    let mut existing = Vec::new();
    // Ask in chunks, as the browser must.
    let chunk = imports::MAX_LOOKUP_KEYS;
    let chunks = keys.references.len().max(keys.emails.len()).div_ceil(chunk);
    for index in 0..chunks {
        let part = |all: &[String]| all.iter().skip(index * chunk).take(chunk).cloned().collect();
        let keys = rules::check::LookupKeys { references: part(&keys.references), emails: part(&keys.emails) };
        existing.extend(imports::existing_contacts(pool, account, &keys).await.unwrap());
    }
    let existing = ExistingContacts::new(existing);
    let check = ImportCheck::new(columns.clone(), rows.clone(), existing, mode);
    rows.into_iter()
        .enumerate()
        .map(|(index, row)| {
            let preview = check.verdict(index).and_then(|verdict| verdict.action.as_ref()).and_then(|action| {
                let contact_id = action.contact_id()?;
                let version = match action {
                    Action::Update { expected_version, .. } => *expected_version,
                    _ => check.existing().by_id(contact_id)?.version,
                };
                Some(PreviewMatch { contact_id, version })
            });
            UploadedRow { row, preview, duplicate: Default::default() }
        })
        .collect()
}

/// What the browser says when it opens an import of `row_count` rows.
pub fn new_import(columns: &ImportColumns, mode: MergeMode, row_count: usize) -> NewImport {
    NewImport {
        file_name: "contacts.xlsx".into(),
        file_sha256: "ab".repeat(32),
        file_size: 12_345,
        sheet_name: "Contacts".into(),
        mode,
        columns: columns.clone(),
        row_count: row_count as u32,
    }
}

/// Opens an import and uploads `rows` in the largest chunks allowed.
pub async fn open_and_upload(
    pool: &PgPool,
    account: AccountId,
    user: UserId,
    columns: &ImportColumns,
    mode: MergeMode,
    rows: &[UploadedRow],
) -> Uuid {
    let import_id =
        imports::open(pool, account, user, &new_import(columns, mode, rows.len()), &Limits::DEFAULT).await.unwrap();
    let mut stored = 0;
    for chunk in rows.chunks(imports::MAX_ROWS_PER_UPLOAD) {
        stored = imports::upload_rows(pool, account, import_id, chunk.to_vec()).await.unwrap();
    }
    assert_eq!(stored as usize, rows.len());
    import_id
}

/// Previews, opens, uploads: an import ready to confirm.
pub async fn prepare(
    pool: &PgPool,
    account: AccountId,
    user: UserId,
    columns: &ImportColumns,
    mode: MergeMode,
    rows: Vec<ImportRow>,
) -> Uuid {
    let uploaded = preview(pool, account, columns, mode, rows).await;
    open_and_upload(pool, account, user, columns, mode, &uploaded).await
}

/// The whole browser sequence, then confirm.
pub async fn import(
    pool: &PgPool,
    account: AccountId,
    user: UserId,
    columns: &ImportColumns,
    mode: MergeMode,
    rows: Vec<ImportRow>,
) -> (Uuid, ConfirmOutcome) {
    let import_id = prepare(pool, account, user, columns, mode, rows).await;
    let outcome = imports::confirm(pool, account, import_id).await.unwrap();
    (import_id, outcome)
}

/// The counts of a committed outcome (fails the test otherwise).
pub fn committed(outcome: &ConfirmOutcome) -> ImportCounts {
    match outcome {
        ConfirmOutcome::Committed { counts, .. } => *counts,
        ConfirmOutcome::Rejected { issues, .. } => panic!("expected a commit, got issues: {issues:#?}"),
    }
}

/// The issues of a rejected outcome (fails the test otherwise).
pub fn rejected(outcome: &ConfirmOutcome) -> Vec<Issue> {
    match outcome {
        ConfirmOutcome::Rejected { issues, total_issues } => {
            assert!(*total_issues as usize >= issues.len());
            issues.clone()
        }
        ConfirmOutcome::Committed { counts, .. } => panic!("expected issues, got a commit: {counts:?}"),
    }
}

/// The import's status text.
pub async fn status(pool: &PgPool, import_id: Uuid) -> String {
    sqlx::query("SELECT status FROM imports WHERE id = $1").bind(import_id).fetch_one(pool).await.unwrap().get("status")
}

/// How many rows of `table` name this import.
pub async fn rows_for(pool: &PgPool, table: &str, import_id: Uuid) -> i64 {
    let sql = format!("SELECT count(*) FROM {table} WHERE import_id = $1");
    sqlx::query(&sql).bind(import_id).fetch_one(pool).await.unwrap().get(0)
}

/// The kinds of the notifications about this import.
pub async fn notification_kinds(pool: &PgPool, import_id: Uuid) -> Vec<String> {
    sqlx::query("SELECT kind FROM notifications WHERE import_id = $1 ORDER BY created_at")
        .bind(import_id)
        .fetch_all(pool)
        .await
        .unwrap()
        .iter()
        .map(|row| row.get("kind"))
        .collect()
}

/// A person row: Contact ID, names, email.
pub fn person(line: u32, reference: &str, first: &str, last: &str, email: &str) -> ImportRow {
    row(
        line,
        &[(Field::Reference, reference), (Field::FirstName, first), (Field::LastName, last), (Field::Email, email)],
    )
}

/// splitmix64: the same seed always gives the same imports.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}
