//! The review's note that the mapping was remembered from the account's
//! last import of a file with the same headers (the columns chosen by hand
//! and the value choices, applied when the file was chosen; all of it can
//! be changed in the steps below).

use leptos::prelude::*;

use super::ImportContext;

/// "Mapping remembered from your last import", when it was.
#[component]
pub fn RememberedNotice() -> impl IntoView {
    let context = expect_context::<ImportContext>();
    let remembered = move || context.read(|session| session.remembered).unwrap_or(false);
    view! {
        <Show when=remembered>
            <p class="remembered-notice" role="note">
                <strong>"Mapping remembered from your last import"</strong>
                " of a file with these columns: the columns and values you chose then are chosen again. Change any of them below."
            </p>
        </Show>
    }
}
