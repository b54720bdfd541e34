//! A complete message as the RPC layer passes it around: its bytes (without any frame prefix)
//! and its parsed header, which borrows nothing, so requests and replies can cross threads.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use thrifthive_wire::{Limits, MessageHeader, MessageType, ProtocolReader, WireError};

use crate::format::Protocol;

/// Runs `$body` with `$reader` bound to a reader of `$protocol` over `$input`: the one place
/// that turns the runtime protocol choice into a monomorphized reader.
macro_rules! with_reader {
    ($protocol:expr, $input:expr, $limits:expr, |$reader:ident| $body:expr) => {
        match $protocol {
            $crate::format::Protocol::Binary => {
                let mut $reader = ::thrifthive_wire::BinaryReader::new($input, $limits)?;
                $body
            }
            $crate::format::Protocol::Compact => {
                let mut $reader = ::thrifthive_wire::CompactReader::new($input, $limits)?;
                $body
            }
        }
    };
}
pub(crate) use with_reader;

/// A method name: UTF-8 checked once when the header was read, shared with the message's bytes.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct MethodName(Bytes);

impl MethodName {
    pub fn as_str(&self) -> &str {
        // SAFETY: only ever built from a `&str`'s bytes (`Message::parse`, `From<&str>`).
        unsafe { std::str::from_utf8_unchecked(&self.0) }
    }
}

impl From<&str> for MethodName {
    fn from(name: &str) -> MethodName {
        MethodName(Bytes::copy_from_slice(name.as_bytes()))
    }
}

impl fmt::Debug for MethodName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for MethodName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A message header that owns its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub name: MethodName,
    pub message_type: MessageType,
    pub seqid: i32,
}

/// One complete message.
#[derive(Debug, Clone)]
pub struct Message {
    /// The whole message, header included, without a frame prefix.
    pub bytes: Bytes,
    pub header: Header,
    /// Where the body (the arguments or result struct) starts in `bytes`: a decoder can read
    /// the struct from there without reading the header again.
    pub body_offset: usize,
}

impl Message {
    /// Reads the header of the message in `bytes`. Only the header is checked: the body is the
    /// decoder's business.
    pub fn parse(bytes: Bytes, protocol: Protocol, limits: Limits) -> Result<Message, WireError> {
        let (header, body_offset) = read_header(&bytes, protocol, limits)?;
        let name = match header.name {
            // Binary and compact readers borrow the name from `bytes`: share it, don't copy.
            Cow::Borrowed(name) => bytes.slice_ref(name.as_bytes()),
            Cow::Owned(name) => Bytes::from(name),
        };
        Ok(Message {
            header: Header {
                name: MethodName(name),
                message_type: header.message_type,
                seqid: header.seqid,
            },
            bytes,
            body_offset,
        })
    }
}

/// The header of the message at the start of `input`, which may hold only part of the message
/// (or more than it): for error replies to messages that are not kept.
pub(crate) fn peek_header(
    input: &[u8],
    protocol: Protocol,
    limits: Limits,
) -> Result<Header, WireError> {
    let input = &input[..input.len().min(limits.max_message_size)];
    let (header, _) = read_header(input, protocol, limits)?;
    Ok(Header {
        name: MethodName::from(&*header.name),
        message_type: header.message_type,
        seqid: header.seqid,
    })
}

/// The header and the offset of the body.
fn read_header(
    input: &[u8],
    protocol: Protocol,
    limits: Limits,
) -> Result<(MessageHeader<'_>, usize), WireError> {
    with_reader!(protocol, input, limits, |reader| {
        let header = reader.read_message_begin()?;
        Ok((header, reader.position()))
    })
}
