//! Cutting complete messages off the front of a receive buffer, framed, buffered, in THeader
//! frames or (on a server) in HTTP requests: the one message boundary finder that the server and
//! the client share.

use std::sync::Arc;

use bytes::{Buf, BytesMut};
use thrifthive_wire::framing::{frame_len, FRAME_HEADER_LEN};
use thrifthive_wire::{Limits, WireError};

use crate::detect::{detect, Detected};
use crate::exception::ExceptionKind;
use crate::format::{Protocol, Transport, WireFormat};
use crate::header::{self, Envelope};
use crate::http::server::{take_request, HttpError, Taken};
use crate::http::HttpRequest;
use crate::message::{peek_header, Header, Message};
use crate::scan::{Scan, Scanner};

/// Messages above this size get a receive buffer of their own; see [`Inbound::next`].
const BIG_MESSAGE: usize = 64 * 1024;

/// What [`Inbound::next`] found.
#[derive(Debug)]
pub(crate) enum Next {
    /// A message, with what carried it.
    Message(Message, Carried),
    /// No complete message yet: the buffer must hold at least this many bytes first.
    NeedAtLeast(usize),
}

/// What a message came in, besides its stream: what its reply must go back in.
#[derive(Debug)]
pub(crate) enum Carried {
    /// A frame or nothing (framed, buffered).
    Plain,
    Header(Box<Envelope>),
    /// An HTTP request, whose body is in this protocol.
    Http(Box<HttpRequest>, Protocol),
}

/// Reads the messages of one stream in order.
#[derive(Debug)]
pub(crate) struct Inbound {
    format: WireFormat,
    limits: Limits,
    max_frame_size: usize,
    scanner: Scanner,
    /// For a server's HTTP connection: the path calls are posted to.
    http_path: Option<Arc<str>>,
}

impl Inbound {
    pub(crate) fn new(format: WireFormat, limits: Limits, max_frame_size: usize) -> Inbound {
        Inbound {
            format,
            limits,
            max_frame_size,
            scanner: Scanner::default(),
            http_path: None,
        }
    }

    /// Reads the requests of a server's HTTP connection: POSTs to `path`, whose bodies (at most
    /// `max_frame_size` bytes) are messages in either protocol.
    pub(crate) fn http(path: Arc<str>, limits: Limits, max_frame_size: usize) -> Inbound {
        Inbound {
            http_path: Some(path),
            ..Inbound::new(
                WireFormat::new(Transport::Http, Protocol::Binary),
                limits,
                max_frame_size,
            )
        }
    }

    pub(crate) fn format(&self) -> WireFormat {
        self.format
    }

    pub(crate) fn limits(&self) -> Limits {
        self.limits
    }

    /// Takes the first message off `buf` if it is complete. An error (a bad frame length, a
    /// malformed or oversized message) ends the stream: its boundaries can no longer be trusted.
    pub(crate) fn next(&mut self, buf: &mut BytesMut) -> Result<Next, Unreadable> {
        let unreadable = |error| Unreadable {
            error,
            answer: first_header(self.format, self.limits, buf)
                .map_or(ErrorAnswer::Nothing, ErrorAnswer::Call),
        };
        let (prefix, len) = match self.format.transport {
            Transport::Http => return self.take_http(buf),
            Transport::Framed | Transport::Header => {
                let Some(header) = buf.first_chunk::<FRAME_HEADER_LEN>() else {
                    return Ok(Next::NeedAtLeast(FRAME_HEADER_LEN));
                };
                let len = frame_len(*header, self.max_frame_size).map_err(unreadable)?;
                (FRAME_HEADER_LEN, len)
            }
            Transport::Buffered => {
                match self.scanner.scan(buf, self.format.protocol, self.limits) {
                    Ok(Scan::Complete(len)) => (0, len),
                    Ok(Scan::NeedAtLeast(need)) => return Ok(Next::NeedAtLeast(need)),
                    Err(error) => return Err(unreadable(error)),
                }
            }
        };
        if buf.len() < prefix + len {
            return Ok(Next::NeedAtLeast(prefix + len));
        }
        let mut bytes = buf.split_to(prefix + len);
        bytes.advance(prefix);
        if buf.is_empty() && len > BIG_MESSAGE {
            // The rest of the buffer shares the big message's allocation and would keep it alive
            // for the connection's life: start afresh instead.
            *buf = BytesMut::new();
        }
        if self.format.transport == Transport::Header {
            return self.unwrap_header(bytes.freeze());
        }
        Message::parse(bytes.freeze(), self.format.protocol, self.limits)
            .map(|message| Next::Message(message, Carried::Plain))
            // The header itself is what could not be read.
            .map_err(|error| Unreadable {
                error,
                answer: ErrorAnswer::Nothing,
            })
    }

    /// The message in the HTTP request at the front of `buf`, in the protocol its first bytes
    /// say.
    fn take_http(&self, buf: &mut BytesMut) -> Result<Next, Unreadable> {
        let path = self.http_path.as_deref().unwrap_or("/");
        let refused = |error: HttpError| Unreadable {
            error: WireError::InvalidData(format!("HTTP {}: {}", error.status, error.reason)),
            answer: ErrorAnswer::Http(error),
        };
        let (body, request) = match take_request(buf, path, self.max_frame_size).map_err(refused)? {
            Taken::Request(body, request) => (body, request),
            Taken::NeedAtLeast(need) => return Ok(Next::NeedAtLeast(need)),
        };
        let bad_body = |reason: String| {
            refused(HttpError {
                status: 400,
                reason,
            })
        };
        let protocol = match detect(&body) {
            Some(Detected::Thrift(format)) if format.transport == Transport::Buffered => {
                format.protocol
            }
            _ => {
                return Err(bad_body(
                    "the body is not a Thrift message (binary or compact, unframed)".into(),
                ))
            }
        };
        let message = Message::parse(body, protocol, self.limits)
            .map_err(|error| bad_body(format!("cannot read the Thrift message: {error}")))?;
        Ok(Next::Message(
            message,
            Carried::Http(Box::new(request), protocol),
        ))
    }

    /// The message in a THeader frame, in the protocol the frame names.
    fn unwrap_header(&self, frame: bytes::Bytes) -> Result<Next, Unreadable> {
        let (envelope, payload) =
            header::decode(frame, self.limits.max_message_size).map_err(|error| Unreadable {
                error: WireError::InvalidData(error.reason),
                answer: ErrorAnswer::Header(Box::new(error.reply), error.kind),
            })?;
        match Message::parse(payload, envelope.protocol, self.limits) {
            Ok(message) => Ok(Next::Message(message, Carried::Header(Box::new(envelope)))),
            Err(error) => Err(Unreadable {
                error,
                answer: ErrorAnswer::Header(
                    Box::new(envelope.reply()),
                    ExceptionKind::PROTOCOL_ERROR,
                ),
            }),
        }
    }
}

/// How much room to give a read into a receive buffer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReadRoom {
    /// The least free space offered to a read.
    pub(crate) chunk: usize,
    /// The most space reserved ahead for an announced message: a bigger one grows the buffer as
    /// its bytes arrive, so a lying length prefix costs no memory.
    pub(crate) max_ahead: usize,
}

impl ReadRoom {
    /// Makes room in `buf` for a read, aiming at `need` bytes in all.
    pub(crate) fn prepare(self, buf: &mut BytesMut, need: usize) {
        let want = need.saturating_sub(buf.len());
        buf.reserve(want.clamp(self.chunk, self.max_ahead));
    }
}

/// A message that cannot be read, and how the error can be answered.
#[derive(Debug)]
pub(crate) struct Unreadable {
    pub(crate) error: WireError,
    pub(crate) answer: ErrorAnswer,
}

/// How the peer can be told that its message cannot be read.
#[derive(Debug)]
pub(crate) enum ErrorAnswer {
    /// It cannot: not even the message's header could be read.
    Nothing,
    /// With a PROTOCOL_ERROR answering the call with this header.
    Call(Header),
    /// With an exception of this kind (no method name) in a THeader frame: the frame's
    /// envelope as far as it could be read.
    Header(Box<Envelope>, ExceptionKind),
    /// With an HTTP error response.
    Http(HttpError),
}

/// The header of the (maybe partial) message at the front of `buf`, in `format`, if enough of
/// it is there (never for THeader, whose message may be transformed).
pub(crate) fn first_header(format: WireFormat, limits: Limits, buf: &[u8]) -> Option<Header> {
    let start = match format.transport {
        Transport::Framed => FRAME_HEADER_LEN,
        Transport::Buffered => 0,
        Transport::Header | Transport::Http => return None,
    };
    peek_header(buf.get(start..)?, format.protocol, limits).ok()
}
