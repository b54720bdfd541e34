//! Readers never panic: on arbitrary bytes, and on valid encodings with bytes changed, inserted
//! or removed (which reach far deeper into the decoders than random bytes do).

mod common;

use common::arbitrary::any_struct;
use common::{decode, encode_value, Protocol, PROTOCOLS};
use proptest::prelude::*;
use thrifthive_wire::{Limits, TType, WireError};

/// Every way the tests read input: a message, a struct generically, and by skipping.
fn read_every_way(protocol: Protocol, input: &[u8]) {
    let limits = Limits {
        max_depth: 16,
        ..Limits::default()
    };
    let _ = decode(protocol, input, limits, |reader| {
        reader.message_begin()?;
        reader.any(TType::Struct)?;
        reader.message_end()
    });
    let _ = decode(protocol, input, limits, |reader| reader.any(TType::Struct));
    let _ = decode(protocol, input, limits, |reader| {
        reader.skip_value(TType::Struct)
    });
    for ttype in TType::ALL {
        let _: Result<_, WireError> = decode(protocol, input, limits, |reader| reader.any(ttype));
    }
}

#[derive(Debug, Clone)]
enum Edit {
    Replace(usize, u8),
    Insert(usize, u8),
    Remove(usize),
}

fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for edit in edits {
        match *edit {
            Edit::Replace(at, byte) if !bytes.is_empty() => {
                let at = at % bytes.len();
                bytes[at] = byte;
            }
            Edit::Insert(at, byte) => bytes.insert(at % (bytes.len() + 1), byte),
            Edit::Remove(at) if !bytes.is_empty() => {
                bytes.remove(at % bytes.len());
            }
            _ => {}
        }
    }
    bytes
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    prop::collection::vec(
        prop_oneof![
            (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Edit::Replace(at, byte)),
            (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Edit::Insert(at, byte)),
            any::<usize>().prop_map(Edit::Remove),
        ],
        1..4,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes(input in prop::collection::vec(any::<u8>(), 0..200)) {
        for protocol in PROTOCOLS {
            read_every_way(protocol, &input);
        }
    }

    #[test]
    fn arbitrary_json_like_text(input in r#"[\[\]{}":,0-9a-z\\+.eE-]{0,120}"#) {
        read_every_way(Protocol::Json, input.as_bytes());
    }

    #[test]
    fn edited_valid_encodings(value in any_struct(), edits in edits()) {
        for protocol in PROTOCOLS {
            let bytes = apply(encode_value(protocol, &value), &edits);
            read_every_way(protocol, &bytes);
        }
    }
}
