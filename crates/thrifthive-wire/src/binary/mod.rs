//! TBinaryProtocol: fixed-width big-endian integers, 4-byte length prefixes, one byte per bool.
//!
//! Message headers are written strict (`0x8001_0000 | type`, name, seqid) and read in both the
//! strict and the old unversioned form (name, type byte, seqid), which a receiver tells apart by
//! the sign of the first word.

mod reader;
mod writer;

pub use reader::BinaryReader;
pub use writer::BinaryWriter;

use crate::ttype::TType;

/// The strict header's version word; the message type fills the low byte.
const VERSION_1: u32 = 0x8001_0000;
const VERSION_MASK: u32 = 0xffff_0000;

/// The fewest bytes a value of `ttype` takes, for checking container lengths against the input.
#[inline]
fn min_size(ttype: TType) -> usize {
    match ttype {
        TType::Stop | TType::Bool | TType::I8 | TType::Struct => 1,
        TType::I16 => 2,
        TType::I32 | TType::String => 4,
        TType::I64 | TType::Double => 8,
        TType::List | TType::Set => 5,
        TType::Map => 6,
        TType::Uuid => 16,
    }
}
