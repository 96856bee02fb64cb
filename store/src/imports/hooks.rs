//! A way for tests to stop a merge part-way: pause it at a chosen step
//! (after some of its writes), learn its database session's process id, do
//! something from outside (e.g. `pg_terminate_backend`), then let it go on.
//!
//! Invariant: [`MergeHooks::none`] (what [`confirm`](super::confirm) uses)
//! does nothing at all (and lets the merge apply rows in SQL); a pause happens at most once per merge, and dropping
//! the [`PausedMerge`] handle lets the merge go on.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use sqlx::{PgConnection, Row};
use tokio::sync::oneshot;

/// A point in the merge's write phase, all inside its one transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MergeStep {
    /// Every row is re-checked and fine (the account's contacts lock is
    /// held, the planned updates are in `import_plan` or marked settled);
    /// no contact is written yet.
    Checked,
    /// The new contacts are inserted; nothing else is written yet.
    ContactsInserted,
    /// The changed contacts are updated as well.
    ContactsUpdated,
    /// Everything is written; the transaction is about to commit.
    BeforeCommit,
}

/// Where a merge pauses, if anywhere. Build one with [`MergeHooks::none`] or
/// [`MergeHooks::pause_at`].
#[derive(Debug, Default)]
pub struct MergeHooks {
    pause: Option<Pause>,
    /// Whether every row the facts concern goes to the rules, none applied
    /// in SQL (`settle`): for tests comparing the two.
    judge_every_row: bool,
    /// Where to add how many rows were applied in SQL, for tests that must
    /// know the comparison covered some.
    settled: Option<Arc<AtomicU64>>,
}

#[derive(Debug)]
struct Pause {
    step: MergeStep,
    reached: oneshot::Sender<i32>,
    resume: oneshot::Receiver<()>,
}

/// The test's side of a pause: wait until the merge reaches its step, then
/// let it go on.
#[derive(Debug)]
pub struct PausedMerge {
    reached: oneshot::Receiver<i32>,
    resume: oneshot::Sender<()>,
}

impl MergeHooks {
    /// No pause: the merge runs straight through.
    pub fn none() -> MergeHooks {
        MergeHooks::default()
    }

    /// Pauses the merge once it reaches `step`; the returned handle says when
    /// it has, and lets it go on.
    pub fn pause_at(step: MergeStep) -> (MergeHooks, PausedMerge) {
        let (reached_tx, reached_rx) = oneshot::channel();
        let (resume_tx, resume_rx) = oneshot::channel();
        let hooks = MergeHooks { pause: Some(Pause { step, reached: reached_tx, resume: resume_rx }), ..MergeHooks::default() };
        (hooks, PausedMerge { reached: reached_rx, resume: resume_tx })
    }

    /// No pause, and every row the facts concern is judged by the rules in
    /// Rust, none applied in SQL as the rules staged it: what the merge in
    /// SQL is compared with.
    pub fn judging_every_row() -> MergeHooks {
        MergeHooks { judge_every_row: true, ..MergeHooks::default() }
    }

    /// No pause; adds to the returned counter how many rows the merge
    /// applied in SQL as the rules staged them.
    pub fn counting_settled_rows() -> (MergeHooks, Arc<AtomicU64>) {
        let counter = Arc::new(AtomicU64::new(0));
        (MergeHooks { settled: Some(counter.clone()), ..MergeHooks::default() }, counter)
    }

    /// Reports `rows` applied in SQL.
    pub(crate) fn settled(&self, rows: u64) {
        if let Some(counter) = &self.settled {
            counter.fetch_add(rows, Ordering::Relaxed);
        }
    }

    /// Whether rows the rules staged may be applied in SQL.
    pub(crate) fn settles_in_sql(&self) -> bool {
        !self.judge_every_row
    }

    /// Called by the merge at `step` on its transaction's connection: if a
    /// pause is set for this step, reports the session's backend process id
    /// and waits to be resumed.
    pub(crate) async fn at(&mut self, step: MergeStep, conn: &mut PgConnection) -> Result<(), sqlx::Error> {
        if self.pause.as_ref().is_none_or(|pause| pause.step != step) {
            return Ok(());
        }
        let Some(pause) = self.pause.take() else {
            return Ok(());
        };
        let pid: i32 = sqlx::query("SELECT pg_backend_pid()").fetch_one(&mut *conn).await?.try_get(0)?;
        // The test may have given up waiting; then there is no one to tell.
        let _ = pause.reached.send(pid);
        // Resumed, or the handle dropped: go on either way.
        let _ = pause.resume.await;
        Ok(())
    }
}

impl PausedMerge {
    /// Waits until the merge reaches its step, and returns the backend
    /// process id of its database session; `None` if the merge finished or
    /// failed without reaching it.
    pub async fn reached(&mut self) -> Option<i32> {
        (&mut self.reached).await.ok()
    }

    /// Lets the merge go on.
    pub fn resume(self) {
        let _ = self.resume.send(());
    }
}
