//! The two-server test: two server processes on one database (started at
//! once, on a fresh database, so their start-up work meets too), used by one
//! browser as a load balancer would spread it. It signs in on the first,
//! imports through the second, confirms on the first while the same confirm
//! is repeated on both (a second tab, a retry reaching the other server) and
//! another import of the account is confirmed on the second; then it sees
//! the completion notice on the second.
//!
//! Passes when every repeat answers the one result, the other import waits
//! its turn and lands, the notice is there, and Postgres holds each import's
//! contacts once, including rows with neither Contact ID nor email.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use rules::{ContactFields, Field};
use serde_json::{json, Value};
use store::model::{ConfirmOutcome, ImportCounts};
use uuid::Uuid;

use crate::data::{self, contact, mix};
use crate::flow;
use crate::http::Client;
use crate::server::{Launch, Server};
use crate::stats::ms;

pub struct Settings {
    pub server_bin: PathBuf,
    pub site_root: PathBuf,
    pub database_url: String,
    pub ports: [u16; 2],
    /// Rows of the first import (a tenth with neither Contact ID nor email).
    pub rows: usize,
    /// Each server's output goes to `<log>-1` and `<log>-2`.
    pub log: PathBuf,
}

const PASSWORD: &str = "two-servers-password-2026";

/// What each server's pools are (small: two servers share one Postgres).
const POOLS: &[(&str, &str)] = &[("DATABASE_POOL_SIZE", "4"), ("DATABASE_BULK_POOL_SIZE", "3")];

/// `rows` new contacts named after `tag`, the first tenth with neither
/// Contact ID nor email.
fn new_contacts(tag: &str, rows: usize) -> Vec<ContactFields> {
    (0..rows)
        .map(|n| {
            let mut fields = contact(&format!("{tag}-{n}"), mix(n as u64 ^ 0x5e), "From the two-server test.");
            if n < rows / 10 {
                fields.set(Field::Reference, "");
                fields.set(Field::Email, "");
            }
            fields
        })
        .collect()
}

pub async fn run(settings: Settings) -> Result<bool, String> {
    let logs: Vec<PathBuf> = (1..=2).map(|n| PathBuf::from(format!("{}-{n}", settings.log.display()))).collect();
    let launches: Vec<Launch> = (0..2)
        .map(|index| Launch {
            server_bin: &settings.server_bin,
            site_root: &settings.site_root,
            database_url: &settings.database_url,
            port: settings.ports[index],
            log: &logs[index],
            env: POOLS,
        })
        .collect();
    // Both at once on a fresh database: migrations, the session table.
    let began = Instant::now();
    let starting = [Server::spawn(&launches[0])?, Server::spawn(&launches[1])?];
    let mut servers = Vec::new();
    for server in starting {
        servers.push(server.ready()?.0);
    }
    println!("Two servers started at once on one fresh database in {}", ms(began.elapsed()));
    let (one, two): (SocketAddr, SocketAddr) = (servers[0].address, servers[1].address);
    let pool = data::connect(&settings.database_url, 2).await.map_err(|error| format!("connecting to the database: {error}"))?;
    let mut lines = Vec::new();
    let mut ok = true;

    // The browser: an account made on the first server, then signed in
    // there again.
    let limit = Duration::from_secs(300);
    let mut on_one = Client::new(one, limit);
    let email = format!("two-{:08x}@servers.example", mix(std::process::id().into()) as u32);
    on_one.sign_up("Two Server Agency", &email, PASSWORD).await.map_err(|error| format!("signing up on server 1: {error}"))?;
    on_one.sign_out().await.map_err(|error| format!("signing out on server 1: {error}"))?;
    on_one.sign_in(&email, PASSWORD).await.map_err(|error| format!("signing in on server 1: {error}"))?;
    let account = data::account_of(&pool, &email).await?;
    let mut on_two = on_one.on_server(two);

    // Two imports, uploaded through the second server.
    let first = new_contacts("ONE", settings.rows);
    let second = new_contacts("TWO", settings.rows / 10 + 10);
    let first_id = flow::upload(&mut on_two, None, "first.xlsx", &first, 1_000).await.map_err(|error| format!("uploading through server 2: {error}"))?.import_id;
    let second_id = flow::upload(&mut on_two, None, "second.xlsx", &second, 1_000).await.map_err(|error| format!("uploading through server 2: {error}"))?.import_id;
    println!("Signed in on server 1; uploaded two imports ({} and {} rows) through server 2", first.len(), second.len());

    // Confirm the first on server 1, with repeats on both servers, and the
    // second on server 2, all at once.
    let confirm_on = |address: SocketAddr, import_id: Uuid| {
        let mut client = on_one.on_server(address);
        tokio::spawn(async move { flow::confirm(&mut client, None, import_id).await })
    };
    let sent = Instant::now();
    let mut repeats = vec![confirm_on(one, first_id)];
    for n in 0..11 {
        repeats.push(confirm_on(if n % 2 == 0 { two } else { one }, first_id));
    }
    let other = confirm_on(two, second_id);
    let mut answers = Vec::new();
    for repeat in repeats {
        answers.push(repeat.await.map_err(|error| format!("a confirm stopped: {error}"))?);
    }
    let other = other.await.map_err(|error| format!("a confirm stopped: {error}"))?;
    let took = sent.elapsed();

    let committed = |import_id: Uuid, rows: usize| ConfirmOutcome::Committed {
        import_id,
        counts: ImportCounts { created: rows as u32, updated: 0, unchanged: 0, skipped: 0 },
    };
    let wrong: Vec<String> = answers
        .iter()
        .filter(|answer| !matches!(answer, Ok(outcome) if *outcome == committed(first_id, first.len())))
        .map(|answer| format!("{answer:?}"))
        .collect();
    let passed = wrong.is_empty();
    ok &= passed;
    lines.push(format!(
        "{} the first import confirmed on server 1 and repeated 11 times across both: {} of 12 answered the one result{}",
        if passed { "ok  " } else { "FAIL" },
        12 - wrong.len(),
        if passed { String::new() } else { format!("; others: {}", wrong.join(" | ")) }
    ));
    let passed = matches!(&other, Ok(outcome) if *outcome == committed(second_id, second.len()));
    ok &= passed;
    lines.push(format!(
        "{} the account's other import, confirmed on server 2 at the same moment, waited its turn and landed: {:?} (all answered in {})",
        if passed { "ok  " } else { "FAIL" },
        other.as_ref().map_err(ToString::to_string),
        ms(took)
    ));

    // The notice, read through the second server.
    let (notices, _): (Vec<Value>, _) =
        on_two.call("notifications", &json!({})).await.map_err(|error| format!("notifications on server 2: {error}"))?;
    let about_first: Vec<&Value> =
        notices.iter().filter(|notice| notice["import_id"].as_str() == Some(first_id.to_string().as_str())).collect();
    let passed = about_first.len() == 1
        && about_first.iter().all(|notice| notice["kind"].to_string().to_lowercase().contains("committed"));
    ok &= passed;
    lines.push(format!(
        "{} server 2 shows the first import's completion notice: {}",
        if passed { "ok  " } else { "FAIL" },
        about_first.iter().map(|notice| notice["message"].as_str().unwrap_or_default()).collect::<Vec<_>>().join(" | ")
    ));

    // Postgres: each import's contacts once.
    let (contacts, keyless, notices): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM contacts WHERE account_id = $1),
                (SELECT count(*) FROM contacts WHERE account_id = $1 AND coalesce(reference, '') = '' AND coalesce(email, '') = ''),
                (SELECT count(*) FROM notifications WHERE account_id = $1)",
    )
    .bind(account)
    .fetch_one(&pool)
    .await
    .map_err(|error| format!("counting the contacts: {error}"))?;
    let expected_keyless = first.len() / 10 + second.len() / 10;
    let passed = contacts == (first.len() + second.len()) as i64 && keyless == expected_keyless as i64 && notices == 2;
    ok &= passed;
    lines.push(format!(
        "{} Postgres holds {contacts} contacts (expected {}), {keyless} with neither Contact ID nor email (expected {expected_keyless}), {notices} notices (expected 2)",
        if passed { "ok  " } else { "FAIL" },
        first.len() + second.len()
    ));

    let running = servers.iter_mut().all(Server::is_running);
    ok &= running;
    if !running {
        lines.push("FAIL a server stopped during the test".into());
    }
    drop(servers);
    for line in &lines {
        println!("{line}");
    }
    println!("{}", if ok { "Two-server test passed" } else { "Two-server test FAILED" });
    Ok(ok)
}
