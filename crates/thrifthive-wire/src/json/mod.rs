//! TJSONProtocol, as Apache's C++ library writes and reads it.
//!
//! - A message is `[1,"name",type,seqid,{...}]`; a struct `{"1":{"i32":5},...}`, each field an
//!   object from its type name to its value; a list or set `["i32",3,1,2,3]`; a map
//!   `["str","i32",2,{"k":1,...}]`. Type names: tf i8 i16 i32 i64 dbl str rec map lst set uid.
//! - Map keys are always JSON strings: numbers, bools and doubles in key position are quoted.
//! - A bool is 1 or 0. A double is written as C's `%.17g` (what the C++ library's stream with
//!   precision 17 prints); NaN, Infinity and -Infinity are written quoted. (Apache's Python
//!   library writes them unquoted, which its own reader and the C++ reader reject.)
//! - Binary is base64, written with padding (as Apache's Python and Go libraries write it; the
//!   C++ and Java libraries omit it), read with or without padding.
//! - Strings escape `"` `\` and control characters: `\b \f \n \r \t` by name, the rest as
//!   `\u00XX`; everything else, including `/` and non-ASCII UTF-8, is written raw. Reading
//!   accepts those escapes plus `\/` and `\uXXXX` with surrogate pairs.
//! - A UUID is its canonical lowercase text, `"00112233-4455-6677-8899-aabbccddeeff"`.
//! - Like Apache's readers, the reader accepts no whitespace between tokens.
//!
//! Deliberately stricter than the C++ reader on malformed input: type names must be exact,
//! integers must fit their type (C++ clamps), invalid base64 and UUID text are errors (C++
//! decodes garbage to garbage), a bool must be 0 or 1.

mod base64;
mod context;
mod number;
mod reader;
mod uuid_text;
mod writer;

pub use reader::JsonReader;
pub use writer::JsonWriter;

use crate::error::WireError;
use crate::ttype::TType;

const VERSION: i64 = 1;

#[inline]
fn type_name(ttype: TType) -> Result<&'static str, WireError> {
    Ok(match ttype {
        TType::Bool => "tf",
        TType::I8 => "i8",
        TType::I16 => "i16",
        TType::I32 => "i32",
        TType::I64 => "i64",
        TType::Double => "dbl",
        TType::String => "str",
        TType::Struct => "rec",
        TType::Map => "map",
        TType::List => "lst",
        TType::Set => "set",
        TType::Uuid => "uid",
        TType::Stop => return Err(WireError::invalid("type stop has no JSON name")),
    })
}

#[inline]
fn type_of_name(name: &[u8]) -> Result<TType, WireError> {
    Ok(match name {
        b"tf" => TType::Bool,
        b"i8" => TType::I8,
        b"i16" => TType::I16,
        b"i32" => TType::I32,
        b"i64" => TType::I64,
        b"dbl" => TType::Double,
        b"str" => TType::String,
        b"rec" => TType::Struct,
        b"map" => TType::Map,
        b"lst" => TType::List,
        b"set" => TType::Set,
        b"uid" => TType::Uuid,
        _ => {
            return Err(WireError::invalid(format!(
                "unknown JSON type name {}",
                quote(name)
            )))
        }
    })
}

/// At most this many bytes of offending input are quoted in an error message.
const QUOTED_IN_ERRORS: usize = 40;

/// `text` for an error message: escaped, and cut short if long.
pub(super) fn quote(text: &[u8]) -> String {
    let shown = &text[..text.len().min(QUOTED_IN_ERRORS)];
    let ellipsis = if shown.len() < text.len() { "..." } else { "" };
    format!("\"{}{ellipsis}\"", shown.escape_ascii())
}

/// The fewest bytes a value of `ttype` takes, for checking container lengths against the input.
#[inline]
fn min_size(ttype: TType) -> usize {
    match ttype {
        TType::Stop
        | TType::Bool
        | TType::I8
        | TType::I16
        | TType::I32
        | TType::I64
        | TType::Double => 1,
        TType::String | TType::Struct => 2,
        TType::List | TType::Set => 8,
        TType::Map => 16,
        TType::Uuid => 34,
    }
}
