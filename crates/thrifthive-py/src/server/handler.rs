//! Answering calls with the server's [`Router`]: a plain method's call on a Python worker
//! thread, an `async def` method's on the asyncio loop's thread, where its coroutine runs as a
//! task that ends by sending the outcome through a [`Reply`].

use std::sync::{Mutex, PoisonError};

use pyo3::prelude::*;
use thrifthive_rpc::{DispatchResult, Responder};

use super::queue::Job;
use super::router::{Call, Route, Router};
use super::LOG;

/// A reply to send once the GIL is released: sending may write to the socket.
pub(crate) type Answered = (Responder, DispatchResult);

/// Answers `job` on this (worker) thread; None if nobody wants the reply any more.
pub(crate) fn answer(router: &Bound<'_, Router>, job: Job) -> Option<Answered> {
    let Job { request, reply } = job;
    if reply.is_closed() {
        return None; // the connection is gone: nobody wants the reply
    }
    Some((reply, router.get().answer(router.py(), &request)))
}

/// Starts `job`, a call of an `async def` method, as `create_task(answer(coroutine, reply))`
/// on the loop: `answer` (`thrifthive._server_asyncio.answer`) awaits the coroutine and sends
/// its outcome through `reply` within the same task, which saves a done callback's turn of
/// the loop. If the call fails before it has a coroutine, the reply goes out now.
pub(crate) fn start(
    router: &Bound<'_, Router>,
    create_task: &Bound<'_, PyAny>,
    answer: &Bound<'_, PyAny>,
    job: Job,
) {
    let Job { request, reply } = job;
    if reply.is_closed() {
        return;
    }
    let py = router.py();
    let router_ref = router.get();
    let (route, coroutine, context) = match router_ref.call(py, &request) {
        Ok(started) => started,
        Err(result) => return py.detach(|| reply.send(result)),
    };
    let pending = Reply {
        responder: Mutex::new(Some(reply)),
        router: router.clone().unbind(),
        route,
        call: Call::of(&request),
    };
    let started = Py::new(py, pending).and_then(|pending| {
        let body = answer.call1((coroutine, pending))?;
        router_ref.within(context.as_ref(), || create_task.call1((body,)))
    });
    // Unstarted, the reply is dropped unsent: an INTERNAL_ERROR for the peer.
    if let Err(error) = started {
        log::error!(
            target: LOG,
            "{}: cannot start the coroutine: {error}",
            request.message.header.name
        );
    }
}

/// The reply of an `async def` method's call, sent once its coroutine has returned or raised.
/// Later calls do nothing.
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

    /// The coroutine raised `exception` (a cancelled call: a RuntimeError saying so).
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
