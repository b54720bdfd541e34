//! The client side of Thrift over HTTP: a call's POST request, and reading its response.

use bytes::{Buf, Bytes, BytesMut};

use super::{content_length, header, keep_alive, CONTENT_TYPE, MAX_HEADERS, MAX_HEAD_LEN};
use crate::header::InfoHeaders;

/// The head of a POST of a `body_len`-byte message to `path` on `host`, with `extra` headers.
/// Fails for a header that would break the head (a name that is not a token, a line break in a
/// value).
pub(crate) fn request_head(
    host: &str,
    path: &str,
    extra: &InfoHeaders,
    body_len: usize,
) -> Result<Vec<u8>, String> {
    let mut head = Vec::with_capacity(160);
    head.extend_from_slice(format!("POST {path} HTTP/1.1\r\nHost: {host}\r\n").as_bytes());
    let mut user_agent = false;
    for (name, value) in extra.iter() {
        let token = |b: &u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(b);
        if name.is_empty() || !name.iter().all(token) {
            return Err(format!(
                "{:?} is not a valid HTTP header name",
                String::from_utf8_lossy(name)
            ));
        }
        if value.iter().any(|&b| b == b'\r' || b == b'\n' || b == 0) {
            return Err(format!(
                "the value of HTTP header {:?} has a line break",
                String::from_utf8_lossy(name)
            ));
        }
        let reserved = [
            "host",
            "content-length",
            "content-type",
            "transfer-encoding",
            "connection",
        ];
        if reserved
            .iter()
            .any(|r| name.eq_ignore_ascii_case(r.as_bytes()))
        {
            return Err(format!(
                "HTTP header {:?} is set by the client itself",
                String::from_utf8_lossy(name)
            ));
        }
        user_agent |= name.eq_ignore_ascii_case(b"user-agent");
        for part in [&name[..], b": ", &value[..], b"\r\n"] {
            head.extend_from_slice(part);
        }
    }
    if !user_agent {
        head.extend_from_slice(b"User-Agent: thrifthive\r\n");
    }
    head.extend_from_slice(
        format!("Content-Type: {CONTENT_TYPE}\r\nAccept: {CONTENT_TYPE}\r\nContent-Length: {body_len}\r\n\r\n")
            .as_bytes(),
    );
    Ok(head)
}

/// A whole response.
#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) reason: String,
    pub(crate) body: Bytes,
    /// Whether the connection can carry another call.
    pub(crate) keep_alive: bool,
}

/// What [`take_response`] found.
#[derive(Debug)]
pub(crate) enum Taken {
    Response(Response),
    /// The buffer must hold at least this many bytes first.
    NeedAtLeast(usize),
}

/// Takes the response at the front of `buf` if it is all there. `eof`: the server closed the
/// connection, which ends a body sent without a length. `max_body` bounds the body.
pub(crate) fn take_response(
    buf: &mut BytesMut,
    eof: bool,
    max_body: usize,
) -> Result<Taken, String> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut response = httparse::Response::new(&mut headers);
    let head_len = match response.parse(buf) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) if buf.len() > MAX_HEAD_LEN => {
            return Err(format!("the response head is over {MAX_HEAD_LEN} bytes"))
        }
        Ok(httparse::Status::Partial) => return Ok(Taken::NeedAtLeast(buf.len() + 1)),
        Err(error) => return Err(format!("malformed HTTP response: {error}")),
    };
    let status = response.code.unwrap_or_default();
    let reason = response.reason.unwrap_or_default().to_owned();
    let headers = response.headers;
    if header(headers, "transfer-encoding").is_some() {
        return Err(
            "chunked responses are not supported: the server must send a Content-Length".into(),
        );
    }
    let (body_len, keep_alive) = match header(headers, "content-length") {
        Some(value) => {
            let len = content_length(value).ok_or_else(|| {
                format!(
                    "invalid Content-Length {:?}",
                    String::from_utf8_lossy(value)
                )
            })?;
            (
                len,
                keep_alive(response.version.unwrap_or(1), header(headers, "connection")),
            )
        }
        // No length: the body runs to the end of the connection, which then cannot be reused.
        None if eof => (buf.len() - head_len, false),
        None if buf.len() - head_len > max_body => {
            return Err(format!(
                "the response body is over the limit of {max_body} bytes"
            ))
        }
        None => return Ok(Taken::NeedAtLeast(buf.len() + 1)),
    };
    if body_len > max_body {
        return Err(format!(
            "the response body of {body_len} bytes is over the limit of {max_body}"
        ));
    }
    if buf.len() < head_len + body_len {
        return Ok(Taken::NeedAtLeast(head_len + body_len));
    }
    let mut whole = buf.split_to(head_len + body_len);
    whole.advance(head_len);
    Ok(Taken::Response(Response {
        status,
        reason,
        body: whole.freeze(),
        keep_alive,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_heads_carry_the_extra_headers() {
        let mut extra = InfoHeaders::default();
        extra.insert("X-Trace", "abc");
        let head = request_head("h:1", "/t", &extra, 7).unwrap();
        let head = String::from_utf8(head).unwrap();
        assert!(
            head.starts_with("POST /t HTTP/1.1\r\nHost: h:1\r\nX-Trace: abc\r\n"),
            "{head}"
        );
        assert!(head.ends_with("Content-Length: 7\r\n\r\n"), "{head}");
        let mut bad = InfoHeaders::default();
        bad.insert("X-Bad", "a\r\nInjected: yes");
        assert!(request_head("h", "/", &bad, 0)
            .unwrap_err()
            .contains("line break"));
        let mut bad = InfoHeaders::default();
        bad.insert("Bad Name", "v");
        assert!(request_head("h", "/", &bad, 0).is_err());
    }

    #[test]
    fn responses_by_length_or_to_the_end() {
        let mut buf = BytesMut::from(&b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP"[..]);
        let Ok(Taken::Response(response)) = take_response(&mut buf, false, 100) else {
            panic!()
        };
        assert_eq!(
            (response.status, &response.body[..], response.keep_alive),
            (200, &b"ok"[..], true)
        );
        assert_eq!(&buf[..], b"HTTP");
        let mut buf = BytesMut::from(&b"HTTP/1.0 200 OK\r\n\r\nbody"[..]);
        assert!(matches!(
            take_response(&mut buf, false, 100),
            Ok(Taken::NeedAtLeast(_))
        ));
        let Ok(Taken::Response(response)) = take_response(&mut buf, true, 100) else {
            panic!()
        };
        assert_eq!(
            (&response.body[..], response.keep_alive),
            (&b"body"[..], false)
        );
        let mut buf = BytesMut::from(&b"HTTP/1.1 200 OK\r\nContent-Length: 200\r\n\r\n"[..]);
        assert!(take_response(&mut buf, false, 100)
            .unwrap_err()
            .contains("over the limit"));
    }
}
