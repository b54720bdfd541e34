//! A connected socket split in two halves: the server reads a connection on its task while its
//! replies are written from whichever thread finishes them (server::replies).

use std::io::{self, IoSlice};
use std::os::fd::AsRawFd;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, ReadBuf};
use tokio::net::{tcp, unix};

use super::Stream;

/// The reading half of a [`Stream`].
#[derive(Debug)]
pub(crate) enum ReadHalf {
    Tcp(tcp::OwnedReadHalf),
    Unix(unix::OwnedReadHalf),
}

/// The writing half of a [`Stream`], used through shared references from any thread.
#[derive(Debug)]
pub(crate) enum WriteHalf {
    Tcp(tcp::OwnedWriteHalf),
    Unix(unix::OwnedWriteHalf),
}

impl Stream {
    pub(crate) fn split(self) -> (ReadHalf, WriteHalf) {
        match self {
            Stream::Tcp(s) => {
                let (read, write) = s.into_split();
                (ReadHalf::Tcp(read), WriteHalf::Tcp(write))
            }
            Stream::Unix(s) => {
                let (read, write) = s.into_split();
                (ReadHalf::Unix(read), WriteHalf::Unix(write))
            }
            // Only a client makes TLS streams, and a client never splits its stream.
            Stream::Tls(_) => unreachable!("a server's TLS sessions are bridged (crate::tls)"),
        }
    }
}

impl AsyncRead for ReadHalf {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            ReadHalf::Tcp(s) => Pin::new(s).poll_read(cx, buf),
            ReadHalf::Unix(s) => Pin::new(s).poll_read(cx, buf),
        }
    }
}

impl WriteHalf {
    /// Writes what the socket takes now, without waiting; `WouldBlock` when it takes nothing.
    pub(crate) fn try_write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        match self {
            WriteHalf::Tcp(s) => s.try_write_vectored(bufs),
            WriteHalf::Unix(s) => s.try_write_vectored(bufs),
        }
    }

    /// Waits until the socket may take more bytes.
    pub(crate) async fn writable(&self) -> io::Result<()> {
        match self {
            WriteHalf::Tcp(s) => s.writable().await,
            WriteHalf::Unix(s) => s.writable().await,
        }
    }

    /// Ends the sending direction: the peer reads end of stream after what was sent.
    pub(crate) fn shutdown_write(&self) -> io::Result<()> {
        let fd = match self {
            WriteHalf::Tcp(s) => s.as_ref().as_raw_fd(),
            WriteHalf::Unix(s) => s.as_ref().as_raw_fd(),
        };
        // SAFETY: the descriptor belongs to a socket this half keeps open for the call.
        if unsafe { libc::shutdown(fd, libc::SHUT_WR) } == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    }
}
