//! The object codec: Python objects to Thrift bytes and back in one pass, for the binary,
//! compact and JSON protocols (DESIGN.md, "The object codec").
//!
//! - [`plan`] / [`compile`]: a class's plan, compiled once from its `__thrift_spec__` and
//!   cached on the class.
//! - [`encode`] / [`decode`]: the two walkers, generic over the wire crate's protocol traits and
//!   monomorphized per protocol; [`slots`] and [`values`] are their Python-facing helpers,
//!   [`defaults`] gives absent fields their values, [`keys`] caches repeated map keys.
//! - [`message`]: call/reply/exception/oneway envelopes around a struct.
//! - [`api`]: the `#[pyfunction]`s, thin wrappers over the plain Rust functions here, which the
//!   RPC layer calls directly.
//! - [`error`]: `CodecError`; `crate::errors` turns it into a Python exception.

mod api;
mod compile;
mod decode;
mod defaults;
mod encode;
mod error;
mod keys;
mod limits;
mod message;
mod plan;
mod slots;
mod values;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use thrifthive_wire::{
    BinaryReader, BinaryWriter, CompactReader, CompactWriter, JsonReader, JsonWriter, Limits,
    ProtocolReader, ProtocolWriter, WireError,
};

pub use api::register;
// The RPC bindings encode calls and decode replies with the same jobs as the Python functions.
pub(crate) use api::{DecodeStruct, EncodeMessage, EncodeResult};
pub use error::{CodecError, ErrorKind};
pub(crate) use message::application_exception;
pub(crate) use plan::{plan_of, PlanObject, StructPlan};

use decode::Decoder;
use encode::Encoder;

/// Writes `obj`, an instance of `plan`'s class, as a struct.
pub fn encode<W: ProtocolWriter>(
    w: &mut W,
    obj: &Bound<'_, PyAny>,
    plan: &StructPlan,
    max_depth: usize,
) -> Result<(), CodecError> {
    Encoder::new(obj.py(), w, max_depth, true)
        .encode_struct(obj, plan)
        .map_err(|err| err.in_struct(&plan.name))
}

/// Reads a struct as an instance of `plan`'s class.
pub fn decode<'a, 'py, R: ProtocolReader<'a>>(
    py: Python<'py>,
    r: &mut R,
    plan: &StructPlan,
    strict: bool,
) -> Result<Bound<'py, PyAny>, CodecError> {
    Decoder::new(py, r, strict)
        .decode_struct(plan)
        .map_err(|err| err.in_struct(&plan.name))
}

/// Fails unless `r` has consumed all of its `len`-byte input.
fn expect_end<'a, R: ProtocolReader<'a>>(r: &R, len: usize) -> Result<(), CodecError> {
    let end = r.position();
    if end == len {
        return Ok(());
    }
    Err(WireError::InvalidData(format!(
        "{} unexpected bytes after the end of the data at byte {end}",
        len - end
    ))
    .into())
}

/// A wire format, chosen by name at run time; the work runs monomorphized for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Binary,
    Compact,
    Json,
}

/// Something to write with a writer of whichever protocol.
pub trait WriteJob {
    fn run<W: ProtocolWriter>(self, w: &mut W) -> Result<(), CodecError>;
}

/// Something to read with a reader of whichever protocol.
pub trait ReadJob<'a> {
    type Output;
    fn run<R: ProtocolReader<'a>>(self, r: &mut R) -> Result<Self::Output, CodecError>;
}

impl Protocol {
    pub fn from_name(name: &str) -> PyResult<Protocol> {
        match name {
            "binary" => Ok(Protocol::Binary),
            "compact" => Ok(Protocol::Compact),
            "json" => Ok(Protocol::Json),
            _ => Err(PyValueError::new_err(format!(
                "unknown protocol {name:?}: use \"binary\", \"compact\" or \"json\""
            ))),
        }
    }

    /// Runs `job` with this protocol's writer appending to `out`.
    pub fn write<J: WriteJob>(self, out: &mut Vec<u8>, job: J) -> Result<(), CodecError> {
        match self {
            Protocol::Binary => job.run(&mut BinaryWriter::new(out)),
            Protocol::Compact => job.run(&mut CompactWriter::new(out)),
            Protocol::Json => job.run(&mut JsonWriter::new(out)),
        }
    }

    /// Runs `job` with this protocol's reader over `input`.
    pub fn read<'a, J: ReadJob<'a>>(
        self,
        input: &'a [u8],
        limits: Limits,
        job: J,
    ) -> Result<J::Output, CodecError> {
        match self {
            Protocol::Binary => job.run(&mut BinaryReader::new(input, limits)?),
            Protocol::Compact => job.run(&mut CompactReader::new(input, limits)?),
            Protocol::Json => job.run(&mut JsonReader::new(input, limits)?),
        }
    }
}
