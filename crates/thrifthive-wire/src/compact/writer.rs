//! Encoding to TCompactProtocol.

use crate::error::{LengthOf, WireError};
use crate::limits::check_wire_len;
use crate::message::MessageType;
use crate::traits::ProtocolWriter;
use crate::ttype::TType;

use super::varint::{write_varint32, write_varint64, zigzag32, zigzag64};
use super::{
    compact_code, BOOLEAN_FALSE, BOOLEAN_TRUE, LONG_SIZE, PROTOCOL_ID, TYPE_SHIFT, VERSION,
};

/// Writes TCompactProtocol to the end of a byte vector.
#[derive(Debug)]
pub struct CompactWriter<'b> {
    out: &'b mut Vec<u8>,
    /// The id of the field last written in the current struct, the base of the next delta.
    last_field_id: i16,
    /// `last_field_id` of each enclosing struct.
    outer_field_ids: Vec<i16>,
    /// A bool field's header waits for its value, which becomes the header's type.
    pending_bool_field: Option<i16>,
}

impl<'b> CompactWriter<'b> {
    pub fn new(out: &'b mut Vec<u8>) -> CompactWriter<'b> {
        CompactWriter {
            out,
            last_field_id: 0,
            outer_field_ids: Vec::new(),
            pending_bool_field: None,
        }
    }

    /// The short form (`delta << 4 | type`) when the id is 1 to 15 above the previous one, else
    /// the type byte followed by the zigzag id.
    #[inline]
    fn write_field_header(&mut self, code: u8, id: i16) {
        let delta = i32::from(id) - i32::from(self.last_field_id);
        if (1..=15).contains(&delta) {
            self.out.push(((delta as u8) << 4) | code);
        } else {
            self.out.push(code);
            write_varint32(self.out, zigzag32(i32::from(id)));
        }
        self.last_field_id = id;
    }

    #[inline]
    fn write_len(&mut self, what: LengthOf, len: usize) -> Result<(), WireError> {
        let len = check_wire_len(what, len)?;
        write_varint32(self.out, len as u32);
        Ok(())
    }

    #[inline]
    fn write_bytes(&mut self, what: LengthOf, bytes: &[u8]) -> Result<(), WireError> {
        self.write_len(what, bytes.len())?;
        self.out.extend_from_slice(bytes);
        Ok(())
    }

    #[inline]
    fn write_collection_begin(
        &mut self,
        what: LengthOf,
        element: TType,
        len: usize,
    ) -> Result<(), WireError> {
        let code = compact_code(element);
        if len < usize::from(LONG_SIZE) {
            self.out.push(((len as u8) << 4) | code);
            Ok(())
        } else {
            self.out.push((LONG_SIZE << 4) | code);
            self.write_len(what, len)
        }
    }
}

impl ProtocolWriter for CompactWriter<'_> {
    fn write_message_begin(
        &mut self,
        name: &str,
        message_type: MessageType,
        seqid: i32,
    ) -> Result<(), WireError> {
        self.out.push(PROTOCOL_ID);
        self.out.push((message_type.code() << TYPE_SHIFT) | VERSION);
        write_varint32(self.out, seqid as u32);
        self.write_bytes(LengthOf::MessageName, name.as_bytes())
    }

    #[inline]
    fn write_message_end(&mut self) {}

    #[inline]
    fn write_struct_begin(&mut self) {
        self.outer_field_ids.push(self.last_field_id);
        self.last_field_id = 0;
    }

    #[inline]
    fn write_struct_end(&mut self) {
        self.last_field_id = self.outer_field_ids.pop().unwrap_or(0);
    }

    #[inline]
    fn write_field_begin(&mut self, ttype: TType, id: i16) -> Result<(), WireError> {
        match ttype {
            TType::Stop => return Err(WireError::stop_field()),
            TType::Bool => self.pending_bool_field = Some(id),
            _ => self.write_field_header(compact_code(ttype), id),
        }
        Ok(())
    }

    #[inline]
    fn write_field_end(&mut self) {}

    #[inline]
    fn write_field_stop(&mut self) {
        self.out.push(0);
    }

    #[inline]
    fn write_map_begin(&mut self, key: TType, value: TType, len: usize) -> Result<(), WireError> {
        if len == 0 {
            self.out.push(0);
            return Ok(());
        }
        self.write_len(LengthOf::Map, len)?;
        self.out
            .push((compact_code(key) << 4) | compact_code(value));
        Ok(())
    }

    #[inline]
    fn write_map_end(&mut self) {}

    #[inline]
    fn write_list_begin(&mut self, element: TType, len: usize) -> Result<(), WireError> {
        self.write_collection_begin(LengthOf::List, element, len)
    }

    #[inline]
    fn write_list_end(&mut self) {}

    #[inline]
    fn write_set_begin(&mut self, element: TType, len: usize) -> Result<(), WireError> {
        self.write_collection_begin(LengthOf::Set, element, len)
    }

    #[inline]
    fn write_set_end(&mut self) {}

    #[inline]
    fn write_bool(&mut self, value: bool) {
        let code = if value { BOOLEAN_TRUE } else { BOOLEAN_FALSE };
        match self.pending_bool_field.take() {
            Some(id) => self.write_field_header(code, id),
            None => self.out.push(code),
        }
    }

    #[inline]
    fn write_i8(&mut self, value: i8) {
        self.out.push(value as u8);
    }

    #[inline]
    fn write_i16(&mut self, value: i16) {
        write_varint32(self.out, zigzag32(i32::from(value)));
    }

    #[inline]
    fn write_i32(&mut self, value: i32) {
        write_varint32(self.out, zigzag32(value));
    }

    #[inline]
    fn write_i64(&mut self, value: i64) {
        write_varint64(self.out, zigzag64(value));
    }

    #[inline]
    fn write_double(&mut self, value: f64) {
        self.out.extend_from_slice(&value.to_bits().to_le_bytes());
    }

    #[inline]
    fn write_binary(&mut self, value: &[u8]) -> Result<(), WireError> {
        self.write_bytes(LengthOf::Binary, value)
    }

    #[inline]
    fn write_string(&mut self, value: &str) -> Result<(), WireError> {
        self.write_bytes(LengthOf::String, value.as_bytes())
    }

    #[inline]
    fn write_uuid(&mut self, value: [u8; 16]) {
        self.out.extend_from_slice(&value);
    }
}
