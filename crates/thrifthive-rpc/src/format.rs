//! What a connection speaks: a transport (how messages are delimited) and a protocol (how they
//! are encoded). A server detects both per connection unless its settings pin them; a client
//! always says which it uses.

use std::fmt;

/// How messages are delimited on a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    /// TFramedTransport: each message preceded by its length, a 4-byte big-endian i32.
    Framed,
    /// TBufferedTransport (unframed): messages back to back; a message ends where its encoding
    /// ends, so the receiver finds the boundary by walking the message.
    Buffered,
    /// THeader: frames with a header naming the protocol inside, payload transforms (zlib) and
    /// info headers; see [`crate::header`]. The protocol may differ from frame to frame.
    Header,
    /// HTTP/1.1: each message the body of a POST (a request) or of its response; see
    /// [`crate::http`].
    Http,
}

/// How a message is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// TBinaryProtocol (strict headers are written; strict and lax ones are read).
    Binary,
    /// TCompactProtocol.
    Compact,
}

/// A transport and a protocol together: everything needed to read and write messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WireFormat {
    pub transport: Transport,
    pub protocol: Protocol,
}

impl WireFormat {
    pub const fn new(transport: Transport, protocol: Protocol) -> WireFormat {
        WireFormat {
            transport,
            protocol,
        }
    }
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Transport::Framed => "framed",
            Transport::Buffered => "buffered",
            Transport::Header => "header",
            Transport::Http => "http",
        })
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Protocol::Binary => "binary",
            Protocol::Compact => "compact",
        })
    }
}

impl fmt::Display for WireFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.transport, self.protocol)
    }
}
