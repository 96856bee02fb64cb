//! The export layouts of other apps, recognised from the header row and
//! mapped with no hand work. Each layout is a table of [`Rule`]s over headers
//! in key form ([`super::header_key`]); `{n}` stands for a number, so
//! `"phone{n}value"` matches Google's "Phone 1 - Value", "Phone 2 - Value" ….
//!
//! Invariant (tested): every header here is in key form, and every layout
//! is recognised from its own published header row and from no other
//! layout's. A layout only says where a field's values are; reading a row
//! through it is [`super::plan`]'s job.
//!
//! Sources, checked against public copies of each app's header row:
//! - Google Contacts, the older export ("Name", "Given Name", "Family Name",
//!   "Group Membership", "E-mail 1 - Type", "Phone 1 - Type", "Address 1 -
//!   Street", "Organization 1 - Name"): roundcube/roundcubemail
//!   `program/lib/Roundcube/rcube_csv2vcard.php` (its "GMail" map and
//!   `gmail_label_map`), Remulous/constellation
//!   `tests/fixtures/google_contacts.csv`.
//! - Google Contacts, the 2023+ export ("First Name", "Last Name",
//!   "Organization Name", "Labels", "E-mail 1 - Label", "Phone 1 - Label"):
//!   agamm/rolomind `tests/unit/parsers/google-parser.test.ts` ("New format
//!   (actual production export)") and `tests/fixtures/google.csv`.
//! - Outlook (desktop and Outlook.com; "E-mail Address", "E-mail 2 Address",
//!   "Business Street" … "Business Country/Region", "Home Street" …, "Mobile
//!   Phone", "Categories"): GNOME/evolution
//!   `src/addressbook/importers/evolution-csv-importer.c`
//!   (`csv_fields_outlook`), roundcube's map ("MS Outlook 2010",
//!   `business_countryregion`). Outlook.com writes the same headers in
//!   another order ("First Name", "Middle Name", "Last Name", "Title", …,
//!   "Notes"), matched by the same rules.
//! - Thunderbird ("Primary Email", "Secondary Email", "Work Address",
//!   "Home ZipCode", "Mobile Number"): roundcube/roundcubemail
//!   `tests/src/Csv2vcard/tb_plain.csv`, GNOME/evolution `csv_fields_mozilla`.
//! - Salesforce contacts (API field names, as Data Loader exports them:
//!   "Salutation", "MailingStreet", "MailingPostalCode", "MobilePhone",
//!   "Description"; "Title" is the job title): Salesforce's Contact field
//!   reference (developer.salesforce.com, "Contact" object).
//! - HubSpot contacts export ("Record ID", "Mobile Phone Number",
//!   "State/Region", "Country/Region"): BasyirSheersComputer/leads
//!   `START_HERE_HUBSPOT_IMPORT.md` (columns of
//!   `hubspot-crm-exports-all-contacts-….csv`).
//!
//! - vCard (`.vcf`: iPhone, Android, Google, Outlook): the `sheets` reader
//!   writes the header row itself ("vCard Version", "Full Name", "Last
//!   Name", …, "E-mail {n}", "Phone {n} - Type", "Work Address - Street",
//!   "Address {n} - Type"), so the layout is recognised by its "vCard
//!   Version" column, which no other app writes.
//!
//! Not here, for want of a published header row: Buildium, AppFolio and
//! Rentec exports (their APIs are documented, their CSV headers are not),
//! Zoho CRM's export, and Apple/iCloud (which exports vCard only).

use serde::{Deserialize, Serialize};

use super::plan::Read;
use crate::field::Field;

/// One app's export layout.
#[derive(Debug, PartialEq, Eq)]
pub struct Layout {
    /// The app, as users know it: "Google Contacts".
    pub name: &'static str,
    /// Headers this app writes that others rarely do.
    markers: &'static [&'static str],
    /// How many markers a header row needs to be this app's.
    min_markers: usize,
    /// Headers every export of this app has.
    required: &'static [&'static str],
    /// Where each field's values are.
    pub(super) rules: &'static [Rule],
}

/// One rule of a layout.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Rule {
    /// `field` is the first filled of `headers`, in this order (numbered
    /// headers in number order).
    Field {
        field: Field,
        headers: &'static [&'static str],
        read: Read,
    },
    /// Numbered values whose label column decides their field: Google's
    /// "Phone {n} - Value" is a Mobile when "Phone {n} - Type" says "Mobile".
    Labelled {
        values: &'static str,
        labels: &'static [&'static str],
        by_label: &'static [(&'static str, Option<Field>)],
        otherwise: Option<Field>,
        read: Read,
    },
    /// A full name, split into title, first and last name (or kept whole as
    /// a company) when the layout's own name columns are blank.
    FullName(&'static [&'static str]),
    /// Address blocks: each row takes its whole address from one block.
    Addresses(&'static [AddressBlock]),
    /// Not a contact field in this app, whatever the same header means
    /// elsewhere (Salesforce's "Title" is a job title).
    NotAField(&'static [&'static str]),
    /// Describes another column, or is made from others ("E-mail 1 - Type",
    /// Outlook's "E-mail Display Name" and "Initials"): never data of its own.
    Label(&'static [&'static str]),
    /// Values the app writes in a column when nothing is set (Outlook's
    /// Priority "Normal", Birthday "0/0/00"): such a cell holds no data.
    Unset(&'static [(&'static str, &'static [&'static str])]),
    /// Repeats other columns ("File As", "E-mail Display Name"): left out only
    /// when it holds words that are not imported.
    Repeats(&'static [&'static str]),
    /// A row with a company name and no person's name is a company.
    KindFromNames,
}

/// `field` is the first filled of `headers`, read whole: what most rules say.
const fn whole(field: Field, headers: &'static [&'static str]) -> Rule {
    Rule::Field {
        field,
        headers,
        read: Read::Whole,
    }
}

/// Which address block a column belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AddressBlockName {
    Business,
    Home,
    Other,
    Mailing,
    /// Google's "Address {n} - …".
    Numbered(u8),
}

impl AddressBlockName {
    /// How the block is named to users: "business address", "address 2".
    pub fn label(self) -> String {
        match self {
            AddressBlockName::Business => "business address".to_string(),
            AddressBlockName::Home => "home address".to_string(),
            AddressBlockName::Other => "other address".to_string(),
            AddressBlockName::Mailing => "mailing address".to_string(),
            AddressBlockName::Numbered(n) => format!("address {n}"),
        }
    }
}

/// One address block of a layout: its columns per address field.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct AddressBlock {
    /// The block's name; `Numbered(_)` blocks repeat for every `{n}`.
    pub(super) name: AddressBlockName,
    /// Preference among filled blocks for a person's row (lower first).
    pub(super) person_rank: u8,
    /// Preference among filled blocks for a company's row (lower first).
    pub(super) company_rank: u8,
    /// The street: its first line is Address Line 1, the others go to
    /// Address Line 2.
    pub(super) street: &'static [&'static str],
    /// Further lines, joined into Address Line 2.
    pub(super) more_lines: &'static [&'static str],
    pub(super) city: &'static [&'static str],
    pub(super) region: &'static [&'static str],
    pub(super) postcode: &'static [&'static str],
    pub(super) country: &'static [&'static str],
    /// The whole address in one cell (Google's "Formatted"): repeats the
    /// parts.
    pub(super) repeats: &'static [&'static str],
}

/// Phone labels that send a number elsewhere than Phone (compared as key
/// parts: "Work Fax" holds "fax").
static PHONE_LABELS: &[(&str, Option<Field>)] = &[
    ("mobile", Some(Field::Mobile)),
    ("cell", Some(Field::Mobile)),
    ("iphone", Some(Field::Mobile)),
    ("fax", None),
    ("pager", None),
];

static GOOGLE: Layout = Layout {
    name: "Google Contacts",
    markers: &[
        "givenname",
        "familyname",
        "additionalname",
        "groupmembership",
        "nameprefix",
        "phoneticfirstname",
        "fileas",
        "email{n}value",
        "email{n}type",
        "email{n}label",
        "phone{n}value",
        "phone{n}type",
        "phone{n}label",
        "address{n}formatted",
        "address{n}street",
        "organization{n}name",
        "organizationname",
        "organizationtitle",
        "website{n}value",
    ],
    min_markers: 2,
    required: &[],
    rules: &[
        whole(Field::Title, &["nameprefix"]),
        whole(Field::FirstName, &["givenname", "firstname"]),
        whole(Field::LastName, &["familyname", "lastname"]),
        Rule::FullName(&["name"]),
        Rule::Field {
            field: Field::CompanyName,
            headers: &["organization{n}name", "organizationname"],
            read: Read::FirstValue,
        },
        Rule::Field {
            field: Field::Email,
            headers: &["email{n}value"],
            read: Read::FirstValue,
        },
        Rule::Labelled {
            values: "phone{n}value",
            labels: &["phone{n}type", "phone{n}label"],
            by_label: PHONE_LABELS,
            otherwise: Some(Field::Phone),
            read: Read::FirstValue,
        },
        Rule::Addresses(&[AddressBlock {
            name: AddressBlockName::Numbered(0),
            person_rank: 0,
            company_rank: 0,
            street: &["address{n}street"],
            more_lines: &["address{n}extendedaddress", "address{n}pobox"],
            city: &["address{n}city"],
            region: &["address{n}region"],
            postcode: &["address{n}postalcode"],
            country: &["address{n}country"],
            repeats: &["address{n}formatted"],
        }]),
        whole(Field::Notes, &["notes"]),
        Rule::Field {
            field: Field::Category,
            headers: &["labels", "groupmembership"],
            read: Read::Categories,
        },
        Rule::Label(&[
            "email{n}type",
            "email{n}label",
            "phone{n}type",
            "phone{n}label",
            "address{n}type",
            "address{n}label",
            "organization{n}type",
            "organization{n}label",
            "website{n}type",
            "website{n}label",
            "relation{n}type",
            "relation{n}label",
            "event{n}type",
            "event{n}label",
            "im{n}type",
            "im{n}label",
            "customfield{n}type",
            "customfield{n}label",
        ]),
        Rule::Repeats(&["fileas"]),
        Rule::KindFromNames,
    ],
};

static OUTLOOK: Layout = Layout {
    name: "Outlook",
    markers: &[
        "emailaddress",
        "emailtype",
        "emaildisplayname",
        "email2address",
        "email3address",
        "businessstreet",
        "businesscity",
        "businessstate",
        "businesspostalcode",
        "businesscountryregion",
        "businesscountry",
        "homestreet",
        "homecity",
        "homepostalcode",
        "homecountryregion",
        "businessphone",
        "homephone",
        "mobilephone",
        "middlename",
        "jobtitle",
        "categories",
    ],
    min_markers: 3,
    required: &[],
    rules: &[
        whole(Field::Title, &["title"]),
        whole(Field::FirstName, &["firstname"]),
        whole(Field::LastName, &["lastname"]),
        whole(Field::CompanyName, &["company"]),
        whole(Field::Email, &["emailaddress", "email{n}address"]),
        whole(
            Field::Phone,
            &[
                "primaryphone",
                "businessphone",
                "businessphone{n}",
                "homephone",
                "homephone{n}",
                "companymainphone",
                "otherphone",
            ],
        ),
        whole(Field::Mobile, &["mobilephone"]),
        Rule::Addresses(&[
            AddressBlock {
                name: AddressBlockName::Business,
                person_rank: 1,
                company_rank: 0,
                street: &["businessstreet"],
                more_lines: &["businessstreet2", "businessstreet3", "businessaddresspobox"],
                city: &["businesscity"],
                region: &["businessstate"],
                postcode: &["businesspostalcode"],
                country: &["businesscountryregion", "businesscountry"],
                repeats: &[],
            },
            AddressBlock {
                name: AddressBlockName::Home,
                person_rank: 0,
                company_rank: 1,
                street: &["homestreet"],
                more_lines: &["homestreet2", "homestreet3", "homeaddresspobox"],
                city: &["homecity"],
                region: &["homestate"],
                postcode: &["homepostalcode"],
                country: &["homecountryregion", "homecountry"],
                repeats: &[],
            },
            AddressBlock {
                name: AddressBlockName::Other,
                person_rank: 2,
                company_rank: 2,
                street: &["otherstreet"],
                more_lines: &["otherstreet2", "otherstreet3", "otheraddresspobox"],
                city: &["othercity"],
                region: &["otherstate"],
                postcode: &["otherpostalcode"],
                country: &["othercountryregion", "othercountry"],
                repeats: &[],
            },
        ]),
        whole(Field::Notes, &["notes"]),
        Rule::Field {
            field: Field::Category,
            headers: &["categories"],
            read: Read::Categories,
        },
        Rule::Label(&[
            "emailtype",
            "email{n}type",
            "emaildisplayname",
            "email{n}displayname",
            "initials",
        ]),
        Rule::Unset(&[
            ("priority", &["normal"]),
            ("private", &["false"]),
            ("sensitivity", &["normal"]),
            ("gender", &["unspecified"]),
            ("birthday", &["0/0/00"]),
            ("anniversary", &["0/0/00"]),
        ]),
        Rule::KindFromNames,
    ],
};

static THUNDERBIRD: Layout = Layout {
    name: "Thunderbird",
    markers: &[
        "primaryemail",
        "secondaryemail",
        "displayname",
        "screenname",
        "workphone",
        "faxnumber",
        "pagernumber",
        "mobilenumber",
        "homeaddress",
        "workaddress",
        "homezipcode",
        "workzipcode",
        "webpage1",
        "birthyear",
        "custom1",
    ],
    min_markers: 3,
    required: &[],
    rules: &[
        whole(Field::FirstName, &["firstname"]),
        whole(Field::LastName, &["lastname"]),
        Rule::FullName(&["displayname"]),
        whole(Field::CompanyName, &["organization"]),
        whole(Field::Email, &["primaryemail", "secondaryemail"]),
        whole(Field::Phone, &["workphone", "homephone"]),
        whole(Field::Mobile, &["mobilenumber"]),
        Rule::Addresses(&[
            AddressBlock {
                name: AddressBlockName::Business,
                person_rank: 1,
                company_rank: 0,
                street: &["workaddress"],
                more_lines: &["workaddress2"],
                city: &["workcity"],
                region: &["workstate"],
                postcode: &["workzipcode"],
                country: &["workcountry"],
                repeats: &[],
            },
            AddressBlock {
                name: AddressBlockName::Home,
                person_rank: 0,
                company_rank: 1,
                street: &["homeaddress"],
                more_lines: &["homeaddress2"],
                city: &["homecity"],
                region: &["homestate"],
                postcode: &["homezipcode"],
                country: &["homecountry"],
                repeats: &[],
            },
        ]),
        whole(Field::Notes, &["notes"]),
        Rule::KindFromNames,
    ],
};

static SALESFORCE: Layout = Layout {
    name: "Salesforce",
    markers: &[
        "mailingstreet",
        "mailingcity",
        "mailingstate",
        "mailingpostalcode",
        "mailingcountry",
        "otherstreet",
        "othercity",
        "mobilephone",
        "salutation",
        "accountid",
        "accountname",
        "description",
        "leadsource",
        "reportstoid",
    ],
    min_markers: 3,
    required: &[],
    rules: &[
        whole(Field::Title, &["salutation"]),
        Rule::NotAField(&["title"]),
        whole(Field::FirstName, &["firstname"]),
        whole(Field::LastName, &["lastname"]),
        whole(Field::CompanyName, &["accountname"]),
        whole(Field::Email, &["email"]),
        whole(Field::Phone, &["phone", "homephone", "otherphone"]),
        whole(Field::Mobile, &["mobilephone"]),
        Rule::Addresses(&[
            AddressBlock {
                name: AddressBlockName::Mailing,
                person_rank: 0,
                company_rank: 0,
                street: &["mailingstreet"],
                more_lines: &[],
                city: &["mailingcity"],
                region: &["mailingstate"],
                postcode: &["mailingpostalcode"],
                country: &["mailingcountry"],
                repeats: &[],
            },
            AddressBlock {
                name: AddressBlockName::Other,
                person_rank: 1,
                company_rank: 1,
                street: &["otherstreet"],
                more_lines: &[],
                city: &["othercity"],
                region: &["otherstate"],
                postcode: &["otherpostalcode"],
                country: &["othercountry"],
                repeats: &[],
            },
        ]),
        whole(Field::Notes, &["description"]),
    ],
};

static HUBSPOT: Layout = Layout {
    name: "HubSpot",
    markers: &[
        "recordid",
        "contactowner",
        "lifecyclestage",
        "leadstatus",
        "mobilephonenumber",
        "phonenumber",
        "stateregion",
        "countryregion",
        "createdate",
        "lastactivitydate",
    ],
    min_markers: 2,
    required: &["recordid"],
    rules: &[
        // Every other column is named as the generic synonyms know it.
        whole(Field::Reference, &["recordid"]),
        whole(Field::Mobile, &["mobilephonenumber"]),
        whole(Field::Country, &["countryregion"]),
    ],
};

/// Address parts as the `sheets` vCard reader heads them, per block.
macro_rules! vcard_address {
    ($name:expr, $person:expr, $company:expr, $prefix:literal) => {
        AddressBlock {
            name: $name,
            person_rank: $person,
            company_rank: $company,
            street: &[concat!($prefix, "street")],
            more_lines: &[
                concat!($prefix, "extendedaddress"),
                concat!($prefix, "pobox"),
            ],
            city: &[concat!($prefix, "city")],
            region: &[concat!($prefix, "region")],
            postcode: &[concat!($prefix, "postalcode")],
            country: &[concat!($prefix, "country")],
            repeats: &[],
        }
    };
}

/// vCard files, as the `sheets` reader lays their cards out: `N` in its
/// parts, `FN` when `N` is blank, the preferred (else first) e-mail, phones
/// by their type (cell → mobile, fax and pager left out), the work address
/// for a company and the home address for a person (else another one).
static VCARD: Layout = Layout {
    name: "vCard",
    markers: &[
        "vcardversion",
        "fullname",
        "nameprefix",
        "namesuffix",
        "organization",
        "department",
        "email{n}",
        "email{n}type",
        "phone{n}",
        "phone{n}type",
        "workaddressstreet",
        "homeaddressstreet",
        "address{n}type",
    ],
    min_markers: 1,
    required: &["vcardversion"],
    rules: &[
        whole(Field::Title, &["nameprefix"]),
        whole(Field::FirstName, &["firstname"]),
        whole(Field::LastName, &["lastname"]),
        Rule::FullName(&["fullname"]),
        whole(Field::CompanyName, &["organization"]),
        whole(Field::Email, &["email{n}"]),
        Rule::Labelled {
            values: "phone{n}",
            labels: &["phone{n}type"],
            by_label: PHONE_LABELS,
            otherwise: Some(Field::Phone),
            read: Read::Whole,
        },
        Rule::Addresses(&[
            vcard_address!(AddressBlockName::Business, 1, 0, "workaddress"),
            vcard_address!(AddressBlockName::Home, 0, 1, "homeaddress"),
            vcard_address!(AddressBlockName::Numbered(0), 2, 2, "address{n}"),
        ]),
        whole(Field::Notes, &["note"]),
        Rule::Field {
            field: Field::Category,
            headers: &["categories"],
            read: Read::Categories,
        },
        Rule::Label(&["vcardversion", "email{n}type", "address{n}type"]),
        Rule::KindFromNames,
    ],
};

/// Every known layout, most specific first.
pub(super) static LAYOUTS: &[&Layout] = &[
    &VCARD,
    &GOOGLE,
    &OUTLOOK,
    &THUNDERBIRD,
    &SALESFORCE,
    &HUBSPOT,
];

/// The layouts the import recognises, for lists such as "Exports from Google
/// Contacts, Outlook, … are recognised".
pub fn known_layouts() -> impl Iterator<Item = &'static Layout> {
    LAYOUTS.iter().copied()
}

/// The layout whose header row `keys` (headers in key form) is, if any: the
/// one with the most markers among those with their required headers and
/// enough markers.
pub(super) fn detect(keys: &[String]) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for (index, layout) in LAYOUTS.iter().enumerate() {
        let has = |pattern: &str| keys.iter().any(|key| number_in(pattern, key).is_some());
        if !layout.required.iter().all(|pattern| has(pattern)) {
            continue;
        }
        let markers = layout.markers.iter().filter(|pattern| has(pattern)).count();
        if markers >= layout.min_markers && best.is_none_or(|(_, most)| markers > most) {
            best = Some((index, markers));
        }
    }
    best.map(|(index, _)| index)
}

/// The values meaning "not set" in the column with header `key`, under
/// `layout`.
pub(super) fn unset_values(layout: &Layout, key: &str) -> &'static [&'static str] {
    layout
        .rules
        .iter()
        .find_map(|rule| match rule {
            Rule::Unset(columns) => columns
                .iter()
                .find(|(pattern, _)| number_in(pattern, key).is_some())
                .map(|(_, values)| *values),
            _ => None,
        })
        .unwrap_or_default()
}

/// The layout at `index` in [`LAYOUTS`].
pub(super) fn layout(index: usize) -> Option<&'static Layout> {
    LAYOUTS.get(index).copied()
}

/// Whether `key` is a header some layout names (a field, a label, a marker).
pub(super) fn is_layout_header(key: &str) -> bool {
    LAYOUTS.iter().any(|layout| {
        layout
            .markers
            .iter()
            .copied()
            .chain(layout.rules.iter().flat_map(Rule::headers))
            .any(|pattern| number_in(pattern, key).is_some())
    })
}

impl Rule {
    /// Every header pattern the rule names.
    pub(super) fn headers(&self) -> Vec<&'static str> {
        match self {
            Rule::Field { headers, .. }
            | Rule::FullName(headers)
            | Rule::NotAField(headers)
            | Rule::Label(headers)
            | Rule::Repeats(headers) => headers.to_vec(),
            Rule::Labelled { values, labels, .. } => std::iter::once(*values)
                .chain(labels.iter().copied())
                .collect(),
            Rule::Addresses(blocks) => blocks.iter().flat_map(AddressBlock::headers).collect(),
            Rule::Unset(columns) => columns.iter().map(|(header, _)| *header).collect(),
            Rule::KindFromNames => Vec::new(),
        }
    }
}

impl AddressBlock {
    /// Every header pattern of the block.
    pub(super) fn headers(&self) -> Vec<&'static str> {
        [
            self.street,
            self.more_lines,
            self.city,
            self.region,
            self.postcode,
            self.country,
            self.repeats,
        ]
        .concat()
    }
}

/// The number `key` has where `pattern` says `{n}` (0 for a pattern without
/// `{n}` that equals `key`), or `None` when `key` does not match.
pub(super) fn number_in(pattern: &str, key: &str) -> Option<u32> {
    match pattern.split_once("{n}") {
        None => (pattern == key).then_some(0),
        Some((before, after)) => {
            let digits = key.strip_prefix(before)?.strip_suffix(after)?;
            if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
                return None;
            }
            digits.parse().ok()
        }
    }
}

/// The field a label ("* Mobile", "Work Fax") sends a labelled value to.
pub(super) fn field_for_label(
    label_key: &str,
    by_label: &[(&str, Option<Field>)],
    otherwise: Option<Field>,
) -> Option<Field> {
    by_label
        .iter()
        .find(|(part, _)| label_key.contains(part))
        .map_or(otherwise, |&(_, field)| field)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::headers::header_key;

    #[test]
    fn every_header_in_a_layout_is_in_key_form() {
        for layout in LAYOUTS {
            let patterns = layout
                .markers
                .iter()
                .chain(layout.required)
                .copied()
                .chain(layout.rules.iter().flat_map(Rule::headers));
            for pattern in patterns {
                let plain = pattern.replace("{n}", "1");
                assert_eq!(header_key(&plain), plain, "{}: {pattern}", layout.name);
            }
        }
    }

    #[test]
    fn numbered_headers_match_only_their_pattern() {
        let cases = [
            ("phone{n}value", "phone1value", Some(1)),
            ("phone{n}value", "phone12value", Some(12)),
            ("phone{n}value", "phonevalue", None),
            ("phone{n}value", "phone1type", None),
            ("phone{n}value", "phonex1value", None),
            ("emailaddress", "emailaddress", Some(0)),
            ("emailaddress", "email2address", None),
            ("email{n}address", "email2address", Some(2)),
            ("businessphone{n}", "businessphone", None),
            ("businessphone{n}", "businessphone2", Some(2)),
        ];
        for (pattern, key, expected) in cases {
            assert_eq!(number_in(pattern, key), expected, "{pattern} {key}");
        }
    }

    #[test]
    fn phone_labels_send_mobiles_to_mobile_and_faxes_nowhere() {
        let cases = [
            ("mobile", Some(Field::Mobile)),
            ("mobile", Some(Field::Mobile)),
            ("workmobile", Some(Field::Mobile)),
            ("cell", Some(Field::Mobile)),
            ("work", Some(Field::Phone)),
            ("", Some(Field::Phone)),
            ("workfax", None),
            ("pager", None),
        ];
        for (label, expected) in cases {
            assert_eq!(
                field_for_label(label, PHONE_LABELS, Some(Field::Phone)),
                expected,
                "{label}"
            );
        }
    }
}
