//! Answering one call in Python: the Python side (`thrifthive.server`'s router) decodes the
//! arguments, calls the handler and encodes the reply in one call from here; this side turns
//! what it returns into the engine's reply.
//!
//! The router returns the reply's bytes, None (a oneway call: no reply), or, for an `async def`
//! method, a pending call whose `deliver_to(reply)` completes a [`Reply`] later from the
//! asyncio loop's thread.

use std::sync::{Mutex, PoisonError};

use bytes::Bytes;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use thrifthive_rpc::{Protocol, ReplySender};

use super::queue::Job;
use super::LOG;

/// Answers `job` with `process(message_bytes, protocol_name)`.
pub(crate) fn answer(process: &Bound<'_, PyAny>, job: Job) {
    let Job { request, reply } = job;
    if reply.is_closed() {
        return; // the connection is gone: nobody wants the reply
    }
    let py = process.py();
    let protocol = match request.format.protocol {
        Protocol::Binary => intern!(py, "binary"),
        Protocol::Compact => intern!(py, "compact"),
    };
    let data = PyBytes::new(py, &request.message.bytes);
    let outcome = process.call1((data, protocol)).and_then(|result| {
        if result.is_none() {
            reply.send(Ok(None));
        } else if let Ok(bytes) = result.cast::<PyBytes>() {
            reply.send(Ok(Some(Bytes::copy_from_slice(bytes.as_bytes()))));
        } else {
            let reply = Reply(Mutex::new(Some(reply)));
            result.call_method1(intern!(py, "deliver_to"), (reply,))?;
        }
        Ok(())
    });
    // The router answers every handler failure itself; an error here is the router's own, and
    // the reply (dropped unsent) becomes an INTERNAL_ERROR for the peer.
    if let Err(error) = outcome {
        log::error!(
            target: LOG,
            "{}: answering a call failed: {error}",
            request.message.header.name
        );
    }
}

/// The reply of a call answered later (by an `async def` method), completed once from Python.
#[pyclass(module = "thrifthive._native", frozen)]
pub struct Reply(Mutex<Option<ReplySender>>);

#[pymethods]
impl Reply {
    /// Sends the encoded reply, or nothing for None (a oneway call). Later calls do nothing.
    fn send(&self, data: Option<&Bound<'_, PyBytes>>) {
        let Some(sender) = self.take() else { return };
        sender.send(Ok(data.map(|data| Bytes::copy_from_slice(data.as_bytes()))));
    }
}

impl Reply {
    fn take(&self) -> Option<ReplySender> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}
