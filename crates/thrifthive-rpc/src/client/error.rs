//! What can go wrong in a call, each error saying what happened in words a user can act on.
//! The Python client maps [`ClientError::Application`] to TApplicationException, the seqid and
//! name mismatches to TApplicationException's BAD_SEQUENCE_ID and WRONG_METHOD_NAME, and the
//! rest to TTransportException.

use std::borrow::Cow;
use std::fmt;
use std::io;
use std::time::Duration;

use thrifthive_wire::{MessageType, WireError};

use crate::detect::Detected;
use crate::exception::ApplicationException;
use crate::format::WireFormat;
use crate::message::MethodName;
use crate::net::Address;

#[derive(Debug)]
pub enum ClientError {
    /// The host name did not resolve.
    Resolve {
        address: Address,
        source: io::Error,
    },
    /// Nothing listens at the address.
    Refused {
        address: String,
    },
    ConnectTimeout {
        address: Address,
        after: Duration,
    },
    /// Connecting failed otherwise (unreachable network, missing socket file, ...).
    Connect {
        address: String,
        source: io::Error,
    },
    /// TLS failed: the handshake (a certificate the client does not accept, a server that does
    /// not speak TLS) or an alert from the server.
    Tls {
        address: String,
        reason: String,
    },
    /// The call took longer than the timeout; the connection is dropped, since a late reply
    /// would answer the next call.
    Timeout {
        method: MethodName,
        after: Duration,
    },
    /// The server closed the connection before the reply was complete.
    Closed {
        method: MethodName,
        received: usize,
    },
    /// Sending or receiving failed (the connection was reset, say).
    Io {
        method: MethodName,
        source: io::Error,
    },
    /// The reply is not Thrift: an HTTP response, a TLS alert, or unknown bytes.
    NotThrift {
        method: MethodName,
        looks_like: Detected,
        first_bytes: String,
    },
    /// An HTTP server answered with another status than 200.
    HttpStatus {
        method: MethodName,
        status: u16,
        reason: String,
        /// The start of the response body, as text (servers explain errors there).
        body: String,
    },
    /// The HTTP response cannot be read.
    InvalidHttp {
        method: MethodName,
        reason: String,
    },
    /// The reply is Thrift, but in another transport or protocol than the request's.
    WrongFormat {
        method: MethodName,
        expected: WireFormat,
        got: WireFormat,
    },
    /// The reply cannot be read: a bad or oversized frame, a malformed or oversized message.
    InvalidReply {
        method: MethodName,
        source: WireError,
    },
    /// The reply answers another call.
    BadSequenceId {
        method: MethodName,
        expected: i32,
        got: i32,
    },
    WrongMethodName {
        expected: MethodName,
        got: MethodName,
    },
    /// The reply is neither a REPLY nor an EXCEPTION message.
    UnexpectedMessageType {
        method: MethodName,
        got: MessageType,
    },
    /// A pipelined connection got a reply whose seqid answers no call in flight on it (nor
    /// one given up on): the server is confused, and the connection is closed.
    UnknownSequenceId {
        method: MethodName,
        got: i32,
    },
    /// The client was closed while the call waited for its reply (or for a connection).
    ClientClosed {
        method: MethodName,
    },
    /// A discovering client knows no instance of the service to call.
    NoInstances {
        source: String,
    },
    /// The server answered with a TApplicationException.
    Application(ApplicationException),
    /// The request handed to the client has no readable message header; nothing was sent.
    InvalidRequest(WireError),
    /// The blocking client's runtime could not start.
    Runtime(String),
}

impl ClientError {
    /// A short name for the kind of error, for counting errors by kind.
    pub fn kind(&self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            ClientError::Resolve { .. } => "cannot resolve",
            ClientError::Refused { .. } => "connection refused",
            ClientError::ConnectTimeout { .. } => "connect timeout",
            ClientError::Connect { .. } => "cannot connect",
            ClientError::Tls { .. } => "tls",
            ClientError::Timeout { .. } => "timeout",
            ClientError::Closed { .. } => "closed by peer",
            ClientError::Io { .. } => "i/o error",
            ClientError::NotThrift { .. } => "not thrift",
            ClientError::WrongFormat { .. } => "wrong format",
            ClientError::HttpStatus { .. } => "http error status",
            ClientError::InvalidHttp { .. } => "invalid http response",
            ClientError::InvalidReply { .. } => "invalid reply",
            ClientError::BadSequenceId { .. } => "bad sequence id",
            ClientError::WrongMethodName { .. } => "wrong method name",
            ClientError::UnknownSequenceId { .. } => "unknown sequence id",
            ClientError::ClientClosed { .. } => "client closed",
            ClientError::NoInstances { .. } => "no instances",
            ClientError::UnexpectedMessageType { .. } => "unexpected message type",
            ClientError::Application(exception) => {
                return Cow::Owned(format!("TApplicationException {}", exception.kind))
            }
            ClientError::InvalidRequest(_) => "invalid request",
            ClientError::Runtime(_) => "runtime",
        })
    }

    /// Whether the connection can no longer be used after this error: anything but a complete
    /// exception reply or a request that was never sent leaves it in an unknown state.
    pub fn breaks_connection(&self) -> bool {
        !matches!(
            self,
            ClientError::Application(_) | ClientError::InvalidRequest(_)
        )
    }

    /// Whether the error happened while connecting.
    pub fn is_connect(&self) -> bool {
        matches!(
            self,
            ClientError::Resolve { .. }
                | ClientError::Refused { .. }
                | ClientError::ConnectTimeout { .. }
                | ClientError::Connect { .. }
                | ClientError::Tls { .. }
        )
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Tls { address, reason } => {
                write!(f, "TLS with {address} failed: {reason}")
            }
            ClientError::Resolve { address, source } => {
                write!(f, "cannot resolve the host of {address}: {source}")
            }
            ClientError::Refused { address } => write!(
                f,
                "connection refused by {address}: is the server running and listening there?"
            ),
            ClientError::ConnectTimeout { address, after } => {
                write!(
                    f,
                    "connecting to {address} timed out after {} ms",
                    after.as_millis()
                )
            }
            ClientError::Connect { address, source } => {
                write!(f, "cannot connect to {address}: {source}")
            }
            ClientError::Timeout { method, after } => write!(
                f,
                "timed out after {} ms waiting for the reply to {method}",
                after.as_millis()
            ),
            ClientError::Closed {
                method,
                received: 0,
            } => write!(
                f,
                "the server closed the connection before replying to {method}"
            ),
            ClientError::Closed { method, received } => write!(
                f,
                "the server closed the connection in the middle of the reply to {method} \
                 (after {received} bytes)"
            ),
            ClientError::Io { method, source } => {
                write!(f, "connection error during the call to {method}: {source}")
            }
            ClientError::NotThrift {
                method,
                looks_like: Detected::Http,
                first_bytes,
            } => write!(
                f,
                "expected a reply to {method}, got an HTTP response: is the server speaking \
                 HTTP? This is not a Thrift reply (first bytes: {first_bytes})"
            ),
            ClientError::NotThrift {
                method,
                looks_like,
                first_bytes,
            } => write!(
                f,
                "expected a reply to {method}, got {looks_like}: this is not a Thrift reply \
                 (first bytes: {first_bytes})"
            ),
            ClientError::HttpStatus {
                method,
                status,
                reason,
                body,
            } => {
                write!(
                    f,
                    "the HTTP server answered the call to {method} with {status} {reason}"
                )?;
                if !body.is_empty() {
                    write!(f, ": {body}")?;
                }
                Ok(())
            }
            ClientError::InvalidHttp { method, reason } => {
                write!(f, "cannot read the HTTP response to {method}: {reason}")
            }
            ClientError::WrongFormat {
                method,
                expected,
                got,
            } => write!(
                f,
                "the reply to {method} is {got} Thrift but the client speaks {expected}: \
                 set the client's transport and protocol to the server's"
            ),
            ClientError::InvalidReply { method, source } => {
                write!(f, "cannot read the reply to {method}: {source}")
            }
            ClientError::BadSequenceId {
                method,
                expected,
                got,
            } => write!(
                f,
                "the reply to {method} has seqid {got}, expected {expected}: it answers \
                 another call"
            ),
            ClientError::WrongMethodName { expected, got } => {
                write!(f, "expected a reply to {expected}, got one to {got}")
            }
            ClientError::UnknownSequenceId { method, got } => write!(
                f,
                "while waiting for the reply to {method}, the server sent a reply with seqid \
                 {got}, which answers no call made on this connection: the connection was \
                 closed"
            ),
            ClientError::ClientClosed { method } => write!(
                f,
                "the client was closed while the call to {method} was in flight"
            ),
            ClientError::NoInstances { source } => write!(
                f,
                "no instance of the service is known at {source}: none is registered, or \
                 the registry could not be reached yet"
            ),
            ClientError::UnexpectedMessageType { method, got } => write!(
                f,
                "expected a reply to {method}, got a message of type {got:?}"
            ),
            ClientError::Application(exception) => exception.fmt(f),
            ClientError::InvalidRequest(source) => {
                write!(f, "the request is not a Thrift message: {source}")
            }
            ClientError::Runtime(reason) => {
                write!(f, "cannot start the client's I/O runtime: {reason}")
            }
        }
    }
}

impl std::error::Error for ClientError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ClientError::Resolve { source, .. }
            | ClientError::Connect { source, .. }
            | ClientError::Io { source, .. } => Some(source),
            ClientError::InvalidReply { source, .. } | ClientError::InvalidRequest(source) => {
                Some(source)
            }
            ClientError::Application(exception) => Some(exception),
            _ => None,
        }
    }
}
