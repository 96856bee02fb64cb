//! The schema is ready to be distributed by account (Citus): checked
//! against `pg_catalog` after every migration. Every table must be named
//! below, either distributed by `account_id` or a reference table with the
//! reason, so a new table without that decision fails
//! `every_table_is_distributed_by_account_or_a_reference_table`.
//!
//! A distributed table has a `NOT NULL account_id`; its primary key and
//! every unique index lead with it (so each is enforceable on one shard),
//! and so does every other index (so a read of one account never walks the
//! entries of the others: the trigram index did, until migration
//! `20261210000000`);
//! a foreign key to another distributed table includes it first on both
//! sides (so the two rows are on the same shard). A reference table (copied
//! to every node) never points at a distributed one.

use std::collections::BTreeSet;

use sqlx::{PgPool, Row};

/// Where a table would live in a distributed database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Placement {
    /// Sharded by `account_id`: everything of one account on one node.
    Distributed,
    /// Copied to every node, for this reason.
    Reference(&'static str),
}

use Placement::{Distributed, Reference};

/// Every table of the schema, and its placement (the README's scaling note
/// says the same).
const TABLES: &[(&str, Placement)] = &[
    ("accounts", Reference("one row per account, referenced by every account's rows")),
    ("users", Reference("sign-in finds a user by email before it knows the account, so emails are unique across all accounts")),
    ("login_failures", Reference("sign-in throttling is by email, before the account is known")),
    ("contacts", Distributed),
    ("contact_search", Distributed),
    ("contact_similar_keys", Distributed),
    ("search_queue", Distributed),
    ("imports", Distributed),
    ("import_staging", Distributed),
    ("import_changes", Distributed),
    ("notifications", Distributed),
    ("remembered_mappings", Distributed),
];

fn placement(table: &str) -> Option<Placement> {
    TABLES.iter().find(|(name, _)| *name == table).map(|(_, placement)| *placement)
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn every_table_is_distributed_by_account_or_a_reference_table(pool: PgPool) {
    let problems = problems(&pool).await;
    assert!(problems.is_empty(), "the schema is not ready to distribute by account:\n{}", problems.join("\n"));
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_table_without_a_decision_or_a_key_or_index_without_the_account_is_reported(pool: PgPool) {
    sqlx::query("CREATE TABLE widgets (id uuid PRIMARY KEY, account_id uuid)").execute(&pool).await.unwrap();
    sqlx::query("CREATE UNIQUE INDEX contacts_by_email_anywhere ON contacts (email_key)").execute(&pool).await.unwrap();
    sqlx::query("CREATE INDEX search_text_of_every_account ON contact_search USING gin (search_text gin_trgm_ops)")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("ALTER TABLE contacts ADD CONSTRAINT contacts_id_anywhere UNIQUE (id)").execute(&pool).await.unwrap();
    sqlx::query("ALTER TABLE import_changes ADD CONSTRAINT changes_contact_fkey FOREIGN KEY (contact_id) REFERENCES contacts (id)")
        .execute(&pool)
        .await
        .unwrap();
    let problems = problems(&pool).await.join("\n");
    for reported in ["widgets", "contacts_by_email_anywhere", "search_text_of_every_account", "contacts_id_anywhere", "changes_contact_fkey"] {
        assert!(problems.contains(reported), "{reported} not reported in:\n{problems}");
    }
}

/// Everything that keeps the schema from being distributed by account.
async fn problems(pool: &PgPool) -> Vec<String> {
    let tables: BTreeSet<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    .into_iter()
    .collect();
    let named: BTreeSet<String> = TABLES.iter().map(|(name, _)| name.to_string()).collect();
    let mut problems: Vec<String> = tables
        .difference(&named)
        .map(|table| format!("{table}: no placement (distributed by account_id, or a reference table)"))
        .collect();
    problems.extend(named.difference(&tables).map(|table| format!("{table}: a placement for a table that does not exist")));
    for (table, placement) in TABLES.iter().filter(|(table, _)| tables.contains(*table)) {
        if *placement == Distributed {
            problems.extend(distributed_problems(pool, table).await);
        }
        problems.extend(foreign_key_problems(pool, table, *placement).await);
    }
    problems
}

/// What stops `table` from being distributed by `account_id`.
async fn distributed_problems(pool: &PgPool, table: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let account_column: Option<bool> = sqlx::query_scalar(
        "SELECT a.attnotnull FROM pg_attribute a
         WHERE a.attrelid = $1::regclass AND a.attname = 'account_id' AND NOT a.attisdropped",
    )
    .bind(table)
    .fetch_optional(pool)
    .await
    .unwrap();
    match account_column {
        Some(true) => {}
        Some(false) => problems.push(format!("{table}: account_id may be NULL")),
        None => problems.push(format!("{table}: has no account_id")),
    }
    let indexes = sqlx::query(
        "SELECT ic.relname::text AS index_name, i.indisprimary, i.indisunique, a.attname::text AS first_column
         FROM pg_index i
         JOIN pg_class ic ON ic.oid = i.indexrelid
         LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
         WHERE i.indrelid = $1::regclass",
    )
    .bind(table)
    .fetch_all(pool)
    .await
    .unwrap();
    if !indexes.iter().any(|index| index.get::<bool, _>("indisprimary")) {
        problems.push(format!("{table}: has no primary key"));
    }
    for index in indexes {
        let first: Option<String> = index.get("first_column");
        if first.as_deref() != Some("account_id") {
            let name: String = index.get("index_name");
            let kind = if index.get::<bool, _>("indisunique") { "unique index" } else { "index" };
            problems.push(format!("{table}: {kind} {name} starts with {first:?}, not account_id"));
        }
    }
    problems
}

/// Foreign keys that would join rows of different nodes.
async fn foreign_key_problems(pool: &PgPool, table: &str, own: Placement) -> Vec<String> {
    let keys = sqlx::query(
        "SELECT con.conname::text AS name, rt.relname::text AS referenced,
                (SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = con.conrelid AND a.attnum = con.conkey[1]) AS first_column,
                (SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = con.confrelid AND a.attnum = con.confkey[1]) AS first_referenced
         FROM pg_constraint con JOIN pg_class rt ON rt.oid = con.confrelid
         WHERE con.contype = 'f' AND con.conrelid = $1::regclass",
    )
    .bind(table)
    .fetch_all(pool)
    .await
    .unwrap();
    let mut problems = Vec::new();
    for key in keys {
        let name: String = key.get("name");
        let referenced: String = key.get("referenced");
        match (own, placement(&referenced)) {
            (_, None) => problems.push(format!("{table}: {name} references {referenced}, which has no placement")),
            (Reference(_), Some(Distributed)) => {
                problems.push(format!("{table} (a reference table): {name} references the distributed table {referenced}"))
            }
            (Distributed, Some(Distributed)) => {
                let first: Option<String> = key.get("first_column");
                let first_referenced: Option<String> = key.get("first_referenced");
                if first.as_deref() != Some("account_id") || first_referenced.as_deref() != Some("account_id") {
                    problems.push(format!("{table}: {name} references {referenced} without account_id first on both sides"));
                }
            }
            (_, Some(Reference(_))) => {}
        }
    }
    problems
}
