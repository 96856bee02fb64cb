//! Which row the column names came from ("Headers from row 4"), and the
//! choice of another: reports from other systems often open with a title
//! block, which the reader skips by finding the header row; when it picks
//! the wrong row, the user picks the right one and the file is read again
//! from there.

use leptos::prelude::*;
use rules::headers::HeaderRowConfidence;

use super::ImportContext;

/// The header row used, the reader's reason when it is worth saying, and
/// a choice of the sheet's first rows.
#[component]
pub fn HeaderRowPicker() -> impl IntoView {
    let context = expect_context::<ImportContext>();
    let shown = move || {
        context.read(|session| {
            let file = &session.file.head;
            // Worth saying when rows were skipped or the reader was unsure.
            let reason = file
                .header_found
                .filter(|found| found.chosen.line == file.header_line)
                .filter(|found| found.chosen.line > 1 || found.confidence != HeaderRowConfidence::Sure)
                .map(|found| found.sentence());
            (session.header_row_text(), file.header_line, file.header_candidates.clone(), file.sheet_name.clone(), reason)
        })
    };
    view! {
        {move || shown().map(|(text, used, candidates, _sheet, reason)| {
            let on_change = move |_event: leptos::ev::Event| {
                #[cfg(feature = "hydrate")]
                {
                    let line: Option<u32> = event_target_value(&_event).parse().ok();
                    if let (Some(line), Some(file)) = (line, context.file.get_value()) {
                        let header = worker::protocol::HeaderRequest::Line(line);
                        leptos::task::spawn_local(super::flow::load(context, file, Some(_sheet.clone()), header));
                    }
                }
            };
            view! {
                <span class="header-row-used">{text}</span>
                {(!candidates.is_empty()).then(|| view! {
                    <label class="visually-hidden" for="header-row-choice">"Row with the column names"</label>
                    <select id="header-row-choice" class="header-row-choice" on:change=on_change>
                        {candidates.into_iter().map(|candidate| {
                            let selected = candidate.line == used;
                            view! {
                                <option value=candidate.line.to_string() selected=selected>
                                    {format!("Row {}: {}", candidate.line, candidate.preview)}
                                </option>
                            }
                        }).collect_view()}
                    </select>
                })}
                {reason.map(|reason| view! { <p class="muted header-row-reason">{reason}</p> })}
            }
        })}
    }
}
