//! Opening a connection: name resolution, each resolved address in turn, all within the
//! connect timeout.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::{lookup_host, TcpStream, UnixStream};

use crate::net::{Address, Stream};

use super::ClientError;

pub(super) async fn connect(address: &Address, timeout: Duration) -> Result<Stream, ClientError> {
    match tokio::time::timeout(timeout, attempt(address)).await {
        Ok(result) => result,
        Err(_) => Err(ClientError::ConnectTimeout {
            address: address.clone(),
            after: timeout,
        }),
    }
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
