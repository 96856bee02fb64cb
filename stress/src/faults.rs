//! Fault tests against the release server binary and a Postgres this test
//! may restart:
//!
//! 1. **The server killed during a merge.** A large import (new contacts
//!    and updates of existing ones) is confirmed; while the merge runs —
//!    seen from Postgres: the account's contacts lock held, then the
//!    contacts being written, then the change records — the server process
//!    gets `SIGKILL`. Each time the account's contacts must be exactly as
//!    before (count and a digest of every column) and the import still
//!    open; the server is started again and the same import confirmed
//!    again, until it lands completely, once.
//! 2. **Postgres restarted under load.** Users browse and import while
//!    Postgres restarts. Requests may fail while it is down, each with a
//!    clean 5xx; none may hang, the server must not exit, requests must
//!    succeed again within seconds without restarting the server, and every
//!    import must have landed completely or not at all.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rules::{ContactFields, Field};
use serde_json::{json, Value};
use sqlx::PgPool;
use store::model::{ConfirmOutcome, ContactPage};
use uuid::Uuid;

use crate::data::{self, compare, contact, digest, mix};
use crate::flow;
use crate::http::{Client, Failure};
use crate::server::{Launch, Server};
use crate::stats::{self, ms, Recorder};

/// The first half of the account contacts lock's advisory key
/// (`store::imports::locks::CONTACTS_LOCK_CLASS`, "cont").
const CONTACTS_LOCK_CLASS: i64 = 0x636f_6e74;

pub struct Settings {
    pub server_bin: PathBuf,
    pub site_root: PathBuf,
    pub database_url: String,
    pub port: u16,
    /// Rows of the import the server is killed in.
    pub rows: usize,
    /// Contacts the account has before it (the import updates them all).
    pub existing: usize,
    /// A shell command that restarts Postgres (and returns once it is up);
    /// `None` when this Postgres cannot be restarted by the test.
    pub restart_postgres: Option<String>,
    /// Kill at each stage of the merge, or only while contacts are written.
    pub all_kill_points: bool,
    /// Users browsing during the Postgres restart.
    pub users: usize,
    /// How long the load runs before and after the restart.
    pub before: Duration,
    pub after: Duration,
    pub log: PathBuf,
}

const PASSWORD: &str = "fault-test-password-2026";
const EMAIL: &str = "faults@faults.example";

/// How this test starts the server (again, after each kill).
fn launch(settings: &Settings) -> Launch<'_> {
    Launch {
        server_bin: &settings.server_bin,
        site_root: &settings.site_root,
        database_url: &settings.database_url,
        port: settings.port,
        log: &settings.log,
        env: &[("DATABASE_POOL_SIZE", "16")],
    }
}

/// Where in the merge the server is killed, as Postgres shows it.
#[derive(Clone, Copy, Debug)]
enum KillPoint {
    /// The account's contacts lock is held: rows loaded, being re-checked.
    Checking,
    /// The contacts are being inserted or updated.
    WritingContacts,
    /// The before/after of each contact is being recorded.
    WritingChanges,
}

impl KillPoint {
    fn describe(self) -> &'static str {
        match self {
            KillPoint::Checking => "re-checking the rows (contacts lock held)",
            KillPoint::WritingContacts => "writing the contacts",
            KillPoint::WritingChanges => "recording the changes",
        }
    }
}

/// What Postgres shows of the server's sessions.
#[derive(Debug, Default)]
struct Sessions {
    count: i64,
    merging: bool,
    writing_contacts: bool,
    writing_changes: bool,
}

async fn sessions(pool: &PgPool) -> Result<Sessions, String> {
    let (count, merging, writing_contacts, writing_changes): (i64, bool, bool, bool) = sqlx::query_as(
        "SELECT count(*),
                coalesce(bool_or(EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.granted
                    AND l.locktype = 'advisory' AND l.classid::bigint = $1 AND l.objsubid = 2)), false),
                coalesce(bool_or(EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid
                    AND l.relation = 'contacts'::regclass AND l.mode = 'RowExclusiveLock')), false),
                coalesce(bool_or(EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid
                    AND l.relation = 'import_changes'::regclass AND l.mode = 'RowExclusiveLock')), false)
         FROM pg_stat_activity a
         WHERE a.datname = current_database() AND a.application_name <> $2 AND a.backend_type = 'client backend'",
    )
    .bind(CONTACTS_LOCK_CLASS)
    .bind(data::APPLICATION_NAME)
    .fetch_one(pool)
    .await
    .map_err(|error| format!("watching the merge: {error}"))?;
    Ok(Sessions { count, merging, writing_contacts, writing_changes })
}

/// The import's own rows: status, change records, notifications.
async fn import_state(pool: &PgPool, import_id: Uuid) -> Result<(String, i64, i64), String> {
    sqlx::query_as(
        "SELECT status,
                (SELECT count(*) FROM import_changes WHERE import_id = $1),
                (SELECT count(*) FROM notifications WHERE import_id = $1)
         FROM imports WHERE id = $1",
    )
    .bind(import_id)
    .fetch_one(pool)
    .await
    .map_err(|error| format!("reading the import: {error}"))
}

pub async fn run(settings: Settings, kill: bool, restart: bool) -> Result<bool, String> {
    let pool = data::connect(&settings.database_url, 3).await.map_err(|error| format!("connecting to the database: {error}"))?;
    let mut ok = true;
    let mut summary = Vec::new();
    let (mut server, startup) = Server::start(&launch(&settings))?;
    println!("Server started in {} (fresh database, migrations applied)", ms(startup));
    let limit = Duration::from_secs(120);
    let mut owner = Client::new(server.address, limit);
    owner.sign_up("Fault Test Agency", EMAIL, PASSWORD).await.map_err(|error| format!("signing up: {error}"))?;
    let account = data::account_of(&pool, EMAIL).await?;

    if kill {
        let (passed, lines, restarted) = kill_during_merge(&settings, &pool, account, &mut owner, server).await?;
        ok &= passed;
        summary.extend(lines);
        server = restarted;
    }
    if restart {
        let (passed, lines) = restart_postgres(&settings, &pool, account, &mut server).await?;
        ok &= passed;
        summary.extend(lines);
    }
    drop(server);
    println!();
    println!("Summary");
    for line in &summary {
        println!("  {line}");
    }
    println!("{}", if ok { "Fault tests passed" } else { "Fault tests FAILED" });
    Ok(ok)
}

/// Test 1: the server killed at each point of a merge, then the import
/// retried until it lands.
async fn kill_during_merge(
    settings: &Settings,
    pool: &PgPool,
    account: Uuid,
    owner: &mut Client,
    mut server: Server,
) -> Result<(bool, Vec<String>, Server), String> {
    let mut ok = true;
    let mut lines = Vec::new();
    let limit = Duration::from_secs(600);

    // The account's contacts before: `existing` of them, imported.
    let began = Instant::now();
    let references: Vec<String> = (0..settings.existing).map(|n| format!("F-S{n}")).collect();
    let seed: Vec<ContactFields> = references.iter().enumerate().map(|(n, reference)| contact(reference, n as u64, "Before.")).collect();
    let uploaded = flow::upload(owner, None, "before.xlsx", &seed, 2_000).await.map_err(|error| format!("seeding: {error}"))?;
    match flow::confirm(owner, None, uploaded.import_id).await.map_err(|error| format!("seeding: {error}"))? {
        ConfirmOutcome::Committed { .. } => {}
        other => return Err(format!("the seed import was refused: {other:?}")),
    }
    println!("Account has {} contacts ({:.1} s to import them)", settings.existing, began.elapsed().as_secs_f64());

    // The big import: every existing contact updated, the rest new.
    let mut rows: Vec<ContactFields> = seed
        .iter()
        .map(|fields| {
            let mut fields = fields.clone();
            fields.set(Field::Notes, "Imported by the load test. Changed by the big import.");
            fields.set(Field::City, "Wellington");
            fields.set(Field::Region, "Wellington");
            fields.set(Field::Country, "NZ");
            fields
        })
        .collect();
    let new = settings.rows.saturating_sub(settings.existing);
    rows.extend((0..new).map(|n| contact(&format!("F-N{n}"), 1_000_000 + n as u64, "New in the big import.")));
    let began = Instant::now();
    let uploaded = flow::upload(owner, None, "big.xlsx", &rows, 2_000).await.map_err(|error| format!("uploading: {error}"))?;
    let import_id = uploaded.import_id;
    println!(
        "Uploaded an import of {} rows ({} updates, {} new) in {:.1} s",
        rows.len(),
        uploaded.matched,
        rows.len() - uploaded.matched,
        began.elapsed().as_secs_f64()
    );
    let before = digest(pool, account).await?;

    let points: &[KillPoint] = if settings.all_kill_points {
        &[KillPoint::Checking, KillPoint::WritingContacts, KillPoint::WritingChanges]
    } else {
        &[KillPoint::WritingContacts]
    };
    for &point in points {
        // Confirm, and watch Postgres for the moment to kill.
        let address = server.address;
        let confirm = tokio::spawn(async move {
            let mut client = Client::new(address, limit);
            // The confirm runs under the owner's session: sign in again.
            client.sign_in(EMAIL, PASSWORD).await?;
            flow::confirm(&mut client, None, import_id).await
        });
        let sent = Instant::now();
        let mut seen = false;
        while sent.elapsed() < Duration::from_secs(300) && !confirm.is_finished() {
            let now = sessions(pool).await?;
            seen = match point {
                KillPoint::Checking => now.merging && !now.writing_contacts,
                KillPoint::WritingContacts => now.writing_contacts && !now.writing_changes,
                KillPoint::WritingChanges => now.writing_changes,
            };
            if seen {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let into_merge = sent.elapsed();
        if !seen {
            ok = false;
            let outcome = confirm.await.map_err(|error| error.to_string())?;
            lines.push(format!(
                "FAIL kill while {}: never seen (the merge ended first: {:?})",
                point.describe(),
                outcome.map(|_| "committed").map_err(|error| error.to_string())
            ));
            break;
        }
        server.kill();
        let killed = Instant::now();
        let answer = confirm.await.map_err(|error| error.to_string())?;
        // The server's database sessions end: at once when idle, else when
        // Postgres next talks to the dead client (after the statement).
        let mut left = sessions(pool).await?;
        while left.count > 0 && killed.elapsed() < Duration::from_secs(300) {
            tokio::time::sleep(Duration::from_millis(20)).await;
            left = sessions(pool).await?;
        }
        let cleared = killed.elapsed();
        let after = digest(pool, account).await?;
        let (status, changes, notices) = import_state(pool, import_id).await?;
        let unchanged = after == before && status == "open" && changes == 0 && notices == 0 && left.count == 0;
        ok &= unchanged;
        let (server_again, startup) = Server::start(&launch(settings))?;
        server = server_again;
        lines.push(format!(
            "{} kill -9 while {}, {} after Confirm: the caller saw {}; the server's database sessions were gone {} later; contacts {} ({} contacts, digest {}), import still {status}, {changes} change records; server back in {}",
            if unchanged { "ok  " } else { "FAIL" },
            point.describe(),
            ms(into_merge),
            match &answer {
                Ok(outcome) => format!("an answer ({})", outcome_name(outcome)),
                Err(Failure::Connection(_)) => "the connection drop".to_string(),
                Err(error) => error.to_string(),
            },
            ms(cleared),
            if after == before { "exactly as before" } else { "CHANGED" },
            after.0,
            &after.1[..8.min(after.1.len())],
            ms(startup)
        ));
        println!("{}", lines.last().map(String::as_str).unwrap_or_default());
    }

    // The retry: the same import lands, completely and once.
    let mut client = Client::new(server.address, limit);
    client.sign_in(EMAIL, PASSWORD).await.map_err(|error| error.to_string())?;
    let began = Instant::now();
    let outcome = flow::confirm(&mut client, None, import_id).await.map_err(|error| format!("confirming again: {error}"))?;
    let took = began.elapsed();
    let mut expected: HashMap<String, ContactFields> = HashMap::new();
    for fields in seed.iter().chain(rows.iter()) {
        expected.insert(fields.get(Field::Reference).to_string(), fields.clone());
    }
    let comparison = compare(pool, account, &expected).await?;
    let counts_ok = matches!(&outcome, ConfirmOutcome::Committed { counts, .. }
        if counts.created as usize == new && counts.updated as usize == settings.existing);
    let landed = counts_ok && comparison.is_exact();
    ok &= landed;
    lines.push(format!(
        "{} retried after the kills: {} in {:.1} s; database: {}",
        if landed { "ok  " } else { "FAIL" },
        outcome_name(&outcome),
        took.as_secs_f64(),
        if comparison.is_exact() {
            format!("all {} contacts exactly as imported", comparison.stored)
        } else {
            comparison.describe()
        }
    ));
    println!("{}", lines.last().map(String::as_str).unwrap_or_default());
    let landed_digest = digest(pool, account).await?;
    let again = flow::confirm(&mut client, None, import_id).await.map_err(|error| format!("confirming a third time: {error}"))?;
    let once = again == outcome && digest(pool, account).await? == landed_digest;
    ok &= once;
    lines.push(format!(
        "{} confirmed once more: {}; contacts unchanged: {}",
        if once { "ok  " } else { "FAIL" },
        outcome_name(&again),
        if digest(pool, account).await? == landed_digest { "yes (applied once)" } else { "NO" }
    ));
    println!("{}", lines.last().map(String::as_str).unwrap_or_default());
    Ok((ok, lines, server))
}

fn outcome_name(outcome: &ConfirmOutcome) -> String {
    match outcome {
        ConfirmOutcome::Committed { counts, .. } => {
            format!("committed: {} created, {} updated, {} unchanged", counts.created, counts.updated, counts.unchanged)
        }
        ConfirmOutcome::Rejected { total_issues, .. } => format!("rejected with {total_issues} issues"),
    }
}

/// An import attempted during the Postgres restart: what it holds, and
/// whether the caller was told it committed.
struct Attempt {
    import_id: Uuid,
    references: Vec<String>,
    told_committed: bool,
}

/// Test 2: Postgres restarted while users browse and import.
async fn restart_postgres(settings: &Settings, pool: &PgPool, account: Uuid, server: &mut Server) -> Result<(bool, Vec<String>), String> {
    let mut ok = true;
    let mut lines = Vec::new();
    let limit = Duration::from_secs(30);
    let recorder = Recorder::new();
    let deadline = Instant::now() + settings.before + settings.after + Duration::from_secs(10);
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut tasks = Vec::new();
    for user in 0..settings.users {
        let recorder = recorder.clone();
        let address = server.address;
        let stop = stop.clone();
        tasks.push(tokio::spawn(async move { browse(user, address, recorder, stop, deadline, limit).await }));
    }
    let attempts = Arc::new(Mutex::new(Vec::<Attempt>::new()));
    {
        let recorder = recorder.clone();
        let address = server.address;
        let stop = stop.clone();
        let attempts = attempts.clone();
        tasks.push(tokio::spawn(async move { import(address, recorder, stop, attempts, limit).await }));
    }

    tokio::time::sleep(settings.before).await;
    let restart_began = recorder.started().elapsed();
    let began = Instant::now();
    let command = settings.restart_postgres.as_deref().ok_or("no command to restart Postgres with")?;
    let status = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .status()
        .await
        .map_err(|error| format!("restarting Postgres: {error}"))?;
    let restart_took = began.elapsed();
    if !status.success() {
        return Err(format!("restarting Postgres failed ({status})"));
    }
    let restart_ended = restart_began + restart_took;
    println!("Postgres restarted in {} while {} users browsed and one imported", ms(restart_took), settings.users);
    tokio::time::sleep(settings.after).await;
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    for task in tasks {
        task.await.map_err(|error| format!("a simulated user stopped: {error}"))?;
    }
    let records = recorder.records();
    let server_alive = server.is_running();

    let failures: Vec<&stats::Record> = records.iter().filter(|record| record.error.is_some()).collect();
    let kind_of = |record: &&stats::Record| failure_kind(record.error.as_deref().unwrap_or_default());
    let unclean = failures.iter().filter(|record| kind_of(record) == FailureKind::Unclean).count();
    let signed_out = failures.iter().filter(|record| kind_of(record) == FailureKind::SignedOut).count();
    let last_failure = failures.iter().map(|record| record.at + record.took).max();
    let first_failure = failures.iter().map(|record| record.at).min();
    // Recovery: from the restart's start until the last failed request
    // ended; every request after that succeeded.
    let recovered = last_failure.map(|at| at.saturating_sub(restart_began));
    let after_window: Vec<&stats::Record> =
        records.iter().filter(|record| record.at > restart_ended + Duration::from_secs(10)).collect();
    let late_failures = after_window.iter().filter(|record| record.error.is_some()).count();
    let slowest = records.iter().map(|record| record.took).max().unwrap_or_default();
    // A sign-out mid-outage would send the user to the sign-in page: a failure.
    let passed = server_alive && unclean == 0 && signed_out == 0 && late_failures == 0 && !after_window.is_empty();
    ok &= passed;

    println!("{}", stats::table(&records, recorder.started().elapsed().as_secs_f64()));
    if !failures.is_empty() {
        println!("Failed requests, by answer:");
        for line in stats::error_lines(&records, 8) {
            println!("  {line}");
        }
    }
    lines.push(format!(
        "{} Postgres restart (fast mode, {} until it accepted connections again) under load, server not restarted: {} requests, {} failed, between {} and {} after the restart began; every request after that succeeded (recovery {}); {} of the failures not a 5xx or a sign-out (hangs, dropped connections, bad bodies); slowest request {}; {} requests from 10 s after, all ok: {}; server process still running: {}",
        if passed { "ok  " } else { "FAIL" },
        ms(restart_took),
        records.len(),
        failures.len(),
        first_failure.map(|at| ms(at.saturating_sub(restart_began))).unwrap_or_else(|| "—".into()),
        last_failure.map(|at| ms(at.saturating_sub(restart_began))).unwrap_or_else(|| "—".into()),
        recovered.map(ms).unwrap_or_else(|| "immediate: no request failed".into()),
        unclean,
        ms(slowest),
        after_window.len(),
        late_failures == 0,
        if server_alive { "yes" } else { "NO" }
    ));
    if signed_out > 0 {
        lines.push(format!(
            "FAIL {signed_out} request(s) during the restart were answered as if the user were signed out (401 / redirect to sign-in) instead of a 5xx"
        ));
    }

    // Every import attempted during the restart: landed whole or not at all.
    let attempts = std::mem::take(&mut *attempts.lock().map_err(|_| "lock".to_string())?);
    let stored = data::stored_contacts(pool, account).await?;
    let mut whole = 0;
    let mut none = 0;
    let mut broken = Vec::new();
    for attempt in &attempts {
        let (status, _, _) = import_state(pool, attempt.import_id).await?;
        let present = attempt.references.iter().filter(|reference| stored.contains_key(*reference)).count();
        let committed = status == "committed";
        if committed && present == attempt.references.len() {
            whole += 1;
        } else if !committed && present == 0 {
            none += 1;
        } else {
            broken.push(format!("{} ({status}, {present} of {} rows present)", attempt.import_id, attempt.references.len()));
        }
        if attempt.told_committed && !committed {
            broken.push(format!("{} was reported committed but is {status}", attempt.import_id));
        }
    }
    let all_or_nothing = broken.is_empty() && !attempts.is_empty();
    ok &= all_or_nothing;
    lines.push(format!(
        "{} imports during the restart: {} attempted, {} landed whole, {} not at all, {} partly{}",
        if all_or_nothing { "ok  " } else { "FAIL" },
        attempts.len(),
        whole,
        none,
        broken.len(),
        if broken.is_empty() { String::new() } else { format!(": {}", broken.join("; ")) }
    ));
    for line in &lines {
        println!("{line}");
    }
    Ok((ok, lines))
}

/// How a request failed while Postgres was away.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FailureKind {
    /// A 5xx with something to show the user: what an outage should give.
    Clean,
    /// Answered as if the user were signed out (401, or a redirect to the
    /// sign-in page): wrong, the user would lose their place.
    SignedOut,
    /// No answer, a broken connection, another 4xx, a 2xx with a body that
    /// does not read, an empty error.
    Unclean,
}

/// Sorts a failure by the text [`Failure`]'s `Display` gives it.
fn failure_kind(error: &str) -> FailureKind {
    let body_shown = error.split_once(": ").is_some_and(|(_, body)| !body.trim().is_empty());
    if error.starts_with('5') && body_shown {
        FailureKind::Clean
    } else if error.starts_with("401") || error.starts_with("303") || error.starts_with("302") || error.starts_with("307") {
        FailureKind::SignedOut
    } else {
        FailureKind::Unclean
    }
}

/// A user browsing during the restart (a new session when one is lost).
async fn browse(
    user: usize,
    address: SocketAddr,
    recorder: Recorder,
    stop: Arc<std::sync::atomic::AtomicBool>,
    deadline: Instant,
    limit: Duration,
) {
    let mut client = Client::new(address, limit);
    let mut random = mix(user as u64 + 99);
    let mut contacts: Vec<Uuid> = Vec::new();
    while !stop.load(std::sync::atomic::Ordering::SeqCst) && Instant::now() < deadline {
        random = mix(random);
        let began = Instant::now();
        if !client.has_session() {
            let result = client.sign_in(EMAIL, PASSWORD).await;
            recorder.record("sign_in", began, result.as_ref().err().map(|error| error.to_string()));
            if result.is_err() {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            continue;
        }
        let (kind, result): (&'static str, Result<(), Failure>) = match random % 4 {
            0 => ("GET /contacts", client.page("/contacts").await.map(|_| ())),
            1 => {
                let query = json!({"query": {"search": "harbour", "category": null, "sort": "name", "after": null}});
                let result = client.call::<ContactPage>("list_contacts", &query).await;
                if let Ok((page, _)) = &result {
                    contacts = page.contacts.iter().map(|contact| contact.id).collect();
                }
                ("list_contacts", result.map(|_| ()))
            }
            2 if !contacts.is_empty() => {
                let id = contacts[(random >> 8) as usize % contacts.len()];
                ("get_contact", client.call::<Value>("get_contact", &json!({ "id": id })).await.map(|_| ()))
            }
            _ => ("list_imports", client.call::<Value>("list_imports", &json!({})).await.map(|_| ())),
        };
        // A session that could not be read counts as a failure here; the
        // next loop signs in again if the cookie was dropped.
        recorder.record(kind, began, result.err().map(|error| error.to_string()));
        tokio::time::sleep(Duration::from_millis(10 + random % 40)).await;
    }
}

/// A user importing during the restart: small imports one after another;
/// a failed confirm is tried once more (as a user would press again).
async fn import(address: SocketAddr, recorder: Recorder, stop: Arc<std::sync::atomic::AtomicBool>, attempts: Arc<Mutex<Vec<Attempt>>>, limit: Duration) {
    let mut client = Client::new(address, limit);
    let mut batch = 0;
    let mut used: HashSet<String> = HashSet::new();
    while !stop.load(std::sync::atomic::Ordering::SeqCst) {
        if !client.has_session() {
            let began = Instant::now();
            let result = client.sign_in(EMAIL, PASSWORD).await;
            recorder.record("sign_in", began, result.as_ref().err().map(|error| error.to_string()));
            if result.is_err() {
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        }
        batch += 1;
        let rows: Vec<ContactFields> =
            (0..500).map(|n| contact(&format!("F-R{batch}-{n}"), 5_000_000 + batch * 1_000 + n, "During the restart.")).collect();
        let references: Vec<String> = rows.iter().map(|fields| fields.get(Field::Reference).to_string()).collect();
        used.extend(references.iter().cloned());
        let uploaded = match flow::upload(&mut client, Some(&recorder), &format!("restart-{batch}.xlsx"), &rows, 250).await {
            Ok(uploaded) => uploaded,
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let mut told_committed = false;
        for _ in 0..2 {
            match flow::confirm(&mut client, Some(&recorder), uploaded.import_id).await {
                Ok(ConfirmOutcome::Committed { .. }) => {
                    told_committed = true;
                    break;
                }
                Ok(ConfirmOutcome::Rejected { .. }) => break,
                Err(_) => tokio::time::sleep(Duration::from_millis(500)).await,
            }
        }
        if let Ok(mut attempts) = attempts.lock() {
            attempts.push(Attempt { import_id: uploaded.import_id, references, told_committed });
        }
    }
}
