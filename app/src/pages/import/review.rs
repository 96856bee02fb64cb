//! The review step: file details, column mapping, merge mode, counts,
//! the rows, and Confirm.

use leptos::prelude::*;
use rules::headers::ColumnState;
use rules::merge::MergeMode;
use rules::Field;
use worker::protocol::FileRead;

use super::fixes::{ColumnFixes, FindReplacePanel, FixesBar};
use super::header_row::HeaderRowPicker;
use super::table::RowsTable;
use super::{thousands, ImportContext};
#[cfg(feature = "hydrate")]
use super::session::Session;

/// Everything between reading the file and confirming.
///
/// Built in four tasks, each part below the one before (so nothing on
/// screen moves down when the next comes): built at once, a big file's
/// review held the page for over a tenth of a second in one task (each
/// element costs tens of microseconds to build and lay out; the value
/// choices, the possible duplicates and the rows table are a thousand or
/// two each).
#[component]
pub fn Review() -> impl IntoView {
    ColumnFixes::provide();
    // The parts shown so far: 1 down to the mapping, 2 the value choices,
    // 3 the possible duplicates down to the counts, 4 the rows table. When
    // the panels list few items, the first three are one task: the counts
    // then show without waiting for two layouts of the parts above them.
    #[cfg(feature = "hydrate")]
    let first = match expect_context::<ImportContext>().read(Session::lists_few) {
        Some(true) => 3,
        _ => 1,
    };
    #[cfg(not(feature = "hydrate"))]
    let first = 4;
    let parts_shown = RwSignal::new(first);
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        for part in first + 1..=4 {
            super::browser::next_turn().await;
            // The review may be gone by then (another file chosen).
            if parts_shown.try_set(part).is_some() {
                return;
            }
        }
    });
    let shown = move |part: u8| parts_shown.get() >= part;
    view! {
        <FileDetails/>
        <RejectionBanner/>
        <super::remembered::RememberedNotice/>
        <MappingStep/>
        <Show when=move || shown(2)>
            <super::values::ValueChoicesPanel/>
        </Show>
        <Show when=move || shown(3)>
            <super::duplicates::DuplicatesPanel/>
            <ModeChoice/>
            <Summary/>
            <FindReplacePanel/>
        </Show>
        <Show when=move || shown(4)>
            <RowsTable/>
        </Show>
        <ConfirmBar/>
    }
}

/// `1536` bytes as `1.5 KB`.
fn human_size(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let bytes_f = bytes as f64;
    if bytes_f < KB {
        format!("{bytes} bytes")
    } else if bytes_f < KB * KB {
        format!("{:.1} KB", bytes_f / KB)
    } else {
        format!("{:.1} MB", bytes_f / KB / KB)
    }
}

/// Name, size, sheet, rows found, columns recognised / ignored / missing.
#[component]
fn FileDetails() -> impl IntoView {
    let context = expect_context::<ImportContext>();
    let details = move || {
        context.read(|session| {
            let FileRead { head: file, end } = &session.file;
            let recognised: Vec<String> = session
                .mapping
                .columns()
                .iter()
                .filter_map(|column| column.state.field().map(|field| (column, field)))
                .map(|(column, field)| {
                    if column.header == field.header() {
                        column.header.clone()
                    } else {
                        format!("{} → {}", column.header, field.header())
                    }
                })
                .collect();
            let ignored: Vec<String> = session
                .mapping
                .columns()
                .iter()
                .filter(|column| column.state.field().is_none())
                .map(|column| if column.header.is_empty() { format!("(column {})", column.index + 1) } else { column.header.clone() })
                .collect();
            let missing: Vec<&'static str> = session.mapping.missing().iter().map(Field::header).collect();
            (file.clone(), end.clone(), recognised, ignored, missing)
        })
    };
    view! {
        {move || details().map(|(file, end, recognised, ignored, missing)| {
            let several_sheets = file.sheet_names.len() > 1;
            let rows_text = match end.blank_rows_skipped {
                0 => thousands(end.row_count as usize),
                skipped => format!("{} ({} blank rows skipped)", thousands(end.row_count as usize), thousands(skipped as usize)),
            };
            view! {
                <section class="file-details" aria-labelledby="file-details-heading">
                    <div class="section-head">
                        <h2 id="file-details-heading">"File details"</h2>
                        <ChooseAnotherFile/>
                    </div>
                    <dl>
                        <div><dt>"File"</dt><dd class="file-name">{file.file_name.clone()}</dd></div>
                        <div><dt>"Size"</dt><dd>{human_size(file.file_size)}</dd></div>
                        <div>
                            <dt>"Sheet"</dt>
                            <dd>
                                {if several_sheets {
                                    view! { <SheetChoice names=file.sheet_names.clone() chosen=file.sheet_name.clone()/> }.into_any()
                                } else {
                                    view! { <span>{file.sheet_name.clone()}</span> }.into_any()
                                }}
                            </dd>
                        </div>
                        <div><dt>"Rows found"</dt><dd>{rows_text}</dd></div>
                        <div class="wide"><dt>"Header row"</dt><dd><HeaderRowPicker/></dd></div>
                        <div class="wide"><dt>"Columns recognised"</dt><dd>{list_or_none(recognised)}</dd></div>
                        <div class="wide"><dt>"Columns ignored"</dt><dd>{list_or_none(ignored)}</dd></div>
                        <div class="wide"><dt>"Template columns not in the file"</dt><dd>{list_or_none(missing.into_iter().map(String::from).collect())}</dd></div>
                    </dl>
                </section>
            }
        })}
    }
}

fn list_or_none(items: Vec<String>) -> String {
    if items.is_empty() {
        "None".to_string()
    } else {
        items.join(", ")
    }
}

/// Starts over with another file.
#[component]
fn ChooseAnotherFile() -> impl IntoView {
    let context = expect_context::<ImportContext>();
    let restart = move |_| {
        context.close_session();
        context.rejection.set(None);
        context.alert.set(None);
        context.stage.set(super::Stage::ChooseFile);
    };
    view! { <button type="button" class="link-button" on:click=restart>"Choose another file"</button> }
}

/// The sheet to import, when the workbook has several.
#[component]
fn SheetChoice(names: Vec<String>, chosen: String) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    let context = expect_context::<ImportContext>();
    let on_change = move |_event: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            let sheet = event_target_value(&_event);
            if let Some(file) = context.file.get_value() {
                leptos::task::spawn_local(super::flow::load(context, file, Some(sheet), worker::protocol::HeaderRequest::Find));
            }
        }
    };
    view! {
        <label class="visually-hidden" for="sheet-choice">"Sheet to import"</label>
        <select id="sheet-choice" on:change=on_change>
            {names.into_iter().map(|name| {
                let selected = name == chosen;
                let value = name.clone();
                view! { <option value=value selected=selected>{name}</option> }
            }).collect_view()}
        </select>
    }
}

/// Matching the file's columns to contact fields.
#[component]
fn MappingStep() -> impl IntoView {
    let context = expect_context::<ImportContext>();
    let columns = move || {
        context.read(|session| {
            let first_row = session.sheet_rows.first();
            session
                .mapping
                .columns()
                .iter()
                .map(|column| {
                    let sample = first_row
                        .and_then(|row| row.cells.get(column.index))
                        .map(|cell| cell.text().to_string())
                        .unwrap_or_default();
                    (column.index, column.header.clone(), column.state.clone(), sample)
                })
                .collect::<Vec<_>>()
        })
    };
    let needs_attention = move || {
        context
            .read(|session| session.mapping.columns().iter().any(|column| matches!(column.state, ColumnState::Unrecognised)))
            .unwrap_or(false)
    };
    view! {
        <details class="mapping" open=needs_attention>
            <summary>
                <h2>"Match columns to contact fields"</h2>
                <span class="muted">
                    {move || if needs_attention() {
                        "Some columns were not recognised: choose a field for each, or leave them out."
                    } else {
                        "Every column was recognised. Open to check or change."
                    }}
                </span>
            </summary>
            <table class="mapping-table">
                <thead>
                    <tr><th scope="col">"Column in your file"</th><th scope="col">"First value"</th><th scope="col">"Import as"</th></tr>
                </thead>
                <tbody>
                    {move || columns().unwrap_or_default().into_iter().map(|(index, header, state, sample)| {
                        view! { <MappingRow index header state sample/> }
                    }).collect_view()}
                </tbody>
            </table>
        </details>
    }
}

/// One file column and the field it is imported as.
#[component]
fn MappingRow(index: usize, header: String, state: ColumnState, sample: String) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    let context = expect_context::<ImportContext>();
    let chosen = state.field();
    let note = match &state {
        ColumnState::Unrecognised => Some("Not recognised"),
        ColumnState::Duplicate { .. } => Some("Same field as an earlier column"),
        _ => None,
    };
    let guessed = matches!(state, ColumnState::Guessed { .. }).then_some("Recognised by its values");
    let id = format!("map-column-{index}");
    let label = if header.is_empty() { format!("Column {}", index + 1) } else { header.clone() };
    let on_change = move |_event: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            let value = event_target_value(&_event);
            leptos::task::spawn_local(super::flow::remap(context, index, Field::from_key(&value)));
        }
    };
    view! {
        <tr class:unrecognised=note.is_some()>
            <th scope="row"><label for=id.clone()>{label}</label>{note.map(|note| view! { <span class="tag warn">{note}</span> })}{guessed.map(|note| view! { <span class="tag">{note}</span> })}</th>
            <td class="sample">{sample}</td>
            <td>
                <select id=id on:change=on_change>
                    <option value="" selected=chosen.is_none()>"Don't import"</option>
                    {Field::ALL.into_iter().map(|field| view! {
                        <option value=field.key() selected=chosen == Some(field)>{field.header()}</option>
                    }).collect_view()}
                </select>
            </td>
        </tr>
    }
}

/// Keep existing information when blank, or overwrite all.
#[component]
fn ModeChoice() -> impl IntoView {
    let context = expect_context::<ImportContext>();
    let choose = move |mode: MergeMode| {
        move |_| {
            context.mode.set(mode);
            #[cfg(feature = "hydrate")]
            leptos::task::spawn_local(super::flow::change_mode(context, mode));
        }
    };
    view! {
        <fieldset class="mode-choice">
            <legend>"When a row matches a contact you already have"</legend>
            <label class="choice">
                <input type="radio" name="merge-mode" value="keep"
                    checked=move || context.mode.get() == MergeMode::KeepExisting
                    on:change=choose(MergeMode::KeepExisting)/>
                <span>
                    <strong>"Keep existing information when import fields are blank"</strong>
                    <span class="muted">"Blank cells leave what is already saved. Filled cells replace it."</span>
                </span>
            </label>
            <label class="choice">
                <input type="radio" name="merge-mode" value="overwrite"
                    checked=move || context.mode.get() == MergeMode::OverwriteAll
                    on:change=choose(MergeMode::OverwriteAll)/>
                <span>
                    <strong>"Overwrite all existing information"</strong>
                    <span class="muted">"The file replaces what is saved: blank cells clear it. Columns not in the file are never touched."</span>
                </span>
            </label>
        </fieldset>
    }
}

/// The counts, the issues-only filter and the error report.
#[component]
fn Summary() -> impl IntoView {
    let context = expect_context::<ImportContext>();
    let counts = Memo::new(move |_| context.read(|session| session.counts()).unwrap_or_default());
    let report_busy = RwSignal::new(false);
    let download_report = move |_| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(super::flow::download_report(context, report_busy));
    };
    view! {
        <section class="summary" aria-label="Rows checked">
            <ul class="counts">
                <li class="count ok"><span aria-hidden="true">"✓"</span><strong>{move || thousands(counts.get().valid)}</strong>" valid"</li>
                <li class="count bad"><span aria-hidden="true">"✗"</span><strong>{move || thousands(counts.get().with_issues)}</strong>" with issues"</li>
                <li class="count"><strong>{move || thousands(counts.get().new)}</strong>" new"</li>
                <li class="count"><strong>{move || thousands(counts.get().updates)}</strong>" updates"</li>
                <li class="count"><strong>{move || thousands(counts.get().unchanged)}</strong>" unchanged"</li>
                <PossibleDuplicatesCount/>
            </ul>
            <div class="summary-actions">
                <label class="toggle">
                    <input
                        type="checkbox"
                        prop:checked=move || context.only_issues.get()
                        on:change=move |event| {
                            context.only_issues.set(event_target_checked(&event));
                            context.relist.notify();
                        }
                    />
                    "Show only rows with issues"
                </label>
                <Show when=move || { counts.get().with_issues > 0 }>
                    <button type="button" on:click=download_report disabled=move || report_busy.get()>
                        {move || if report_busy.get() { "Preparing report…" } else { "Download error report" }}
                    </button>
                </Show>
            </div>
        </section>
    }
}

/// How many rows are possibly the same as a contact or an earlier row
/// (nothing when none): a hint beside the counts, never an issue.
#[component]
fn PossibleDuplicatesCount() -> impl IntoView {
    let context = expect_context::<ImportContext>();
    let count = Memo::new(move |_| context.read(|session| session.duplicates.count()).unwrap_or(0));
    view! {
        <Show when=move || { count.get() > 0 }>
            <li class="count warn">
                <strong>{move || thousands(count.get())}</strong>
                {move || if count.get() == 1 { " possible duplicate" } else { " possible duplicates" }}
            </li>
        </Show>
    }
}

/// What the server said when it refused the import.
#[component]
fn RejectionBanner() -> impl IntoView {
    let context = expect_context::<ImportContext>();
    view! {
        {move || context.rejection.get().map(|rejection| {
            let shown: Vec<String> = rejection.issues.iter().take(5).map(|issue| issue.to_string()).collect();
            let more = rejection.total as usize - shown.len().min(rejection.total as usize);
            view! {
                <section class="rejection" role="alert">
                    <h2>"The import did not go through, and nothing was changed"</h2>
                    <p>{format!(
                        "When saving, the server found {} {}. The rows below are checked again with the latest contacts; fix them and confirm again.",
                        thousands(rejection.total as usize),
                        if rejection.total == 1 { "issue" } else { "issues" }
                    )}</p>
                    <ul>{shown.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}</ul>
                    {(more > 0).then(|| view! { <p class="muted">{format!("…and {} more.", thousands(more))}</p> })}
                </section>
            }
        })}
    }
}

/// The sticky bar with Confirm import.
#[component]
fn ConfirmBar() -> impl IntoView {
    let context = expect_context::<ImportContext>();
    let counts = Memo::new(move |_| context.read(|session| session.counts()).unwrap_or_default());
    let ready = move || {
        let counts = counts.get();
        counts.rows > 0 && counts.with_issues == 0
    };
    let status = move || {
        let counts = counts.get();
        if counts.rows == 0 {
            "There are no rows to import.".to_string()
        } else if counts.with_issues > 0 {
            format!(
                "Fix or remove the {} {} with issues to continue.",
                thousands(counts.with_issues),
                if counts.with_issues == 1 { "row" } else { "rows" }
            )
        } else {
            format!(
                "{} rows ready: {} new, {} to update, {} unchanged.",
                thousands(counts.rows),
                thousands(counts.new),
                thousands(counts.updates),
                thousands(counts.unchanged)
            )
        }
    };
    let confirm = move |_| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(super::flow::confirm(context));
    };
    // Nothing dropped silently: a notice, not a block.
    let left_out = move || context.read(|session| session.left_out_notice()).flatten();
    view! {
        <div class="confirm-bar">
            {move || left_out().map(|notice| view! { <p class="left-out-notice" role="note">{notice}</p> })}
            <FixesBar/>
            <p id="confirm-status" aria-live="polite">{status}</p>
            <button
                type="button"
                class="primary"
                aria-describedby="confirm-status"
                disabled=move || !ready()
                on:click=confirm
            >
                "Confirm import"
            </button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::human_size;

    #[test]
    fn sizes_read_like_a_file_manager() {
        assert_eq!(human_size(512), "512 bytes");
        assert_eq!(human_size(1536), "1.5 KB");
        assert_eq!(human_size(25 * 1024 * 1024), "25.0 MB");
    }
}
