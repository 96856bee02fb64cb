//! The "Possible duplicates" panel of the review: each new row the rules
//! call possibly the same as an existing contact or an earlier row, why,
//! and the choice of what to do with it (create anyway, update that
//! contact, skip the row). The state and its rules are
//! `session::duplicates`; this only renders them and hands the user's
//! choice to the session. Never an error: Confirm does not wait on it.

use leptos::prelude::*;
use rules::similar::DuplicateChoice;
use uuid::Uuid;

use super::session::DuplicateView;
use super::{thousands, ImportContext};

/// Flagged rows listed at first, and how many more each "Show more" lists
/// (a row not listed is created unless the user lists it and chooses).
const SHOWN: usize = 100;

/// The select's value for each choice.
fn choice_value(choice: DuplicateChoice) -> &'static str {
    match choice {
        DuplicateChoice::CreateAnyway => "create",
        DuplicateChoice::Update { .. } => "update",
        DuplicateChoice::Skip => "skip",
    }
}

/// The choice a select's value stands for (`contact`: the one to update).
fn choice_of(value: &str, contact: Option<Uuid>) -> Option<DuplicateChoice> {
    match value {
        "create" => Some(DuplicateChoice::CreateAnyway),
        "update" => contact.map(|contact| DuplicateChoice::Update { contact }),
        "skip" => Some(DuplicateChoice::Skip),
        _ => None,
    }
}

/// The panel; nothing when no row is flagged.
#[component]
pub fn DuplicatesPanel() -> impl IntoView {
    let context = expect_context::<ImportContext>();
    let limit = RwSignal::new(SHOWN);
    let listed = Memo::new(move |_| {
        let limit = limit.get();
        context.read(|session| session.duplicate_views(limit)).unwrap_or_default()
    });
    // A choice the session refused (the flag changed meanwhile).
    let refusal = RwSignal::new(None::<String>);
    let keys = move || listed.with(|(views, _)| views.iter().map(|view| (view.index, view.contact)).collect::<Vec<_>>());
    view! {
        <Show when=move || listed.with(|(views, _)| !views.is_empty())>
            <section class="duplicates" aria-labelledby="duplicates-heading">
                <h2 id="duplicates-heading">"Possible duplicates"</h2>
                <p class="muted">
                    "These new rows look like a contact you already have, or an earlier row. "
                    "They are created unless you choose otherwise; this never stops the import."
                </p>
                {move || refusal.get().map(|sentence| view! { <p class="error-banner" role="alert">{sentence}</p> })}
                <ul class="duplicate-list">
                    <For each=keys key=|key| *key let:key>
                        <DuplicateRow index=key.0 listed refusal/>
                    </For>
                </ul>
                {move || {
                    let more = listed.with(|(_, more)| *more);
                    (more > 0).then(|| {
                        let next = more.min(SHOWN);
                        view! {
                            <p class="muted">
                                {format!("…and {} more, not listed: they will be created unless you list them and choose. ", thousands(more))}
                                <button type="button" class="link-button" on:click=move |_| limit.update(|limit| *limit += SHOWN)>
                                    {format!("Show {} more", thousands(next))}
                                </button>
                            </p>
                        }
                    })
                }}
            </section>
        </Show>
    }
}

/// One flagged row: its number, name, what it is like, and the choice.
#[component]
fn DuplicateRow(index: usize, listed: Memo<(Vec<DuplicateView>, usize)>, refusal: RwSignal<Option<String>>) -> impl IntoView {
    let context = expect_context::<ImportContext>();
    let current = move || listed.with(|(views, _)| views.iter().find(|view| view.index == index).cloned());
    let Some(initial) = current() else {
        return ().into_any();
    };
    let contact = initial.contact;
    let select_id = format!("duplicate-choice-{index}");
    let on_change = move |event: leptos::ev::Event| {
        let Some(choice) = choice_of(&event_target_value(&event), contact) else { return };
        let mut chosen = Ok(());
        context.edit(|session| chosen = session.duplicates.choose(index, choice), false);
        refusal.set(chosen.err());
    };
    let value = move || current().map_or("create", |view| choice_value(view.choice));
    view! {
        <li class="duplicate">
            <label for=select_id.clone()>
                <span class="duplicate-line">{format!("Row {}", initial.line)}</span>
                <span class="duplicate-name">{initial.name.clone()}</span>
                <span class="tag warn duplicate-like">{initial.sentence.clone()}</span>
            </label>
            <select id=select_id on:change=on_change prop:value=value>
                <option value="create">"Create anyway"</option>
                {contact.map(|_| view! { <option value="update">"Update that contact"</option> })}
                <option value="skip">"Skip this row"</option>
            </select>
        </li>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_choice_has_a_select_value_that_reads_back_as_itself() {
        let contact = Uuid::from_u128(7);
        for choice in [DuplicateChoice::CreateAnyway, DuplicateChoice::Update { contact }, DuplicateChoice::Skip] {
            assert_eq!(choice_of(choice_value(choice), Some(contact)), Some(choice));
        }
        // Without a contact to update (a row like an earlier row) there is no update.
        assert_eq!(choice_of("update", None), None);
        assert_eq!(choice_of("anything", Some(contact)), None);
    }
}
