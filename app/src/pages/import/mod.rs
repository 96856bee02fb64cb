//! `/contacts/import`: the import screen.
//!
//! The file is read in the browser by a Web Worker running the shared rules
//! (nothing is uploaded before Confirm); the rows are checked here with the
//! same rules the server uses, fixed in place, and only then sent. Work on
//! big files is cut into slices that give the page a turn in between, so it
//! never freezes.
//!
//! - [`session`]: the file, mapping and live check (plain logic, tested).
//! - `flow` + `browser` (wasm only): reading, checking, confirming, downloads;
//!   `left_out` (wasm only): counting the data the mapping leaves out;
//!   `lookups` (wasm only): asking the server about the rows, with the calls
//!   [`lookup_batches`] gathers as the rows come (plain logic, tested).
//! - [`session_fixes`]: whole-column fixes and their undo (plain logic, tested).
//! - [`picker`], [`review`], [`table`], [`progress`], [`fixes`], [`values`],
//!   [`duplicates`], [`remembered`]: the screen's parts.

use leptos::prelude::*;
use leptos_meta::Title;
use rules::merge::MergeMode;
use rules::Issue;
use store::model::ImportCounts;
use uuid::Uuid;

pub use crate::format::thousands;

#[cfg(feature = "hydrate")]
mod browser;
mod duplicates;
#[cfg(feature = "hydrate")]
mod flow;
mod fixes;
mod header_row;
pub mod lookup_batches;
#[cfg(feature = "hydrate")]
mod lookups;
mod picker;
mod progress;
mod remembered;
mod review;
pub mod session;
pub mod session_fixes;
mod table;
mod values;

use session::Session;

/// Where the user is in the import.
#[derive(Clone, Debug, PartialEq)]
pub enum Stage {
    /// Nothing chosen yet.
    ChooseFile,
    /// The worker is reading the file.
    Reading { file_name: String, rows: u32 },
    /// Checking rows against the rules and the account's contacts.
    Checking { done: usize, total: usize },
    /// Looking for possible duplicates among the checked rows.
    FindingDuplicates { done: usize, total: usize },
    /// Every row shown; the user fixes and confirms.
    Review,
    /// Sending rows to the server.
    Uploading { sent: usize, total: usize },
    /// The server is re-checking and saving.
    Saving { rows: usize },
    /// Saved.
    Done { import_id: Uuid, counts: ImportCounts, file_name: String },
}

/// The server refused the import; nothing was changed.
#[derive(Clone, Debug, PartialEq)]
pub struct Rejection {
    pub issues: Vec<Issue>,
    pub total: u32,
}

impl Stage {
    /// Whether the page waits on the user, with no file being read,
    /// checked or saved.
    pub fn is_idle(&self) -> bool {
        matches!(self, Stage::ChooseFile | Stage::Review | Stage::Done { .. })
    }
}

/// The screen's state, shared by its parts.
#[derive(Clone, Copy)]
pub struct ImportContext {
    pub stage: RwSignal<Stage>,
    /// A plain sentence about what went wrong with the file or the import.
    pub alert: RwSignal<Option<String>>,
    /// The file being imported (not reactive: signals below say when it changed).
    pub session: StoredValue<Option<Session>>,
    /// Notified whenever any row's cells or verdict may have changed.
    pub rows_changed: Trigger,
    /// Bumped when the rows are rebuilt (new file, sheet or mapping) or a
    /// whole-column fix rewrites cells: row components are recreated.
    pub generation: RwSignal<u64>,
    /// Notified when the list of rows to show must be recomputed.
    pub relist: Trigger,
    pub only_issues: RwSignal<bool>,
    pub mode: RwSignal<MergeMode>,
    pub rejection: RwSignal<Option<Rejection>>,
    /// Where finished imports are announced.
    pub toasts: crate::toast::Toasts,
    /// The chosen file, kept to re-read another sheet of it.
    #[cfg(feature = "hydrate")]
    pub file: StoredValue<Option<web_sys::File>, LocalStorage>,
    /// The server's import limits, asked for when the page opens so a
    /// chosen file is read at once; the defaults if it cannot be asked (the
    /// server checks again at confirm anyway).
    #[cfg(feature = "hydrate")]
    pub limits: LocalResource<rules::Limits>,
}

impl ImportContext {
    fn new() -> ImportContext {
        ImportContext {
            stage: RwSignal::new(Stage::ChooseFile),
            alert: RwSignal::new(None),
            session: StoredValue::new(None),
            rows_changed: Trigger::new(),
            generation: RwSignal::new(0),
            relist: Trigger::new(),
            only_issues: RwSignal::new(false),
            mode: RwSignal::new(MergeMode::KeepExisting),
            rejection: RwSignal::new(None),
            toasts: crate::toast::use_toasts(),
            #[cfg(feature = "hydrate")]
            file: StoredValue::new_local(None),
            #[cfg(feature = "hydrate")]
            limits: LocalResource::new(|| async {
                crate::import_api::import_limits().await.unwrap_or(rules::Limits::DEFAULT)
            }),
        }
    }

    /// Runs `change` on the session and says which parts of the screen must
    /// refresh.
    pub fn edit(&self, change: impl FnOnce(&mut Session), relist: bool) {
        self.session.update_value(|session| {
            if let Some(session) = session {
                change(session);
            }
        });
        self.rows_changed.notify();
        if relist {
            self.relist.notify();
        }
    }

    /// Closes the file being imported. A big file's rows (hundreds of
    /// thousands of strings) are freed only once the page has drawn what
    /// comes next: freeing them is a long task of its own, and it used to
    /// hold back the notice that the import was done.
    pub fn close_session(&self) {
        let closed = self.session.try_update_value(Option::take).flatten();
        #[cfg(feature = "hydrate")]
        if closed.is_some() {
            leptos::task::spawn_local(async move {
                browser::after_paint().await;
                drop(closed);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        drop(closed);
    }

    /// Reads from the session, reactively on `rows_changed`.
    pub fn read<T>(&self, read: impl FnOnce(&Session) -> T) -> Option<T> {
        self.rows_changed.track();
        self.session.with_value(|session| session.as_ref().map(read))
    }
}

/// The import screen.
#[component]
pub fn ImportPage() -> impl IntoView {
    let context = ImportContext::new();
    provide_context(context);
    let stage = context.stage;
    // The reader's next worker starts (and compiles its wasm) once the page
    // is idle: while the user is still choosing a file, or looking at the
    // whole review (drawn over a few turns). Started as soon as a read
    // ended, it competed with that file's look-ups, check and first render
    // for the cores.
    #[cfg(feature = "hydrate")]
    {
        browser::want_spare_worker();
        Effect::new(move |_| {
            if stage.with(Stage::is_idle) {
                leptos::task::spawn_local(async {
                    browser::when_idle().await;
                    browser::start_spare_worker();
                });
            }
        });
        on_cleanup(browser::stop_spare_worker);
    }
    view! {
        <Title text="Import Contacts"/>
        <div class="page-head">
            <h1>"Import Contacts"</h1>
            <div class="actions">
                <a class="button" href="/downloads/contacts-template.xlsx" download="contacts-template.xlsx">
                    "Download Excel Template"
                </a>
                <a class="button" href="/downloads/contacts-example.xlsx" download="contacts-example.xlsx">
                    "Example Template"
                </a>
                // Once the import is done there is nothing left to cancel.
                <Show when=move || stage.with(|stage| !matches!(stage, Stage::Done { .. }))>
                    <a class="button" href="/contacts">"Cancel Import"</a>
                </Show>
            </div>
        </div>
        <AlertBanner/>
        {move || match stage.get() {
            Stage::ChooseFile => view! { <picker::FilePicker/> }.into_any(),
            Stage::Reading { file_name, rows } => {
                let label = if rows == 0 {
                    format!("Reading {file_name}…")
                } else {
                    format!("Reading {file_name}… {} rows so far", thousands(rows as usize))
                };
                view! { <progress::ProgressPanel label value=None/> }.into_any()
            }
            Stage::Checking { done, total } => {
                view! { <progress::ProgressPanel label="Checking every row…".to_string() value=Some((done, total))/> }.into_any()
            }
            Stage::FindingDuplicates { done, total } => {
                let label = "Looking for possible duplicates…".to_string();
                view! { <progress::ProgressPanel label value=Some((done, total))/> }.into_any()
            }
            Stage::Review => view! { <review::Review/> }.into_any(),
            Stage::Uploading { sent, total } => {
                let label = format!("Sending rows to the server… {} of {}", thousands(sent), thousands(total));
                view! { <progress::ProgressPanel label value=Some((sent, total))/> }.into_any()
            }
            Stage::Saving { rows } => {
                let label = format!("Checking and saving {} rows on the server…", thousands(rows));
                view! { <progress::ProgressPanel label value=None/> }.into_any()
            }
            Stage::Done { import_id, counts, file_name } => view! { <progress::Finished import_id counts file_name/> }.into_any(),
        }}
    }
}

/// The screen's alert: a file that could not be read, an import that did
/// not go through.
#[component]
fn AlertBanner() -> impl IntoView {
    let context = expect_context::<ImportContext>();
    view! {
        <div role="alert" class="alert-slot">
            {move || context.alert.get().map(|message| view! { <p class="error-banner">{message}</p> })}
        </div>
    }
}

