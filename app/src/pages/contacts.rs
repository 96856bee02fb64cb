//! `/contacts`: the account's contacts, searchable, with the way into imports.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use store::model::{ContactPage, ContactQuery, ContactSummary};

use crate::error::AppError;
use crate::url::encode_query_value;

/// One page of the caller's contacts matching `query`.
#[server(endpoint = "list_contacts", input = Json)]
pub async fn list_contacts(query: ContactQuery) -> Result<ContactPage, AppError> {
    use crate::server_context::{caller, reply};
    reply(
        async {
            let caller = caller().await?;
            Ok(store::contacts::list(&caller.pool, caller.account, &query).await?)
        }
        .await,
    )
}

/// The contacts list with its search box. The search lives in the URL
/// (`?q=`), so it survives reloads and works before the wasm has loaded
/// (the box is a plain GET form); once hydrated, typing narrows the list
/// without a page load.
#[component]
pub fn ContactsPage() -> impl IntoView {
    let query_map = use_query_map();
    let search = move || query_map.with(|map| map.get("q").unwrap_or_default());
    let page = Resource::new(search, |search| list_contacts(ContactQuery { search, ..Default::default() }));
    let navigate = use_navigate();
    let on_input = move |event| {
        let text = event_target_value(&event);
        let url = if text.trim().is_empty() {
            "/contacts".to_string()
        } else {
            format!("/contacts?q={}", encode_query_value(&text))
        };
        navigate(&url, NavigateOptions { replace: true, scroll: false, ..Default::default() });
    };

    view! {
        <Title text="Contacts"/>
        <div class="page-head">
            <h1>"Contacts"</h1>
            <div class="actions">
                <a class="button primary" href="/contacts/import">"Import Contacts"</a>
            </div>
        </div>
        <form class="search" method="get" action="/contacts" role="search">
            <label for="contact-search">"Search contacts"</label>
            <input
                id="contact-search"
                type="search"
                name="q"
                autocomplete="off"
                placeholder="Name, company, email or phone"
                value=search
                on:input=on_input
            />
        </form>
        <Transition fallback=|| view! { <p class="muted">"Loading contacts…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <ContactList page/> }.into_any(),
                    Err(error) => view! { <p class="error-banner" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The count, then the contacts as a table (cards on narrow screens).
#[component]
fn ContactList(page: ContactPage) -> impl IntoView {
    let count = match page.total {
        0 => "No contacts match.".to_string(),
        1 => "1 contact".to_string(),
        total => format!("{total} contacts"),
    };
    let more = (page.total as usize) > page.contacts.len();
    view! {
        <p class="result-count" role="status">{count}</p>
        <table class="contact-table">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Company"</th>
                    <th scope="col">"Email"</th>
                    <th scope="col">"Phone"</th>
                    <th scope="col">"Category"</th>
                </tr>
            </thead>
            <tbody>
                {page.contacts.into_iter().map(|contact| view! { <ContactRow contact/> }).collect_view()}
            </tbody>
        </table>
        <Show when=move || more>
            <p class="muted">"Showing the first 50. Search to narrow the list."</p>
        </Show>
    }
}

/// One contact as a table row; each cell carries its label for the card layout.
#[component]
fn ContactRow(contact: ContactSummary) -> impl IntoView {
    // Blank cells are marked so the phone's card layout can leave them out.
    let blank = |text: &str| if text.is_empty() { "blank" } else { "" };
    view! {
        <tr>
            <td data-label="Name" class="name">{contact.name}</td>
            <td data-label="Company" class=blank(&contact.company_name)>{contact.company_name.clone()}</td>
            <td data-label="Email" class=blank(&contact.email)>{contact.email.clone()}</td>
            <td data-label="Phone" class=format!("phone {}", blank(&contact.phone))>{contact.phone.clone()}</td>
            <td data-label="Category" class=blank(&contact.category)>{contact.category.clone()}</td>
        </tr>
    }
}
