//! Reading replies off a client connection, without doing any IO: bytes go in as they arrive
//! ([`Replies::extend`], or a read into [`Replies::read_buffer`]), whole replies come out
//! ([`Replies::next_reply`]). The blocking and async [`Connection`](super::Connection) reads its
//! socket into it; the Python AsyncClient feeds it what asyncio received. Both then check a
//! reply against the call it answers with [`check_reply`].
//!
//! A stream error ([`StreamError`]) leaves the boundaries of the following messages unknown:
//! every call still waiting on that connection fails with it, each named in its own error
//! ([`StreamError::for_call`]).

use bytes::BytesMut;
use thrifthive_wire::{Limits, MessageType, WireError};

use crate::detect::{describe_start, detect, Detected};
use crate::exception::ApplicationException;
use crate::format::{Transport, WireFormat};
use crate::inbound::{Carried, Inbound, Next, ReadRoom};
use crate::message::{Header, Message, MethodName};

use super::{ClientError, ClientOptions};

/// Reads of 16 KiB: replies can be big (a page of records).
const READ_ROOM: ReadRoom = ReadRoom {
    chunk: 16 * 1024,
    max_ahead: 1024 * 1024,
};

/// The replies of one connection, in the order they arrive.
#[derive(Debug)]
pub struct Replies {
    buf: BytesMut,
    inbound: Inbound,
    /// Whether the stream was seen to start like the Thrift the client speaks.
    checked: bool,
    /// The least the buffer must hold before the next reply can be complete.
    need: usize,
}

/// Why no more replies can be read from a stream.
#[derive(Debug, Clone)]
pub enum StreamError {
    NotThrift {
        looks_like: Detected,
        first_bytes: String,
    },
    WrongFormat {
        expected: WireFormat,
        got: WireFormat,
    },
    Invalid(WireError),
}

impl StreamError {
    /// The error of the call to `method` that was waiting for a reply.
    pub fn for_call(&self, method: &MethodName) -> ClientError {
        let method = method.clone();
        match self.clone() {
            StreamError::NotThrift {
                looks_like,
                first_bytes,
            } => ClientError::NotThrift {
                method,
                looks_like,
                first_bytes,
            },
            StreamError::WrongFormat { expected, got } => ClientError::WrongFormat {
                method,
                expected,
                got,
            },
            StreamError::Invalid(source) => ClientError::InvalidReply { method, source },
        }
    }
}

impl Replies {
    pub fn new(options: &ClientOptions) -> Replies {
        Replies {
            buf: BytesMut::new(),
            inbound: Inbound::new(options.format, options.limits, options.max_frame_size),
            checked: false,
            need: 1,
        }
    }

    pub fn format(&self) -> WireFormat {
        self.inbound.format()
    }

    pub fn limits(&self) -> Limits {
        self.inbound.limits()
    }

    /// How many bytes are buffered that no complete reply has taken yet.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// Appends received bytes.
    pub fn extend(&mut self, data: &[u8]) {
        self.buf.extend_from_slice(data);
    }

    /// The buffer to read into, with room made for the next read.
    pub fn read_buffer(&mut self) -> &mut BytesMut {
        self.read_buffer_for(self.need)
    }

    /// The buffer to read into, with room for `need` bytes in all.
    pub(super) fn read_buffer_for(&mut self, need: usize) -> &mut BytesMut {
        READ_ROOM.prepare(&mut self.buf, need);
        &mut self.buf
    }

    /// The buffer as it is, for a reader of its own (the HTTP client's responses).
    pub(super) fn raw_buffer(&mut self) -> &mut BytesMut {
        &mut self.buf
    }

    /// Takes the next complete reply off the buffer; `None` until one is complete.
    pub fn next_reply(&mut self) -> Result<Option<Message>, StreamError> {
        if self.buf.len() < self.need {
            return Ok(None);
        }
        if !self.checked {
            self.checked = self.check_start()?;
            if !self.checked {
                self.need = self.buf.len() + 1;
                return Ok(None);
            }
        }
        match self.inbound.next(&mut self.buf) {
            Ok(Next::Message(message, carried)) => {
                self.need = 1;
                // A THeader reply must be in the protocol the requests were.
                let expected = self.inbound.format();
                match carried {
                    Carried::Header(envelope) if envelope.protocol != expected.protocol => {
                        Err(StreamError::WrongFormat {
                            expected,
                            got: WireFormat::new(Transport::Header, envelope.protocol),
                        })
                    }
                    _ => Ok(Some(message)),
                }
            }
            Ok(Next::NeedAtLeast(need)) => {
                self.need = need;
                Ok(None)
            }
            Err(unreadable) => Err(StreamError::Invalid(unreadable.error)),
        }
    }

    /// Checks that the stream starts like the Thrift the client speaks; `false` while too few
    /// bytes arrived to tell. Only the first reply is looked at: each later one starts where
    /// the one before ended.
    fn check_start(&self) -> Result<bool, StreamError> {
        let expected = self.inbound.format();
        match detect(&self.buf) {
            None => Ok(false),
            Some(Detected::Thrift(got)) if got == expected => Ok(true),
            Some(Detected::THeader) if expected.transport == Transport::Header => Ok(true),
            Some(Detected::Thrift(got)) => Err(StreamError::WrongFormat { expected, got }),
            Some(looks_like) => Err(StreamError::NotThrift {
                looks_like,
                first_bytes: describe_start(&self.buf),
            }),
        }
    }
}

/// Checks that `reply` answers the call `sent` (its method name and seqid), and turns an
/// EXCEPTION reply into [`ClientError::Application`].
pub fn check_reply(
    sent: &Header,
    reply: Message,
    format: WireFormat,
    limits: Limits,
) -> Result<Message, ClientError> {
    let got = &reply.header;
    if !answers(&sent.name, &got.name) {
        return Err(ClientError::WrongMethodName {
            expected: sent.name.clone(),
            got: got.name.clone(),
        });
    }
    if got.seqid != sent.seqid {
        return Err(ClientError::BadSequenceId {
            method: sent.name.clone(),
            expected: sent.seqid,
            got: got.seqid,
        });
    }
    match got.message_type {
        MessageType::Reply => Ok(reply),
        MessageType::Exception => {
            let body = &reply.bytes[reply.body_offset..];
            Err(
                match ApplicationException::decode(body, format.protocol, limits) {
                    Ok(exception) => ClientError::Application(exception),
                    Err(source) => ClientError::InvalidReply {
                        method: sent.name.clone(),
                        source,
                    },
                },
            )
        }
        other => Err(ClientError::UnexpectedMessageType {
            method: sent.name.clone(),
            got: other,
        }),
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

#[cfg(test)]
mod tests {
    use thrifthive_wire::{BinaryWriter, ProtocolWriter};

    use super::*;
    use crate::format::{Protocol, Transport};

    fn reply(name: &str, seqid: i32) -> Vec<u8> {
        let mut out = Vec::new();
        let mut w = BinaryWriter::new(&mut out);
        w.write_message_begin(name, MessageType::Reply, seqid)
            .unwrap();
        w.write_struct_begin();
        w.write_field_stop();
        w.write_struct_end();
        w.write_message_end();
        out
    }

    #[test]
    fn cuts_replies_in_any_pieces() {
        let mut stream = reply("get", 1);
        stream.extend(reply("put", 2));
        let mut replies = Replies::new(&ClientOptions::default());
        let mut got = Vec::new();
        for byte in stream {
            replies.extend(&[byte]);
            while let Some(message) = replies.next_reply().unwrap() {
                got.push((message.header.name.to_string(), message.header.seqid));
            }
        }
        assert_eq!(got, [("get".into(), 1), ("put".into(), 2)]);
        assert_eq!(replies.buffered(), 0);
    }

    #[test]
    fn reports_a_stream_that_is_not_thrift() {
        let mut replies = Replies::new(&ClientOptions::default());
        replies.extend(b"HTTP/1.1 400 Bad Request\r\n");
        let error = replies.next_reply().unwrap_err();
        let error = error.for_call(&MethodName::from("get")).to_string();
        assert!(error.contains("got an HTTP response"), "{error}");

        let framed = ClientOptions {
            format: WireFormat::new(Transport::Framed, Protocol::Binary),
            ..ClientOptions::default()
        };
        let mut replies = Replies::new(&framed);
        replies.extend(&reply("get", 1));
        let error = replies.next_reply().unwrap_err();
        assert!(
            matches!(error, StreamError::WrongFormat { .. }),
            "{error:?}"
        );
    }

    #[test]
    fn checks_name_and_seqid() {
        let options = ClientOptions::default();
        let mut replies = Replies::new(&options);
        replies.extend(&reply("get", 7));
        let message = replies.next_reply().unwrap().unwrap();
        let sent = |name: &str, seqid| Header {
            name: MethodName::from(name),
            message_type: MessageType::Call,
            seqid,
        };
        let check =
            |header: Header| check_reply(&header, message.clone(), options.format, options.limits);
        assert!(check(sent("get", 7)).is_ok());
        assert!(check(sent("Items:get", 7)).is_ok());
        assert!(matches!(
            check(sent("get", 8)),
            Err(ClientError::BadSequenceId { .. })
        ));
        assert!(matches!(
            check(sent("put", 7)),
            Err(ClientError::WrongMethodName { .. })
        ));
    }
}
