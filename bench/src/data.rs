//! Realistic contact rows, generated deterministically (the same seed always
//! gives the same rows, so a cached workbook and a regenerated one agree).
//!
//! People and companies in nine countries; phones in local and international
//! forms; postcodes with leading zeros (Darwin, Boston, Dresden, Whangārei,
//! Singapore…) kept as text, others sometimes typed by Excel as numbers, as
//! are some mobiles; countries as codes, names or lower case; categories and
//! contact types in any case. Every row has a Contact ID or an email (most
//! have both), so a second import of the same rows updates them.
//!
//! Invalid rows (when asked for) are spread evenly and each has one plain
//! mistake a user makes: a broken email, a short phone, an unknown country or
//! category, a missing last or company name, an over-long title, or an email
//! repeated from an earlier row (which gives that earlier row an issue too).

use rules::Field;

/// A cell as a spreadsheet holds it: text, or a number Excel typed.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Text(String),
    Number(f64),
}

impl Value {
    fn text(text: impl Into<String>) -> Value {
        Value::Text(text.into())
    }

    /// The cell's text as the reader gives it (a whole number without `.0`).
    pub fn as_text(&self) -> String {
        match self {
            Value::Text(text) => text.clone(),
            Value::Number(number) => format!("{number}"),
        }
    }
}

/// One generated row, in template column order.
pub type Row = [Value; Field::COUNT];

/// What to generate.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    pub rows: usize,
    /// Invalid rows per thousand (about; a repeated email makes two).
    pub invalid_per_mille: u32,
    /// Whether every row has a Contact ID (as an export has), else about one
    /// in ten has only its email.
    pub all_ids: bool,
    pub seed: u64,
}

/// splitmix64: small, fast, and good enough for test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// 0..n
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// true with probability `percent` / 100.
    pub fn percent(&mut self, percent: u32) -> bool {
        self.next() % 100 < u64::from(percent)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// `n` random decimal digits.
    pub fn digits(&mut self, n: usize) -> String {
        (0..n).map(|_| char::from(b'0' + (self.next() % 10) as u8)).collect()
    }
}

const FIRST_NAMES: &[&str] = &[
    "Olivia", "James", "Priya", "Helen", "Tom", "Grace", "Oliver", "Aoife", "Liam", "Sophie", "Daniel", "Maria",
    "Lucas", "Camille", "Jonas", "Chloe", "Ethan", "Isla", "Noah", "Zoë", "Jack", "Mia", "Samuel", "Hannah",
    "Ryan", "Amelia", "William", "Charlotte", "Henry", "Ava", "Mohammed", "Fatima", "Wei", "Mei", "Hiroshi",
    "Yuki", "José", "Lucía", "François", "Élodie", "Jürgen", "Anneke", "Siobhán", "Seán", "Tama", "Aroha",
    "Rahul", "Anika", "Kwame", "Ngozi", "Dmitri", "Olga", "Mateo", "Valentina", "Lars", "Ingrid", "Emma",
    "Benjamin", "Ella", "Leo",
];

const LAST_NAMES: &[&str] = &[
    "Bennett", "O'Connor", "Raman", "Nguyen", "Fletcher", "Williams", "Hughes", "Byrne", "Walsh", "Taylor",
    "Brooks", "Garcia", "Martin", "Dubois", "Schneider", "Anderson", "Clarke", "Robertson", "Patel", "Mitchell",
    "Thompson", "Kowalski", "Lee", "Fischer", "Kelly", "Smith", "Jones", "Brown", "Wilson", "Müller", "Rossi",
    "Tanaka", "Kim", "Chen", "Singh", "Okafor", "Mensah", "Ivanova", "Fernández", "López", "Van der Berg",
    "MacDonald", "Ní Bhriain", "Te Whiu", "Ngata", "Johansson", "Nielsen", "Costa", "Silva", "Haddad",
    "Cohen", "Murphy", "Campbell", "Stewart", "Wright", "Green", "Baker", "Hall", "Young", "King",
];

const TITLES: &[&str] = &["Mr", "Ms", "Mrs", "Dr", "Miss", "Mx", "", "", ""];

const COMPANY_WORDS: &[&str] = &[
    "Harbour", "Coastal", "Reliable", "Sparkle", "Evergreen", "BrightSpark", "Secure", "Metro", "Pacific",
    "Summit", "Northside", "Riverbank", "Greenway", "Ironbark", "Bluewater", "Keystone", "Silver Fern",
    "Highland", "Westgate", "Golden Mile",
];

const COMPANY_TRADES: &[&str] = &[
    "Plumbing", "Cleaning Services", "Realty", "Electrical", "Landscaping", "Locksmiths", "Strata Agents",
    "Property Valuers", "Pest Control", "Roofing", "Painting", "Glass & Glazing", "Removals", "Lettings",
    "Facilities", "Building Inspections", "Air Conditioning", "Carpentry",
];

const STREETS: &[&str] = &[
    "Ocean", "Harbour View", "King", "Chapel", "Beach", "Camden", "Queen", "Market", "Church", "High", "Station",
    "Park", "Victoria", "George", "Elizabeth", "Mill", "Bridge", "Hill", "Water", "Rose",
];

const STREET_KINDS: &[&str] = &["Street", "Road", "Avenue", "Lane", "Drive", "Place", "Parade", "Terrace", "Way", "Close"];

const NOTES: &[&str] = &[
    "Lease renews in March.",
    "Prefers email.",
    "Has a small dog (approved).",
    "Owns 3 units in the building.",
    "24/7 emergency call-outs.",
    "Referral partner.",
    "Moving out in June.",
    "Key cutting and lock changes.",
    "Overseas owner; prefers video calls.",
    "Annual valuations, invoice quarterly.",
];

const CATEGORIES: &[(&str, u32)] =
    &[("Tenant", 45), ("tenant", 5), ("Landlord", 18), ("LANDLORD", 2), ("Supplier", 15), ("Agent", 10), ("Other", 5)];

/// A country: how its name is written, its places and phone styles.
struct Country {
    code: &'static str,
    names: &'static [&'static str],
    /// (city, region, postcode pattern): `#` is a random digit, `A` a random
    /// letter; a pattern starting with `0` keeps its leading zero as text.
    places: &'static [(&'static str, &'static str, &'static str)],
    /// Phone patterns (`#` digit).
    phones: &'static [&'static str],
    mobiles: &'static [&'static str],
    company_suffix: &'static str,
    email_domain: &'static str,
    weight: u32,
}

const COUNTRIES: &[Country] = &[
    Country {
        code: "AU",
        names: &["Australia", "australia"],
        places: &[
            ("Sydney", "NSW", "20##"),
            ("Bondi", "NSW", "2026"),
            ("Darwin", "NT", "08##"),
            ("Melbourne", "VIC", "30##"),
            ("Brisbane", "QLD", "40##"),
            ("Perth", "WA", "60##"),
            ("Hobart", "TAS", "70##"),
            ("Canberra", "ACT", "26##"),
            ("Adelaide", "SA", "50##"),
            ("Alice Springs", "NT", "0870"),
        ],
        phones: &["(02) 9555 0###", "(03) 9555 0###", "(07) 3555 0###", "1300 555 ###", "+61 2 9555 0###"],
        mobiles: &["040# ### ###", "+61 40# ### ###"],
        company_suffix: "Pty Ltd",
        email_domain: "example.com.au",
        weight: 40,
    },
    Country {
        code: "GB",
        names: &["United Kingdom", "UK", "England"],
        places: &[
            ("London", "Greater London", "SW1A #AA"),
            ("London", "Greater London", "NW1 #DP"),
            ("Manchester", "Greater Manchester", "M# #AE"),
            ("Leeds", "West Yorkshire", "LS# #AP"),
            ("Glasgow", "Scotland", "G# #XQ"),
            ("Bristol", "", "BS# #TH"),
        ],
        phones: &["+44 20 7946 0###", "020 7946 0###", "+44 161 496 0###"],
        mobiles: &["07400 ######", "+44 7400 ######"],
        company_suffix: "Ltd",
        email_domain: "example.co.uk",
        weight: 15,
    },
    Country {
        code: "US",
        names: &["United States", "USA", "united states"],
        places: &[
            ("New York", "NY", "100##"),
            ("Boston", "MA", "021##"),
            ("Hartford", "CT", "061##"),
            ("Newark", "NJ", "071##"),
            ("Chicago", "IL", "606##"),
            ("Austin", "TX", "787##"),
            ("Seattle", "WA", "981##"),
            ("Portland", "ME", "041##"),
        ],
        phones: &["+1 212 555 0###", "(617) 555-0###", "+1 (312) 555-0### ext. 2#"],
        mobiles: &["+1 917 555 0###", "(206) 555-0###"],
        company_suffix: "LLC",
        email_domain: "example.com",
        weight: 12,
    },
    Country {
        code: "NZ",
        names: &["New Zealand"],
        places: &[("Auckland", "Auckland", "10##"), ("Wellington", "Wellington", "60##"), ("Whangārei", "Northland", "01##")],
        phones: &["+64 9 555 0###", "(09) 555 0###"],
        mobiles: &["+64 21 555 ###", "021 555 ###"],
        company_suffix: "Ltd",
        email_domain: "example.co.nz",
        weight: 8,
    },
    Country {
        code: "DE",
        names: &["Germany", "DEU"],
        places: &[
            ("Berlin", "Berlin", "101##"),
            ("Dresden", "Sachsen", "010##"),
            ("Leipzig", "Sachsen", "041##"),
            ("München", "Bayern", "803##"),
            ("Hamburg", "Hamburg", "200##"),
        ],
        phones: &["+49 30 5555 0###", "030 5555 ###"],
        mobiles: &["+49 151 5555 ####", "0151 5555 ####"],
        company_suffix: "GmbH",
        email_domain: "example.de",
        weight: 6,
    },
    Country {
        code: "FR",
        names: &["France"],
        places: &[("Paris", "Île-de-France", "750##"), ("Lyon", "Auvergne-Rhône-Alpes", "6900#"), ("Bourg-en-Bresse", "Ain", "010##")],
        phones: &["+33 1 55 55 0# ##", "01 55 55 0# ##"],
        mobiles: &["+33 6 55 55 ## ##", "06 55 55 ## ##"],
        company_suffix: "SARL",
        email_domain: "example.fr",
        weight: 5,
    },
    Country {
        code: "IE",
        names: &["Ireland"],
        places: &[("Dublin", "Leinster", "D02 X2##"), ("Cork", "Munster", "T12 AB##"), ("Galway", "Connacht", "H91 E##Y")],
        phones: &["+353 1 555 0###", "(01) 555 0###"],
        mobiles: &["+353 87 555 0###", "087 555 0###"],
        company_suffix: "Ltd",
        email_domain: "example.ie",
        weight: 5,
    },
    Country {
        code: "CA",
        names: &["Canada"],
        places: &[("Toronto", "ON", "M5H #M4"), ("Vancouver", "BC", "V6B #A1"), ("Montréal", "QC", "H2Y #C6")],
        phones: &["+1 416 555 0###", "(604) 555-0###"],
        mobiles: &["+1 647 555 0###"],
        company_suffix: "Inc.",
        email_domain: "example.ca",
        weight: 5,
    },
    Country {
        code: "SG",
        names: &["Singapore"],
        places: &[("Singapore", "", "0189##"), ("Singapore", "", "2388##")],
        phones: &["+65 6555 0###"],
        mobiles: &["+65 9555 ####"],
        company_suffix: "Pte Ltd",
        email_domain: "example.sg",
        weight: 4,
    },
];

/// `pattern` with each `#` a random digit and `A` left as is.
fn fill(rng: &mut Rng, pattern: &str) -> String {
    pattern.chars().map(|c| if c == '#' { char::from(b'0' + (rng.next() % 10) as u8) } else { c }).collect()
}

/// Lower-case ASCII for an email's local part: accents folded, anything
/// else dropped.
fn email_part(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let folded = match c {
            'à' | 'á' | 'â' | 'ā' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' => 'e',
            'í' | 'ï' => 'i',
            'ó' | 'ô' | 'ö' => 'o',
            'ú' | 'ü' => 'u',
            'ç' => 'c',
            c if c.is_ascii_alphanumeric() => c.to_ascii_lowercase(),
            _ => continue,
        };
        out.push(folded);
    }
    out
}

fn weighted_country(rng: &mut Rng) -> &'static Country {
    let total: u32 = COUNTRIES.iter().map(|country| country.weight).sum();
    let mut roll = (rng.next() % u64::from(total)) as u32;
    for country in COUNTRIES {
        if roll < country.weight {
            return country;
        }
        roll -= country.weight;
    }
    &COUNTRIES[0]
}

fn weighted_category(rng: &mut Rng) -> &'static str {
    let total: u32 = CATEGORIES.iter().map(|(_, weight)| weight).sum();
    let mut roll = (rng.next() % u64::from(total)) as u32;
    for (name, weight) in CATEGORIES {
        if roll < *weight {
            return name;
        }
        roll -= weight;
    }
    "Tenant"
}

/// The Contact ID of row `index` (0-based): the same in every file, so a
/// file's rows update the contacts a bigger or earlier file created.
pub fn reference(index: usize) -> String {
    format!("HP-{:07}", index + 1)
}

/// One valid row (0-based `index`; emails are unique by index).
fn valid_row(rng: &mut Rng, index: usize, all_ids: bool) -> Row {
    let country = weighted_country(rng);
    let (city, region, postcode_pattern) = *rng.pick(country.places);
    let company = rng.percent(22);
    let mut row: Row = std::array::from_fn(|_| Value::text(""));
    let set = |row: &mut Row, field: Field, value: Value| row[field.index()] = value;

    // Contact ID: most rows; the others are matched by email.
    if all_ids || !rng.percent(10) {
        set(&mut row, Field::Reference, Value::text(reference(index)));
    }
    let email_local;
    if company {
        set(&mut row, Field::Kind, Value::text(if rng.percent(85) { "Company" } else { "company" }));
        let name = format!(
            "{} {} {}",
            rng.pick(COMPANY_WORDS),
            rng.pick(COMPANY_TRADES),
            country.company_suffix
        );
        email_local = format!("{}.{}", rng.pick(&["info", "accounts", "office", "hello", "jobs"]), index + 1);
        set(&mut row, Field::CompanyName, Value::text(name));
    } else {
        let kind = match rng.below(10) {
            0 => "",
            1 => "person",
            _ => "Person",
        };
        set(&mut row, Field::Kind, Value::text(kind));
        set(&mut row, Field::Title, Value::text(*rng.pick(TITLES)));
        let first = *rng.pick(FIRST_NAMES);
        let last = *rng.pick(LAST_NAMES);
        set(&mut row, Field::FirstName, Value::text(first));
        set(&mut row, Field::LastName, Value::text(last));
        email_local = format!("{}.{}{}", email_part(first), email_part(last), index + 1);
    }
    // Email: most rows (every row without a Contact ID has one); a few in
    // upper case, which matches case-insensitively.
    let has_reference = !row[Field::Reference.index()].as_text().is_empty();
    if !has_reference || !rng.percent(5) {
        let mut email = format!("{email_local}@{}", country.email_domain);
        if rng.percent(3) {
            email = email.to_uppercase();
        }
        set(&mut row, Field::Email, Value::text(email));
    }
    if rng.percent(75) {
        let pattern = rng_pick(rng, country.phones);
        set(&mut row, Field::Phone, Value::text(fill(rng, pattern)));
    }
    if rng.percent(60) {
        let pattern = rng_pick(rng, country.mobiles);
        let mobile = fill(rng, pattern);
        // Excel typed some mobiles as numbers (their leading zero gone).
        let digits: String = mobile.chars().filter(char::is_ascii_digit).collect();
        if !mobile.starts_with('+') && rng.percent(15) {
            set(&mut row, Field::Mobile, Value::Number(digits.parse::<f64>().unwrap_or(0.0)));
        } else {
            set(&mut row, Field::Mobile, Value::text(mobile));
        }
    }
    if rng.percent(90) {
        let number = 1 + rng.below(250);
        let line1 = format!("{number} {} {}", rng.pick(STREETS), rng.pick(STREET_KINDS));
        set(&mut row, Field::AddressLine1, Value::text(line1));
        if rng.percent(15) {
            set(&mut row, Field::AddressLine2, Value::text(format!("Unit {}", 1 + rng.below(40))));
        }
        set(&mut row, Field::City, Value::text(city));
        set(&mut row, Field::Region, Value::text(region));
        let postcode = fill(rng, postcode_pattern);
        // A postcode of digits without a leading zero is sometimes a number
        // in the sheet; one with a leading zero is always text (else Excel
        // would have lost the zero).
        if postcode.bytes().all(|b| b.is_ascii_digit()) && !postcode.starts_with('0') && rng.percent(50) {
            set(&mut row, Field::Postcode, Value::Number(postcode.parse::<f64>().unwrap_or(0.0)));
        } else {
            set(&mut row, Field::Postcode, Value::text(postcode));
        }
    }
    let country_cell = match rng.below(10) {
        0..=4 => country.code.to_string(),
        5..=8 => (*rng.pick(country.names)).to_string(),
        _ => country.code.to_lowercase(),
    };
    set(&mut row, Field::Country, Value::text(country_cell));
    if rng.percent(95) {
        set(&mut row, Field::Category, Value::text(weighted_category(rng)));
    }
    if rng.percent(20) {
        let mut note = (*rng.pick(NOTES)).to_string();
        if rng.percent(10) {
            // The occasional long note.
            for _ in 0..4 {
                note.push(' ');
                note.push_str(*rng.pick(NOTES));
            }
        }
        set(&mut row, Field::Notes, Value::text(note));
    }
    row
}

fn rng_pick(rng: &mut Rng, items: &'static [&'static str]) -> &'static str {
    items[rng.below(items.len())]
}

/// Makes `row` invalid in one of the ways users do; `earlier` is a previous
/// row (for a repeated email). Returns how many rows now have an issue.
fn spoil(rng: &mut Rng, row: &mut Row, earlier: Option<&Row>) -> u32 {
    let is_company = row[Field::Kind.index()].as_text().eq_ignore_ascii_case("company");
    match rng.below(8) {
        0 => {
            let email = row[Field::Email.index()].as_text();
            let broken = match email.split_once('@') {
                Some((local, _)) => format!("{local}@"),
                None => "name at example.com".to_string(),
            };
            row[Field::Email.index()] = Value::text(broken);
        }
        1 => row[Field::Phone.index()] = Value::text(format!("555 {}", rng.digits(2))),
        2 => row[Field::Country.index()] = Value::text(*rng.pick(&["Atlantis", "Narnia", "Wakanda", "Oz"])),
        3 => row[Field::Category.index()] = Value::text(*rng.pick(&["Tenants", "Owner", "Contractor", "Vendor"])),
        4 if is_company => row[Field::CompanyName.index()] = Value::text(""),
        4 => row[Field::LastName.index()] = Value::text(""),
        5 if !is_company => row[Field::Title.index()] = Value::text("Distinguished Professor Emeritus"),
        5 => row[Field::Email.index()] = Value::text("accounts@@example.com"),
        6 => row[Field::Postcode.index()] = Value::text("NOT A POSTCODE, SEE NOTES 1234567"),
        _ => {
            // The same email as an earlier row (which has one too): both rows
            // get an issue, unless the earlier one had no email.
            if let Some(earlier) = earlier {
                let email = earlier[Field::Email.index()].as_text();
                if !email.is_empty() && !earlier[Field::Reference.index()].as_text().is_empty() {
                    row[Field::Email.index()] = Value::text(email.to_lowercase());
                    return 2;
                }
            }
            row[Field::Mobile.index()] = Value::text("12");
        }
    }
    1
}

/// The rows `spec` asks for, in order.
pub fn rows(spec: Spec) -> Vec<Row> {
    let mut rng = Rng::new(spec.seed);
    let mut rows: Vec<Row> = Vec::with_capacity(spec.rows);
    // Spoil rows at an even stride so each part of the file has some.
    let stride = if spec.invalid_per_mille == 0 { usize::MAX } else { (1000 / spec.invalid_per_mille as usize).max(1) };
    for index in 0..spec.rows {
        let mut row = valid_row(&mut rng, index, spec.all_ids);
        if stride != usize::MAX && index % stride == stride / 2 {
            let earlier = if index >= 7 { rows.get(index - 7) } else { None };
            spoil(&mut rng, &mut row, earlier);
        }
        rows.push(row);
    }
    rows
}

/// The same rows as a second export-and-edit pass would give: every row's
/// mobile and notes changed, so importing them again updates every contact.
pub fn edited(rows: &[Row]) -> Vec<Row> {
    rows.iter()
        .enumerate()
        .map(|(index, row)| {
            let mut row = row.clone();
            // International, so it is a real number whatever the row's country.
            row[Field::Mobile.index()] = Value::text(format!("+61 400 {:03} {:03}", index / 1000 % 1000, index % 1000));
            let notes = row[Field::Notes.index()].as_text();
            row[Field::Notes.index()] =
                Value::text(if notes.is_empty() { "Checked in the 2026 review.".to_string() } else { format!("{notes} Checked in the 2026 review.") });
            row
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use rules::phone::read_phone;
    use rules::validate::normalise_cell;

    use super::*;

    /// Every phone and mobile of `rows` that libphonenumber does not call a
    /// real number of the row's country, with that country.
    fn unreal_numbers(rows: &[Row]) -> Vec<(String, String)> {
        let mut unreal = Vec::new();
        for row in rows {
            let country = normalise_cell(Field::Country, row[Field::Country.index()].as_text().trim()).unwrap_or_default();
            let country = (!country.is_empty()).then_some(country.as_str());
            for field in [Field::Phone, Field::Mobile] {
                let value = match &row[field.index()] {
                    Value::Text(text) => text.trim().to_string(),
                    Value::Number(number) => format!("{number}"),
                };
                if !value.is_empty() && !matches!(read_phone(&value, country, None), Ok(Some(_))) {
                    unreal.push((country.unwrap_or("").to_string(), value));
                }
            }
        }
        unreal
    }

    #[test]
    fn rows_meant_valid_have_only_real_phone_numbers_even_after_editing() {
        let rows = rows(Spec { rows: 5_000, invalid_per_mille: 0, all_ids: true, seed: 7 });
        let mut unreal = unreal_numbers(&rows);
        unreal.extend(unreal_numbers(&edited(&rows)));
        unreal.sort();
        unreal.dedup_by(|a, b| a.0 == b.0 && a.1.get(..6) == b.1.get(..6));
        assert!(unreal.is_empty(), "not real numbers: {unreal:?}");
    }
}
