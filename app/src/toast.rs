//! Toasts: short notices (an import finished, a contact was saved) shown in
//! a live region so screen readers announce them too.

use leptos::prelude::*;

/// How long a success notice stays on screen.
const SUCCESS_SHOWN_FOR: std::time::Duration = std::time::Duration::from_secs(10);

/// One notice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toast {
    pub id: u64,
    pub message: String,
    /// An optional link: (href, label).
    pub link: Option<(String, String)>,
    pub tone: Tone,
}

/// Good news or bad.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Success,
    Failure,
}

/// The toasts on screen; provided once by the app.
#[derive(Clone, Copy, Debug)]
pub struct Toasts {
    items: RwSignal<Vec<Toast>>,
    next_id: StoredValue<u64>,
}

impl Toasts {
    /// Shows a toast. Good news goes away by itself after a while; bad news
    /// stays until the user closes it (or newer notices push it out).
    pub fn show(&self, message: impl Into<String>, link: Option<(String, String)>, tone: Tone) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        if tone == Tone::Success {
            let toasts = *self;
            set_timeout(move || toasts.dismiss(id), SUCCESS_SHOWN_FOR);
        }
        self.items.update(|items| {
            items.push(Toast { id, message: message.into(), link, tone });
            // Keep the stack short.
            if items.len() > 3 {
                items.remove(0);
            }
        });
    }

    /// Closes the toast `id`.
    pub fn dismiss(&self, id: u64) {
        self.items.update(|items| items.retain(|toast| toast.id != id));
    }
}

/// Makes toasts available to every page.
pub fn provide_toasts() {
    provide_context(Toasts { items: RwSignal::new(Vec::new()), next_id: StoredValue::new(1) });
}

/// The app's toasts.
pub fn use_toasts() -> Toasts {
    expect_context::<Toasts>()
}

/// The live region where toasts appear.
#[component]
pub fn ToastRegion() -> impl IntoView {
    let toasts = use_toasts();
    view! {
        <div class="toasts" role="status" aria-live="polite">
            <For each=move || toasts.items.get() key=|toast| toast.id let:toast>
                <div class=match toast.tone { Tone::Success => "toast success", Tone::Failure => "toast failure" }>
                    <p>
                        {toast.message.clone()}
                        {toast.link.clone().map(|(href, label)| view! { " " <a href=href>{label}</a> })}
                    </p>
                    <button type="button" class="toast-close" aria-label="Close notice" on:click=move |_| toasts.dismiss(toast.id)>
                        "×"
                    </button>
                </div>
            </For>
        </div>
    }
}
