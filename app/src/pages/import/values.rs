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
    // The options are the same for every value of a column: written as one
    // piece of HTML, the choice as drawn first marked `selected`, and the
    // select's value follows later changes. A Country value has about 250
    // options; built one element (and one effect) at a time, a file's four
    // unknown countries made a thousand, and drawing the panel took 30 ms.
    // Even as HTML, each option costs the browser its parse, style and
    // layout (four Country selects about 20 ms, before the counts below
    // them could be drawn), so a closed select starts with what it shows
    // ("Leave as is" and the choice); the rest follow once the page is
    // idle, or at once when the user reaches for the select.
    let select = NodeRef::<leptos::html::Select>::new();
    let filled = StoredValue::new(false);
    let fill = move || {
        if filled.try_get_value() == Some(false) {
            if let Some(select) = select.try_get_untracked().flatten() {
                filled.set_value(true);
                select.set_inner_html(&options_html(field, &selected.get_untracked(), Options::All));
            }
        }
    };
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        super::browser::when_idle().await;
        fill();
    });
    let shown_options = options_html(field, &selected.get_untracked(), Options::Shown);
    let first_value = selected.get_untracked();
    let value = move || {
        let value = selected.get();
        // A choice made elsewhere (a fix to every row with the value) may
        // name an option not yet there.
        if value != first_value {
            fill();
        }
        value
    };
    view! {
        <li class="value-choice">
            <label for=id.clone()>
                <span class="value-text">{label}</span>
                <span class="muted">{move || format!("{} {}", thousands(rows()), if rows() == 1 { "row" } else { "rows" })}</span>
            </label>
            <span class="value-pick">
                <select
                    id=id
                    node_ref=select
                    on:change=choose
                    on:focus=move |_| fill()
                    on:pointerdown=move |_| fill()
                    prop:value=value
                    inner_html=shown_options
                ></select>
                {move || note().map(|note| view! { <span class="tag guess">{note}</span> })}
            </span>
        </li>
    }
}

/// Which of a value choice's options to write.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Options {
    /// What a closed select shows: "Leave as is" and the option `selected`.
    Shown,
    /// Every option.
    All,
}

/// A value choice's options as HTML: "Leave as is", then each choice of
/// `field` (or only the one `which` asks for), the one whose select value is
/// `selected` marked.
fn options_html(field: ChoiceField, selected: &str, which: Options) -> String {
    let mut html = String::new();
    push_option(&mut html, LEAVE_AS_IS, "Leave as is", selected);
    for choice in Choice::options(field) {
        let value = format!("{CHOICE_PREFIX}{}", choice.value());
        if which == Options::All || value == selected {
            push_option(&mut html, &value, &choice_label(choice), selected);
        }
    }
    html
}

fn push_option(html: &mut String, value: &str, label: &str, selected: &str) {
    html.push_str("<option value=\"");
    html_escape::encode_double_quoted_attribute_to_string(value, html);
    html.push('"');
    if value == selected {
        html.push_str(" selected");
    }
    html.push('>');
    html_escape::encode_text_to_string(label, html);
    html.push_str("</option>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_options_are_every_choice_escaped_with_the_chosen_one_marked() {
        let html = options_html(ChoiceField::Country, "=NZ", Options::All);
        assert!(html.starts_with("<option value=\"keep\">Leave as is</option><option value=\"=\">(blank)</option>"), "{html}");
        assert!(html.contains("<option value=\"=NZ\" selected>NZ — New Zealand</option>"), "{html}");
        assert_eq!(html.matches(" selected").count(), 1);
        assert_eq!(html.matches("<option ").count(), Choice::options(ChoiceField::Country).len() + 1);

        let mut escaped = String::new();
        push_option(&mut escaped, "=\"<&>", "<b>&", "keep");
        assert_eq!(escaped, "<option value=\"=&quot;&lt;&amp;&gt;\">&lt;b&gt;&amp;</option>");
    }

    #[test]
    fn leave_as_is_is_marked_when_nothing_is_chosen() {
        let html = options_html(ChoiceField::Category, LEAVE_AS_IS, Options::All);
        assert!(html.starts_with("<option value=\"keep\" selected>Leave as is</option>"), "{html}");
        assert_eq!(html.matches(" selected").count(), 1);
    }

    #[test]
    fn a_closed_select_starts_with_leave_as_is_and_the_choice_it_shows() {
        let chosen = options_html(ChoiceField::Country, "=NZ", Options::Shown);
        assert_eq!(chosen, "<option value=\"keep\">Leave as is</option><option value=\"=NZ\" selected>NZ — New Zealand</option>");
        let blank = options_html(ChoiceField::Country, "=", Options::Shown);
        assert_eq!(blank, "<option value=\"keep\">Leave as is</option><option value=\"=\" selected>(blank)</option>");
        let left = options_html(ChoiceField::Category, LEAVE_AS_IS, Options::Shown);
        assert_eq!(left, "<option value=\"keep\" selected>Leave as is</option>");
    }
}
