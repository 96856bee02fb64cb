//! The rows table: a virtualised grid (only the rows in view are in the
//! page, so 200,000 rows scroll smoothly) where each row shows its status,
//! what importing it does, and its cells as inputs with their issues.

use leptos::prelude::*;
use rules::Field;

use super::session::Session;
use super::{thousands, ImportContext};

/// Every row is this tall, so the row at a scroll offset is a division away.
const ROW_HEIGHT: f64 = 66.0;
/// Rows rendered above and below the visible ones: a wheel's turn of
/// scrolling. Each row is some eighty elements, and the first render of the
/// table is its own task (see `Review`): 8 made it 26 rows, 5 makes it 20.
const OVERSCAN: usize = 5;

/// Column width in pixels for a field's inputs.
fn field_width(field: Field) -> u32 {
    match field {
        Field::Title => 90,
        Field::Kind | Field::Category | Field::Postcode => 130,
        Field::Country => 150,
        Field::Email | Field::AddressLine1 | Field::AddressLine2 | Field::CompanyName => 240,
        Field::Notes => 280,
        _ => 180,
    }
}

/// The CSS grid: the status, row and action columns (sized by the
/// stylesheet, narrower on phones), then the fields and remove. Returns the
/// column template and the grid's width.
fn grid_columns(fields: &[(Field, String)]) -> (String, String) {
    let mut widths: Vec<u32> = fields.iter().map(|(field, _)| field_width(*field)).collect();
    widths.push(72);
    let fixed: u32 = widths.iter().sum();
    let template = std::iter::once("var(--col-status) var(--col-line) var(--col-action)".to_string())
        .chain(widths.iter().map(|width| format!("{width}px")))
        .collect::<Vec<_>>()
        .join(" ");
    let width = format!("calc(var(--col-status) + var(--col-line) + var(--col-action) + {fixed}px)");
    (template, width)
}

/// The virtualised grid of rows.
#[component]
pub fn RowsTable() -> impl IntoView {
    let context = expect_context::<ImportContext>();
    let listed = Memo::new(move |_| {
        context.relist.track();
        context.generation.track();
        let only_issues = context.only_issues.get();
        context
            .session
            .with_value(|session| session.as_ref().map(|session| session.listed_rows(only_issues)).unwrap_or_default())
    });
    let fields = Memo::new(move |_| {
        context.generation.track();
        context.session.with_value(|session| session.as_ref().map(Session::displayed_columns).unwrap_or_default())
    });
    let scroll_top = RwSignal::new(0.0_f64);
    let viewport = RwSignal::new(640.0_f64);
    let window = Memo::new(move |_| {
        let count = listed.with(Vec::len);
        let first = ((scroll_top.get() / ROW_HEIGHT) as usize).saturating_sub(OVERSCAN).min(count);
        let shown = (viewport.get() / ROW_HEIGHT).ceil() as usize + 2 * OVERSCAN;
        let last = (first + shown).min(count);
        (first, listed.with(|rows| rows[first..last].to_vec()))
    });
    let on_scroll = move |event: leptos::ev::Event| {
        use leptos::wasm_bindgen::JsCast;
        if let Some(element) = event.target().and_then(|target| target.dyn_into::<leptos::web_sys::Element>().ok()) {
            scroll_top.set(element.scroll_top() as f64);
            viewport.set(element.client_height() as f64);
        }
    };
    let layout = move || grid_columns(&fields.get());

    view! {
        <section class="rows-section" aria-labelledby="rows-heading">
            <h2 id="rows-heading" class="visually-hidden">"Rows"</h2>
            <Show
                when=move || !listed.with(Vec::is_empty)
                fallback=move || view! {
                    <p class="empty-rows">
                        {move || if context.only_issues.get() { "No rows have issues." } else { "There are no rows to import." }}
                    </p>
                }
            >
                <div class="grid-scroll" role="region" aria-label="Rows to import" tabindex="0" on:scroll=on_scroll>
                    <div
                        class="grid"
                        role="table"
                        aria-label="Rows to import"
                        aria-rowcount=move || (listed.with(Vec::len) + 1).to_string()
                        style=move || format!("width: {}; --grid-columns: {}", layout().1, layout().0)
                    >
                        <div role="rowgroup" class="grid-head">
                            <div role="row" class="grid-row head" aria-rowindex="1">
                                <div role="columnheader">"Status"</div>
                                <div role="columnheader">"Row"</div>
                                <div role="columnheader">"Action"</div>
                                {move || fields.get().into_iter().map(|(_, header)| view! { <div role="columnheader">{header}</div> }).collect_view()}
                                <div role="columnheader"><span class="visually-hidden">"Remove"</span></div>
                            </div>
                        </div>
                        <div role="rowgroup" class="grid-body" style=move || format!("height: {}px", listed.with(Vec::len) as f64 * ROW_HEIGHT)>
                            <div class="grid-window" style=move || format!("transform: translateY({}px)", window.with(|(first, _)| *first) as f64 * ROW_HEIGHT)>
                                <For
                                    each=move || {
                                        // A new generation re-keys every row, so each is built
                                        // again (a fix or a value choice rewrote their cells).
                                        context.generation.track();
                                        let (first, rows) = window.get();
                                        rows.into_iter().enumerate().map(move |(offset, index)| (first + offset, index)).collect::<Vec<_>>()
                                    }
                                    key=move |(_, index)| (context.generation.get_untracked(), *index)
                                    let:entry
                                >
                                    <ImportRowView index=entry.1 position=entry.0 fields=fields.get_untracked()/>
                                </For>
                            </div>
                        </div>
                    </div>
                </div>
                <p class="muted rows-note">
                    {move || format!("{} rows listed. Fix a cell by typing in it; the row is checked again as you type.", thousands(listed.with(Vec::len)))}
                </p>
            </Show>
        </section>
    }
}

/// One row: status, row number, action, editable cells, remove.
#[component]
fn ImportRowView(index: usize, position: usize, fields: Vec<(Field, String)>) -> impl IntoView {
    let context = expect_context::<ImportContext>();
    let row = Memo::new(move |_| context.read(|session| session.row_view(index)).flatten());
    let Some(initial) = row.get_untracked() else {
        return ().into_any();
    };
    let line = initial.line;
    let valid = move || row.with(|row| row.as_ref().is_some_and(|row| row.status == super::session::RowStatus::Valid));
    let issue_count = move || {
        row.with(|row| {
            row.as_ref()
                .map(|row| row.cells.iter().map(|cell| cell.problems.len()).sum::<usize>() + row.row_issues.len())
                .unwrap_or(0)
        })
    };
    let remove = move |_| context.edit(|session| {
        session.check.remove_row(index);
    }, true);

    let cells = initial
        .cells
        .into_iter()
        .enumerate()
        .map(|(column, cell)| {
            let header = fields.get(column).map(|(_, header)| header.clone()).unwrap_or_default();
            view! { <EditableCell index column line field=cell.field header text=cell.text row/> }
        })
        .collect_view();

    view! {
        <div
            role="row"
            class="grid-row"
            class:has-issues=move || !valid()
            aria-rowindex=(position + 2).to_string()
            style=format!("height: {ROW_HEIGHT}px")
        >
            <div role="cell" class="status-cell">
                {move || if valid() {
                    view! { <span class="status ok"><span aria-hidden="true">"✓ "</span>"Valid"</span> }.into_any()
                } else {
                    let count = issue_count();
                    view! {
                        <span class="status bad">
                            <span aria-hidden="true">"✗ "</span>
                            {format!("{count} {}", if count == 1 { "issue" } else { "issues" })}
                        </span>
                    }.into_any()
                }}
                {move || row.with(|row| row.as_ref().map(|row| row.row_issues.clone()).unwrap_or_default()).first().cloned().map(|text| {
                    let title = text.clone();
                    view! { <span class="row-issue" title=title>{text}</span> }
                })}
                // The whole sentence does not fit the status column: it is
                // the title, and what a screen reader reads.
                {move || row.with(|row| row.as_ref().and_then(|row| row.possible_duplicate.clone())).map(|sentence| {
                    let title = sentence.clone();
                    view! {
                        <span class="row-maybe" title=title>
                            "Possible duplicate"<span class="visually-hidden">{format!(": {sentence}")}</span>
                        </span>
                    }
                })}
            </div>
            <div role="cell" class="line-cell">{line}</div>
            <div role="cell" class="action-cell">
                {move || row.with(|row| row.as_ref().and_then(|row| row.action.map(|action| (action, row.changes.clone())))).map(|(action, changes)| {
                    if changes.is_empty() {
                        view! { <span class=format!("tag {}", action.to_lowercase())>{action}</span> }.into_any()
                    } else {
                        let summary: Vec<String> = changes
                            .iter()
                            .map(|change| format!("{}: {} → {}", change.field.header(), shown(&change.before), shown(&change.after)))
                            .collect();
                        view! {
                            <details class="changes">
                                <summary><span class="tag update">{action}</span><span class="visually-hidden">" — show what changes"</span></summary>
                                <ul>{summary.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}</ul>
                            </details>
                        }.into_any()
                    }
                })}
            </div>
            {cells}
            <div role="cell" class="remove-cell">
                <button type="button" class="remove-row" aria-label=format!("Remove row {line} from the import") title="Remove this row from the import" on:click=remove>
                    "×"
                </button>
            </div>
        </div>
    }
    .into_any()
}

/// A value as shown in a change list; blank as "(blank)".
fn shown(value: &str) -> String {
    if value.is_empty() {
        "(blank)".to_string()
    } else {
        value.to_string()
    }
}

/// One cell: an input holding the value, and the cell's issues under it.
#[component]
fn EditableCell(
    index: usize,
    column: usize,
    line: u32,
    field: Field,
    header: String,
    text: String,
    row: Memo<Option<super::session::RowView>>,
) -> impl IntoView {
    let context = expect_context::<ImportContext>();
    let issues = move || {
        row.with(|row| {
            row.as_ref()
                .and_then(|row| row.cells.get(column))
                .map(|cell| (cell.problems.join(" "), cell.details.join(" ")))
                .unwrap_or_default()
        })
    };
    // A phone number as it will be saved, once the server has read it.
    let saved_as = move || row.with(|row| row.as_ref().and_then(|row| row.cells.get(column)).and_then(|cell| cell.saved_as.clone()));
    let message_id = format!("cell-{index}-{column}-issue");
    let on_input = move |event: leptos::ev::Event| {
        let value = event_target_value(&event);
        context.edit(|session| {
            session.check.set_cell(index, field, &value);
        }, false);
    };
    // For "apply to all rows with this value" once the cell is fixed.
    let fixes = expect_context::<super::fixes::ColumnFixes>();
    let on_focus = move |_| fixes.started(context, index, field);
    let on_change = move |_| {
        fixes.finished(context, index, field);
        // A new number, or a new Country for the row's numbers: the
        // server reads them (the layout check stands in meanwhile).
        #[cfg(feature = "hydrate")]
        if matches!(field, Field::Phone | Field::Mobile | Field::Country) {
            leptos::task::spawn_local(super::flow::read_new_phones(context, Some(index)));
        }
    };
    let label = format!("Row {line}, {header}");
    let invalid = move || if issues().0.is_empty() { "false" } else { "true" };
    // A text input drops line breaks from its value, so a multi-line cell
    // (a note typed with Alt+Enter) gets a one-row text area instead:
    // editing it must not silently join its lines.
    let editor = if text.contains(['\n', '\r']) {
        view! {
            <textarea
                rows="1"
                aria-label=label
                aria-invalid=invalid
                aria-describedby=message_id.clone()
                on:input=on_input
                on:focus=on_focus
                on:change=on_change
                prop:value=text
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                type="text"
                value=text
                aria-label=label
                aria-invalid=invalid
                aria-describedby=message_id.clone()
                on:input=on_input
                on:focus=on_focus
                on:change=on_change
            />
        }
        .into_any()
    };
    view! {
        <div role="cell" class="edit-cell" class:bad=move || !issues().0.is_empty()>
            {editor}
            <span class="cell-issue" aria-hidden="true" title=move || issues().1>{move || issues().0}</span>
            {move || saved_as().map(|shown| {
                let title = format!("Saved as {shown}");
                view! { <span class="cell-saved" title=title>{shown}</span> }
            })}
            <span id=message_id class="visually-hidden">
                {move || {
                    let details = issues().1;
                    if details.is_empty() { saved_as().map(|shown| format!("Saved as {shown}")).unwrap_or_default() } else { details }
                }}
            </span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_has_a_column_per_field_between_the_fixed_ones() {
        let (template, width) = grid_columns(&[(Field::FirstName, "First".into()), (Field::Email, "Email".into())]);
        assert_eq!(template, "var(--col-status) var(--col-line) var(--col-action) 180px 240px 72px");
        assert_eq!(width, "calc(var(--col-status) + var(--col-line) + var(--col-action) + 492px)");
    }
}
