//! Who is at the other end of a request: the client address that sign-in
//! throttling counts by. It is the socket's peer, unless the server is
//! configured to sit behind a proxy (`CLIENT_ADDRESS_HEADER`), in which case
//! it is the last address in that header, the one the proxy itself saw
//! (earlier ones are whatever the client claimed). Decided here only.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderName};
use axum::middleware::Next;
use axum::response::Response;

use app::auth::server::ClientAddress;

/// The proxy header to trust for the client address, if any.
#[derive(Clone, Debug)]
pub struct TrustedHeader(pub Option<HeaderName>);

/// Puts the request's [`ClientAddress`] in its extensions (none when the
/// server was started without connection info and no header applies:
/// sign-in then refuses rather than count everyone as one client).
pub async fn find_client_address(State(trusted): State<TrustedHeader>, mut request: Request, next: Next) -> Response {
    let from_proxy = trusted.0.as_ref().and_then(|name| last_address(request.headers(), name));
    let from_socket = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
    if let Some(address) = from_proxy.or(from_socket) {
        request.extensions_mut().insert(ClientAddress(address));
    }
    next.run(request).await
}

/// The last address in header `name` (`X-Forwarded-For: client, proxy1`
/// gives `proxy1`'s view, which is the only one a proxy vouches for).
fn last_address(headers: &HeaderMap, name: &HeaderName) -> Option<IpAddr> {
    let value = headers.get_all(name).iter().last()?.to_str().ok()?;
    let last = value.rsplit(',').next()?.trim();
    last.parse::<IpAddr>()
        .ok()
        .or_else(|| last.parse::<SocketAddr>().ok().map(|address| address.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proxy_header_gives_its_last_address() {
        let name = HeaderName::from_static("x-forwarded-for");
        let mut headers = HeaderMap::new();
        headers.insert(&name, "203.0.113.9, 198.51.100.7".parse().unwrap());
        assert_eq!(last_address(&headers, &name), Some("198.51.100.7".parse().unwrap()));
        headers.insert(&name, "[2001:db8::1]:4711".parse().unwrap());
        assert_eq!(last_address(&headers, &name), Some("2001:db8::1".parse().unwrap()));
        headers.insert(&name, "not an address".parse().unwrap());
        assert_eq!(last_address(&headers, &name), None);
    }
}
