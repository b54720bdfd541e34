//! Default values for fields absent on decode. Immutable defaults are shared; a mutable one
//! (list, set, map, struct) is copied for every instance by decoding its own encoding, made
//! once on first use: the copy is exactly what decoding that value would give (a set for a
//! frozenset const, nested structs copied too) and no third walker is needed.

use pyo3::prelude::*;
use thrifthive_wire::{BinaryReader, BinaryWriter, Limits};

use super::decode::Decoder;
use super::encode::Encoder;
use super::error::CodecError;
use super::plan::{FieldDefault, FieldPlan};

/// The value an absent field gets.
pub fn value<'py>(py: Python<'py>, field: &FieldPlan) -> Result<Bound<'py, PyAny>, CodecError> {
    match &field.default {
        FieldDefault::None => Ok(py.None().into_bound(py)),
        FieldDefault::Shared(value) => Ok(value.bind(py).clone()),
        FieldDefault::Fresh { value, encoded } => {
            let bytes = match encoded.get() {
                Some(bytes) => bytes,
                None => {
                    let mut out = Vec::new();
                    let mut writer = BinaryWriter::new(&mut out);
                    Encoder::new(py, &mut writer, Limits::DEFAULT_MAX_DEPTH, false)
                        .encode_value(value.bind(py), &field.ty)?;
                    // Python code run by the encoding may have set it meanwhile; either will do.
                    let _ = encoded.set(out.into_boxed_slice());
                    encoded.get().expect("set above")
                }
            };
            let mut reader = BinaryReader::new(bytes, Limits::default())?;
            Decoder::new(py, &mut reader, false).decode_value(&field.ty)
        }
    }
}
