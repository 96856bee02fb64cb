//! Progress while reading, checking and saving, and the finished notice.

use leptos::prelude::*;
use store::model::ImportCounts;
use uuid::Uuid;

use super::thousands;

/// A labelled progress bar; `value` is `(done, total)`, or `None` while the
/// amount of work is unknown.
#[component]
pub fn ProgressPanel(label: String, value: Option<(usize, usize)>) -> impl IntoView {
    let percent = value.map(|(done, total)| if total == 0 { 0 } else { (done * 100 / total).min(100) });
    view! {
        <section class="progress-panel">
            <p id="progress-label">{label}</p>
            <div
                class="progress-track"
                class:indeterminate=percent.is_none()
                role="progressbar"
                aria-labelledby="progress-label"
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=percent.map(|percent| percent.to_string())
            >
                <div class="progress-fill" style=percent.map(|percent| format!("width: {percent}%"))></div>
            </div>
        </section>
    }
}

/// The import went through: what it did and where to go next.
#[component]
pub fn Finished(import_id: Uuid, counts: ImportCounts, file_name: String) -> impl IntoView {
    view! {
        <section class="finished" aria-labelledby="finished-heading">
            <h2 id="finished-heading">"Import complete"</h2>
            <p>{format!("{file_name} was imported. Nothing else is needed.")}</p>
            <ul class="count-list">
                <li><strong>{thousands(counts.created as usize)}</strong>" created"</li>
                <li><strong>{thousands(counts.updated as usize)}</strong>" updated"</li>
                <li><strong>{thousands(counts.unchanged as usize)}</strong>" unchanged"</li>
                {(counts.skipped > 0).then(|| view! {
                    <li><strong>{thousands(counts.skipped as usize)}</strong>" skipped as possible duplicates"</li>
                })}
            </ul>
            <div class="actions">
                <a class="button primary" href="/contacts">"Go to contacts"</a>
                <a class="button" href=format!("/imports/{import_id}")>"View this import"</a>
                <a class="button" href="/contacts/import" rel="external">"Import another file"</a>
            </div>
        </section>
    }
}
