//! One client connection: send a request, read its reply, check that the reply answers it.
//! Reading replies off the stream and checking them is [`super::replies`]'s, which the Python
//! AsyncClient's pipelined connections share.

use std::io;
use std::time::Duration;

use thrifthive_wire::MessageType;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::message::{peek_header, Message, MethodName};
use crate::net::{Address, Stream};
use crate::outbound::Outbound;

use super::connect::connect;
use super::replies::{check_reply, Replies};
use super::{ClientError, ClientOptions};

/// A connected client socket. After an error that [breaks the
/// connection](ClientError::breaks_connection), drop it and connect again.
#[derive(Debug)]
pub struct Connection {
    stream: Stream,
    replies: Replies,
    timeout: Option<Duration>,
}

impl Connection {
    pub async fn connect(
        address: &Address,
        options: &ClientOptions,
    ) -> Result<Connection, ClientError> {
        let stream = connect(address, options.connect_timeout).await?;
        Ok(Connection {
            stream,
            replies: Replies::new(options),
            timeout: options.timeout,
        })
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
        let (format, limits) = (self.replies.format(), self.replies.limits());
        let header =
            peek_header(request, format.protocol, limits).map_err(ClientError::InvalidRequest)?;
        let timeout = self.timeout;
        let exchange = async {
            self.send(request, &header.name).await?;
            if header.message_type == MessageType::Oneway {
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

    /// Writes one message (framed if the transport is), in one write. `method` names the call
    /// in errors.
    pub async fn send(&mut self, message: &[u8], method: &MethodName) -> Result<(), ClientError> {
        let outbound = Outbound::new(self.replies.format().transport, message)
            .map_err(ClientError::InvalidRequest)?;
        self.stream
            .write_all_buf(&mut outbound.buf())
            .await
            .map_err(|source| io_error(method, source))
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

fn io_error(method: &MethodName, source: io::Error) -> ClientError {
    ClientError::Io {
        method: method.clone(),
        source,
    }
}
