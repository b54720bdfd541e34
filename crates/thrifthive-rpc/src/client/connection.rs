//! One client connection: send a request, read its reply, check that the reply answers it.
//! Reading replies off the stream and checking them is [`super::replies`]'s, which the Python
//! AsyncClient's pipelined connections share; the HTTP exchange is [`super::http`]'s.

use std::io;
use std::time::Duration;

use thrifthive_wire::MessageType;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::format::Transport;
use crate::header::{self, Envelope, InfoHeaders};
use crate::message::{peek_header, Header, Message, MethodName};
use crate::net::{Address, Stream};
use crate::outbound::Outbound;
use crate::tls::errors::{client_side, tls_error};

use super::connect::connect;
use super::replies::{check_reply, Replies};
use super::{ClientError, ClientOptions};

/// A connected client socket. After an error that [breaks the
/// connection](ClientError::breaks_connection), drop it and connect again.
#[derive(Debug)]
pub struct Connection {
    pub(super) stream: Stream,
    pub(super) replies: Replies,
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
            replies: Replies::new(options),
            timeout: options.timeout,
            envelope: options.request_envelope(),
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
        self.replies.buffered() > 0 || self.stream.is_stale()
    }

    /// Sends `request`, a whole message in the connection's protocol (no frame prefix), and
    /// unless it is a oneway call waits for the reply: a REPLY message with the request's
    /// method name and seqid. An EXCEPTION reply becomes [`ClientError::Application`].
    pub async fn call(&mut self, request: &[u8]) -> Result<Option<Message>, ClientError> {
        self.call_with(request, &InfoHeaders::default()).await
    }

    /// [`Connection::call`] sending `info` headers with the request (THeader and HTTP only:
    /// other transports have nowhere to put them, and ignore them).
    pub async fn call_with(
        &mut self,
        request: &[u8],
        info: &InfoHeaders,
    ) -> Result<Option<Message>, ClientError> {
        self.call_within(request, info, self.timeout).await
    }

    /// [`Connection::call_with`] bounded by `timeout` (None: no bound) instead of the
    /// client's timeout: a call with a deadline of its own.
    pub async fn call_within(
        &mut self,
        request: &[u8],
        info: &InfoHeaders,
        timeout: Option<Duration>,
    ) -> Result<Option<Message>, ClientError> {
        let (format, limits) = (self.replies.format(), self.replies.limits());
        let header =
            peek_header(request, format.protocol, limits).map_err(ClientError::InvalidRequest)?;
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
        match reply {
            Some(reply) => check_reply(&header, reply, format, limits).map(Some),
            None => Ok(None),
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
                let outbound = Outbound::new(self.replies.format().transport, message)
                    .map_err(ClientError::InvalidRequest)?;
                self.stream.write_all_buf(&mut outbound.buf()).await
            }
        };
        written.map_err(|source| io_error(method, source))
    }

    /// Reads the next message, whatever it is. `method` names the call in errors.
    pub async fn receive(&mut self, method: &MethodName) -> Result<Message, ClientError> {
        loop {
            if let Some(message) = self
                .replies
                .next_reply()
                .map_err(|error| error.for_call(method))?
            {
                return Ok(message);
            }
            match self.stream.read_buf(self.replies.read_buffer()).await {
                Ok(0) => {
                    return Err(ClientError::Closed {
                        method: method.clone(),
                        received: self.replies.buffered(),
                    })
                }
                Ok(_) => {}
                Err(source) => return Err(io_error(method, source)),
            }
        }
    }
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
