//! The protocol interface: one writer trait and one reader trait, implemented by the binary,
//! compact and JSON protocols.
//!
//! Callers (the object codec, the RPC layer) are generic over these traits and get a copy of
//! their code per protocol, so every call below inlines into straight-line encoding; there are
//! no trait objects and no intermediate value tree. A value is written or read by calling the
//! methods in the order of the value's structure, exactly as with Apache's `TProtocol`:
//! `struct_begin, (field_begin, value, field_end)*, field_stop, struct_end` and so on.

use std::borrow::Cow;

use crate::error::WireError;
use crate::message::{MessageHeader, MessageType};
use crate::skip::skip;
use crate::ttype::TType;

/// A field header: the value's type and the field id. `ttype` is `Stop` at the end of a struct
/// (the id is then 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldHeader {
    pub ttype: TType,
    pub id: i16,
}

/// A map header. The compact protocol writes no types for an empty map: they read as `Stop`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MapHeader {
    pub key: TType,
    pub value: TType,
    pub len: usize,
}

/// A list or set header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListHeader {
    pub element: TType,
    pub len: usize,
}

/// Encodes values by appending to a `Vec<u8>`.
///
/// Writers enforce only what the format can express (a length must fit in an i32), not the
/// reading [`Limits`](crate::Limits): those protect a receiver from its peer.
pub trait ProtocolWriter {
    fn write_message_begin(
        &mut self,
        name: &str,
        message_type: MessageType,
        seqid: i32,
    ) -> Result<(), WireError>;
    fn write_message_end(&mut self);
    fn write_struct_begin(&mut self);
    fn write_struct_end(&mut self);
    /// Fails for `TType::Stop`, which is no value type (use `write_field_stop`).
    fn write_field_begin(&mut self, ttype: TType, id: i16) -> Result<(), WireError>;
    fn write_field_end(&mut self);
    fn write_field_stop(&mut self);
    fn write_map_begin(&mut self, key: TType, value: TType, len: usize) -> Result<(), WireError>;
    fn write_map_end(&mut self);
    fn write_list_begin(&mut self, element: TType, len: usize) -> Result<(), WireError>;
    fn write_list_end(&mut self);
    fn write_set_begin(&mut self, element: TType, len: usize) -> Result<(), WireError>;
    fn write_set_end(&mut self);
    fn write_bool(&mut self, value: bool);
    fn write_i8(&mut self, value: i8);
    fn write_i16(&mut self, value: i16);
    fn write_i32(&mut self, value: i32);
    fn write_i64(&mut self, value: i64);
    fn write_double(&mut self, value: f64);
    fn write_binary(&mut self, value: &[u8]) -> Result<(), WireError>;
    fn write_string(&mut self, value: &str) -> Result<(), WireError>;
    /// The 16 bytes of a UUID in RFC 4122 (big-endian) order.
    fn write_uuid(&mut self, value: [u8; 16]);
}

/// Decodes values from a borrowed input, validating every length and the nesting depth
/// against the reader's [`Limits`](crate::Limits) before allocating anything.
///
/// Strings and binaries borrow from the input whenever the format allows: always in the binary
/// and compact protocols (`Cow::Borrowed`, zero copy), and in JSON for strings without escapes.
///
/// Strings must be valid UTF-8: `read_string` fails with `WireError::InvalidUtf8` otherwise,
/// as Apache's Python library does. A caller that wants to accept such strings anyway (like
/// thriftpy2's `decode_response=False`) reads them with `read_string_bytes` and decodes as it
/// likes.
pub trait ProtocolReader<'a> {
    fn read_message_begin(&mut self) -> Result<MessageHeader<'a>, WireError>;
    fn read_message_end(&mut self) -> Result<(), WireError>;
    fn read_struct_begin(&mut self) -> Result<(), WireError>;
    fn read_struct_end(&mut self) -> Result<(), WireError>;
    fn read_field_begin(&mut self) -> Result<FieldHeader, WireError>;
    fn read_field_end(&mut self) -> Result<(), WireError>;
    fn read_map_begin(&mut self) -> Result<MapHeader, WireError>;
    fn read_map_end(&mut self) -> Result<(), WireError>;
    fn read_list_begin(&mut self) -> Result<ListHeader, WireError>;
    fn read_list_end(&mut self) -> Result<(), WireError>;
    fn read_set_begin(&mut self) -> Result<ListHeader, WireError>;
    fn read_set_end(&mut self) -> Result<(), WireError>;
    fn read_bool(&mut self) -> Result<bool, WireError>;
    fn read_i8(&mut self) -> Result<i8, WireError>;
    fn read_i16(&mut self) -> Result<i16, WireError>;
    fn read_i32(&mut self) -> Result<i32, WireError>;
    fn read_i64(&mut self) -> Result<i64, WireError>;
    fn read_double(&mut self) -> Result<f64, WireError>;
    fn read_binary(&mut self) -> Result<Cow<'a, [u8]>, WireError>;
    fn read_string(&mut self) -> Result<Cow<'a, str>, WireError>;
    /// A string's bytes without UTF-8 validation. In the binary and compact protocols these
    /// are the bytes `read_binary` returns; in JSON the unescaped string, where `read_binary`
    /// decodes base64.
    fn read_string_bytes(&mut self) -> Result<Cow<'a, [u8]>, WireError>;
    fn read_uuid(&mut self) -> Result<[u8; 16], WireError>;

    /// Bytes consumed so far.
    fn position(&self) -> usize;

    /// Reads past a value of type `ttype`, whatever it contains, within the depth limit.
    #[inline]
    fn skip(&mut self, ttype: TType) -> Result<(), WireError>
    where
        Self: Sized,
    {
        skip(self, ttype)
    }
}
