//! The organisation's default country as a list to choose from, shared by
//! sign-up and the organisation page: every country by its English name,
//! and a first entry sent as [`NO_COUNTRY`] (no default country).

use leptos::prelude::*;
use rules::country::COUNTRIES;

use crate::auth::NO_COUNTRY;

/// A `<select name="country">` with `selected` (a code) preselected, or the
/// first entry, labelled `none_label`, when there is none. `hint_id` names
/// the hint that explains what the country is for.
#[component]
pub fn CountrySelect(
    id: &'static str,
    selected: Option<String>,
    none_label: &'static str,
    hint_id: &'static str,
) -> impl IntoView {
    let selected = selected.unwrap_or_default();
    view! {
        <select id=id name="country" autocomplete="country" aria-describedby=hint_id>
            <option value=NO_COUNTRY selected=selected.is_empty()>{none_label}</option>
            {COUNTRIES
                .iter()
                .map(|country| view! { <option value=country.code selected=country.code == selected>{country.name}</option> })
                .collect_view()}
        </select>
    }
}
