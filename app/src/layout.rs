//! The frame around every page: the top bar with navigation and the user's
//! menu, and the main landmark.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::auth::{current_user, SignOut};

/// Top bar, skip link and `<main>` around the routed page.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let location = use_location();
    // Refetched on navigation, so signing in or out updates the bar.
    let user = Resource::new(move || location.pathname.get(), |_| current_user());
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="topbar">
            <a class="brand" href="/contacts">
                <span class="brand-mark" aria-hidden="true">"CI"</span>
                <span>"Contact Import"</span>
            </a>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    user.await.ok().flatten().map(|profile| view! { <UserMenu account_name=profile.account_name email=profile.email/> })
                })}
            </Transition>
        </header>
        <main id="main" tabindex="-1">{children()}</main>
        <crate::toast::ToastRegion/>
    }
}

/// Navigation and the signed-in user's menu.
#[component]
fn UserMenu(account_name: String, email: String) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <nav aria-label="Main">
            <a href="/contacts">"Contacts"</a>
            <a href="/imports">"Imports"</a>
        </nav>
        <div class="user-menu">
            <span class="account-name" title=email>{account_name}</span>
            <ActionForm action=sign_out>
                <button type="submit" class="link-button">"Sign out"</button>
            </ActionForm>
        </div>
    }
}
