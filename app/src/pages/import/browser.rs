//! The browser side of importing (compiled only into the wasm): talking to
//! the import worker, yielding to the page between slices of work, reading
//! the chosen file, and saving downloads.
//!
//! Invariant: a worker serves one request and is then ended; a worker that
//! fails or falls silent is ended too, and its request answered with a plain
//! sentence, so nothing a file does to the reader can hold the page. One
//! spare worker is kept started while the import page is open and idle, so
//! its wasm is compiled before the user has chosen a file.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use futures::channel::mpsc;
use futures::StreamExt;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

/// The worker script (see `public/import-worker.js`).
const WORKER_URL: &str = "/import-worker.js";

/// What the user sees when the worker itself fails (not the file).
const WORKER_FAILED: &str =
    "This file could not be read: the reader stopped unexpectedly. Save the file as .xlsx or .csv and try again.";

/// What the user sees when the browser cannot give the worker the chosen
/// file's bytes (the worker says `unopened`).
const FILE_NOT_OPENED: &str =
    "The file could not be opened. Check that it is not open in another program, then choose it again.";

/// What the user sees when the worker stops answering (a file that makes
/// the reader loop).
const WORKER_SILENT: &str =
    "This file could not be read: the reader stopped responding. Save the file as .xlsx or .csv and try again.";

/// How long a worker may go without a word before it is ended (the
/// watchdog). A read reports progress every 2,000 rows, far more often;
/// writing a report sends nothing until it is done, so it gets longer.
#[derive(Clone, Copy, Debug)]
pub enum Patience {
    /// Reading a file.
    Reading,
    /// Writing the error report.
    Writing,
}

impl Patience {
    fn quiet_ms(self) -> f64 {
        match self {
            Patience::Reading => 30_000.0,
            Patience::Writing => 120_000.0,
        }
    }
}

/// How often the watchdog looks.
const WATCHDOG_EVERY_MS: i32 = 1_000;

thread_local! {
    /// A worker started ahead of need, its wasm loading and compiling, so a
    /// chosen file is read at once.
    static SPARE: RefCell<Option<Worker>> = const { RefCell::new(None) };
    /// Whether the import page is open (it wants a spare worker).
    static WANTED: Cell<bool> = const { Cell::new(false) };
}

/// Says that the import page is open: it wants a spare worker whenever
/// [`start_spare_worker`] is called, until [`stop_spare_worker`].
pub fn want_spare_worker() {
    WANTED.with(|wanted| wanted.set(true));
}

/// Starts a spare worker, unless one is waiting already or the page no
/// longer wants one. The page calls it when it is idle (a file to choose,
/// the review): a worker's start compiles its wasm and warms it up, work
/// that would compete for the cores with a file's look-ups and check.
pub fn start_spare_worker() {
    if !WANTED.with(Cell::get) {
        return;
    }
    SPARE.with(|spare| {
        let mut spare = spare.borrow_mut();
        if spare.is_none() {
            *spare = new_worker().ok();
        }
    });
}

/// Ends the spare worker (the import page is closing).
pub fn stop_spare_worker() {
    WANTED.with(|wanted| wanted.set(false));
    if let Some(worker) = SPARE.with(|spare| spare.borrow_mut().take()) {
        worker.terminate();
    }
}

fn new_worker() -> Result<Worker, JsValue> {
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Module);
    Worker::new_with_options(WORKER_URL, &options)
}

/// The spare worker, or a new one.
fn take_worker() -> Result<Worker, String> {
    match SPARE.with(|spare| spare.borrow_mut().take()) {
        Some(worker) => Ok(worker),
        None => new_worker().map_err(|_| WORKER_FAILED.to_string()),
    }
}

/// Sends one request to a fresh worker and waits for its whole answer: the
/// parts it sends back, or a plain sentence (see [`start_worker`]).
pub async fn ask_worker(
    message: Object,
    transfer: Array,
    patience: Patience,
    on_progress: impl Fn(u32) + 'static,
) -> Result<Vec<Uint8Array>, String> {
    let mut answer = start_worker(message, transfer, patience, on_progress);
    let mut parts = Vec::new();
    while let Some(part) = answer.next().await {
        parts.push(part?);
    }
    Ok(parts)
}

/// A request a worker is answering: its parts as they come. Dropping it
/// ends the worker.
pub struct WorkerAnswer {
    parts: mpsc::UnboundedReceiver<Result<Uint8Array, String>>,
    _worker: RunningWorker,
}

impl WorkerAnswer {
    /// The next part, as soon as the worker sends it; `None` once it said
    /// it is done. An `Err`, a plain sentence, is the last item: the parts
    /// before it are to be dropped.
    pub async fn next(&mut self) -> Option<Result<Uint8Array, String>> {
        self.parts.next().await
    }
}

/// Sends one request to a fresh worker; its parts come through the
/// [`WorkerAnswer`]. `on_progress` gets the rows read so far. A fresh worker
/// per request means a file that crashes the reader cannot affect the next
/// one; a worker that fails (its `error` or `messageerror` event) or says
/// nothing for longer than `patience` allows answers with a sentence and is
/// ended. The tab never waits on it.
pub fn start_worker(
    message: Object,
    transfer: Array,
    patience: Patience,
    on_progress: impl Fn(u32) + 'static,
) -> WorkerAnswer {
    let (sender, parts) = mpsc::unbounded::<Result<Uint8Array, String>>();
    let sender = Rc::new(RefCell::new(Some(sender)));
    // The last item: the sender is dropped after it, which ends the parts.
    let end_with = {
        let sender = sender.clone();
        move |last: Option<Result<Uint8Array, String>>| {
            if let Some(sender) = sender.borrow_mut().take() {
                if let Some(last) = last {
                    let _ = sender.unbounded_send(last);
                }
            }
        }
    };
    let worker = match take_worker() {
        Ok(worker) => worker,
        Err(sentence) => {
            end_with(Some(Err(sentence)));
            return WorkerAnswer { parts, _worker: RunningWorker::none() };
        }
    };
    let last_heard = Rc::new(Cell::new(js_sys::Date::now()));

    let on_message = {
        let end_with = end_with.clone();
        let last_heard = last_heard.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            last_heard.set(js_sys::Date::now());
            let data = event.data();
            let field = |name: &str| Reflect::get(&data, &name.into()).ok();
            match field("kind").and_then(|kind| kind.as_string()).as_deref() {
                Some("progress") => {
                    let rows = field("rows").and_then(|rows| rows.as_f64()).unwrap_or(0.0);
                    on_progress(rows as u32);
                }
                Some("part") => {
                    if let (Some(sender), Some(part)) = (sender.borrow().as_ref(), field("part")) {
                        let _ = sender.unbounded_send(Ok(Uint8Array::new(&part)));
                    }
                }
                Some("done") => {
                    if let Some(sender) = sender.borrow().as_ref() {
                        for part in field("parts").map(|parts| Array::from(&parts)).unwrap_or_default().iter() {
                            let _ = sender.unbounded_send(Ok(Uint8Array::new(&part)));
                        }
                    }
                    end_with(None);
                }
                Some("unopened") => end_with(Some(Err(FILE_NOT_OPENED.to_string()))),
                Some("error") => end_with(Some(Err(field("message")
                    .and_then(|message| message.as_string())
                    .unwrap_or_else(|| WORKER_FAILED.to_string())))),
                _ => end_with(Some(Err(WORKER_FAILED.to_string()))),
            }
        })
    };
    let on_failure = {
        let end_with = end_with.clone();
        Closure::<dyn FnMut(JsValue)>::new(move |_| end_with(Some(Err(WORKER_FAILED.to_string()))))
    };
    let watchdog = {
        let end_with = end_with.clone();
        Closure::<dyn FnMut()>::new(move || {
            if js_sys::Date::now() - last_heard.get() > patience.quiet_ms() {
                end_with(Some(Err(WORKER_SILENT.to_string())));
            }
        })
    };
    let watchdog_id = web_sys::window().and_then(|window| {
        window
            .set_interval_with_callback_and_timeout_and_arguments_0(watchdog.as_ref().unchecked_ref(), WATCHDOG_EVERY_MS)
            .ok()
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_failure.as_ref().unchecked_ref()));
    worker.set_onmessageerror(Some(on_failure.as_ref().unchecked_ref()));
    if worker.post_message_with_transfer(&message, &transfer).is_err() {
        end_with(Some(Err(WORKER_FAILED.to_string())));
    }
    WorkerAnswer {
        parts,
        _worker: RunningWorker { worker: Some(worker), _closures: Some((on_message, on_failure, watchdog)), watchdog_id },
    }
}

/// A worker serving one request, with what listens to it; ended when
/// dropped.
struct RunningWorker {
    worker: Option<Worker>,
    /// Kept alive as long as the worker may call them.
    _closures: Option<(Closure<dyn FnMut(MessageEvent)>, Closure<dyn FnMut(JsValue)>, Closure<dyn FnMut()>)>,
    watchdog_id: Option<i32>,
}

impl RunningWorker {
    /// No worker could be started.
    fn none() -> RunningWorker {
        RunningWorker { worker: None, _closures: None, watchdog_id: None }
    }
}

impl Drop for RunningWorker {
    fn drop(&mut self) {
        let Some(worker) = self.worker.take() else { return };
        worker.terminate();
        if let (Some(window), Some(id)) = (web_sys::window(), self.watchdog_id) {
            window.clear_interval_with_handle(id);
        }
    }
}

/// A message object `{ id, kind, ...fields }` for the worker.
pub fn worker_message(kind: &str, fields: &[(&str, &JsValue)]) -> Object {
    let message = Object::new();
    let _ = Reflect::set(&message, &"id".into(), &JsValue::from(1));
    let _ = Reflect::set(&message, &"kind".into(), &JsValue::from_str(kind));
    for (name, value) in fields {
        let _ = Reflect::set(&message, &(*name).into(), value);
    }
    message
}

/// Resolves once the browser has drawn the page as it stands: the next
/// animation frame's paint, then a task after it. (In a hidden tab, frames
/// wait until it is shown again.)
pub async fn after_paint() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let requested = web_sys::window().map(|window| window.request_animation_frame(&resolve));
        if !matches!(requested, Some(Ok(_))) {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    next_turn().await;
}

/// Resolves once the page has nothing left to do for now: no task queued
/// and the frame drawn (`requestIdleCallback`). Where the browser lacks it
/// (Safari), after half a second.
pub async fn when_idle() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let Some(window) = web_sys::window() else {
            let _ = resolve.call0(&JsValue::NULL);
            return;
        };
        if window.request_idle_callback(&resolve).is_err() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 500);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Gives the browser a turn (rendering, input, timers) before the next slice
/// of work.
///
/// A message to itself on a fresh `MessageChannel` (as React's scheduler
/// does): a `setTimeout(0)` called from a timer is held back at least 4 ms
/// once nested five deep, which the hundred-odd slices of a 100,000-row
/// preview paid as idle time; and `scheduler.yield()`, though unclamped,
/// puts the next slice ahead of the page's timers, so they would wait for
/// the whole preview. A message is an ordinary task: what else is queued
/// runs between two slices.
pub async fn next_turn() {
    let promise = js_sys::Promise::new(&mut |resolve, _| match web_sys::MessageChannel::new() {
        Ok(channel) => {
            channel.port1().set_onmessage(Some(&resolve));
            let _ = channel.port2().post_message(&JsValue::NULL);
        }
        Err(_) => {
            if let Some(window) = web_sys::window() {
                let _ = window.set_timeout_with_callback(&resolve);
            }
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// How long a stretch of slices may hold the page before [`Turns`] gives
/// the browser a turn: under the 50 ms after which a task counts as long.
/// Each turn costs a re-render of the progress and a trip through the
/// event loop; while the worker reads, the page, not the worker, is what
/// the look-ups wait for on two cores (its chunks queue up either way), and
/// 20 ms stretches left about a third of a 100,000-row file to map after
/// the last row was read.
const TURN_BUDGET_MS: f64 = 40.0;

/// Gives the browser a turn between slices of work once the slices since
/// the last turn have held the page for [`TURN_BUDGET_MS`]: cheap slices share a
/// turn, dear ones (or a slow machine) get one each, so a task's length
/// follows the clock rather than a guess of what a slice costs.
pub struct Turns {
    since: f64,
}

impl Turns {
    pub fn new() -> Turns {
        Turns { since: js_sys::Date::now() }
    }

    /// Whether the slices since the last turn have used the budget.
    fn due(&self) -> bool {
        js_sys::Date::now() - self.since >= TURN_BUDGET_MS
    }

    /// Gives the browser a turn now.
    pub async fn take(&mut self) {
        next_turn().await;
        self.since = js_sys::Date::now();
    }

    /// Call after each slice: a turn when one is due.
    pub async fn after_slice(&mut self) {
        self.after_slice_showing(|| {}).await;
    }

    /// [`Turns::after_slice`], showing the progress (`show`) just before
    /// the turn, so that it is rendered once per turn, not once per slice.
    pub async fn after_slice_showing(&mut self, show: impl FnOnce()) {
        if self.due() {
            show();
            self.take().await;
        }
    }
}

/// Offers `bytes` as a download named `file_name`.
pub fn save_download(bytes: &[u8], file_name: &str, mime_type: &str) -> Result<(), String> {
    let blob = gloo_file::Blob::new_with_options(bytes, Some(mime_type));
    let url = gloo_file::ObjectUrl::from(blob);
    let document = web_sys::window().and_then(|window| window.document()).ok_or("no document")?;
    let link: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| "could not create a link")?
        .unchecked_into();
    link.set_href(&url);
    link.set_download(file_name);
    link.click();
    // Revoke the URL a minute later, once the download has surely started.
    let revoke = Closure::once_into_js(move || drop(url));
    if let Some(window) = web_sys::window() {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 60_000);
    }
    Ok(())
}
