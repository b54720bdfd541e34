//! The values behind the golden vectors, by case name; the same values the generating script
//! gave Apache's library. Every scalar and container case is field 1 of a struct, because
//! Apache's Python compact protocol writes values only inside structs.

use thrifthive_wire::{MessageType, TType};

use crate::common::Value::{self, *};

pub const UUID: [u8; 16] = [
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
];

/// A message case: name, type and seqid, with an empty struct as its body.
pub fn message(case: &str) -> Option<(&'static str, MessageType, i32)> {
    Some(match case {
        "message_ping" => ("ping", MessageType::Call, 0),
        "message_getUserById" => ("getUserById", MessageType::Reply, 1),
        "message_fail" => ("fail", MessageType::Exception, -1),
        "message_log" => ("log", MessageType::Oneway, i32::MAX),
        _ => return None,
    })
}

fn str(text: &str) -> Value {
    String(text.to_string())
}

fn field1(value: Value) -> Value {
    Struct(vec![(1, value)])
}

pub fn value(case: &str) -> Value {
    let scalar = match case {
        "bool_true" => Bool(true),
        "bool_false" => Bool(false),
        "i8_min" => I8(i8::MIN),
        "i8_max" => I8(i8::MAX),
        "i8_neg1" => I8(-1),
        "i16_min" => I16(i16::MIN),
        "i16_max" => I16(i16::MAX),
        "i16_neg1" => I16(-1),
        "i32_min" => I32(i32::MIN),
        "i32_max" => I32(i32::MAX),
        "i32_zero" => I32(0),
        "i32_neg1" => I32(-1),
        "i32_300" => I32(300),
        "i64_min" => I64(i64::MIN),
        "i64_max" => I64(i64::MAX),
        "i64_zero" => I64(0),
        "i64_neg1" => I64(-1),
        "dbl_zero" => Double(0.0),
        "dbl_neg_zero" => Double(-0.0),
        "dbl_1_5" => Double(1.5),
        "dbl_0_1" => Double(0.1),
        "dbl_big" => Double(1e300),
        "dbl_tiny" => Double(5e-324),
        "dbl_neg" => Double(-2.25),
        "dbl_1e17" => Double(1e17),
        "dbl_1e_5" => Double(1e-5),
        "dbl_123456" => Double(123456.0),
        "dbl_nan" => Double(f64::NAN),
        "dbl_inf" => Double(f64::INFINITY),
        "dbl_neg_inf" => Double(f64::NEG_INFINITY),
        "str_empty" => str(""),
        "str_hello" => str("hello"),
        "str_unicode" => str("h\u{e9}llo \u{2603} \u{1F600}"),
        "str_escapes" => str("\"\\/\u{8}\u{c}\n\r\t"),
        "bin_empty" => Binary(vec![]),
        "bin_1" => Binary(b"a".to_vec()),
        "bin_2" => Binary(b"ab".to_vec()),
        "bin_3" => Binary(b"abc".to_vec()),
        "bin_all_bytes" => Binary((0..=255).collect()),
        "uuid" => Uuid(UUID),
        _ => return container(case),
    };
    field1(scalar)
}

fn i32s(values: impl IntoIterator<Item = i32>) -> Vec<Value> {
    values.into_iter().map(I32).collect()
}

fn container(case: &str) -> Value {
    let value = match case {
        "struct_empty" => return Struct(vec![]),
        "struct_deltas" => {
            return Struct(vec![
                (1, I32(1)),
                (2, I8(2)),
                (15, I16(3)),
                (16, I64(4)),
                (31, I32(5)),
                (32, I32(6)),
                (100, I32(7)),
                (-1, I32(8)),
                (10, I32(9)),
                (5, I32(10)),
                (32767, I32(11)),
                (-32768, I32(12)),
            ])
        }
        "struct_bools" => {
            return Struct(vec![
                (1, Bool(true)),
                (2, Bool(false)),
                (20, Bool(true)),
                (-3, Bool(false)),
                (
                    4,
                    List(TType::Bool, vec![Bool(true), Bool(false), Bool(true)]),
                ),
            ])
        }
        "struct_nested" => {
            return Struct(vec![
                (
                    1,
                    Struct(vec![(1, str("inner")), (2, Struct(vec![(7, Double(2.5))]))]),
                ),
                (2, I32(42)),
            ])
        }
        "struct_uuid" => return field1(Uuid(UUID)),
        "list_i32_0" => List(TType::I32, vec![]),
        "list_i32_3" => List(TType::I32, i32s(1..=3)),
        "list_i32_14" => List(TType::I32, i32s(0..14)),
        "list_i32_15" => List(TType::I32, i32s(0..15)),
        "list_i64_200" => List(TType::I64, (0..200).map(|i| I64(i * 1_000_003)).collect()),
        "set_str" => Set(TType::String, vec![str("a"), str("b")]),
        "set_bool" => Set(TType::Bool, vec![Bool(false), Bool(true)]),
        "map_empty" => Map(TType::String, TType::I32, vec![]),
        "map_str_i32" => Map(
            TType::String,
            TType::I32,
            vec![(str("k"), I32(1)), (str("l"), I32(-2))],
        ),
        "map_i32_str" => Map(
            TType::I32,
            TType::String,
            vec![(I32(7), str("seven")), (I32(-1), str(""))],
        ),
        "map_i64_dbl" => Map(TType::I64, TType::Double, vec![(I64(1 << 40), Double(0.5))]),
        "map_bool_bin" => Map(
            TType::Bool,
            TType::String,
            vec![(Bool(true), Binary(vec![0x00, 0xff]))],
        ),
        "map_dbl_i8" => Map(TType::Double, TType::I8, vec![(Double(1.5), I8(-5))]),
        "nested_containers" => Map(
            TType::String,
            TType::List,
            vec![(
                str("x"),
                List(
                    TType::Map,
                    vec![
                        Map(
                            TType::I16,
                            TType::Set,
                            vec![(I16(3), Set(TType::I8, vec![I8(1), I8(2)]))],
                        ),
                        Map(TType::I16, TType::Set, vec![]),
                    ],
                ),
            )],
        ),
        "list_structs" => List(
            TType::Struct,
            vec![Struct(vec![(1, Bool(true))]), Struct(vec![])],
        ),
        "list_uuid" => List(TType::Uuid, vec![Uuid(UUID), Uuid([0; 16])]),
        other => panic!("no golden case named {other}"),
    };
    field1(value)
}
