//! Fuzz target: the TBinaryProtocol reader (and writer) on arbitrary bytes; see wire_common.rs for what
//! is checked.

#![no_main]

mod wire_common;

use libfuzzer_sys::fuzz_target;
use thrifthive_wire::{BinaryReader, BinaryWriter, Limits, WireError};
use wire_common::{check, Protocol};

struct ThisProtocol;

impl Protocol for ThisProtocol {
    type Reader<'a> = BinaryReader<'a>;
    type Writer<'b> = BinaryWriter<'b>;

    fn reader(input: &[u8], limits: Limits) -> Result<BinaryReader<'_>, WireError> {
        BinaryReader::new(input, limits)
    }

    fn writer(out: &mut Vec<u8>) -> BinaryWriter<'_> {
        BinaryWriter::new(out)
    }
}

fuzz_target!(|data: &[u8]| check::<ThisProtocol>(data));
