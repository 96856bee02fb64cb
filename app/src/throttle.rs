//! How often one client may get a password wrong (server only).
//!
//! Failures are counted per client address, and per (email, client) pair,
//! never per email alone: a stranger's wrong passwords use up the
//! stranger's budget, not the owner's, so they cannot lock the owner out.
//! The store counts and records each attempt atomically before the
//! password is checked (see `store::accounts::begin_sign_in_attempt`,
//! serialised per client), so parallel attempts cannot get past the
//! budget; and attempts for one (email, client) pair run one at a time
//! ([`one_at_a_time`]), so each sees how the one before it ended (a
//! success takes back the pair's failures), and an owner's parallel
//! sign-ins are not mistaken for guesses. This module decides; the store
//! counts.
//!
//! - For one email from one client: [`FREE_FAILURES_PER_EMAIL`] failures,
//!   then a wait that doubles with each further failure (15 s, 30 s, 1 min,
//!   … up to the window): a back-off, never a lock.
//! - For one client across all emails: [`MAX_FAILURES_PER_CLIENT`] in the
//!   window, then nothing until the oldest leaves it.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError, Weak};

use store::accounts::RecentFailures;
use tokio::sync::OwnedMutexGuard;

/// Failures older than this no longer count.
pub const WINDOW_SECONDS: i64 = 15 * 60;
/// Failures for one email from one client before the back-off starts.
pub const FREE_FAILURES_PER_EMAIL: i64 = 5;
/// The first back-off; each further failure doubles it, up to the window.
pub const FIRST_BACK_OFF_SECONDS: i64 = 15;
/// Failures from one client, whatever the email, within the window.
pub const MAX_FAILURES_PER_CLIENT: i64 = 100;

/// How many seconds the client must wait before this attempt may be
/// checked, or `None` when it may be checked now.
pub fn wait_before_attempt(recent: &RecentFailures) -> Option<u32> {
    let for_client = (recent.for_client >= MAX_FAILURES_PER_CLIENT)
        .then(|| WINDOW_SECONDS - recent.oldest_for_client_seconds_ago.unwrap_or(0));
    let for_email = (recent.for_pair >= FREE_FAILURES_PER_EMAIL).then(|| {
        let doublings = u32::try_from(recent.for_pair - FREE_FAILURES_PER_EMAIL).unwrap_or(u32::MAX).min(16);
        let back_off = (FIRST_BACK_OFF_SECONDS << doublings).min(WINDOW_SECONDS);
        back_off - recent.newest_for_pair_seconds_ago.unwrap_or(0)
    });
    let wait = for_client.into_iter().chain(for_email).max()?;
    (wait > 0).then(|| u32::try_from(wait).unwrap_or(u32::MAX))
}

/// Waits until no other attempt for `email` from `client` is in progress in
/// this server, and holds that until the guard is dropped. (Several server
/// processes on one database would each run one at a time; their attempts
/// are still counted atomically, in-flight ones as failures.)
pub async fn one_at_a_time(email: &str, client: &str) -> OwnedMutexGuard<()> {
    type Locks = BTreeMap<String, Weak<tokio::sync::Mutex<()>>>;
    static IN_PROGRESS: Mutex<Locks> = Mutex::new(BTreeMap::new());
    let key = format!("{}\n{client}", email.to_lowercase());
    let lock = {
        let mut locks = IN_PROGRESS.lock().unwrap_or_else(PoisonError::into_inner);
        // Only pairs with an attempt in progress are kept (a few dozen at
        // most: the hashing gate admits no more).
        locks.retain(|_, lock| lock.strong_count() > 0);
        match locks.get(&key).and_then(Weak::upgrade) {
            Some(lock) => lock,
            None => {
                let lock = Arc::new(tokio::sync::Mutex::new(()));
                locks.insert(key, Arc::downgrade(&lock));
                lock
            }
        }
    };
    lock.lock_owned().await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recent(for_pair: i64, newest: i64, for_client: i64, oldest: i64) -> RecentFailures {
        RecentFailures {
            for_pair,
            newest_for_pair_seconds_ago: Some(newest),
            for_client,
            oldest_for_client_seconds_ago: Some(oldest),
        }
    }

    #[test]
    fn the_first_failures_for_an_email_cost_no_wait() {
        assert_eq!(wait_before_attempt(&RecentFailures::default()), None);
        assert_eq!(wait_before_attempt(&recent(FREE_FAILURES_PER_EMAIL - 1, 0, 4, 0)), None);
    }

    #[test]
    fn further_failures_back_off_doubling_up_to_the_window() {
        assert_eq!(wait_before_attempt(&recent(5, 0, 5, 0)), Some(15));
        assert_eq!(wait_before_attempt(&recent(6, 0, 6, 0)), Some(30));
        assert_eq!(wait_before_attempt(&recent(7, 10, 7, 100)), Some(50));
        assert_eq!(wait_before_attempt(&recent(40, 0, 40, 0)), Some(900));
        assert_eq!(wait_before_attempt(&recent(5, 15, 5, 100)), None, "the wait is over");
    }

    #[test]
    fn a_client_over_its_budget_waits_until_its_oldest_failure_leaves_the_window() {
        assert_eq!(wait_before_attempt(&recent(0, 0, MAX_FAILURES_PER_CLIENT, 600)), Some(300));
        assert_eq!(wait_before_attempt(&recent(0, 0, MAX_FAILURES_PER_CLIENT - 1, 600)), None);
    }
}
