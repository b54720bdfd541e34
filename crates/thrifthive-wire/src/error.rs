//! The one error type of every reader, writer and framing helper.
//!
//! Messages name the limit and the offending value, because they reach the peer and the log as
//! a `TProtocolException` and must say what to change.

use std::fmt;

/// What a length, size or count measures; names the subject of a length error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LengthOf {
    String,
    Binary,
    List,
    Set,
    Map,
    MessageName,
    Message,
    Frame,
}

impl LengthOf {
    fn noun(self) -> &'static str {
        match self {
            LengthOf::String => "string",
            LengthOf::Binary => "binary",
            LengthOf::List => "list",
            LengthOf::Set => "set",
            LengthOf::Map => "map",
            LengthOf::MessageName => "message name",
            LengthOf::Message => "message",
            LengthOf::Frame => "frame",
        }
    }

    fn unit(self) -> &'static str {
        match self {
            LengthOf::List | LengthOf::Set | LengthOf::Map => "elements",
            _ => "bytes",
        }
    }
}

/// Why encoding or decoding failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireError {
    /// The input ended in the middle of a value.
    UnexpectedEof { offset: usize },
    /// A length is above its configured limit.
    SizeLimit {
        what: LengthOf,
        len: u64,
        limit: u64,
    },
    /// A length is negative.
    NegativeSize { what: LengthOf, len: i64 },
    /// A length claims more data than the rest of the input can possibly hold; caught before
    /// anything is allocated for it.
    LengthBeyondInput {
        what: LengthOf,
        len: u64,
        needed: u64,
        remaining: usize,
    },
    /// Structs and containers are nested deeper than the limit.
    DepthLimit { limit: usize },
    /// A message header with an unsupported protocol id or version.
    BadVersion(String),
    /// A string that is not valid UTF-8, at this byte offset of the input.
    InvalidUtf8 { offset: usize },
    /// A type code that is no Thrift type.
    UnknownType(u8),
    /// Anything else malformed; the text says what and where.
    InvalidData(String),
}

impl WireError {
    #[cold]
    pub(crate) fn invalid(message: impl Into<String>) -> WireError {
        WireError::InvalidData(message.into())
    }

    #[cold]
    pub(crate) fn eof(offset: usize) -> WireError {
        WireError::UnexpectedEof { offset }
    }

    /// A writer was asked for a field of type stop, which ends a struct and holds no value.
    #[cold]
    pub(crate) fn stop_field() -> WireError {
        WireError::invalid("a field cannot have type stop; end a struct with write_field_stop")
    }

    /// The `TProtocolException.type` code Apache's libraries use for this kind of error:
    /// 1 invalid data, 2 negative size, 3 size limit, 4 bad version, 6 depth limit.
    pub fn protocol_exception_type(&self) -> i32 {
        match self {
            WireError::NegativeSize { .. } => 2,
            WireError::SizeLimit { .. } | WireError::LengthBeyondInput { .. } => 3,
            WireError::BadVersion(_) => 4,
            WireError::DepthLimit { .. } => 6,
            WireError::UnexpectedEof { .. }
            | WireError::InvalidUtf8 { .. }
            | WireError::UnknownType(_)
            | WireError::InvalidData(_) => 1,
        }
    }
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WireError::UnexpectedEof { offset } => {
                write!(f, "unexpected end of data at byte {offset}")
            }
            WireError::SizeLimit { what, len, limit } => write!(
                f,
                "{} length {len} exceeds the limit of {limit} {}",
                what.noun(),
                what.unit()
            ),
            WireError::NegativeSize { what, len } => {
                write!(f, "{} length {len} is negative", what.noun())
            }
            WireError::LengthBeyondInput {
                what,
                len,
                needed,
                remaining,
            } => write!(
                f,
                "{} length {len} needs at least {needed} bytes but only {remaining} remain",
                what.noun()
            ),
            WireError::DepthLimit { limit } => {
                write!(f, "nesting depth exceeds the limit of {limit}")
            }
            WireError::BadVersion(detail) => write!(f, "bad protocol version: {detail}"),
            WireError::InvalidUtf8 { offset } => {
                write!(f, "string at byte {offset} is not valid UTF-8")
            }
            WireError::UnknownType(code) => write!(f, "unknown type code {code}"),
            WireError::InvalidData(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for WireError {}
