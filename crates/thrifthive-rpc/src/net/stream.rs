//! A connected socket, TCP, UNIX or (for a client) TLS over TCP, as one type.

use std::io::{self, IoSlice};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpStream, UnixStream};

/// A connected stream socket.
#[derive(Debug)]
pub enum Stream {
    Tcp(TcpStream),
    Unix(UnixStream),
    /// A client's TLS session (a server's are bridged to a UNIX socket: see [`crate::tls`]).
    Tls(Box<tokio_rustls::client::TlsStream<TcpStream>>),
}

impl Stream {
    /// Whether the peer has closed the connection, or sent bytes nobody asked for, while it sat
    /// idle. Checked without blocking before an idle connection is reused: a request written to a
    /// socket the server already closed (an idle timeout on its side) fails in a way the caller
    /// cannot tell from a call that failed on the server. A raw `MSG_PEEK` rather than tokio's
    /// `try_read`, which reports "would block" until the reactor has polled the socket again.
    /// Under TLS the bytes peeked are a record: between calls, the server's close_notify.
    pub fn is_stale(&self) -> bool {
        let mut byte = 0u8;
        // SAFETY: the descriptor belongs to a socket `self` owns and keeps open for the call;
        // the buffer is one valid, writable byte; MSG_PEEK leaves the data in the socket.
        let read = unsafe {
            libc::recv(
                self.raw_fd(),
                (&mut byte as *mut u8).cast(),
                1,
                libc::MSG_PEEK | libc::MSG_DONTWAIT,
            )
        };
        read >= 0 || io::Error::last_os_error().kind() != io::ErrorKind::WouldBlock
    }

    /// The socket itself, taken off tokio's reactor and left non-blocking: for an event loop
    /// that does its own IO on it. Not a TLS session's, whose state is tokio's.
    pub fn into_owned_fd(self) -> io::Result<OwnedFd> {
        Ok(match self {
            Stream::Tcp(s) => s.into_std()?.into(),
            Stream::Unix(s) => s.into_std()?.into(),
            Stream::Tls(_) => {
                return Err(io::Error::new(
                    io::ErrorKind::Unsupported,
                    "a TLS session cannot be handed to another event loop",
                ))
            }
        })
    }

    fn raw_fd(&self) -> RawFd {
        match self {
            Stream::Tcp(s) => s.as_raw_fd(),
            Stream::Unix(s) => s.as_raw_fd(),
            Stream::Tls(s) => s.get_ref().0.as_raw_fd(),
        }
    }
}

impl From<TcpStream> for Stream {
    /// Disables Nagle's algorithm: every write here is a whole message, and delaying it only
    /// adds latency.
    fn from(stream: TcpStream) -> Stream {
        // Fails only on a socket that is no longer connected, which the next read reports.
        let _ = stream.set_nodelay(true);
        Stream::Tcp(stream)
    }
}

impl From<UnixStream> for Stream {
    fn from(stream: UnixStream) -> Stream {
        Stream::Unix(stream)
    }
}

macro_rules! delegate {
    ($self:ident, $stream:ident => $call:expr) => {
        match $self.get_mut() {
            Stream::Tcp($stream) => $call,
            Stream::Unix($stream) => $call,
            Stream::Tls($stream) => $call,
        }
    };
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        delegate!(self, s => Pin::new(s).poll_read(cx, buf))
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        delegate!(self, s => Pin::new(s).poll_write(cx, buf))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        delegate!(self, s => Pin::new(s).poll_write_vectored(cx, bufs))
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Stream::Tcp(s) => s.is_write_vectored(),
            Stream::Unix(s) => s.is_write_vectored(),
            Stream::Tls(s) => s.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        delegate!(self, s => Pin::new(s).poll_flush(cx))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        delegate!(self, s => Pin::new(s).poll_shutdown(cx))
    }
}
