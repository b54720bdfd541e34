//! A message as it goes on the wire: framed ones behind their length prefix, both parts in one
//! vectored write so that a reply leaves in one segment (no Nagle stall, no copy).

use bytes::buf::Chain;
use bytes::Buf;
use thrifthive_wire::{LengthOf, WireError};

use crate::format::Transport;

/// A message with its frame prefix, if any.
#[derive(Debug)]
pub(crate) struct Outbound<'a> {
    prefix: [u8; 4],
    framed: bool,
    message: &'a [u8],
}

impl<'a> Outbound<'a> {
    /// Fails for a framed message whose length does not fit the prefix's i32.
    pub(crate) fn new(transport: Transport, message: &'a [u8]) -> Result<Outbound<'a>, WireError> {
        let framed = transport == Transport::Framed;
        let len = match i32::try_from(message.len()) {
            Ok(len) => len,
            Err(_) if framed => {
                return Err(WireError::SizeLimit {
                    what: LengthOf::Frame,
                    len: message.len() as u64,
                    limit: i32::MAX as u64,
                })
            }
            Err(_) => 0,
        };
        Ok(Outbound {
            prefix: len.to_be_bytes(),
            framed,
            message,
        })
    }

    /// The bytes to write, as one buffer of (at most) two chunks.
    pub(crate) fn buf(&self) -> Chain<&[u8], &'a [u8]> {
        let prefix: &[u8] = if self.framed { &self.prefix } else { &[] };
        prefix.chain(self.message)
    }
}
