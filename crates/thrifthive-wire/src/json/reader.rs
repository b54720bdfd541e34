//! Decoding TJSONProtocol.
//!
//! JSON strings carry no length prefix: their length is checked against the limits while they
//! are read, and an unescaped string is never longer than the input it came from.

use std::borrow::Cow;

use crate::cursor::Cursor;
use crate::error::{LengthOf, WireError};
use crate::limits::{Depth, Limits};
use crate::message::{MessageHeader, MessageType};
use crate::traits::{FieldHeader, ListHeader, MapHeader, ProtocolReader};
use crate::ttype::TType;

use super::context::Contexts;
use super::{base64, min_size, number, quote, type_of_name, uuid_text, VERSION};

/// Reads TJSONProtocol from a borrowed input; strings without escapes borrow from it.
#[derive(Debug, Clone)]
pub struct JsonReader<'a> {
    cursor: Cursor<'a>,
    limits: Limits,
    depth: Depth,
    contexts: Contexts,
}

impl<'a> JsonReader<'a> {
    /// Fails if `input` is larger than `limits.max_message_size`.
    pub fn new(input: &'a [u8], limits: Limits) -> Result<JsonReader<'a>, WireError> {
        limits.check_message_size(input.len())?;
        Ok(JsonReader {
            cursor: Cursor::new(input),
            limits,
            depth: Depth::new(limits.max_depth),
            contexts: Contexts::new(),
        })
    }

    fn expect(&mut self, wanted: u8) -> Result<(), WireError> {
        let at = self.cursor.position();
        let found = self.cursor.byte()?;
        if found == wanted {
            Ok(())
        } else {
            Err(WireError::invalid(format!(
                "expected '{}' at byte {at}, found '{}'",
                char::from(wanted),
                found.escape_ascii()
            )))
        }
    }

    fn read_separator(&mut self) -> Result<(), WireError> {
        match self.contexts.next_separator() {
            Some(separator) => self.expect(separator),
            None => Ok(()),
        }
    }

    /// The longest run of numeric characters.
    fn read_numeric_text(&mut self) -> &'a [u8] {
        let rest = self.cursor.rest();
        let len = rest
            .iter()
            .take_while(|&&byte| number::is_numeric_char(byte))
            .count();
        self.cursor.advance(len);
        &rest[..len]
    }

    /// An integer value, quoted when it is an object key.
    fn read_integer(&mut self) -> Result<i64, WireError> {
        self.read_integer_at().map(|(value, _)| value)
    }

    /// An integer value and the byte offset of its digits.
    fn read_integer_at(&mut self) -> Result<(i64, usize), WireError> {
        self.read_separator()?;
        let quoted = self.contexts.in_key_position();
        if quoted {
            self.expect(b'"')?;
        }
        let at = self.cursor.position();
        let text = self.read_numeric_text();
        let value = number::parse_integer(text).ok_or_else(|| {
            WireError::invalid(format!(
                "expected an integer at byte {at}, found {}",
                quote(text)
            ))
        })?;
        if quoted {
            self.expect(b'"')?;
        }
        Ok((value, at))
    }

    /// An integer that must fit in `T`, named `what` in the error.
    fn read_integer_as<T: TryFrom<i64>>(&mut self, what: &str) -> Result<T, WireError> {
        let (value, at) = self.read_integer_at()?;
        T::try_from(value)
            .map_err(|_| WireError::invalid(format!("{what} {value} at byte {at} is out of range")))
    }

    /// A JSON string's unescaped bytes, at most `max_len` of them, without the separator before
    /// it. Borrowed when the string has no escapes.
    fn read_string_body(
        &mut self,
        what: LengthOf,
        max_len: usize,
    ) -> Result<Cow<'a, [u8]>, WireError> {
        self.expect(b'"')?;
        let rest = self.cursor.rest();
        let special = rest.iter().position(|&byte| byte == b'"' || byte == b'\\');
        match special {
            Some(end) if rest[end] == b'"' => {
                check_text_len(what, end, max_len)?;
                self.cursor.advance(end + 1);
                Ok(Cow::Borrowed(&rest[..end]))
            }
            Some(_) => self.read_escaped_string_body(what, max_len).map(Cow::Owned),
            None => Err(WireError::eof(self.cursor.position() + rest.len())),
        }
    }

    fn read_escaped_string_body(
        &mut self,
        what: LengthOf,
        max_len: usize,
    ) -> Result<Vec<u8>, WireError> {
        let mut text = Vec::new();
        loop {
            let rest = self.cursor.rest();
            let run = rest
                .iter()
                .position(|&byte| byte == b'"' || byte == b'\\')
                .ok_or_else(|| WireError::eof(self.cursor.position() + rest.len()))?;
            text.extend_from_slice(&rest[..run]);
            check_text_len(what, text.len(), max_len)?;
            self.cursor.advance(run);
            if self.cursor.byte()? == b'"' {
                return Ok(text);
            }
            let at = self.cursor.position() - 1;
            let unescaped = match self.cursor.byte()? {
                b'"' => b'"',
                b'\\' => b'\\',
                b'/' => b'/',
                b'b' => 0x08,
                b'f' => 0x0c,
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                b'u' => {
                    let char = self.read_escaped_char(at)?;
                    text.extend_from_slice(char.encode_utf8(&mut [0; 4]).as_bytes());
                    continue;
                }
                other => {
                    return Err(WireError::invalid(format!(
                        "invalid escape '\\{}' at byte {at}",
                        other.escape_ascii()
                    )))
                }
            };
            text.push(unescaped);
        }
    }

    /// The character of a `\uXXXX` escape whose `\u` started at byte `at`; a UTF-16 high
    /// surrogate must be followed by a `\uXXXX` low surrogate.
    fn read_escaped_char(&mut self, at: usize) -> Result<char, WireError> {
        let unit = self.read_hex4()?;
        let code_point = match unit {
            0xd800..=0xdbff => {
                let low = if self.cursor.rest().starts_with(b"\\u") {
                    self.cursor.advance(2);
                    self.read_hex4()?
                } else {
                    0
                };
                if !(0xdc00..=0xdfff).contains(&low) {
                    return Err(WireError::invalid(format!(
                        "UTF-16 high surrogate at byte {at} is not followed by a low surrogate"
                    )));
                }
                0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00)
            }
            0xdc00..=0xdfff => {
                return Err(WireError::invalid(format!(
                    "UTF-16 low surrogate at byte {at} without a high surrogate"
                )))
            }
            _ => unit,
        };
        Ok(char::from_u32(code_point).expect("surrogates are excluded above"))
    }

    fn read_hex4(&mut self) -> Result<u32, WireError> {
        let at = self.cursor.position();
        let digits = self.cursor.take(4)?;
        let text = std::str::from_utf8(digits).ok();
        text.filter(|text| text.bytes().all(|byte| byte.is_ascii_hexdigit()))
            .and_then(|text| u32::from_str_radix(text, 16).ok())
            .ok_or_else(|| {
                WireError::invalid(format!(
                    "expected 4 hex digits at byte {at}, found {}",
                    quote(digits)
                ))
            })
    }

    /// A string value: the separator, then the string.
    fn read_text(&mut self, what: LengthOf) -> Result<Cow<'a, [u8]>, WireError> {
        self.read_separator()?;
        self.read_string_body(what, self.limits.max_string_len)
    }

    fn read_utf8(&mut self, what: LengthOf) -> Result<Cow<'a, str>, WireError> {
        self.read_separator()?;
        let at = self.cursor.position();
        let bytes = self.read_string_body(what, self.limits.max_string_len)?;
        let invalid = |_| WireError::InvalidUtf8 { offset: at };
        match bytes {
            Cow::Borrowed(bytes) => std::str::from_utf8(bytes)
                .map(Cow::Borrowed)
                .map_err(invalid),
            Cow::Owned(bytes) => String::from_utf8(bytes)
                .map(Cow::Owned)
                .map_err(|error| invalid(error.utf8_error())),
        }
    }

    fn read_type_name(&mut self) -> Result<TType, WireError> {
        let name = self.read_text(LengthOf::String)?;
        type_of_name(&name)
    }

    fn read_object_begin(&mut self) -> Result<(), WireError> {
        self.read_separator()?;
        self.expect(b'{')?;
        self.contexts.push_object();
        Ok(())
    }

    fn read_object_end(&mut self) -> Result<(), WireError> {
        self.expect(b'}')?;
        self.contexts.pop();
        Ok(())
    }

    fn read_array_begin(&mut self) -> Result<(), WireError> {
        self.read_separator()?;
        self.expect(b'[')?;
        self.contexts.push_array();
        Ok(())
    }

    fn read_array_end(&mut self) -> Result<(), WireError> {
        self.expect(b']')?;
        self.contexts.pop();
        Ok(())
    }

    /// A container length; each element also needs a separator or the closing bracket.
    fn read_len(&mut self, what: LengthOf, min_bytes_each: usize) -> Result<usize, WireError> {
        let len = self.read_integer()?;
        self.limits
            .check_len(what, len, min_bytes_each + 1, self.cursor.remaining())
    }

    fn read_collection_begin(&mut self, what: LengthOf) -> Result<ListHeader, WireError> {
        self.depth.enter()?;
        self.read_array_begin()?;
        let element = self.read_type_name()?;
        let len = self.read_len(what, min_size(element))?;
        Ok(ListHeader { element, len })
    }

    fn read_collection_end(&mut self) -> Result<(), WireError> {
        self.read_array_end()?;
        self.depth.leave();
        Ok(())
    }
}

fn check_text_len(what: LengthOf, len: usize, max_len: usize) -> Result<(), WireError> {
    crate::limits::check_length(what, len as i64, max_len, 0, usize::MAX).map(drop)
}

impl<'a> ProtocolReader<'a> for JsonReader<'a> {
    fn read_message_begin(&mut self) -> Result<MessageHeader<'a>, WireError> {
        self.read_array_begin()?;
        let version = self.read_integer()?;
        if version != VERSION {
            return Err(WireError::BadVersion(format!(
                "JSON protocol version {version}, expected {VERSION}"
            )));
        }
        let name = self.read_utf8(LengthOf::MessageName)?;
        let message_type = MessageType::from_code(self.read_integer()?)?;
        let seqid = self.read_integer_as("sequence id")?;
        Ok(MessageHeader {
            name,
            message_type,
            seqid,
        })
    }

    fn read_message_end(&mut self) -> Result<(), WireError> {
        self.read_array_end()
    }

    fn read_struct_begin(&mut self) -> Result<(), WireError> {
        self.depth.enter()?;
        self.read_object_begin()
    }

    fn read_struct_end(&mut self) -> Result<(), WireError> {
        self.read_object_end()?;
        self.depth.leave();
        Ok(())
    }

    fn read_field_begin(&mut self) -> Result<FieldHeader, WireError> {
        match self.cursor.peek() {
            Some(b'}') => {
                return Ok(FieldHeader {
                    ttype: TType::Stop,
                    id: 0,
                })
            }
            Some(_) => {}
            None => return Err(WireError::eof(self.cursor.position())),
        }
        let id = self.read_integer_as("field id")?;
        self.read_object_begin()?;
        let ttype = self.read_type_name()?;
        Ok(FieldHeader { ttype, id })
    }

    fn read_field_end(&mut self) -> Result<(), WireError> {
        self.read_object_end()
    }

    fn read_map_begin(&mut self) -> Result<MapHeader, WireError> {
        self.depth.enter()?;
        self.read_array_begin()?;
        let key = self.read_type_name()?;
        let value = self.read_type_name()?;
        // Each pair needs its ':' besides the separator the length check already counts.
        let len = self.read_len(LengthOf::Map, min_size(key) + min_size(value) + 1)?;
        self.read_object_begin()?;
        Ok(MapHeader { key, value, len })
    }

    fn read_map_end(&mut self) -> Result<(), WireError> {
        self.read_object_end()?;
        self.read_collection_end()
    }

    fn read_list_begin(&mut self) -> Result<ListHeader, WireError> {
        self.read_collection_begin(LengthOf::List)
    }

    fn read_list_end(&mut self) -> Result<(), WireError> {
        self.read_collection_end()
    }

    fn read_set_begin(&mut self) -> Result<ListHeader, WireError> {
        self.read_collection_begin(LengthOf::Set)
    }

    fn read_set_end(&mut self) -> Result<(), WireError> {
        self.read_collection_end()
    }

    fn read_bool(&mut self) -> Result<bool, WireError> {
        match self.read_integer_at()? {
            (0, _) => Ok(false),
            (1, _) => Ok(true),
            (other, at) => Err(WireError::invalid(format!(
                "bool at byte {at} must be 0 or 1, found {other}"
            ))),
        }
    }

    fn read_i8(&mut self) -> Result<i8, WireError> {
        self.read_integer_as("i8")
    }

    fn read_i16(&mut self) -> Result<i16, WireError> {
        self.read_integer_as("i16")
    }

    fn read_i32(&mut self) -> Result<i32, WireError> {
        self.read_integer_as("i32")
    }

    fn read_i64(&mut self) -> Result<i64, WireError> {
        self.read_integer()
    }

    /// A number, or one of the quoted words NaN, Infinity, -Infinity; in key position any
    /// double is quoted.
    fn read_double(&mut self) -> Result<f64, WireError> {
        self.read_separator()?;
        let at = self.cursor.position();
        let key = self.contexts.in_key_position();
        let text = if self.cursor.peek() == Some(b'"') {
            let text = self.read_string_body(LengthOf::String, self.limits.max_string_len)?;
            match &*text {
                b"NaN" => return Ok(f64::NAN),
                b"Infinity" => return Ok(f64::INFINITY),
                b"-Infinity" => return Ok(f64::NEG_INFINITY),
                _ if key => text,
                _ => {
                    return Err(WireError::invalid(format!(
                        "double at byte {at} is quoted but is not NaN, Infinity or -Infinity"
                    )))
                }
            }
        } else {
            if key {
                self.expect(b'"')?;
            }
            Cow::Borrowed(self.read_numeric_text())
        };
        number::parse_double(&text).ok_or_else(|| {
            WireError::invalid(format!(
                "expected a number at byte {at}, found {}",
                quote(&text)
            ))
        })
    }

    fn read_binary(&mut self) -> Result<Cow<'a, [u8]>, WireError> {
        self.read_separator()?;
        let at = self.cursor.position();
        // The limit is on the decoded bytes, checked below; base64 text has no escapes, so it
        // is borrowed, not copied.
        let text = self.read_string_body(LengthOf::Binary, usize::MAX)?;
        let invalid = || WireError::invalid(format!("invalid base64 at byte {at}"));
        let len = base64::decoded_len(&text).ok_or_else(invalid)?;
        check_text_len(LengthOf::Binary, len, self.limits.max_string_len)?;
        base64::decode(&text).map(Cow::Owned).ok_or_else(invalid)
    }

    fn read_string(&mut self) -> Result<Cow<'a, str>, WireError> {
        self.read_utf8(LengthOf::String)
    }

    fn read_string_bytes(&mut self) -> Result<Cow<'a, [u8]>, WireError> {
        self.read_text(LengthOf::String)
    }

    fn read_uuid(&mut self) -> Result<[u8; 16], WireError> {
        self.read_separator()?;
        let at = self.cursor.position();
        let text = self.read_string_body(LengthOf::String, usize::MAX)?;
        uuid_text::parse(&text).ok_or_else(|| {
            WireError::invalid(format!("invalid UUID {} at byte {at}", quote(&text)))
        })
    }

    fn position(&self) -> usize {
        self.cursor.position()
    }
}
