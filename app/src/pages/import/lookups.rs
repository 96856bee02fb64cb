//! Asking the server about a file's rows (wasm only): the account's
//! contacts with their keys, the contacts they may duplicate, and the
//! verdicts on their phone numbers. The calls come from
//! [`LookupBatches`](super::lookup_batches::LookupBatches) as the rows are
//! gathered, so a file being read has its first answers before its last
//! rows; each kind has its own few calls in flight.
//!
//! Invariant: only the contacts are needed to go on (a failed call fails
//! the look-up); possible duplicates are hints, and a number without the
//! server's verdict has the layout check until the server reads it again at
//! upload and confirm.

use std::future::Future;

use futures::channel::mpsc::{self, UnboundedSender};
use futures::{StreamExt, TryStreamExt};
use rules::check::LookupKeys;
use rules::headers::ImportRow;
use rules::phone::{PhoneKey, PhoneVerdict, PhoneVerdicts};
use rules::similar::SimilarKeys;
use rules::ExistingContact;

use super::browser::next_turn;
use super::lookup_batches::{Ask, Caps, LookupBatches};
use crate::error::AppError;
use crate::import_api::{existing_contacts, phone_verdicts, similar_contacts};

/// Rows keyed between turns given back to the page.
const KEY_SLICE: usize = 10_000;
/// `existing_contacts` and `similar_contacts` calls in flight at once, of
/// each: they wait mostly on Postgres, and the bulk pool (4 connections by
/// default) is shared with every other account's imports, so two, not more.
const LOOKUPS_AT_ONCE: usize = 2;
/// `phone_verdicts` calls in flight at once: each is CPU on the server
/// (about 30 ms for a full call), on its blocking threads.
const PHONE_CALLS_AT_ONCE: usize = 3;

/// What the server says about a file's rows before they are checked.
pub struct Lookups {
    /// The account's contacts with the rows' keys.
    pub contacts: Vec<ExistingContact>,
    /// The account's contacts the rows may duplicate.
    pub candidates: Vec<ExistingContact>,
    /// The verdicts on the rows' distinct phone numbers, gathered as each
    /// call answers (all at once, 200,000 took a task of 70 ms).
    pub phones: PhoneVerdicts,
}

/// Where gathered calls go; dropping it says no more will come.
pub struct AskQueue {
    contacts: UnboundedSender<LookupKeys>,
    similar: UnboundedSender<SimilarKeys>,
    phones: UnboundedSender<Vec<PhoneKey>>,
}

impl AskQueue {
    /// Sends `asks` on their way. Once the answers have failed (a contact
    /// look-up went wrong) nobody listens, and they are dropped.
    pub fn send(&self, asks: Vec<Ask>) {
        for ask in asks {
            let _ = match ask {
                Ask::Contacts(keys) => self.contacts.unbounded_send(keys).is_ok(),
                Ask::Similar(keys) => self.similar.unbounded_send(keys).is_ok(),
                Ask::Phones(keys) => self.phones.unbounded_send(keys).is_ok(),
            };
        }
    }
}

/// A queue for the calls, and the answers to every call sent through it:
/// they are ready once the queue is dropped and each call has answered.
pub fn ask_server() -> (AskQueue, impl Future<Output = Result<Lookups, AppError>>) {
    let (contacts, contact_calls) = mpsc::unbounded();
    let (similar, similar_calls) = mpsc::unbounded();
    let (phones, phone_calls) = mpsc::unbounded();
    let answers = async move {
        let contacts =
            contact_calls.map(|keys| own_task(existing_contacts(keys))).buffer_unordered(LOOKUPS_AT_ONCE).try_concat();
        let candidates = similar_calls
            .map(|keys| own_task(similar_contacts(keys)))
            .buffer_unordered(LOOKUPS_AT_ONCE)
            .collect::<Vec<_>>();
        let phones = phone_calls.map(|keys| own_task(phone_call(keys))).buffer_unordered(PHONE_CALLS_AT_ONCE).fold(
            PhoneVerdicts::default(),
            |mut book, answer| {
                book.extend(answer);
                futures::future::ready(book)
            },
        );
        // Polled in this order, so their calls go out in it: the phones'
        // answer takes the longest (the server reads each number), so its
        // call goes first.
        let (phones, contacts, candidates) = futures::join!(phones, contacts, candidates);
        Ok(Lookups { contacts: contacts?, candidates: candidates_of(candidates), phones })
    };
    (AskQueue { contacts, similar, phones }, answers)
}

/// Starts `call` in a task of its own. A call is encoded when first polled
/// (tens of ms for a full one), and the answers are polled whenever the
/// page's work on the rows yields or a call in flight answers: without the
/// turn, the encoding was added to whatever task that was.
async fn own_task<F: Future>(call: F) -> F::Output {
    next_turn().await;
    call.await
}

/// Asks the server about `rows` (already read): the keys are gathered a
/// slice at a time, and each call goes out as soon as it is full.
pub async fn look_up(rows: &[ImportRow]) -> Result<Lookups, AppError> {
    let (queue, answers) = ask_server();
    let gather = async move {
        let mut batches = LookupBatches::new(Caps::SERVER);
        for slice in rows.chunks(KEY_SLICE) {
            queue.send(batches.add(slice));
            next_turn().await;
        }
        queue.send(batches.finish());
    };
    let ((), lookups) = futures::join!(gather, answers);
    lookups
}

/// The possible duplicates' candidates from every call's answer, each
/// once. A failed call only means no row is flagged: flags are hints, never
/// needed to import, and flags from part of the calls would be misleading.
fn candidates_of(answers: Vec<Result<Vec<ExistingContact>, AppError>>) -> Vec<ExistingContact> {
    match answers.into_iter().collect::<Result<Vec<_>, _>>() {
        Ok(answers) => {
            let mut contacts: Vec<ExistingContact> = answers.into_iter().flatten().collect();
            // Calls may return the same contact twice.
            contacts.sort_by_key(|contact| contact.id);
            contacts.dedup_by_key(|contact| contact.id);
            contacts
        }
        Err(error) => {
            leptos::logging::warn!("possible duplicates were not looked up: {error}");
            Vec::new()
        }
    }
}

/// One `phone_verdicts` call; a failed call only leaves its numbers to the
/// layout check.
async fn phone_call(keys: Vec<PhoneKey>) -> Vec<(PhoneKey, PhoneVerdict)> {
    match phone_verdicts(keys.clone()).await {
        Ok(verdicts) if verdicts.len() == keys.len() => keys.into_iter().zip(verdicts).collect(),
        Ok(_) => Vec::new(),
        Err(error) => {
            leptos::logging::warn!("phone numbers were not read by the server: {error}");
            Vec::new()
        }
    }
}

/// The server's verdicts on `keys` (any number of them), in calls of its
/// cap, a few in flight.
pub async fn fetch_phone_verdicts(keys: Vec<PhoneKey>) -> Vec<(PhoneKey, PhoneVerdict)> {
    let calls: Vec<Vec<PhoneKey>> = keys.chunks(Caps::SERVER.phones).map(<[PhoneKey]>::to_vec).collect();
    futures::stream::iter(calls).map(phone_call).buffer_unordered(PHONE_CALLS_AT_ONCE).concat().await
}
