//! Telling from the first bytes of a stream what the peer speaks.
//!
//! | first bytes                          | verdict                                  |
//! |--------------------------------------|------------------------------------------|
//! | `80 01`                              | buffered binary (strict header)          |
//! | `82`, version 1                      | buffered compact                         |
//! | `16 03`                              | TLS (a ClientHello): not Thrift          |
//! | `GET `, `POST `, … `HTTP/`           | HTTP: not Thrift                         |
//! | length, then `80 01`                 | framed binary                            |
//! | length, then `82`, version 1         | framed compact                           |
//! | length, then `0F FF`                 | THeader (the protocol is in each frame)  |
//! | name length, then a letter           | buffered binary with a lax header        |
//! | length, name length, then a letter   | framed binary with a lax header          |
//!
//! The cases cannot be confused: a frame length or a lax name length is a non-negative i32
//! that starts with a byte below 0x80 (a frame over 2 GiB is impossible anyway), and a method
//! name starts with a letter or `_`, where frames continue with 0x80, 0x82, 0x0F or a zero.
//! At most [`MAX_DETECT_LEN`] bytes decide.

use std::fmt::{self, Write as _};

use crate::format::{Protocol, Transport, WireFormat};

/// The most bytes [`detect`] may need.
pub const MAX_DETECT_LEN: usize = 9;

/// What the start of a stream looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detected {
    Thrift(WireFormat),
    Http,
    Tls,
    THeader,
    /// None of the above.
    Unknown,
}

/// Requests and responses an HTTP peer may start with.
const HTTP_STARTS: [&[u8]; 11] = [
    b"GET ",
    b"POST ",
    b"PUT ",
    b"HEAD ",
    b"DELETE ",
    b"OPTIONS ",
    b"PATCH ",
    b"CONNECT ",
    b"TRACE ",
    b"PRI * HTTP/2",
    b"HTTP/",
];

/// A lax binary header's name is a method name: short, and starting like an identifier.
const MAX_LAX_NAME_LEN: i32 = 4096;

/// The verdict on a stream starting with `bytes`, or `None` while more bytes are needed.
pub fn detect(bytes: &[u8]) -> Option<Detected> {
    let first = *bytes.first()?;
    match first {
        0x80 => return Some(strict_binary(*bytes.get(1)?, Transport::Buffered)),
        0x82 => return Some(compact(*bytes.get(1)?, Transport::Buffered)),
        0x16 => {
            return Some(match *bytes.get(1)? {
                0x03 => Detected::Tls,
                _ => Detected::Unknown,
            })
        }
        _ => {}
    }
    if first.is_ascii_uppercase() {
        return http(bytes);
    }
    let length = i32::from_be_bytes(*bytes.first_chunk::<4>()?);
    let fifth = *bytes.get(4)?;
    Some(match fifth {
        0x80 => strict_binary(*bytes.get(5)?, Transport::Framed),
        0x82 => compact(*bytes.get(5)?, Transport::Framed),
        0x0f => match *bytes.get(5)? {
            0xff => Detected::THeader,
            _ => Detected::Unknown,
        },
        _ if lax_name(length, fifth) => binary(Transport::Buffered),
        0 => {
            let name_length = i32::from_be_bytes(*bytes[4..].first_chunk::<4>()?);
            if lax_name(name_length, *bytes.get(8)?) {
                binary(Transport::Framed)
            } else {
                Detected::Unknown
            }
        }
        _ => Detected::Unknown,
    })
}

fn binary(transport: Transport) -> Detected {
    Detected::Thrift(WireFormat::new(transport, Protocol::Binary))
}

fn strict_binary(second: u8, transport: Transport) -> Detected {
    match second {
        0x01 => binary(transport),
        _ => Detected::Unknown,
    }
}

fn compact(second: u8, transport: Transport) -> Detected {
    // The low five bits are the version, the high three the message type.
    match second & 0x1f {
        1 => Detected::Thrift(WireFormat::new(transport, Protocol::Compact)),
        _ => Detected::Unknown,
    }
}

fn lax_name(length: i32, first_char: u8) -> bool {
    (1..=MAX_LAX_NAME_LEN).contains(&length)
        && (first_char.is_ascii_alphabetic() || first_char == b'_')
}

fn http(bytes: &[u8]) -> Option<Detected> {
    let mut undecided = false;
    for start in HTTP_STARTS {
        if bytes.starts_with(start) {
            return Some(Detected::Http);
        }
        undecided |= start.starts_with(bytes);
    }
    (!undecided).then_some(Detected::Unknown)
}

impl fmt::Display for Detected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Detected::Thrift(format) => write!(f, "{format} Thrift"),
            Detected::Http => f.write_str("HTTP"),
            Detected::Tls => f.write_str("TLS"),
            Detected::THeader => f.write_str("THeader"),
            Detected::Unknown => f.write_str("something that is not Thrift"),
        }
    }
}

/// The first bytes of `bytes` for an error message: in hex, and as text when they are text
/// (an HTTP request line, say).
pub(crate) fn describe_start(bytes: &[u8]) -> String {
    const SHOWN: usize = 16;
    let mut out = String::new();
    for byte in &bytes[..bytes.len().min(SHOWN)] {
        let _ = write!(out, "{byte:02x} ");
    }
    out.pop();
    if bytes.len() > SHOWN {
        out.push_str(" …");
    }
    let line = bytes
        .split(|&b| b == b'\r' || b == b'\n')
        .next()
        .unwrap_or_default();
    let line = &line[..line.len().min(80)];
    if line.len() >= 4 && line.iter().all(|b| b.is_ascii_graphic() || *b == b' ') {
        let _ = write!(out, " ({:?})", String::from_utf8_lossy(line));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thrift(transport: Transport, protocol: Protocol) -> Option<Detected> {
        Some(Detected::Thrift(WireFormat::new(transport, protocol)))
    }

    #[test]
    fn thrift_formats() {
        use Protocol::*;
        use Transport::*;
        assert_eq!(detect(b"\x80\x01\x00\x01"), thrift(Buffered, Binary));
        assert_eq!(detect(b"\x82\x21\x00\x04ping"), thrift(Buffered, Compact));
        assert_eq!(detect(b"\x00\x00\x00\x10\x80\x01"), thrift(Framed, Binary));
        assert_eq!(detect(b"\x00\x00\x00\x10\x82\x81"), thrift(Framed, Compact));
        assert_eq!(
            detect(b"\x00\x00\x00\x04ping\x01"),
            thrift(Buffered, Binary)
        );
        assert_eq!(
            detect(b"\x00\x00\x00\x11\x00\x00\x00\x04ping"),
            thrift(Framed, Binary)
        );
    }

    #[test]
    fn not_thrift() {
        assert_eq!(detect(b"GET / HTTP/1.1\r\n"), Some(Detected::Http));
        assert_eq!(detect(b"POST /x HTTP/1.1"), Some(Detected::Http));
        assert_eq!(detect(b"HTTP/1.1 200 OK"), Some(Detected::Http));
        assert_eq!(detect(b"\x16\x03\x01\x02\x00\x01"), Some(Detected::Tls));
        assert_eq!(
            detect(b"\x00\x00\x00\x20\x0f\xff\x00\x00"),
            Some(Detected::THeader)
        );
        assert_eq!(detect(b"\x80\x02"), Some(Detected::Unknown));
        assert_eq!(detect(b"\x82\x02"), Some(Detected::Unknown));
        assert_eq!(detect(b"GXYZ"), Some(Detected::Unknown));
        assert_eq!(detect(b"hello world"), Some(Detected::Unknown));
        assert_eq!(
            detect(b"\x00\x00\x00\x05\x00\x00\x00\x00\x00"),
            Some(Detected::Unknown)
        );
    }

    #[test]
    fn waits_for_enough_bytes() {
        for partial in [
            &b""[..],
            b"\x80",
            b"\x82",
            b"\x16",
            b"GE",
            b"POST",
            b"\x00\x00\x00",
        ] {
            assert_eq!(detect(partial), None, "{partial:?}");
        }
        assert_eq!(detect(b"\x00\x00\x00\x10"), None);
        assert_eq!(detect(b"\x00\x00\x00\x10\x80"), None);
        assert_eq!(detect(b"\x00\x00\x00\x10\x00\x00\x00\x04"), None);
        // Every verdict comes within MAX_DETECT_LEN bytes.
        assert!(detect(&[0; MAX_DETECT_LEN]).is_some());
    }

    #[test]
    fn describes_starts() {
        assert_eq!(describe_start(b"\x00\x01"), "00 01");
        assert_eq!(
            describe_start(b"GET / HTTP/1.1\r\nHost: x\r\n"),
            "47 45 54 20 2f 20 48 54 54 50 2f 31 2e 31 0d 0a … (\"GET / HTTP/1.1\")"
        );
    }
}
