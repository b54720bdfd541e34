//! One client connection: send a request, read its reply, check that the reply answers it.

use std::io;
use std::time::Duration;

use bytes::BytesMut;
use thrifthive_wire::MessageType;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::detect::{describe_start, detect, Detected};
use crate::exception::ApplicationException;
use crate::format::Transport;
use crate::format::WireFormat;
use crate::header::{self, Envelope, InfoHeaders};
use crate::inbound::{Carried, Inbound, Next, ReadRoom};
use crate::message::{peek_header, Header, Message, MethodName};
use crate::net::{Address, Stream};
use crate::outbound::Outbound;
use crate::tls::errors::{client_side, tls_error};

use super::connect::connect;
use super::{ClientError, ClientOptions};

/// Reads of 16 KiB: replies can be big (a page of records).
pub(super) const READ_ROOM: ReadRoom = ReadRoom {
    chunk: 16 * 1024,
    max_ahead: 1024 * 1024,
};

/// A connected client socket. After an error that [breaks the
/// connection](ClientError::breaks_connection), drop it and connect again.
#[derive(Debug)]
pub struct Connection {
    pub(super) stream: Stream,
    pub(super) buf: BytesMut,
    pub(super) inbound: Inbound,
    timeout: Option<Duration>,
    /// For THeader: the envelope of every request (protocol and transforms).
    envelope: Option<Envelope>,
    /// For HTTP: where requests are posted.
    pub(super) http: Option<HttpTarget>,
    /// Whether the connection can carry another call (an HTTP server may close it after each).
    pub(super) reusable: bool,
}

/// Where a client's HTTP requests go: the Host header's value, and the path.
#[derive(Debug)]
pub(super) struct HttpTarget {
    pub(super) host: String,
    pub(super) path: String,
}

impl Connection {
    pub async fn connect(
        address: &Address,
        options: &ClientOptions,
    ) -> Result<Connection, ClientError> {
        let stream = connect(address, options).await?;
        Ok(Connection {
            stream,
            buf: BytesMut::new(),
            inbound: Inbound::new(options.format, options.limits, options.max_frame_size),
            timeout: options.timeout,
            envelope: (options.format.transport == Transport::Header).then(|| Envelope {
                transforms: options.transforms.clone(),
                ..Envelope::new(options.format.protocol)
            }),
            http: (options.format.transport == Transport::Http).then(|| HttpTarget {
                host: address.to_string(),
                path: options.http_path.clone(),
            }),
            reusable: true,
        })
    }

    /// Whether the connection can carry another call: false once the server said it closes
    /// it (an HTTP/1.0 server, say).
    pub fn is_reusable(&self) -> bool {
        self.reusable
    }

    /// Whether this idle connection can no longer be used: the peer closed it, or left bytes
    /// no call is waiting for. Only meaningful between calls.
    pub fn is_stale(&self) -> bool {
        !self.buf.is_empty() || self.stream.is_stale()
    }

    /// Sends `request`, a whole message in the connection's protocol (no frame prefix), and
    /// unless it is a oneway call waits for the reply: a REPLY message with the request's
    /// method name and seqid. An EXCEPTION reply becomes [`ClientError::Application`].
    pub async fn call(&mut self, request: &[u8]) -> Result<Option<Message>, ClientError> {
        self.call_with(request, &InfoHeaders::default()).await
    }

    /// [`Connection::call`] sending `info` headers with the request (THeader only: other
    /// transports have nowhere to put them, and ignore them).
    pub async fn call_with(
        &mut self,
        request: &[u8],
        info: &InfoHeaders,
    ) -> Result<Option<Message>, ClientError> {
        let protocol = self.inbound.format().protocol;
        let header = peek_header(request, protocol, self.inbound.limits())
            .map_err(ClientError::InvalidRequest)?;
        let timeout = self.timeout;
        let oneway = header.message_type == MessageType::Oneway;
        let exchange = async {
            if self.http.is_some() {
                self.send_http(request, &header.name, info).await?;
                return self.receive_http(&header.name, oneway).await;
            }
            self.send(request, &header, info).await?;
            if oneway {
                return Ok(None);
            }
            self.receive(&header.name).await.map(Some)
        };
        let reply = match timeout {
            None => exchange.await?,
            Some(after) => tokio::time::timeout(after, exchange).await.map_err(|_| {
                ClientError::Timeout {
                    method: header.name.clone(),
                    after,
                }
            })??,
        };
        let Some(reply) = reply else {
            return Ok(None);
        };
        let got = &reply.header;
        if !answers(&header.name, &got.name) {
            return Err(ClientError::WrongMethodName {
                expected: header.name,
                got: got.name.clone(),
            });
        }
        if got.seqid != header.seqid {
            return Err(ClientError::BadSequenceId {
                method: header.name,
                expected: header.seqid,
                got: got.seqid,
            });
        }
        match got.message_type {
            MessageType::Reply => Ok(Some(reply)),
            MessageType::Exception => {
                let body = &reply.bytes[reply.body_offset..];
                Err(
                    match ApplicationException::decode(body, protocol, self.inbound.limits()) {
                        Ok(exception) => ClientError::Application(exception),
                        Err(source) => ClientError::InvalidReply {
                            method: header.name,
                            source,
                        },
                    },
                )
            }
            other => Err(ClientError::UnexpectedMessageType {
                method: header.name,
                got: other,
            }),
        }
    }

    /// Writes one message (framed if the transport is, in a THeader frame with `info` for
    /// THeader), in one write. `header` is the message's.
    pub async fn send(
        &mut self,
        message: &[u8],
        header: &Header,
        info: &InfoHeaders,
    ) -> Result<(), ClientError> {
        let method = &header.name;
        let written = match &self.envelope {
            Some(template) => {
                let envelope = Envelope {
                    seqid: header.seqid,
                    info: info.clone(),
                    ..template.clone()
                };
                let frame =
                    header::encode(&envelope, message).map_err(ClientError::InvalidRequest)?;
                self.stream.write_all(&frame).await
            }
            None => {
                let outbound = Outbound::new(self.inbound.format().transport, message)
                    .map_err(ClientError::InvalidRequest)?;
                self.stream.write_all_buf(&mut outbound.buf()).await
            }
        };
        written.map_err(|source| io_error(method, source))
    }

    /// Reads the next message, whatever it is. `method` names the call in errors.
    pub async fn receive(&mut self, method: &MethodName) -> Result<Message, ClientError> {
        let mut checked = false;
        loop {
            if !checked {
                checked = self.check_start(method)?;
            }
            let need = if checked {
                match self.inbound.next(&mut self.buf) {
                    Ok(Next::Message(message, carried)) => {
                        let envelope = match &carried {
                            Carried::Header(envelope) => Some(&**envelope),
                            _ => None,
                        };
                        return self.check_envelope(method, envelope).map(|()| message);
                    }
                    Ok(Next::NeedAtLeast(need)) => need,
                    Err(unreadable) => {
                        return Err(ClientError::InvalidReply {
                            method: method.clone(),
                            source: unreadable.error,
                        })
                    }
                }
            } else {
                self.buf.len() + 1
            };
            READ_ROOM.prepare(&mut self.buf, need);
            match self.stream.read_buf(&mut self.buf).await {
                Ok(0) => {
                    return Err(ClientError::Closed {
                        method: method.clone(),
                        received: self.buf.len(),
                    })
                }
                Ok(_) => {}
                Err(source) => return Err(io_error(method, source)),
            }
        }
    }

    /// Checks that a THeader reply is in the protocol the request was.
    fn check_envelope(
        &self,
        method: &MethodName,
        envelope: Option<&Envelope>,
    ) -> Result<(), ClientError> {
        let expected = self.inbound.format();
        match envelope {
            Some(envelope) if envelope.protocol != expected.protocol => {
                Err(ClientError::WrongFormat {
                    method: method.clone(),
                    expected,
                    got: WireFormat::new(Transport::Header, envelope.protocol),
                })
            }
            _ => Ok(()),
        }
    }

    /// Checks that the reply starts like the Thrift the client speaks; `false` while too few
    /// bytes arrived to tell.
    fn check_start(&self, method: &MethodName) -> Result<bool, ClientError> {
        let expected = self.inbound.format();
        match detect(&self.buf) {
            None => Ok(false),
            Some(Detected::Thrift(got)) if got == expected => Ok(true),
            Some(Detected::THeader) if expected.transport == Transport::Header => Ok(true),
            Some(Detected::Thrift(got)) => Err(ClientError::WrongFormat {
                method: method.clone(),
                expected,
                got,
            }),
            Some(looks_like) => Err(ClientError::NotThrift {
                method: method.clone(),
                looks_like,
                first_bytes: describe_start(&self.buf),
            }),
        }
    }
}

/// Whether a reply named `got` answers a call named `sent`. A multiplexed call is named
/// `Service:method`, and Apache's multiplexing servers answer it as `method`.
fn answers(sent: &MethodName, got: &MethodName) -> bool {
    let (sent, got) = (sent.as_str(), got.as_str());
    sent == got
        || sent
            .rsplit_once(':')
            .is_some_and(|(_, method)| method == got)
}

pub(super) fn io_error(method: &MethodName, source: io::Error) -> ClientError {
    // A TLS alert mid-call: the server refused the client's certificate, mostly (TLS 1.3
    // checks it after the client's side of the handshake is done).
    if tls_error(&source).is_some() {
        return ClientError::Tls {
            address: format!("the server, during the call to {method}"),
            reason: client_side(&source, ""),
        };
    }
    ClientError::Io {
        method: method.clone(),
        source,
    }
}
