//! Encoding to TJSONProtocol.

use crate::error::{LengthOf, WireError};
use crate::limits::check_wire_len;
use crate::message::MessageType;
use crate::traits::ProtocolWriter;
use crate::ttype::TType;

use super::context::Contexts;
use super::{base64, number, type_name, uuid_text, VERSION};

/// Writes TJSONProtocol to the end of a byte vector.
#[derive(Debug)]
pub struct JsonWriter<'b> {
    out: &'b mut Vec<u8>,
    contexts: Contexts,
}

impl<'b> JsonWriter<'b> {
    pub fn new(out: &'b mut Vec<u8>) -> JsonWriter<'b> {
        JsonWriter {
            out,
            contexts: Contexts::new(),
        }
    }

    #[inline]
    fn write_separator(&mut self) {
        if let Some(separator) = self.contexts.next_separator() {
            self.out.push(separator);
        }
    }

    fn write_integer(&mut self, value: i64) {
        self.write_separator();
        let quoted = self.contexts.in_key_position();
        if quoted {
            self.out.push(b'"');
        }
        number::write_integer(self.out, value);
        if quoted {
            self.out.push(b'"');
        }
    }

    /// A JSON string whose contents `body` appends.
    fn write_quoted(&mut self, body: impl FnOnce(&mut Vec<u8>)) {
        self.write_separator();
        self.out.push(b'"');
        body(self.out);
        self.out.push(b'"');
    }

    fn write_text(&mut self, text: &[u8]) {
        self.write_quoted(|out| write_escaped(out, text));
    }

    fn write_len(&mut self, what: LengthOf, len: usize) -> Result<(), WireError> {
        let len = check_wire_len(what, len)?;
        self.write_integer(i64::from(len));
        Ok(())
    }

    fn write_type_name(&mut self, ttype: TType) -> Result<(), WireError> {
        self.write_text(type_name(ttype)?.as_bytes());
        Ok(())
    }

    fn write_object_begin(&mut self) {
        self.write_separator();
        self.out.push(b'{');
        self.contexts.push_object();
    }

    fn write_object_end(&mut self) {
        self.contexts.pop();
        self.out.push(b'}');
    }

    fn write_array_begin(&mut self) {
        self.write_separator();
        self.out.push(b'[');
        self.contexts.push_array();
    }

    fn write_array_end(&mut self) {
        self.contexts.pop();
        self.out.push(b']');
    }

    fn write_collection_begin(
        &mut self,
        what: LengthOf,
        element: TType,
        len: usize,
    ) -> Result<(), WireError> {
        self.write_array_begin();
        self.write_type_name(element)?;
        self.write_len(what, len)
    }
}

/// Appends `text` with the C++ library's escapes: `"` and `\` by backslash, control characters
/// `\b \f \n \r \t` by name and the others as `\u00XX`; everything else raw.
fn write_escaped(out: &mut Vec<u8>, text: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut unescaped_from = 0;
    for (index, &byte) in text.iter().enumerate() {
        let named = match byte {
            b'"' => b'"',
            b'\\' => b'\\',
            0x08 => b'b',
            0x0c => b'f',
            b'\n' => b'n',
            b'\r' => b'r',
            b'\t' => b't',
            0x00..=0x1f => 0,
            _ => continue,
        };
        out.extend_from_slice(&text[unescaped_from..index]);
        unescaped_from = index + 1;
        if named != 0 {
            out.extend_from_slice(&[b'\\', named]);
        } else {
            out.extend_from_slice(b"\\u00");
            out.extend_from_slice(&[HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 0x0f)]]);
        }
    }
    out.extend_from_slice(&text[unescaped_from..]);
}

impl ProtocolWriter for JsonWriter<'_> {
    fn write_message_begin(
        &mut self,
        name: &str,
        message_type: MessageType,
        seqid: i32,
    ) -> Result<(), WireError> {
        check_wire_len(LengthOf::MessageName, name.len())?;
        self.write_array_begin();
        self.write_integer(VERSION);
        self.write_text(name.as_bytes());
        self.write_integer(i64::from(message_type.code()));
        self.write_integer(i64::from(seqid));
        Ok(())
    }

    fn write_message_end(&mut self) {
        self.write_array_end();
    }

    fn write_struct_begin(&mut self) {
        self.write_object_begin();
    }

    fn write_struct_end(&mut self) {
        self.write_object_end();
    }

    fn write_field_begin(&mut self, ttype: TType, id: i16) -> Result<(), WireError> {
        if ttype == TType::Stop {
            return Err(WireError::stop_field());
        }
        self.write_integer(i64::from(id));
        self.write_object_begin();
        self.write_type_name(ttype)
    }

    fn write_field_end(&mut self) {
        self.write_object_end();
    }

    fn write_field_stop(&mut self) {}

    fn write_map_begin(&mut self, key: TType, value: TType, len: usize) -> Result<(), WireError> {
        self.write_array_begin();
        self.write_type_name(key)?;
        self.write_type_name(value)?;
        self.write_len(LengthOf::Map, len)?;
        self.write_object_begin();
        Ok(())
    }

    fn write_map_end(&mut self) {
        self.write_object_end();
        self.write_array_end();
    }

    fn write_list_begin(&mut self, element: TType, len: usize) -> Result<(), WireError> {
        self.write_collection_begin(LengthOf::List, element, len)
    }

    fn write_list_end(&mut self) {
        self.write_array_end();
    }

    fn write_set_begin(&mut self, element: TType, len: usize) -> Result<(), WireError> {
        self.write_collection_begin(LengthOf::Set, element, len)
    }

    fn write_set_end(&mut self) {
        self.write_array_end();
    }

    fn write_bool(&mut self, value: bool) {
        self.write_integer(i64::from(value));
    }

    fn write_i8(&mut self, value: i8) {
        self.write_integer(i64::from(value));
    }

    fn write_i16(&mut self, value: i16) {
        self.write_integer(i64::from(value));
    }

    fn write_i32(&mut self, value: i32) {
        self.write_integer(i64::from(value));
    }

    fn write_i64(&mut self, value: i64) {
        self.write_integer(value);
    }

    fn write_double(&mut self, value: f64) {
        self.write_separator();
        let special: Option<&[u8]> = if value.is_nan() {
            Some(b"NaN")
        } else if value.is_infinite() {
            Some(if value > 0.0 {
                b"Infinity"
            } else {
                b"-Infinity"
            })
        } else {
            None
        };
        let quoted = special.is_some() || self.contexts.in_key_position();
        if quoted {
            self.out.push(b'"');
        }
        match special {
            Some(text) => self.out.extend_from_slice(text),
            None => number::write_double(self.out, value),
        }
        if quoted {
            self.out.push(b'"');
        }
    }

    fn write_binary(&mut self, value: &[u8]) -> Result<(), WireError> {
        check_wire_len(LengthOf::Binary, value.len())?;
        self.write_quoted(|out| base64::encode(value, out));
        Ok(())
    }

    fn write_string(&mut self, value: &str) -> Result<(), WireError> {
        check_wire_len(LengthOf::String, value.len())?;
        self.write_text(value.as_bytes());
        Ok(())
    }

    fn write_uuid(&mut self, value: [u8; 16]) {
        self.write_quoted(|out| uuid_text::format(value, out));
    }
}
