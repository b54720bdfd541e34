//! Thrift over HTTP/1.1, as Apache's THttpClient/THttpServer and thriftpy2 speak it: each call
//! is a POST whose body is one message (unframed, binary or compact), answered by a 200 whose
//! body is the reply (empty for a oneway call), content type `application/x-thrift`.
//! Connections are kept alive unless a side says otherwise.
//!
//! - [`server`]: reading requests off a server connection, writing responses;
//! - [`client`]: writing requests, reading responses.
//!
//! Only what Thrift needs: bodies have a Content-Length (chunked request bodies are refused with
//! a clear status; a response without a length runs to the end of the connection, as an
//! HTTP/1.0 server sends it).

pub(crate) mod client;
pub(crate) mod server;

use crate::header::InfoHeaders;

/// The content type of a Thrift body.
pub const CONTENT_TYPE: &str = "application/x-thrift";
/// The most bytes a request or response head (start line and headers) may take.
const MAX_HEAD_LEN: usize = 64 * 1024;
/// The most header lines a head may have.
const MAX_HEADERS: usize = 100;

/// What an HTTP request said besides its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// Its headers, names lower-cased (HTTP's are case-insensitive), values as sent.
    pub headers: InfoHeaders,
    /// Whether the connection stays open after the response.
    pub keep_alive: bool,
}

/// Whether a connection stays open after this message: HTTP/1.1 unless it says `close`,
/// HTTP/1.0 only if it says `keep-alive`.
fn keep_alive(minor_version: u8, connection: Option<&[u8]>) -> bool {
    let says = |token: &str| {
        connection.is_some_and(|value| {
            value
                .split(|&b| b == b',')
                .any(|part| part.trim_ascii().eq_ignore_ascii_case(token.as_bytes()))
        })
    };
    if minor_version >= 1 {
        !says("close")
    } else {
        says("keep-alive")
    }
}

/// The value of the header `name` (case-insensitive) among `headers`.
fn header<'h>(headers: &'h [httparse::Header<'_>], name: &str) -> Option<&'h [u8]> {
    headers
        .iter()
        .find(|header| header.name.eq_ignore_ascii_case(name))
        .map(|header| header.value)
}

/// A Content-Length value: digits only (a sign or spaces inside are an error, not a guess).
fn content_length(value: &[u8]) -> Option<usize> {
    let value = value.trim_ascii();
    if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(value).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keep_alive_follows_the_version_and_connection_header() {
        assert!(keep_alive(1, None));
        assert!(!keep_alive(1, Some(b"Close")));
        assert!(!keep_alive(1, Some(b"upgrade, close")));
        assert!(!keep_alive(0, None));
        assert!(keep_alive(0, Some(b"Keep-Alive")));
    }

    #[test]
    fn content_lengths_are_digits() {
        assert_eq!(content_length(b" 42 "), Some(42));
        assert_eq!(content_length(b"-1"), None);
        assert_eq!(content_length(b"4 2"), None);
        assert_eq!(content_length(b""), None);
        assert_eq!(content_length(b"99999999999999999999999"), None);
    }
}
