//! THeader, Apache's header transport (doc/specs/HeaderFormat.md in Apache Thrift): each message
//! travels in a frame whose header names the protocol inside (binary or compact), the
//! transforms applied to the payload (zlib), and info headers (string key/value pairs that
//! carry metadata such as deadlines and trace ids).
//!
//! - [`frame`]: reading and writing a frame (after its 4-byte length prefix);
//! - [`transforms`]: what may be applied to a payload;
//! - [`info`]: the key/value info headers.

mod frame;
mod info;
mod transforms;

pub use frame::{decode, encode, FrameError};
pub use info::InfoHeaders;
pub use transforms::Transform;

use crate::format::Protocol;

/// The magic in the two bytes after a THeader frame's length prefix.
pub(crate) const MAGIC: u16 = 0x0fff;

/// What a THeader frame says besides its message: how the message was encoded and
/// transformed, and its info headers. A reply goes back in the same protocol, with the same
/// transforms, flags and sequence number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub protocol: Protocol,
    /// Applied to the payload in this order when writing (undone in reverse when reading).
    pub transforms: Vec<Transform>,
    pub flags: u16,
    /// The frame's sequence number (Apache's peers put the message's seqid here).
    pub seqid: i32,
    pub info: InfoHeaders,
}

impl Envelope {
    /// A frame carrying a message in `protocol`, without transforms or info headers.
    pub fn new(protocol: Protocol) -> Envelope {
        Envelope {
            protocol,
            transforms: Vec::new(),
            flags: 0,
            seqid: 0,
            info: InfoHeaders::default(),
        }
    }

    /// The envelope of a reply to a request that came in `self`: the same protocol,
    /// transforms, flags and sequence number, and no info headers.
    pub fn reply(&self) -> Envelope {
        Envelope {
            protocol: self.protocol,
            transforms: self.transforms.clone(),
            flags: self.flags,
            seqid: self.seqid,
            info: InfoHeaders::default(),
        }
    }
}
