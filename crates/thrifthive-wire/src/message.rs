//! Message envelopes: the header every RPC call, reply, exception and oneway call starts with.

use std::borrow::Cow;

use crate::error::WireError;

/// The kind of a message, with the codes of Apache's `TMessageType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum MessageType {
    Call = 1,
    Reply = 2,
    Exception = 3,
    Oneway = 4,
}

impl MessageType {
    pub const ALL: [MessageType; 4] = [
        MessageType::Call,
        MessageType::Reply,
        MessageType::Exception,
        MessageType::Oneway,
    ];

    /// The message type with code `code`; any other code is invalid data.
    #[inline]
    pub fn from_code(code: i64) -> Result<MessageType, WireError> {
        match code {
            1 => Ok(MessageType::Call),
            2 => Ok(MessageType::Reply),
            3 => Ok(MessageType::Exception),
            4 => Ok(MessageType::Oneway),
            _ => Err(WireError::invalid(format!("unknown message type {code}"))),
        }
    }

    #[inline]
    pub fn code(self) -> u8 {
        self as u8
    }
}

/// A decoded message header. The name borrows from the input unless the protocol had to
/// unescape it (JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageHeader<'a> {
    pub name: Cow<'a, str>,
    pub message_type: MessageType,
    pub seqid: i32,
}
