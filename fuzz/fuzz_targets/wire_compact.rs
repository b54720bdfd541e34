//! Fuzz target: the TCompactProtocol reader (and writer) on arbitrary bytes; see wire_common.rs for what
//! is checked.

#![no_main]

mod wire_common;

use libfuzzer_sys::fuzz_target;
use thrifthive_wire::{CompactReader, CompactWriter, Limits, WireError};
use wire_common::{check, Protocol};

struct ThisProtocol;

impl Protocol for ThisProtocol {
    type Reader<'a> = CompactReader<'a>;
    type Writer<'b> = CompactWriter<'b>;

    fn reader(input: &[u8], limits: Limits) -> Result<CompactReader<'_>, WireError> {
        CompactReader::new(input, limits)
    }

    fn writer(out: &mut Vec<u8>) -> CompactWriter<'_> {
        CompactWriter::new(out)
    }
}

fuzz_target!(|data: &[u8]| check::<ThisProtocol>(data));
