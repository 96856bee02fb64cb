//! The server's verdict, found with SQL's help (duplicates grouped, matches
//! and email owners joined on the keys the rules staged), agrees with the
//! whole-import check the browser runs (`rules::check::ImportCheck`), on
//! generated imports: the same issues with the same sentences, row by row,
//! or the same counts and the same contacts afterwards. Keys are drawn from
//! small pools so that duplicates within the file, two rows matching one
//! contact, emails belonging to another contact, invalid key cells and
//! spreadsheet errors are common; some previews are made stale by an edit
//! or a deletion between the preview and the confirm.

use crate::support;

use std::collections::BTreeMap;

use rules::check::{preview_outdated, ExistingContacts, ImportCheck, RowContext};
use rules::headers::{ImportColumns, ImportRow};
use rules::merge::{Action, MergeMode};
use rules::{ContactFields, ExistingContact, Field, FieldSet, Issue};
use sqlx::PgPool;
use store::imports;
use store::model::{AccountId, ConfirmOutcome, ImportCounts, UploadedRow};
use support::*;

/// Cell values, the first `CLEAN` of each pool valid (a clean import draws
/// only from those), the rest invalid or incomplete.
const REFERENCES: &[&str] = &["", "", "C1", "c1", "C2", "C3", "C9", "C8", "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"];
const EMAILS: &[&str] = &["", "", "a@x.com", "A@X.com", "b@x.com", "c@x.com", "n@x.com", "m@x.com", "bad@"];
const KINDS: &[&str] = &["", "", "person", "", "", "", "", "", "Company", "Robot"];
const FIRSTS: &[&str] = &["Ana", "Bo", "Ana", "Bo", "Ana", "Bo", "Ana", "Bo", ""];
const LASTS: &[&str] = &["Li", "Wu", "Li", "Wu", "Li", "Wu", "Li", "Wu", ""];
const COMPANIES: &[&str] = &["", "Acme", "", "Acme", "", "Acme", "", "Acme", ""];
const CITIES: &[&str] = &["", "Perth", "Oslo", "", "Perth", "Oslo", "", "Perth", "#N/A"];
/// How many leading values of each pool a clean import draws from.
const CLEAN: usize = 8;
const COLUMNS: &[&[Field]] = &[
    &[],
    &[Field::Reference, Field::Email, Field::FirstName, Field::LastName],
    &[Field::Email, Field::Kind, Field::CompanyName, Field::City],
];

/// The account's contacts before the import (valid, unique keys).
fn existing_pool() -> Vec<ContactFields> {
    let contact = |pairs: &[(Field, &str)]| ContactFields::from_pairs(pairs.iter().copied());
    vec![
        contact(&[(Field::Reference, "C1"), (Field::Kind, "Person"), (Field::FirstName, "Ana"), (Field::LastName, "Li"), (Field::Email, "a@x.com")]),
        contact(&[(Field::Kind, "Company"), (Field::CompanyName, "Acme"), (Field::Email, "b@x.com"), (Field::City, "Perth")]),
        contact(&[(Field::Reference, "C3"), (Field::Kind, "Person"), (Field::FirstName, "Cy"), (Field::LastName, "Wu"), (Field::Email, "c@x.com")]),
        contact(&[(Field::Reference, "C2"), (Field::Kind, "Person"), (Field::FirstName, "Dee"), (Field::LastName, "Fox")]),
    ]
}

fn generated_rows(rng: &mut Rng) -> Vec<ImportRow> {
    // Half the imports are clean (keys may still collide), half messy.
    let clean = rng.chance(50);
    let count = 1 + rng.below(if clean { 4 } else { 7 });
    let mut line = 1;
    (0..count)
        .map(|_| {
            let mut pick = |pool: &[&'static str]| rng.pick(if clean { &pool[..CLEAN] } else { pool });
            let mut values = ContactFields::blank();
            values.set(Field::Reference, pick(REFERENCES));
            values.set(Field::Email, pick(EMAILS));
            values.set(Field::Kind, pick(KINDS));
            values.set(Field::FirstName, pick(FIRSTS));
            values.set(Field::LastName, pick(LASTS));
            values.set(Field::CompanyName, pick(COMPANIES));
            values.set(Field::City, pick(CITIES));
            // Lines increase as in a file, sometimes with removed rows between.
            line += 1 + rng.below(2) as u32 * 10;
            let mut row = ImportRow::new(line, values);
            if row.values.get(Field::City) == "#N/A" && rng.chance(70) {
                row.error_cells.insert(Field::City);
            }
            row
        })
        .collect()
}

/// The account's contacts as the rules see them.
async fn existing_now(pool: &PgPool, account: AccountId) -> Vec<ExistingContact> {
    snapshot(pool, account)
        .await
        .into_iter()
        .map(|stored| ExistingContact { id: stored.id, version: stored.version, fields: stored.fields })
        .collect()
}

/// What the browser's whole-import check, run on the server against the
/// contacts as they are now, says the confirm must answer.
fn expected(
    columns: &ImportColumns,
    mode: MergeMode,
    uploaded: &[UploadedRow],
    existing: Vec<ExistingContact>,
) -> Result<(ImportCounts, Vec<ContactFields>), Vec<Issue>> {
    let rows: Vec<ImportRow> = uploaded.iter().map(|uploaded| uploaded.row.clone()).collect();
    let check = ImportCheck::new(columns.clone(), rows, ExistingContacts::new(existing.clone()), mode);
    let mut issues = Vec::new();
    for (index, verdict) in check.verdicts() {
        issues.extend(verdict.issues.iter().cloned());
        let Some(row) = check.row(index) else { continue };
        let matched = verdict.action.as_ref().and_then(Action::contact_id).and_then(|id| check.existing().by_id(id));
        let context = RowContext { matched, ..RowContext::default() };
        let preview = uploaded[index].preview.map(|preview| (preview.contact_id, preview.version));
        if verdict.is_valid() {
            issues.extend(preview_outdated(row, columns, verdict, &context, preview));
        }
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    let counts = check.counts();
    let mut after: BTreeMap<uuid::Uuid, ContactFields> =
        existing.iter().map(|contact| (contact.id, contact.fields.clone())).collect();
    let mut created = Vec::new();
    for (_, plan) in check.plans() {
        match plan.action {
            Action::Update { contact_id, .. } => {
                after.insert(contact_id, plan.contact.into_fields());
            }
            Action::New => created.push(plan.contact.into_fields()),
            Action::Unchanged { .. } => {}
        }
    }
    let mut contacts: Vec<ContactFields> = after.into_values().chain(created).collect();
    contacts.sort_by(|a, b| a.0.cmp(&b.0));
    let counts = ImportCounts { created: counts.new as u32, updated: counts.updates as u32, unchanged: counts.unchanged as u32, skipped: 0 };
    Ok((counts, contacts))
}

async fn one_case(pool: &PgPool, rng: &mut Rng, case: usize) -> Result<(), String> {
    let (account, user) = new_account(pool, &format!("case{case}@example.com")).await;
    let pool_contacts = existing_pool();
    let mut ids = Vec::new();
    for contact in pool_contacts.iter().filter(|_| rng.chance(70)) {
        ids.push(store::contacts::insert(pool, account, &valid(contact)).await.map_err(|error| error.to_string())?);
    }
    let columns = match COLUMNS[rng.below(COLUMNS.len())] {
        [] => ImportColumns::template(),
        fields => ImportColumns::from_present(FieldSet::of(fields)),
    };
    let mode = if rng.chance(50) { MergeMode::KeepExisting } else { MergeMode::OverwriteAll };
    let rows = generated_rows(rng);
    let uploaded = preview(pool, account, &columns, mode, rows).await;

    // Sometimes a contact changes, or goes, between the preview and the confirm.
    if !ids.is_empty() && rng.chance(25) {
        let id = ids[rng.below(ids.len())];
        if rng.chance(50) {
            edit_contact(pool, id, Field::City, "Changed").await;
        } else {
            sqlx::query("DELETE FROM contacts WHERE id = $1").bind(id).execute(pool).await.map_err(|error| error.to_string())?;
        }
    }

    let expected = expected(&columns, mode, &uploaded, existing_now(pool, account).await);
    let import_id = open_and_upload(pool, account, user, &columns, mode, &uploaded).await;
    let outcome = imports::confirm(pool, account, import_id).await.map_err(|error| format!("confirm failed: {error}"))?;
    let describe = || format!("case {case}, {mode:?}, columns {:?}, rows {:#?}", columns.present, uploaded);
    match (expected, outcome) {
        (Err(issues), ConfirmOutcome::Rejected { issues: got, total_issues }) => {
            if got != issues || total_issues as usize != issues.len() {
                return Err(format!("issues differ: expected {issues:#?}, got {got:#?} ({total_issues} in all); {}", describe()));
            }
        }
        (Ok((counts, contacts)), ConfirmOutcome::Committed { counts: got, .. }) => {
            if got != counts {
                return Err(format!("counts differ: expected {counts:?}, got {got:?}; {}", describe()));
            }
            let mut stored: Vec<ContactFields> = snapshot(pool, account).await.into_iter().map(|stored| stored.fields).collect();
            stored.sort_by(|a, b| a.0.cmp(&b.0));
            if stored != contacts {
                return Err(format!("contacts differ: expected {contacts:#?}, got {stored:#?}; {}", describe()));
            }
        }
        (expected, outcome) => {
            return Err(format!("expected {expected:#?}, got {outcome:#?}; {}", describe()));
        }
    }
    Ok(())
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_servers_verdict_agrees_with_the_whole_import_check_on_generated_imports(pool: PgPool) {
    let mut rng = Rng(0x1A9_2026);
    let mut committed = 0;
    let mut rejected = 0;
    for case in 0..250 {
        if let Err(problem) = one_case(&pool, &mut rng, case).await {
            panic!("{problem}");
        }
        let status: String = sqlx::query_scalar("SELECT status FROM imports ORDER BY created_at DESC, id DESC LIMIT 1")
            .fetch_one(&pool)
            .await
            .unwrap();
        if status == "committed" {
            committed += 1;
        } else {
            rejected += 1;
        }
    }
    // Both answers are exercised, not just one.
    assert!(committed >= 25 && rejected >= 25, "{committed} committed, {rejected} rejected");
}
