//! thrifthive-wire: the Thrift wire formats in pure Rust, no I/O.
//!
//! - [`binary`] (TBinaryProtocol), [`compact`] (TCompactProtocol) and [`json`] (TJSONProtocol),
//!   each a writer appending to a `Vec<u8>` and a reader over a borrowed `&[u8]`, behind the
//!   [`ProtocolWriter`] and [`ProtocolReader`] traits. Callers are generic over the traits and
//!   monomorphized per protocol: the hot path has no dynamic dispatch and no value tree.
//! - [`skip`]: passing over a value of any type, for every protocol.
//! - [`Limits`]: string, container, depth and message-size limits every reader enforces before
//!   allocating; breaches are [`WireError`]s that name the limit and the value.
//! - [`framing`]: the 4-byte length prefix of framed transports.

pub mod binary;
pub mod compact;
mod cursor;
mod error;
pub mod framing;
pub mod json;
mod limits;
mod message;
mod skip;
mod traits;
mod ttype;

pub use binary::{BinaryReader, BinaryWriter};
pub use compact::{CompactReader, CompactWriter};
pub use error::{LengthOf, WireError};
pub use json::{JsonReader, JsonWriter};
pub use limits::Limits;
pub use message::{MessageHeader, MessageType};
pub use skip::skip;
pub use traits::{FieldHeader, ListHeader, MapHeader, ProtocolReader, ProtocolWriter};
pub use ttype::TType;
