//! A client connection's HTTP exchange: each call a POST, its reply the body of the response.

use bytes::Buf;
use thrifthive_wire::WireError;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::connection::{io_error, Connection};
use super::ClientError;
use crate::header::InfoHeaders;
use crate::http::client::{request_head, take_response, Taken};
use crate::message::{Message, MethodName};

impl Connection {
    /// Posts `message`, with `headers` as extra HTTP headers.
    pub(super) async fn send_http(
        &mut self,
        message: &[u8],
        method: &MethodName,
        headers: &InfoHeaders,
    ) -> Result<(), ClientError> {
        let Some(target) = &self.http else {
            return Ok(());
        };
        let head = request_head(&target.host, &target.path, headers, message.len())
            .map_err(|reason| ClientError::InvalidRequest(WireError::InvalidData(reason)))?;
        self.stream
            .write_all_buf(&mut Buf::chain(&head[..], message))
            .await
            .map_err(|source| io_error(method, source))
    }

    /// Reads the response to a call of `method`: its body as a message (None for a oneway
    /// call, whose response has no body).
    pub(super) async fn receive_http(
        &mut self,
        method: &MethodName,
        oneway: bool,
    ) -> Result<Option<Message>, ClientError> {
        let limits = self.replies.limits();
        let max_body = limits.max_message_size;
        let mut eof = false;
        let response = loop {
            let taken =
                take_response(self.replies.raw_buffer(), eof, max_body).map_err(|reason| {
                    ClientError::InvalidHttp {
                        method: method.clone(),
                        reason,
                    }
                })?;
            let need = match taken {
                Taken::Response(response) => break response,
                Taken::NeedAtLeast(_) if eof => {
                    return Err(ClientError::Closed {
                        method: method.clone(),
                        received: self.replies.buffered(),
                    })
                }
                Taken::NeedAtLeast(need) => need,
            };
            match self
                .stream
                .read_buf(self.replies.read_buffer_for(need))
                .await
            {
                Ok(0) => eof = true,
                Ok(_) => {}
                Err(source) => return Err(io_error(method, source)),
            }
        };
        self.reusable = response.keep_alive && !eof;
        if response.status != 200 {
            let shown = &response.body[..response.body.len().min(200)];
            return Err(ClientError::HttpStatus {
                method: method.clone(),
                status: response.status,
                reason: response.reason,
                body: String::from_utf8_lossy(shown).trim().to_owned(),
            });
        }
        if oneway {
            return Ok(None);
        }
        let protocol = self.replies.format().protocol;
        Message::parse(response.body, protocol, limits)
            .map(Some)
            .map_err(|source| ClientError::InvalidReply {
                method: method.clone(),
                source,
            })
    }
}
