//! Whole-column fixes on the review screen: the "Find and replace" panel,
//! and in the Confirm bar the "apply to all N rows with this value" offer
//! after a cell is fixed by hand, and Undo for the newest fix.
//!
//! Invariant: these components only render the session and call its fix
//! methods (`session_fixes`); every fix and undo goes through
//! [`apply`], which re-lists the rows and recreates the visible ones, so
//! no input shows a value the session no longer holds.

use leptos::prelude::*;
use rules::column_fix::FindReplace;
use rules::validate::clean;
use rules::Field;

use super::session::Session;
use super::session_fixes::{cells, CellChange};
use super::{thousands, ImportContext};

/// The screen's fix state that cells and the Confirm bar share.
#[derive(Clone, Copy)]
pub struct ColumnFixes {
    /// The cell being typed in and the value it had when focused.
    editing: StoredValue<Option<CellChange>>,
    /// A cell just fixed by hand whose old value other rows still hold.
    offer: RwSignal<Option<CellChange>>,
    /// What the last Undo did, until the next fix.
    undone: RwSignal<Option<String>>,
}

impl ColumnFixes {
    /// Makes the state and provides it to the review screen's parts.
    pub fn provide() {
        provide_context(ColumnFixes { editing: StoredValue::new(None), offer: RwSignal::new(None), undone: RwSignal::new(None) });
    }

    /// A cell got focus: remember its value, to offer the fix for others.
    pub fn started(&self, context: ImportContext, row: usize, field: Field) {
        let from = context.session.with_value(|session| session.as_ref().and_then(|session| session.cell_text(row, field)).map(str::to_string));
        self.editing.set_value(from.map(|from| CellChange { row, field, to: from.clone(), from }));
    }

    /// A cell's change was committed (it lost focus or Enter was pressed):
    /// offer the same fix for the other rows with its old value.
    pub fn finished(&self, context: ImportContext, row: usize, field: Field) {
        let Some(mut change) = self.editing.get_value().filter(|change| change.row == row && change.field == field) else {
            return;
        };
        let now = context.session.with_value(|session| session.as_ref().and_then(|session| session.cell_text(row, field)).map(str::to_string));
        let Some(now) = now.filter(|now| clean(now) != clean(&change.from)) else {
            return;
        };
        change.to = now;
        self.offer.set(Some(change));
    }
}

/// Runs a fix or an undo on the session; then every part of the screen
/// showing rows is refreshed (the inputs of visible rows are recreated with
/// their new values).
fn apply<T>(context: ImportContext, fix: impl FnOnce(&mut Session) -> T) -> Option<T> {
    let mut outcome = None;
    context.edit(|session| outcome = Some(fix(session)), true);
    context.generation.update(|generation| *generation += 1);
    // Numbers the fix wrote (or moved to another country) are read by the server.
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(super::flow::read_new_phones(context, None));
    outcome
}

/// The form: a column, what to find, what to replace it with, how many
/// cells that changes (or why it changes none), and Replace.
#[component]
pub fn FindReplacePanel() -> impl IntoView {
    let context = expect_context::<ImportContext>();
    let fixes = expect_context::<ColumnFixes>();
    let open = RwSignal::new(false);
    let columns = Memo::new(move |_| {
        context.generation.track();
        context.session.with_value(|session| session.as_ref().map(Session::displayed_columns).unwrap_or_default())
    });
    let chosen_field = RwSignal::new(None::<Field>);
    let field = move || chosen_field.get().or_else(|| columns.with(|columns| columns.first().map(|(field, _)| *field)));
    let find = RwSignal::new(String::new());
    let replace = RwSignal::new(String::new());
    let whole_cell = RwSignal::new(false);
    let match_case = RwSignal::new(false);
    let fix = move || {
        field().map(|field| FindReplace {
            field,
            find: find.get(),
            replace: replace.get(),
            whole_cell: whole_cell.get(),
            ignore_case: !match_case.get(),
        })
    };
    // Counted only while the panel is open: it reads the whole column.
    let preview = Memo::new(move |_| {
        if !open.get() {
            return None;
        }
        let fix = fix()?;
        context.read(|session| session.plan_find_replace(&fix).map(|batch| batch.len()).map_err(|refused| refused.sentence()))
    });
    // Before anything is typed, the rule's "nothing to find" is a hint.
    let waiting_for_text = move || find.with(String::is_empty) && !whole_cell.get();
    // The fix just made and how many cells it changed: while the form still
    // describes it, "no cell contains …" is its result, not a refusal.
    let just_applied = RwSignal::new(None::<(FindReplace, usize)>);
    let applied_count = move || just_applied.with(|applied| applied.as_ref().filter(|(applied, _)| Some(applied) == fix().as_ref()).map(|(_, count)| *count));
    let on_replace = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(fix) = fix() else { return };
        if let Some(Ok(count)) = apply(context, |session| session.find_replace(&fix)) {
            fixes.undone.set(None);
            just_applied.set(Some((fix, count)));
        }
    };

    view! {
        <section class="find-replace" aria-labelledby="find-replace-heading">
            <div class="section-head">
                <h2 id="find-replace-heading">"Fix a whole column"</h2>
                <button type="button" aria-expanded=move || open.get().to_string() aria-controls="find-replace-form" on:click=move |_| open.update(|open| *open = !*open)>
                    {move || if open.get() { "Close find and replace" } else { "Find and replace" }}
                </button>
            </div>
            <Show when=move || open.get()>
                <form id="find-replace-form" class="find-replace-form" on:submit=on_replace>
                    <label>
                        <span>"Column"</span>
                        <select on:change=move |event| chosen_field.set(Field::from_key(&event_target_value(&event)))>
                            {move || columns.get().into_iter().map(|(option, header)| view! {
                                <option value=option.key() selected=move || field() == Some(option)>{header}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <label>
                        <span>"Find"</span>
                        <input type="text" prop:value=move || find.get() on:input=move |event| find.set(event_target_value(&event))/>
                    </label>
                    <label>
                        <span>"Replace with"</span>
                        <input type="text" prop:value=move || replace.get() on:input=move |event| replace.set(event_target_value(&event))/>
                    </label>
                    <div class="find-replace-options">
                        <label class="toggle">
                            <input type="checkbox" prop:checked=move || whole_cell.get() on:change=move |event| whole_cell.set(event_target_checked(&event))/>
                            "Whole cell"
                        </label>
                        <label class="toggle">
                            <input type="checkbox" prop:checked=move || match_case.get() on:change=move |event| match_case.set(event_target_checked(&event))/>
                            "Match case"
                        </label>
                    </div>
                    <p class="fix-preview" class:bad=move || matches!(preview.get(), Some(Err(_))) && !waiting_for_text() && applied_count().is_none() role="status">
                        {move || match (preview.get(), applied_count()) {
                            (Some(Ok(count)), _) => format!("{} will change.", cells(count)),
                            (Some(Err(_)), Some(count)) => format!("Replaced in {}. You can undo it until you confirm.", cells(count)),
                            (Some(Err(sentence)), None) => sentence,
                            (None, _) => String::new(),
                        }}
                    </p>
                    <button type="submit" class="primary" disabled=move || !matches!(preview.get(), Some(Ok(_)))>
                        {move || match preview.get() {
                            Some(Ok(count)) => format!("Replace in {}", cells(count)),
                            _ => "Replace".to_string(),
                        }}
                    </button>
                </form>
            </Show>
        </section>
    }
}

/// In the Confirm bar: the offer to apply a hand fix to the other rows with
/// the same value, and Undo for the newest fix.
#[component]
pub fn FixesBar() -> impl IntoView {
    let context = expect_context::<ImportContext>();
    let fixes = expect_context::<ColumnFixes>();
    let offered = Memo::new(move |_| {
        let change = fixes.offer.get()?;
        let count = context.read(|session| session.same_value_fix(&change).len())?;
        (count > 0).then_some((change, count))
    });
    let latest = Memo::new(move |_| context.read(|session| session.fixes.latest().map(|fix| (fix.summary.clone(), session.fixes.len()))).flatten());
    // Said once Undo has let an old fix go (its history is bounded).
    let forgotten = Memo::new(move |_| context.read(|session| session.fixes.forgotten_sentence()).flatten());
    let apply_offer = move |_| {
        let Some(change) = fixes.offer.get_untracked() else { return };
        apply(context, |session| session.apply_to_same_value(&change));
        fixes.offer.set(None);
        fixes.undone.set(None);
    };
    let undo = move |_| {
        let undone = apply(context, Session::undo_fix).flatten();
        fixes.undone.set(undone.map(|undone| undone.sentence()));
    };

    view! {
        <div class="fixes-bar" role="status" aria-live="polite">
            {move || offered.get().map(|(change, count)| {
                let header = context.read(|session| session.header(change.field)).unwrap_or_default();
                view! {
                    <p class="fix-offer">
                        <span>{format!(
                            "{} other {} {} \u{201c}{}\u{201d} in {header} too.",
                            thousands(count),
                            if count == 1 { "row" } else { "rows" },
                            if count == 1 { "has" } else { "have" },
                            clean(&change.from)
                        )}</span>
                        <button type="button" on:click=apply_offer>
                            {format!("Apply to all {} {}", thousands(count), if count == 1 { "row" } else { "rows" })}
                        </button>
                        <button type="button" on:click=move |_| fixes.offer.set(None)>"No thanks"</button>
                    </p>
                }
            })}
            {move || fixes.undone.get().map(|sentence| view! { <p class="fix-undone">{sentence}</p> })}
            {move || latest.get().map(|(summary, count)| view! {
                <p class="fix-latest">
                    <span id="latest-fix">{summary}</span>
                    <button type="button" aria-describedby="latest-fix" on:click=undo>"Undo"</button>
                    {(count > 1).then(|| view! {
                        <span class="muted">{format!("{} earlier {} can be undone after it.", thousands(count - 1), if count == 2 { "fix" } else { "fixes" })}</span>
                    })}
                </p>
            })}
            {move || forgotten.get().map(|sentence| view! { <p class="fix-forgotten">{sentence}</p> })}
        </div>
    }
}
