//! Notifications: what the user is told when an import finishes, fails or is
//! undone (a toast and a list).
//!
//! Invariant: a notification is written in the same transaction as the
//! status change it announces, so there is one per change and never one for
//! a change that rolled back. A user sees their account's notifications that
//! are addressed to them or to no one in particular, and only those.

use sqlx::{PgConnection, PgPool, Row};
use uuid::Uuid;

use super::ImportError;
use super::codec::CodecError;
use crate::model::{AccountId, Notification, NotificationKind, UserId};

/// How many notifications [`list`] returns at most.
pub const NOTIFICATIONS_LIMIT: i64 = 50;

/// The most ids one call to [`mark_read`] accepts.
pub const MAX_MARK_READ: usize = 1_000;

/// Records a notification about import `import_id` for `user` (all of the
/// account's users when `None`), on `conn` (the caller's transaction).
pub(crate) async fn notify(
    conn: &mut PgConnection,
    account: AccountId,
    user: Option<UserId>,
    import_id: Uuid,
    kind: NotificationKind,
    message: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO notifications (account_id, user_id, import_id, kind, message) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(account)
    .bind(user)
    .bind(import_id)
    .bind(kind.as_str())
    .bind(message)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The user's notifications: unread ones first, newest first within each,
/// at most [`NOTIFICATIONS_LIMIT`].
pub async fn list(pool: &PgPool, account: AccountId, user: UserId) -> Result<Vec<Notification>, ImportError> {
    let rows = sqlx::query(
        "SELECT id, import_id, kind, message, created_at, read_at IS NOT NULL AS read
         FROM notifications
         WHERE account_id = $1 AND (user_id IS NULL OR user_id = $2)
         ORDER BY read_at IS NOT NULL, created_at DESC, id
         LIMIT $3",
    )
    .bind(account)
    .bind(user)
    .bind(NOTIFICATIONS_LIMIT)
    .fetch_all(pool)
    .await?;
    let notifications = rows
        .iter()
        .map(|row| {
            Ok(Notification {
                id: row.try_get("id")?,
                import_id: row.try_get("import_id")?,
                kind: {
                    let kind: String = row.try_get("kind")?;
                    NotificationKind::from_text(&kind)
                        .ok_or_else(|| sqlx::Error::from(CodecError::new("notifications.kind", kind)))?
                },
                message: row.try_get("message")?,
                created_at: row.try_get("created_at")?,
                read: row.try_get("read")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(notifications)
}

/// Marks the user's notifications `ids` read. Ids that are not the user's
/// (or do not exist) are ignored, so the answer says nothing about them.
/// At most [`MAX_MARK_READ`] ids per call.
pub async fn mark_read(pool: &PgPool, account: AccountId, user: UserId, ids: &[Uuid]) -> Result<(), ImportError> {
    if ids.len() > MAX_MARK_READ {
        return Err(ImportError::Invalid(format!(
            "Too many notifications at once: mark at most {MAX_MARK_READ} per request."
        )));
    }
    if ids.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "UPDATE notifications SET read_at = now()
         WHERE account_id = $1 AND (user_id IS NULL OR user_id = $2) AND id IN (SELECT unnest($3::uuid[])) AND read_at IS NULL",
    )
    .bind(account)
    .bind(user)
    .bind(ids)
    .execute(pool)
    .await?;
    Ok(())
}
