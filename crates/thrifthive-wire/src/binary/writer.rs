//! Encoding to TBinaryProtocol.

use crate::error::{LengthOf, WireError};
use crate::limits::check_wire_len;
use crate::message::MessageType;
use crate::traits::ProtocolWriter;
use crate::ttype::TType;

use super::VERSION_1;

/// Writes TBinaryProtocol to the end of a byte vector.
#[derive(Debug)]
pub struct BinaryWriter<'b> {
    out: &'b mut Vec<u8>,
}

impl<'b> BinaryWriter<'b> {
    pub fn new(out: &'b mut Vec<u8>) -> BinaryWriter<'b> {
        BinaryWriter { out }
    }

    #[inline]
    fn write_len(&mut self, what: LengthOf, len: usize) -> Result<(), WireError> {
        let len = check_wire_len(what, len)?;
        self.write_i32(len);
        Ok(())
    }

    #[inline]
    fn write_bytes(&mut self, what: LengthOf, bytes: &[u8]) -> Result<(), WireError> {
        self.write_len(what, bytes.len())?;
        self.out.extend_from_slice(bytes);
        Ok(())
    }
}

impl ProtocolWriter for BinaryWriter<'_> {
    fn write_message_begin(
        &mut self,
        name: &str,
        message_type: MessageType,
        seqid: i32,
    ) -> Result<(), WireError> {
        self.write_i32((VERSION_1 | u32::from(message_type.code())) as i32);
        self.write_bytes(LengthOf::MessageName, name.as_bytes())?;
        self.write_i32(seqid);
        Ok(())
    }

    #[inline]
    fn write_message_end(&mut self) {}

    #[inline]
    fn write_struct_begin(&mut self) {}

    #[inline]
    fn write_struct_end(&mut self) {}

    #[inline]
    fn write_field_begin(&mut self, ttype: TType, id: i16) -> Result<(), WireError> {
        if ttype == TType::Stop {
            return Err(WireError::stop_field());
        }
        let [id_high, id_low] = id.to_be_bytes();
        self.out.extend_from_slice(&[ttype.code(), id_high, id_low]);
        Ok(())
    }

    #[inline]
    fn write_field_end(&mut self) {}

    #[inline]
    fn write_field_stop(&mut self) {
        self.out.push(TType::Stop.code());
    }

    #[inline]
    fn write_map_begin(&mut self, key: TType, value: TType, len: usize) -> Result<(), WireError> {
        self.out.extend_from_slice(&[key.code(), value.code()]);
        self.write_len(LengthOf::Map, len)
    }

    #[inline]
    fn write_map_end(&mut self) {}

    #[inline]
    fn write_list_begin(&mut self, element: TType, len: usize) -> Result<(), WireError> {
        self.out.push(element.code());
        self.write_len(LengthOf::List, len)
    }

    #[inline]
    fn write_list_end(&mut self) {}

    #[inline]
    fn write_set_begin(&mut self, element: TType, len: usize) -> Result<(), WireError> {
        self.out.push(element.code());
        self.write_len(LengthOf::Set, len)
    }

    #[inline]
    fn write_set_end(&mut self) {}

    #[inline]
    fn write_bool(&mut self, value: bool) {
        self.out.push(u8::from(value));
    }

    #[inline]
    fn write_i8(&mut self, value: i8) {
        self.out.push(value as u8);
    }

    #[inline]
    fn write_i16(&mut self, value: i16) {
        self.out.extend_from_slice(&value.to_be_bytes());
    }

    #[inline]
    fn write_i32(&mut self, value: i32) {
        self.out.extend_from_slice(&value.to_be_bytes());
    }

    #[inline]
    fn write_i64(&mut self, value: i64) {
        self.out.extend_from_slice(&value.to_be_bytes());
    }

    #[inline]
    fn write_double(&mut self, value: f64) {
        self.out.extend_from_slice(&value.to_bits().to_be_bytes());
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
