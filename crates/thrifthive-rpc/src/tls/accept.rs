//! The server's side of a new connection on a TLS server: tell a TLS client from a plaintext
//! one, shake hands, and bridge the session to a socket the engine serves (see the module
//! header of [`crate::tls`]).

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{copy, split, AsyncWriteExt};
use tokio::net::UnixStream;
use tokio::time::timeout;
use tokio_rustls::TlsAcceptor;

use super::errors::server_side;
use crate::net::Stream;
use crate::server::LOG;

/// How long a client may take to start and finish its handshake.
pub(crate) const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Once the engine has closed its side, how long the client's last bytes are still taken.
const LINGER: Duration = Duration::from_secs(1);
/// The first byte of a TLS handshake record.
const HANDSHAKE_RECORD: u8 = 0x16;

/// What a new connection on a TLS server turned out to be.
pub(crate) enum Accepted {
    /// A TLS client, shaken hands with: the decrypted stream.
    Tls(Stream),
    /// A client that does not speak TLS: the engine tells it so, in its own terms.
    Plaintext(Stream),
    /// The handshake failed or timed out (logged); nothing more to do.
    Failed,
}

/// Shakes hands with the client of `stream` ("connection N from PEER" in `who`).
pub(crate) async fn accept(
    stream: Stream,
    who: &str,
    config: Arc<rustls::ServerConfig>,
) -> Accepted {
    if let Stream::Tcp(tcp) = &stream {
        let mut first = [0u8; 1];
        match timeout(HANDSHAKE_TIMEOUT, tcp.peek(&mut first)).await {
            Ok(Ok(1)) if first[0] == HANDSHAKE_RECORD => {}
            Ok(Ok(1)) => return Accepted::Plaintext(stream),
            Ok(_) => return Accepted::Failed,
            Err(_) => {
                log::info!(target: LOG, "{who}: sent nothing for {} s; closing", HANDSHAKE_TIMEOUT.as_secs());
                return Accepted::Failed;
            }
        }
    }
    let handshake = TlsAcceptor::from(config).accept(stream);
    let tls = match timeout(HANDSHAKE_TIMEOUT, handshake).await {
        Ok(Ok(tls)) => tls,
        Ok(Err(error)) => {
            log::warn!(target: LOG, "{who}: {}; closing", server_side(&error));
            return Accepted::Failed;
        }
        Err(_) => {
            log::warn!(target: LOG, "{who}: the TLS handshake took over {} s; closing", HANDSHAKE_TIMEOUT.as_secs());
            return Accepted::Failed;
        }
    };
    let (engine, bridge) = match UnixStream::pair() {
        Ok(pair) => pair,
        Err(error) => {
            log::error!(target: LOG, "{who}: cannot make a socket pair for the TLS session: {error}");
            return Accepted::Failed;
        }
    };
    tokio::spawn(async move {
        let (mut tls_read, mut tls_write) = split(tls);
        let (mut bridge_read, mut bridge_write) = bridge.into_split();
        let from_client = async {
            let _ = copy(&mut tls_read, &mut bridge_write).await;
            let _ = bridge_write.shutdown().await;
        };
        let to_client = async {
            let _ = copy(&mut bridge_read, &mut tls_write).await;
            // close_notify, then the end of the TCP stream.
            let _ = tls_write.shutdown().await;
        };
        tokio::pin!(from_client, to_client);
        tokio::select! {
            () = &mut to_client => {
                // The engine is done: an idle client must not keep the session alive.
                let _ = timeout(LINGER, from_client).await;
            }
            () = &mut from_client => to_client.await,
        }
    });
    Accepted::Tls(Stream::from(engine))
}
