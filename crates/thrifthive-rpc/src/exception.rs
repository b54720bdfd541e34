//! TApplicationException: the error a server sends instead of a reply when the call itself
//! failed (unknown method, bad message, handler crash, a broken limit), encoded as Apache's
//! libraries do: a message of type EXCEPTION whose body is a struct of field 1, the message
//! (string), and field 2, the type code (i32).

use std::fmt;

use bytes::Bytes;
use thrifthive_wire::{
    BinaryWriter, CompactWriter, Limits, MessageType, ProtocolReader, ProtocolWriter, TType,
    WireError,
};

use crate::format::Protocol;
use crate::message::with_reader;

/// A TApplicationException type code. Codes 0 to 10 are Apache's; others are kept as sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExceptionKind(pub i32);

impl ExceptionKind {
    pub const UNKNOWN: ExceptionKind = ExceptionKind(0);
    pub const UNKNOWN_METHOD: ExceptionKind = ExceptionKind(1);
    pub const INVALID_MESSAGE_TYPE: ExceptionKind = ExceptionKind(2);
    pub const WRONG_METHOD_NAME: ExceptionKind = ExceptionKind(3);
    pub const BAD_SEQUENCE_ID: ExceptionKind = ExceptionKind(4);
    pub const MISSING_RESULT: ExceptionKind = ExceptionKind(5);
    pub const INTERNAL_ERROR: ExceptionKind = ExceptionKind(6);
    pub const PROTOCOL_ERROR: ExceptionKind = ExceptionKind(7);
    pub const INVALID_TRANSFORM: ExceptionKind = ExceptionKind(8);
    pub const INVALID_PROTOCOL: ExceptionKind = ExceptionKind(9);
    pub const UNSUPPORTED_CLIENT_TYPE: ExceptionKind = ExceptionKind(10);

    /// Apache's name for the code, or `None` for a code outside 0 to 10.
    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "UNKNOWN",
            1 => "UNKNOWN_METHOD",
            2 => "INVALID_MESSAGE_TYPE",
            3 => "WRONG_METHOD_NAME",
            4 => "BAD_SEQUENCE_ID",
            5 => "MISSING_RESULT",
            6 => "INTERNAL_ERROR",
            7 => "PROTOCOL_ERROR",
            8 => "INVALID_TRANSFORM",
            9 => "INVALID_PROTOCOL",
            10 => "UNSUPPORTED_CLIENT_TYPE",
            _ => return None,
        })
    }
}

impl fmt::Display for ExceptionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "type {}", self.0),
        }
    }
}

/// A TApplicationException's contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationException {
    pub kind: ExceptionKind,
    pub message: String,
}

const MESSAGE_FIELD: i16 = 1;
const TYPE_FIELD: i16 = 2;

impl ApplicationException {
    pub fn new(kind: ExceptionKind, message: impl Into<String>) -> ApplicationException {
        ApplicationException {
            kind,
            message: message.into(),
        }
    }

    /// The exception as a complete message answering call `name` number `seqid`.
    pub fn encode(&self, protocol: Protocol, name: &str, seqid: i32) -> Result<Bytes, WireError> {
        let mut out = Vec::with_capacity(32 + name.len() + self.message.len());
        match protocol {
            Protocol::Binary => self.write(&mut BinaryWriter::new(&mut out), name, seqid)?,
            Protocol::Compact => self.write(&mut CompactWriter::new(&mut out), name, seqid)?,
        }
        Ok(out.into())
    }

    fn write(&self, w: &mut impl ProtocolWriter, name: &str, seqid: i32) -> Result<(), WireError> {
        w.write_message_begin(name, MessageType::Exception, seqid)?;
        w.write_struct_begin();
        w.write_field_begin(TType::String, MESSAGE_FIELD)?;
        w.write_string(&self.message)?;
        w.write_field_end();
        w.write_field_begin(TType::I32, TYPE_FIELD)?;
        w.write_i32(self.kind.0);
        w.write_field_end();
        w.write_field_stop();
        w.write_struct_end();
        w.write_message_end();
        Ok(())
    }

    /// Reads the exception from `body`, the struct after an EXCEPTION message's header. Fields
    /// it does not know are skipped; missing ones stay empty and UNKNOWN, as in Apache's readers.
    pub fn decode(
        body: &[u8],
        protocol: Protocol,
        limits: Limits,
    ) -> Result<ApplicationException, WireError> {
        with_reader!(protocol, body, limits, |reader| read(&mut reader))
    }
}

fn read<'a>(reader: &mut impl ProtocolReader<'a>) -> Result<ApplicationException, WireError> {
    let mut exception = ApplicationException::new(ExceptionKind::UNKNOWN, "");
    reader.read_struct_begin()?;
    loop {
        let field = reader.read_field_begin()?;
        match (field.id, field.ttype) {
            (_, TType::Stop) => break,
            (MESSAGE_FIELD, TType::String) => {
                let bytes = reader.read_string_bytes()?;
                exception.message = String::from_utf8_lossy(&bytes).into_owned();
            }
            (TYPE_FIELD, TType::I32) => exception.kind = ExceptionKind(reader.read_i32()?),
            (_, ttype) => reader.skip(ttype)?,
        }
        reader.read_field_end()?;
    }
    reader.read_struct_end()?;
    Ok(exception)
}

impl fmt::Display for ApplicationException {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TApplicationException({}): {}", self.kind, self.message)
    }
}

impl std::error::Error for ApplicationException {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Message;

    #[test]
    fn round_trips_in_both_protocols() {
        for protocol in [Protocol::Binary, Protocol::Compact] {
            let sent = ApplicationException::new(ExceptionKind::UNKNOWN_METHOD, "no method frob");
            let bytes = sent.encode(protocol, "frob", 7).unwrap();
            let message = Message::parse(bytes, protocol, Limits::default()).unwrap();
            assert_eq!(message.header.name.as_str(), "frob");
            assert_eq!(message.header.seqid, 7);
            assert_eq!(message.header.message_type, MessageType::Exception);
            let body = &message.bytes[message.body_offset..];
            let got = ApplicationException::decode(body, protocol, Limits::default()).unwrap();
            assert_eq!(got, sent);
        }
    }

    #[test]
    fn binary_encoding_is_apaches() {
        let bytes = ApplicationException::new(ExceptionKind::INTERNAL_ERROR, "boom")
            .encode(Protocol::Binary, "f", 1)
            .unwrap();
        let expected: &[u8] = b"\x80\x01\x00\x03\x00\x00\x00\x01f\x00\x00\x00\x01\
            \x0b\x00\x01\x00\x00\x00\x04boom\x08\x00\x02\x00\x00\x00\x06\x00";
        assert_eq!(&bytes[..], expected);
    }

    #[test]
    fn names_unknown_codes() {
        assert_eq!(ExceptionKind::PROTOCOL_ERROR.to_string(), "PROTOCOL_ERROR");
        assert_eq!(ExceptionKind(42).to_string(), "type 42");
    }
}
