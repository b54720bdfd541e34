//! TCompactProtocol, as Apache's specification and libraries define it: zigzag varints, field-id
//! deltas, bools folded into field headers, little-endian doubles, 4-bit type codes.
//!
//! Where the specification and Apache's libraries disagree, this follows the libraries, which
//! are what peers run: a bool element of a list, set or map is written as 1 (true) or 2 (false)
//! and its element type as 1, where the specification says 1/0 and 2. Readers accept both.

mod reader;
mod varint;
mod writer;

pub use reader::CompactReader;
pub use writer::CompactWriter;

use crate::cursor::Cursor;
use crate::error::WireError;
use crate::ttype::TType;

/// Reads the unsigned varint (at most 32 bits) at the start of `input`: its value and its
/// length in bytes. For other formats built on the compact varint (THeader's header).
pub fn decode_varint32(input: &[u8]) -> Result<(u32, usize), WireError> {
    let mut cursor = Cursor::new(input);
    let value = varint::read_varint32(&mut cursor)?;
    Ok((value, cursor.position()))
}

/// Appends `value` as an unsigned varint; see [`decode_varint32`].
pub fn encode_varint32(out: &mut Vec<u8>, value: u32) {
    varint::write_varint32(out, value);
}

const PROTOCOL_ID: u8 = 0x82;
const VERSION: u8 = 1;
const VERSION_MASK: u8 = 0x1f;
const TYPE_SHIFT: u32 = 5;

/// The compact type codes. A bool field's value is its type: `BOOLEAN_TRUE` or `BOOLEAN_FALSE`.
const BOOLEAN_TRUE: u8 = 1;
const BOOLEAN_FALSE: u8 = 2;

/// A list or set header's size nibble holds 0 to 14; 15 says a varint size follows.
const LONG_SIZE: u8 = 0x0f;

/// The compact code for `ttype` as a container element (a bool as `BOOLEAN_TRUE`, as Apache
/// writes it) or as a non-bool field.
#[inline]
fn compact_code(ttype: TType) -> u8 {
    match ttype {
        TType::Stop => 0,
        TType::Bool => BOOLEAN_TRUE,
        TType::I8 => 3,
        TType::I16 => 4,
        TType::I32 => 5,
        TType::I64 => 6,
        TType::Double => 7,
        TType::String => 8,
        TType::List => 9,
        TType::Set => 10,
        TType::Map => 11,
        TType::Struct => 12,
        TType::Uuid => 13,
    }
}

#[inline]
fn ttype_of(code: u8) -> Result<TType, WireError> {
    Ok(match code {
        0 => TType::Stop,
        BOOLEAN_TRUE | BOOLEAN_FALSE => TType::Bool,
        3 => TType::I8,
        4 => TType::I16,
        5 => TType::I32,
        6 => TType::I64,
        7 => TType::Double,
        8 => TType::String,
        9 => TType::List,
        10 => TType::Set,
        11 => TType::Map,
        12 => TType::Struct,
        13 => TType::Uuid,
        _ => return Err(WireError::UnknownType(code)),
    })
}

/// The fewest bytes a value of `ttype` takes, for checking container lengths against the input.
#[inline]
fn min_size(ttype: TType) -> usize {
    match ttype {
        TType::Double => 8,
        TType::Uuid => 16,
        _ => 1,
    }
}
