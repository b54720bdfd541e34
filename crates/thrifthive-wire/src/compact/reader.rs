//! Decoding TCompactProtocol.

use std::borrow::Cow;

use crate::cursor::Cursor;
use crate::error::{LengthOf, WireError};
use crate::limits::{Depth, Limits};
use crate::message::{MessageHeader, MessageType};
use crate::traits::{FieldHeader, ListHeader, MapHeader, ProtocolReader};
use crate::ttype::TType;

use super::varint::{read_varint32, read_varint64, unzigzag32, unzigzag64};
use super::{
    min_size, ttype_of, BOOLEAN_TRUE, LONG_SIZE, PROTOCOL_ID, TYPE_SHIFT, VERSION, VERSION_MASK,
};

/// Reads TCompactProtocol from a borrowed input; strings and binaries borrow from it.
#[derive(Debug, Clone)]
pub struct CompactReader<'a> {
    cursor: Cursor<'a>,
    limits: Limits,
    depth: Depth,
    /// The id of the field last read in the current struct, the base of the next delta.
    last_field_id: i16,
    /// `last_field_id` of each enclosing struct.
    outer_field_ids: Vec<i16>,
    /// A bool field's value, which came in its header; `read_bool` returns it.
    pending_bool: Option<bool>,
}

impl<'a> CompactReader<'a> {
    /// Fails if `input` is larger than `limits.max_message_size`.
    pub fn new(input: &'a [u8], limits: Limits) -> Result<CompactReader<'a>, WireError> {
        limits.check_message_size(input.len())?;
        Ok(CompactReader {
            cursor: Cursor::new(input),
            limits,
            depth: Depth::new(limits.max_depth),
            last_field_id: 0,
            outer_field_ids: Vec::new(),
            pending_bool: None,
        })
    }

    /// A varint length for `what`, checked against the limits and the input left. Lengths are
    /// i32 on the wire: a varint above `i32::MAX` is a negative length.
    #[inline]
    fn read_len(&mut self, what: LengthOf, min_bytes_each: usize) -> Result<usize, WireError> {
        let len = read_varint32(&mut self.cursor)? as i32;
        self.check_len(what, len, min_bytes_each)
    }

    #[inline]
    fn check_len(
        &self,
        what: LengthOf,
        len: i32,
        min_bytes_each: usize,
    ) -> Result<usize, WireError> {
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
    fn read_collection_header(&mut self, what: LengthOf) -> Result<ListHeader, WireError> {
        let header = self.cursor.byte()?;
        let element = ttype_of(header & 0x0f)?;
        let size = header >> 4;
        let len = if size == LONG_SIZE {
            self.read_len(what, min_size(element))?
        } else {
            self.check_len(what, i32::from(size), min_size(element))?
        };
        self.depth.enter()?;
        Ok(ListHeader { element, len })
    }
}

impl<'a> ProtocolReader<'a> for CompactReader<'a> {
    fn read_message_begin(&mut self) -> Result<MessageHeader<'a>, WireError> {
        let protocol_id = self.cursor.byte()?;
        if protocol_id != PROTOCOL_ID {
            return Err(WireError::BadVersion(format!(
                "compact protocol id 0x{protocol_id:02x}, expected 0x{PROTOCOL_ID:02x}"
            )));
        }
        let version_and_type = self.cursor.byte()?;
        let version = version_and_type & VERSION_MASK;
        if version != VERSION {
            return Err(WireError::BadVersion(format!(
                "compact protocol version {version}, expected {VERSION}"
            )));
        }
        let message_type = MessageType::from_code(i64::from(version_and_type >> TYPE_SHIFT))?;
        let seqid = read_varint32(&mut self.cursor)? as i32;
        let name_len = self.read_len(LengthOf::MessageName, 1)?;
        let name = self.cursor.take_str(name_len)?;
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
        self.depth.enter()?;
        self.outer_field_ids.push(self.last_field_id);
        self.last_field_id = 0;
        Ok(())
    }

    #[inline]
    fn read_struct_end(&mut self) -> Result<(), WireError> {
        self.last_field_id = self.outer_field_ids.pop().unwrap_or(0);
        self.depth.leave();
        Ok(())
    }

    #[inline]
    fn read_field_begin(&mut self) -> Result<FieldHeader, WireError> {
        let header = self.cursor.byte()?;
        if header == 0 {
            return Ok(FieldHeader {
                ttype: TType::Stop,
                id: 0,
            });
        }
        let code = header & 0x0f;
        let ttype = ttype_of(code)?;
        let delta = header >> 4;
        let id = if delta != 0 {
            // Apache's readers add in 16 bits, wrapping; so does this.
            self.last_field_id.wrapping_add(i16::from(delta))
        } else {
            self.read_i16()?
        };
        if ttype == TType::Bool {
            self.pending_bool = Some(code == BOOLEAN_TRUE);
        }
        self.last_field_id = id;
        Ok(FieldHeader { ttype, id })
    }

    #[inline]
    fn read_field_end(&mut self) -> Result<(), WireError> {
        Ok(())
    }

    #[inline]
    fn read_map_begin(&mut self) -> Result<MapHeader, WireError> {
        let len = read_varint32(&mut self.cursor)? as i32;
        let (key, value) = if len == 0 {
            (TType::Stop, TType::Stop)
        } else {
            let types = self.cursor.byte()?;
            (ttype_of(types >> 4)?, ttype_of(types & 0x0f)?)
        };
        let len = self.check_len(LengthOf::Map, len, min_size(key) + min_size(value))?;
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
        self.read_collection_header(LengthOf::List)
    }

    #[inline]
    fn read_list_end(&mut self) -> Result<(), WireError> {
        self.depth.leave();
        Ok(())
    }

    #[inline]
    fn read_set_begin(&mut self) -> Result<ListHeader, WireError> {
        self.read_collection_header(LengthOf::Set)
    }

    #[inline]
    fn read_set_end(&mut self) -> Result<(), WireError> {
        self.depth.leave();
        Ok(())
    }

    /// A bool field's value comes from its header; a container element is a byte, true when it
    /// is 1 (Apache writes 2 for false, the specification 0; anything else is false too, as in
    /// Apache's readers).
    #[inline]
    fn read_bool(&mut self) -> Result<bool, WireError> {
        match self.pending_bool.take() {
            Some(value) => Ok(value),
            None => Ok(self.cursor.byte()? == BOOLEAN_TRUE),
        }
    }

    #[inline]
    fn read_i8(&mut self) -> Result<i8, WireError> {
        Ok(self.cursor.byte()? as i8)
    }

    #[inline]
    fn read_i16(&mut self) -> Result<i16, WireError> {
        let start = self.cursor.position();
        let value = unzigzag32(read_varint32(&mut self.cursor)?);
        i16::try_from(value).map_err(|_| {
            WireError::invalid(format!("i16 at byte {start} is out of range: {value}"))
        })
    }

    #[inline]
    fn read_i32(&mut self) -> Result<i32, WireError> {
        Ok(unzigzag32(read_varint32(&mut self.cursor)?))
    }

    #[inline]
    fn read_i64(&mut self) -> Result<i64, WireError> {
        Ok(unzigzag64(read_varint64(&mut self.cursor)?))
    }

    #[inline]
    fn read_double(&mut self) -> Result<f64, WireError> {
        Ok(f64::from_bits(u64::from_le_bytes(
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
