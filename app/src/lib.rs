#![recursion_limit = "256"]
//! The web app: the HTML shell, the routes, the pages and their components,
//! and the server functions beside the pages that call them.
//!
//! Built twice: with `ssr` into the server (rendering pages, running server
//! functions against Postgres) and with `hydrate` into the browser's wasm
//! (making the server-rendered pages interactive). Server functions are thin:
//! they find the caller's account and call `store`; all rules come from `rules`.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::{path, SsrMode};

pub mod auth;
mod blob_body_client;
mod country_select;
pub mod error;
pub mod format;
pub mod import_api;
mod layout;
pub mod pages;
pub mod remembered_api;
#[cfg(feature = "ssr")]
pub mod server_context;
pub mod toast;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod throttle;

/// The HTML document the server sends; the app hydrates inside `<body>`.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The app: layout around the routed page.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    toast::provide_toasts();
    view! {
        <Stylesheet id="leptos" href="/pkg/contacts.css"/>
        <Title formatter=|page: String| format!("{page} · Contact Import")/>
        <Router>
            <layout::Layout>
                <Routes fallback=pages::not_found::NotFound>
                    <Route path=path!("/") view=|| view! { <Redirect path="/contacts"/> }/>
                    <Route path=path!("/login") view=pages::sign_in::LoginPage/>
                    // Rendered fully before answering, so the form holds the
                    // guessed country before any script runs.
                    <Route path=path!("/signup") view=pages::sign_in::SignupPage ssr=SsrMode::Async/>
                    <Route path=path!("/account") view=pages::account::AccountPage/>
                    <Route path=path!("/contacts") view=pages::contacts::ContactsPage/>
                    <Route path=path!("/contacts/import") view=pages::import::ImportPage/>
                    <Route path=path!("/contacts/new") view=pages::contact::NewContactPage/>
                    // Pages that look up an id render fully before answering,
                    // so "not found" always comes with a 404 status.
                    <Route path=path!("/contacts/:id") view=pages::contact::ContactPage ssr=SsrMode::Async/>
                    <Route path=path!("/imports") view=pages::imports::ImportsPage/>
                    <Route path=path!("/imports/:id") view=pages::imports::ImportDetailPage ssr=SsrMode::Async/>
                </Routes>
            </layout::Layout>
        </Router>
    }
}
