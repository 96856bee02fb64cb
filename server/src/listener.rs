//! The socket the server listens on: each connection it accepts sends
//! without waiting (`TCP_NODELAY`).
//!
//! Why: a page's HTML streams out in pieces and a static file follows its
//! headers in a second write. With Nagle's algorithm on, that second write
//! waits until the client acknowledges the first, and clients delay their
//! acknowledgement (40 ms on Linux, up to 200 ms on Windows). Measured on
//! loopback: every request after the first on a kept-alive connection
//! (`/login`, `/pkg/contacts.js`, `/favicon.svg`) took 42–44 ms, against
//! under a millisecond on a fresh one.

use std::net::SocketAddr;

use axum::serve::{ListenerExt, TapIo};
use tokio::net::{TcpListener, TcpStream};

/// The listening socket [`crate::start`] serves on.
pub type Listening = TapIo<TcpListener, fn(&mut TcpStream)>;

/// Binds `address`; every connection accepted on it has `TCP_NODELAY` set.
pub async fn bind(address: SocketAddr) -> std::io::Result<Listening> {
    let listener = TcpListener::bind(address).await?;
    Ok(listener.tap_io(send_without_delay as fn(&mut TcpStream)))
}

fn send_without_delay(connection: &mut TcpStream) {
    // Without it the connection still works, only slower: not a reason to
    // refuse the client.
    if let Err(error) = connection.set_nodelay(true) {
        tracing::debug!("could not set TCP_NODELAY on a connection: {error}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::serve::Listener;

    #[tokio::test]
    async fn every_accepted_connection_sends_without_delay() {
        let mut listening = bind(SocketAddr::from(([127, 0, 0, 1], 0))).await.expect("a loopback port");
        let address = listening.local_addr().expect("its address");
        for _ in 0..2 {
            let client = TcpStream::connect(address).await.expect("a connection");
            let (accepted, peer) = listening.accept().await;
            assert_eq!(peer, client.local_addr().expect("the client's address"));
            assert!(accepted.nodelay().expect("its option"), "TCP_NODELAY is off on an accepted connection");
        }
    }
}
