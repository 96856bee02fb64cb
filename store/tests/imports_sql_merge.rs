//! The merge in SQL (`store::imports::settle`: rows the rules staged as a
//! new contact, whose update result the staged sources say is exactly that
//! contact, applied without asking the rules again) writes what the rules
//! write when they judge every row in Rust: on generated imports, the same
//! two accounts (same contacts, same rows, same edits between preview and
//! confirm) are confirmed once each way, and the answers, the contacts
//! (every column a write sets: values, match keys and list keys) and the
//! change records (before and after of every row) must be the same. The
//! list keys landed are also the ones the rules compute from the values.
//!
//! Values are drawn from small pools so that a key in another spelling, a
//! changed email, blank cells in keep and overwrite mode, absent columns,
//! duplicates, emails of another contact and stale previews are common.

use crate::support;

use rules::check::match_key;
use rules::headers::{ImportColumns, ImportRow};
use rules::merge::MergeMode;
use rules::search::ListingKeys;
use rules::{ContactFields, Field, FieldSet};
use sqlx::{PgPool, Row};
use store::imports::{self, MergeHooks};
use store::model::{AccountId, ConfirmOutcome, UploadedRow};
use support::*;
use uuid::Uuid;

/// Each field's pool of cell values (the first is what most stored contacts hold).
fn pool(field: Field) -> &'static [&'static str] {
    match field {
        Field::Reference => &["C1", "c1", "C2", "C3", "C4", "", ""],
        Field::Email => &["a@x.com", "A@X.com", "b@x.com", "c@x.com", "d@x.com", "", ""],
        Field::Kind => &["Person", "person", "", "Company"],
        Field::FirstName => &["Ana", "Bo", "ANA", ""],
        Field::LastName => &["Li", "Wu", ""],
        Field::CompanyName => &["", "Acme", "Beta Ltd"],
        Field::Phone => &["", "021 555 0101", "+64 21 555 0102"],
        Field::Mobile => &["", "027 555 0199", "027 555 0198"],
        Field::City => &["", "Perth", "Oslo"],
        Field::Notes => &["", "Gate code 1234", "Prefers email"],
        Field::Title => &["", "Dr"],
        _ => &[""],
    }
}

/// The fields drawn at random; the others stay blank.
const DRAWN: [Field; 11] = [
    Field::Reference,
    Field::Email,
    Field::Kind,
    Field::FirstName,
    Field::LastName,
    Field::CompanyName,
    Field::Phone,
    Field::Mobile,
    Field::City,
    Field::Notes,
    Field::Title,
];

fn drawn(rng: &mut Rng) -> ContactFields {
    let mut values = ContactFields::blank();
    for field in DRAWN {
        values.set(field, rng.pick(pool(field)));
    }
    values
}

/// The account's contacts before the import: valid ones with distinct keys.
fn existing(rng: &mut Rng) -> Vec<ContactFields> {
    let mut contacts: Vec<ContactFields> = Vec::new();
    for index in 0..2 + rng.below(4) {
        let mut values = drawn(rng);
        values.set(Field::Reference, ["C1", "C2", "C3", "C4", "C5"][index]);
        values.set(Field::Email, if rng.chance(70) { ["a@x.com", "b@x.com", "c@x.com", "d@x.com", "e@x.com"][index] } else { "" });
        values.set(Field::Kind, if values.get(Field::CompanyName).is_empty() { "Person" } else { rng.pick(&["Person", "Company"]) });
        values.set(Field::FirstName, rng.pick(&["Ana", "Bo"]));
        values.set(Field::LastName, rng.pick(&["Li", "Wu"]));
        contacts.push(values);
    }
    contacts
}

/// The import's rows: most of the stored contacts again, a few cells
/// edited (as a re-import of an export is), and sometimes a new row.
fn rows(rng: &mut Rng, stored: &[ContactFields]) -> Vec<ImportRow> {
    let mut rows: Vec<ContactFields> = stored.iter().filter(|_| rng.chance(80)).cloned().collect();
    if rows.is_empty() || rng.chance(30) {
        rows.push(drawn(rng));
    }
    rows.into_iter()
        .enumerate()
        .map(|(index, mut values)| {
            for _ in 0..rng.below(3) {
                let field = DRAWN[rng.below(DRAWN.len())];
                values.set(field, rng.pick(pool(field)));
            }
            ImportRow::new(index as u32 + 2, values)
        })
        .collect()
}

const COLUMNS: &[&[Field]] = &[
    &[],
    &[Field::Reference, Field::Email, Field::FirstName, Field::LastName, Field::Mobile, Field::Notes],
    &[Field::Reference, Field::Kind, Field::FirstName, Field::LastName, Field::CompanyName, Field::Phone],
];

/// Every column a write of a contact sets, and its version, per contact,
/// in a stable order (ids differ between the accounts).
async fn contacts_as_written(pool: &PgPool, account: AccountId) -> Vec<Vec<String>> {
    let sql = format!(
        "SELECT version::text AS version, {} FROM contacts WHERE account_id = $1",
        store::contacts::written_columns().join(", ")
    );
    let mut contacts: Vec<Vec<String>> = sqlx::query(&sql)
        .bind(account)
        .fetch_all(pool)
        .await
        .unwrap()
        .iter()
        .map(|row| (0..row.len()).map(|index| row.get::<String, _>(index)).collect())
        .collect();
    contacts.sort();
    contacts
}

/// The account's change records: line, action, before, after, version after.
async fn changes(pool: &PgPool, account: AccountId) -> Vec<(i32, String, Option<Vec<String>>, Vec<String>, i32)> {
    sqlx::query(
        "SELECT line, action, before, after, version_after FROM import_changes WHERE account_id = $1 ORDER BY line",
    )
    .bind(account)
    .fetch_all(pool)
    .await
    .unwrap()
    .iter()
    .map(|row| (row.get("line"), row.get("action"), row.get("before"), row.get("after"), row.get("version_after")))
    .collect()
}

/// The same import in `account`: its contacts, then the rows previewed
/// against them, uploaded, and (when `edit` says so) the contact at that
/// position edited before the confirm.
async fn prepared(
    pool: &PgPool,
    account: AccountId,
    user: store::model::UserId,
    stored: &[ContactFields],
    columns: &ImportColumns,
    mode: MergeMode,
    rows: &[ImportRow],
    edit: Option<usize>,
) -> Uuid {
    let mut ids = Vec::new();
    for contact in stored {
        ids.push(store::contacts::insert(pool, account, &valid(contact)).await.unwrap());
    }
    let uploaded: Vec<UploadedRow> = preview(pool, account, columns, mode, rows.to_vec()).await;
    if let Some(position) = edit {
        edit_contact(pool, ids[position % ids.len()], Field::City, "Changed").await;
    }
    open_and_upload(pool, account, user, columns, mode, &uploaded).await
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_merge_in_sql_writes_what_the_rules_write_judging_every_row(pool: PgPool) {
    let mut rng = Rng(0x5E77_1E_2026);
    let mut settled_rows = 0;
    let mut committed = 0;
    for case in 0..160 {
        let stored = existing(&mut rng);
        let rows = rows(&mut rng, &stored);
        let columns = match COLUMNS[rng.below(COLUMNS.len())] {
            [] => ImportColumns::template(),
            fields => ImportColumns::from_present(FieldSet::of(fields)),
        };
        let mode = if rng.chance(50) { MergeMode::KeepExisting } else { MergeMode::OverwriteAll };
        let edit = rng.chance(15).then(|| rng.below(stored.len()));

        let (in_sql, user) = new_account(&pool, &format!("sql{case}@example.com")).await;
        let import_in_sql = prepared(&pool, in_sql, user, &stored, &columns, mode, &rows, edit).await;
        let (in_rust, user) = new_account(&pool, &format!("rust{case}@example.com")).await;
        let import_in_rust = prepared(&pool, in_rust, user, &stored, &columns, mode, &rows, edit).await;

        let (hooks, settled) = MergeHooks::counting_settled_rows();
        let by_sql = imports::confirm_with_hooks(&pool, in_sql, import_in_sql, hooks).await.unwrap();
        let by_rules = imports::confirm_with_hooks(&pool, in_rust, import_in_rust, MergeHooks::judging_every_row()).await.unwrap();
        let describe = || format!("case {case}, {mode:?}, columns {:?}, stored {stored:#?}, rows {rows:#?}", columns.present);
        match (&by_sql, &by_rules) {
            (ConfirmOutcome::Committed { counts: a, .. }, ConfirmOutcome::Committed { counts: b, .. }) => {
                assert_eq!(a, b, "counts differ; {}", describe());
                committed += 1;
            }
            (ConfirmOutcome::Rejected { issues: a, .. }, ConfirmOutcome::Rejected { issues: b, .. }) => {
                assert_eq!(a, b, "issues differ; {}", describe());
            }
            _ => panic!("answers differ: {by_sql:#?} in SQL, {by_rules:#?} by the rules; {}", describe()),
        }
        settled_rows += settled.load(std::sync::atomic::Ordering::Relaxed);
        assert_eq!(contacts_as_written(&pool, in_sql).await, contacts_as_written(&pool, in_rust).await, "{}", describe());
        assert_eq!(changes(&pool, in_sql).await, changes(&pool, in_rust).await, "{}", describe());

        // What landed carries the keys the rules compute from its values.
        for contact in snapshot(&pool, in_sql).await {
            let listing = ListingKeys::of(&contact.fields);
            let keys: (String, String, String, String, String) = sqlx::query_as(
                "SELECT reference_key, email_key, sort_name, company_key, search_text FROM contacts WHERE account_id = $1 AND id = $2",
            )
            .bind(in_sql)
            .bind(contact.id)
            .fetch_one(&pool)
            .await
            .unwrap();
            let expected = (
                match_key(contact.fields.get(Field::Reference)),
                match_key(contact.fields.get(Field::Email)),
                listing.sort_name,
                listing.company_key,
                listing.search_text,
            );
            assert_eq!(keys, expected, "{}", describe());
        }
    }
    // The comparison covered rows applied in SQL, and imports that went through.
    assert!(settled_rows >= 50 && committed >= 40, "{settled_rows} rows applied in SQL, {committed} imports committed");
}
