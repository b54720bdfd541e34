//! Thrift's value types as they appear on the wire.
//!
//! The discriminants are the binary protocol's type codes (also used by TJSONProtocol's
//! numbering and by the `TType` constants of every Apache library); the compact protocol maps
//! them to its own 4-bit codes in `compact`.

use crate::error::WireError;

/// A Thrift wire type. `String` covers both `string` and `binary`: they share a wire type and
/// only the IDL tells them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum TType {
    /// Ends a struct's field list; never a value's type.
    Stop = 0,
    Bool = 2,
    I8 = 3,
    Double = 4,
    I16 = 6,
    I32 = 8,
    I64 = 10,
    String = 11,
    Struct = 12,
    Map = 13,
    Set = 14,
    List = 15,
    Uuid = 16,
}

impl TType {
    /// Every type, `Stop` first; handy for exhaustive tests and generators.
    pub const ALL: [TType; 13] = [
        TType::Stop,
        TType::Bool,
        TType::I8,
        TType::Double,
        TType::I16,
        TType::I32,
        TType::I64,
        TType::String,
        TType::Struct,
        TType::Map,
        TType::Set,
        TType::List,
        TType::Uuid,
    ];

    /// The type with binary-protocol code `code`.
    #[inline]
    pub fn from_code(code: u8) -> Result<TType, WireError> {
        Ok(match code {
            0 => TType::Stop,
            2 => TType::Bool,
            3 => TType::I8,
            4 => TType::Double,
            6 => TType::I16,
            8 => TType::I32,
            10 => TType::I64,
            11 => TType::String,
            12 => TType::Struct,
            13 => TType::Map,
            14 => TType::Set,
            15 => TType::List,
            16 => TType::Uuid,
            _ => return Err(WireError::UnknownType(code)),
        })
    }

    /// The binary-protocol code.
    #[inline]
    pub fn code(self) -> u8 {
        self as u8
    }
}
