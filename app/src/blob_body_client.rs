//! The client for server functions whose arguments travel as postcard: the
//! same request leptos's browser client builds, with the body given to
//! `fetch` as a `Blob` instead of an `ArrayBuffer`.
//!
//! Why: Chromium copies an `ArrayBuffer` body on the calling thread, 20–40 ms
//! for 2 MB (one upload chunk of 10,000 rows), against 3–5 ms for a `Blob`
//! made from the same bytes (both measured in the bench's headless Chromium).
//! A 100,000-row import sends ten such chunks while the page builds the next
//! ones, so the copies held the page's thread for about a quarter of a second.
//!
//! Only binary bodies are built here: a server function that names this
//! client takes a binary input encoding, and any other request is refused
//! with a [`ServerFnErrorErr::Request`] before anything is sent. The answer is
//! read as the browser client reads it (status, redirect header, text or
//! bytes), so errors reach the caller exactly as before.

#[cfg(feature = "hydrate")]
pub use browser::BlobBodyClient;
/// On the server a call runs the function itself; the client is never used.
#[cfg(not(feature = "hydrate"))]
pub use leptos::server_fn::client::browser::BrowserClient as BlobBodyClient;

#[cfg(feature = "hydrate")]
mod browser {
    use std::future::Future;

    use futures::{Sink, Stream};
    use http::Method;
    use js_sys::{Array, Uint8Array};
    use leptos::server_fn::client::{get_server_url, Client};
    use leptos::server_fn::error::{FromServerFnError, IntoAppError, ServerFnErrorErr};
    use leptos::server_fn::redirect::REDIRECT_HEADER;
    use leptos::server_fn::request::ClientReq;
    use leptos::server_fn::response::ClientRes;
    use leptos::server_fn::Bytes;
    use send_wrapper::SendWrapper;
    use wasm_bindgen::prelude::wasm_bindgen;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{AbortController, Blob, Headers, Request, RequestInit, Response};

    #[wasm_bindgen]
    extern "C" {
        /// The global `fetch` (a page's or a worker's, as leptos's client
        /// calls it), not `window.fetch`.
        #[wasm_bindgen(js_name = fetch)]
        fn global_fetch(request: &Request) -> js_sys::Promise;
    }

    /// A JavaScript value as a sentence for the log: an `Error`'s message,
    /// a string as itself, anything else as the console would show it.
    fn js_text(value: &JsValue) -> String {
        if let Some(error) = value.dyn_ref::<js_sys::Error>() {
            return String::from(error.message());
        }
        value.as_string().unwrap_or_else(|| format!("{value:?}"))
    }

    /// See the module's documentation.
    pub struct BlobBodyClient;

    /// A `fetch` request whose body is a `Blob`, and the controller that
    /// cancels it when its caller stops waiting (as leptos's client does).
    pub struct BlobBodyRequest(SendWrapper<(Request, Option<AbortController>)>);

    /// The answer to a [`BlobBodyRequest`].
    pub struct FetchResponse(SendWrapper<Response>);

    fn request_error<E: FromServerFnError>(what: JsValue) -> E {
        ServerFnErrorErr::Request(js_text(&what)).into_app_error()
    }

    fn only_binary_bodies<T, E: FromServerFnError>() -> Result<T, E> {
        Err(ServerFnErrorErr::Request("this client sends binary bodies only".to_string()).into_app_error())
    }

    impl<E: FromServerFnError> ClientReq<E> for BlobBodyRequest {
        type FormData = ();

        fn try_new_req_bytes(path: &str, content_type: &str, accepts: &str, body: Bytes, method: Method) -> Result<Self, E> {
            let url = format!("{}{path}", get_server_url());
            let parts = Array::of1(&Uint8Array::from(body.as_ref()));
            let blob = Blob::new_with_u8_array_sequence(&parts).map_err(request_error::<E>)?;
            let headers = Headers::new().map_err(request_error::<E>)?;
            headers.set("Content-Type", content_type).map_err(request_error::<E>)?;
            headers.set("Accept", accepts).map_err(request_error::<E>)?;
            let abort = AbortController::new().ok();
            let init = RequestInit::new();
            init.set_method(method.as_str());
            init.set_headers(&headers);
            init.set_body(&blob);
            if let Some(abort) = &abort {
                init.set_signal(Some(&abort.signal()));
            }
            let request = Request::new_with_str_and_init(&url, &init).map_err(request_error::<E>)?;
            Ok(BlobBodyRequest(SendWrapper::new((request, abort))))
        }

        fn try_new_req_query(_: &str, _: &str, _: &str, _: &str, _: Method) -> Result<Self, E> {
            only_binary_bodies()
        }

        fn try_new_req_text(_: &str, _: &str, _: &str, _: String, _: Method) -> Result<Self, E> {
            only_binary_bodies()
        }

        fn try_new_req_form_data(_: &str, _: &str, _: &str, _: (), _: Method) -> Result<Self, E> {
            only_binary_bodies()
        }

        fn try_new_req_multipart(_: &str, _: &str, _: (), _: Method) -> Result<Self, E> {
            only_binary_bodies()
        }

        fn try_new_req_streaming(
            _: &str,
            _: &str,
            _: &str,
            _: impl Stream<Item = Bytes> + Send + 'static,
            _: Method,
        ) -> Result<Self, E> {
            only_binary_bodies()
        }
    }

    /// Cancels the request unless [`Abort::disarm`] was called: dropping a
    /// call's future before it answered stops the `fetch`.
    struct Abort(Option<AbortController>);

    impl Abort {
        fn disarm(&mut self) {
            self.0 = None;
        }
    }

    impl Drop for Abort {
        fn drop(&mut self) {
            if let Some(controller) = self.0.take() {
                controller.abort();
            }
        }
    }

    impl<E, InputStreamError, OutputStreamError> Client<E, InputStreamError, OutputStreamError> for BlobBodyClient
    where
        E: FromServerFnError,
        InputStreamError: FromServerFnError,
        OutputStreamError: FromServerFnError,
    {
        type Request = BlobBodyRequest;
        type Response = FetchResponse;

        fn send(request: BlobBodyRequest) -> impl Future<Output = Result<FetchResponse, E>> + Send {
            SendWrapper::new(async move {
                let (request, controller) = request.0.take();
                let mut abort = Abort(controller);
                let answer = JsFuture::from(global_fetch(&request)).await.map_err(request_error::<E>)?;
                abort.disarm();
                let response: Response = answer.dyn_into().map_err(request_error::<E>)?;
                Ok(FetchResponse(SendWrapper::new(response)))
            })
        }

        #[allow(clippy::type_complexity)]
        async fn open_websocket(
            _path: &str,
        ) -> Result<(impl Stream<Item = Result<Bytes, Bytes>> + Send + 'static, impl Sink<Bytes> + Send + 'static), E> {
            only_binary_bodies::<(futures::stream::Empty<Result<Bytes, Bytes>>, futures::sink::Drain<Bytes>), E>()
        }

        fn spawn(future: impl Future<Output = ()> + Send + 'static) {
            wasm_bindgen_futures::spawn_local(future);
        }
    }

    fn read_error<E: FromServerFnError>(what: JsValue) -> E {
        ServerFnErrorErr::Deserialization(js_text(&what)).into_app_error()
    }

    impl<E: FromServerFnError> ClientRes<E> for FetchResponse {
        fn try_into_string(self) -> impl Future<Output = Result<String, E>> + Send {
            SendWrapper::new(async move {
                let text = self.0.text().map_err(read_error::<E>)?;
                let text = JsFuture::from(text).await.map_err(read_error::<E>)?;
                text.as_string().ok_or_else(|| read_error::<E>(JsValue::from_str("the answer is not text")))
            })
        }

        fn try_into_bytes(self) -> impl Future<Output = Result<Bytes, E>> + Send {
            SendWrapper::new(async move {
                let buffer = self.0.array_buffer().map_err(read_error::<E>)?;
                let buffer = JsFuture::from(buffer).await.map_err(read_error::<E>)?;
                Ok(Bytes::from(Uint8Array::new(&buffer).to_vec()))
            })
        }

        fn try_into_stream(self) -> Result<impl Stream<Item = Result<Bytes, Bytes>> + Send + Sync + 'static, E> {
            only_binary_bodies::<futures::stream::Empty<Result<Bytes, Bytes>>, E>()
        }

        fn status(&self) -> u16 {
            self.0.status()
        }

        fn status_text(&self) -> String {
            self.0.status_text()
        }

        fn location(&self) -> String {
            self.0.headers().get("Location").ok().flatten().unwrap_or_else(|| self.0.url())
        }

        fn has_redirect(&self) -> bool {
            self.0.headers().get(REDIRECT_HEADER).ok().flatten().is_some()
        }
    }
}
