//! Skipping a value of any type: how unknown fields, and known fields that arrive with another
//! wire type, are passed over. One implementation for every protocol, written against the
//! reader trait; the reader's depth tracking bounds the recursion.

use crate::error::WireError;
use crate::traits::ProtocolReader;
use crate::ttype::TType;

/// Reads past one value of type `ttype`.
pub fn skip<'a, R: ProtocolReader<'a>>(reader: &mut R, ttype: TType) -> Result<(), WireError> {
    match ttype {
        TType::Bool => reader.read_bool().map(drop),
        TType::I8 => reader.read_i8().map(drop),
        TType::I16 => reader.read_i16().map(drop),
        TType::I32 => reader.read_i32().map(drop),
        TType::I64 => reader.read_i64().map(drop),
        TType::Double => reader.read_double().map(drop),
        TType::String => reader.read_string_bytes().map(drop),
        TType::Uuid => reader.read_uuid().map(drop),
        TType::Struct => {
            reader.read_struct_begin()?;
            loop {
                let field = reader.read_field_begin()?;
                if field.ttype == TType::Stop {
                    break;
                }
                skip(reader, field.ttype)?;
                reader.read_field_end()?;
            }
            reader.read_struct_end()
        }
        TType::Map => {
            let header = reader.read_map_begin()?;
            for _ in 0..header.len {
                skip(reader, header.key)?;
                skip(reader, header.value)?;
            }
            reader.read_map_end()
        }
        TType::List => {
            let header = reader.read_list_begin()?;
            for _ in 0..header.len {
                skip(reader, header.element)?;
            }
            reader.read_list_end()
        }
        TType::Set => {
            let header = reader.read_set_begin()?;
            for _ in 0..header.len {
                skip(reader, header.element)?;
            }
            reader.read_set_end()
        }
        TType::Stop => Err(WireError::invalid("cannot skip a value of type stop")),
    }
}
