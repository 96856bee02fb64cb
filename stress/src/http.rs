//! A small HTTP/1.1 client for one simulated user: one keep-alive
//! connection (opened again when the server closes it), the session cookie,
//! and a time limit on every request so that a hang is seen as one.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{header, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::net::TcpStream;

/// What went wrong with one request.
#[derive(Debug)]
pub enum Failure {
    /// The server answered with an unexpected status.
    Status { status: StatusCode, body: String },
    /// No connection, or it broke before the answer was complete.
    Connection(String),
    /// No answer within the time limit.
    Hang(Duration),
    /// A 2xx answer whose body is not what was expected.
    Body(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Status { status, body } => {
                let body: String = body.chars().take(200).collect();
                write!(f, "{status}: {body}")
            }
            Failure::Connection(error) => write!(f, "connection: {error}"),
            Failure::Hang(limit) => write!(f, "no answer within {} s", limit.as_secs()),
            Failure::Body(error) => write!(f, "unexpected body: {error}"),
        }
    }
}

/// An answer: its status and body.
pub struct Answer {
    pub status: StatusCode,
    pub body: Bytes,
    pub took: Duration,
}

impl Answer {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One user's connection to the server.
pub struct Client {
    address: SocketAddr,
    host: String,
    sender: Option<SendRequest<Full<Bytes>>>,
    cookie: Option<String>,
    limit: Duration,
}

impl Client {
    pub fn new(address: SocketAddr, limit: Duration) -> Client {
        Client { address, host: address.to_string(), sender: None, cookie: None, limit }
    }

    /// Forgets the session (as after signing out).
    pub fn forget_session(&mut self) {
        self.cookie = None;
    }

    pub fn has_session(&self) -> bool {
        self.cookie.is_some()
    }

    async fn connection(&mut self) -> Result<&mut SendRequest<Full<Bytes>>, String> {
        let reusable = match self.sender.as_mut() {
            Some(sender) => !sender.is_closed() && sender.ready().await.is_ok(),
            None => false,
        };
        if !reusable {
            let stream = TcpStream::connect(self.address).await.map_err(|error| error.to_string())?;
            stream.set_nodelay(true).map_err(|error| error.to_string())?;
            let (sender, connection) =
                http1::handshake(TokioIo::new(stream)).await.map_err(|error| error.to_string())?;
            tokio::spawn(async move {
                // The connection ends when the server closes it or the
                // sender is dropped; either is fine here.
                let _ = connection.await;
            });
            self.sender = Some(sender);
        }
        self.sender.as_mut().ok_or_else(|| "no connection".to_string())
    }

    /// Sends a request and returns the answer whatever its status.
    pub async fn send(&mut self, method: Method, path: &str, content_type: Option<&str>, body: Vec<u8>) -> Result<Answer, Failure> {
        let started = Instant::now();
        let limit = self.limit;
        match tokio::time::timeout(limit, self.send_now(method, path, content_type, body)).await {
            Ok(Ok((status, body))) => Ok(Answer { status, body, took: started.elapsed() }),
            Ok(Err(error)) => {
                self.sender = None;
                Err(Failure::Connection(error))
            }
            Err(_) => {
                self.sender = None;
                Err(Failure::Hang(limit))
            }
        }
    }

    async fn send_now(&mut self, method: Method, path: &str, content_type: Option<&str>, body: Vec<u8>) -> Result<(StatusCode, Bytes), String> {
        let mut request = Request::builder().method(method.clone()).uri(path).header(header::HOST, &self.host);
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        // A browser names the page's origin on every POST; the server refuses
        // one from another site, so send what a same-site page would.
        if method != Method::GET {
            request = request.header(header::ORIGIN, format!("http://{}", self.host));
        }
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let request = request.body(Full::new(Bytes::from(body))).map_err(|error| error.to_string())?;
        let sender = self.connection().await?;
        let response = sender.send_request(request).await.map_err(|error| error.to_string())?;
        let status = response.status();
        if let Some(cookie) = response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find(|value| value.starts_with("contacts_session="))
        {
            let pair = cookie.split(';').next().unwrap_or_default();
            // An expired cookie (signing out) clears the session.
            self.cookie = if cookie.contains("Max-Age=0") || pair == "contacts_session=" { None } else { Some(pair.to_string()) };
        }
        let body = response.into_body().collect().await.map_err(|error| error.to_string())?.to_bytes();
        Ok((status, body))
    }

    /// Sends a request and expects a 2xx (or, with `redirect_ok`, a 3xx).
    pub async fn expect_ok(&mut self, method: Method, path: &str, content_type: Option<&str>, body: Vec<u8>, redirect_ok: bool) -> Result<Answer, Failure> {
        let answer = self.send(method, path, content_type, body).await?;
        if answer.status.is_success() || (redirect_ok && answer.status.is_redirection()) {
            Ok(answer)
        } else {
            Err(Failure::Status { status: answer.status, body: answer.text() })
        }
    }

    /// GET of a page; expects 200.
    pub async fn page(&mut self, path: &str) -> Result<Answer, Failure> {
        self.expect_ok(Method::GET, path, None, Vec::new(), false).await
    }

    /// Calls a JSON server function and decodes its answer.
    pub async fn call<T: DeserializeOwned>(&mut self, function: &str, args: &impl Serialize) -> Result<(T, Duration), Failure> {
        let body = serde_json::to_vec(args).map_err(|error| Failure::Body(error.to_string()))?;
        let answer = self.expect_ok(Method::POST, &format!("/api/{function}"), Some("application/json"), body, false).await?;
        let value = serde_json::from_slice(&answer.body)
            .map_err(|error| Failure::Body(format!("{function}: {error}: {}", answer.text().chars().take(200).collect::<String>())))?;
        Ok((value, answer.took))
    }

    /// Calls a server function that takes its arguments in postcard (the
    /// import's row uploads) and decodes its JSON answer.
    pub async fn call_postcard<T: DeserializeOwned>(&mut self, function: &str, args: &impl Serialize) -> Result<(T, Duration), Failure> {
        let body = postcard::to_allocvec(args).map_err(|error| Failure::Body(error.to_string()))?;
        let answer = self.expect_ok(Method::POST, &format!("/api/{function}"), Some("application/x-postcard"), body, false).await?;
        let value = serde_json::from_slice(&answer.body)
            .map_err(|error| Failure::Body(format!("{function}: {error}: {}", answer.text().chars().take(200).collect::<String>())))?;
        Ok((value, answer.took))
    }

    /// Signs in with the form the sign-in page posts.
    pub async fn sign_in(&mut self, email: &str, password: &str) -> Result<Duration, Failure> {
        let form = format!("email={}&password={}", encode(email), encode(password));
        let answer = self
            .expect_ok(Method::POST, "/api/sign_in", Some("application/x-www-form-urlencoded"), form.into_bytes(), true)
            .await?;
        if !self.has_session() {
            return Err(Failure::Body("signing in set no session cookie".into()));
        }
        Ok(answer.took)
    }

    /// Signs up a new account (and is signed in as its first user).
    pub async fn sign_up(&mut self, organisation: &str, email: &str, password: &str) -> Result<Duration, Failure> {
        let form = format!(
            "organisation={}&name=Load%20Tester&email={}&password={}",
            encode(organisation),
            encode(email),
            encode(password)
        );
        let answer = self
            .expect_ok(Method::POST, "/api/sign_up", Some("application/x-www-form-urlencoded"), form.into_bytes(), true)
            .await?;
        if !self.has_session() {
            return Err(Failure::Body("signing up set no session cookie".into()));
        }
        Ok(answer.took)
    }

    /// Signs out.
    pub async fn sign_out(&mut self) -> Result<Duration, Failure> {
        let answer = self.expect_ok(Method::POST, "/api/sign_out", Some("application/x-www-form-urlencoded"), Vec::new(), true).await?;
        self.forget_session();
        Ok(answer.took)
    }
}

/// Percent-encodes a form value.
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}
