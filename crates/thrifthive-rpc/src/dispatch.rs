//! The seam between the server engine and whatever answers calls.
//!
//! The engine reads each complete request off a connection and hands it, with a [`Responder`],
//! to a [`Dispatch`] on the IO thread that read it, and goes on reading. How the reply is
//! produced is the dispatcher's business: the Python bridge queues requests for long-lived
//! Python threads that take the GIL once for several of them and answer each through its
//! responder; a pure-Rust dispatcher can answer at once.

use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use thrifthive_wire::MessageType;

use crate::exception::{ApplicationException, ExceptionKind};
use crate::format::WireFormat;
use crate::header::{Envelope, InfoHeaders};
use crate::http::HttpRequest;
use crate::message::{Message, MethodName};
use crate::outbound::{Outgoing, Wrapping};
use crate::server::replies::{Answer, Replies};
use crate::server::LOG;

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
    /// When the engine finished reading it: handling time counts from here.
    pub received: Instant,
    /// The THeader envelope the request came in (its info headers, say), for a THeader
    /// connection; the reply goes back in the same protocol and with the same transforms.
    pub envelope: Option<Box<Envelope>>,
    /// For an HTTP request: its headers and whether the connection is kept alive.
    pub http: Option<Box<HttpRequest>>,
}

impl Request {
    /// The request's metadata: its THeader info headers, or its HTTP headers (names
    /// lower-cased); `None` for framed and buffered requests, which have none.
    pub fn info_headers(&self) -> Option<&InfoHeaders> {
        match (&self.envelope, &self.http) {
            (Some(envelope), _) => Some(&envelope.info),
            (_, Some(http)) => Some(&http.headers),
            _ => None,
        }
    }
}

/// What a dispatcher answers: the reply message (the whole message, unframed), `None` for a
/// oneway call, or an exception that the engine sends as a TApplicationException (to a oneway
/// call: none, it is only logged).
pub type DispatchResult = Result<Option<Bytes>, ApplicationException>;

/// Answers requests.
///
/// `dispatch` runs on a server IO thread: it must return at once (queue the work, hand it to
/// another thread, or answer from memory) and never block, wait for a lock held across slow
/// work, or take the GIL, since every connection of that thread waits meanwhile (thrifthive-py
/// answers on it only when its user asks for exactly that, with `handler_threads=0`). The
/// request is answered through its [`Responder`], now or later, from any thread; replies on
/// one connection go out in request order whatever order they are answered in.
pub trait Dispatch: Send + Sync + 'static {
    fn dispatch(&self, request: Request, reply: Responder);
}

/// Answers one request, from any thread. The thread that sends the reply also writes it to the
/// socket when its turn has come and the socket takes it at once (see
/// `server::connection::replies`). Dropped without a `send`, it answers INTERNAL_ERROR, so a
/// lost request never hangs its connection.
pub struct Responder {
    /// None once answered.
    replies: Option<Arc<Replies>>,
    /// The request's place in its connection's order of replies.
    seq: u64,
    name: MethodName,
    seqid: i32,
    oneway: bool,
    format: WireFormat,
    /// What the reply goes back in.
    wrapping: Wrapping,
}

impl Responder {
    pub(crate) fn new(replies: Arc<Replies>, seq: u64, request: &Request) -> Responder {
        let header = &request.message.header;
        Responder {
            replies: Some(replies),
            seq,
            name: header.name.clone(),
            seqid: header.seqid,
            oneway: header.message_type == MessageType::Oneway,
            format: request.format,
            wrapping: match (&request.envelope, &request.http) {
                (Some(envelope), _) => Wrapping::Header(Box::new(envelope.reply())),
                (_, Some(http)) => Wrapping::Http {
                    keep_alive: http.keep_alive,
                },
                _ => Wrapping::Plain(request.format.transport),
            },
        }
    }

    /// Sends the reply (nothing for a oneway call).
    pub fn send(mut self, result: DispatchResult) {
        self.answer(result);
    }

    /// Whether the connection is gone: nobody wants the reply, and the work can be skipped.
    pub fn is_closed(&self) -> bool {
        self.replies
            .as_ref()
            .is_none_or(|replies| replies.is_closed())
    }

    fn answer(&mut self, result: DispatchResult) {
        if let Some(replies) = self.replies.take() {
            replies.finish(self.seq, self.outgoing(result));
        }
    }

    /// The bytes to send for `result`, framed as the connection speaks.
    fn outgoing(&self, result: DispatchResult) -> Answer {
        let name = &self.name;
        // Over HTTP every request gets a response: an empty one for a oneway call.
        let nothing = || match self.wrapping {
            Wrapping::Http { .. } => self.wrap(Bytes::new()),
            _ => Answer::Nothing,
        };
        let message = match (result, self.oneway) {
            (Ok(Some(reply)), false) => reply,
            (Ok(None), true) => return nothing(),
            (Ok(Some(_)), true) => {
                log::debug!(target: LOG, "dropping a reply to oneway call {name}");
                return nothing();
            }
            (Err(exception), true) => {
                log::info!(target: LOG, "oneway call {name} failed: {exception}");
                return nothing();
            }
            (result, false) => {
                let exception = result.err().unwrap_or_else(|| {
                    log::error!(target: LOG, "the dispatcher gave no reply to call {name}");
                    ApplicationException::new(
                        ExceptionKind::INTERNAL_ERROR,
                        "the server produced no reply",
                    )
                });
                match exception.encode(self.format.protocol, name.as_str(), self.seqid) {
                    Ok(message) => message,
                    Err(error) => {
                        log::error!(target: LOG, "cannot encode {exception}: {error}");
                        return Answer::Unsendable;
                    }
                }
            }
        };
        self.wrap(message)
    }

    /// `message` wrapped as the request was.
    fn wrap(&self, message: Bytes) -> Answer {
        match Outgoing::wrapped(&self.wrapping, message) {
            Ok(outgoing) => Answer::Reply(outgoing),
            Err(error) => {
                let name = &self.name;
                log::error!(target: LOG, "cannot send the reply to {name}: {error}");
                Answer::Unsendable
            }
        }
    }
}

impl Drop for Responder {
    fn drop(&mut self) {
        self.answer(Err(ApplicationException::new(
            ExceptionKind::INTERNAL_ERROR,
            "the server dropped the call without answering it",
        )));
    }
}

impl fmt::Debug for Responder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Responder")
            .field("name", &self.name)
            .field("seqid", &self.seqid)
            .field("answered", &self.replies.is_none())
            .finish()
    }
}
