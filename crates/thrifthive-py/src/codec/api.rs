//! The codec's Python functions: `dumps`, `loads`, `encode_message`, `decode_message` and the
//! `Limits` class. Each parses its arguments, picks the protocol and calls the plain Rust
//! functions of this module's parent; `python/thrifthive/codec.py` is the public face.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString, PyType};
use thrifthive_wire::{MessageHeader, MessageType, ProtocolReader, ProtocolWriter};

use super::error::{type_name, CodecError};
use super::limits::{self, PyLimits};
use super::message::{read_message, write_message, write_result};
use super::plan::{plan_of, StructPlan};
use super::values::Buffer;
use super::{decode, encode, expect_end, Protocol, ReadJob, WriteJob};
use crate::errors::codec_error;

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyLimits>()?;
    m.add_function(wrap_pyfunction!(dumps, m)?)?;
    m.add_function(wrap_pyfunction!(loads, m)?)?;
    m.add_function(wrap_pyfunction!(encode_message, m)?)?;
    m.add_function(wrap_pyfunction!(decode_message, m)?)?;
    Ok(())
}

/// Encodes `obj`, an instance of a Thrift struct, union or exception class, to bytes.
///
/// `protocol` is "binary", "compact" or "json". Raises TypeError (a value of the wrong type)
/// or OverflowError (an int out of range) naming the field, and TProtocolException for a
/// required field left None, a union without exactly one field set, or nesting deeper than
/// `limits.max_depth`.
#[pyfunction]
#[pyo3(signature = (obj, protocol = "binary", *, limits = None))]
fn dumps<'py>(
    obj: &Bound<'py, PyAny>,
    protocol: &str,
    limits: Option<&Bound<'py, PyLimits>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let py = obj.py();
    let protocol = Protocol::from_name(protocol)?;
    let plan = plan_of(&obj.get_type())?;
    let plan = &plan.get().plan;
    let max_depth = limits::resolve(limits).max_depth;
    let job = EncodeStruct {
        obj,
        plan,
        max_depth,
    };
    encode_to_bytes(py, protocol, plan, job)
}

/// Decodes an instance of `cls` from `data` (bytes, bytearray or memoryview), which must hold
/// exactly one struct and nothing after it.
///
/// `protocol` is "binary", "compact" or "json". With `strict`, a missing required field (or a
/// union without exactly one field) is an error; otherwise it is accepted, as Apache's Python
/// library and thriftpy2 accept it. Malformed, truncated or over-limit input raises
/// TProtocolException.
#[pyfunction]
#[pyo3(signature = (cls, data, protocol = "binary", *, strict = false, limits = None))]
fn loads<'py>(
    cls: &Bound<'py, PyType>,
    data: &Bound<'py, PyAny>,
    protocol: &str,
    strict: bool,
    limits: Option<&Bound<'py, PyLimits>>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = cls.py();
    let protocol = Protocol::from_name(protocol)?;
    let plan = plan_of(cls)?;
    let input = Input::new(data)?;
    let input = input.as_slice();
    let job = DecodeStruct {
        py,
        plan: &plan.get().plan,
        strict,
        len: input.len(),
    };
    protocol
        .read(input, limits::resolve(limits), job)
        .map_err(|err| codec_error(py, err))
}

/// Encodes a message: a header with `name`, `message_type` (1 call, 2 reply, 3 exception,
/// 4 oneway) and `seqid`, around `body`, a struct instance.
#[pyfunction]
#[pyo3(signature = (name, message_type, seqid, body, protocol = "binary", *, limits = None))]
fn encode_message<'py>(
    name: &str,
    message_type: i64,
    seqid: i32,
    body: &Bound<'py, PyAny>,
    protocol: &str,
    limits: Option<&Bound<'py, PyLimits>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let py = body.py();
    let protocol = Protocol::from_name(protocol)?;
    let message_type = MessageType::from_code(message_type).map_err(|_| {
        PyValueError::new_err(format!(
            "message_type must be 1 (call), 2 (reply), 3 (exception) or 4 (oneway), got \
             {message_type}"
        ))
    })?;
    let plan = plan_of(&body.get_type())?;
    let plan = &plan.get().plan;
    let job = EncodeMessage {
        header: MessageHeader {
            name: name.into(),
            message_type,
            seqid,
        },
        body,
        plan,
        max_depth: limits::resolve(limits).max_depth,
    };
    encode_to_bytes(py, protocol, plan, job)
}

/// Runs an encoding job into a buffer sized from `plan`'s last encoding, and returns the bytes.
fn encode_to_bytes<'py>(
    py: Python<'py>,
    protocol: Protocol,
    plan: &StructPlan,
    job: impl WriteJob,
) -> PyResult<Bound<'py, PyBytes>> {
    let mut out = plan.output_buffer();
    protocol
        .write(&mut out, job)
        .map_err(|err| codec_error(py, err))?;
    plan.remember_size(out.len());
    Ok(PyBytes::new(py, &out))
}

/// Decodes a message: returns `(name, message_type, seqid, body)`. The body's class is
/// `body_types` itself, or `body_types[name]` when it is a mapping; a name missing from the
/// mapping gives a body of None (left undecoded). An exception message's body is always a
/// `TApplicationException`.
#[pyfunction]
#[pyo3(signature = (data, body_types, protocol = "binary", *, strict = false, limits = None))]
fn decode_message<'py>(
    data: &Bound<'py, PyAny>,
    body_types: &Bound<'py, PyAny>,
    protocol: &str,
    strict: bool,
    limits: Option<&Bound<'py, PyLimits>>,
) -> PyResult<PyMessage<'py>> {
    let py = data.py();
    let protocol = Protocol::from_name(protocol)?;
    let input = Input::new(data)?;
    let input = input.as_slice();
    let job = DecodeMessage {
        py,
        body_types,
        strict,
        len: input.len(),
    };
    protocol
        .read(input, limits::resolve(limits), job)
        .map_err(|err| codec_error(py, err))
}

/// `decode_message`'s result: name, message type code, seqid, body.
type PyMessage<'py> = (Bound<'py, PyString>, u8, i32, Option<Bound<'py, PyAny>>);

/// The bytes of `bytes` (borrowed as they are) or of any contiguous buffer.
enum Input<'a> {
    Bytes(&'a [u8]),
    Buffer(Buffer),
}

impl<'a> Input<'a> {
    fn new(data: &'a Bound<'_, PyAny>) -> PyResult<Input<'a>> {
        if let Ok(bytes) = data.cast::<PyBytes>() {
            return Ok(Input::Bytes(bytes.as_bytes()));
        }
        Buffer::get(data).map(Input::Buffer).ok_or_else(|| {
            PyTypeError::new_err(format!(
                "data must be bytes, bytearray or memoryview, got {}",
                type_name(data)
            ))
        })
    }

    fn as_slice(&self) -> &[u8] {
        match self {
            Input::Bytes(bytes) => bytes,
            Input::Buffer(buffer) => buffer.as_slice(),
        }
    }
}

struct EncodeStruct<'a, 'py> {
    obj: &'a Bound<'py, PyAny>,
    plan: &'a StructPlan,
    max_depth: usize,
}

impl WriteJob for EncodeStruct<'_, '_> {
    fn run<W: ProtocolWriter>(self, w: &mut W) -> Result<(), CodecError> {
        encode(w, self.obj, self.plan, self.max_depth)
    }
}

pub(crate) struct DecodeStruct<'p, 'py> {
    pub(crate) py: Python<'py>,
    pub(crate) plan: &'p StructPlan,
    pub(crate) strict: bool,
    pub(crate) len: usize,
}

impl<'a, 'py> ReadJob<'a> for DecodeStruct<'_, 'py> {
    type Output = Bound<'py, PyAny>;

    fn run<R: ProtocolReader<'a>>(self, r: &mut R) -> Result<Self::Output, CodecError> {
        let obj = decode(self.py, r, self.plan, self.strict)?;
        expect_end(r, self.len)?;
        Ok(obj)
    }
}

pub(crate) struct EncodeMessage<'a, 'py> {
    pub(crate) header: MessageHeader<'a>,
    pub(crate) body: &'a Bound<'py, PyAny>,
    pub(crate) plan: &'a StructPlan,
    pub(crate) max_depth: usize,
}

impl WriteJob for EncodeMessage<'_, '_> {
    fn run<W: ProtocolWriter>(self, w: &mut W) -> Result<(), CodecError> {
        write_message(w, &self.header, self.body, self.plan, self.max_depth)
    }
}

pub(crate) struct EncodeResult<'a, 'py> {
    pub(crate) py: Python<'py>,
    pub(crate) header: MessageHeader<'a>,
    pub(crate) plan: &'a StructPlan,
    pub(crate) field: Option<(usize, &'a Bound<'py, PyAny>)>,
    pub(crate) max_depth: usize,
}

impl WriteJob for EncodeResult<'_, '_> {
    fn run<W: ProtocolWriter>(self, w: &mut W) -> Result<(), CodecError> {
        write_result(
            self.py,
            w,
            &self.header,
            self.plan,
            self.field,
            self.max_depth,
        )
    }
}

struct DecodeMessage<'b, 'py> {
    py: Python<'py>,
    body_types: &'b Bound<'py, PyAny>,
    strict: bool,
    len: usize,
}

impl<'a, 'py> ReadJob<'a> for DecodeMessage<'_, 'py> {
    type Output = PyMessage<'py>;

    fn run<R: ProtocolReader<'a>>(self, r: &mut R) -> Result<Self::Output, CodecError> {
        let body_types = self.body_types;
        let pick = |header: &MessageHeader<'_>| -> PyResult<Option<Bound<'py, PyType>>> {
            if let Ok(cls) = body_types.cast::<PyType>() {
                return Ok(Some(cls.clone()));
            }
            match body_types.get_item(&*header.name) {
                Ok(cls) => Ok(Some(cls.cast_into::<PyType>()?)),
                Err(err) if err.is_instance_of::<pyo3::exceptions::PyKeyError>(self.py) => Ok(None),
                Err(err) => Err(err),
            }
        };
        let (header, body) = read_message(self.py, r, pick, self.strict)?;
        if body.is_some() {
            expect_end(r, self.len)?;
        }
        let name = PyString::new(self.py, &header.name);
        Ok((name, header.message_type.code(), header.seqid, body))
    }
}
