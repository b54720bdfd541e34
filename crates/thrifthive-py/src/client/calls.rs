//! Encoding a call (its info headers included) and decoding its result: what the blocking
//! `RpcClient` and the AsyncClient's `Pipeline` share.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyType};
use thrifthive_rpc::header::InfoHeaders;
use thrifthive_rpc::Message;
use thrifthive_wire::{Limits, MessageHeader};

use crate::codec::{self, plan_of, DecodeStruct, EncodeMessage};
use crate::errors::codec_error;

/// Appends the message `header` + `args` (a `<method>_args` struct) to `out`; on failure `out`
/// is left as it was.
pub fn encode_call(
    out: &mut Vec<u8>,
    protocol: codec::Protocol,
    limits: Limits,
    header: MessageHeader<'_>,
    args: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let py = args.py();
    let plan = plan_of(&args.get_type())?;
    let plan = &plan.get().plan;
    let start = out.len();
    plan.reserve_output(out);
    let job = EncodeMessage {
        header,
        body: args,
        plan,
        max_depth: limits.max_depth,
    };
    if let Err(err) = protocol.write(out, job) {
        out.truncate(start);
        return Err(codec_error(py, err));
    }
    plan.remember_size(out.len() - start);
    Ok(())
}

/// Decodes the body of `reply` (already checked to answer its call) as an instance of
/// `result`, the `<method>_result` struct.
pub fn decode_result<'py>(
    py: Python<'py>,
    protocol: codec::Protocol,
    limits: Limits,
    reply: &Message,
    result: &Bound<'py, PyType>,
) -> PyResult<Bound<'py, PyAny>> {
    let body = &reply.bytes[reply.body_offset..];
    let plan = plan_of(result)?;
    let job = DecodeStruct {
        py,
        plan: &plan.get().plan,
        strict: false,
        len: body.len(),
    };
    protocol
        .read(body, limits, job)
        .map_err(|err| codec_error(py, err))
}

/// A dict of `str` to `str` as THeader info headers.
pub fn info_headers(headers: &Bound<'_, PyDict>) -> PyResult<InfoHeaders> {
    let mut info = InfoHeaders::default();
    for (key, value) in headers.iter() {
        let (Ok(key), Ok(value)) = (key.extract::<String>(), value.extract::<String>()) else {
            return Err(PyTypeError::new_err(format!(
                "headers must map str to str, got {}: {}",
                key.repr()?,
                value.repr()?
            )));
        };
        info.insert(key, value);
    }
    Ok(info)
}
