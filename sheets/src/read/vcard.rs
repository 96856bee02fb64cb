//! vCard files (`.vcf`: versions 2.1, 3.0 and 4.0, one card or many, as
//! iPhone, Android, Google and Outlook write them) read as a sheet: a fixed
//! header row (see [`Columns`]), then one row per card, in file order.
//!
//! Hand-written rather than a crate's: the one maintained parser that reads
//! 2.1 as well as 3.0 and 4.0 (`vcard-rs`) is a byte-faithful editing tree
//! whose quoted-printable and charset decoding applies to a whole value
//! through a per-property lens, not to the components of `N` and `ADR`
//! that Android's 2.1 exports encode, and it copies the rest of the file
//! into an error when a card is cut off. What is needed here is small:
//! lines ([`lines`]), one property's parts and text ([`property`]), and
//! the columns below.
//!
//! The read makes two passes over the text: the first finds each card's
//! end (a card cut off is refused before any row is handed on) and how
//! many e-mails, phones and addresses the fullest card has, which fixes the
//! header; the second hands on the rows. Row `n + 1` of the sheet is the
//! file's `n`th card (row 1 is the header).
//!
//! Invariant: every value of a property the columns name reaches a cell
//! (a card's second e-mail, its fax, its third address), so whatever the
//! import leaves out is counted by the rules, not dropped here; memory is
//! the text plus one card's properties (a card is refused once its
//! columns pass the limit, so it holds no more); rows, columns and text are bounded
//! by the builder as for every format. Properties with no column (photos,
//! keys, UIDs, revision dates, vendors' `X-` extensions other than iPhone's
//! `X-ABLabel`) are not contact data and are skipped.

mod lines;
mod property;

use std::borrow::Cow;
use std::collections::HashMap;

use super::builder::RowBuilder;
use super::error::ReadError;
use super::value::Value;
use lines::Lines;
use property::Property;

/// Whether the bytes (text after any byte-order mark and blank lines)
/// start with `BEGIN:VCARD`, or the file is named as a vCard. A `.vcf`
/// that holds no card then gets [`ReadError::NoVcards`], not a CSV read.
pub(crate) fn is_vcard(text: &[u8], file_name: &str) -> bool {
    let named = file_name
        .rsplit_once('.')
        .is_some_and(|(_, extension)| {
            extension.eq_ignore_ascii_case("vcf") || extension.eq_ignore_ascii_case("vcard")
        });
    let start = text.trim_ascii_start();
    named
        || start
            .get(..11)
            .is_some_and(|head| head.eq_ignore_ascii_case(b"BEGIN:VCARD"))
}

/// The parts of an address, in `ADR`'s component order, as headed.
const ADDRESS_PARTS: [&str; 7] = [
    "PO Box",
    "Extended Address",
    "Street",
    "City",
    "Region",
    "Postal Code",
    "Country",
];

/// The columns every vCard sheet has, in order, and the property (and
/// component) each is read from.
const FIXED: [(&str, &str, Option<usize>); 15] = [
    ("vCard Version", "VERSION", None),
    ("Full Name", "FN", None),
    ("Last Name", "N", Some(0)),
    ("First Name", "N", Some(1)),
    ("Middle Name", "N", Some(2)),
    ("Name Prefix", "N", Some(3)),
    ("Name Suffix", "N", Some(4)),
    ("Nickname", "NICKNAME", None),
    ("Organization", "ORG", Some(0)),
    ("Department", "ORG", Some(1)),
    ("Job Title", "TITLE", None),
    ("Birthday", "BDAY", None),
    ("Website", "URL", None),
    ("Note", "NOTE", None),
    ("Categories", "CATEGORIES", None),
];

/// The sheet's columns: the fixed ones; the work and the home address
/// (each card's first `ADR` of that type); then, numbered from 1 as many
/// as the fullest card needs, e-mails and phones with their types, and
/// the other addresses with theirs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Columns {
    emails: usize,
    phones: usize,
    other_addresses: usize,
}

impl Columns {
    const WORK: usize = FIXED.len();
    const HOME: usize = Self::WORK + ADDRESS_PARTS.len();
    const EMAILS: usize = Self::HOME + ADDRESS_PARTS.len();

    fn phones_at(&self) -> usize {
        Self::EMAILS + 2 * self.emails
    }

    fn others_at(&self) -> usize {
        self.phones_at() + 2 * self.phones
    }

    fn headers(&self) -> Vec<String> {
        let mut headers: Vec<String> = FIXED.iter().map(|(header, ..)| header.to_string()).collect();
        for block in ["Work Address", "Home Address"] {
            headers.extend(ADDRESS_PARTS.iter().map(|part| format!("{block} - {part}")));
        }
        for n in 1..=self.emails {
            headers.push(format!("E-mail {n}"));
            headers.push(format!("E-mail {n} - Type"));
        }
        for n in 1..=self.phones {
            headers.push(format!("Phone {n}"));
            headers.push(format!("Phone {n} - Type"));
        }
        for n in 1..=self.other_addresses {
            headers.push(format!("Address {n} - Type"));
            headers.extend(ADDRESS_PARTS.iter().map(|part| format!("Address {n} - {part}")));
        }
        headers
    }

    /// Widened to hold `card`.
    fn widen(&mut self, card: &Card) {
        self.emails = self.emails.max(card.emails.len());
        self.phones = self.phones.max(card.phones.len());
        self.other_addresses = self.other_addresses.max(card.other_addresses.len());
    }
}

/// One card's properties sorted into the columns' slots.
#[derive(Default)]
struct Card {
    properties: Vec<Property>,
    /// Indexes into `properties`, the preferred first, then in file order.
    emails: Vec<usize>,
    phones: Vec<usize>,
    work_address: Option<usize>,
    home_address: Option<usize>,
    other_addresses: Vec<usize>,
    /// iPhone's custom labels (`item1.X-ABLabel:Office`), by group.
    labels: HashMap<String, String>,
}

impl Card {
    fn new(properties: Vec<Property>) -> Card {
        let mut card = Card::default();
        for (index, property) in properties.iter().enumerate() {
            match property.name.as_str() {
                "EMAIL" => card.emails.push(index),
                "TEL" => card.phones.push(index),
                "ADR" => {
                    if property.has_type("work") && card.work_address.is_none() {
                        card.work_address = Some(index);
                    } else if property.has_type("home") && card.home_address.is_none() {
                        card.home_address = Some(index);
                    } else {
                        card.other_addresses.push(index);
                    }
                }
                "X-ABLABEL" => {
                    if let Some(group) = &property.group {
                        card.labels.insert(group.clone(), apple_label(&property.text()));
                    }
                }
                _ => {}
            }
        }
        let preference = |index: &usize| properties[*index].pref.unwrap_or(u32::MAX);
        card.emails.sort_by_key(preference);
        card.phones.sort_by_key(preference);
        card.properties = properties;
        card
    }

    /// The first property named `name`.
    fn first(&self, name: &str) -> Option<&Property> {
        self.properties.iter().find(|property| property.name == name)
    }

    /// What a property's type column says: its types and its label.
    fn kind_of(&self, property: &Property) -> String {
        let mut kinds: Vec<&str> = property
            .types
            .iter()
            .map(String::as_str)
            .filter(|kind| !kind.eq_ignore_ascii_case("internet"))
            .collect();
        if let Some(label) = property.group.as_ref().and_then(|group| self.labels.get(group)) {
            kinds.push(label);
        }
        kinds.join(", ")
    }

    /// The card's cells, column by column, as (column, text).
    fn cells(&self, columns: &Columns) -> Vec<(usize, String)> {
        let mut cells = Vec::new();
        for (column, (_, name, component)) in FIXED.iter().enumerate() {
            let Some(property) = self.first(name) else {
                continue;
            };
            let text = match component {
                Some(at) => property.components().into_iter().nth(*at).unwrap_or_default(),
                None => property.text(),
            };
            cells.push((column, text));
        }
        let address = |cells: &mut Vec<(usize, String)>, at: usize, index: usize| {
            let parts = self.properties[index].components();
            for (offset, part) in parts.into_iter().take(ADDRESS_PARTS.len()).enumerate() {
                cells.push((at + offset, part));
            }
        };
        if let Some(index) = self.work_address {
            address(&mut cells, Columns::WORK, index);
        }
        if let Some(index) = self.home_address {
            address(&mut cells, Columns::HOME, index);
        }
        for (n, &index) in self.emails.iter().enumerate() {
            let property = &self.properties[index];
            cells.push((Columns::EMAILS + 2 * n, property.text()));
            cells.push((Columns::EMAILS + 2 * n + 1, self.kind_of(property)));
        }
        for (n, &index) in self.phones.iter().enumerate() {
            let property = &self.properties[index];
            let number = property.text();
            let number = match number.get(..4) {
                Some(scheme) if scheme.eq_ignore_ascii_case("tel:") => number[4..].to_string(),
                _ => number,
            };
            cells.push((columns.phones_at() + 2 * n, number));
            cells.push((columns.phones_at() + 2 * n + 1, self.kind_of(property)));
        }
        for (n, &index) in self.other_addresses.iter().enumerate() {
            let at = columns.others_at() + n * (ADDRESS_PARTS.len() + 1);
            cells.push((at, self.kind_of(&self.properties[index])));
            address(&mut cells, at + 1, index);
        }
        cells.sort_by_key(|(column, _)| *column);
        cells
    }
}

/// iPhone's label as people read it: `_$!<Mobile>!$_` is "Mobile".
fn apple_label(label: &str) -> String {
    label
        .strip_prefix("_$!<")
        .and_then(|rest| rest.strip_suffix(">!$_"))
        .unwrap_or(label)
        .to_string()
}

/// What a card may hold before it is refused: its columns must fit the
/// limit, so a card of a million `TEL` lines costs no more than the limit.
struct CardBounds<'a> {
    sheet: &'a str,
    max_columns: u32,
}

/// The card being read: where it starts, how deep in nested cards the
/// reader is, and the properties kept (those with a column: the first of
/// each single one, every repeated one).
struct OpenCard {
    line: u32,
    depth: u32,
    properties: Vec<Property>,
    /// Columns the card needs for its repeated properties.
    repeated_columns: u32,
    /// iPhone labels seen.
    labels: u32,
}

impl OpenCard {
    fn keep(&mut self, property: Property, bounds: &CardBounds<'_>) -> Result<(), ReadError> {
        let name = property.name.as_str();
        let columns = match name {
            "EMAIL" | "TEL" => 2,
            "ADR" => 1 + ADDRESS_PARTS.len() as u32,
            "X-ABLABEL" => {
                // One per labelled item at most matters; the items are
                // bounded by the columns, so more labels than columns are
                // not kept.
                self.labels = self.labels.saturating_add(1);
                if self.labels <= bounds.max_columns {
                    self.properties.push(property);
                }
                return Ok(());
            }
            _ => {
                let has_column = FIXED.iter().any(|(_, fixed, _)| *fixed == name);
                let first = !self.properties.iter().any(|kept| kept.name == name);
                if has_column && first {
                    self.properties.push(property);
                }
                return Ok(());
            }
        };
        self.repeated_columns = self.repeated_columns.saturating_add(columns);
        let needed = (Columns::EMAILS as u32).saturating_add(self.repeated_columns);
        if needed > bounds.max_columns {
            return Err(ReadError::TooManyColumns {
                sheet: bounds.sheet.to_string(),
                columns: needed,
                max: bounds.max_columns,
            });
        }
        self.properties.push(property);
        Ok(())
    }
}

/// Calls `each` with every card of `text`, in order, until it returns
/// `false`.
///
/// A nested `BEGIN` (2.1's `AGENT` card inside a card) is skipped to its
/// `END`; lines outside cards are ignored. A card with no `END` before the
/// file ends is [`ReadError::VcardCutOff`]; a file with no card at all,
/// [`ReadError::NoVcards`]; a card needing more columns than the limit,
/// [`ReadError::TooManyColumns`].
fn each_card(
    text: &[u8],
    bounds: &CardBounds<'_>,
    mut each: impl FnMut(Card) -> Result<bool, ReadError>,
) -> Result<(), ReadError> {
    let mut open: Option<OpenCard> = None;
    let mut cards = 0u32;
    for line in Lines::new(text) {
        let Some(property) = Property::parse(&line.text) else {
            continue;
        };
        let envelope = matches!(property.name.as_str(), "BEGIN" | "END");
        let is_vcard = envelope && property.text().trim().eq_ignore_ascii_case("VCARD");
        match (&mut open, property.name.as_str()) {
            (None, "BEGIN") if is_vcard => {
                open = Some(OpenCard {
                    line: line.line,
                    depth: 0,
                    properties: Vec::new(),
                    repeated_columns: 0,
                    labels: 0,
                });
            }
            (None, _) => {}
            (Some(card), "BEGIN") => card.depth = card.depth.saturating_add(1),
            (Some(card), "END") if card.depth > 0 => card.depth -= 1,
            (Some(_), "END") => {
                let Some(card) = open.take() else {
                    continue;
                };
                cards = cards.saturating_add(1);
                if !each(Card::new(card.properties))? {
                    return Ok(());
                }
            }
            (Some(card), _) if card.depth == 0 => card.keep(property, bounds)?,
            (Some(_), _) => {}
        }
    }
    if let Some(card) = open {
        return Err(ReadError::VcardCutOff { line: card.line });
    }
    if cards == 0 {
        return Err(ReadError::NoVcards);
    }
    Ok(())
}

/// Reads the vCard `text` (of the sheet `sheet`, read within
/// `max_columns`) into `builder`: the header row, then a row per card.
pub(crate) fn read(
    text: &[u8],
    sheet: &str,
    max_columns: u32,
    builder: &mut RowBuilder<'_>,
) -> Result<(), ReadError> {
    let bounds = CardBounds { sheet, max_columns };
    let mut columns = Columns::default();
    each_card(text, &bounds, |card| {
        columns.widen(&card);
        Ok(true)
    })?;
    for (column, header) in columns.headers().into_iter().enumerate() {
        let column = u32::try_from(column).unwrap_or(u32::MAX);
        builder.push(0, column, Value::Text(Cow::Owned(header)))?;
    }
    let mut row = 0u32;
    each_card(text, &bounds, |card| {
        row = row.saturating_add(1);
        for (column, text) in card.cells(&columns) {
            let column = u32::try_from(column).unwrap_or(u32::MAX);
            if builder.wants(column) {
                builder.push(row, column, Value::Text(Cow::Owned(text)))?;
            }
        }
        Ok(!builder.stopped())
    })
}

#[cfg(test)]
mod tests;
