//! The per-account lock on contacts: a transaction-scoped Postgres advisory
//! lock whose key is derived from the account id.
//!
//! Invariant: whatever writes an account's contacts in bulk (a confirm, an
//! undo) holds this lock in [`LockMode::Exclusive`] for its whole
//! transaction, so two of them never interleave and each re-checks against
//! the contacts as the previous one left them. Single-contact writes take it
//! in [`LockMode::Shared`]: they run alongside one another, but never in the
//! middle of an import. The lock is released when the transaction ends
//! (commit, rollback, or the session dying), never by hand.
//!
//! Lock order, to stay free of deadlocks: an import's own row first (if
//! any), then this lock, then contact rows.

use sqlx::PgConnection;

use crate::model::AccountId;

/// The first half of the advisory lock key: which kind of thing is locked
/// ("contacts of one account"), so other advisory locks in the same
/// database cannot collide with these. (The two-integer key space is
/// separate from the single-`bigint` one that e.g. sqlx's migrator uses.)
pub const CONTACTS_LOCK_CLASS: i32 = 0x636f_6e74; // "cont"

/// How the lock is held.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockMode {
    /// Alone: for an import's merge or undo.
    Exclusive,
    /// Alongside other shared holders: for a single-contact write, which
    /// must not land in the middle of an import.
    Shared,
}

/// Takes the account's contacts lock in `mode` for the rest of the
/// transaction `conn` is in, waiting for it if need be. Call it inside a
/// transaction: outside one it is released at once.
pub async fn lock_account_contacts(
    conn: &mut PgConnection,
    account: AccountId,
    mode: LockMode,
) -> Result<(), sqlx::Error> {
    let sql = match mode {
        LockMode::Exclusive => "SELECT pg_advisory_xact_lock($1, $2)",
        LockMode::Shared => "SELECT pg_advisory_xact_lock_shared($1, $2)",
    };
    sqlx::query(sql).bind(CONTACTS_LOCK_CLASS).bind(account_lock_key(account)).execute(&mut *conn).await?;
    Ok(())
}

/// The second half of the key: the account id's 128 bits folded into 32 by
/// exclusive-or. Two accounts that fold to the same key only wait for each
/// other now and then; they never see each other's data.
pub fn account_lock_key(account: AccountId) -> i32 {
    uuid_lock_key(account.0)
}

/// An id's 128 bits folded into 32 by exclusive-or: the second half of an
/// advisory lock key about one record (an account, an import).
pub fn uuid_lock_key(id: uuid::Uuid) -> i32 {
    let bytes = id.as_bytes();
    let folded = bytes
        .chunks_exact(4)
        .fold(0u32, |key, chunk| key ^ u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]));
    i32::from_ne_bytes(folded.to_ne_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn the_key_is_stable_and_spreads() {
        let a = AccountId(Uuid::from_u128(0x0123_4567_89ab_cdef_0011_2233_4455_6677));
        assert_eq!(account_lock_key(a), account_lock_key(a));
        let b = AccountId(Uuid::from_u128(0x0123_4567_89ab_cdef_0011_2233_4455_6678));
        assert_ne!(account_lock_key(a), account_lock_key(b));
    }
}
