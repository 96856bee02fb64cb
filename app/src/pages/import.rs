//! `/contacts/import`: the import screen.

use leptos::prelude::*;
use leptos_meta::Title;

/// The import screen (its workflow is being built; see the README).
#[component]
pub fn ImportPage() -> impl IntoView {
    view! {
        <Title text="Import Contacts"/>
        <div class="page-head">
            <h1>"Import Contacts"</h1>
            <div class="actions">
                <a class="button" href="/contacts">"Cancel Import"</a>
            </div>
        </div>
    }
}
