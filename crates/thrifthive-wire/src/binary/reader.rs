//! Decoding TBinaryProtocol.

use std::borrow::Cow;

use crate::cursor::Cursor;
use crate::error::{LengthOf, WireError};
use crate::limits::{Depth, Limits};
use crate::message::{MessageHeader, MessageType};
use crate::traits::{FieldHeader, ListHeader, MapHeader, ProtocolReader};
use crate::ttype::TType;

use super::{min_size, VERSION_1, VERSION_MASK};

/// Reads TBinaryProtocol from a borrowed input; strings and binaries borrow from it.
#[derive(Debug, Clone)]
pub struct BinaryReader<'a> {
    cursor: Cursor<'a>,
    limits: Limits,
    depth: Depth,
}

impl<'a> BinaryReader<'a> {
    /// Fails if `input` is larger than `limits.max_message_size`.
    pub fn new(input: &'a [u8], limits: Limits) -> Result<BinaryReader<'a>, WireError> {
        limits.check_message_size(input.len())?;
        Ok(BinaryReader {
            cursor: Cursor::new(input),
            limits,
            depth: Depth::new(limits.max_depth),
        })
    }

    #[inline]
    fn read_type(&mut self) -> Result<TType, WireError> {
        TType::from_code(self.cursor.byte()?)
    }

    /// A length prefix for `what`, checked against the limits and the input left.
    #[inline]
    fn read_len(&mut self, what: LengthOf, min_bytes_each: usize) -> Result<usize, WireError> {
        let len = self.read_i32()?;
        self.limits.check_len(
            what,
            i64::from(len),
            min_bytes_each,
            self.cursor.remaining(),
        )
    }

    /// A length-prefixed run of bytes, borrowed from the input.
    #[inline]
    fn read_bytes(&mut self, what: LengthOf) -> Result<&'a [u8], WireError> {
        let len = self.read_len(what, 1)?;
        self.cursor.take(len)
    }

    #[inline]
    fn read_list_header(&mut self, what: LengthOf) -> Result<ListHeader, WireError> {
        let element = self.read_type()?;
        let len = self.read_len(what, min_size(element))?;
        self.depth.enter()?;
        Ok(ListHeader { element, len })
    }
}

impl<'a> ProtocolReader<'a> for BinaryReader<'a> {
    fn read_message_begin(&mut self) -> Result<MessageHeader<'a>, WireError> {
        let first = self.read_i32()?;
        let (name, message_type) = if first < 0 {
            let version = first as u32 & VERSION_MASK;
            if version != VERSION_1 {
                return Err(WireError::BadVersion(format!(
                    "binary protocol version word 0x{:08x}, expected 0x{VERSION_1:08x}",
                    first as u32
                )));
            }
            let name_len = self.read_len(LengthOf::MessageName, 1)?;
            let name = self.cursor.take_str(name_len)?;
            (name, MessageType::from_code(i64::from(first & 0xff))?)
        } else {
            // The old unversioned header: the first word was the name's length.
            let name_len = self.limits.check_len(
                LengthOf::MessageName,
                i64::from(first),
                1,
                self.cursor.remaining(),
            )?;
            let name = self.cursor.take_str(name_len)?;
            (
                name,
                MessageType::from_code(i64::from(self.cursor.byte()?))?,
            )
        };
        let seqid = self.read_i32()?;
        Ok(MessageHeader {
            name: Cow::Borrowed(name),
            message_type,
            seqid,
        })
    }

    #[inline]
    fn read_message_end(&mut self) -> Result<(), WireError> {
        Ok(())
    }

    #[inline]
    fn read_struct_begin(&mut self) -> Result<(), WireError> {
        self.depth.enter()
    }

    #[inline]
    fn read_struct_end(&mut self) -> Result<(), WireError> {
        self.depth.leave();
        Ok(())
    }

    #[inline]
    fn read_field_begin(&mut self) -> Result<FieldHeader, WireError> {
        let ttype = self.read_type()?;
        if ttype == TType::Stop {
            return Ok(FieldHeader { ttype, id: 0 });
        }
        let id = self.read_i16()?;
        Ok(FieldHeader { ttype, id })
    }

    #[inline]
    fn read_field_end(&mut self) -> Result<(), WireError> {
        Ok(())
    }

    #[inline]
    fn read_map_begin(&mut self) -> Result<MapHeader, WireError> {
        let key = self.read_type()?;
        let value = self.read_type()?;
        let len = self.read_len(LengthOf::Map, min_size(key) + min_size(value))?;
        self.depth.enter()?;
        Ok(MapHeader { key, value, len })
    }

    #[inline]
    fn read_map_end(&mut self) -> Result<(), WireError> {
        self.depth.leave();
        Ok(())
    }

    #[inline]
    fn read_list_begin(&mut self) -> Result<ListHeader, WireError> {
        self.read_list_header(LengthOf::List)
    }

    #[inline]
    fn read_list_end(&mut self) -> Result<(), WireError> {
        self.depth.leave();
        Ok(())
    }

    #[inline]
    fn read_set_begin(&mut self) -> Result<ListHeader, WireError> {
        self.read_list_header(LengthOf::Set)
    }

    #[inline]
    fn read_set_end(&mut self) -> Result<(), WireError> {
        self.depth.leave();
        Ok(())
    }

    /// Any non-zero byte is true, as in Apache's libraries.
    #[inline]
    fn read_bool(&mut self) -> Result<bool, WireError> {
        Ok(self.cursor.byte()? != 0)
    }

    #[inline]
    fn read_i8(&mut self) -> Result<i8, WireError> {
        Ok(self.cursor.byte()? as i8)
    }

    #[inline]
    fn read_i16(&mut self) -> Result<i16, WireError> {
        Ok(i16::from_be_bytes(self.cursor.take_array()?))
    }

    #[inline]
    fn read_i32(&mut self) -> Result<i32, WireError> {
        Ok(i32::from_be_bytes(self.cursor.take_array()?))
    }

    #[inline]
    fn read_i64(&mut self) -> Result<i64, WireError> {
        Ok(i64::from_be_bytes(self.cursor.take_array()?))
    }

    #[inline]
    fn read_double(&mut self) -> Result<f64, WireError> {
        Ok(f64::from_bits(u64::from_be_bytes(
            self.cursor.take_array()?,
        )))
    }

    #[inline]
    fn read_binary(&mut self) -> Result<Cow<'a, [u8]>, WireError> {
        self.read_bytes(LengthOf::Binary).map(Cow::Borrowed)
    }

    #[inline]
    fn read_string_bytes(&mut self) -> Result<Cow<'a, [u8]>, WireError> {
        self.read_bytes(LengthOf::String).map(Cow::Borrowed)
    }

    #[inline]
    fn read_string(&mut self) -> Result<Cow<'a, str>, WireError> {
        let len = self.read_len(LengthOf::String, 1)?;
        Ok(Cow::Borrowed(self.cursor.take_str(len)?))
    }

    #[inline]
    fn read_uuid(&mut self) -> Result<[u8; 16], WireError> {
        self.cursor.take_array()
    }

    #[inline]
    fn position(&self) -> usize {
        self.cursor.position()
    }
}
