//! Shared by the wire_* fuzz targets. For each input, with one protocol:
//! - reading a struct, and a message, generically (typed calls) and by skipping must agree:
//!   both succeed and stop at the same byte, or both fail;
//! - whatever decodes must re-encode, and read back to the same value, consuming every byte.
//! Any panic, hang or unbounded allocation is a bug.

// Without a schema strings decode as `Value::Binary`, so `Value::String` goes unused here.
#[allow(dead_code)]
#[path = "../../crates/thrifthive-wire/tests/common/value.rs"]
mod value;

use thrifthive_wire::{Limits, ProtocolReader, ProtocolWriter, TType, WireError};
use value::Value;

/// A protocol's reader and writer, named for the checks.
pub trait Protocol {
    type Reader<'a>: ProtocolReader<'a>;
    type Writer<'b>: ProtocolWriter;
    fn reader(input: &[u8], limits: Limits) -> Result<Self::Reader<'_>, WireError>;
    fn writer(out: &mut Vec<u8>) -> Self::Writer<'_>;
}

pub fn check<P: Protocol>(input: &[u8]) {
    check_struct::<P>(input);
    check_message::<P>(input);
}

fn check_struct<P: Protocol>(input: &[u8]) {
    let limits = Limits::default();
    let typed = P::reader(input, limits).and_then(|mut reader| {
        let value = Value::read_any(&mut reader, TType::Struct)?;
        Ok((value, reader.position()))
    });
    let skipped = P::reader(input, limits).and_then(|mut reader| {
        reader.skip(TType::Struct)?;
        Ok(reader.position())
    });
    match (&typed, &skipped) {
        (Ok((_, typed_end)), Ok(skipped_end)) => assert_eq!(typed_end, skipped_end),
        (Err(_), Err(_)) => {}
        _ => panic!("typed read and skip disagree: {typed:?} vs {skipped:?}"),
    }
    let Ok((value, _)) = typed else { return };
    let mut out = Vec::new();
    value
        .write(&mut P::writer(&mut out))
        .expect("a decoded value re-encodes");
    let mut reader = P::reader(&out, limits).expect("re-encoded bytes are within the limits");
    let again = Value::read_like(&mut reader, &value).expect("re-encoded bytes decode");
    assert_eq!(again, value);
    assert_eq!(reader.position(), out.len());
}

fn check_message<P: Protocol>(input: &[u8]) {
    let limits = Limits::default();
    let Ok(mut reader) = P::reader(input, limits) else {
        return;
    };
    let Ok(header) = reader.read_message_begin() else {
        return;
    };
    let Ok(body) = Value::read_any(&mut reader, TType::Struct) else {
        return;
    };
    if reader.read_message_end().is_err() {
        return;
    }
    let mut out = Vec::new();
    {
        let mut writer = P::writer(&mut out);
        writer
            .write_message_begin(&header.name, header.message_type, header.seqid)
            .expect("a decoded header re-encodes");
        body.write(&mut writer).expect("a decoded body re-encodes");
        writer.write_message_end();
    }
    let mut reader = P::reader(&out, limits).expect("re-encoded bytes are within the limits");
    assert_eq!(reader.read_message_begin().as_ref(), Ok(&header));
    assert_eq!(Value::read_like(&mut reader, &body).as_ref(), Ok(&body));
    assert_eq!(reader.read_message_end(), Ok(()));
    assert_eq!(reader.position(), out.len());
}
