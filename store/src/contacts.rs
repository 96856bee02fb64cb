//! Reading and writing single contacts. (The searchable, paged list and
//! the export are in [`crate::listing`], re-exported here.)
//!
//! Invariant: every write holds the account's contacts lock shared (so it
//! never lands in the middle of an import), bumps the contact's version,
//! stores the keys the shared rules compute ([`written_values`]) and queues
//! the contact for the list's indexes in the same transaction.

use rules::ValidContact;
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder, Row};
use uuid::Uuid;

use crate::fields_sql::{field_columns, fields_from_row};
use crate::imports::locks::{lock_account_contacts, LockMode};
use crate::listing::pending::{queue, Written};
use crate::model::{AccountId, ContactRecord};
use crate::StoreError;

pub use crate::fields_sql::{written_columns, written_values};
pub use crate::listing::{export, list, PAGE_SIZE, SEARCH_PREFIX_ROWS};

/// One contact of the account.
pub async fn get(pool: &PgPool, account: AccountId, id: Uuid) -> Result<ContactRecord, StoreError> {
    let sql = format!(
        "SELECT id, version, created_at, updated_at, {} FROM contacts WHERE account_id = $1 AND id = $2",
        field_columns("")
    );
    let row = sqlx::query(&sql)
        .bind(account)
        .bind(id)
        .fetch_optional(pool)
        .await?
        .ok_or(StoreError::NotFound)?;
    record_from_row(&row)
}

/// Inserts a contact the rules validated (the demo seed; tests).
pub async fn insert(pool: &PgPool, account: AccountId, contact: &ValidContact) -> Result<Uuid, StoreError> {
    let mut transaction = pool.begin().await?;
    lock_account_contacts(&mut transaction, account, LockMode::Shared).await?;
    let id = insert_with(&mut transaction, account, contact).await?;
    transaction.commit().await?;
    Ok(id)
}

async fn insert_with(connection: &mut PgConnection, account: AccountId, contact: &ValidContact) -> Result<Uuid, StoreError> {
    let id = Uuid::now_v7();
    let mut insert = QueryBuilder::<Postgres>::new("INSERT INTO contacts (id, account_id, ");
    insert.push(written_columns().join(", ")).push(") VALUES (").push_bind(id).push(", ").push_bind(account);
    for value in written_values(contact) {
        insert.push(", ").push_bind(value);
    }
    insert.push(")");
    insert.build().execute(&mut *connection).await.map_err(StoreError::from_write)?;
    queue(connection, account, Written::Contact(id)).await?;
    Ok(id)
}

/// Creates a contact typed into the contact form (checked by the shared
/// rules), never in the middle of an import.
pub async fn create(pool: &PgPool, account: AccountId, contact: &ValidContact) -> Result<ContactRecord, StoreError> {
    let mut transaction = pool.begin().await?;
    lock_account_contacts(&mut transaction, account, LockMode::Shared).await?;
    let id = insert_with(&mut transaction, account, contact).await?;
    transaction.commit().await?;
    get(pool, account, id).await
}

/// Saves an edited contact if it is still at `expected_version`:
/// [`StoreError::Stale`] when someone changed it meanwhile (nothing is
/// overwritten), [`StoreError::NotFound`] when it is gone or not the
/// account's, [`StoreError::KeyTaken`] when its Contact ID or email became
/// another contact's.
pub async fn update(
    pool: &PgPool,
    account: AccountId,
    id: Uuid,
    expected_version: i32,
    contact: &ValidContact,
) -> Result<ContactRecord, StoreError> {
    let mut transaction = pool.begin().await?;
    lock_account_contacts(&mut transaction, account, LockMode::Shared).await?;
    let mut update = QueryBuilder::<Postgres>::new("UPDATE contacts SET version = version + 1, updated_at = now()");
    for (column, value) in written_columns().into_iter().zip(written_values(contact)) {
        update.push(format!(", {column} = ")).push_bind(value);
    }
    update
        .push(" WHERE account_id = ")
        .push_bind(account)
        .push(" AND id = ")
        .push_bind(id)
        .push(" AND version = ")
        .push_bind(expected_version);
    let updated = update.build().execute(&mut *transaction).await.map_err(StoreError::from_write)?;
    if updated.rows_affected() == 0 {
        return Err(stale_or_missing(&mut transaction, account, id).await);
    }
    queue(&mut transaction, account, Written::Contact(id)).await?;
    transaction.commit().await?;
    get(pool, account, id).await
}

/// Deletes a contact if it is still at `expected_version` (else
/// [`StoreError::Stale`]; [`StoreError::NotFound`] when it is gone).
pub async fn delete(pool: &PgPool, account: AccountId, id: Uuid, expected_version: i32) -> Result<(), StoreError> {
    let mut transaction = pool.begin().await?;
    lock_account_contacts(&mut transaction, account, LockMode::Shared).await?;
    let deleted = sqlx::query("DELETE FROM contacts WHERE account_id = $1 AND id = $2 AND version = $3")
        .bind(account)
        .bind(id)
        .bind(expected_version)
        .execute(&mut *transaction)
        .await?;
    if deleted.rows_affected() == 0 {
        return Err(stale_or_missing(&mut transaction, account, id).await);
    }
    queue(&mut transaction, account, Written::Contact(id)).await?;
    transaction.commit().await?;
    Ok(())
}

/// Why a write guarded by a version touched no row: the contact is there at
/// another version ([`StoreError::Stale`]) or is not the account's at all.
async fn stale_or_missing(connection: &mut PgConnection, account: AccountId, id: Uuid) -> StoreError {
    let exists = sqlx::query("SELECT 1 FROM contacts WHERE account_id = $1 AND id = $2")
        .bind(account)
        .bind(id)
        .fetch_optional(&mut *connection)
        .await;
    match exists {
        Ok(Some(_)) => StoreError::Stale,
        Ok(None) => StoreError::NotFound,
        Err(error) => StoreError::Database(error),
    }
}

pub(crate) fn record_from_row(row: &sqlx::postgres::PgRow) -> Result<ContactRecord, StoreError> {
    Ok(ContactRecord {
        id: row.try_get("id")?,
        fields: fields_from_row(row)?,
        version: row.try_get("version")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

