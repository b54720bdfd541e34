//! Skipping: every type, in every protocol, lands exactly after the value.

mod common;

use common::{decode, encode_value, sample_values, Value, PROTOCOLS};
use thrifthive_wire::{Limits, TType};

#[test]
fn skipping_each_field_lands_on_the_next() {
    let values = sample_values();
    let fields: Vec<(i16, Value)> = (1..).zip(values.iter().cloned()).collect();
    let value = Value::Struct(fields);
    for protocol in PROTOCOLS {
        let bytes = encode_value(protocol, &value);
        // Skipping every field of the struct, then reading its end.
        let skipped = decode(protocol, &bytes, Limits::default(), |reader| {
            let wanted = Value::Struct(vec![]);
            reader.like(&wanted)?;
            Ok(reader.at())
        });
        assert_eq!(skipped, Ok(bytes.len()), "{protocol:?}");
    }
}

#[test]
fn skipping_a_lone_value_of_each_type() {
    for protocol in PROTOCOLS {
        for value in sample_values() {
            let bytes = encode_value(protocol, &value);
            let skipped = decode(protocol, &bytes, Limits::default(), |reader| {
                reader.skip_value(value.ttype())?;
                Ok(reader.at())
            });
            assert_eq!(skipped, Ok(bytes.len()), "{protocol:?} {value:?}");
        }
    }
}

#[test]
fn skipping_stop_is_an_error() {
    for protocol in PROTOCOLS {
        let error = decode(protocol, b"\0", Limits::default(), |reader| {
            reader.skip_value(TType::Stop)
        });
        assert_eq!(
            error.unwrap_err().to_string(),
            "cannot skip a value of type stop"
        );
    }
}
