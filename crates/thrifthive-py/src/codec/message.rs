//! Message envelopes: a call, reply, exception or oneway header (name, type, seqid) around a
//! struct. The RPC layer calls these directly; `api` wraps them for Python.
//!
//! An exception message's body is always a `TApplicationException`, whatever the caller
//! expected, as in every Apache library.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;
use thrifthive_wire::{MessageHeader, MessageType, ProtocolReader, ProtocolWriter};

use super::encode::Encoder;
use super::error::CodecError;
use super::plan::{plan_of, StructPlan};

/// Writes a message: the header, then `body` (an instance of `plan`'s class).
pub fn write_message<W: ProtocolWriter>(
    w: &mut W,
    header: &MessageHeader<'_>,
    body: &Bound<'_, PyAny>,
    plan: &StructPlan,
    max_depth: usize,
) -> Result<(), CodecError> {
    w.write_message_begin(&header.name, header.message_type, header.seqid)?;
    super::encode(w, body, plan, max_depth)?;
    w.write_message_end();
    Ok(())
}

/// Writes a reply: the header, then a result struct of `plan`'s class with only the field at
/// position `field.0` set, to `field.1` (no field: a void result).
pub fn write_result<W: ProtocolWriter>(
    py: Python<'_>,
    w: &mut W,
    header: &MessageHeader<'_>,
    plan: &StructPlan,
    field: Option<(usize, &Bound<'_, PyAny>)>,
    max_depth: usize,
) -> Result<(), CodecError> {
    w.write_message_begin(&header.name, header.message_type, header.seqid)?;
    let field = field.map(|(position, value)| (&plan.fields[position], value));
    Encoder::new(py, w, max_depth, true)
        .encode_one_field(field)
        .map_err(|err| err.in_struct(&plan.name))?;
    w.write_message_end();
    Ok(())
}

/// Reads a message header, then its body as an instance of the class `body_class` picks for
/// the header (a `TApplicationException` for exception messages). When `body_class` picks
/// none (an unknown method), the body is left unread and None is returned with the header.
pub fn read_message<'a, 'py, R: ProtocolReader<'a>>(
    py: Python<'py>,
    r: &mut R,
    body_class: impl FnOnce(&MessageHeader<'a>) -> PyResult<Option<Bound<'py, PyType>>>,
    strict: bool,
) -> Result<(MessageHeader<'a>, Option<Bound<'py, PyAny>>), CodecError> {
    let header = r.read_message_begin()?;
    let cls = match header.message_type {
        MessageType::Exception => Some(application_exception(py)?.clone()),
        _ => body_class(&header)?,
    };
    let Some(cls) = cls else {
        return Ok((header, None));
    };
    let plan = plan_of(&cls)?;
    let body = super::decode(py, r, &plan.get().plan, strict)?;
    r.read_message_end()?;
    Ok((header, Some(body)))
}

/// `thrifthive.exceptions.TApplicationException`, imported once.
pub(crate) fn application_exception(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static CLASS: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    CLASS.import(py, "thrifthive.exceptions", "TApplicationException")
}
