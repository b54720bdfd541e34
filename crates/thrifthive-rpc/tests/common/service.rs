//! A pure-Rust dispatcher serving ../shared/bench/bench.thrift's UserService with canned
//! replies, plus two methods for tests: `sleep(1: i32 ms)`, answered from another thread after
//! a delay (as the Python bridge answers from its worker threads), and the oneway
//! `notify(1: i32 n)`, which adds `n` to a counter.
//!
//! | method                          | reply                                              |
//! |---------------------------------|----------------------------------------------------|
//! | `ping()`                        | void                                               |
//! | `getUserById(1: i64 user_id)`   | a canned User with that id                         |
//! | `createUser(1: User user)`      | the canned User                                    |
//! | `listUsers(1: i32, 2: i32)`     | a canned UserPage of 100 Users, encoded once       |
//! | `echoBinary(1: binary data)`    | `data`                                             |
//! | `getHeader(1: string key)`      | the info (or HTTP) header `key`, unset if absent   |
//! | `sleep(1: i32 ms)`              | void, `ms` milliseconds later                      |
//! | `notify(1: i32 n)` (oneway)     | none                                               |
//! | anything else                   | TApplicationException UNKNOWN_METHOD               |

#![allow(dead_code)] // Each test binary uses part of it.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use bytes::Bytes;
use thrifthive_rpc::{
    ApplicationException, Dispatch, DispatchResult, ExceptionKind, Protocol, Request, Responder,
};
use thrifthive_wire::{
    BinaryReader, BinaryWriter, CompactReader, CompactWriter, Limits, MessageType, ProtocolReader,
    ProtocolWriter, TType, WireError,
};

/// The dispatcher. Cheap to clone; clones share the `notify` counter.
#[derive(Clone, Default)]
pub struct TestService {
    pub notified: Arc<AtomicI64>,
}

impl Dispatch for TestService {
    fn dispatch(&self, request: Request, responder: Responder) {
        let protocol = request.format.protocol;
        let header = &request.message.header;
        let (name, seqid) = (header.name.as_str(), header.seqid);
        let args = &request.message.bytes[request.message.body_offset..];
        let reply =
            |body: &dyn Fn(&mut dyn Body)| Ok(Some(encode_reply(protocol, name, seqid, body)));
        let result = match name {
            "ping" => reply(&|_| {}),
            "getUserById" => match read_arg(protocol, args, TType::I64) {
                Ok(Arg::I64(id)) => reply(&|w| {
                    w.field(TType::Struct, 0);
                    write_user(w, id);
                }),
                other => bad_args(other),
            },
            "createUser" => reply(&|w| {
                w.field(TType::Struct, 0);
                write_user(w, 1);
            }),
            "listUsers" => Ok(Some(reply_with(protocol, name, seqid, user_page(protocol)))),
            // Replies with the value of the THeader info header named by its argument.
            "getHeader" => match read_arg(protocol, args, TType::String) {
                Ok(Arg::Binary(key)) => {
                    let info = request.info_headers();
                    let value = info.and_then(|info| info.get(&key)).cloned();
                    reply(&|w| {
                        if let Some(value) = &value {
                            w.field(TType::String, 0);
                            w.binary(value);
                        }
                    })
                }
                other => bad_args(other),
            },
            "echoBinary" => match read_arg(protocol, args, TType::String) {
                Ok(Arg::Binary(data)) => reply(&|w| {
                    w.field(TType::String, 0);
                    w.binary(&data);
                }),
                other => bad_args(other),
            },
            "sleep" => match read_arg(protocol, args, TType::I32) {
                Ok(Arg::I32(ms)) => {
                    let (name, seqid) = (name.to_owned(), seqid);
                    std::thread::spawn(move || {
                        std::thread::sleep(Duration::from_millis(ms as u64));
                        responder.send(Ok(Some(encode_reply(protocol, &name, seqid, &|_| {}))));
                    });
                    return;
                }
                other => bad_args(other),
            },
            "notify" => match read_arg(protocol, args, TType::I32) {
                Ok(Arg::I32(n)) => {
                    self.notified.fetch_add(i64::from(n), Ordering::SeqCst);
                    Ok(None)
                }
                other => bad_args(other),
            },
            _ => Err(ApplicationException::new(
                ExceptionKind::UNKNOWN_METHOD,
                format!("unknown method {name}"),
            )),
        };
        responder.send(result);
    }
}

fn bad_args(got: Result<Arg, WireError>) -> DispatchResult {
    Err(ApplicationException::new(
        ExceptionKind::PROTOCOL_ERROR,
        format!("bad arguments: {got:?}"),
    ))
}

/// An argument read back.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    None,
    I32(i32),
    I64(i64),
    Binary(Vec<u8>),
}

/// Reads field 1 of an arguments (or result: field 0) struct if it has type `ttype`.
pub fn read_arg(protocol: Protocol, body: &[u8], ttype: TType) -> Result<Arg, WireError> {
    fn read<'a>(r: &mut impl ProtocolReader<'a>, ttype: TType) -> Result<Arg, WireError> {
        let mut arg = Arg::None;
        r.read_struct_begin()?;
        loop {
            let field = r.read_field_begin()?;
            if field.ttype == TType::Stop {
                break;
            }
            arg = match (field.ttype == ttype, ttype) {
                (true, TType::I32) => Arg::I32(r.read_i32()?),
                (true, TType::I64) => Arg::I64(r.read_i64()?),
                (true, TType::String) => Arg::Binary(r.read_binary()?.into_owned()),
                _ => {
                    r.skip(field.ttype)?;
                    arg
                }
            };
        }
        r.read_struct_end()?;
        Ok(arg)
    }
    match protocol {
        Protocol::Binary => read(&mut BinaryReader::new(body, Limits::default())?, ttype),
        Protocol::Compact => read(&mut CompactReader::new(body, Limits::default())?, ttype),
    }
}

/// The writer calls a body needs, object-safe so bodies can be plain closures.
pub trait Body {
    fn field(&mut self, ttype: TType, id: i16);
    fn struct_begin(&mut self);
    fn struct_end(&mut self);
    fn list(&mut self, element: TType, len: usize);
    fn map(&mut self, key: TType, value: TType, len: usize);
    fn i32(&mut self, value: i32);
    fn i64(&mut self, value: i64);
    fn double(&mut self, value: f64);
    fn bool(&mut self, value: bool);
    fn binary(&mut self, value: &[u8]);
}

impl<W: ProtocolWriter> Body for W {
    fn field(&mut self, ttype: TType, id: i16) {
        self.write_field_begin(ttype, id).unwrap();
    }
    fn struct_begin(&mut self) {
        self.write_struct_begin();
    }
    fn struct_end(&mut self) {
        self.write_field_stop();
        self.write_struct_end();
    }
    fn list(&mut self, element: TType, len: usize) {
        self.write_list_begin(element, len).unwrap();
    }
    fn map(&mut self, key: TType, value: TType, len: usize) {
        self.write_map_begin(key, value, len).unwrap();
    }
    fn i32(&mut self, value: i32) {
        self.write_i32(value);
    }
    fn i64(&mut self, value: i64) {
        self.write_i64(value);
    }
    fn double(&mut self, value: f64) {
        self.write_double(value);
    }
    fn bool(&mut self, value: bool) {
        self.write_bool(value);
    }
    fn binary(&mut self, value: &[u8]) {
        self.write_binary(value).unwrap();
    }
}

/// A message `name`/`seqid` of `message_type` whose body is a struct holding what `fields`
/// writes (field headers included; the struct's begin and stop are written here).
pub fn encode_message(
    protocol: Protocol,
    name: &str,
    message_type: MessageType,
    seqid: i32,
    fields: &dyn Fn(&mut dyn Body),
) -> Bytes {
    let mut out = Vec::new();
    match protocol {
        Protocol::Binary => {
            BinaryWriter::new(&mut out).write_message_begin(name, message_type, seqid)
        }
        Protocol::Compact => {
            CompactWriter::new(&mut out).write_message_begin(name, message_type, seqid)
        }
    }
    .unwrap();
    out.extend(encode_struct(protocol, fields));
    out.into()
}

/// A struct holding what `fields` writes (field headers included).
pub fn encode_struct(protocol: Protocol, fields: &dyn Fn(&mut dyn Body)) -> Vec<u8> {
    fn write(w: &mut (impl ProtocolWriter + Body), fields: &dyn Fn(&mut dyn Body)) {
        w.struct_begin();
        fields(w);
        w.struct_end();
    }
    let mut out = Vec::new();
    match protocol {
        Protocol::Binary => write(&mut BinaryWriter::new(&mut out), fields),
        Protocol::Compact => write(&mut CompactWriter::new(&mut out), fields),
    }
    out
}

/// A reply whose result struct is `result`, encoded already.
fn reply_with(protocol: Protocol, name: &str, seqid: i32, result: &[u8]) -> Bytes {
    let mut out = encode_message(protocol, name, MessageType::Reply, seqid, &|_| {}).to_vec();
    out.pop(); // The empty struct's stop byte.
    out.extend_from_slice(result);
    out.into()
}

/// listUsers' result, encoded once per protocol: the handler of a benchmark returns a ready
/// page, and the engine is what is measured.
fn user_page(protocol: Protocol) -> &'static [u8] {
    static PAGES: OnceLock<[Vec<u8>; 2]> = OnceLock::new();
    let pages = PAGES.get_or_init(|| {
        [Protocol::Binary, Protocol::Compact].map(|protocol| {
            encode_struct(protocol, &|w| {
                w.field(TType::Struct, 0);
                w.struct_begin();
                w.field(TType::List, 1);
                w.list(TType::Struct, 100);
                for id in 0..100 {
                    write_user(w, id);
                }
                w.field(TType::I32, 2);
                w.i32(100);
                w.struct_end();
            })
        })
    });
    &pages[protocol as usize]
}

fn encode_reply(protocol: Protocol, name: &str, seqid: i32, body: &dyn Fn(&mut dyn Body)) -> Bytes {
    encode_message(protocol, name, MessageType::Reply, seqid, body)
}

/// A call of `name` with the arguments `fields` writes.
pub fn call(protocol: Protocol, name: &str, seqid: i32, fields: &dyn Fn(&mut dyn Body)) -> Bytes {
    encode_message(protocol, name, MessageType::Call, seqid, fields)
}

/// bench.thrift's User, every field set.
fn write_user(w: &mut dyn Body, id: i64) {
    w.struct_begin();
    w.field(TType::I64, 1);
    w.i64(id);
    w.field(TType::String, 2);
    w.binary(b"alice");
    w.field(TType::String, 3);
    w.binary(b"alice@example.com");
    w.field(TType::List, 4);
    w.list(TType::String, 2);
    w.binary(b"admin");
    w.binary(b"beta");
    w.field(TType::Map, 5);
    w.map(TType::String, TType::I64, 2);
    w.binary(b"logins");
    w.i64(42);
    w.binary(b"posts");
    w.i64(7);
    w.field(TType::Struct, 6);
    w.struct_begin();
    w.field(TType::String, 1);
    w.binary(b"1 Main St");
    w.field(TType::String, 2);
    w.binary(b"Springfield");
    w.field(TType::I32, 3);
    w.i32(12345);
    w.struct_end();
    w.field(TType::I32, 7);
    w.i32(1);
    w.field(TType::Double, 8);
    w.double(4.5);
    w.field(TType::String, 9);
    w.binary(&[0xab; 16]);
    w.field(TType::Bool, 10);
    w.bool(true);
    w.struct_end();
}
