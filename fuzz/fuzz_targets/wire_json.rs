//! Fuzz target: the TJSONProtocol reader (and writer) on arbitrary bytes; see wire_common.rs for what
//! is checked.

#![no_main]

mod wire_common;

use libfuzzer_sys::fuzz_target;
use thrifthive_wire::{JsonReader, JsonWriter, Limits, WireError};
use wire_common::{check, Protocol};

struct ThisProtocol;

impl Protocol for ThisProtocol {
    type Reader<'a> = JsonReader<'a>;
    type Writer<'b> = JsonWriter<'b>;

    fn reader(input: &[u8], limits: Limits) -> Result<JsonReader<'_>, WireError> {
        JsonReader::new(input, limits)
    }

    fn writer(out: &mut Vec<u8>) -> JsonWriter<'_> {
        JsonWriter::new(out)
    }
}

fuzz_target!(|data: &[u8]| check::<ThisProtocol>(data));
