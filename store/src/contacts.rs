//! Reading and writing single contacts, and the searchable, paged list.

use rules::check::match_key;
use rules::{ContactFields, Field};
use sqlx::{PgPool, Postgres, QueryBuilder, Row};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::fields_sql::{field_columns, fields_from_row};
use crate::model::{AccountId, ContactPage, ContactQuery, ContactRecord, ContactSort, ContactSummary, PageCursor};
use crate::StoreError;

/// How many contacts one page of the list holds.
pub const PAGE_SIZE: i64 = 50;

/// One page of the account's contacts matching `query`.
pub async fn list(pool: &PgPool, account: AccountId, query: &ContactQuery) -> Result<ContactPage, StoreError> {
    let mut select = QueryBuilder::<Postgres>::new("SELECT id, sort_name, lower(company_name) AS company_key, updated_at, ");
    select.push(field_columns("")).push(" FROM contacts");
    push_filters(&mut select, account, query);
    if let Some(cursor) = &query.after {
        push_after(&mut select, query.sort, cursor)?;
    }
    select.push(match query.sort {
        ContactSort::Name => " ORDER BY sort_name, id",
        ContactSort::Company => " ORDER BY lower(company_name), id",
        ContactSort::Updated => " ORDER BY updated_at DESC, id",
    });
    // One more than a page tells whether there is a next page.
    select.push(" LIMIT ").push_bind(PAGE_SIZE + 1);
    let rows = select.build().fetch_all(pool).await?;

    let mut contacts = Vec::with_capacity(rows.len());
    let mut next = None;
    for (position, row) in rows.iter().enumerate() {
        if position as i64 == PAGE_SIZE {
            break;
        }
        let id: Uuid = row.try_get("id")?;
        contacts.push(ContactSummary::from_fields(id, &fields_from_row(row)?));
        if position as i64 == PAGE_SIZE - 1 && rows.len() as i64 > PAGE_SIZE {
            next = Some(PageCursor { key: sort_key(row, query.sort)?, id });
        }
    }

    let mut count = QueryBuilder::<Postgres>::new("SELECT count(*) FROM contacts");
    push_filters(&mut count, account, query);
    let total: i64 = count.build().fetch_one(pool).await?.try_get(0)?;
    Ok(ContactPage { contacts, next, total })
}

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

/// Inserts a contact with already-validated, normalised values.
pub async fn insert(pool: &PgPool, account: AccountId, fields: &ContactFields) -> Result<Uuid, StoreError> {
    let mut insert = QueryBuilder::<Postgres>::new("INSERT INTO contacts (account_id, reference_key, email_key, ");
    insert
        .push(field_columns(""))
        .push(") VALUES (")
        .push_bind(account)
        .push(", ")
        .push_bind(match_key(fields.get(Field::Reference)))
        .push(", ")
        .push_bind(match_key(fields.get(Field::Email)));
    for (_, value) in fields.iter() {
        insert.push(", ").push_bind(value.to_string());
    }
    insert.push(") RETURNING id");
    let id: Uuid = insert.build().fetch_one(pool).await?.try_get("id")?;
    Ok(id)
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

/// `WHERE account_id = … [AND search] [AND category]`.
fn push_filters(builder: &mut QueryBuilder<'_, Postgres>, account: AccountId, query: &ContactQuery) {
    builder.push(" WHERE account_id = ").push_bind(account);
    let search = query.search.trim();
    if !search.is_empty() {
        builder
            .push(" AND search_text LIKE ")
            .push_bind(format!("%{}%", escape_like(&search.to_lowercase())));
    }
    if let Some(category) = query.category {
        builder.push(" AND category = ").push_bind(category.as_str());
    }
}

/// The keyset condition: strictly after `cursor` in the sort order.
fn push_after(builder: &mut QueryBuilder<'_, Postgres>, sort: ContactSort, cursor: &PageCursor) -> Result<(), StoreError> {
    match sort {
        ContactSort::Name => {
            builder.push(" AND (sort_name, id) > (").push_bind(cursor.key.clone());
        }
        ContactSort::Company => {
            builder.push(" AND (lower(company_name), id) > (").push_bind(cursor.key.clone());
        }
        ContactSort::Updated => {
            // A cursor that does not parse is treated as "from the start".
            let Ok(at) = OffsetDateTime::parse(&cursor.key, &Rfc3339) else {
                return Ok(());
            };
            builder
                .push(" AND (updated_at < ")
                .push_bind(at)
                .push(" OR (updated_at = ")
                .push_bind(at)
                .push(" AND id > ")
                .push_bind(cursor.id)
                .push("))");
            return Ok(());
        }
    }
    builder.push(", ").push_bind(cursor.id).push(")");
    Ok(())
}

fn sort_key(row: &sqlx::postgres::PgRow, sort: ContactSort) -> Result<String, StoreError> {
    Ok(match sort {
        ContactSort::Name => row.try_get("sort_name")?,
        ContactSort::Company => row.try_get("company_key")?,
        ContactSort::Updated => {
            let at: OffsetDateTime = row.try_get("updated_at")?;
            at.format(&Rfc3339).unwrap_or_default()
        }
    })
}

/// Escapes LIKE's wildcards so a search for "50%" finds the text "50%".
fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        if matches!(character, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(character);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::escape_like;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(escape_like("50%_off\\"), "50\\%\\_off\\\\");
        assert_eq!(escape_like("ana"), "ana");
    }
}
