//! A burst of anonymous sign-in attempts against the server's memory: each
//! checks a password with argon2 (19 MiB), and without a bound a hundred at
//! once took a server from 12 MB to over 1 GB. With the bound, at most
//! `slots` run at once, `queue` more wait, and the rest are told "busy"
//! straight away.
//!
//! Alone in its test binary, so the process's resident memory is this
//! test's: it is read from `/proc/self/status` (Linux).

mod support;

use axum::http::{header, StatusCode};
use server::config::SignInConfig;
use sqlx::PgPool;
use support::{prepare, router_with, sign_in};

const MIB: u64 = 1024 * 1024;
/// What one argon2 computation holds (the crate's default, m = 19 MiB).
const ARGON2_BYTES: u64 = 19 * MIB;
/// The rest of a burst of a hundred requests: their futures, buffers and
/// the allocator's slack.
const EVERYTHING_ELSE_BYTES: u64 = 24 * MIB;

/// A field of `/proc/self/status` (in kB there), in bytes.
fn status_bytes(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status.lines().find(|line| line.starts_with(field)).expect("the field");
    let kilobytes: u64 = line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).expect("a number");
    kilobytes * 1024
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_burst_of_a_hundred_anonymous_sign_ins_stays_within_its_memory_bound_and_the_excess_is_told_busy(pool: PgPool) {
    prepare(&pool).await;
    let slots = 2;
    let mut config = support::config(rules::Limits::DEFAULT);
    config.sign_in = SignInConfig { hashing_slots: slots, hashing_queue: 8, client_address_header: None };
    let app = router_with(pool.clone(), config);
    // One attempt first, so what is made once (the decoy hash, the
    // database connections) is not counted as the burst's.
    let first = sign_in(&app, [203, 0, 113, 1], "nobody@x.example", "a made-up password", None).await;
    assert_eq!(first.status, StatusCode::UNAUTHORIZED, "{}", first.body);
    let before = status_bytes("VmRSS:");
    // Resets the peak (VmHWM) to what is resident now.
    std::fs::write("/proc/self/clear_refs", "5").expect("/proc/self/clear_refs");

    let burst = (0..100u8).map(|n| {
        let app = app.clone();
        async move { sign_in(&app, [203, 0, 113, 2], &format!("made-up-{n}@x.example"), "a made-up password", None).await }
    });
    let answers = futures::future::join_all(burst).await;

    let growth = status_bytes("VmHWM:").saturating_sub(before);
    let bound = slots as u64 * ARGON2_BYTES + EVERYTHING_ELSE_BYTES;
    println!("resident memory grew by {} MiB at its peak (bound {} MiB)", growth / MIB, bound / MIB);
    assert!(growth <= bound, "the burst took {} MiB at its peak; the bound is {} MiB", growth / MIB, bound / MIB);

    let busy: Vec<_> = answers.iter().filter(|answer| answer.status == StatusCode::SERVICE_UNAVAILABLE).collect();
    let checked = answers.iter().filter(|answer| answer.status == StatusCode::UNAUTHORIZED).count();
    assert_eq!(busy.len() + checked, answers.len(), "every attempt is checked or told busy");
    assert!(!busy.is_empty(), "nothing was told busy: the burst queued");
    for answer in busy {
        assert!(answer.body.contains("The server is busy"), "{}", answer.body);
        assert!(!answer.header(header::RETRY_AFTER).is_empty(), "a busy answer says when to try again");
    }
}
