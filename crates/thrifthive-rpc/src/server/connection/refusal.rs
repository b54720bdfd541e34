//! Refusing what is not a request this server takes: not Thrift, Thrift in a format the
//! settings exclude, or a message that cannot be read. Each refusal is logged, and answered
//! where the client can understand an answer, before the connection closes.

use std::sync::Arc;

use bytes::Bytes;

use crate::detect::{describe_start, detect, Detected, MAX_DETECT_LEN};
use crate::dispatch::Dispatch;
use crate::exception::{ApplicationException, ExceptionKind};
use crate::format::{Protocol, Transport, WireFormat};
use crate::http;
use crate::inbound::{first_header, ErrorAnswer, Inbound, Unreadable};
use crate::message::MethodName;
use crate::outbound::{Outgoing, Wrapping};

use super::{Connection, LOG};

impl<D: Dispatch> Connection<D> {
    /// Tells from the first bytes what the client speaks; returns whether it is Thrift that
    /// this server accepts. Anything else ends the connection, with an explanation where the
    /// client can understand one.
    pub(super) fn detect(&mut self) -> bool {
        let Some(detected) = detect(&self.buf) else {
            self.need = (self.buf.len() + 1).min(MAX_DETECT_LEN);
            return false;
        };
        let shared = Arc::clone(&self.shared);
        let config = &shared.config;
        if self.plaintext_on_tls {
            self.refuse_plaintext(detected);
            return false;
        }
        let format = match detected {
            Detected::Thrift(format) => format,
            // The protocol is said by each request's body; binary stands in until the first.
            Detected::Http if config.transport == Some(Transport::Http) => {
                WireFormat::new(Transport::Http, Protocol::Binary)
            }
            Detected::Http => {
                self.refuse(
                    "sent an HTTP request; this server does not serve HTTP (its transport \
                     would be http)",
                );
                self.farewell = Some(Outgoing::raw(Bytes::from_static(HTTP_REFUSAL)));
                return false;
            }
            Detected::Tls => {
                self.refuse("started a TLS handshake; this server does not speak TLS");
                return false;
            }
            // The protocol is named frame by frame; binary stands in until the first one.
            Detected::THeader => WireFormat::new(Transport::Header, Protocol::Binary),
            Detected::Unknown => {
                self.refuse("sent something that is not Thrift");
                return false;
            }
        };
        let per_request = matches!(format.transport, Transport::Header | Transport::Http);
        let refused = match (config.transport, config.protocol) {
            (Some(transport), _) if transport != format.transport => {
                Some(format!("the {transport} transport"))
            }
            // A THeader frame or HTTP request names its protocol: checked when dispatched.
            (_, Some(protocol)) if protocol != format.protocol && !per_request => {
                Some(format!("the {protocol} protocol"))
            }
            _ => None,
        };
        if let Some(accepted) = refused {
            let reason = format!("speaks {format}, but this server accepts only {accepted}");
            self.refuse(&reason);
            // Say it in the client's own format, which it can read.
            let header = first_header(format, config.limits, &self.buf);
            self.farewell = header.and_then(|header| {
                let exception = ApplicationException::new(ExceptionKind::INVALID_PROTOCOL, reason);
                let wrapping = Wrapping::Plain(format.transport);
                encode_exception(format, &wrapping, &header.name, header.seqid, &exception)
            });
            return false;
        }
        log::debug!(target: LOG, "connection {} from {} speaks {format}", self.id, self.peer);
        self.inbound = Some(match format.transport {
            Transport::Http => Inbound::http(
                Arc::from(config.http_path.as_str()),
                config.limits,
                config.max_frame_size,
            ),
            _ => Inbound::new(format, config.limits, config.max_frame_size),
        });
        true
    }

    /// A client that speaks `detected` without TLS, on a TLS server: told so where it can
    /// understand it.
    fn refuse_plaintext(&mut self, detected: Detected) {
        let reason = "this server requires TLS: connect with TLS";
        self.refuse(&format!("speaks {detected} without TLS, but {reason}"));
        self.farewell = match detected {
            Detected::Http => Some(Outgoing::raw(Bytes::from_static(HTTPS_REQUIRED))),
            Detected::Thrift(format) => first_header(format, self.shared.config.limits, &self.buf)
                .and_then(|header| {
                    let exception =
                        ApplicationException::new(ExceptionKind::INVALID_PROTOCOL, reason);
                    let wrapping = Wrapping::Plain(format.transport);
                    encode_exception(format, &wrapping, &header.name, header.seqid, &exception)
                }),
            _ => None,
        };
    }

    /// Logs why the connection is refused and stops reading from it.
    fn refuse(&mut self, reason: &str) {
        log::warn!(
            target: LOG,
            "connection {} from {} {reason} (first bytes: {}); closing",
            self.id, self.peer, describe_start(&self.buf)
        );
        self.reading = false;
    }

    /// A request that cannot be read (a bad frame, a malformed or oversized message) ends the
    /// connection: with an error reply if its header could be read, after the pending replies.
    pub(super) fn reject_message(&mut self, unreadable: Unreadable) {
        let Some(format) = self.inbound.as_ref().map(Inbound::format) else {
            return;
        };
        let Unreadable { error, answer } = unreadable;
        let call = match &answer {
            ErrorAnswer::Call(header) => format!("call {} (seqid {})", header.name, header.seqid),
            _ => String::from("a request"),
        };
        log::warn!(
            target: LOG,
            "connection {} from {}: cannot read {call}: {error}; closing",
            self.id, self.peer
        );
        self.reading = false;
        let message = format!("the server cannot read this {format} request: {error}");
        self.farewell = match answer {
            ErrorAnswer::Nothing => None,
            ErrorAnswer::Call(header) => {
                let exception = ApplicationException::new(ExceptionKind::PROTOCOL_ERROR, message);
                let wrapping = Wrapping::Plain(format.transport);
                encode_exception(format, &wrapping, &header.name, header.seqid, &exception)
            }
            // A THeader frame whose message could not be read: answered as Apache's servers
            // do, with no method name, in the frame's protocol and seqid.
            ErrorAnswer::Header(envelope, kind) => {
                let format = WireFormat::new(Transport::Header, envelope.protocol);
                let exception = ApplicationException::new(kind, message);
                let (name, seqid) = (MethodName::from(""), envelope.seqid);
                let wrapping = Wrapping::Header(envelope);
                encode_exception(format, &wrapping, &name, seqid, &exception)
            }
            ErrorAnswer::Http(error) => Some(Outgoing::raw(http::server::refusal(&error))),
        };
    }
}

/// An exception as a complete message in `format`, wrapped as `wrapping` says; `None`
/// (logged) if it cannot be encoded.
fn encode_exception(
    format: WireFormat,
    wrapping: &Wrapping,
    name: &MethodName,
    seqid: i32,
    exception: &ApplicationException,
) -> Option<Outgoing> {
    let encoded = exception
        .encode(format.protocol, name.as_str(), seqid)
        .and_then(|message| Outgoing::wrapped(wrapping, message));
    encoded
        .map_err(|error| log::error!(target: LOG, "cannot encode {exception}: {error}"))
        .ok()
}

/// The answer to an HTTP request: a client that speaks HTTP can at least show this.
const HTTP_REFUSAL: &[u8] = b"HTTP/1.1 400 Bad Request\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
Content-Length: 88\r\n\
Connection: close\r\n\
\r\n\
This is a Thrift server: it speaks framed, buffered or THeader binary or compact Thrift\n";

/// The answer to a plaintext HTTP request on a TLS server.
const HTTPS_REQUIRED: &[u8] = b"HTTP/1.1 400 Bad Request\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
Content-Length: 46\r\n\
Connection: close\r\n\
\r\n\
This server requires TLS: use an https:// URL\n";
