//! The frame around every page: the top bar with navigation, the main
//! landmark, and the live region that announces results to screen readers.

use leptos::prelude::*;

/// Top bar, skip link and `<main>` around the routed page.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="topbar">
            <a class="brand" href="/contacts">
                <span class="brand-mark" aria-hidden="true">"CI"</span>
                <span>"Contact Import"</span>
            </a>
            <nav aria-label="Main">
                <a href="/contacts">"Contacts"</a>
            </nav>
        </header>
        <main id="main" tabindex="-1">{children()}</main>
    }
}
