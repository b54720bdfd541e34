//! Cutting complete messages off the front of a receive buffer, framed, buffered or in THeader
//! frames: the one message boundary finder that the server and the client share.

use bytes::{Buf, BytesMut};
use thrifthive_wire::framing::{frame_len, FRAME_HEADER_LEN};
use thrifthive_wire::{Limits, WireError};

use crate::exception::ExceptionKind;
use crate::format::{Transport, WireFormat};
use crate::header::{self, Envelope};
use crate::message::{peek_header, Header, Message};
use crate::scan::{Scan, Scanner};

/// Messages above this size get a receive buffer of their own; see [`Inbound::next`].
const BIG_MESSAGE: usize = 64 * 1024;

/// What [`Inbound::next`] found.
#[derive(Debug)]
pub(crate) enum Next {
    /// A message, with its THeader envelope if it came in one.
    Message(Message, Option<Box<Envelope>>),
    /// No complete message yet: the buffer must hold at least this many bytes first.
    NeedAtLeast(usize),
}

/// Reads the messages of one stream in order.
#[derive(Debug)]
pub(crate) struct Inbound {
    format: WireFormat,
    limits: Limits,
    max_frame_size: usize,
    scanner: Scanner,
}

impl Inbound {
    pub(crate) fn new(format: WireFormat, limits: Limits, max_frame_size: usize) -> Inbound {
        Inbound {
            format,
            limits,
            max_frame_size,
            scanner: Scanner::default(),
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
            header: first_header(self.format, self.limits, buf),
            envelope: None,
            kind: ExceptionKind::PROTOCOL_ERROR,
        };
        let (prefix, len) = match self.format.transport {
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
            .map(|message| Next::Message(message, None))
            // The header itself is what could not be read.
            .map_err(|error| Unreadable {
                error,
                header: None,
                envelope: None,
                kind: ExceptionKind::PROTOCOL_ERROR,
            })
    }

    /// The message in a THeader frame, in the protocol the frame names.
    fn unwrap_header(&self, frame: bytes::Bytes) -> Result<Next, Unreadable> {
        let (envelope, payload) =
            header::decode(frame, self.limits.max_message_size).map_err(|error| Unreadable {
                error: WireError::InvalidData(error.reason),
                header: None,
                envelope: Some(Box::new(error.reply)),
                kind: error.kind,
            })?;
        match Message::parse(payload, envelope.protocol, self.limits) {
            Ok(message) => Ok(Next::Message(message, Some(Box::new(envelope)))),
            Err(error) => Err(Unreadable {
                error,
                header: None,
                envelope: Some(Box::new(envelope.reply())),
                kind: ExceptionKind::PROTOCOL_ERROR,
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

/// A message that cannot be read, with its header if that much could be: what an error reply
/// needs.
#[derive(Debug)]
pub(crate) struct Unreadable {
    pub(crate) error: WireError,
    pub(crate) header: Option<Header>,
    /// For a THeader frame: the envelope an error reply goes in, as far as it could be read.
    pub(crate) envelope: Option<Box<Envelope>>,
    /// The TApplicationException type of the error reply.
    pub(crate) kind: ExceptionKind,
}

/// The header of the (maybe partial) message at the front of `buf`, in `format`, if enough of
/// it is there (never for THeader, whose message may be transformed).
pub(crate) fn first_header(format: WireFormat, limits: Limits, buf: &[u8]) -> Option<Header> {
    let start = match format.transport {
        Transport::Framed => FRAME_HEADER_LEN,
        Transport::Buffered => 0,
        Transport::Header => return None,
    };
    peek_header(buf.get(start..)?, format.protocol, limits).ok()
}
