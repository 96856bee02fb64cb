//! Password hashing with argon2 (server only), and the gate in front of it.
//!
//! Each argon2 computation holds 19 MiB for tens of milliseconds, and
//! anyone can ask for one by signing in. [`Hashing`] guards the server's
//! memory: at most `slots` computations run at once (so argon2 never holds
//! more than `slots` × 19 MiB), at most `queue` more requests wait for a
//! slot, and anyone beyond those is told "busy" at once instead of joining
//! a queue that grows.

use std::sync::Arc;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::AppError;

/// The argon2id PHC string for `password`, with a fresh random salt.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| {
            tracing::error!(%error, "hashing a password failed");
            AppError::Internal
        })
}

/// Whether `password` matches the stored PHC string `hash`. A malformed
/// stored hash counts as no match.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// The gate every argon2 computation of a request passes (see the module
/// overview). Clones share the same slots.
#[derive(Clone, Debug)]
pub struct Hashing {
    /// Requests let in: running plus waiting.
    admitted: Arc<Semaphore>,
    /// Computations running.
    running: Arc<Semaphore>,
}

/// A request's place at the gate, taken before any other work is done for
/// it (so a refused request costs nothing).
#[derive(Debug)]
pub struct Admission {
    _admitted: OwnedSemaphorePermit,
    running: Arc<Semaphore>,
}

impl Hashing {
    /// A gate with `slots` computations at once (at least one) and `queue`
    /// requests waiting for them.
    pub fn new(slots: usize, queue: usize) -> Hashing {
        let slots = slots.max(1);
        Hashing { admitted: Arc::new(Semaphore::new(slots + queue)), running: Arc::new(Semaphore::new(slots)) }
    }

    /// A place at the gate, or [`AppError::Busy`] when every slot and every
    /// place in the queue is taken.
    pub fn admit(&self) -> Result<Admission, AppError> {
        let admitted = self.admitted.clone().try_acquire_owned().map_err(|_| AppError::Busy)?;
        Ok(Admission { _admitted: admitted, running: self.running.clone() })
    }
}

impl Admission {
    /// Runs `work` (an argon2 computation) on a blocking thread once a slot
    /// is free.
    pub async fn run<T: Send + 'static>(self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
        let _running = self.running.acquire().await.map_err(|_| AppError::Busy)?;
        tokio::task::spawn_blocking(work).await.map_err(|error| {
            tracing::error!(%error, "a password computation failed");
            AppError::Internal
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_and_nothing_else() {
        let hash = hash_password("correct horse").unwrap();
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong horse", &hash));
        assert!(!verify_password("correct horse", "not a hash"));
    }

    #[test]
    fn beyond_the_slots_and_the_queue_the_gate_says_busy() {
        let gate = Hashing::new(2, 3);
        let held: Vec<Admission> = (0..5).map(|_| gate.admit().expect("a place")).collect();
        assert_eq!(gate.admit().map(|_| ()), Err(AppError::Busy));
        drop(held);
        assert!(gate.admit().is_ok(), "places come back when requests finish");
    }
}
