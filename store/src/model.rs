//! The records the data layer hands out, which also cross the wire to the
//! browser (so this module compiles without the `postgres` feature).

use rules::{Category, ContactFields, Field};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

/// The id of an account (an organisation). Every query takes one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "postgres", derive(sqlx::Type), sqlx(transparent))]
pub struct AccountId(pub Uuid);

/// The id of a user, who belongs to exactly one account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "postgres", derive(sqlx::Type), sqlx(transparent))]
pub struct UserId(pub Uuid);

/// One line of the contacts list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactSummary {
    pub id: Uuid,
    /// "First Last" for a person, the company name for a company.
    pub name: String,
    pub company_name: String,
    pub email: String,
    /// The phone, or the mobile when there is no phone.
    pub phone: String,
    pub category: String,
}

impl ContactSummary {
    /// The list line for a contact's stored values.
    pub fn from_fields(id: Uuid, fields: &ContactFields) -> ContactSummary {
        let phone = if fields.get(Field::Phone).is_empty() {
            fields.get(Field::Mobile)
        } else {
            fields.get(Field::Phone)
        };
        ContactSummary {
            id,
            name: fields.display_name(),
            company_name: fields.get(Field::CompanyName).to_string(),
            email: fields.get(Field::Email).to_string(),
            phone: phone.to_string(),
            category: fields.get(Field::Category).to_string(),
        }
    }
}

/// How the contacts list is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactSort {
    /// People by last then first name, companies by company name.
    #[default]
    Name,
    /// By company name.
    Company,
    /// Most recently changed first.
    Updated,
}

/// What the contacts list shows: a search, a filter, an order, a page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactQuery {
    /// Text to find in names, company, email, Contact ID and phones; blank for all.
    pub search: String,
    /// Only contacts of this category.
    pub category: Option<Category>,
    pub sort: ContactSort,
    /// Continue after this position (from the previous page's `next`).
    pub after: Option<PageCursor>,
}

/// Where a page of the contacts list ended, for keyset paging.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PageCursor {
    /// The sort key of the last contact shown (text, or a timestamp in RFC 3339).
    pub key: String,
    /// Its id, which breaks ties between equal keys.
    pub id: Uuid,
}

/// One page of the contacts list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPage {
    pub contacts: Vec<ContactSummary>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<PageCursor>,
    /// How many contacts match the search and filter in all.
    pub total: i64,
}

/// A stored contact with its bookkeeping.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactRecord {
    pub id: Uuid,
    pub fields: ContactFields,
    /// Bumped by every write; an edit sends it back to detect a change in between.
    pub version: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}
