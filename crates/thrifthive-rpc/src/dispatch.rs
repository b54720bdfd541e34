//! The seam between the server engine and whatever answers calls.
//!
//! The engine reads each complete request off a connection and hands it to a [`Dispatch`]
//! on the IO thread that read it; it gets back a future of the reply and goes on reading and
//! writing. How the reply is produced is the dispatcher's business: the Python bridge queues
//! requests for long-lived Python threads that take the GIL once for several of them and
//! complete each through a [`reply_channel`]; a pure-Rust dispatcher can answer at once with
//! a ready future.

use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use bytes::Bytes;
use tokio::sync::oneshot;

use crate::exception::{ApplicationException, ExceptionKind};
use crate::format::WireFormat;
use crate::message::Message;

/// Numbers the server's connections, from 1, in the order they were accepted.
pub type ConnectionId = u64;

/// A call (or oneway call) read off a connection.
#[derive(Debug, Clone)]
pub struct Request {
    /// The whole message, header included; `message.header` is already parsed, and the
    /// arguments struct starts at `message.body_offset`.
    pub message: Message,
    /// What the connection speaks. The reply must be encoded in `format.protocol`; the engine
    /// adds the frame prefix when `format.transport` is framed.
    pub format: WireFormat,
    pub connection: ConnectionId,
}

/// What a dispatcher answers: the reply message (the whole message, unframed), `None` for a
/// oneway call, or an exception that the engine sends as a TApplicationException (to a oneway
/// call: none, it is only logged).
pub type DispatchResult = Result<Option<Bytes>, ApplicationException>;

/// Answers requests.
///
/// `dispatch` runs on a server IO thread: it must return at once (queue the work, spawn it, or
/// answer from memory) and never block, wait for a lock held across slow work, or take the GIL.
/// The engine awaits the returned future; replies on one connection go out in request order
/// whatever order their futures complete in. A future that is dropped (the connection closed,
/// or the shutdown grace period ran out) means nobody wants the reply any more.
pub trait Dispatch: Send + Sync + 'static {
    type Future: Future<Output = DispatchResult> + Send + 'static;

    fn dispatch(&self, request: Request) -> Self::Future;
}

/// A one-shot channel for a reply produced on another thread: the dispatcher keeps the sender
/// with the queued request and returns the receiver as its future.
pub fn reply_channel() -> (ReplySender, ReplyReceiver) {
    let (sender, receiver) = oneshot::channel();
    (ReplySender(sender), ReplyReceiver(receiver))
}

/// Completes one request; see [`reply_channel`].
#[derive(Debug)]
pub struct ReplySender(oneshot::Sender<DispatchResult>);

impl ReplySender {
    /// Delivers the result. Does nothing if the engine no longer waits for it.
    pub fn send(self, result: DispatchResult) {
        let _ = self.0.send(result);
    }

    /// Whether the engine stopped waiting (its connection is gone): the work can be skipped.
    pub fn is_closed(&self) -> bool {
        self.0.is_closed()
    }
}

/// The future of one request's reply; see [`reply_channel`]. If the sender is dropped unused,
/// the reply is an INTERNAL_ERROR exception, so a lost request never hangs its connection.
#[derive(Debug)]
pub struct ReplyReceiver(oneshot::Receiver<DispatchResult>);

impl Future for ReplyReceiver {
    type Output = DispatchResult;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<DispatchResult> {
        Poll::Ready(ready!(Pin::new(&mut self.0).poll(cx)).unwrap_or_else(|_| {
            Err(ApplicationException::new(
                ExceptionKind::INTERNAL_ERROR,
                "the server dropped the call without answering it",
            ))
        }))
    }
}
