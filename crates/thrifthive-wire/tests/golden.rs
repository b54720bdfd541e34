//! Byte-exact compatibility with Apache Thrift: every protocol writes exactly the bytes Apache's
//! library wrote for the same values (`golden/vectors.rs`), and reads them back to the same
//! values, by schema, generically and by skipping.

#[path = "golden/cases.rs"]
mod cases;
mod common;
#[path = "golden/vectors.rs"]
mod vectors;

use common::{decode, encode, encode_value, hex, unhex, Protocol, Value};
use thrifthive_wire::{Limits, TType};

/// Writes each case and compares with the golden bytes; reads the golden bytes back.
fn check_vectors(protocol: Protocol, vectors: &[(&str, &str)], to_bytes: fn(&str) -> Vec<u8>) {
    for &(case, golden) in vectors {
        let golden = to_bytes(golden);
        let body = Value::Struct(vec![]);
        let (written, value) = match cases::message(case) {
            Some((name, kind, seqid)) => {
                let written = encode(protocol, |writer| {
                    writer.message_begin(name, kind, seqid)?;
                    writer.value(&body)?;
                    writer.message_end();
                    Ok(())
                })
                .unwrap();
                let header = decode(protocol, &golden, Limits::default(), |reader| {
                    let header = reader.message_begin()?;
                    assert_eq!(reader.like(&body)?, body);
                    reader.message_end()?;
                    assert_eq!(reader.at(), golden.len());
                    Ok(header)
                });
                assert_eq!(header, Ok((name.to_string(), kind, seqid)), "{case}");
                (written, body)
            }
            None => {
                let value = cases::value(case);
                (encode_value(protocol, &value), value)
            }
        };
        assert_eq!(
            String::from_utf8_lossy(&written),
            String::from_utf8_lossy(&golden),
            "{protocol:?} {case}: {} != {}",
            hex(&written),
            hex(&golden)
        );
        if cases::message(case).is_some() {
            continue;
        }
        let read = decode(protocol, &golden, Limits::default(), |reader| {
            let read = reader.like(&value)?;
            assert_eq!(reader.at(), golden.len(), "{case}: trailing bytes");
            Ok(read)
        });
        assert_eq!(read, Ok(value.clone()), "{protocol:?} {case}: read back");
        let skipped = decode(protocol, &golden, Limits::default(), |reader| {
            reader.skip_value(TType::Struct)?;
            Ok(reader.at())
        });
        assert_eq!(skipped, Ok(golden.len()), "{protocol:?} {case}: skip");
        let generic = decode(protocol, &golden, Limits::default(), |reader| {
            reader.any(TType::Struct)
        });
        assert!(generic.is_ok(), "{protocol:?} {case}: {generic:?}");
    }
}

fn text(golden: &str) -> Vec<u8> {
    golden.as_bytes().to_vec()
}

#[test]
fn binary_matches_apache() {
    check_vectors(Protocol::Binary, vectors::BINARY, unhex);
}

#[test]
fn compact_matches_apache() {
    check_vectors(Protocol::Compact, vectors::COMPACT, unhex);
}

#[test]
fn json_matches_apache() {
    check_vectors(Protocol::Json, vectors::JSON, text);
}

/// Where Apache's Python JSON writer is not the reference: it writes NaN and the infinities
/// unquoted (`nan`, `inf`), which no Apache reader accepts, and writes control characters raw.
/// These vectors follow the C++ library's writer instead.
#[test]
fn json_matches_apache_cpp_where_python_deviates() {
    let vectors = [
        ("dbl_nan", r#"{"1":{"dbl":"NaN"}}"#),
        ("dbl_inf", r#"{"1":{"dbl":"Infinity"}}"#),
        ("dbl_neg_inf", r#"{"1":{"dbl":"-Infinity"}}"#),
    ];
    check_vectors(Protocol::Json, &vectors, text);
    let control = Value::Struct(vec![(
        1,
        Value::String("\u{0}\u{1}\u{1f} \u{7f}/".to_string()),
    )]);
    let written = encode_value(Protocol::Json, &control);
    assert_eq!(
        String::from_utf8(written.clone()).unwrap(),
        "{\"1\":{\"str\":\"\\u0000\\u0001\\u001f \u{7f}/\"}}"
    );
    let read = decode(Protocol::Json, &written, Limits::default(), |r| {
        r.like(&control)
    });
    assert_eq!(read, Ok(control));
}

#[test]
fn binary_reads_apache_lax_message_headers() {
    for &(case, golden) in vectors::BINARY_LAX {
        let golden = unhex(golden);
        let expected = cases::message(case).unwrap();
        let header = decode(Protocol::Binary, &golden, Limits::default(), |reader| {
            let header = reader.message_begin()?;
            reader.skip_value(TType::Struct)?;
            assert_eq!(reader.at(), golden.len());
            Ok(header)
        });
        assert_eq!(
            header,
            Ok((expected.0.to_string(), expected.1, expected.2)),
            "{case}"
        );
    }
}

/// Apache's Python and Go libraries write base64 with padding (the golden JSON vectors follow
/// the C++ library, which writes none); both forms read the same.
#[test]
fn json_reads_padded_base64() {
    for (text, bytes) in [
        ("YQ==", &b"a"[..]),
        ("YWI=", b"ab"),
        ("YWJj", b"abc"),
        ("", b""),
    ] {
        let input = format!(r#"{{"1":{{"str":"{text}"}}}}"#);
        let template = Value::Struct(vec![(1, Value::Binary(vec![]))]);
        let read = decode(
            Protocol::Json,
            input.as_bytes(),
            Limits::default(),
            |reader| reader.like(&template),
        );
        assert_eq!(
            read,
            Ok(Value::Struct(vec![(1, Value::Binary(bytes.to_vec()))]))
        );
    }
}

/// The compact specification's forms of bools in containers (element type 2, false as 0),
/// which Apache's libraries do not write, read the same as Apache's (type 1, false as 2).
#[test]
fn compact_reads_the_specification_bool_forms() {
    let expected = Value::Struct(vec![(
        1,
        Value::List(TType::Bool, vec![Value::Bool(true), Value::Bool(false)]),
    )]);
    for input in ["1922010000", "1921010200"] {
        let read = decode(
            Protocol::Compact,
            &unhex(input),
            Limits::default(),
            |reader| reader.like(&expected),
        );
        assert_eq!(read, Ok(expected.clone()), "{input}");
    }
}
