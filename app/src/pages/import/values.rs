//! The "Values to match" panel of the review: each Contact Type, Category
//! or Country value the rules do not know, once, with how many rows have it
//! and a choice of what it means (the rules' guess filled in and marked).
//! The state and its rules are `session::value_choices`; this only renders
//! them and hands the user's choice to the session.

use leptos::prelude::*;
use rules::choices::{Choice, ChoiceField};

use super::session::{choice_label, ValueView};
use super::{thousands, ImportContext};

/// The select's value for "leave as is".
const LEAVE_AS_IS: &str = "keep";
/// Before a choice's stored spelling in the select's values, so blank
/// (`"="`) differs from "leave as is".
const CHOICE_PREFIX: &str = "=";

/// The panel; nothing when every value is one the rules know.
#[component]
pub fn ValueChoicesPanel() -> impl IntoView {
    let context = expect_context::<ImportContext>();
    let columns = Memo::new(move |_| context.read(|session| session.value_choices_view()).unwrap_or_default());
    // A choice the session refused (a value the column does not accept).
    let refusal = RwSignal::new(None::<String>);
    let fields = move || columns.with(|columns| columns.iter().map(|column| column.field).collect::<Vec<_>>());
    view! {
        <Show when=move || columns.with(|columns| !columns.is_empty())>
            <section class="value-choices" aria-labelledby="value-choices-heading">
                <h2 id="value-choices-heading">"Values to match"</h2>
                <p class="muted">
                    "These values are not ones the import knows. Choose what each means: every row with it changes. "
                    "Our guesses are filled in; check them."
                </p>
                {move || refusal.get().map(|sentence| view! { <p class="error-banner" role="alert">{sentence}</p> })}
                <For each=fields key=|field| *field let:field>
                    <ValueColumn field columns refusal/>
                </For>
            </section>
        </Show>
    }
}

/// One column's unknown values.
#[component]
fn ValueColumn(
    field: ChoiceField,
    columns: Memo<Vec<super::session::ValueColumnView>>,
    refusal: RwSignal<Option<String>>,
) -> impl IntoView {
    let column = move || columns.with(|columns| columns.iter().find(|column| column.field == field).cloned());
    let header = move || column().map(|column| column.header).unwrap_or_default();
    let texts = move || column().map(|column| column.values.into_iter().map(|value| value.text).collect::<Vec<_>>()).unwrap_or_default();
    let more = move || column().map_or(0, |column| column.more);
    let heading_id = format!("value-choices-{}", field.field().key());
    view! {
        <div class="value-column">
            <h3 id=heading_id.clone()>{header}</h3>
            <ul class="value-list" aria-labelledby=heading_id>
                <For each=texts key=|text| text.clone() let:text>
                    <ValueChoiceRow field text columns refusal/>
                </For>
            </ul>
            {move || (more() > 0).then(|| view! {
                <p class="muted">{format!("…and {} more different values, not listed. Fix them in the rows below.", thousands(more()))}</p>
            })}
        </div>
    }
}

/// One unknown value: its text, its rows, and the choice.
#[component]
fn ValueChoiceRow(
    field: ChoiceField,
    text: String,
    columns: Memo<Vec<super::session::ValueColumnView>>,
    refusal: RwSignal<Option<String>>,
) -> impl IntoView {
    let context = expect_context::<ImportContext>();
    let value = {
        let text = text.clone();
        Memo::new(move |_| {
            columns.with(|columns| {
                columns
                    .iter()
                    .find(|column| column.field == field)
                    .and_then(|column| column.values.iter().find(|value| value.text == text).cloned())
            })
        })
    };
    let rows = move || value.with(|value| value.as_ref().map_or(0, |value| value.rows));
    let note = move || value.with(|value| value.as_ref().and_then(ValueView::note));
    let selected = Memo::new(move |_| {
        value.with(|value| match value.as_ref().and_then(|value| value.chosen) {
            Some(chosen) => format!("{CHOICE_PREFIX}{chosen}"),
            None => LEAVE_AS_IS.to_string(),
        })
    });
    let choose = {
        let text = text.clone();
        move |event: leptos::ev::Event| {
            let picked = event_target_value(&event);
            let to = picked.strip_prefix(CHOICE_PREFIX).map(str::to_string);
            let mut outcome = Ok(Vec::new());
            context.edit(|session| outcome = session.choose_value(field, &text, to.as_deref()), true);
            refusal.set(outcome.err().map(|error| error.to_string()));
            // The rows' inputs show their new texts.
            context.generation.update(|generation| *generation += 1);
            // A Country mapped: the rows' numbers are read by it now.
            #[cfg(feature = "hydrate")]
            leptos::task::spawn_local(super::flow::read_new_phones(context, None));
        }
    };
    let id = format!("value-choice-{}-{}", field.field().key(), rules::choices::choice_key(&text));
    let label = format!("\u{201c}{text}\u{201d}");
    view! {
        <li class="value-choice">
            <label for=id.clone()>
                <span class="value-text">{label}</span>
                <span class="muted">{move || format!("{} {}", thousands(rows()), if rows() == 1 { "row" } else { "rows" })}</span>
            </label>
            <span class="value-pick">
                <select id=id on:change=choose>
                    <option value=LEAVE_AS_IS prop:selected=move || selected.with(|selected| selected == LEAVE_AS_IS)>"Leave as is"</option>
                    {Choice::options(field).into_iter().map(|choice| {
                        let option = format!("{CHOICE_PREFIX}{}", choice.value());
                        let is_selected = {
                            let option = option.clone();
                            move || selected.with(|selected| *selected == option)
                        };
                        view! { <option value=option prop:selected=is_selected>{choice_label(choice)}</option> }
                    }).collect_view()}
                </select>
                {move || note().map(|note| view! { <span class="tag guess">{note}</span> })}
            </span>
        </li>
    }
}
