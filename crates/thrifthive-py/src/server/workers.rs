//! The server's Python threads: attached to the interpreter once, for the server's life
//! (attaching a thread per call costs ~9 µs), each draining the shared queue and answering a
//! batch of calls per GIL hold.
//!
//! There are several of them so that a handler that blocks (and releases the GIL, as
//! `time.sleep` and socket IO do) holds up only its own thread.

use std::io;
use std::sync::Arc;
use std::thread::{self, JoinHandle};

use pyo3::prelude::*;

use super::handler;
use super::queue::{Job, Queue};
use super::router::Router;

/// The most calls one thread answers per GIL hold: bounds how long the others wait for it.
const MAX_BATCH: usize = 16;

/// Replies this large (a batch's, together) take long enough to write that calls still queued
/// are better begun by another thread meanwhile: the GIL is free while this one writes.
const HAND_OFF_BYTES: usize = 16 * 1024;

pub(crate) struct Workers {
    queue: Arc<Queue>,
    threads: Vec<JoinHandle<()>>,
}

impl Workers {
    /// Starts `count` threads that answer the jobs of `queue` with `router` (see
    /// [`handler::answer`]).
    pub fn spawn(
        py: Python<'_>,
        count: usize,
        queue: &Arc<Queue>,
        router: &Py<Router>,
    ) -> io::Result<Workers> {
        let mut workers = Workers {
            queue: Arc::clone(queue),
            threads: Vec::with_capacity(count),
        };
        for index in 0..count {
            let queue = Arc::clone(queue);
            let router = router.clone_ref(py);
            let thread = thread::Builder::new()
                .name(format!("thrifthive-py-{index}"))
                .spawn(move || run(&queue, &router));
            match thread {
                Ok(thread) => workers.threads.push(thread),
                Err(error) => {
                    workers.stop();
                    return Err(error);
                }
            }
        }
        Ok(workers)
    }

    /// Lets the threads finish the queued jobs and stop, without waiting for them.
    pub fn close(&self) {
        self.queue.close();
    }

    /// Lets the threads finish the queued jobs, then joins them. Call with the GIL released.
    pub fn stop(&mut self) {
        self.close();
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

/// One thread's life: attached once; the GIL is released only to send replies and wait for
/// work.
///
/// A thread claims a job only when it is ready to run it, so a handler that blocks holds up
/// no queued call but its own (beyond the queue's watchdog, see [`super::queue`]); once done,
/// it answers whatever else is already waiting under
/// the same GIL hold (up to [`MAX_BATCH`] calls), which is where trivial calls save the cost of
/// taking the GIL. The replies are sent (written to their sockets) after the GIL is let go.
fn run(queue: &Queue, router: &Py<Router>) {
    Python::attach(|py| {
        let router = router.bind(py);
        let mut answered = Vec::with_capacity(MAX_BATCH);
        let mut finished = false;
        while let Some(job) = py.detach(|| send_then_take(&mut answered, queue, finished)) {
            finished = true;
            answered.extend(handler::answer(router, job));
            for _ in 1..MAX_BATCH {
                let Some(job) = queue.try_take() else { break };
                answered.extend(handler::answer(router, job));
            }
        }
    });
}

/// Sends the replies of a batch, then waits for the next job (`finished`: after a batch).
fn send_then_take(
    answered: &mut Vec<handler::Answered>,
    queue: &Queue,
    finished: bool,
) -> Option<Job> {
    let bytes: usize = answered
        .iter()
        .map(|(_, result)| {
            result
                .as_ref()
                .map_or(0, |reply| reply.as_ref().map_or(0, |r| r.len()))
        })
        .sum();
    if bytes >= HAND_OFF_BYTES {
        queue.hand_off();
    }
    for (responder, result) in answered.drain(..) {
        responder.send(result);
    }
    queue.take(finished)
}
