//! `handler_threads=0`: plain methods answered on the IO thread that read the call, the way
//! Apache's TNonblockingServer runs its processor when it has no thread pool.
//!
//! This is the one place an IO thread takes the GIL, and only because the server was asked to:
//! it saves the hand-off to a Python thread (a wakeup, on a small machine more than a trivial
//! call costs), and a handler that blocks, or another thread holding the GIL, then holds up
//! every connection of that IO thread.

use std::cell::Cell;

use pyo3::prelude::*;

use super::handler;
use super::queue::Job;
use super::router::Router;

thread_local! {
    /// Whether this IO thread has its own Python thread state yet.
    static ATTACHED: Cell<bool> = const { Cell::new(false) };
}

/// Answers `job` on this thread and sends the reply.
pub(crate) fn answer(router: &Py<Router>, job: Job) {
    keep_attached();
    let answered = Python::attach(|py| handler::answer(router.bind(py), job));
    if let Some((responder, result)) = answered {
        responder.send(result);
    }
}

/// Gives this thread a Python thread state for the rest of its life, the first time it
/// answers a call: attaching afresh for every call (a state made and destroyed each time)
/// costs more than a trivial call. The state is never given back: the IO threads end with
/// the server, possibly while the interpreter shuts down, when taking the GIL to release it
/// would end the thread mid-destructor; a dead thread's state is freed with the interpreter.
fn keep_attached() {
    if ATTACHED.get() {
        return;
    }
    // SAFETY: the thread holds no GIL here (IO threads take it nowhere else), so Ensure makes
    // a state and takes the GIL, and SaveThread lets the GIL go while keeping the state,
    // whose count (1) no later attach brings to 0.
    unsafe {
        pyo3::ffi::PyGILState_Ensure();
        pyo3::ffi::PyEval_SaveThread();
    }
    ATTACHED.set(true);
}
