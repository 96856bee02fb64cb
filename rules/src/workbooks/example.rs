//! The example file's contacts: realistic, varied, and valid.

use crate::contact::ContactFields;
use crate::field::Field;

/// About a dozen contacts — people and companies in several countries, some
/// with Contact IDs, some matched by email only — that import with no issue.
pub fn example_contacts() -> Vec<ContactFields> {
    EXAMPLE_ROWS.iter().map(ContactFields::from_row).collect()
}

/// Columns in template order (see `Field::ALL`).
#[rustfmt::skip]
const EXAMPLE_ROWS: &[[&str; Field::COUNT]] = &[
    ["EX-1001", "Person", "Ms", "Charlotte", "Davies", "", "charlotte.davies@example.com", "(02) 9555 0123", "0412 555 019", "14 Wattle Street", "Unit 3", "Ultimo", "NSW", "2007", "AU", "Tenant", "Prefers contact by email."],
    ["EX-1002", "Person", "Mr", "William", "Chen", "", "william.chen@example.com", "", "0423 555 871", "8 Elizabeth Bay Road", "", "Elizabeth Bay", "NSW", "2011", "Australia", "Landlord", "Owns two apartments in the building."],
    ["EX-1003", "Company", "", "", "", "Greenway Gardening Pty Ltd", "hello@greenway-gardening.example", "1300 555 404", "", "22 Nursery Lane", "", "Castle Hill", "NSW", "2154", "AU", "Supplier", "Quarterly garden maintenance."],
    ["EX-1004", "Person", "Dr", "Amelia", "Hart", "", "amelia.hart@example.co.uk", "+44 20 7946 0958", "+44 7400 123456", "3 Albert Mews", "", "London", "Greater London", "W8 5RA", "United Kingdom", "Tenant", ""],
    ["EX-1005", "Company", "", "", "", "Northside Letting Agents", "lettings@northside.example", "+44 113 496 0777", "", "5 Park Row", "", "Leeds", "West Yorkshire", "LS1 5HD", "GB", "Agent", ""],
    ["", "Person", "Mrs", "Siobhan", "Murphy", "", "siobhan.murphy@example.ie", "+353 21 555 0143", "", "12 Grand Parade", "", "Cork", "Munster", "T12 X2P8", "Ireland", "Landlord", "No Contact ID: matched by email on re-import."],
    ["EX-1007", "person", "Mr", "Hemi", "Walker", "", "hemi.walker@example.co.nz", "+64 9 555 0188", "+64 21 555 0107", "40 Queen Street", "", "Auckland", "Auckland", "1010", "NZ", "tenant", ""],
    ["EX-1008", "Company", "", "", "", "Summit HVAC Services", "service@summit-hvac.example", "+1 (303) 555-0142 x12", "", "1550 Larimer Street", "Suite 400", "Denver", "CO", "80202", "US", "Supplier", "Air conditioning servicing."],
    ["EX-1009", "Person", "Ms", "Emma", "Tremblay", "", "emma.tremblay@example.ca", "+1 514 555 0163", "", "1200 Rue Sherbrooke Ouest", "", "Montréal", "QC", "H3A 1H9", "Canada", "Tenant", ""],
    ["EX-1010", "Company", "", "", "", "Lagoon Strata Management", "admin@lagoonstrata.example", "(07) 5555 0190", "", "Level 3, 9 Lagoon Drive", "", "Burleigh Heads", "QLD", "4220", "AU", "Other", "Body corporate manager."],
    ["EX-1011", "Person", "", "Lukas", "Becker", "", "lukas.becker@example.de", "+49 89 5555 0172", "", "Leopoldstrasse 28", "", "München", "Bayern", "80802", "DE", "Landlord", ""],
    ["EX-1012", "Person", "Ms", "Ana", "Souza", "", "", "", "0432 555 296", "7/21 Beach Street", "", "Coogee", "NSW", "2034", "AU", "Tenant", "No email: matched by Contact ID on re-import."],
];
