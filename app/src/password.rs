//! Password hashing with argon2 (server only), and the gate in front of it.
//!
//! Each argon2 computation holds 19 MiB for tens of milliseconds, and
//! anyone can ask for one by signing in. [`Hashing`] guards the server's
//! memory: computations run on `slots` threads of their own (so argon2
//! never holds more than `slots` × 19 MiB, counting what the allocator keeps
//! for each thread to reuse, which a shared pool of threads would multiply),
//! at most `queue` more requests wait for them, and anyone beyond those is
//! told "busy" at once instead of joining a queue that grows.

use std::cell::RefCell;
use std::panic::AssertUnwindSafe;
use std::sync::{mpsc, Arc, Mutex, PoisonError};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::{oneshot, OwnedSemaphorePermit, Semaphore};

use crate::error::AppError;

thread_local! {
    /// This thread's argon2 memory, allocated once and reused: allocating
    /// 19 MiB (64-byte aligned) per computation left glibc's heap holding a
    /// fresh 19 MiB after almost every one, so resident memory grew without
    /// bound under repeated sign-ins.
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// argon2 with `params` over this thread's memory.
fn compute(argon2: &Argon2, params: &Params, password: &[u8], salt: &[u8], out: &mut [u8]) -> argon2::Result<()> {
    MEMORY.with(|memory| {
        let mut memory = memory.borrow_mut();
        let blocks = params.block_count();
        if memory.len() < blocks {
            memory.resize(blocks, Block::default());
        }
        argon2.hash_password_into_with_memory(password, salt, out, &mut memory[..blocks])
    })
}

/// The argon2id PHC string for `password` (the crate's default cost), with
/// a fresh random salt.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let failed = |error: &dyn std::fmt::Display| {
        tracing::error!(%error, "hashing a password failed");
        AppError::Internal
    };
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_raw = salt.as_salt().decode_b64(&mut salt_bytes).map_err(|error| failed(&error))?;
    let params = Params::default();
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    compute(&argon2, &params, password.as_bytes(), salt_raw, &mut out).map_err(|error| failed(&error))?;
    let output = Output::new(&out).map_err(|error| failed(&error))?;
    Ok(format!(
        "$argon2id$v=19$m={},t={},p={}${}${output}",
        params.m_cost(),
        params.t_cost(),
        params.p_cost(),
        salt.as_str()
    ))
}

/// Whether `password` matches the stored PHC string `hash` (compared in
/// constant time). A malformed stored hash counts as no match.
pub fn verify_password(password: &str, hash: &str) -> bool {
    let matches = || -> Option<bool> {
        let parsed = PasswordHash::new(hash).ok()?;
        let algorithm = Algorithm::try_from(parsed.algorithm).ok()?;
        let version = parsed.version.map(Version::try_from).transpose().ok()?.unwrap_or_default();
        let params = Params::try_from(&parsed).ok()?;
        let expected = parsed.hash?;
        let mut salt_bytes = [0u8; 64];
        let salt = parsed.salt?.decode_b64(&mut salt_bytes).ok()?;
        let mut out = vec![0u8; expected.len()];
        let argon2 = Argon2::new(algorithm, version, params.clone());
        compute(&argon2, &params, password.as_bytes(), salt, &mut out).ok()?;
        Some(Output::new(&out).ok()? == expected)
    };
    matches().unwrap_or(false)
}

/// A computation for the hashing threads.
type Job = Box<dyn FnOnce() + Send>;

/// The gate every argon2 computation of a request passes (see the module
/// overview). Clones share the same threads and places; the threads end
/// when the last clone is dropped.
#[derive(Clone, Debug)]
pub struct Hashing {
    /// Requests let in: computing plus waiting.
    admitted: Arc<Semaphore>,
    /// Work for the hashing threads, taken in order of arrival.
    jobs: mpsc::Sender<Job>,
}

/// A request's place at the gate, taken before any other work is done for
/// it (so a refused request costs nothing).
#[derive(Debug)]
pub struct Admission {
    _admitted: OwnedSemaphorePermit,
    jobs: mpsc::Sender<Job>,
}

impl Hashing {
    /// A gate with `slots` hashing threads (at least one) and `queue`
    /// requests waiting for them.
    pub fn new(slots: usize, queue: usize) -> Hashing {
        let slots = slots.max(1);
        let (jobs, waiting) = mpsc::channel::<Job>();
        let waiting = Arc::new(Mutex::new(waiting));
        for number in 0..slots {
            let waiting = waiting.clone();
            let thread = std::thread::Builder::new().name(format!("argon2-{number}")).spawn(move || loop {
                let job = waiting.lock().unwrap_or_else(PoisonError::into_inner).recv();
                let Ok(job) = job else { return };
                // A panic in one computation is that request's failure
                // (its answer channel closes), not the thread's end.
                let _ = std::panic::catch_unwind(AssertUnwindSafe(job));
            });
            if let Err(error) = thread {
                tracing::error!(%error, "could not start a password hashing thread");
            }
        }
        Hashing { admitted: Arc::new(Semaphore::new(slots + queue)), jobs }
    }

    /// A place at the gate, or [`AppError::SignInBusy`] when every thread is
    /// computing and every place in the queue is taken.
    pub fn admit(&self) -> Result<Admission, AppError> {
        let admitted = self.admitted.clone().try_acquire_owned().map_err(|_| AppError::SignInBusy)?;
        Ok(Admission { _admitted: admitted, jobs: self.jobs.clone() })
    }
}

impl Admission {
    /// Runs `work` (an argon2 computation) on a hashing thread, after the
    /// work admitted before it.
    pub async fn run<T: Send + 'static>(self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
        let (answer, answered) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = answer.send(work());
        });
        let failed = |what: &str| {
            tracing::error!(what, "a password computation failed");
            AppError::Internal
        };
        self.jobs.send(job).map_err(|_| failed("no hashing thread is running"))?;
        answered.await.map_err(|_| failed("the computation panicked"))
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
    fn hashes_are_the_argon2_crates_own_both_ways() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let ours = hash_password("correct horse").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(Argon2::default().verify_password(b"correct horse", &parsed).is_ok());
        let theirs = Argon2::default().hash_password(b"battery staple", &SaltString::generate(&mut OsRng)).unwrap().to_string();
        assert!(verify_password("battery staple", &theirs));
        assert!(!verify_password("battery stapler", &theirs));
    }

    #[test]
    fn beyond_the_slots_and_the_queue_the_gate_says_busy() {
        let gate = Hashing::new(2, 3);
        let held: Vec<Admission> = (0..5).map(|_| gate.admit().expect("a place")).collect();
        assert_eq!(gate.admit().map(|_| ()), Err(AppError::SignInBusy));
        drop(held);
        assert!(gate.admit().is_ok(), "places come back when requests finish");
    }

    #[tokio::test]
    async fn admitted_work_runs_on_the_hashing_threads() {
        let gate = Hashing::new(2, 3);
        let thread = gate.admit().expect("a place").run(|| std::thread::current().name().map(str::to_string)).await;
        assert!(thread.expect("an answer").is_some_and(|name| name.starts_with("argon2-")));
    }
}
