//! Malformed input: every reader fails with a clear error, never panics, and never allocates for
//! a length it has not validated.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use common::{decode, encode, sample_values, unhex, Protocol, Value, PROTOCOLS};
use thrifthive_wire::{LengthOf, Limits, MessageType, TType, WireError};

/// Records the largest allocation each thread makes, so a test can prove a decoder did not
/// allocate for a huge length claim.
struct LargestAllocation;

thread_local! {
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for LargestAllocation {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = LARGEST.try_with(|largest| largest.set(largest.get().max(layout.size())));
        System.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static ALLOCATOR: LargestAllocation = LargestAllocation;

/// Runs `body` and returns its result with the largest allocation it made.
fn largest_allocation<T>(body: impl FnOnce() -> T) -> (T, usize) {
    LARGEST.with(|largest| largest.set(0));
    let result = body();
    (result, LARGEST.with(Cell::get))
}

fn field(id: i16, value: Value) -> Value {
    Value::Struct(vec![(id, value)])
}

fn read_like(protocol: Protocol, input: &[u8], limits: Limits, template: &Value) -> WireError {
    decode(protocol, input, limits, |reader| reader.like(template))
        .expect_err("malformed input must not decode")
}

fn read_any(protocol: Protocol, input: &[u8], limits: Limits) -> WireError {
    decode(protocol, input, limits, |reader| reader.any(TType::Struct))
        .expect_err("malformed input must not decode")
}

fn unlimited() -> Limits {
    Limits {
        max_string_len: usize::MAX,
        max_container_len: usize::MAX,
        ..Limits::default()
    }
}

#[test]
fn truncation_at_every_byte_is_an_error() {
    let body = Value::Struct((1..).zip(sample_values()).collect());
    for protocol in PROTOCOLS {
        let message = encode(protocol, |writer| {
            writer.message_begin("truncate", MessageType::Call, 9)?;
            writer.value(&body)?;
            writer.message_end();
            Ok(())
        })
        .unwrap();
        for len in 0..message.len() {
            let prefix = &message[..len];
            let typed = decode(protocol, prefix, Limits::default(), |reader| {
                reader.message_begin()?;
                reader.like(&body)?;
                reader.message_end()
            });
            assert!(typed.is_err(), "{protocol:?} decoded a {len}-byte prefix");
            let skipped = decode(protocol, prefix, Limits::default(), |reader| {
                reader.message_begin()?;
                reader.skip_value(TType::Struct)?;
                reader.message_end()
            });
            assert!(skipped.is_err(), "{protocol:?} skipped a {len}-byte prefix");
        }
    }
}

/// Each case: a protocol, bytes whose field 1 claims 2 billion of something, and a template.
fn huge_claims() -> Vec<(Protocol, Vec<u8>, Value, LengthOf)> {
    let string = field(1, Value::String(String::new()));
    let binary = field(1, Value::Binary(vec![]));
    let list = field(1, Value::List(TType::I32, vec![]));
    let map = field(1, Value::Map(TType::String, TType::String, vec![]));
    vec![
        (
            Protocol::Binary,
            unhex("0b00017735940061626300"),
            string.clone(),
            LengthOf::String,
        ),
        (
            Protocol::Binary,
            unhex("0b00017735940061626300"),
            binary.clone(),
            LengthOf::Binary,
        ),
        (
            Protocol::Binary,
            unhex("0f0001087735940000000100"),
            list.clone(),
            LengthOf::List,
        ),
        (
            Protocol::Binary,
            unhex("0d00010b0b7735940000"),
            map.clone(),
            LengthOf::Map,
        ),
        (
            Protocol::Compact,
            unhex("1880a8d6b9076100"),
            string,
            LengthOf::String,
        ),
        (
            Protocol::Compact,
            unhex("1880a8d6b9076100"),
            binary,
            LengthOf::Binary,
        ),
        (
            Protocol::Compact,
            unhex("19f580a8d6b9070200"),
            list.clone(),
            LengthOf::List,
        ),
        (
            Protocol::Compact,
            unhex("1b80a8d6b9078800"),
            map.clone(),
            LengthOf::Map,
        ),
        (
            Protocol::Json,
            br#"{"1":{"lst":["i32",2000000000,1]}}"#.to_vec(),
            list,
            LengthOf::List,
        ),
        (
            Protocol::Json,
            br#"{"1":{"map":["str","str",2000000000,{}]}}"#.to_vec(),
            map,
            LengthOf::Map,
        ),
    ]
}

#[test]
fn huge_lengths_fail_at_the_limit_without_allocating() {
    for (protocol, input, template, what) in huge_claims() {
        let (error, largest) =
            largest_allocation(|| read_like(protocol, &input, Limits::default(), &template));
        let limit = match what {
            LengthOf::String | LengthOf::Binary => Limits::DEFAULT_MAX_STRING_LEN,
            _ => Limits::DEFAULT_MAX_CONTAINER_LEN,
        };
        assert_eq!(
            error,
            WireError::SizeLimit {
                what,
                len: 2_000_000_000,
                limit: limit as u64
            },
            "{protocol:?} {what:?}"
        );
        assert!(
            largest < 1024,
            "{protocol:?} {what:?} allocated {largest} bytes"
        );
        assert_eq!(error.protocol_exception_type(), 3);
    }
    let error = read_like(
        Protocol::Binary,
        &unhex("0b00017735940061626300"),
        Limits::default(),
        &field(1, Value::String(String::new())),
    );
    assert_eq!(
        error.to_string(),
        "string length 2000000000 exceeds the limit of 16777216 bytes"
    );
}

#[test]
fn huge_lengths_beyond_the_input_fail_without_allocating_even_without_limits() {
    for (protocol, input, template, what) in huge_claims() {
        let (error, largest) =
            largest_allocation(|| read_like(protocol, &input, unlimited(), &template));
        assert!(
            matches!(error, WireError::LengthBeyondInput { what: found, len: 2_000_000_000, .. } if found == what),
            "{protocol:?} {what:?}: {error:?}"
        );
        assert!(
            largest < 1024,
            "{protocol:?} {what:?} allocated {largest} bytes"
        );
    }
    let error = read_like(
        Protocol::Binary,
        &unhex("0f0001087735940000000100"),
        unlimited(),
        &field(1, Value::List(TType::I32, vec![])),
    );
    assert_eq!(
        error.to_string(),
        "list length 2000000000 needs at least 8000000000 bytes but only 4 remain"
    );
}

#[test]
fn negative_sizes_are_named() {
    let cases: Vec<(Protocol, Vec<u8>, &str)> = vec![
        (
            Protocol::Binary,
            unhex("0b0001ffffffff00"),
            "string length -1 is negative",
        ),
        (
            Protocol::Binary,
            unhex("0f000108fffffffb00"),
            "list length -5 is negative",
        ),
        (
            Protocol::Binary,
            unhex("0e000108fffffffb00"),
            "set length -5 is negative",
        ),
        (
            Protocol::Binary,
            unhex("0d00010808ffffffff00"),
            "map length -1 is negative",
        ),
        (
            Protocol::Compact,
            unhex("18ffffffff0f00"),
            "string length -1 is negative",
        ),
        (
            Protocol::Compact,
            unhex("19f5feffffff0f00"),
            "list length -2 is negative",
        ),
        (
            Protocol::Compact,
            unhex("1bffffffff0f5500"),
            "map length -1 is negative",
        ),
        (
            Protocol::Json,
            br#"{"1":{"lst":["i32",-1]}}"#.to_vec(),
            "list length -1 is negative",
        ),
        (
            Protocol::Json,
            br#"{"1":{"map":["i32","i32",-3,{}]}}"#.to_vec(),
            "map length -3 is negative",
        ),
    ];
    for (protocol, input, message) in cases {
        let error = read_any(protocol, &input, Limits::default());
        assert_eq!(error.to_string(), message, "{protocol:?}");
        assert_eq!(error.protocol_exception_type(), 2);
    }
}

fn nested_structs(depth: usize) -> Value {
    (1..depth).fold(Value::Struct(vec![]), |inner, _| field(1, inner))
}

/// `depth` levels: a struct holding lists of lists.
fn nested_lists(depth: usize) -> Value {
    let lists = (2..depth).fold(Value::List(TType::I8, vec![]), |inner, _| {
        Value::List(TType::List, vec![inner])
    });
    field(1, lists)
}

#[test]
fn nesting_deeper_than_the_limit_is_rejected() {
    for protocol in PROTOCOLS {
        for nested in [nested_structs, nested_lists] {
            let ok = common::encode_value(protocol, &nested(64));
            assert!(decode(protocol, &ok, Limits::default(), |r| r.any(TType::Struct)).is_ok());
            assert!(decode(protocol, &ok, Limits::default(), |r| r
                .skip_value(TType::Struct))
            .is_ok());

            let too_deep = common::encode_value(protocol, &nested(65));
            let error = read_any(protocol, &too_deep, Limits::default());
            assert_eq!(error, WireError::DepthLimit { limit: 64 }, "{protocol:?}");
            assert_eq!(error.to_string(), "nesting depth exceeds the limit of 64");
            assert_eq!(error.protocol_exception_type(), 6);
            let skipped = decode(protocol, &too_deep, Limits::default(), |r| {
                r.skip_value(TType::Struct)
            });
            assert_eq!(skipped, Err(WireError::DepthLimit { limit: 64 }));

            let deeper = Limits {
                max_depth: 65,
                ..Limits::default()
            };
            assert!(decode(protocol, &too_deep, deeper, |r| r.any(TType::Struct)).is_ok());
        }
    }
}

#[test]
fn compact_rejects_overlong_varints() {
    let cases = [
        (
            "1580808080808000",
            "varint at byte 1 is longer than 5 bytes",
        ),
        ("15ffffffff1f00", "varint at byte 1 overflows 32 bits"),
        (
            "1680808080808080808080800100",
            "varint at byte 1 is longer than 10 bytes",
        ),
        (
            "16ffffffffffffffffff0200",
            "varint at byte 1 overflows 64 bits",
        ),
        (
            "19f58080808080800000",
            "varint at byte 2 is longer than 5 bytes",
        ),
        (
            "0580808080808000",
            "varint at byte 1 is longer than 5 bytes",
        ),
        ("04feff0700", "i16 at byte 1 is out of range: 65535"),
    ];
    for (input, message) in cases {
        let error = read_any(Protocol::Compact, &unhex(input), Limits::default());
        assert_eq!(error.to_string(), message, "{input}");
    }
}

#[test]
fn bad_versions_and_types() {
    let message = |protocol: Protocol, input: &[u8]| {
        decode(protocol, input, Limits::default(), |reader| {
            reader.message_begin()
        })
        .expect_err("bad header")
    };
    let cases: Vec<(Protocol, Vec<u8>, &str)> =
        vec![
        (
            Protocol::Binary,
            unhex("80020001000000017800000000"),
            "bad protocol version: binary protocol version word 0x80020001, expected 0x80010000",
        ),
        (Protocol::Binary, unhex("80010005000000017800000000"), "unknown message type 5"),
        (Protocol::Binary, unhex("00000001780500000000"), "unknown message type 5"),
        (
            Protocol::Compact,
            unhex("8321000178"),
            "bad protocol version: compact protocol id 0x83, expected 0x82",
        ),
        (
            Protocol::Compact,
            unhex("8222000178"),
            "bad protocol version: compact protocol version 2, expected 1",
        ),
        (Protocol::Compact, unhex("82e1000178"), "unknown message type 7"),
        (
            Protocol::Json,
            br#"[2,"x",1,0,{}]"#.to_vec(),
            "bad protocol version: JSON protocol version 2, expected 1",
        ),
        (Protocol::Json, br#"[1,"x",0,0,{}]"#.to_vec(), "unknown message type 0"),
        (
            Protocol::Json,
            br#"[1,"x",1,2147483648,{}]"#.to_vec(),
            "sequence id 2147483648 at byte 9 is out of range",
        ),
    ];
    for (protocol, input, expected) in cases {
        assert_eq!(
            message(protocol, &input).to_string(),
            expected,
            "{protocol:?}"
        );
    }
    assert_eq!(
        read_any(Protocol::Binary, &unhex("11000100"), Limits::default()),
        WireError::UnknownType(17)
    );
    assert_eq!(
        read_any(Protocol::Compact, &unhex("1e00"), Limits::default()),
        WireError::UnknownType(14)
    );
}

#[test]
fn invalid_utf8_is_an_error_for_strings_only() {
    let string = field(1, Value::String(String::new()));
    let cases: [(Protocol, &[u8], usize); 3] = [
        (
            Protocol::Binary,
            b"\x0b\x00\x01\x00\x00\x00\x02\xc3\x28\x00",
            7,
        ),
        (Protocol::Compact, b"\x18\x02\xc3\x28\x00", 2),
        (Protocol::Json, b"{\"1\":{\"str\":\"\xc3\x28\"}}", 12),
    ];
    for (protocol, input, offset) in cases {
        let error = read_like(protocol, input, Limits::default(), &string);
        assert_eq!(error, WireError::InvalidUtf8 { offset }, "{protocol:?}");
        let raw = decode(protocol, input, Limits::default(), |reader| {
            reader.any(TType::Struct)
        });
        assert_eq!(raw, Ok(field(1, Value::Binary(vec![0xc3, 0x28]))));
    }
    let escaped_surrogate = br#"{"1":{"str":"\ud83d\ude00\u00e9"}}"#;
    let read = decode(
        Protocol::Json,
        escaped_surrogate,
        Limits::default(),
        |reader| reader.like(&string),
    );
    assert_eq!(
        read,
        Ok(field(1, Value::String("\u{1F600}\u{e9}".to_string())))
    );
}

#[test]
fn messages_larger_than_the_limit_are_refused() {
    let limits = Limits {
        max_message_size: 8,
        ..Limits::default()
    };
    for protocol in PROTOCOLS {
        let error = decode(protocol, &[0; 9], limits, |reader| {
            reader.any(TType::Struct)
        });
        assert_eq!(
            error.unwrap_err().to_string(),
            "message length 9 exceeds the limit of 8 bytes"
        );
    }
}

#[test]
fn strings_longer_than_the_limit_are_refused() {
    let limits = Limits {
        max_string_len: 3,
        ..Limits::default()
    };
    let string = field(1, Value::String("four".to_string()));
    let binary = field(1, Value::Binary(b"four".to_vec()));
    for protocol in PROTOCOLS {
        for value in [&string, &binary] {
            let bytes = common::encode_value(protocol, value);
            let error = read_like(protocol, &bytes, limits, value);
            assert!(
                matches!(
                    error,
                    WireError::SizeLimit {
                        len: 4,
                        limit: 3,
                        ..
                    }
                ),
                "{protocol:?}: {error:?}"
            );
        }
    }
    let escaped = br#"{"1":{"str":"a\nbcd"}}"#;
    let error = read_like(Protocol::Json, escaped, limits, &string);
    assert_eq!(
        error.to_string(),
        "string length 5 exceeds the limit of 3 bytes"
    );
}
