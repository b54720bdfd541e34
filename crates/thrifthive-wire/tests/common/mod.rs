//! Helpers shared by the integration tests.

#![allow(dead_code)]

pub mod arbitrary;
pub mod value;

pub use value::Value;

use thrifthive_wire::{
    BinaryReader, BinaryWriter, CompactReader, CompactWriter, JsonReader, JsonWriter, Limits,
    MessageType, ProtocolReader, ProtocolWriter, TType, WireError,
};

/// The three protocols, for tests that run the same checks on each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Binary,
    Compact,
    Json,
}

pub const PROTOCOLS: [Protocol; 3] = [Protocol::Binary, Protocol::Compact, Protocol::Json];

/// Runs `body` with a writer of `protocol` appending to a fresh buffer, and returns the bytes.
pub fn encode(
    protocol: Protocol,
    body: impl FnOnce(&mut dyn WriteValue) -> Result<(), WireError>,
) -> Result<Vec<u8>, WireError> {
    let mut out = Vec::new();
    match protocol {
        Protocol::Binary => body(&mut BinaryWriter::new(&mut out))?,
        Protocol::Compact => body(&mut CompactWriter::new(&mut out))?,
        Protocol::Json => body(&mut JsonWriter::new(&mut out))?,
    }
    Ok(out)
}

/// Writes `value` with `protocol`.
pub fn encode_value(protocol: Protocol, value: &Value) -> Vec<u8> {
    encode(protocol, |writer| writer.value(value)).expect("value encodes")
}

/// Object-safe access to a writer, so tests can pick the protocol at run time.
pub trait WriteValue {
    fn value(&mut self, value: &Value) -> Result<(), WireError>;
    fn message_begin(&mut self, name: &str, kind: MessageType, seqid: i32)
        -> Result<(), WireError>;
    fn message_end(&mut self);
}

impl<W: ProtocolWriter> WriteValue for W {
    fn value(&mut self, value: &Value) -> Result<(), WireError> {
        value.write(self)
    }
    fn message_begin(
        &mut self,
        name: &str,
        kind: MessageType,
        seqid: i32,
    ) -> Result<(), WireError> {
        self.write_message_begin(name, kind, seqid)
    }
    fn message_end(&mut self) {
        self.write_message_end()
    }
}

/// Runs `body` with a reader of `protocol` over `input`.
pub fn decode<T>(
    protocol: Protocol,
    input: &[u8],
    limits: Limits,
    body: impl FnOnce(&mut dyn ReadValue) -> Result<T, WireError>,
) -> Result<T, WireError> {
    match protocol {
        Protocol::Binary => body(&mut BinaryReader::new(input, limits)?),
        Protocol::Compact => body(&mut CompactReader::new(input, limits)?),
        Protocol::Json => body(&mut JsonReader::new(input, limits)?),
    }
}

/// Object-safe access to a reader.
pub trait ReadValue {
    fn like(&mut self, template: &Value) -> Result<Value, WireError>;
    fn any(&mut self, ttype: TType) -> Result<Value, WireError>;
    fn skip_value(&mut self, ttype: TType) -> Result<(), WireError>;
    fn message_begin(&mut self) -> Result<(String, MessageType, i32), WireError>;
    fn message_end(&mut self) -> Result<(), WireError>;
    fn at(&self) -> usize;
}

impl<'a, R: ProtocolReader<'a>> ReadValue for R {
    fn like(&mut self, template: &Value) -> Result<Value, WireError> {
        Value::read_like(self, template)
    }
    fn any(&mut self, ttype: TType) -> Result<Value, WireError> {
        Value::read_any(self, ttype)
    }
    fn skip_value(&mut self, ttype: TType) -> Result<(), WireError> {
        self.skip(ttype)
    }
    fn message_begin(&mut self) -> Result<(String, MessageType, i32), WireError> {
        let header = self.read_message_begin()?;
        Ok((header.name.into_owned(), header.message_type, header.seqid))
    }
    fn message_end(&mut self) -> Result<(), WireError> {
        self.read_message_end()
    }
    fn at(&self) -> usize {
        self.position()
    }
}

/// One value of every type, containers holding a bit of everything.
pub fn sample_values() -> Vec<Value> {
    let nested = Value::Struct(vec![
        (1, Value::Bool(false)),
        (2, Value::List(TType::Bool, vec![Value::Bool(true)])),
        (30, Value::Struct(vec![(1, Value::Bool(true))])),
    ]);
    vec![
        Value::Bool(true),
        Value::Bool(false),
        Value::I8(-7),
        Value::I16(-300),
        Value::I32(70_000),
        Value::I64(-1 << 40),
        Value::Double(6.25),
        Value::String("skip me \u{1F600}".to_string()),
        Value::Binary(vec![0, 159, 255]),
        Value::Uuid([7; 16]),
        nested.clone(),
        Value::List(TType::Struct, vec![nested.clone(), Value::Struct(vec![])]),
        Value::Set(TType::String, vec![Value::String("a\"b".to_string())]),
        Value::Map(
            TType::I32,
            TType::Map,
            vec![(
                Value::I32(1),
                Value::Map(TType::String, TType::Double, vec![]),
            )],
        ),
        Value::Map(TType::String, TType::I32, vec![]),
    ]
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

pub fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|index| u8::from_str_radix(&text[index..index + 2], 16).expect("hex"))
        .collect()
}
