//! One simulated user's HTTP client (reqwest, plain HTTP over loopback): its
//! keep-alive connections, its cookies (the session), and a time limit on
//! every request so that a hang is seen as one. Redirects are not followed:
//! the tests look at them.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::cookie::{CookieStore, Jar};
use reqwest::header::{CONTENT_TYPE, ORIGIN};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The session cookie's name (the server's).
const SESSION_COOKIE: &str = "contacts_session";

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
    /// The answer's `Content-Type`, when it has one.
    pub content_type: Option<String>,
    pub body: Bytes,
    pub took: Duration,
}

impl Answer {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One user's client for one server.
pub struct Client {
    /// `http://127.0.0.1:PORT/`: what requests are sent to, and the origin a
    /// page of this server would name on a POST.
    base: Url,
    http: reqwest::Client,
    /// The user's cookies. Cookies do not tell ports apart, so clients of two
    /// servers on one host sharing a jar act as one browser behind a load
    /// balancer.
    jar: Arc<Jar>,
    limit: Duration,
}

impl Client {
    pub fn new(address: SocketAddr, limit: Duration) -> Client {
        Client::with_cookies(address, limit, Arc::new(Jar::default()))
    }

    /// A client of the server at `address` with this client's cookies (so
    /// its session): the same browser, reaching another server.
    pub fn on_server(&self, address: SocketAddr) -> Client {
        Client::with_cookies(address, self.limit, self.jar.clone())
    }

    fn with_cookies(address: SocketAddr, limit: Duration, jar: Arc<Jar>) -> Client {
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .timeout(limit)
            .tcp_nodelay(true)
            .build()
            // Building fails only for TLS or resolver set-up, neither of
            // which a plain-HTTP client by address uses.
            .expect("a plain HTTP client builds");
        let base = Url::parse(&format!("http://{address}/")).expect("an address makes a URL");
        Client { base, http, jar, limit }
    }

    /// Forgets the session (as after signing out).
    pub fn forget_session(&mut self) {
        self.jar.add_cookie_str(&format!("{SESSION_COOKIE}=; Max-Age=0; Path=/"), &self.base);
    }

    pub fn has_session(&self) -> bool {
        let Some(cookies) = self.jar.cookies(&self.base) else { return false };
        cookies.to_str().unwrap_or_default().split("; ").any(|pair| {
            pair.split_once('=').is_some_and(|(name, value)| name == SESSION_COOKIE && !value.is_empty())
        })
    }

    /// Sends a request and returns the answer whatever its status.
    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Result<Answer, Failure> {
        let url = self.base.join(path).map_err(|error| Failure::Connection(format!("{path}: {error}")))?;
        let mut request = self.http.request(method.clone(), url);
        if let Some(content_type) = content_type {
            request = request.header(CONTENT_TYPE, content_type);
        }
        // A browser names the page's origin on every POST; the server refuses
        // one from another site, so send what a same-site page would.
        if method != Method::GET {
            request = request.header(ORIGIN, self.base.origin().ascii_serialization());
        }
        let started = Instant::now();
        let answer = async {
            let response = request.body(body).send().await?;
            let status = response.status();
            let content_type =
                response.headers().get(CONTENT_TYPE).and_then(|value| value.to_str().ok()).map(str::to_string);
            let body = response.bytes().await?;
            Ok::<_, reqwest::Error>((status, content_type, body))
        }
        .await;
        match answer {
            Ok((status, content_type, body)) => Ok(Answer { status, content_type, body, took: started.elapsed() }),
            Err(error) if error.is_timeout() => Err(Failure::Hang(self.limit)),
            Err(error) => Err(Failure::Connection(error.to_string())),
        }
    }

    /// Sends a request and expects a 2xx (or, with `redirect_ok`, a 3xx).
    pub async fn expect_ok(
        &mut self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
        redirect_ok: bool,
    ) -> Result<Answer, Failure> {
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

    /// GET of a page with a query string; expects 200.
    pub async fn page_with_query(&mut self, path: &str, query: &[(&str, &str)]) -> Result<Answer, Failure> {
        let query = serde_urlencoded::to_string(query).map_err(|error| Failure::Body(error.to_string()))?;
        self.page(&format!("{path}?{query}")).await
    }

    /// Calls a JSON server function and decodes its answer.
    pub async fn call<T: DeserializeOwned>(&mut self, function: &str, args: &impl Serialize) -> Result<(T, Duration), Failure> {
        let body = serde_json::to_vec(args).map_err(|error| Failure::Body(error.to_string()))?;
        let answer = self.expect_ok(Method::POST, &format!("/api/{function}"), Some("application/json"), body, false).await?;
        let value = serde_json::from_slice(&answer.body).map_err(|error| {
            Failure::Body(format!("{function}: {error}: {}", answer.text().chars().take(200).collect::<String>()))
        })?;
        Ok((value, answer.took))
    }

    /// Calls a server function that takes its arguments in postcard (the
    /// import's row uploads and key look-ups) and decodes its answer, in
    /// postcard or JSON as its content type says (the look-ups answer in
    /// postcard, the uploads in JSON).
    pub async fn call_postcard<T: DeserializeOwned>(&mut self, function: &str, args: &impl Serialize) -> Result<(T, Duration), Failure> {
        let body = postcard::to_allocvec(args).map_err(|error| Failure::Body(error.to_string()))?;
        let answer = self.expect_ok(Method::POST, &format!("/api/{function}"), Some("application/x-postcard"), body, false).await?;
        let in_postcard = answer.content_type.as_deref().is_some_and(|content_type| content_type.starts_with("application/x-postcard"));
        let value = if in_postcard {
            postcard::from_bytes(&answer.body).map_err(|error| Failure::Body(format!("{function}: {error}")))?
        } else {
            serde_json::from_slice(&answer.body).map_err(|error| {
                Failure::Body(format!("{function}: {error}: {}", answer.text().chars().take(200).collect::<String>()))
            })?
        };
        Ok((value, answer.took))
    }

    /// Posts a form as the page's forms do; a redirect is an answer too.
    async fn post_form(&mut self, path: &str, form: &[(&str, &str)]) -> Result<Answer, Failure> {
        let body = serde_urlencoded::to_string(form).map_err(|error| Failure::Body(error.to_string()))?;
        self.expect_ok(Method::POST, path, Some("application/x-www-form-urlencoded"), body.into_bytes(), true).await
    }

    /// Signs in with the form the sign-in page posts.
    pub async fn sign_in(&mut self, email: &str, password: &str) -> Result<Duration, Failure> {
        let answer = self.post_form("/api/sign_in", &[("email", email), ("password", password)]).await?;
        if !self.has_session() {
            return Err(Failure::Body("signing in set no session cookie".into()));
        }
        Ok(answer.took)
    }

    /// Signs up a new account (and is signed in as its first user).
    pub async fn sign_up(&mut self, organisation: &str, email: &str, password: &str) -> Result<Duration, Failure> {
        let form = [("organisation", organisation), ("name", "Load Tester"), ("email", email), ("password", password)];
        let answer = self.post_form("/api/sign_up", &form).await?;
        if !self.has_session() {
            return Err(Failure::Body("signing up set no session cookie".into()));
        }
        Ok(answer.took)
    }

    /// Signs out.
    pub async fn sign_out(&mut self) -> Result<Duration, Failure> {
        let answer = self.post_form("/api/sign_out", &[]).await?;
        self.forget_session();
        Ok(answer.took)
    }
}
