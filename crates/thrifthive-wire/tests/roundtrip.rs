//! Write-then-read returns the value written, for every protocol: arbitrary values (proptest)
//! and messages of every type.

mod common;

use common::arbitrary::any_struct;
use common::{decode, encode, encode_value, Protocol, Value, PROTOCOLS};
use proptest::prelude::*;
use thrifthive_wire::{Limits, MessageType, TType};

fn round_trip(protocol: Protocol, value: &Value) -> Result<(), TestCaseError> {
    let bytes = encode_value(protocol, value);
    let read = decode(protocol, &bytes, Limits::default(), |reader| {
        let read = reader.like(value)?;
        Ok((read, reader.at()))
    });
    prop_assert_eq!(read, Ok((value.clone(), bytes.len())), "{:?}", protocol);
    let skipped = decode(protocol, &bytes, Limits::default(), |reader| {
        reader.skip_value(TType::Struct)?;
        Ok(reader.at())
    });
    prop_assert_eq!(skipped, Ok(bytes.len()));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn binary_round_trips(value in any_struct()) {
        round_trip(Protocol::Binary, &value)?;
    }

    #[test]
    fn compact_round_trips(value in any_struct()) {
        round_trip(Protocol::Compact, &value)?;
    }

    #[test]
    fn json_round_trips(value in any_struct()) {
        round_trip(Protocol::Json, &value)?;
    }

    #[test]
    fn messages_round_trip(
        name in any::<String>(),
        kind in prop::sample::select(MessageType::ALL.to_vec()),
        seqid in any::<i32>(),
        body in any_struct(),
    ) {
        for protocol in PROTOCOLS {
            let bytes = encode(protocol, |writer| {
                writer.message_begin(&name, kind, seqid)?;
                writer.value(&body)?;
                writer.message_end();
                Ok(())
            }).unwrap();
            let read = decode(protocol, &bytes, Limits::default(), |reader| {
                let header = reader.message_begin()?;
                let read = reader.like(&body)?;
                reader.message_end()?;
                Ok((header, read, reader.at()))
            });
            prop_assert_eq!(read, Ok(((name.clone(), kind, seqid), body.clone(), bytes.len())));
        }
    }
}

/// Values that exercise each protocol's special cases, in and out of struct fields.
#[test]
fn special_values_round_trip() {
    let values = [
        Value::Double(f64::NAN),
        Value::Double(-0.0),
        Value::Double(f64::MIN_POSITIVE / 2.0),
        Value::String("\u{0}\u{1f}\"\\/\u{7f}\u{10ffff}\u{2028}".to_string()),
        Value::List(
            TType::Bool,
            (0..40).map(|i| Value::Bool(i % 3 == 0)).collect(),
        ),
        Value::Map(
            TType::Double,
            TType::Bool,
            vec![
                (Value::Double(f64::INFINITY), Value::Bool(true)),
                (Value::Double(-1e-300), Value::Bool(false)),
            ],
        ),
        Value::Map(
            TType::Struct,
            TType::List,
            vec![(
                Value::Struct(vec![(3, Value::I64(-5))]),
                Value::List(TType::I32, vec![]),
            )],
        ),
        Value::Set(TType::Uuid, vec![Value::Uuid([0xab; 16])]),
    ];
    for protocol in PROTOCOLS {
        for value in &values {
            round_trip(protocol, &Value::Struct(vec![(7, value.clone())])).unwrap();
        }
    }
}
