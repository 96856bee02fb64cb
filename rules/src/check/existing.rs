//! The account's existing contacts that an import may match, with lookups by
//! Contact ID and by email.
//!
//! Invariant: the lookup maps hold [`match_key`] forms only, and each key
//! points at the first contact (in the order given) that has it. The database
//! keeps references and emails unique per account, so normally each key has
//! one contact.

use std::borrow::Cow;
use std::collections::HashMap;

use foldhash::fast::RandomState;

use uuid::Uuid;

use crate::contact::ExistingContact;
use crate::field::Field;
use crate::validate::clean;

/// The form Contact IDs and emails are compared in: trimmed and lower-cased
/// (Unicode lower case). The server should store and look keys up in this
/// form, computed by this function, so that both sides agree exactly.
pub fn match_key(text: &str) -> String {
    key(text).into_owned()
}

/// [`match_key`], borrowing `text` when it is already in key form.
pub(crate) fn key(text: &str) -> Cow<'_, str> {
    let text = clean(text);
    if text.is_ascii() {
        if text.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(text.to_ascii_lowercase())
        } else {
            Cow::Borrowed(text)
        }
    } else {
        let lower = text.to_lowercase();
        if lower == text {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(lower)
        }
    }
}

/// Whether `a` and `b` are the same key ([`match_key`] equal).
pub fn same_key(a: &str, b: &str) -> bool {
    let (a, b) = (clean(a), clean(b));
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.to_lowercase() == b.to_lowercase()
    }
}

/// The existing contacts an import is checked against: for the browser, those
/// the server returned for the file's keys; for the server, those it loaded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExistingContacts {
    contacts: Vec<ExistingContact>,
    // Looked up for every row checked (foldhash, seeded per process, as the
    // check's groups are).
    by_id: HashMap<Uuid, usize, RandomState>,
    by_reference: HashMap<String, usize, RandomState>,
    by_email: HashMap<String, usize, RandomState>,
}

impl ExistingContacts {
    /// Indexes `contacts` by id, Contact ID and email.
    pub fn new(contacts: Vec<ExistingContact>) -> ExistingContacts {
        let mut existing = ExistingContacts::default();
        for contact in contacts {
            existing.upsert(contact);
        }
        existing
    }

    /// Adds `contact`, or replaces the one with the same id. Returns the
    /// replaced contact, if any.
    pub fn upsert(&mut self, contact: ExistingContact) -> Option<ExistingContact> {
        match self.by_id.get(&contact.id) {
            Some(&index) => {
                let old = std::mem::replace(self.contacts.get_mut(index)?, contact);
                self.unlink(index, &old);
                self.link(index);
                Some(old)
            }
            None => {
                let index = self.contacts.len();
                self.by_id.insert(contact.id, index);
                self.contacts.push(contact);
                self.link(index);
                None
            }
        }
    }

    fn link(&mut self, index: usize) {
        let Some(contact) = self.contacts.get(index) else {
            return;
        };
        for (field, map) in [
            (Field::Reference, &mut self.by_reference),
            (Field::Email, &mut self.by_email),
        ] {
            let key = match_key(contact.fields.get(field));
            if !key.is_empty() {
                map.entry(key).or_insert(index);
            }
        }
    }

    fn unlink(&mut self, index: usize, old: &ExistingContact) {
        for (field, map) in [
            (Field::Reference, &mut self.by_reference),
            (Field::Email, &mut self.by_email),
        ] {
            let key = match_key(old.fields.get(field));
            if map.get(&key) == Some(&index) {
                map.remove(&key);
            }
        }
    }

    /// The contact whose Contact ID is `reference` (compared as [`match_key`]).
    pub fn by_reference(&self, reference: &str) -> Option<&ExistingContact> {
        self.by_key(&self.by_reference, reference)
    }

    /// The contact whose email is `email` (compared as [`match_key`]).
    pub fn by_email(&self, email: &str) -> Option<&ExistingContact> {
        self.by_key(&self.by_email, email)
    }

    fn by_key(&self, map: &HashMap<String, usize, RandomState>, text: &str) -> Option<&ExistingContact> {
        let key = key(text);
        if key.is_empty() {
            return None;
        }
        map.get(key.as_ref())
            .and_then(|&index| self.contacts.get(index))
    }

    /// The contact whose Contact ID has key `key` (already a [`match_key`]).
    pub(crate) fn by_reference_key(&self, key: &str) -> Option<&ExistingContact> {
        self.by_reference
            .get(key)
            .and_then(|&index| self.contacts.get(index))
    }

    /// The contact whose email has key `key` (already a [`match_key`]).
    pub(crate) fn by_email_key(&self, key: &str) -> Option<&ExistingContact> {
        self.by_email
            .get(key)
            .and_then(|&index| self.contacts.get(index))
    }

    /// The contact with database id `id`.
    pub fn by_id(&self, id: Uuid) -> Option<&ExistingContact> {
        self.by_id
            .get(&id)
            .and_then(|&index| self.contacts.get(index))
    }

    /// Every contact, in the order added.
    pub fn iter(&self) -> impl Iterator<Item = &ExistingContact> {
        self.contacts.iter()
    }

    /// How many contacts there are.
    pub fn len(&self) -> usize {
        self.contacts.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.contacts.is_empty()
    }
}
