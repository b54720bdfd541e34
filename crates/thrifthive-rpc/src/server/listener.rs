//! Listening sockets: bound synchronously (so a caller knows the port before serving), then
//! handed to tokio to accept connections.

use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::os::unix::net::UnixStream as StdUnixStream;
use std::path::{Path, PathBuf};

use socket2::{Domain, SockAddr, Socket, Type};
use tokio::net::{TcpListener, UnixListener};

use crate::net::{Address, Stream};

use super::config::ServerConfig;

/// A bound, listening socket not yet registered with a runtime.
#[derive(Debug)]
pub(super) enum Bound {
    Tcp(std::net::TcpListener),
    Unix(std::os::unix::net::UnixListener, PathBuf),
}

/// Binds and listens on `address`; returns the socket and the address it got (the port when 0
/// was asked for).
pub(super) fn bind(address: &Address, config: &ServerConfig) -> io::Result<(Bound, Address)> {
    let context = |error: io::Error| {
        io::Error::new(error.kind(), format!("cannot listen on {address}: {error}"))
    };
    match address {
        Address::Tcp { host, port } => {
            let addr = (host.as_str(), *port)
                .to_socket_addrs()
                .map_err(context)?
                .next()
                .ok_or_else(|| {
                    context(io::Error::new(
                        io::ErrorKind::NotFound,
                        "the host has no address",
                    ))
                })?;
            let listener = bind_tcp(addr, config).map_err(context)?;
            let local = listener.local_addr()?;
            Ok((
                Bound::Tcp(listener),
                Address::tcp(local.ip().to_string(), local.port()),
            ))
        }
        Address::Unix(path) => {
            let listener = bind_unix(path, config.backlog).map_err(context)?;
            Ok((Bound::Unix(listener, path.clone()), address.clone()))
        }
    }
}

fn bind_tcp(addr: SocketAddr, config: &ServerConfig) -> io::Result<std::net::TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    // A restarted server must not fail on its predecessor's connections in TIME_WAIT.
    socket.set_reuse_address(true)?;
    if config.reuse_port {
        socket.set_reuse_port(true)?;
    }
    socket.bind(&addr.into())?;
    socket.listen(backlog(config.backlog))?;
    socket.set_nonblocking(true)?;
    Ok(socket.into())
}

fn bind_unix(path: &Path, backlog_len: u32) -> io::Result<std::os::unix::net::UnixListener> {
    remove_stale_socket(path)?;
    let socket = Socket::new(Domain::UNIX, Type::STREAM, None)?;
    socket.bind(&SockAddr::unix(path)?)?;
    socket.listen(backlog(backlog_len))?;
    socket.set_nonblocking(true)?;
    Ok(socket.into())
}

/// A socket file left by a server that died is in the way of binding; one that a live server
/// listens on is not ours to remove.
fn remove_stale_socket(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::FileTypeExt;
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_socket() => match StdUnixStream::connect(path) {
            Ok(_) => Err(io::Error::new(
                io::ErrorKind::AddrInUse,
                "another server is listening on this socket",
            )),
            Err(_) => std::fs::remove_file(path),
        },
        // Anything else (nothing, or a regular file) makes bind succeed or say why not.
        _ => Ok(()),
    }
}

fn backlog(len: u32) -> i32 {
    i32::try_from(len).unwrap_or(i32::MAX)
}

/// A listener registered with the runtime.
#[derive(Debug)]
pub(super) enum Listener {
    Tcp(TcpListener),
    Unix(UnixListener, PathBuf),
}

impl Listener {
    /// Must run inside a tokio runtime.
    pub(super) fn register(bound: Bound) -> io::Result<Listener> {
        Ok(match bound {
            Bound::Tcp(listener) => Listener::Tcp(TcpListener::from_std(listener)?),
            Bound::Unix(listener, path) => Listener::Unix(UnixListener::from_std(listener)?, path),
        })
    }

    /// The next connection and a description of its peer for the log.
    pub(super) async fn accept(&self) -> io::Result<(Stream, String)> {
        match self {
            Listener::Tcp(listener) => {
                let (stream, peer) = listener.accept().await?;
                Ok((stream.into(), peer.to_string()))
            }
            // UNIX peers are normally unnamed: name the socket instead.
            Listener::Unix(listener, path) => {
                let (stream, _) = listener.accept().await?;
                Ok((stream.into(), format!("unix:{}", path.display())))
            }
        }
    }

    /// Removes a UNIX socket's file once nothing listens on it any more.
    pub(super) fn close(self) {
        if let Listener::Unix(listener, path) = self {
            drop(listener);
            let _ = std::fs::remove_file(path);
        }
    }
}
