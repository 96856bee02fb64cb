//! The demo account `scripts/run` creates, with a few dozen realistic contacts.

use rules::check::ExistingContacts;
use rules::form::check_contact;
// The demo account has no default country; its numbers are kept as written.
use rules::phone::LayoutOnly;
use rules::{ContactFields, Field};
use sqlx::{PgPool, Row};

use crate::accounts::create_account;
use crate::model::AccountId;
use crate::StoreError;

/// The demo login `scripts/run` prints.
pub const DEMO_EMAIL: &str = "demo@harbourproperty.example";
/// The demo password `scripts/run` prints (the demo holds only made-up data).
pub const DEMO_PASSWORD: &str = "harbour-demo-2026";
/// The demo organisation's name.
pub const DEMO_ACCOUNT_NAME: &str = "Harbour Property Management";

/// Whether the seed created the account or found it there already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedOutcome {
    Created(AccountId),
    AlreadyThere(AccountId),
}

/// Creates the demo account, its user and contacts unless the demo user exists.
/// `password_hash` is the hash of [`DEMO_PASSWORD`] (hashing is the app's job).
pub async fn seed_demo(pool: &PgPool, password_hash: &str) -> Result<SeedOutcome, StoreError> {
    if let Some(account) = demo_account(pool).await? {
        return Ok(SeedOutcome::AlreadyThere(account));
    }
    let Some((account, _user)) =
        create_account(pool, DEMO_ACCOUNT_NAME, DEMO_EMAIL, "Demo Manager", password_hash).await?
    else {
        // Created by a concurrent seed between the check and the insert.
        return demo_account(pool)
            .await?
            .map(SeedOutcome::AlreadyThere)
            .ok_or(StoreError::NotFound);
    };
    for fields in demo_contacts() {
        // The demo's contacts pass the contact form's rules (a test holds
        // them to it); one that did not would be left out, not stored.
        let Ok(contact) = check_contact(&fields, None, &ExistingContacts::default(), &LayoutOnly).into_valid() else {
            tracing::error!(name = %fields.display_name(), "a demo contact breaks the rules; left out");
            continue;
        };
        crate::contacts::insert(pool, account, &contact).await?;
    }
    Ok(SeedOutcome::Created(account))
}

/// The demo user's account, if it has been seeded.
pub async fn demo_account(pool: &PgPool) -> Result<Option<AccountId>, StoreError> {
    let row = sqlx::query("SELECT account_id FROM users WHERE lower(email) = lower($1)")
        .bind(DEMO_EMAIL)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(|row| row.try_get("account_id")).transpose()?)
}

/// The demo contacts: tenants, landlords, suppliers and agents in several
/// countries, each valid under the import rules.
pub fn demo_contacts() -> Vec<ContactFields> {
    DEMO_ROWS.iter().map(ContactFields::from_row).collect()
}

/// Columns in template order: Contact ID, Contact Type, Title, First Name,
/// Last Name, Company Name, Email, Phone, Mobile, Address Line 1, Address
/// Line 2, City, State / Region, Postcode, Country, Category, Notes.
#[rustfmt::skip]
const DEMO_ROWS: &[[&str; Field::COUNT]] = &[
    ["HPM-0001", "Person", "Ms", "Olivia", "Bennett", "", "olivia.bennett@example.com", "(02) 9555 0101", "0412 345 678", "Unit 4, 18 Ocean Street", "", "Bondi", "NSW", "2026", "AU", "Tenant", "Lease renews in March."],
    ["HPM-0002", "Person", "Mr", "James", "O'Connor", "", "james.oconnor@example.com", "", "0413 220 981", "7 Harbour View Road", "", "Mosman", "NSW", "2088", "AU", "Landlord", "Owns 3 units in Mosman."],
    ["HPM-0003", "Company", "", "", "", "Sparkle Cleaning Services", "accounts@sparkle-cleaning.example", "1300 555 019", "", "PO Box 1120", "", "Parramatta", "NSW", "2150", "AU", "Supplier", "End-of-lease cleans."],
    ["HPM-0004", "Person", "Dr", "Priya", "Raman", "", "priya.raman@example.com", "", "0421 118 340", "22/5 King Street", "", "Newtown", "NSW", "2042", "AU", "Tenant", ""],
    ["HPM-0005", "Company", "", "", "", "Coastal Realty Partners", "leasing@coastalrealty.example", "(07) 5555 0144", "", "Level 2, 80 Cavill Avenue", "", "Surfers Paradise", "QLD", "4217", "AU", "Agent", "Referral partner on the Gold Coast."],
    ["HPM-0006", "Person", "Mrs", "Helen", "Nguyen", "", "helen.nguyen@example.com", "(03) 9555 0172", "0433 901 245", "15 Chapel Lane", "", "South Yarra", "VIC", "3141", "AU", "Landlord", ""],
    ["HPM-0007", "Person", "Mr", "Tom", "Fletcher", "", "tom.fletcher@example.com", "", "0400 555 213", "3/41 Beach Road", "", "St Kilda", "VIC", "3182", "AU", "Tenant", "Has a small dog (approved)."],
    ["HPM-0008", "Company", "", "", "", "Reliable Plumbing Co", "jobs@reliableplumbing.example", "(02) 9555 0188", "0455 010 203", "12 Industrial Drive", "", "Alexandria", "NSW", "2015", "AU", "Supplier", "24/7 emergency call-outs."],
    ["HPM-0009", "Person", "Ms", "Grace", "Williams", "", "grace.williams@example.co.uk", "+44 20 7946 0000", "+44 7700 900123", "Flat 2, 14 Camden Road", "", "London", "Greater London", "NW1 9DP", "GB", "Tenant", ""],
    ["HPM-0010", "Person", "Mr", "Oliver", "Hughes", "", "oliver.hughes@example.co.uk", "+44 161 496 0321", "", "88 Deansgate", "", "Manchester", "Greater Manchester", "M3 2BW", "GB", "Landlord", "Prefers email."],
    ["HPM-0011", "Company", "", "", "", "Thames Lettings Ltd", "hello@thameslettings.example", "+44 20 7946 0811", "", "201 Borough High Street", "", "London", "Greater London", "SE1 1JA", "GB", "Agent", ""],
    ["HPM-0012", "Person", "Ms", "Aoife", "Byrne", "", "aoife.byrne@example.ie", "+353 1 555 0199", "", "9 Merrion Square", "", "Dublin", "Leinster", "D02 XY45", "IE", "Tenant", ""],
    ["HPM-0013", "Person", "Mr", "Liam", "Walsh", "", "liam.walsh@example.ie", "", "+353 87 555 0112", "41 Patrick Street", "", "Cork", "Munster", "T12 AB34", "IE", "Landlord", ""],
    ["HPM-0014", "Person", "Mrs", "Sophie", "Taylor", "", "sophie.taylor@example.co.nz", "+64 9 555 0143", "+64 21 555 0198", "17 Ponsonby Road", "", "Auckland", "Auckland", "1011", "NZ", "Tenant", ""],
    ["HPM-0015", "Company", "", "", "", "Kiwi Property Maintenance", "office@kiwimaintenance.example", "+64 4 555 0170", "", "5 Cuba Street", "", "Wellington", "Wellington", "6011", "NZ", "Supplier", "Gutters and roofing."],
    ["HPM-0016", "Person", "Mr", "Daniel", "Brooks", "", "daniel.brooks@example.com", "+1 212 555 0147", "", "350 West 42nd Street", "Apt 12B", "New York", "NY", "10036", "US", "Tenant", ""],
    ["HPM-0017", "Person", "Ms", "Maria", "Garcia", "", "maria.garcia@example.com", "+1 305 555 0116", "+1 305 555 0177", "1200 Brickell Avenue", "", "Miami", "FL", "33131", "US", "Landlord", "Owns a duplex."],
    ["HPM-0018", "Company", "", "", "", "Evergreen Landscaping LLC", "crew@evergreen-landscaping.example", "+1 503 555 0190", "", "77 Burnside Street", "", "Portland", "OR", "97214", "US", "Supplier", ""],
    ["HPM-0019", "Person", "Mr", "Lucas", "Martin", "", "lucas.martin@example.ca", "+1 416 555 0133", "", "60 Queen Street West", "", "Toronto", "ON", "M5H 2M4", "CA", "Tenant", ""],
    ["HPM-0020", "Person", "Mme", "Camille", "Dubois", "", "camille.dubois@example.fr", "+33 1 55 55 01 23", "", "12 Rue de Rivoli", "", "Paris", "Ile-de-France", "75004", "FR", "Landlord", ""],
    ["HPM-0021", "Person", "Herr", "Jonas", "Schneider", "", "jonas.schneider@example.de", "+49 30 5555 0101", "", "Friedrichstrasse 45", "", "Berlin", "Berlin", "10117", "DE", "Tenant", ""],
    ["HPM-0022", "Company", "", "", "", "Secure Locksmiths", "service@securelocks.example", "1300 555 077", "", "4 Market Lane", "", "Brisbane", "QLD", "4000", "AU", "Supplier", "Key cutting and lock changes."],
    ["HPM-0023", "Person", "Ms", "Chloe", "Anderson", "", "chloe.anderson@example.com", "", "0422 555 610", "9 Grove Street", "", "Fremantle", "WA", "6160", "AU", "Tenant", ""],
    ["HPM-0024", "Person", "Mr", "Ethan", "Clarke", "", "ethan.clarke@example.com", "(08) 8555 0190", "", "31 Rundle Mall", "", "Adelaide", "SA", "5000", "AU", "Landlord", ""],
    ["HPM-0025", "Company", "", "", "", "Metro Strata Agents", "strata@metroagents.example", "(02) 9555 0420", "", "Suite 5, 100 George Street", "", "Sydney", "NSW", "2000", "AU", "Agent", ""],
    ["HPM-0026", "Person", "Ms", "Isla", "Robertson", "", "isla.robertson@example.com", "", "0431 555 872", "6 Salamanca Place", "", "Hobart", "TAS", "7000", "AU", "Tenant", "Moving out in June."],
    ["HPM-0027", "Person", "Mr", "Noah", "Patel", "", "noah.patel@example.com", "(02) 6255 0133", "", "14 Lonsdale Street", "", "Braddon", "ACT", "2612", "AU", "Tenant", ""],
    ["HPM-0028", "Company", "", "", "", "BrightSpark Electrical", "bookings@brightspark.example", "(03) 9555 0660", "0466 555 101", "22 Sparks Avenue", "", "Richmond", "VIC", "3121", "AU", "Supplier", "Licensed electricians."],
    ["HPM-0029", "Person", "Mrs", "Zoe", "Mitchell", "", "zoe.mitchell@example.com", "", "0419 555 334", "2 Jetty Road", "", "Glenelg", "SA", "5045", "AU", "Landlord", ""],
    ["HPM-0030", "Person", "Mr", "Jack", "Thompson", "", "jack.thompson@example.com", "(07) 3555 0108", "", "47 Brunswick Street", "", "Fortitude Valley", "QLD", "4006", "AU", "Tenant", ""],
    ["HPM-0031", "Person", "Ms", "Mia", "Kowalski", "", "mia.kowalski@example.com", "", "0402 555 917", "19 Darby Street", "", "Cooks Hill", "NSW", "2300", "AU", "Tenant", ""],
    ["HPM-0032", "Company", "", "", "", "Harbourside Pest Control", "info@harbourpest.example", "1800 555 246", "", "8 Wharf Road", "", "Balmain", "NSW", "2041", "AU", "Supplier", ""],
    ["HPM-0033", "Person", "Mr", "Samuel", "Lee", "", "samuel.lee@example.com", "+65 6555 0123", "", "10 Marina Boulevard", "", "Singapore", "", "018983", "SG", "Landlord", "Overseas owner; prefers video calls."],
    ["HPM-0034", "Person", "Ms", "Hannah", "Fischer", "", "hannah.fischer@example.com", "", "0438 555 665", "5/12 Smith Street", "", "Fitzroy", "VIC", "3065", "AU", "Tenant", ""],
    ["HPM-0035", "Company", "", "", "", "Pacific Property Valuers", "valuations@pacificvaluers.example", "(02) 9555 0777", "", "Level 9, 1 Macquarie Place", "", "Sydney", "NSW", "2000", "AU", "Other", "Annual valuations."],
    ["HPM-0036", "Person", "Mr", "Ryan", "Kelly", "", "ryan.kelly@example.com", "", "0409 555 443", "28 Bay Street", "", "Port Melbourne", "VIC", "3207", "AU", "Tenant", ""],
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_contacts_have_unique_ids_and_emails() {
        let contacts = demo_contacts();
        assert!(contacts.len() >= 30);
        let mut references: Vec<_> = contacts.iter().map(|c| c.get(Field::Reference).to_string()).collect();
        let mut emails: Vec<_> = contacts.iter().map(|c| c.get(Field::Email).to_lowercase()).collect();
        references.sort();
        references.dedup();
        emails.sort();
        emails.dedup();
        assert_eq!(references.len(), contacts.len());
        assert_eq!(emails.len(), contacts.len());
    }

    #[test]
    fn every_demo_contact_passes_the_contact_forms_rules() {
        for fields in demo_contacts() {
            let check = check_contact(&fields, None, &ExistingContacts::default(), &LayoutOnly);
            assert!(check.is_valid(), "{}: {:?}", fields.display_name(), check.issues);
            assert_eq!(check.values, fields, "stored as given");
        }
    }
}
