//! The fairness test: two accounts on one server. Account A confirms a large
//! import and sends the same confirm a dozen times at once (a double click,
//! a second tab, retries after a lost answer), while account B, which has
//! nothing to do with it, browses: lists, searches and opens contacts every
//! ~100 ms.
//!
//! Passes when B gets no error at all (its latency is reported, idle and
//! during A's import, side by side), every one of A's repeats answers the
//! one result, and A's contacts landed once, checked in Postgres, including
//! the rows with neither Contact ID nor email (which a second merge would
//! add again, since nothing matches them).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rules::{ContactFields, Field};
use serde_json::{json, Value};
use sqlx::PgPool;
use store::model::ConfirmOutcome;
use uuid::Uuid;

use crate::data::{self, contact, mix};
use crate::flow;
use crate::http::{Client, Failure};
use crate::stats::{self, ms, Recorder};

pub struct Settings {
    pub address: SocketAddr,
    pub database_url: String,
    /// Rows of A's import: `existing` updates, the rest new, a tenth of
    /// those with neither Contact ID nor email.
    pub rows: usize,
    /// Contacts A has before its import.
    pub existing: usize,
    /// Contacts B has.
    pub browsed: usize,
    /// How many times A sends the confirm at once.
    pub repeats: usize,
    /// B's browsing users (tabs), each one request every ~`every`.
    pub browsers: usize,
    pub every: Duration,
    /// How long B browses before A's confirm, for the idle figures.
    pub idle: Duration,
}

const PASSWORD: &str = "fairness-test-password-2026";

/// One account's first user: signed up, with contacts imported through the API.
async fn account_with_contacts(address: SocketAddr, email: &str, name: &str, rows: &[ContactFields]) -> Result<Client, String> {
    let mut client = Client::new(address, Duration::from_secs(600));
    client.sign_up(name, email, PASSWORD).await.map_err(|error| format!("signing up {email}: {error}"))?;
    if !rows.is_empty() {
        let uploaded = flow::upload(&mut client, None, "start.xlsx", rows, 2_000).await.map_err(|error| format!("seeding {email}: {error}"))?;
        match flow::confirm(&mut client, None, uploaded.import_id).await.map_err(|error| format!("seeding {email}: {error}"))? {
            ConfirmOutcome::Committed { .. } => {}
            other => return Err(format!("the seed import of {email} was refused: {other:?}")),
        }
    }
    Ok(client)
}

pub async fn run(settings: Settings) -> Result<bool, String> {
    let pool = data::connect(&settings.database_url, 2).await.map_err(|error| format!("connecting to the database: {error}"))?;
    let clock = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|since| since.as_nanos() as u64).unwrap_or_default();
    let run = format!("{:08x}", mix(clock ^ u64::from(std::process::id())) as u32);
    let email_a = format!("importer-{run}@fairness.example");
    let email_b = format!("browser-{run}@fairness.example");
    println!(
        "Fairness: A confirms a {}-row import ({} updates) {} times at once while B ({} tabs) browses every ~{} ms",
        settings.rows,
        settings.existing,
        settings.repeats,
        settings.browsers,
        settings.every.as_millis()
    );

    // A's contacts before, and B's.
    let set_up = Instant::now();
    let before: Vec<ContactFields> =
        (0..settings.existing).map(|n| contact(&format!("A-{run}-{n}"), n as u64, "Before.")).collect();
    let mut importer = account_with_contacts(settings.address, &email_a, "Importing Agency", &before).await?;
    let b_rows: Vec<ContactFields> =
        (0..settings.browsed).map(|n| contact(&format!("B-{run}-{n}"), 7_000_000 + n as u64, "B's own.")).collect();
    account_with_contacts(settings.address, &email_b, "Browsing Agency", &b_rows).await?;
    let account_a = data::account_of(&pool, &email_a).await?;

    // A's import: every contact it has updated, the rest new; a tenth of the
    // new ones with neither Contact ID nor email.
    let mut rows: Vec<ContactFields> = before
        .iter()
        .map(|fields| {
            let mut fields = fields.clone();
            fields.set(Field::Notes, "Imported by the load test. Changed by A's big import.");
            fields
        })
        .collect();
    let new = settings.rows.saturating_sub(settings.existing);
    let keyless = new / 10;
    for n in 0..new {
        let mut fields = contact(&format!("A-{run}-new-{n}"), 1_000_000 + n as u64, "New in A's big import.");
        if n < keyless {
            fields.set(Field::Reference, "");
            fields.set(Field::Email, "");
        }
        rows.push(fields);
    }
    let uploaded = flow::upload(&mut importer, None, "big.xlsx", &rows, 2_000).await.map_err(|error| format!("uploading A's import: {error}"))?;
    let import_id = uploaded.import_id;
    println!("Set up both accounts and uploaded A's import in {:.1} s", set_up.elapsed().as_secs_f64());

    // B alone.
    let idle = Recorder::new();
    let stop = Arc::new(AtomicBool::new(false));
    let tabs = browse(&settings, &email_b, &idle, &stop).await?;
    tokio::time::sleep(settings.idle).await;
    stop.store(true, Ordering::SeqCst);
    for tab in tabs {
        tab.await.map_err(|error| format!("B stopped: {error}"))?;
    }

    // B during A's confirm, repeated at once.
    let during = Recorder::new();
    let stop = Arc::new(AtomicBool::new(false));
    let tabs = browse(&settings, &email_b, &during, &stop).await?;
    let sent = Instant::now();
    let repeats: Vec<_> = (0..settings.repeats)
        .map(|_| {
            // The same browser (its session), another request at once.
            let mut client = importer.on_server(settings.address);
            tokio::spawn(async move {
                let answer = flow::confirm(&mut client, None, import_id).await;
                (answer, sent.elapsed())
            })
        })
        .collect();
    let mut answers = Vec::new();
    for repeat in repeats {
        answers.push(repeat.await.map_err(|error| format!("a confirm stopped: {error}"))?);
    }
    let confirmed_in = sent.elapsed();
    stop.store(true, Ordering::SeqCst);
    for tab in tabs {
        tab.await.map_err(|error| format!("B stopped: {error}"))?;
    }

    // What A was told.
    let mut ok = true;
    let expected = ConfirmOutcome::Committed {
        import_id,
        counts: store::model::ImportCounts { created: new as u32, updated: settings.existing as u32, unchanged: 0, skipped: 0 },
    };
    let mut wrong = Vec::new();
    for (answer, _) in &answers {
        match answer {
            Ok(outcome) if *outcome == expected => {}
            Ok(outcome) => wrong.push(format!("{outcome:?}")),
            Err(error) => wrong.push(error.to_string()),
        }
    }
    ok &= wrong.is_empty();

    // What landed, in Postgres.
    let landed = landed(&pool, account_a, import_id).await?;
    let once = landed.contacts == settings.existing as i64 + new as i64 && landed.keyless == keyless as i64 && landed.notices == 1;
    ok &= once;

    // B's experience.
    let idle_records = idle.records();
    let during_records = during.records();
    let b_errors = idle_records.iter().chain(&during_records).filter(|record| record.error.is_some()).count();
    ok &= b_errors == 0 && !during_records.is_empty();

    println!();
    println!("B's requests, alone and during A's import ({} at once):", settings.repeats);
    println!("{}", side_by_side(&idle_records, &during_records));
    if b_errors > 0 {
        println!("B's errors ({b_errors}):");
        let all: Vec<stats::Record> = idle_records.iter().chain(&during_records).cloned().collect();
        for line in stats::error_lines(&all, 10) {
            println!("  {line}");
        }
    }
    let took: Vec<Duration> = answers.iter().map(|(_, took)| *took).collect();
    println!(
        "{} A's {} confirms: {} answered the one result (first after {}, last after {}){}",
        if wrong.is_empty() { "ok  " } else { "FAIL" },
        settings.repeats,
        answers.len() - wrong.len(),
        ms(took.iter().min().copied().unwrap_or_default()),
        ms(confirmed_in),
        if wrong.is_empty() { String::new() } else { format!("; others: {}", wrong.join(" | ")) }
    );
    println!(
        "{} A's contacts in Postgres: {} (expected {}), {} with neither Contact ID nor email (expected {}), {} completion notice(s) for the import (expected 1)",
        if once { "ok  " } else { "FAIL" },
        landed.contacts,
        settings.existing + new,
        landed.keyless,
        keyless,
        landed.notices
    );
    println!(
        "{} B: {} requests, {} errors",
        if b_errors == 0 { "ok  " } else { "FAIL" },
        idle_records.len() + during_records.len(),
        b_errors
    );
    println!("{}", if ok { "Fairness test passed" } else { "Fairness test FAILED" });
    Ok(ok)
}

/// What account A holds after its import.
struct Landed {
    contacts: i64,
    keyless: i64,
    notices: i64,
}

async fn landed(pool: &PgPool, account: Uuid, import_id: Uuid) -> Result<Landed, String> {
    let (contacts, keyless, notices): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM contacts WHERE account_id = $1),
                (SELECT count(*) FROM contacts WHERE account_id = $1 AND coalesce(reference, '') = '' AND coalesce(email, '') = ''),
                (SELECT count(*) FROM notifications WHERE account_id = $1 AND import_id = $2)",
    )
    .bind(account)
    .bind(import_id)
    .fetch_one(pool)
    .await
    .map_err(|error| format!("counting A's contacts: {error}"))?;
    Ok(Landed { contacts, keyless, notices })
}

/// Starts B's tabs: each signs in, then lists, searches and opens contacts,
/// one request every ~`every`, until `stop`.
async fn browse(
    settings: &Settings,
    email: &str,
    recorder: &Recorder,
    stop: &Arc<AtomicBool>,
) -> Result<Vec<tokio::task::JoinHandle<()>>, String> {
    let mut tabs = Vec::new();
    for tab in 0..settings.browsers {
        let mut client = Client::new(settings.address, Duration::from_secs(60));
        client.sign_in(email, PASSWORD).await.map_err(|error| format!("B signing in: {error}"))?;
        let (recorder, stop, every) = (recorder.clone(), stop.clone(), settings.every);
        tabs.push(tokio::spawn(async move { browse_tab(client, tab, recorder, stop, every).await }));
    }
    Ok(tabs)
}

async fn browse_tab(mut client: Client, tab: usize, recorder: Recorder, stop: Arc<AtomicBool>, every: Duration) {
    let searches = ["silva", "nguy", "harbour", "b-", "load.example", "555", "müller", "property"];
    let mut random = mix(tab as u64 + 4_242);
    let mut contacts: Vec<Uuid> = Vec::new();
    let mut turn = 0usize;
    while !stop.load(Ordering::SeqCst) {
        random = mix(random);
        turn += 1;
        let began = Instant::now();
        let (kind, result): (&'static str, Result<(), Failure>) = match turn % 4 {
            0 => {
                let query = json!({"query": {"search": "", "category": null, "sort": "name", "after": null}});
                ("list_contacts", list(&mut client, &query, &mut contacts).await)
            }
            1 => {
                let search = searches[random as usize % searches.len()];
                let query = json!({"query": {"search": search, "category": null, "sort": "name", "after": null}});
                ("list_contacts search", list(&mut client, &query, &mut contacts).await)
            }
            2 => match contacts.get((random >> 8) as usize % contacts.len().max(1)) {
                Some(id) => ("GET /contacts/:id", client.page(&format!("/contacts/{id}")).await.map(|_| ())),
                None => ("GET /contacts", client.page("/contacts").await.map(|_| ())),
            },
            _ => match contacts.get((random >> 16) as usize % contacts.len().max(1)) {
                Some(id) => ("get_contact", client.call::<Value>("get_contact", &json!({ "id": id })).await.map(|_| ())),
                None => ("GET /contacts", client.page("/contacts").await.map(|_| ())),
            },
        };
        recorder.record(kind, began, result.err().map(|error| error.to_string()));
        // One request every `every` on average (half to one and a half
        // times it apart), however long this one took.
        let jitter = Duration::from_micros(random % (every.as_micros() as u64).max(1));
        tokio::time::sleep((every / 2 + jitter).saturating_sub(began.elapsed())).await;
    }
}

/// Lists (or searches) B's contacts, remembering their ids to open.
async fn list(client: &mut Client, query: &Value, contacts: &mut Vec<Uuid>) -> Result<(), Failure> {
    let (page, _): (Value, _) = client.call("list_contacts", query).await?;
    let ids: Vec<Uuid> = page["contacts"]
        .as_array()
        .map(|found| found.iter().filter_map(|contact| contact["id"].as_str()?.parse().ok()).collect())
        .unwrap_or_default();
    if !ids.is_empty() {
        *contacts = ids;
    }
    Ok(())
}

/// B's figures per kind of request: alone, then during A's import.
fn side_by_side(idle: &[stats::Record], during: &[stats::Record]) -> String {
    let mut kinds: Vec<&'static str> = idle.iter().chain(during).map(|record| record.kind).collect();
    kinds.sort();
    kinds.dedup();
    let mut out = format!(
        "{:<22} {:>26}   {:>26}\n{:<22} {:>8} {:>8} {:>8}   {:>8} {:>8} {:>8}\n",
        "", "B alone", "B during A's import", "request", "p50", "p99", "max", "p50", "p99", "max"
    );
    let row = |name: &str, idle: Vec<&stats::Record>, during: Vec<&stats::Record>| {
        let (a, b) = (stats::figures(&idle), stats::figures(&during));
        format!(
            "{:<22} {:>8} {:>8} {:>8}   {:>8} {:>8} {:>8}   ({} and {} requests)\n",
            name,
            ms(a.p50),
            ms(a.p99),
            ms(a.max),
            ms(b.p50),
            ms(b.p99),
            ms(b.max),
            a.count,
            b.count
        )
    };
    for kind in kinds {
        out.push_str(&row(
            kind,
            idle.iter().filter(|record| record.kind == kind).collect(),
            during.iter().filter(|record| record.kind == kind).collect(),
        ));
    }
    out.push_str(&row("all", idle.iter().collect(), during.iter().collect()));
    out
}
