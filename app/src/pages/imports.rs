//! `/imports` (the history) and `/imports/:id` (one import, contact by
//! contact, before and after), with Undo.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use rules::merge::MergeMode;
use rules::{ContactFields, Field};
use store::model::{ChangeAction, ContactChange, ImportDetail, ImportStatus, ImportSummary, UndoOutcome};
use uuid::Uuid;

use crate::format::{date_time, thousands};
use crate::import_api::{import_detail, list_imports, undo_import, CHANGES_PER_PAGE};
use crate::toast::{use_toasts, Tone};

fn mode_text(mode: MergeMode) -> &'static str {
    match mode {
        MergeMode::KeepExisting => "Keep existing when blank",
        MergeMode::OverwriteAll => "Overwrite all",
    }
}

fn status_text(status: ImportStatus) -> &'static str {
    match status {
        ImportStatus::Open => "In progress",
        ImportStatus::Committed => "Imported",
        ImportStatus::Failed => "Failed",
        ImportStatus::Undone => "Undone",
    }
}

fn status_class(status: ImportStatus) -> &'static str {
    match status {
        ImportStatus::Committed => "tag new",
        ImportStatus::Failed => "tag failed",
        ImportStatus::Undone | ImportStatus::Open => "tag",
    }
}

fn counts_text(summary: &ImportSummary) -> String {
    match summary.status {
        ImportStatus::Failed => "Nothing changed".to_string(),
        _ => {
            let text = format!(
                "{} created, {} updated, {} unchanged",
                thousands(summary.counts.created as usize),
                thousands(summary.counts.updated as usize),
                thousands(summary.counts.unchanged as usize)
            );
            match summary.counts.skipped {
                0 => text,
                skipped => format!("{text}, {} skipped", thousands(skipped as usize)),
            }
        }
    }
}

/// The import history.
#[component]
pub fn ImportsPage() -> impl IntoView {
    let imports = Resource::new(|| (), |_| list_imports());
    view! {
        <Title text="Imports"/>
        <div class="page-head">
            <h1>"Imports"</h1>
            <div class="actions">
                <a class="button primary" href="/contacts/import">"Import Contacts"</a>
            </div>
        </div>
        <Transition fallback=|| view! { <p class="muted">"Loading imports…"</p> }>
            {move || Suspend::new(async move {
                match imports.await {
                    Ok(imports) if imports.is_empty() => view! {
                        <p class="empty-state">"No imports yet. " <a href="/contacts/import">"Import your first file"</a>"."</p>
                    }.into_any(),
                    Ok(imports) => view! { <ImportList imports/> }.into_any(),
                    Err(error) => view! { <p class="error-banner" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The history as a table (cards on phones).
#[component]
fn ImportList(imports: Vec<ImportSummary>) -> impl IntoView {
    view! {
        <table class="contact-table import-table">
            <thead>
                <tr>
                    <th scope="col">"File"</th>
                    <th scope="col">"When"</th>
                    <th scope="col">"Who"</th>
                    <th scope="col">"Mode"</th>
                    <th scope="col">"Result"</th>
                    <th scope="col">"Status"</th>
                </tr>
            </thead>
            <tbody>
                {imports.into_iter().map(|summary| {
                    let href = format!("/imports/{}", summary.id);
                    view! {
                        <tr>
                            <td data-label="File" class="name"><a href=href>{summary.file_name.clone()}</a></td>
                            <td data-label="When">{date_time(summary.created_at)}</td>
                            <td data-label="Who">{summary.user_email.clone()}</td>
                            <td data-label="Mode">{mode_text(summary.mode)}</td>
                            <td data-label="Result">{counts_text(&summary)}</td>
                            <td data-label="Status"><span class=status_class(summary.status)>{status_text(summary.status)}</span></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// One import, contact by contact.
#[component]
pub fn ImportDetailPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|params| params.get("id").and_then(|id| Uuid::parse_str(&id).ok()));
    let page = move || query.with(|query| query.get("page").and_then(|page| page.parse::<u32>().ok()).unwrap_or(1));
    let detail = Resource::new(
        move || (id(), page()),
        |(id, page)| async move {
            match id {
                Some(id) => import_detail(id, page.saturating_sub(1)).await,
                None => Err(crate::error::AppError::NotFound("import".into())),
            }
        },
    );
    // Read again once the import is undone (its status, the undo button).
    let undone = Callback::new(move |()| detail.refetch());
    view! {
        <Title text="Import"/>
        <p class="back-link"><a href="/imports">"← All imports"</a></p>
        <Transition fallback=|| view! { <p class="muted">"Loading the import…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => view! { <ImportDetailView detail page=page() undone/> }.into_any(),
                    Err(error) => view! {
                        <h1>"Import"</h1>
                        <p class="error-banner" role="alert">{error.to_string()}</p>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ImportDetailView(detail: ImportDetail, page: u32, undone: Callback<()>) -> impl IntoView {
    let summary = detail.summary.clone();
    let pages = detail.total_changes.div_ceil(CHANGES_PER_PAGE).max(1);
    let base = format!("/imports/{}", summary.id);
    view! {
        <div class="page-head">
            <h1 class="file-title">{summary.file_name.clone()}</h1>
            <div class="actions">
                <Show when=move || summary.status == ImportStatus::Committed>
                    <UndoButton import_id=summary.id undone/>
                </Show>
            </div>
        </div>
        <section class="file-details">
            <dl>
                <div><dt>"Status"</dt><dd><span class=status_class(detail.summary.status)>{status_text(detail.summary.status)}</span></dd></div>
                <div><dt>"When"</dt><dd>{date_time(detail.summary.created_at)}</dd></div>
                <div><dt>"Who"</dt><dd>{detail.summary.user_email.clone()}</dd></div>
                <div><dt>"Mode"</dt><dd>{mode_text(detail.summary.mode)}</dd></div>
                <div><dt>"Rows"</dt><dd>{thousands(detail.summary.row_count as usize)}</dd></div>
                <div class="wide"><dt>"Result"</dt><dd>{counts_text(&detail.summary)}</dd></div>
                {detail.summary.undone_at.map(|at| view! { <div class="wide"><dt>"Undone"</dt><dd>{date_time(at)}</dd></div> })}
                {detail.summary.failure.clone().map(|failure| view! { <div class="wide"><dt>"Why it failed"</dt><dd>{failure}</dd></div> })}
                {(!detail.summary.left_out.is_empty()).then(|| view! {
                    <div class="wide"><dt>"Columns with data not imported"</dt><dd>{detail.summary.left_out.join(", ")}</dd></div>
                })}
                <div class="wide"><dt>"File SHA-256"</dt><dd class="hash">{detail.summary.file_sha256.clone()}</dd></div>
            </dl>
        </section>
        <h2>{format!("Contacts this import touched ({})", thousands(detail.total_changes as usize))}</h2>
        {if detail.changes.is_empty() {
            view! { <p class="muted">"None: nothing was created or changed."</p> }.into_any()
        } else {
            view! {
                <ul class="change-list">
                    {detail.changes.into_iter().map(|change| view! { <ChangeItem change/> }).collect_view()}
                </ul>
            }.into_any()
        }}
        {(pages > 1).then(|| view! {
            <nav class="pager" aria-label="Pages of changes">
                {(page > 1).then(|| view! { <a href=format!("{base}?page={}", page - 1)>"← Previous"</a> })}
                <span>{format!("Page {page} of {pages}")}</span>
                {(page < pages).then(|| view! { <a href=format!("{base}?page={}", page + 1)>"Next →"</a> })}
            </nav>
        })}
    }
}

/// One contact the import created or changed.
#[component]
fn ChangeItem(change: ContactChange) -> impl IntoView {
    let name = change.after.display_name();
    let rows: Vec<(Field, String, String)> = match &change.before {
        Some(before) => changed_fields(before, &change.after),
        None => change.after.iter().filter(|(_, value)| !value.is_empty()).map(|(field, value)| (field, String::new(), value.to_string())).collect(),
    };
    let created = change.action == ChangeAction::Created;
    let (tag, tag_class) = match change.action {
        ChangeAction::Created => ("Created", "tag new"),
        ChangeAction::Updated => ("Updated", "tag update"),
    };
    view! {
        <li class="change">
            <div class="change-head">
                <a href=format!("/contacts/{}", change.contact_id)>{name}</a>
                <span class=tag_class>{tag}</span>
                <span class="muted">{format!("row {}", change.line)}</span>
            </div>
            {if created {
                view! {
                    <table class="diff">
                        <thead><tr><th scope="col">"Field"</th><th scope="col">"Value"</th></tr></thead>
                        <tbody>
                            {rows.into_iter().map(|(field, _, after)| view! {
                                <tr><th scope="row">{field.header()}</th><td class="after">{after}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            } else {
                view! {
                    <table class="diff">
                        <thead><tr><th scope="col">"Field"</th><th scope="col">"Before"</th><th scope="col">"After"</th></tr></thead>
                        <tbody>
                            {rows.into_iter().map(|(field, before, after)| view! {
                                <tr><th scope="row">{field.header()}</th><td class="before">{before}</td><td class="after">{after}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </li>
    }
}

/// `(field, before, after)` for each field that differs.
fn changed_fields(before: &ContactFields, after: &ContactFields) -> Vec<(Field, String, String)> {
    Field::ALL
        .into_iter()
        .filter(|&field| before.get(field) != after.get(field))
        .map(|field| (field, before.get(field).to_string(), after.get(field).to_string()))
        .collect()
}

/// Undo, with a second step to confirm, and the refusal when later changes
/// touched the same contacts.
#[component]
fn UndoButton(import_id: Uuid, undone: Callback<()>) -> impl IntoView {
    let asking = RwSignal::new(false);
    let refusal = RwSignal::new(None::<(Vec<String>, u32)>);
    let toasts = use_toasts();
    // The answer is handled in the action itself, once per answer.
    let undo = Action::new(move |_: &()| async move {
        let outcome = undo_import(import_id).await;
        if outcome.is_ok() {
            crate::import_api::mark_import_notices_read(Some(import_id)).await;
        }
        asking.set(false);
        match outcome {
            Ok(UndoOutcome::Undone { restored, deleted }) => {
                toasts.show(
                    format!("Import undone: {restored} contacts restored, {deleted} created contacts removed."),
                    None,
                    Tone::Success,
                );
                undone.run(());
            }
            Ok(UndoOutcome::Refused { contacts, total }) => refusal.set(Some((contacts, total))),
            Err(error) => toasts.show(format!("Undo did not go through: {error} Nothing was changed."), None, Tone::Failure),
        }
    });
    view! {
        <div class="undo">
            <Show when=move || !asking.get() fallback=move || view! {
                <div class="undo-confirm" role="group" aria-label="Confirm undo">
                    <span>"Undo this import? Every contact it touched goes back to how it was."</span>
                    <button type="button" class="primary" on:click=move |_| { undo.dispatch(()); } disabled=move || undo.pending().get()>
                        {move || if undo.pending().get() { "Undoing…" } else { "Yes, undo" }}
                    </button>
                    <button type="button" on:click=move |_| asking.set(false)>"Keep it"</button>
                </div>
            }>
                <button type="button" on:click=move |_| { refusal.set(None); asking.set(true); }>"Undo"</button>
            </Show>
            {move || refusal.get().map(|(contacts, total)| view! {
                <div class="error-banner undo-refused" role="alert">
                    <p>{format!(
                        "This import can't be undone: {} {} changed after it. Nothing was changed.",
                        thousands(total as usize),
                        if total == 1 { "contact it touched was" } else { "contacts it touched were" }
                    )}</p>
                    <ul>{contacts.into_iter().map(|name| view! { <li>{name}</li> }).collect_view()}</ul>
                </div>
            })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_differing_fields_are_listed() {
        let before = ContactFields::from_pairs([(Field::FirstName, "Ana"), (Field::City, "Perth")]);
        let after = ContactFields::from_pairs([(Field::FirstName, "Ana"), (Field::City, "Sydney"), (Field::Notes, "x")]);
        assert_eq!(
            changed_fields(&before, &after),
            vec![(Field::City, "Perth".into(), "Sydney".into()), (Field::Notes, String::new(), "x".into())]
        );
    }
}
