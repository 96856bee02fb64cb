//! The browser entry point: the hydration script calls [`hydrate`] once the
//! wasm has loaded, and the server-rendered page becomes interactive.

/// Makes the server-rendered app interactive, then marks `<body>` with
/// `data-hydrated` (tests wait for it before typing into the page).
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    if let Some(body) = leptos::prelude::document().body() {
        // Only a test aid: failing to set it changes nothing for users.
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
