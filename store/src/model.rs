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
    /// How many contacts match the search and filter in all; `None` when
    /// the caller already shows that count and asked for none
    /// ([`Total::Known`]).
    pub total: Option<MatchCount>,
}

/// Whether a page of the contacts list comes with its count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Total {
    /// Count the matches (a first page, or a page opened on its own).
    Count,
    /// The caller shows this search and filter's count already (it is
    /// paging, or only the order changed): the matches are not counted
    /// again.
    Known,
}

/// How many contacts match: counted exactly up to a cap, beyond which the
/// list says "1,000+" or "10,000+" (counting further would cost every page
/// a walk through every match).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MatchCount {
    /// This many, at most the cap.
    Exactly(u32),
    /// More than this cap.
    MoreThan(u32),
}

impl Default for MatchCount {
    fn default() -> Self {
        MatchCount::Exactly(0)
    }
}

impl MatchCount {
    /// The largest count of a search given exactly. A common term's
    /// matches are read through the trigram index and checked row by row,
    /// so counting to 10,001 took 22–33 ms for a term such as
    /// "@example.co.uk" in 200,000 contacts, more than its page; counting
    /// to 1,001 takes 0.5–3.5 ms once warm, and a page of a search is 50
    /// rows.
    pub const SEARCH_CAP: u32 = 1_000;
    /// The largest count of the whole list (or a category) given exactly:
    /// counted from the account's own index, without reading search text.
    pub const LIST_CAP: u32 = 10_000;

    /// The count of `counted` matches, where counting stopped at one past
    /// `cap`.
    pub fn of(counted: u64, cap: u32) -> MatchCount {
        match u32::try_from(counted) {
            Ok(count) if count <= cap => MatchCount::Exactly(count),
            _ => MatchCount::MoreThan(cap),
        }
    }

    /// As the list says it: "No contacts match.", "1 contact", "250
    /// contacts", "10,000+ contacts".
    pub fn sentence(self) -> String {
        match self {
            MatchCount::Exactly(0) => "No contacts match.".to_string(),
            MatchCount::Exactly(1) => "1 contact".to_string(),
            MatchCount::Exactly(count) => format!("{} contacts", sheets::size::thousands(u64::from(count))),
            MatchCount::MoreThan(cap) => format!("{}+ contacts", sheets::size::thousands(u64::from(cap))),
        }
    }
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

/// The signed-in user, as the page header shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserProfile {
    pub email: String,
    pub name: String,
    /// The organisation's name.
    pub account_name: String,
    /// The organisation's default country (ISO 3166-1 alpha-2), if it has one.
    pub account_country: Option<String>,
}

/// What the browser says about a file when it starts an import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewImport {
    pub file_name: String,
    /// SHA-256 of the file's bytes, lower-case hex (computed in the browser).
    pub file_sha256: String,
    pub file_size: i64,
    pub sheet_name: String,
    pub mode: rules::merge::MergeMode,
    /// Which fields the file has and their headers as written.
    pub columns: rules::headers::ImportColumns,
    /// How many rows will be uploaded.
    pub row_count: u32,
}

/// The contact the browser's preview matched a row to, and its version then.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewMatch {
    pub contact_id: Uuid,
    pub version: i32,
}

/// One row as the user left it in the browser (edited, not removed), with
/// what the preview matched it to (`None`: the preview saw a new contact),
/// and, for a row flagged as possibly the same as a contact, what the user
/// chose (the server re-checks it at confirm).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadedRow {
    pub row: rules::headers::ImportRow,
    pub preview: Option<PreviewMatch>,
    #[serde(default)]
    pub duplicate: rules::similar::DuplicateChoice,
}

/// The state of an import.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    /// Opened; rows may still be arriving; nothing applied yet.
    Open,
    /// Applied to the contacts.
    Committed,
    /// Refused at confirm (issues or a conflict); nothing was applied.
    Failed,
    /// Applied, then undone.
    Undone,
}

/// What an applied import did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportCounts {
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    /// Rows left out because the user chose to skip them as possible
    /// duplicates.
    #[serde(default)]
    pub skipped: u32,
}

/// The server's verdict on confirming an import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConfirmOutcome {
    /// Every row landed (or, confirmed again, had already landed).
    Committed { import_id: Uuid, counts: ImportCounts },
    /// Some rows have issues: nothing was written. `issues` holds the first
    /// ones (row by row), `total_issues` how many there are in all.
    Rejected { issues: Vec<rules::Issue>, total_issues: u32 },
}

/// One import in the history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub id: Uuid,
    pub file_name: String,
    pub file_sha256: String,
    /// Who ran it (their email; blank if the user was deleted).
    pub user_email: String,
    pub mode: rules::merge::MergeMode,
    pub status: ImportStatus,
    pub row_count: u32,
    pub counts: ImportCounts,
    /// Why it failed, in the words shown to the user.
    pub failure: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub committed_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub undone_at: Option<OffsetDateTime>,
    /// The headers of the file's columns whose data (some or all of it) the
    /// import did not take, as written; at most the column limit.
    #[serde(default)]
    pub left_out: Vec<String>,
}

/// Whether an import created a contact or changed one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeAction {
    Created,
    Updated,
}

/// One contact an import touched, before and after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactChange {
    pub contact_id: Uuid,
    /// The file's row it came from.
    pub line: u32,
    pub action: ChangeAction,
    /// `None` for a created contact.
    pub before: Option<ContactFields>,
    pub after: ContactFields,
}

/// One import with a page of the contacts it touched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportDetail {
    pub summary: ImportSummary,
    /// The changes on this page, in file row order.
    pub changes: Vec<ContactChange>,
    /// How many contacts the import touched in all.
    pub total_changes: u32,
}

/// The result of asking to undo an import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum UndoOutcome {
    /// Every contact is back as it was: `restored` changed back, `deleted`
    /// created ones removed.
    Undone { restored: u32, deleted: u32 },
    /// Nothing was changed, because later changes touched these contacts
    /// (their names, as they are now; at most 50 listed).
    Refused { contacts: Vec<String>, total: u32 },
}

/// What a notification is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// An import was applied.
    ImportCommitted,
    /// An import was refused at confirm; nothing was applied.
    ImportFailed,
    /// An applied import was undone.
    ImportUndone,
}

impl NotificationKind {
    /// Every kind.
    pub const ALL: [NotificationKind; 3] =
        [NotificationKind::ImportCommitted, NotificationKind::ImportFailed, NotificationKind::ImportUndone];

    /// The stored (and sent) text: `import_committed`, …
    pub const fn as_str(self) -> &'static str {
        match self {
            NotificationKind::ImportCommitted => "import_committed",
            NotificationKind::ImportFailed => "import_failed",
            NotificationKind::ImportUndone => "import_undone",
        }
    }

    /// The kind stored as `text`.
    pub fn from_text(text: &str) -> Option<NotificationKind> {
        NotificationKind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// Whether it reports something that did not happen (shown as a failure).
    pub fn is_failure(self) -> bool {
        self == NotificationKind::ImportFailed
    }
}

/// A message for the user about something that finished in the background.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: Uuid,
    pub import_id: Option<Uuid>,
    pub kind: NotificationKind,
    pub message: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub read: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notification_kinds_are_sent_as_their_stored_text() {
        for kind in NotificationKind::ALL {
            assert_eq!(serde_json::to_string(&kind).ok(), Some(format!("\"{}\"", kind.as_str())));
            assert_eq!(NotificationKind::from_text(kind.as_str()), Some(kind));
        }
        assert_eq!(NotificationKind::from_text("import_exploded"), None);
    }

    #[test]
    fn counts_past_the_cap_read_as_more_than_it() {
        assert_eq!(MatchCount::of(0, MatchCount::LIST_CAP).sentence(), "No contacts match.");
        assert_eq!(MatchCount::of(1, MatchCount::LIST_CAP).sentence(), "1 contact");
        assert_eq!(MatchCount::of(10_000, MatchCount::LIST_CAP).sentence(), "10,000 contacts");
        assert_eq!(MatchCount::of(10_001, MatchCount::LIST_CAP), MatchCount::MoreThan(10_000));
        assert_eq!(MatchCount::of(10_001, MatchCount::LIST_CAP).sentence(), "10,000+ contacts");
        assert_eq!(MatchCount::of(1_000, MatchCount::SEARCH_CAP).sentence(), "1,000 contacts");
        assert_eq!(MatchCount::of(1_001, MatchCount::SEARCH_CAP).sentence(), "1,000+ contacts");
    }
}

/// How an account last mapped a file with given headers: the columns it
/// chose by hand (by index in the header row) and its choices for unknown
/// Contact Type, Category and Country values. Reading one back checks every
/// value choice again (`ValueMapping`'s deserialiser).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RememberedMapping {
    pub columns: Vec<rules::headers::MappingOverride>,
    pub values: rules::choices::ValueMapping,
}
