//! Opening a connection: name resolution, each resolved address in turn, the TLS handshake if
//! asked for, all within the connect timeout.

use std::io;
use std::net::SocketAddr;

use std::sync::Arc;

use rustls_pki_types::ServerName;
use tokio::net::{lookup_host, TcpStream, UnixStream};
use tokio_rustls::TlsConnector;

use crate::net::{Address, Stream};
use crate::tls::errors::client_side;

use super::{ClientError, ClientOptions};

/// Connects to `address`, then shakes hands if `options` ask for TLS, all within the connect
/// timeout.
pub(super) async fn connect(
    address: &Address,
    options: &ClientOptions,
) -> Result<Stream, ClientError> {
    let timeout = options.connect_timeout;
    let connecting = async {
        let stream = attempt(address).await?;
        match &options.tls {
            Some(tls) => handshake(stream, address, tls, options.tls_server_name.as_deref()).await,
            None => Ok(stream),
        }
    };
    match tokio::time::timeout(timeout, connecting).await {
        Ok(result) => result,
        Err(_) => Err(ClientError::ConnectTimeout {
            address: address.clone(),
            after: timeout,
        }),
    }
}

/// A TLS session over `stream`, the server's certificate checked for `server_name` (the
/// address's host by default).
async fn handshake(
    stream: Stream,
    address: &Address,
    config: &Arc<rustls::ClientConfig>,
    server_name: Option<&str>,
) -> Result<Stream, ClientError> {
    let tls_error = |reason: String| ClientError::Tls {
        address: address.to_string(),
        reason,
    };
    let (Stream::Tcp(tcp), Address::Tcp { host, .. }) = (stream, address) else {
        return Err(tls_error("TLS is spoken over TCP only".into()));
    };
    let name = server_name.unwrap_or(host);
    let name = ServerName::try_from(name.to_owned())
        .map_err(|error| tls_error(format!("{name:?} cannot be a TLS server name: {error}")))?;
    TlsConnector::from(Arc::clone(config))
        .connect(name, tcp)
        .await
        .map(|tls| Stream::Tls(Box::new(tls)))
        .map_err(|error| tls_error(client_side(&error, server_name.unwrap_or(host))))
}

async fn attempt(address: &Address) -> Result<Stream, ClientError> {
    let (host, port) = match address {
        Address::Unix(path) => {
            return UnixStream::connect(path)
                .await
                .map(Stream::from)
                .map_err(|source| failed(address.to_string(), source))
        }
        Address::Tcp { host, port } => (host, *port),
    };
    let resolved =
        lookup_host((host.as_str(), port))
            .await
            .map_err(|source| ClientError::Resolve {
                address: address.clone(),
                source,
            })?;
    let mut error = ClientError::Resolve {
        address: address.clone(),
        source: io::Error::new(io::ErrorKind::NotFound, "the host has no address"),
    };
    for addr in resolved {
        match TcpStream::connect(addr).await {
            Ok(stream) => return Ok(stream.into()),
            Err(source) => error = failed(describe(address, host, addr), source),
        }
    }
    Err(error)
}

/// The address as given, and what it resolved to if that differs: `localhost:9090
/// (127.0.0.1:9090)`.
fn describe(address: &Address, host: &str, addr: SocketAddr) -> String {
    if host.parse::<std::net::IpAddr>().is_ok() {
        address.to_string()
    } else {
        format!("{address} ({addr})")
    }
}

fn failed(address: String, source: io::Error) -> ClientError {
    match source.kind() {
        io::ErrorKind::ConnectionRefused => ClientError::Refused { address },
        _ => ClientError::Connect { address, source },
    }
}
