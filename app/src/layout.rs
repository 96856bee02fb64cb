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
                    user.await.ok().flatten().map(|profile| view! {
                        <UserMenu account_name=profile.account_name email=profile.email/>
                        <UnreadNotices/>
                    })
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

/// Shows the signed-in user's unread notifications (e.g. an import that
/// finished after they left the page) as toasts, once, then marks them read.
#[component]
fn UnreadNotices() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        use crate::import_api::{mark_notifications_read, notifications};
        use crate::toast::{use_toasts, Tone};
        let toasts = use_toasts();
        let location = use_location();
        Effect::new(move |_| {
            location.pathname.track();
            leptos::task::spawn_local(async move {
                let Ok(unread) = notifications().await else { return };
                let unread: Vec<_> = unread.into_iter().filter(|notice| !notice.read).collect();
                if unread.is_empty() {
                    return;
                }
                for notice in &unread {
                    let tone = if notice.kind.is_failure() { Tone::Failure } else { Tone::Success };
                    let link = notice.import_id.map(|id| (format!("/imports/{id}"), "View import".to_string()));
                    toasts.show(notice.message.clone(), link, tone);
                }
                let _ = mark_notifications_read(unread.iter().map(|notice| notice.id).collect()).await;
            });
        });
    }
}
