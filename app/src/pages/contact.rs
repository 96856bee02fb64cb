//! `/contacts/:id` and `/contacts/new`: one contact, viewed and edited with
//! the import's own rules (issues show beside the fields as you type), made
//! for a phone as much as a desktop.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};
use leptos_router::NavigateOptions;
use rules::check::ExistingContacts;
use rules::country::COUNTRIES;
use rules::form::check_contact;
use rules::phone::LayoutOnly;
use rules::{Category, ContactFields, ContactKind, Field, Issue};
use store::model::ContactRecord;
use uuid::Uuid;

use crate::error::AppError;
use crate::format::date_time;
use crate::toast::{use_toasts, Tone};

/// One contact of the caller's account.
#[server(endpoint = "get_contact", input = Json)]
pub async fn get_contact(id: Uuid) -> Result<ContactRecord, AppError> {
    use crate::server_context::{caller, reply};
    reply(
        async {
            let caller = caller().await?;
            store::contacts::get(&caller.pool, caller.account, id).await.map_err(|error| match error {
                store::StoreError::NotFound => AppError::NotFound("contact".into()),
                other => other.into(),
            })
        }
        .await,
    )
}

/// Creates (`id` = `None`) or updates a contact after checking it with the
/// shared rules, including that no other contact has its Contact ID or
/// email, and its phone numbers read by its Country, else the account's (and
/// saved in E.164). An update must name the version it was edited from: if the
/// contact changed since, nothing is saved and the answer says so.
#[server(endpoint = "save_contact", input = Json)]
pub async fn save_contact(id: Option<Uuid>, version: Option<i32>, fields: ContactFields) -> Result<ContactRecord, AppError> {
    use crate::server_context::{caller, reply};
    reply(
        async {
            let caller = caller().await?;
            let keys = rules::check::LookupKeys {
                references: vec![rules::check::match_key(fields.get(Field::Reference))],
                emails: vec![rules::check::match_key(fields.get(Field::Email))],
            };
            let others = store::imports::existing_contacts(&caller.pool, caller.account, &keys).await?;
            let phones = rules::phone::AccountPhones::new(store::accounts::default_country(&caller.pool, caller.account).await?);
            let contact =
                check_contact(&fields, id, &ExistingContacts::new(others), &phones).into_valid().map_err(AppError::InvalidContact)?;
            let saved = match (id, version) {
                (None, _) => store::contacts::create(&caller.pool, caller.account, &contact).await,
                (Some(id), Some(version)) => store::contacts::update(&caller.pool, caller.account, id, version, &contact).await,
                (Some(_), None) => return Err(AppError::Invalid("Reload the page and make your changes again.".into())),
            };
            saved.map_err(|error| match error {
                store::StoreError::NotFound => AppError::NotFound("contact".into()),
                other => other.into(),
            })
        }
        .await,
    )
}

/// Deletes a contact, if it is still at `version`.
#[server(endpoint = "delete_contact", input = Json)]
pub async fn delete_contact(id: Uuid, version: i32) -> Result<(), AppError> {
    use crate::server_context::{caller, reply};
    reply(
        async {
            let caller = caller().await?;
            store::contacts::delete(&caller.pool, caller.account, id, version).await.map_err(|error| match error {
                store::StoreError::NotFound => AppError::NotFound("contact".into()),
                other => other.into(),
            })
        }
        .await,
    )
}

/// `/contacts/new`: a blank form.
#[component]
pub fn NewContactPage() -> impl IntoView {
    view! {
        <Title text="New contact"/>
        <p class="back-link"><a href="/contacts">"← Contacts"</a></p>
        <h1>"New contact"</h1>
        <ContactForm record=None/>
    }
}

/// `/contacts/:id`: the contact, ready to edit.
#[component]
pub fn ContactPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|params| params.get("id").and_then(|id| Uuid::parse_str(&id).ok()));
    let record = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_contact(id).await,
            None => Err(AppError::NotFound("contact".into())),
        }
    });
    view! {
        <p class="back-link"><a href="/contacts">"← Contacts"</a></p>
        <Transition fallback=|| view! { <p class="muted">"Loading the contact…"</p> }>
            {move || Suspend::new(async move {
                match record.await {
                    Ok(record) => view! {
                        <Title text=record.fields.display_name()/>
                        <h1 class="contact-title">{record.fields.display_name()}</h1>
                        <p class="muted record-meta">{format!("Last changed {}", date_time(record.updated_at))}</p>
                        <ContactForm record=Some(record)/>
                    }.into_any(),
                    Err(error) => view! {
                        <Title text="Contact not found"/>
                        <h1>"Contact"</h1>
                        <p class="error-banner" role="alert">{error.to_string()}</p>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The form: fields grouped as a person reads them, issues beside each.
#[component]
fn ContactForm(record: Option<ContactRecord>) -> impl IntoView {
    let id = record.as_ref().map(|record| record.id);
    let version = RwSignal::new(record.as_ref().map(|record| record.version));
    let values = RwSignal::new(record.map(|record| record.fields).unwrap_or_else(|| {
        let mut blank = ContactFields::blank();
        blank.set(Field::Kind, ContactKind::Person.as_str());
        blank
    }));
    // Fields the user has touched: their issues show as they type; the rest
    // wait for Save, so a new form does not open covered in red.
    let touched = RwSignal::new(Vec::<Field>::new());
    let submitted = RwSignal::new(false);
    // Issues only the server can know (another contact's Contact ID or
    // email), shown until the field changes.
    let server_issues = RwSignal::new(Vec::<Issue>::new());
    let banner = RwSignal::new(None::<String>);
    // The page has no libphonenumber: numbers get the layout check here, and
    // the server's reading (its sentence under the field, or the saved form).
    let local_check =
        Memo::new(move |_| values.with(|values| check_contact(values, id, &ExistingContacts::new(Vec::new()), &LayoutOnly)));
    let issue_for = move |field: Field| -> Option<String> {
        let shown = submitted.get() || touched.with(|touched| touched.contains(&field));
        let local = local_check.with(|check| check.issue(field).map(|issue| format!("{} {}", issue.problem_text(), issue.fix_text())));
        let server = server_issues.with(|issues| {
            issues.iter().find(|issue| issue.field == Some(field)).map(|issue| format!("{} {}", issue.problem_text(), issue.fix_text()))
        });
        if shown { local.or(server) } else { server }
    };
    let set_value = move |field: Field, value: String| {
        values.update(|values| values.set(field, value));
        touched.update(|touched| {
            if !touched.contains(&field) {
                touched.push(field);
            }
        });
        server_issues.update(|issues| issues.retain(|issue| issue.field != Some(field)));
    };

    let toasts = use_toasts();
    let navigate = use_navigate();
    // The answer is handled where it arrives, in the action: the form, the
    // banner and the toast change once per answer, not through an effect
    // watching the action's value.
    let save = Action::new(move |fields: &ContactFields| {
        let fields = fields.clone();
        let known_version = version.get_untracked();
        let navigate = navigate.clone();
        async move {
            match save_contact(id, known_version, fields).await {
                Ok(saved) => {
                    banner.set(None);
                    server_issues.set(Vec::new());
                    version.set(Some(saved.version));
                    toasts.show(format!("{} was saved.", saved.fields.display_name()), None, Tone::Success);
                    values.set(saved.fields);
                    if id.is_none() {
                        navigate(&format!("/contacts/{}", saved.id), NavigateOptions::default());
                    }
                }
                Err(AppError::InvalidContact(issues)) => {
                    server_issues.set(issues);
                    banner.set(Some("Some details need fixing: see the messages beside the fields.".into()));
                }
                Err(error) => banner.set(Some(error.to_string())),
            }
        }
    });
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        submitted.set(true);
        if local_check.with(|check| !check.is_valid()) {
            banner.set(Some("Some details need fixing: see the messages beside the fields.".into()));
            return;
        }
        banner.set(None);
        save.dispatch(values.get_untracked());
    };

    let is_company = move || values.with(|values| values.kind() == ContactKind::Company);
    let field = move |field: Field| view! { <FieldInput field values issue_for set_value/> };

    view! {
        <form class="contact-form" novalidate on:submit=on_submit>
            <div role="alert" class="alert-slot">
                {move || banner.get().map(|text| view! { <p class="error-banner">{text}</p> })}
            </div>
            <fieldset class="kind-choice">
                <legend>"Contact type"</legend>
                {ContactKind::ALL.into_iter().map(|kind| view! {
                    <label class="segment">
                        <input
                            type="radio"
                            name="kind"
                            value=kind.as_str()
                            prop:checked=move || values.with(|values| values.kind() == kind)
                            on:change=move |_| set_value(Field::Kind, kind.as_str().to_string())
                        />
                        <span>{kind.as_str()}</span>
                    </label>
                }).collect_view()}
            </fieldset>
            <section class="form-section">
                <h2>"Name"</h2>
                <div class="form-grid">
                    <Show when=is_company>{field(Field::CompanyName)}</Show>
                    {field(Field::Title)}
                    {field(Field::FirstName)}
                    {field(Field::LastName)}
                    <Show when=move || !is_company()>{field(Field::CompanyName)}</Show>
                </div>
            </section>
            <section class="form-section">
                <h2>"Contact details"</h2>
                <div class="form-grid">
                    {field(Field::Email)}
                    {field(Field::Phone)}
                    {field(Field::Mobile)}
                </div>
            </section>
            <section class="form-section">
                <h2>"Address"</h2>
                <div class="form-grid">
                    {field(Field::AddressLine1)}
                    {field(Field::AddressLine2)}
                    {field(Field::City)}
                    {field(Field::Region)}
                    {field(Field::Postcode)}
                    {field(Field::Country)}
                </div>
            </section>
            <section class="form-section">
                <h2>"Other"</h2>
                <div class="form-grid">
                    {field(Field::Category)}
                    {field(Field::Reference)}
                    {field(Field::Notes)}
                </div>
            </section>
            <datalist id="country-list">
                {COUNTRIES.iter().map(|country| view! { <option value=country.name></option> }).collect_view()}
            </datalist>
            <div class="form-actions">
                <button type="submit" class="primary" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { "Saving…" } else if id.is_some() { "Save changes" } else { "Create contact" }}
                </button>
                <a class="button" href="/contacts">"Cancel"</a>
                {id.map(|id| view! { <DeleteContact id version/> })}
            </div>
        </form>
    }
}

/// A short example for fields whose format is not obvious; the rules
/// themselves speak through the error messages.
fn form_hint(field: Field) -> Option<&'static str> {
    match field {
        Field::Phone | Field::Mobile => Some("For example 0412 345 678, +44 20 7946 0000 or (02) 9876 5432 x12."),
        Field::Country => Some("A country name or two-letter code, such as Australia or AU."),
        Field::Reference => Some("Your own ID for this contact, if you use one; imports use it to find the contact."),
        _ => None,
    }
}

/// One labelled input with a hint where useful and its issue as an error.
#[component]
fn FieldInput(
    field: Field,
    values: RwSignal<ContactFields>,
    issue_for: impl Fn(Field) -> Option<String> + Copy + Send + Sync + 'static,
    set_value: impl Fn(Field, String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let id = format!("field-{}", field.key());
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let value = move || values.with(|values| values.get(field).to_string());
    let on_input = move |event: leptos::ev::Event| set_value(field, event_target_value(&event));
    let invalid = move || issue_for(field).is_some();
    let described = if form_hint(field).is_some() { format!("{hint_id} {error_id}") } else { error_id.clone() };
    let control = match field {
        Field::Category => view! {
            <select id=id.clone() aria-invalid=move || invalid().to_string() aria-describedby=described.clone() on:change=on_input>
                <option value="" selected=move || value().is_empty()>"(none)"</option>
                {Category::ALL.into_iter().map(|category| view! {
                    <option value=category.as_str() selected=move || value() == category.as_str()>{category.as_str()}</option>
                }).collect_view()}
            </select>
        }
        .into_any(),
        Field::Notes => view! {
            <textarea id=id.clone() rows="4" prop:value=value aria-invalid=move || invalid().to_string() aria-describedby=described.clone() on:input=on_input></textarea>
        }
        .into_any(),
        _ => {
            let (kind, autocomplete, mode) = match field {
                Field::Email => ("email", "email", "email"),
                Field::Phone | Field::Mobile => ("tel", "tel", "tel"),
                Field::FirstName => ("text", "given-name", "text"),
                Field::LastName => ("text", "family-name", "text"),
                Field::Title => ("text", "honorific-prefix", "text"),
                Field::CompanyName => ("text", "organization", "text"),
                Field::AddressLine1 => ("text", "address-line1", "text"),
                Field::AddressLine2 => ("text", "address-line2", "text"),
                Field::City => ("text", "address-level2", "text"),
                Field::Region => ("text", "address-level1", "text"),
                Field::Postcode => ("text", "postal-code", "text"),
                Field::Country => ("text", "country-name", "text"),
                _ => ("text", "off", "text"),
            };
            view! {
                <input
                    id=id.clone()
                    type=kind
                    inputmode=mode
                    autocomplete=autocomplete
                    list=(field == Field::Country).then_some("country-list")
                    prop:value=value
                    aria-invalid=move || invalid().to_string()
                    aria-describedby=described.clone()
                    on:input=on_input
                />
            }
            .into_any()
        }
    };
    view! {
        <div class="field" class:bad=invalid class:wide=matches!(field, Field::Notes | Field::AddressLine1 | Field::AddressLine2)>
            <label for=id.clone()>{field.header()}</label>
            {control}
            {form_hint(field).map(|hint| view! { <p id=hint_id.clone() class="hint">{hint}</p> })}
            <p id=error_id class="field-error">{move || issue_for(field)}</p>
        </div>
    }
}

/// Delete, with a second step to confirm.
#[component]
fn DeleteContact(id: Uuid, version: RwSignal<Option<i32>>) -> impl IntoView {
    let asking = RwSignal::new(false);
    let toasts = use_toasts();
    let navigate = use_navigate();
    let error = RwSignal::new(None::<String>);
    // The answer is handled in the action itself (see the form's `save`).
    let delete = Action::new(move |_: &()| {
        let known_version = version.get_untracked().unwrap_or_default();
        let navigate = navigate.clone();
        async move {
            match delete_contact(id, known_version).await {
                Ok(()) => {
                    toasts.show("The contact was deleted.", None, Tone::Success);
                    navigate("/contacts", NavigateOptions::default());
                }
                Err(failure) => {
                    asking.set(false);
                    error.set(Some(failure.to_string()));
                }
            }
        }
    });
    view! {
        <div class="delete-contact">
            <Show when=move || asking.get() fallback=move || view! {
                <button type="button" class="danger-link" on:click=move |_| { error.set(None); asking.set(true); }>"Delete contact"</button>
            }>
                <div class="undo-confirm" role="group" aria-label="Confirm delete">
                    <span>"Delete this contact? This cannot be undone."</span>
                    <button type="button" class="danger" on:click=move |_| { delete.dispatch(()); } disabled=move || delete.pending().get()>
                        {move || if delete.pending().get() { "Deleting…" } else { "Yes, delete" }}
                    </button>
                    <button type="button" on:click=move |_| asking.set(false)>"Keep it"</button>
                </div>
            </Show>
            {move || error.get().map(|text| view! { <p class="error-banner" role="alert">{text}</p> })}
        </div>
    }
}
