//! Malformed TJSONProtocol text: each case fails with an error that says what was expected and
//! at which byte. Apache's readers accept no whitespace between tokens; neither does this one.

mod common;

use common::{decode, Protocol, Value};
use thrifthive_wire::{Limits, TType};

fn field(id: i16, value: Value) -> Value {
    Value::Struct(vec![(id, value)])
}

#[test]
fn invalid_json_is_rejected_with_its_position() {
    let i32_field = field(1, Value::I32(0));
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            r#"{ "1":{"i32":1}}"#,
            i32_field.clone(),
            "expected '\"' at byte 1, found ' '",
        ),
        (
            r#"{"1" :{"i32":1}}"#,
            i32_field.clone(),
            "expected ':' at byte 4, found ' '",
        ),
        (
            r#"{"1":{"i32":1} }"#,
            i32_field.clone(),
            "expected ',' at byte 14, found ' '",
        ),
        ("{\"1\":{\"i32\":1}}\n", i32_field.clone(), ""),
        (
            r#"{1:{"i32":1}}"#,
            i32_field.clone(),
            "expected '\"' at byte 1, found '1'",
        ),
        (
            r#"{"1":{"int":1}}"#,
            i32_field.clone(),
            "unknown JSON type name \"int\"",
        ),
        (
            r#"{"1":{"i32":1.5}}"#,
            i32_field.clone(),
            "expected an integer at byte 12, found \"1.5\"",
        ),
        (
            r#"{"1":{"i32":"1"}}"#,
            i32_field.clone(),
            "expected an integer at byte 12, found \"\"",
        ),
        (
            r#"{"1":{"i32":4294967296}}"#,
            i32_field.clone(),
            "i32 4294967296 at byte 12 is out of range",
        ),
        (
            r#"{"70000":{"i32":1}}"#,
            i32_field.clone(),
            "field id 70000 at byte 2 is out of range",
        ),
        (
            r#"{"1":{"i8":300}}"#,
            field(1, Value::I8(0)),
            "i8 300 at byte 11 is out of range",
        ),
        (
            r#"{"1":{"tf":2}}"#,
            field(1, Value::Bool(false)),
            "bool at byte 11 must be 0 or 1, found 2",
        ),
        (
            r#"{"1":{"dbl":NaN}}"#,
            field(1, Value::Double(0.0)),
            "expected a number at byte 12, found \"\"",
        ),
        (
            r#"{"1":{"dbl":nan}}"#,
            field(1, Value::Double(0.0)),
            "expected a number at byte 12, found \"\"",
        ),
        (
            r#"{"1":{"dbl":"1.5"}}"#,
            field(1, Value::Double(0.0)),
            "double at byte 12 is quoted but is not NaN, Infinity or -Infinity",
        ),
        (
            r#"{"1":{"str":"\x"}}"#,
            field(1, Value::String(String::new())),
            "invalid escape '\\x' at byte 13",
        ),
        (
            r#"{"1":{"str":"\u00zz"}}"#,
            field(1, Value::String(String::new())),
            "expected 4 hex digits at byte 15, found \"00zz\"",
        ),
        (
            r#"{"1":{"str":"\ud800"}}"#,
            field(1, Value::String(String::new())),
            "UTF-16 high surrogate at byte 13 is not followed by a low surrogate",
        ),
        (
            r#"{"1":{"str":"\ud800\u0041"}}"#,
            field(1, Value::String(String::new())),
            "UTF-16 high surrogate at byte 13 is not followed by a low surrogate",
        ),
        (
            r#"{"1":{"str":"\udc00"}}"#,
            field(1, Value::String(String::new())),
            "UTF-16 low surrogate at byte 13 without a high surrogate",
        ),
        (
            r#"{"1":{"str":"Y"}}"#,
            field(1, Value::Binary(vec![])),
            "invalid base64 at byte 12",
        ),
        (
            r#"{"1":{"str":"Y!=="}}"#,
            field(1, Value::Binary(vec![])),
            "invalid base64 at byte 12",
        ),
        (
            r#"{"1":{"uid":"nope"}}"#,
            field(1, Value::Uuid([0; 16])),
            "invalid UUID \"nope\" at byte 12",
        ),
        (
            r#"{"1":{"str":"abc"#,
            field(1, Value::String(String::new())),
            "unexpected end of data at byte 16",
        ),
        (
            r#"{"1":{"i32":1}"#,
            i32_field.clone(),
            "unexpected end of data at byte 14",
        ),
        (
            r#"{"1":{"lst":["i32",2,1]}}"#,
            field(
                1,
                Value::List(TType::I32, vec![Value::I32(1), Value::I32(1)]),
            ),
            "expected ',' at byte 22, found ']'",
        ),
        (
            r#"{"1":{"lst":["i32",1,1,2]}}"#,
            field(1, Value::List(TType::I32, vec![Value::I32(1)])),
            "expected ']' at byte 22, found ','",
        ),
        (
            r#"{"1":{"map":["i32","i32",1,{1:2}]}}"#,
            field(
                1,
                Value::Map(TType::I32, TType::I32, vec![(Value::I32(1), Value::I32(2))]),
            ),
            "expected '\"' at byte 28, found '1'",
        ),
    ];
    for (input, template, message) in cases {
        let result = decode(
            Protocol::Json,
            input.as_bytes(),
            Limits::default(),
            |reader| {
                reader.like(&template)?;
                Ok(reader.at())
            },
        );
        match result {
            // Trailing bytes are the caller's to judge: the reader stops after the value.
            Ok(end) => assert!(message.is_empty() && end < input.len(), "{input} decoded"),
            Err(error) => assert_eq!(error.to_string(), message, "{input}"),
        }
    }
}
