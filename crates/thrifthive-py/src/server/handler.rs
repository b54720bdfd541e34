//! Answering one queued call with the server's [`Router`], and the [`Reply`] through which an
//! `async def` method's outcome comes back later from the asyncio loop's thread.

use std::sync::{Mutex, PoisonError};

use pyo3::prelude::*;
use thrifthive_rpc::{DispatchResult, Responder};

use super::queue::Job;
use super::router::{Call, Outcome, Route, Router};
use super::LOG;

/// A reply to send once the GIL is released: sending may write to the socket.
pub(crate) type Answered = (Responder, DispatchResult);

/// Answers `job`: the reply to send, unless it comes later (an `async def` method) or nobody
/// wants it.
pub(crate) fn answer(router: &Bound<'_, Router>, job: Job) -> Option<Answered> {
    let Job { request, reply } = job;
    if reply.is_closed() {
        return None; // the connection is gone: nobody wants the reply
    }
    let py = router.py();
    let router_ref = router.get();
    match router_ref.answer(py, &request) {
        Outcome::Done(result) => Some((reply, result)),
        Outcome::Pending(coroutine, route, context) => {
            let call = Call::of(&request);
            let pending = Reply {
                responder: Mutex::new(Some(reply)),
                router: router.clone().unbind(),
                route,
                call,
            };
            let scheduled = Py::new(py, pending).and_then(|pending| {
                router_ref.schedule(py, coroutine, pending.into_any(), context)
            });
            // Unscheduled, the reply is dropped unsent: an INTERNAL_ERROR for the peer.
            if let Err(error) = scheduled {
                log::error!(
                    target: LOG,
                    "{}: cannot schedule the coroutine: {error}",
                    request.message.header.name
                );
            }
            None
        }
    }
}

/// The reply of a call answered later (by an `async def` method), completed once from Python
/// with the coroutine's outcome. Later completions do nothing.
#[pyclass(module = "thrifthive._native", frozen)]
pub struct Reply {
    responder: Mutex<Option<Responder>>,
    router: Py<Router>,
    route: Py<Route>,
    call: Call,
}

#[pymethods]
impl Reply {
    /// The coroutine returned `value`.
    fn returned(&self, value: &Bound<'_, PyAny>) {
        let py = value.py();
        let result = self
            .router
            .get()
            .returned(py, self.route.get(), self.call, value);
        self.send(py, result);
    }

    /// The coroutine raised `exception` (or was cancelled: then a RuntimeError saying so).
    fn raised(&self, exception: &Bound<'_, PyAny>) {
        let py = exception.py();
        let error = PyErr::from_value(exception.clone());
        let result = self
            .router
            .get()
            .raised(py, self.route.get(), self.call, error);
        self.send(py, result);
    }
}

impl Reply {
    fn send(&self, py: Python<'_>, result: DispatchResult) {
        let responder = self
            .responder
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(responder) = responder {
            py.detach(|| responder.send(result));
        }
    }
}
