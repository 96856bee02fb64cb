//! The load test: users browsing (sign in, list, search, page, open
//! contacts, view imports) and users importing (look up, open, upload in
//! chunks, confirm; new contacts and updates of existing ones) at once, for
//! a set time; then every account's contacts are checked in the database
//! against what the importers were told was committed.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rules::{ContactFields, Field};
use serde_json::{json, Value};
use sqlx::PgPool;
use store::model::{ConfirmOutcome, ContactPage, ImportSummary};
use uuid::Uuid;

use crate::data::{self, compare, contact, mix};
use crate::flow;
use crate::http::{Client, Failure};
use crate::stats::{self, Recorder};

pub struct Settings {
    pub address: SocketAddr,
    pub database_url: String,
    pub seconds: u64,
    pub browsers: usize,
    pub importers: usize,
    pub accounts: usize,
    /// Rows per import (two thirds new contacts, one third updates).
    pub rows: usize,
    /// Contacts each account starts with.
    pub seed_rows: usize,
    /// Rows per `upload_rows` call.
    pub chunk: usize,
    /// The most a browsing user waits between two requests.
    pub think: Duration,
}

const PASSWORD: &str = "load-test-password-2026";

fn owner_email(account: usize, run: &str) -> String {
    format!("owner{account}-{run}@load.example")
}

/// What the database must hold for one account: by Contact ID.
type Expected = Arc<Mutex<HashMap<String, ContactFields>>>;

/// Which account importer `importer` imports into: the first two share
/// account 0 (so two imports into one account run at the same time), the
/// rest take one account each; the last account may only be browsed.
fn importer_account(importer: usize, accounts: usize) -> usize {
    importer.saturating_sub(1) % accounts.max(1)
}

pub async fn run(settings: Settings) -> Result<bool, String> {
    let pool = data::connect(&settings.database_url, 4).await.map_err(|error| format!("connecting to the database: {error}"))?;
    // Names unique to this run, should the database be reused.
    let clock = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|since| since.as_nanos() as u64).unwrap_or_default();
    let run = format!("{:08x}", mix(clock ^ u64::from(std::process::id())) as u32);
    let limit = Duration::from_secs(60);
    println!(
        "Load: {} browsing and {} importing users over {} accounts for {} s ({} rows per import, {} contacts to start with per account)",
        settings.browsers, settings.importers, settings.accounts, settings.seconds, settings.rows, settings.seed_rows
    );

    // Accounts, each with contacts to start with (imported through the API).
    let set_up = Instant::now();
    let mut expected: Vec<Expected> = Vec::new();
    let mut accounts: Vec<Uuid> = Vec::new();
    let mut seeds: Vec<Vec<String>> = Vec::new();
    for account in 0..settings.accounts {
        let mut client = Client::new(settings.address, limit);
        let email = owner_email(account, &run);
        client.sign_up(&format!("Load Agency {account}"), &email, PASSWORD).await.map_err(|error| format!("signing up: {error}"))?;
        let references: Vec<String> = (0..settings.seed_rows).map(|n| format!("A{account}-S{n}")).collect();
        let rows: Vec<ContactFields> =
            references.iter().enumerate().map(|(n, reference)| contact(reference, n as u64 + 1, "Seeded.")).collect();
        let uploaded = flow::upload(&mut client, None, "seed.xlsx", &rows, settings.chunk).await.map_err(|error| format!("seeding: {error}"))?;
        match flow::confirm(&mut client, None, uploaded.import_id).await.map_err(|error| format!("seeding: {error}"))? {
            ConfirmOutcome::Committed { .. } => {}
            other => return Err(format!("the seed import was refused: {other:?}")),
        }
        let map: HashMap<String, ContactFields> =
            rows.into_iter().map(|fields| (fields.get(Field::Reference).to_string(), fields)).collect();
        expected.push(Arc::new(Mutex::new(map)));
        accounts.push(data::account_of(&pool, &email).await?);
        seeds.push(references);
    }
    println!("Set up {} accounts in {:.1} s", settings.accounts, set_up.elapsed().as_secs_f64());

    let recorder = Recorder::new();
    let deadline = Instant::now() + Duration::from_secs(settings.seconds);
    let mut tasks = Vec::new();
    for browser in 0..settings.browsers {
        let account = browser % settings.accounts;
        let email = owner_email(account, &run);
        let recorder = recorder.clone();
        let address = settings.address;
        let think = settings.think;
        tasks.push(tokio::spawn(async move { browse(browser, address, email, recorder, deadline, think, limit).await }));
    }
    let committed = Arc::new(Mutex::new(Vec::<(usize, u32, u32)>::new()));
    for importer in 0..settings.importers {
        let account = importer_account(importer, settings.accounts);
        let sharing: Vec<usize> = (0..settings.importers).filter(|&other| importer_account(other, settings.accounts) == account).collect();
        let slot = sharing.iter().position(|&other| other == importer).unwrap_or(0);
        // Each importer updates only its own share of the account's contacts,
        // so two importers of one account never race for the same contact.
        let own: Vec<String> = seeds[account].iter().skip(slot).step_by(sharing.len().max(1)).cloned().collect();
        let job = Importer {
            index: importer,
            account,
            email: owner_email(account, &run),
            own,
            expected: expected[account].clone(),
            committed: committed.clone(),
            rows: settings.rows,
            chunk: settings.chunk,
        };
        let recorder = recorder.clone();
        let address = settings.address;
        tasks.push(tokio::spawn(async move { job.run(address, recorder, deadline, limit).await }));
    }
    for task in tasks {
        task.await.map_err(|error| format!("a simulated user stopped: {error}"))?;
    }
    let elapsed = recorder.started().elapsed().as_secs_f64();
    let records = recorder.records();

    // The database against what the importers were told.
    let mut ok = true;
    let mut checks = Vec::new();
    let mut stored_total = 0;
    for (account, id) in accounts.iter().enumerate() {
        let wanted = expected[account].lock().map(|map| map.clone()).unwrap_or_default();
        let comparison = compare(&pool, *id, &wanted).await?;
        stored_total += comparison.stored;
        if !comparison.is_exact() {
            ok = false;
            checks.push(format!("account {account}: {}", comparison.describe()));
        }
    }
    let statuses: Vec<(String, i64)> = sqlx::query_as("SELECT status, count(*) FROM imports GROUP BY status ORDER BY status")
        .fetch_all(&pool)
        .await
        .map_err(|error| error.to_string())?;
    let not_committed: i64 = statuses.iter().filter(|(status, _)| status != "committed").map(|(_, count)| count).sum();
    let committed = committed.lock().map(|list| list.clone()).unwrap_or_default();
    if not_committed > 0 {
        ok = false;
        checks.push(format!("imports not committed: {statuses:?}"));
    }
    let errors = records.iter().filter(|record| record.error.is_some()).count();
    if errors > 0 {
        ok = false;
    }

    println!();
    println!("{}", stats::table(&records, elapsed));
    let created: u32 = committed.iter().map(|(_, created, _)| created).sum();
    let updated: u32 = committed.iter().map(|(_, _, updated)| updated).sum();
    println!(
        "Imports committed during the run: {} ({} contacts created, {} updated); every one checked in the database",
        committed.len(),
        created,
        updated
    );
    println!(
        "Database check: {} contacts in {} accounts {}",
        stored_total,
        accounts.len(),
        if checks.is_empty() { "match what the importers committed, value by value (no lost or extra rows)" } else { "DO NOT match:" }
    );
    for line in &checks {
        println!("  {line}");
    }
    if errors > 0 {
        println!("Errors ({errors}):");
        for line in stats::error_lines(&records, 10) {
            println!("  {line}");
        }
    }
    match pool_stats(&pool).await {
        Ok(line) => println!("{line}"),
        Err(error) => println!("Postgres connections at the end: could not be read ({error})"),
    }
    println!("{}", if ok { "Load test passed" } else { "Load test FAILED" });
    Ok(ok)
}

/// Postgres's view at the end: connections in use of those allowed.
async fn pool_stats(pool: &PgPool) -> Result<String, sqlx::Error> {
    let (connections, max): (i64, String) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()), current_setting('max_connections')",
    )
    .fetch_one(pool)
    .await?;
    Ok(format!("Postgres connections to this database at the end: {connections} (max_connections {max})"))
}

/// One browsing user.
async fn browse(index: usize, address: SocketAddr, email: String, recorder: Recorder, deadline: Instant, think: Duration, limit: Duration) {
    let mut client = Client::new(address, limit);
    let mut random = mix(index as u64 + 17);
    let mut next = move || {
        random = mix(random);
        random
    };
    let mut contacts: Vec<Uuid> = Vec::new();
    let mut cursor: Option<Value> = None;
    let mut imports: Vec<Uuid> = Vec::new();
    let mut since_sign_in = 0;
    while Instant::now() < deadline {
        if !client.has_session() || since_sign_in >= 40 {
            if client.has_session() {
                let began = Instant::now();
                let result = client.sign_out().await;
                recorder.record("sign_out", began, result.err().map(|error| error.to_string()));
            }
            let began = Instant::now();
            let result = client.sign_in(&email, PASSWORD).await;
            recorder.record("sign_in", began, result.as_ref().err().map(|error| error.to_string()));
            since_sign_in = 0;
            if result.is_err() {
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            }
        }
        since_sign_in += 1;
        let sorts = ["name", "company", "updated"];
        let searches = ["silva", "nguy", "harbour", "a0-s1", "load.example", "555", "müller", "property"];
        let roll = next() % 100;
        let began = Instant::now();
        let (kind, result): (&'static str, Result<(), Failure>) = match roll {
            0..=9 => ("GET /contacts", client.page("/contacts").await.map(|_| ())),
            10..=24 => {
                let query = json!({"query": {"search": "", "category": null, "sort": sorts[next() as usize % 3], "after": null}});
                ("list_contacts", list(&mut client, &query, &mut contacts, &mut cursor).await)
            }
            25..=34 => {
                let query = match &cursor {
                    Some(after) => json!({"query": {"search": "", "category": null, "sort": "name", "after": after}}),
                    None => json!({"query": {"search": "", "category": null, "sort": "name", "after": null}}),
                };
                ("list_contacts next", list(&mut client, &query, &mut contacts, &mut cursor).await)
            }
            35..=49 => {
                let search = searches[next() as usize % searches.len()];
                let query = json!({"query": {"search": search, "category": null, "sort": "name", "after": null}});
                ("list_contacts search", list(&mut client, &query, &mut contacts, &mut cursor).await)
            }
            50..=54 => {
                let category = ["Tenant", "Landlord", "Supplier", "Agent", "Other"][next() as usize % 5];
                let query = json!({"query": {"search": "", "category": category, "sort": "name", "after": null}});
                ("list_contacts filter", list(&mut client, &query, &mut contacts, &mut cursor).await)
            }
            55..=59 => {
                let search = searches[next() as usize % searches.len()];
                ("GET /contacts?q=", client.page_with_query("/contacts", &[("q", search)]).await.map(|_| ()))
            }
            60..=69 => match pick(&contacts, next()) {
                Some(id) => ("GET /contacts/:id", client.page(&format!("/contacts/{id}")).await.map(|_| ())),
                None => ("GET /contacts", client.page("/contacts").await.map(|_| ())),
            },
            70..=79 => match pick(&contacts, next()) {
                Some(id) => ("get_contact", client.call::<Value>("get_contact", &json!({ "id": id })).await.map(|_| ())),
                None => ("GET /contacts", client.page("/contacts").await.map(|_| ())),
            },
            80..=84 => ("GET /imports", client.page("/imports").await.map(|_| ())),
            85..=92 => {
                let result = client.call::<Vec<ImportSummary>>("list_imports", &json!({})).await;
                if let Ok((list, _)) = &result {
                    imports = list.iter().map(|import| import.id).collect();
                }
                ("list_imports", result.map(|_| ()))
            }
            93..=96 => match pick(&imports, next()) {
                Some(id) => ("import_detail", client.call::<Value>("import_detail", &json!({ "import_id": id, "page": 0 })).await.map(|_| ())),
                None => ("GET /imports", client.page("/imports").await.map(|_| ())),
            },
            _ => match pick(&imports, next()) {
                Some(id) => ("GET /imports/:id", client.page(&format!("/imports/{id}")).await.map(|_| ())),
                None => ("GET /imports", client.page("/imports").await.map(|_| ())),
            },
        };
        recorder.record(kind, began, result.err().map(|error| error.to_string()));
        if !think.is_zero() {
            tokio::time::sleep(Duration::from_micros(next() % (think.as_micros() as u64).max(1))).await;
        }
    }
}

fn pick<T: Copy>(items: &[T], roll: u64) -> Option<T> {
    (!items.is_empty()).then(|| items[roll as usize % items.len()])
}

async fn list(client: &mut Client, query: &Value, contacts: &mut Vec<Uuid>, cursor: &mut Option<Value>) -> Result<(), Failure> {
    let (page, _): (ContactPage, _) = client.call("list_contacts", query).await?;
    if !page.contacts.is_empty() {
        *contacts = page.contacts.iter().map(|contact| contact.id).collect();
    }
    *cursor = page.next.map(|next| json!(next));
    Ok(())
}

/// One importing user.
struct Importer {
    index: usize,
    account: usize,
    email: String,
    /// The Contact IDs this importer may update.
    own: Vec<String>,
    expected: Expected,
    committed: Arc<Mutex<Vec<(usize, u32, u32)>>>,
    rows: usize,
    chunk: usize,
}

impl Importer {
    async fn run(mut self, address: SocketAddr, recorder: Recorder, deadline: Instant, limit: Duration) {
        let mut client = Client::new(address, limit);
        let began = Instant::now();
        let signed_in = client.sign_in(&self.email, PASSWORD).await;
        recorder.record("sign_in", began, signed_in.as_ref().err().map(|error| error.to_string()));
        if signed_in.is_err() {
            return;
        }
        let mut batch = 0u64;
        let mut random = mix(self.index as u64 + 1_000);
        while Instant::now() < deadline {
            batch += 1;
            let updates = (self.rows / 3).min(self.own.len());
            let new = self.rows - updates;
            let note = format!("Batch {batch} of importer {}.", self.index);
            let mut rows = Vec::with_capacity(self.rows);
            let mut chosen = std::collections::HashSet::new();
            while chosen.len() < updates {
                random = mix(random);
                chosen.insert(random as usize % self.own.len());
            }
            // An update changes the notes and the phone of the contact as
            // it is now, and sends every other value as it is (in keep mode
            // a blank cell would keep the stored value anyway).
            let current = self.expected.lock().map(|expected| expected.clone()).unwrap_or_default();
            for &position in &chosen {
                let reference = &self.own[position];
                let Some(mut fields) = current.get(reference).cloned() else { continue };
                fields.set(Field::Notes, format!("Imported by the load test. {note}"));
                // A Melbourne number in E.164, the stored form (`+61 3 9…`
                // is real to libphonenumber; `+61 3 4…` is not).
                let phone = format!("+6139{:03}{:04}", mix(batch ^ position as u64) % 1_000, batch % 10_000);
                fields.set(Field::Phone, rules::validate::normalise_cell(Field::Phone, &phone).unwrap_or(phone));
                rows.push(fields);
            }
            let updates = rows.len();
            let first_new = self.own.len();
            for n in 0..new {
                let reference = format!("A{}-I{}-{}", self.account, self.index, first_new + n);
                rows.push(contact(&reference, mix(batch.wrapping_mul(1_000_003) ^ n as u64), &note));
            }
            let file_name = format!("importer-{}-batch-{batch}.xlsx", self.index);
            let outcome = async {
                let uploaded = flow::upload(&mut client, Some(&recorder), &file_name, &rows, self.chunk).await?;
                flow::confirm(&mut client, Some(&recorder), uploaded.import_id).await
            }
            .await;
            match outcome {
                Ok(ConfirmOutcome::Committed { counts, .. }) => {
                    if counts.created as usize != new || counts.updated as usize != updates {
                        let began = Instant::now();
                        recorder.record(
                            "confirm_import counts",
                            began,
                            Some(format!("expected {new} created and {updates} updated, got {counts:?}")),
                        );
                    }
                    if let Ok(mut expected) = self.expected.lock() {
                        for fields in &rows {
                            expected.insert(fields.get(Field::Reference).to_string(), fields.clone());
                        }
                    }
                    self.own.extend(rows[updates..].iter().map(|fields| fields.get(Field::Reference).to_string()));
                    if let Ok(mut committed) = self.committed.lock() {
                        committed.push((self.index, counts.created, counts.updated));
                    }
                }
                Ok(ConfirmOutcome::Rejected { issues, total_issues }) => {
                    let began = Instant::now();
                    recorder.record("confirm_import verdict", began, Some(format!("{total_issues} issues, e.g. {:?}", issues.first())));
                    // Nothing landed: the expected contacts stay as they were.
                }
                Err(_) => {
                    // Already recorded; nothing was applied unless the
                    // confirm's answer was lost, which the database check
                    // would show as unexpected contacts.
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
    }
}
