//! The frame around every page: the top bar with navigation and the user's
//! menu, and the main landmark.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use store::model::UserProfile;

use crate::auth::{current_user, SetAccountCountry, SignOut, SignOutEverywhere};
use crate::error::AppError;

/// The signed-in user as the layout reads it (again on each navigation and
/// after the organisation page saves), in context for the pages that show
/// it too, so that a page does not ask the server a second time.
#[derive(Clone, Copy)]
pub struct CurrentUser(pub Resource<Result<Option<UserProfile>, AppError>>);

/// Top bar, skip link and `<main>` around the routed page.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let location = use_location();
    // The organisation page saves through this, so the bar's account menu
    // is read again after a save as after a navigation.
    let set_country = ServerAction::<SetAccountCountry>::new();
    provide_context(set_country);
    // Refetched on navigation, so signing in or out updates the bar.
    let user = Resource::new(move || (location.pathname.get(), set_country.version().get()), |_| current_user());
    provide_context(CurrentUser(user));
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
                        <UserMenu account_name=profile.account_name account_country=profile.account_country email=profile.email/>
                        <UnreadNotices/>
                    })
                })}
            </Transition>
        </header>
        <main id="main" tabindex="-1">{children()}</main>
        <crate::toast::ToastRegion/>
    }
}

/// Navigation, the account menu (who is signed in, and "sign out
/// everywhere") and signing out.
#[component]
fn UserMenu(account_name: String, account_country: Option<String>, email: String) -> impl IntoView {
    let country_name = account_country
        .as_deref()
        .and_then(rules::country::country_by_code)
        .map_or("none", |country| country.name);
    let sign_out = ServerAction::<SignOut>::new();
    let sign_out_everywhere = ServerAction::<SignOutEverywhere>::new();
    view! {
        <nav aria-label="Main">
            <a href="/contacts">"Contacts"</a>
            <a href="/imports">"Imports"</a>
        </nav>
        <div class="user-menu">
            <details class="menu account-menu">
                <summary class="link-button" aria-label=format!("Account: {account_name}")>
                    <span class="account-name">{account_name.clone()}</span>
                </summary>
                <div class="menu-items">
                    <p class="account-email">{email}</p>
                    <p class="account-country">"Default country: " {country_name}</p>
                    <a class="account-settings" href="/account">"Organisation settings"</a>
                    <ActionForm action=sign_out_everywhere>
                        <button type="submit" class="wide" aria-describedby="sign-out-everywhere-hint">
                            "Sign out everywhere"
                        </button>
                    </ActionForm>
                    <p id="sign-out-everywhere-hint" class="hint">
                        "Ends every session of yours, on every device and browser, this one too."
                    </p>
                </div>
            </details>
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
