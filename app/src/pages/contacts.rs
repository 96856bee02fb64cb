//! `/contacts`: the account's contacts — search, sort, filter by category,
//! page through — and the ways in and out: Import, Export, New contact.
//!
//! The whole view lives in the URL (`?q=&category=&sort=&after=&after_id=`),
//! so it survives reloads and works before the wasm has loaded (the search
//! box and filters are a plain GET form); once hydrated, typing and choosing
//! update the list without a page load.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;
use leptos_router::NavigateOptions;
use rules::Category;
use store::model::{ContactPage, ContactQuery, ContactSort, ContactSummary, MatchCount, PageCursor};
use uuid::Uuid;

use crate::error::AppError;

/// One page of the caller's contacts matching `query`, with how many match
/// unless `total_known` (the page shows this search and filter's count
/// already: it is paging, or only the order changed).
#[server(endpoint = "list_contacts", input = Json)]
pub async fn list_contacts(query: ContactQuery, #[server(default)] total_known: bool) -> Result<ContactPage, AppError> {
    use crate::server_context::{caller, reply};
    use store::model::Total;
    reply(
        async {
            let caller = caller().await?;
            check_query(&query)?;
            let total = if total_known { Total::Known } else { Total::Count };
            Ok(store::contacts::list(&caller.pool, caller.account, &query, total).await?)
        }
        .await,
    )
}

/// The last count the list showed, and the search and filter it counted:
/// paging on, or sorting otherwise, shows the same count without asking the
/// server to count again.
#[derive(Clone, Debug, Default)]
struct ShownTotal(Option<(String, Option<Category>, MatchCount)>);

impl ShownTotal {
    /// The count shown for `query`'s search and filter, if any.
    fn of(&self, query: &ContactQuery) -> Option<MatchCount> {
        self.0.as_ref().filter(|(search, category, _)| *search == query.search && *category == query.category).map(|shown| shown.2)
    }
}

/// Longest search text the server searches: the rules' bound.
pub const MAX_SEARCH_CHARS: usize = rules::search::MAX_SEARCH_CHARS;
/// Longest page position (a sort value: a name, a company or a time).
const MAX_CURSOR_CHARS: usize = 1000;

/// Refuses a query whose text is longer than the server searches: the list
/// and the export both ask this before searching.
pub fn check_query(query: &ContactQuery) -> Result<(), AppError> {
    AppError::check_length("The search", &query.search, MAX_SEARCH_CHARS)?;
    match &query.after {
        Some(after) => AppError::check_length("The page position", &after.key, MAX_CURSOR_CHARS),
        None => Ok(()),
    }
}

fn sort_key(sort: ContactSort) -> &'static str {
    match sort {
        ContactSort::Name => "name",
        ContactSort::Company => "company",
        ContactSort::Updated => "updated",
    }
}

/// The list's query as the URL gives it.
pub fn query_from_url(map: &ParamsMap) -> ContactQuery {
    let sort = match map.get("sort").as_deref() {
        Some("company") => ContactSort::Company,
        Some("updated") => ContactSort::Updated,
        _ => ContactSort::Name,
    };
    let after = match (map.get("after"), map.get("after_id").and_then(|id| Uuid::parse_str(&id).ok())) {
        (Some(key), Some(id)) => Some(PageCursor { key, id }),
        _ => None,
    };
    ContactQuery {
        search: map.get("q").unwrap_or_default(),
        category: map.get("category").and_then(|category| Category::parse(&category)),
        sort,
        after,
    }
}

/// The query string for `query` (without the leading `?`), leaving out
/// defaults; `with_page` keeps the page cursor.
pub fn query_string(query: &ContactQuery, with_page: bool) -> String {
    let mut pairs = url::form_urlencoded::Serializer::new(String::new());
    if !query.search.trim().is_empty() {
        pairs.append_pair("q", &query.search);
    }
    if let Some(category) = query.category {
        pairs.append_pair("category", &category.as_str().to_lowercase());
    }
    if query.sort != ContactSort::Name {
        pairs.append_pair("sort", sort_key(query.sort));
    }
    if let (true, Some(after)) = (with_page, &query.after) {
        pairs.append_pair("after", &after.key).append_pair("after_id", &after.id.to_string());
    }
    pairs.finish()
}

fn url_for(query: &ContactQuery, with_page: bool) -> String {
    match query_string(query, with_page) {
        query if query.is_empty() => "/contacts".to_string(),
        query => format!("/contacts?{query}"),
    }
}

/// The contacts list with its search box, filters and paging.
#[component]
pub fn ContactsPage() -> impl IntoView {
    let query_map = use_query_map();
    let query = Memo::new(move |_| query_map.with(query_from_url));
    let shown_total = StoredValue::new(ShownTotal::default());
    let page = Resource::new(
        move || query.get(),
        move |query| async move {
            let known = shown_total.with_value(|shown| shown.of(&query));
            let mut page = list_contacts(query, known.is_some()).await?;
            page.total = page.total.or(known);
            Ok::<_, AppError>(page)
        },
    );
    let navigate = use_navigate();
    // Any change of search, filter or order starts again at the first page.
    let go = std::rc::Rc::new(move |change: &dyn Fn(&mut ContactQuery)| {
        let mut next = query.get_untracked();
        change(&mut next);
        next.after = None;
        navigate(&url_for(&next, false), NavigateOptions { replace: true, scroll: false, ..Default::default() });
    });
    let go_search = go.clone();
    let on_search = move |event: leptos::ev::Event| {
        let text = event_target_value(&event);
        go_search(&|query| query.search = text.clone());
    };
    let go_category = go.clone();
    let on_category = move |event: leptos::ev::Event| {
        let value = event_target_value(&event);
        go_category(&|query| query.category = Category::parse(&value));
    };
    let on_sort = move |event: leptos::ev::Event| {
        let value = event_target_value(&event);
        go(&|query| {
            query.sort = match value.as_str() {
                "company" => ContactSort::Company,
                "updated" => ContactSort::Updated,
                _ => ContactSort::Name,
            }
        });
    };
    let export_query = move || query_string(&query.get(), false);

    view! {
        <Title text="Contacts"/>
        <div class="page-head">
            <h1>"Contacts"</h1>
            <div class="actions">
                <a class="button primary" href="/contacts/import">"Import Contacts"</a>
                <details class="menu">
                    <summary class="button">"Export"</summary>
                    <div class="menu-items">
                        <a href=move || format!("/exports/contacts.xlsx?{}", export_query()) download>"Excel workbook (.xlsx)"</a>
                        <a href=move || format!("/exports/contacts.csv?{}", export_query()) download>"CSV file (.csv)"</a>
                        <p class="hint">"The contacts shown by the current search and filter, in the import template's layout."</p>
                    </div>
                </details>
                <a class="button" href="/contacts/new">"New contact"</a>
            </div>
        </div>
        <form class="list-controls" method="get" action="/contacts" role="search">
            <div class="search">
                <label for="contact-search">"Search contacts"</label>
                <input
                    id="contact-search"
                    type="search"
                    name="q"
                    autocomplete="off"
                    maxlength=MAX_SEARCH_CHARS.to_string()
                    placeholder="Name, company, email or phone"
                    value=move || query.with(|query| query.search.clone())
                    on:input=on_search
                />
            </div>
            <div class="filter">
                <label for="contact-category">"Category"</label>
                <select id="contact-category" name="category" on:change=on_category>
                    <option value="" selected=move || query.with(|query| query.category.is_none())>"All"</option>
                    {Category::ALL.into_iter().map(|category| view! {
                        <option
                            value=category.as_str().to_lowercase()
                            selected=move || query.with(|query| query.category == Some(category))
                        >{category.as_str()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="filter">
                <label for="contact-sort">"Sort by"</label>
                <select id="contact-sort" name="sort" on:change=on_sort>
                    {[(ContactSort::Name, "Name"), (ContactSort::Company, "Company"), (ContactSort::Updated, "Recently changed")].into_iter().map(|(sort, label)| view! {
                        <option value=sort_key(sort) selected=move || query.with(|query| query.sort == sort)>{label}</option>
                    }).collect_view()}
                </select>
            </div>
            <noscript><button type="submit">"Search"</button></noscript>
        </form>
        <Transition fallback=|| view! { <p class="muted">"Loading contacts…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => {
                        let query = query.get_untracked();
                        // Remembered here rather than in the fetch, so a page
                        // rendered by the server (whose fetch the browser
                        // never ran) counts as shown too.
                        if let Some(total) = page.total {
                            shown_total.set_value(ShownTotal(Some((query.search.clone(), query.category, total))));
                        }
                        view! { <ContactList page query/> }.into_any()
                    }
                    Err(error) => view! { <p class="error-banner" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The count, the contacts (a table, cards on narrow screens), the pager.
#[component]
fn ContactList(page: ContactPage, query: ContactQuery) -> impl IntoView {
    let count = page.total.map(MatchCount::sentence);
    let next = page.next.clone().map(|cursor| {
        let next_query = ContactQuery { after: Some(cursor), ..query.clone() };
        url_for(&next_query, true)
    });
    let first = query.after.is_some().then(|| url_for(&query, false));
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
        <Show when={
            let shown = first.is_some() || next.is_some();
            move || shown
        }>
            <nav class="pager" aria-label="Pages of contacts">
                {first.clone().map(|href| view! { <a href=href>"← First page"</a> })}
                {next.clone().map(|href| view! { <a href=href>"Next page →"</a> })}
            </nav>
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
            <td data-label="Name" class="name"><a href=format!("/contacts/{}", contact.id)>{contact.name}</a></td>
            <td data-label="Company" class=blank(&contact.company_name)>{contact.company_name.clone()}</td>
            <td data-label="Email" class=blank(&contact.email)>{contact.email.clone()}</td>
            <td data-label="Phone" class=format!("phone {}", blank(&contact.phone))>{contact.phone.clone()}</td>
            <td data-label="Category" class=blank(&contact.category)>{contact.category.clone()}</td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_holds_the_whole_query_and_leaves_out_defaults() {
        let query = ContactQuery {
            search: "ana silva".into(),
            category: Some(Category::Tenant),
            sort: ContactSort::Updated,
            after: Some(PageCursor { key: "silva ana".into(), id: Uuid::from_u128(5) }),
        };
        let text = query_string(&query, true);
        assert_eq!(
            text,
            "q=ana+silva&category=tenant&sort=updated&after=silva+ana&after_id=00000000-0000-0000-0000-000000000005"
        );
        let mut map = ParamsMap::new();
        for (key, value) in url::form_urlencoded::parse(text.as_bytes()) {
            map.insert(key.into_owned(), value.into_owned());
        }
        assert_eq!(query_from_url(&map), query);
        assert_eq!(query_string(&ContactQuery::default(), true), "");
        assert_eq!(url_for(&ContactQuery::default(), false), "/contacts");
    }
}
