//! `/account`: the organisation's settings. Today one: its default country,
//! which reads phone numbers written without a country code (asked at
//! sign-up; accounts made before that have none until it is chosen here).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::auth::SetAccountCountry;
use crate::country_select::CountrySelect;
use crate::layout::CurrentUser;

/// The organisation page. The save goes through the layout's action and
/// the page shows the layout's user (both in context), which is read again
/// after each save: the page and the account menu show what is stored.
#[component]
pub fn AccountPage() -> impl IntoView {
    // Both come from the layout, which every route is inside.
    let save = expect_context::<ServerAction<SetAccountCountry>>();
    let CurrentUser(profile) = expect_context::<CurrentUser>();
    let error = move || match save.value().get() {
        Some(Err(error)) => error.to_string(),
        _ => String::new(),
    };
    view! {
        <Title text="Your organisation"/>
        <section class="auth-card" aria-labelledby="account-heading">
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let profile = profile.await.ok().flatten()?;
                    let country_name = profile
                        .account_country
                        .as_deref()
                        .and_then(rules::country::country_by_code)
                        .map(|country| country.name);
                    let saved = matches!(save.value().get_untracked(), Some(Ok(())));
                    Some(view! {
                        <h1 id="account-heading">{profile.account_name}</h1>
                        <p class="muted">
                            {match country_name {
                                Some(name) => format!("Phone numbers written without a country code are read as {name}'s."),
                                None => "No default country: phone numbers need their country code, or a Country on the same row.".to_string(),
                            }}
                        </p>
                        <ActionForm action=save>
                            <div class="field">
                                <label for="account-country">"Default country"</label>
                                <CountrySelect
                                    id="account-country"
                                    selected=profile.account_country
                                    none_label="None"
                                    hint_id="account-country-hint"
                                />
                                <p id="account-country-hint" class="hint">
                                    "Used for numbers you import or type from now on, and when you search by phone number. Numbers already saved keep the form they were saved in."
                                </p>
                            </div>
                            <p class="form-error" role="alert">{error}</p>
                            <p class="form-saved" role="status">{saved.then_some("Saved.")}</p>
                            <button class="primary wide" type="submit" disabled=move || save.pending().get()>
                                {move || if save.pending().get() { "Saving…" } else { "Save" }}
                            </button>
                        </ActionForm>
                    })
                })}
            </Transition>
        </section>
    }
}
