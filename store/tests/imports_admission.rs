//! The admission of confirms and undos against real Postgres: repeats of one
//! confirm answer its one result, another server's import into the account
//! is waited for without holding a connection (or answered "busy" past the
//! wait), and nothing lands twice.
//!
//! "Another server" is played by a connection of the test's own that holds
//! the lease that server would hold while it merges.

use crate::support;

use std::time::Duration;

use rules::headers::ImportColumns;
use rules::merge::MergeMode;
use rules::Field;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};
use store::imports::admission::{ACCOUNT_LEASE_CLASS, IMPORT_LEASE_CLASS, LEASE_SESSION_NAME};
use store::imports::locks::{account_lock_key, uuid_lock_key};
use store::imports::{self, Admission, AdmissionError, AdmissionSettings};
use store::model::{AccountId, ConfirmOutcome, ImportCounts, UndoOutcome, UserId};
use support::*;
use uuid::Uuid;

/// A bulk pool of one connection, whose callers give up on a connection
/// after a few seconds: a write that waits while holding its connection
/// shows as a query on this pool that cannot get one.
async fn one_connection(connect: &PgConnectOptions) -> PgPool {
    PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(connect.clone())
        .await
        .unwrap()
}

fn settings(queue_wait: Duration) -> AdmissionSettings {
    AdmissionSettings { queue_wait, writes_at_once: 1 }
}

/// Whether the pool can lend a connection now (it has one, so: whether no
/// one is holding it).
async fn lends_a_connection(pool: &PgPool) -> bool {
    sqlx::query("SELECT 1").execute(pool).await.is_ok()
}

/// Another server's hold on an advisory key, as its lease session would take it.
struct OtherServer {
    connection: PgConnection,
    class: i32,
    key: i32,
}

impl OtherServer {
    async fn holding(connect: &PgConnectOptions, class: i32, key: i32) -> OtherServer {
        let mut connection = PgConnection::connect_with(connect).await.unwrap();
        let taken: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1, $2)")
            .bind(class)
            .bind(key)
            .fetch_one(&mut connection)
            .await
            .unwrap();
        assert!(taken, "the key was free");
        OtherServer { connection, class, key }
    }

    /// Releases the key (at once, as a lease is given back when the write
    /// ends), then goes.
    async fn leave(mut self) {
        let released: bool = sqlx::query_scalar("SELECT pg_advisory_unlock($1, $2)")
            .bind(self.class)
            .bind(self.key)
            .fetch_one(&mut self.connection)
            .await
            .unwrap();
        assert!(released);
        self.connection.close().await.unwrap();
    }
}

/// 40 new people (10 of them with neither Contact ID nor email), and updates
/// of the 5 contacts the account starts with.
async fn an_import(pool: &PgPool, account: AccountId, user: UserId) -> Uuid {
    let mut rows = Vec::new();
    for n in 0..30 {
        rows.push(person(rows.len() as u32 + 2, &format!("N-{n}"), "New", &format!("Person{n}"), &format!("n{n}@x.com")));
    }
    for n in 0..10 {
        rows.push(person(rows.len() as u32 + 2, "", "Keyless", &format!("Person{n}"), ""));
    }
    for n in 0..5 {
        rows.push(person(rows.len() as u32 + 2, &format!("C-{n}"), "Updated", &format!("Person{n}"), ""));
    }
    prepare(pool, account, user, &ImportColumns::template(), MergeMode::KeepExisting, rows).await
}

/// An account with 5 contacts (`C-0` … `C-4`).
async fn account_with_contacts(pool: &PgPool, email: &str) -> (AccountId, UserId) {
    let (account, user) = new_account(pool, email).await;
    for n in 0..5 {
        let reference = format!("C-{n}");
        add_contact(pool, account, &[(Field::Reference, &reference), (Field::FirstName, "Old"), (Field::LastName, "Name")])
            .await;
    }
    (account, user)
}

const LANDED: ImportCounts = ImportCounts { created: 40, updated: 5, unchanged: 0, skipped: 0 };

/// The account's contacts with neither Contact ID nor email: the rows a
/// second merge would add again, since nothing matches them.
async fn keyless(pool: &PgPool, account: AccountId) -> usize {
    snapshot(pool, account)
        .await
        .iter()
        .filter(|contact| contact.fields.get(Field::Reference).is_empty() && contact.fields.get(Field::Email).is_empty())
        .count()
}

/// What each test starts from: an account with 5 contacts and an import of
/// 45 rows ready to confirm, a pool to look with, and admission on a bulk
/// pool of one connection.
struct Scene {
    pool: PgPool,
    bulk: PgPool,
    admission: Admission,
    account: AccountId,
    user: UserId,
    import_id: Uuid,
}

async fn scene(connect: &PgConnectOptions, queue_wait: Duration) -> Scene {
    let pool = PgPoolOptions::new().max_connections(2).connect_with(connect.clone()).await.unwrap();
    let (account, user) = account_with_contacts(&pool, "a@example.com").await;
    let import_id = an_import(&pool, account, user).await;
    let bulk = one_connection(connect).await;
    let admission = Admission::new(bulk.clone(), settings(queue_wait));
    Scene { pool, bulk, admission, account, user, import_id }
}

impl Scene {
    /// Confirms the import through admission, in a task of its own.
    fn confirm_in_background(&self) -> tokio::task::JoinHandle<Result<ConfirmOutcome, AdmissionError>> {
        let (admission, account, import_id) = (self.admission.clone(), self.account, self.import_id);
        tokio::spawn(async move { admission.confirm(account, import_id).await })
    }

    /// The import landed, once: its contacts (the keyless ones too) and one
    /// completion notice.
    async fn assert_landed_once(&self) {
        assert_eq!(snapshot(&self.pool, self.account).await.len(), 5 + 40);
        assert_eq!(keyless(&self.pool, self.account).await, 10);
        assert_eq!(notification_kinds(&self.pool, self.import_id).await.len(), 1, "one completion notice");
        assert_eq!(status(&self.pool, self.import_id).await, "committed");
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_dozen_confirms_of_one_import_at_once_merge_it_once_and_all_answer_its_result(
    _options: PgPoolOptions,
    connect: PgConnectOptions,
) {
    let scene = scene(&connect, Duration::from_secs(60)).await;
    let repeats: Vec<_> = (0..12).map(|_| scene.confirm_in_background()).collect();
    for repeat in repeats {
        let outcome = repeat.await.unwrap().unwrap();
        assert_eq!(outcome, ConfirmOutcome::Committed { import_id: scene.import_id, counts: LANDED });
    }
    scene.assert_landed_once().await;
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_confirm_repeated_while_another_server_merges_it_waits_without_a_connection_and_answers_that_result(
    _options: PgPoolOptions,
    connect: PgConnectOptions,
) {
    let scene = scene(&connect, Duration::from_secs(60)).await;
    // The other server is merging it: its lease, and the import's row
    // locked as its merge locks it.
    let other = OtherServer::holding(&connect, IMPORT_LEASE_CLASS, uuid_lock_key(scene.import_id)).await;
    let mut merging = scene.pool.begin().await.unwrap();
    sqlx::query("SELECT 1 FROM imports WHERE id = $1 FOR UPDATE")
        .bind(scene.import_id)
        .execute(&mut *merging)
        .await
        .unwrap();

    let repeat = scene.confirm_in_background();
    // Give the repeat time to reach its wait (if it has not, what follows
    // still holds).
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(lends_a_connection(&scene.bulk).await, "the waiting confirm holds no connection");
    assert!(!repeat.is_finished(), "the repeat waits for the other server's merge");

    // The other server's merge ends, and its lease with it.
    merging.rollback().await.unwrap();
    let merged = imports::confirm(&scene.pool, scene.account, scene.import_id).await.unwrap();
    other.leave().await;

    assert_eq!(repeat.await.unwrap().unwrap(), merged);
    assert_eq!(merged, ConfirmOutcome::Committed { import_id: scene.import_id, counts: LANDED });
    scene.assert_landed_once().await;
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_confirm_while_the_account_imports_on_another_server_queues_without_a_connection_then_lands(
    _options: PgPoolOptions,
    connect: PgConnectOptions,
) {
    let scene = scene(&connect, Duration::from_secs(60)).await;
    let other = OtherServer::holding(&connect, ACCOUNT_LEASE_CLASS, account_lock_key(scene.account)).await;
    let queued = scene.confirm_in_background();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(lends_a_connection(&scene.bulk).await, "the queued confirm holds no connection");
    assert!(!queued.is_finished(), "the confirm waits for the account's other import");
    assert_eq!(status(&scene.pool, scene.import_id).await, "open");

    other.leave().await;
    assert_eq!(queued.await.unwrap().unwrap(), ConfirmOutcome::Committed { import_id: scene.import_id, counts: LANDED });
    scene.assert_landed_once().await;
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_confirm_that_waits_past_the_limit_is_told_the_account_is_busy_and_changes_nothing(
    _options: PgPoolOptions,
    connect: PgConnectOptions,
) {
    let scene = scene(&connect, Duration::ZERO).await;
    let before = snapshot(&scene.pool, scene.account).await;

    let other = OtherServer::holding(&connect, ACCOUNT_LEASE_CLASS, account_lock_key(scene.account)).await;
    let refused = scene.admission.confirm(scene.account, scene.import_id).await;
    assert!(matches!(refused, Err(AdmissionError::AccountBusy)), "{refused:?}");
    assert_eq!(snapshot(&scene.pool, scene.account).await, before);
    assert_eq!(status(&scene.pool, scene.import_id).await, "open");
    assert!(notification_kinds(&scene.pool, scene.import_id).await.is_empty());

    other.leave().await;
    let outcome = scene.admission.confirm(scene.account, scene.import_id).await.unwrap();
    assert_eq!(outcome, ConfirmOutcome::Committed { import_id: scene.import_id, counts: LANDED });
    scene.assert_landed_once().await;
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn an_undo_while_the_account_imports_on_another_server_is_told_the_account_is_busy(
    _options: PgPoolOptions,
    connect: PgConnectOptions,
) {
    let scene = scene(&connect, Duration::ZERO).await;
    let (admission, account, import_id) = (&scene.admission, scene.account, scene.import_id);
    admission.confirm(account, import_id).await.unwrap();
    let landed = snapshot(&scene.pool, account).await;

    let other = OtherServer::holding(&connect, ACCOUNT_LEASE_CLASS, account_lock_key(account)).await;
    let refused = admission.undo(account, import_id).await;
    assert!(matches!(refused, Err(AdmissionError::AccountBusy)), "{refused:?}");
    assert_eq!(snapshot(&scene.pool, account).await, landed);
    assert_eq!(status(&scene.pool, import_id).await, "committed");

    other.leave().await;
    assert_eq!(admission.undo(account, import_id).await.unwrap(), UndoOutcome::Undone { restored: 5, deleted: 40 });
    assert_eq!(snapshot(&scene.pool, account).await.len(), 5);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn another_accounts_import_id_is_not_found_at_once_even_while_it_merges(
    _options: PgPoolOptions,
    connect: PgConnectOptions,
) {
    let scene = scene(&connect, Duration::from_secs(3_600)).await;
    let (stranger, _) = new_account(&scene.pool, "b@example.com").await;

    let other = OtherServer::holding(&connect, IMPORT_LEASE_CLASS, uuid_lock_key(scene.import_id)).await;
    // The lease is never released before the answer: a stranger made to
    // wait for it would wait for good.
    let answer = tokio::time::timeout(Duration::from_secs(60), scene.admission.confirm(stranger, scene.import_id))
        .await
        .expect("a stranger's confirm was made to wait for the owner's merge");
    assert!(
        matches!(&answer, Err(AdmissionError::Import(error)) if matches!(**error, imports::ImportError::NotFound)),
        "{answer:?}"
    );
    let undone = scene.admission.undo(stranger, scene.import_id).await;
    assert!(
        matches!(&undone, Err(AdmissionError::Import(error)) if matches!(**error, imports::ImportError::NotFound)),
        "{undone:?}"
    );
    other.leave().await;
    assert_eq!(status(&scene.pool, scene.import_id).await, "open");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_lost_lease_session_is_opened_again(_options: PgPoolOptions, connect: PgConnectOptions) {
    let scene = scene(&connect, Duration::from_secs(60)).await;
    scene.admission.confirm(scene.account, scene.import_id).await.unwrap();

    let cut: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND application_name = $1",
    )
    .bind(LEASE_SESSION_NAME)
    .fetch_all(&scene.pool)
    .await
    .unwrap();
    assert_eq!(cut, vec![true], "the lease session was found and cut");

    let rows = vec![person(2, "L-1", "Later", "Person", "later@x.com")];
    let columns = ImportColumns::template();
    let later = prepare(&scene.pool, scene.account, scene.user, &columns, MergeMode::KeepExisting, rows).await;
    let outcome = scene.admission.confirm(scene.account, later).await.unwrap();
    assert_eq!(committed(&outcome), ImportCounts { created: 1, updated: 0, unchanged: 0, skipped: 0 });
}
