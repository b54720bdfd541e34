//! A message as it goes on the wire: framed ones behind their length prefix, both parts in one
//! vectored write so that a reply leaves in one segment (no Nagle stall, no copy).

use bytes::buf::Chain;
use bytes::{Buf, Bytes};
use thrifthive_wire::{LengthOf, WireError};

use crate::format::Transport;
use crate::header::{self, Envelope};
use crate::http;

/// A message with its frame prefix, if any.
#[derive(Debug)]
pub(crate) struct Outbound<'a> {
    prefix: [u8; 4],
    framed: bool,
    message: &'a [u8],
}

impl<'a> Outbound<'a> {
    /// Fails for a framed message whose length does not fit the prefix's i32.
    pub(crate) fn new(transport: Transport, message: &'a [u8]) -> Result<Outbound<'a>, WireError> {
        let framed = transport == Transport::Framed;
        let len = match i32::try_from(message.len()) {
            Ok(len) => len,
            Err(_) if framed => {
                return Err(WireError::SizeLimit {
                    what: LengthOf::Frame,
                    len: message.len() as u64,
                    limit: i32::MAX as u64,
                })
            }
            Err(_) => 0,
        };
        Ok(Outbound {
            prefix: len.to_be_bytes(),
            framed,
            message,
        })
    }

    /// The bytes to write, as one buffer of (at most) two chunks.
    pub(crate) fn buf(&self) -> Chain<&[u8], &'a [u8]> {
        let prefix: &[u8] = if self.framed { &self.prefix } else { &[] };
        prefix.chain(self.message)
    }
}

/// A message to send later, with its frame prefix, owned; remembers how much of it went out.
#[derive(Debug)]
pub(crate) struct Outgoing {
    prefix: [u8; 4],
    prefix_len: usize,
    message: Bytes,
    sent: usize,
}

impl Outgoing {
    /// Fails for a framed message whose length does not fit the prefix's i32.
    pub(crate) fn new(transport: Transport, message: Bytes) -> Result<Outgoing, WireError> {
        let outbound = Outbound::new(transport, &message)?;
        let (prefix, prefix_len) = (outbound.prefix, if outbound.framed { 4 } else { 0 });
        Ok(Outgoing {
            prefix,
            prefix_len,
            message,
            sent: 0,
        })
    }

    /// `message` as `wrapping` says; a THeader frame or an HTTP response is built whole (its
    /// head is of variable length, and a transform rewrites the message anyway).
    pub(crate) fn wrapped(wrapping: &Wrapping, message: Bytes) -> Result<Outgoing, WireError> {
        match wrapping {
            Wrapping::Plain(transport) => Outgoing::new(*transport, message),
            Wrapping::Header(envelope) => header::encode(envelope, &message).map(Outgoing::raw),
            Wrapping::Http { keep_alive } => {
                Ok(Outgoing::raw(http::server::ok(&message, *keep_alive)))
            }
        }
    }

    /// Bytes to send as they are (a farewell, already framed as the connection speaks).
    pub(crate) fn raw(bytes: Bytes) -> Outgoing {
        Outgoing {
            prefix: [0; 4],
            prefix_len: 0,
            message: bytes,
            sent: 0,
        }
    }

    /// What is left to send, as (at most) two slices.
    pub(crate) fn unsent(&self) -> [&[u8]; 2] {
        let prefix = &self.prefix[self.sent.min(self.prefix_len)..self.prefix_len];
        let message = &self.message[self.sent.saturating_sub(self.prefix_len)..];
        [prefix, message]
    }

    /// Records that `n` more bytes went out; returns whether all of it has.
    pub(crate) fn advance(&mut self, n: usize) -> bool {
        self.sent += n;
        self.sent >= self.prefix_len + self.message.len()
    }
}

/// What a reply goes back in: what its request came in.
#[derive(Debug, Clone)]
pub(crate) enum Wrapping {
    /// Framed (behind its length) or buffered (as it is).
    Plain(Transport),
    /// A THeader frame with this envelope.
    Header(Box<Envelope>),
    /// The body of a 200 response.
    Http { keep_alive: bool },
}
