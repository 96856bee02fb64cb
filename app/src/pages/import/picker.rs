//! Choosing the file: a button and a drop zone.

use leptos::prelude::*;

#[cfg(feature = "hydrate")]
use super::ImportContext;

/// The formats the reader understands, for the file dialog's filter.
const ACCEPTED: &str = ".xlsx,.xlsm,.xlsb,.xls,.ods,.csv,.vcf,text/vcard,text/x-vcard,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.ms-excel,text/csv";

/// "Select File to Import", or drop a file on the zone.
#[component]
pub fn FilePicker() -> impl IntoView {
    let dragging = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    let context = expect_context::<ImportContext>();

    let on_change = move |_event: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let input: Option<web_sys::HtmlInputElement> =
                _event.target().and_then(|target| target.dyn_into().ok());
            if let Some(file) = input.as_ref().and_then(|input| input.files()).and_then(|files| files.get(0)) {
                leptos::task::spawn_local(super::flow::load(context, file, None, worker::protocol::HeaderRequest::Find));
            }
        }
    };
    let on_drop = move |event: leptos::ev::DragEvent| {
        event.prevent_default();
        dragging.set(false);
        #[cfg(feature = "hydrate")]
        if let Some(file) = event.data_transfer().and_then(|transfer| transfer.files()).and_then(|files| files.get(0)) {
            leptos::task::spawn_local(super::flow::load(context, file, None, worker::protocol::HeaderRequest::Find));
        }
    };
    view! {
        <section
            class="drop-zone"
            class:dragging=move || dragging.get()
            aria-labelledby="drop-zone-heading"
            on:dragover=move |event: leptos::ev::DragEvent| {
                event.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <div class="drop-icon" aria-hidden="true">"⬆"</div>
            <h2 id="drop-zone-heading">"Drag and drop your file here"</h2>
            <p class="muted">"or"</p>
            <label class="button primary file-button" for="import-file">"Select File to Import"</label>
            <input id="import-file" class="visually-hidden" type="file" accept=ACCEPTED on:change=on_change/>
            <p class="hint">
                "Excel (.xlsx, .xlsm, .xlsb, .xls), OpenDocument (.ods), CSV or vCard (.vcf). Up to 25 MB and 200,000 rows. "
                "The file is checked here in your browser; nothing is saved until you confirm."
            </p>
        </section>
    }
}
