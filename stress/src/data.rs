//! Contacts to import, what the database must hold afterwards, and the
//! check of one account's contacts against it.

use std::collections::HashMap;

use rules::validate::normalise_cell;
use rules::{ContactFields, Field};
use sqlx::{PgPool, Row};
use uuid::Uuid;

const FIRST: &[&str] = &["Ana", "Ben", "Chloé", "Dmitri", "Eve", "Farah", "Giulia", "Hēmi", "Ingrid", "Jun", "Kofi", "Léa", "Mateo", "Noor", "Olu", "Priya"];
const LAST: &[&str] = &["Silva", "Okafor", "Nguyen", "Müller", "O'Brien", "García", "Tanaka", "Walker", "Ngata", "Kowalski", "Haddad", "Smith"];
const CITIES: &[(&str, &str, &str)] = &[
    ("Auckland", "Auckland", "NZ"),
    ("Melbourne", "Victoria", "AU"),
    ("Darwin", "Northern Territory", "AU"),
    ("London", "", "GB"),
    ("Dresden", "Saxony", "DE"),
    ("Boston", "MA", "US"),
    ("Singapore", "", "SG"),
];
const CATEGORIES: &[&str] = &["Tenant", "Landlord", "Supplier", "Agent", "Other"];

/// splitmix64: small and deterministic.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A contact with Contact ID `reference`, its values varied by `seed`, and
/// `version_note` in its notes (so an update always changes something).
/// Every value is already in the form the server stores.
pub fn contact(reference: &str, seed: u64, version_note: &str) -> ContactFields {
    let r = mix(seed);
    let pick = |items: &[&'static str], shift: u32| items[((r >> shift) as usize) % items.len()];
    let (city, region, country) = CITIES[((r >> 8) as usize) % CITIES.len()];
    let company = (r >> 40) % 7 == 0;
    let mut fields = ContactFields::blank();
    let email = format!("{}@load.example", reference.to_ascii_lowercase());
    // An Auckland number in E.164 (the stored form), one libphonenumber
    // calls real: its first digit after the area code is 2–9.
    let phone = format!("+649{}{:06}", 2 + (r >> 12) % 8, (r >> 24) % 1_000_000);
    let postcode = format!("{:04}", (r >> 32) % 10_000);
    let notes = format!("Imported by the load test. {version_note}");
    let pairs: Vec<(Field, String)> = vec![
        (Field::Reference, reference.to_string()),
        (Field::Kind, if company { "Company" } else { "Person" }.to_string()),
        (Field::FirstName, if company { String::new() } else { pick(FIRST, 0).to_string() }),
        (Field::LastName, if company { String::new() } else { pick(LAST, 4).to_string() }),
        (Field::CompanyName, if company { format!("{} Property Services", pick(LAST, 4)) } else { String::new() }),
        (Field::Email, email),
        (Field::Phone, phone),
        (Field::AddressLine1, format!("{} Harbour Street", (r >> 16) % 400 + 1)),
        (Field::City, city.to_string()),
        (Field::Region, region.to_string()),
        (Field::Postcode, postcode),
        (Field::Country, country.to_string()),
        (Field::Category, pick(CATEGORIES, 20).to_string()),
        (Field::Notes, notes),
    ];
    for (field, value) in pairs {
        fields.set(field, normalise_cell(field, &value).unwrap_or(value));
    }
    fields
}

/// How this driver's own database sessions are named, so that watching the
/// server's sessions in `pg_stat_activity` can leave them out.
pub const APPLICATION_NAME: &str = "stress";

/// A few connections for the checks.
pub async fn connect(url: &str, connections: u32) -> Result<PgPool, sqlx::Error> {
    let options: sqlx::postgres::PgConnectOptions = url.parse()?;
    sqlx::postgres::PgPoolOptions::new()
        .max_connections(connections)
        .connect_with(options.application_name(APPLICATION_NAME))
        .await
}

/// The columns of `contacts` that hold the fields, in template order.
fn field_columns() -> String {
    Field::ALL.iter().map(|field| field.key()).collect::<Vec<_>>().join(", ")
}

/// The account of the user with `email`.
pub async fn account_of(pool: &PgPool, email: &str) -> Result<Uuid, String> {
    sqlx::query_scalar("SELECT account_id FROM users WHERE lower(email) = lower($1)")
        .bind(email)
        .fetch_one(pool)
        .await
        .map_err(|error| format!("the account of {email}: {error}"))
}

/// Every contact of `account`, by Contact ID.
pub async fn stored_contacts(pool: &PgPool, account: Uuid) -> Result<HashMap<String, ContactFields>, String> {
    let rows = sqlx::query(&format!("SELECT {} FROM contacts WHERE account_id = $1", field_columns()))
        .bind(account)
        .fetch_all(pool)
        .await
        .map_err(|error| format!("reading the contacts: {error}"))?;
    let mut contacts = HashMap::with_capacity(rows.len());
    for row in rows {
        let mut fields = ContactFields::blank();
        for field in Field::ALL {
            let value: Option<String> = row.try_get(field.index()).map_err(|error| error.to_string())?;
            fields.set(field, value.unwrap_or_default());
        }
        contacts.insert(fields.get(Field::Reference).to_string(), fields);
    }
    Ok(contacts)
}

/// Everything about an account's contacts, bookkeeping included (ids,
/// versions, timestamps), as one digest: equal digests mean nothing changed.
pub async fn digest(pool: &PgPool, account: Uuid) -> Result<(i64, String), String> {
    sqlx::query_as(
        "SELECT count(*), coalesce(md5(string_agg(c::text, '|' ORDER BY c.id)), '') FROM contacts c WHERE account_id = $1",
    )
    .bind(account)
    .fetch_one(pool)
    .await
    .map_err(|error| format!("digesting the contacts: {error}"))
}

/// How an account's contacts compare with what was expected.
#[derive(Debug, Default)]
pub struct Comparison {
    pub expected: usize,
    pub stored: usize,
    pub missing: Vec<String>,
    pub unexpected: Vec<String>,
    pub different: Vec<String>,
}

impl Comparison {
    pub fn is_exact(&self) -> bool {
        self.expected == self.stored && self.missing.is_empty() && self.unexpected.is_empty() && self.different.is_empty()
    }

    pub fn describe(&self) -> String {
        let first = |items: &[String]| items.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
        format!(
            "{} expected, {} stored; {} missing ({}); {} unexpected ({}); {} with other values ({})",
            self.expected,
            self.stored,
            self.missing.len(),
            first(&self.missing),
            self.unexpected.len(),
            first(&self.unexpected),
            self.different.len(),
            first(&self.different)
        )
    }
}

/// Compares an account's stored contacts with `expected`, value by value.
pub async fn compare(pool: &PgPool, account: Uuid, expected: &HashMap<String, ContactFields>) -> Result<Comparison, String> {
    let stored = stored_contacts(pool, account).await?;
    let mut comparison = Comparison { expected: expected.len(), stored: stored.len(), ..Comparison::default() };
    for (reference, fields) in expected {
        match stored.get(reference) {
            None => comparison.missing.push(reference.clone()),
            Some(found) if found != fields => {
                let field = Field::ALL.into_iter().find(|&field| found.get(field) != fields.get(field));
                let detail = field.map(|field| format!("{:?}: {:?} ≠ {:?}", field, found.get(field), fields.get(field)));
                comparison.different.push(format!("{reference} {}", detail.unwrap_or_default()));
            }
            Some(_) => {}
        }
    }
    comparison.unexpected = stored.keys().filter(|reference| !expected.contains_key(*reference)).cloned().collect();
    comparison.missing.sort();
    comparison.unexpected.sort();
    Ok(comparison)
}
