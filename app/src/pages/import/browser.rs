//! The browser side of importing (compiled only into the wasm): talking to
//! the import worker, yielding to the page between slices of work, reading
//! the chosen file, and saving downloads.

use std::cell::RefCell;
use std::rc::Rc;

use futures::channel::oneshot;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

/// The worker script (see `public/import-worker.js`).
const WORKER_URL: &str = "/import-worker.js";

/// What the user sees when the worker itself fails (not the file).
const WORKER_FAILED: &str =
    "This file could not be read: the reader stopped unexpectedly. Save the file as .xlsx or .csv and try again.";

/// Sends one request to a fresh worker and waits for its answer: the parts
/// it sends back, or a plain sentence. `on_progress` gets the rows read so
/// far. A fresh worker per request means a file that crashes the reader
/// cannot affect the next one.
pub async fn ask_worker(message: Object, transfer: Array, on_progress: impl Fn(u32) + 'static) -> Result<Vec<Uint8Array>, String> {
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Module);
    let worker = Worker::new_with_options(WORKER_URL, &options).map_err(|_| WORKER_FAILED.to_string())?;
    let (sender, receiver) = oneshot::channel::<Result<Vec<Uint8Array>, String>>();
    let sender = Rc::new(RefCell::new(Some(sender)));

    let on_message = {
        let sender = sender.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let data = event.data();
            let kind = Reflect::get(&data, &"kind".into()).ok().and_then(|kind| kind.as_string());
            let answer = match kind.as_deref() {
                Some("progress") => {
                    let rows = Reflect::get(&data, &"rows".into()).ok().and_then(|rows| rows.as_f64()).unwrap_or(0.0);
                    on_progress(rows as u32);
                    return;
                }
                Some("done") => Ok(Reflect::get(&data, &"parts".into())
                    .ok()
                    .map(|parts| Array::from(&parts).iter().map(|part| Uint8Array::new(&part)).collect())
                    .unwrap_or_default()),
                Some("error") => Err(Reflect::get(&data, &"message".into())
                    .ok()
                    .and_then(|message| message.as_string())
                    .unwrap_or_else(|| WORKER_FAILED.to_string())),
                _ => Err(WORKER_FAILED.to_string()),
            };
            if let Some(sender) = sender.borrow_mut().take() {
                let _ = sender.send(answer);
            }
        })
    };
    let on_error = {
        let sender = sender.clone();
        Closure::<dyn FnMut(JsValue)>::new(move |_| {
            if let Some(sender) = sender.borrow_mut().take() {
                let _ = sender.send(Err(WORKER_FAILED.to_string()));
            }
        })
    };
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let answer = match worker.post_message_with_transfer(&message, &transfer) {
        Ok(()) => receiver.await.unwrap_or_else(|_| Err(WORKER_FAILED.to_string())),
        Err(_) => Err(WORKER_FAILED.to_string()),
    };
    worker.terminate();
    drop(on_message);
    drop(on_error);
    answer
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

/// Gives the browser a turn (rendering, input) before the next slice of work.
pub async fn next_turn() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback(&resolve);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// The chosen file's bytes, as a JS array the worker can take over.
pub async fn file_bytes(file: &web_sys::File) -> Result<Uint8Array, String> {
    let blob = gloo_file::Blob::from(web_sys::Blob::from(file.clone()));
    gloo_file::futures::read_as_array_buffer(&blob)
        .await
        .map(|buffer| Uint8Array::new(&buffer))
        .map_err(|_| "The file could not be opened. Check that it is not open in another program, then choose it again.".to_string())
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
