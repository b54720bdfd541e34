//! The server side of Thrift over HTTP: taking whole requests (head and body) off a
//! connection's receive buffer, and writing responses.

use std::fmt::Write as _;

use bytes::{Buf, Bytes, BytesMut};

use super::{
    content_length, header, keep_alive, HttpRequest, CONTENT_TYPE, MAX_HEADERS, MAX_HEAD_LEN,
};
use crate::header::InfoHeaders;

/// What [`take_request`] found.
#[derive(Debug)]
pub(crate) enum Taken {
    /// A whole request: its body (the Thrift message) and the rest of what it said.
    Request(Bytes, HttpRequest),
    /// The buffer must hold at least this many bytes first.
    NeedAtLeast(usize),
}

/// A request the server refuses, with the status that says why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpError {
    pub status: u16,
    pub reason: String,
}

impl HttpError {
    fn new(status: u16, reason: impl Into<String>) -> HttpError {
        HttpError {
            status,
            reason: reason.into(),
        }
    }
}

/// Takes the first request off `buf` if it is all there: a POST to `path` (any query string
/// ignored) with a Content-Length of at most `max_body` bytes.
pub(crate) fn take_request(
    buf: &mut BytesMut,
    path: &str,
    max_body: usize,
) -> Result<Taken, HttpError> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    let head_len = match request.parse(buf) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) if buf.len() > MAX_HEAD_LEN => {
            let reason = format!("the request head is over {MAX_HEAD_LEN} bytes");
            return Err(HttpError::new(431, reason));
        }
        Ok(httparse::Status::Partial) => return Ok(Taken::NeedAtLeast(buf.len() + 1)),
        Err(httparse::Error::TooManyHeaders) => {
            let reason = format!("the request has over {MAX_HEADERS} header lines");
            return Err(HttpError::new(431, reason));
        }
        Err(error) => {
            return Err(HttpError::new(
                400,
                format!("malformed HTTP request: {error}"),
            ))
        }
    };
    let method = request.method.unwrap_or_default();
    if method != "POST" {
        let reason = format!("{method} is not served here: Thrift calls are POST requests");
        return Err(HttpError::new(405, reason));
    }
    let target = request.path.unwrap_or_default();
    let target_path = target.split_once('?').map_or(target, |(path, _)| path);
    if target_path != path {
        return Err(HttpError::new(
            404,
            format!("no Thrift service at {target_path}; it is at {path}"),
        ));
    }
    let headers = request.headers;
    if header(headers, "transfer-encoding").is_some() {
        let reason = "chunked request bodies are not supported: send a Content-Length";
        return Err(HttpError::new(411, reason));
    }
    let Some(length) = header(headers, "content-length") else {
        return Err(HttpError::new(
            411,
            "a Thrift request needs a Content-Length",
        ));
    };
    let Some(body_len) = content_length(length) else {
        let shown = String::from_utf8_lossy(length);
        return Err(HttpError::new(
            400,
            format!("invalid Content-Length {shown:?}"),
        ));
    };
    if body_len > max_body {
        let reason = format!("a body of {body_len} bytes is over the limit of {max_body}");
        return Err(HttpError::new(413, reason));
    }
    if let Some(content_type) = header(headers, "content-type") {
        if !thrift_content_type(content_type) {
            let shown = String::from_utf8_lossy(content_type);
            let reason = format!("content type {shown:?} is not Thrift: send {CONTENT_TYPE}");
            return Err(HttpError::new(415, reason));
        }
    }
    let total = head_len + body_len;
    if buf.len() < total {
        return Ok(Taken::NeedAtLeast(total));
    }
    let mut info = InfoHeaders::default();
    for header in headers.iter() {
        info.insert(
            header.name.to_ascii_lowercase(),
            Bytes::copy_from_slice(header.value),
        );
    }
    let keep_alive = keep_alive(request.version.unwrap_or(1), header(headers, "connection"));
    let mut message = buf.split_to(total);
    message.advance(head_len);
    Ok(Taken::Request(
        message.freeze(),
        HttpRequest {
            headers: info,
            keep_alive,
        },
    ))
}

/// Content types Thrift peers send (Apache's and thriftpy2's clients: application/x-thrift).
fn thrift_content_type(value: &[u8]) -> bool {
    let media_type = value
        .split(|&b| b == b';')
        .next()
        .unwrap_or_default()
        .trim_ascii();
    [
        CONTENT_TYPE,
        "application/vnd.apache.thrift.binary",
        "application/vnd.apache.thrift.compact",
        "application/octet-stream",
    ]
    .iter()
    .any(|accepted| media_type.eq_ignore_ascii_case(accepted.as_bytes()))
}

/// A 200 response carrying `body` (a reply message, or nothing for a oneway call).
pub(crate) fn ok(body: &[u8], keep_alive: bool) -> Bytes {
    response(200, CONTENT_TYPE, body, keep_alive, "")
}

/// The response to a refused request: `error`'s status, its reason as text, and the end of the
/// connection (the rest of what the client sent cannot be trusted to be a request).
pub(crate) fn refusal(error: &HttpError) -> Bytes {
    let extra = if error.status == 405 {
        "Allow: POST\r\n"
    } else {
        ""
    };
    let body = format!("{}\n", error.reason);
    response(
        error.status,
        "text/plain; charset=utf-8",
        body.as_bytes(),
        false,
        extra,
    )
}

fn response(status: u16, content_type: &str, body: &[u8], keep_alive: bool, extra: &str) -> Bytes {
    let mut head = String::with_capacity(160);
    let _ = write!(
        head,
        "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n{extra}",
        reason_phrase(status),
        body.len()
    );
    if !keep_alive {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    let mut out = Vec::with_capacity(head.len() + body.len());
    out.extend_from_slice(head.as_bytes());
    out.extend_from_slice(body);
    out.into()
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        431 => "Request Header Fields Too Large",
        _ => "Error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn take(request: &[u8]) -> Result<Taken, HttpError> {
        take_request(&mut BytesMut::from(request), "/thrift", 100)
    }

    fn status(request: &[u8]) -> u16 {
        take(request).unwrap_err().status
    }

    #[test]
    fn takes_whole_requests_only() {
        let request = b"POST /thrift?x=1 HTTP/1.1\r\nHost: h\r\nX-Trace: abc\r\nContent-Length: 3\r\n\r\nabcPOST";
        let mut buf = BytesMut::from(&request[..]);
        let Ok(Taken::Request(body, request)) = take_request(&mut buf, "/thrift", 100) else {
            panic!("a request")
        };
        assert_eq!(&body[..], b"abc");
        assert_eq!(&buf[..], b"POST", "the next request stays");
        assert!(request.keep_alive);
        assert_eq!(
            request.headers.get(b"x-trace").map(|v| &v[..]),
            Some(&b"abc"[..])
        );
        assert!(
            matches!(take(b"POST /thrift HTTP/1.1\r\nContent-Length: 3\r\n\r\na"), Ok(Taken::NeedAtLeast(n)) if n > 40)
        );
        assert!(matches!(
            take(b"POST /thrift HTTP/1.1\r\nContent-"),
            Ok(Taken::NeedAtLeast(_))
        ));
    }

    #[test]
    fn refuses_what_is_not_a_thrift_call() {
        assert_eq!(status(b"GET /thrift HTTP/1.1\r\n\r\n"), 405);
        assert_eq!(
            status(b"POST /other HTTP/1.1\r\nContent-Length: 0\r\n\r\n"),
            404
        );
        assert_eq!(status(b"POST /thrift HTTP/1.1\r\n\r\n"), 411);
        assert_eq!(
            status(b"POST /thrift HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"),
            411
        );
        assert_eq!(
            status(b"POST /thrift HTTP/1.1\r\nContent-Length: -5\r\n\r\n"),
            400
        );
        assert_eq!(
            status(b"POST /thrift HTTP/1.1\r\nContent-Length: 101\r\n\r\n"),
            413
        );
        assert_eq!(
            status(
                b"POST /thrift HTTP/1.1\r\nContent-Type: text/html\r\nContent-Length: 1\r\n\r\n"
            ),
            415
        );
        assert_eq!(status(b"POST /thrift HTTP/1.1\r\nBad Header\r\n\r\n"), 400);
        let mut long = b"POST /thrift HTTP/1.1\r\nX-Long: ".to_vec();
        long.resize(MAX_HEAD_LEN + 1, b'a');
        assert_eq!(status(&long), 431);
    }

    #[test]
    fn responses_say_their_length() {
        let ok = ok(b"reply", false);
        assert_eq!(
            &ok[..],
            b"HTTP/1.1 200 OK\r\nContent-Type: application/x-thrift\r\nContent-Length: 5\r\nConnection: close\r\n\r\nreply"
        );
        let refusal = refusal(&HttpError::new(405, "no"));
        assert!(refusal.starts_with(b"HTTP/1.1 405 Method Not Allowed\r\n"));
        assert!(refusal.windows(13).any(|w| w == b"Allow: POST\r\n"));
    }
}
