//! `/login` and `/signup`: plain forms that work before the wasm loads and
//! show the server's answer in place once it has.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::auth::{country_guess, SignIn, SignUp, MIN_PASSWORD_CHARS};
use crate::country_select::CountrySelect;
use crate::error::AppError;

/// The error of the last submission, for the form's alert.
fn error_text(outcome: Option<Result<(), AppError>>) -> String {
    match outcome {
        Some(Err(error)) => error.to_string(),
        _ => String::new(),
    }
}

/// Sign in with email and password.
#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let query = use_query_map();
    let next = move || query.with(|map| map.get("next").unwrap_or_default());
    let error = move || error_text(action.value().get());
    view! {
        <Title text="Sign in"/>
        <section class="auth-card" aria-labelledby="sign-in-heading">
            <h1 id="sign-in-heading">"Sign in"</h1>
            <p class="muted">"Import and manage your contacts."</p>
            <ActionForm action>
                <input type="hidden" name="next" value=next/>
                <div class="field">
                    <label for="email">"Email"</label>
                    <input id="email" type="email" name="email" autocomplete="username" required/>
                </div>
                <div class="field">
                    <label for="password">"Password"</label>
                    <input id="password" type="password" name="password" autocomplete="current-password" required/>
                </div>
                <p class="form-error" role="alert">{error}</p>
                <button class="primary wide" type="submit" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
            </ActionForm>
            <p class="auth-switch">"New here? " <a href="/signup">"Create an account"</a></p>
        </section>
    }
}

/// Create an organisation and its first user.
#[component]
pub fn SignupPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let error = move || error_text(action.value().get());
    // Guessed on the server from the request's languages, so the form
    // rendered before the wasm loads has it preselected too.
    let guess = OnceResource::new(country_guess());
    view! {
        <Title text="Create an account"/>
        <section class="auth-card" aria-labelledby="sign-up-heading">
            <h1 id="sign-up-heading">"Create an account"</h1>
            <p class="muted">"One account per organisation; you can import contacts straight away."</p>
            <ActionForm action>
                <div class="field">
                    <label for="organisation">"Organisation"</label>
                    <input id="organisation" type="text" name="organisation" autocomplete="organization" required maxlength="200"/>
                </div>
                <div class="field">
                    <label for="name">"Your name"</label>
                    <input id="name" type="text" name="name" autocomplete="name" maxlength="100"/>
                </div>
                <div class="field">
                    <label for="email">"Email"</label>
                    <input id="email" type="email" name="email" autocomplete="username" required/>
                </div>
                <div class="field">
                    <label for="password">"Password"</label>
                    <input
                        id="password"
                        type="password"
                        name="password"
                        autocomplete="new-password"
                        required
                        minlength=MIN_PASSWORD_CHARS.to_string()
                        aria-describedby="password-hint"
                    />
                    <p id="password-hint" class="hint">{format!("At least {MIN_PASSWORD_CHARS} characters.")}</p>
                </div>
                <div class="field">
                    <label for="country">"Country"</label>
                    <Suspense fallback=|| view! { <CountrySelect id="country" selected=None none_label="Choose…" hint_id="country-hint"/> }>
                        {move || Suspend::new(async move {
                            let guess = guess.await.ok().flatten();
                            view! { <CountrySelect id="country" selected=guess none_label="Choose…" hint_id="country-hint"/> }
                        })}
                    </Suspense>
                    <p id="country-hint" class="hint">
                        "Phone numbers written without a country code are read as this country's: when you import or type them, and when you search. You can change it later."
                    </p>
                </div>
                <p class="form-error" role="alert">{error}</p>
                <button class="primary wide" type="submit" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Creating…" } else { "Create account" }}
                </button>
            </ActionForm>
            <p class="auth-switch">"Already have an account? " <a href="/login">"Sign in"</a></p>
        </section>
    }
}
