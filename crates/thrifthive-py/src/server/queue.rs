//! The queue between the server's IO threads and its Python threads, and the engine's
//! [`Dispatch`] that fills it.
//!
//! An IO thread only pushes a request (with the sender of its reply) and returns the reply's
//! future: it never touches the GIL. The lock is held for a push or a pop, never across work.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use thrifthive_rpc::{reply_channel, Dispatch, ReplyReceiver, ReplySender, Request};

/// One request waiting for a Python thread, and where its reply goes.
pub(crate) struct Job {
    pub request: Request,
    pub reply: ReplySender,
}

#[derive(Default)]
struct State {
    jobs: VecDeque<Job>,
    /// Python threads waiting for work.
    idle: usize,
    /// Of those, the ones woken that have not yet looked at the queue. A push wakes a thread
    /// only if none is on its way already, so that a burst of trivial calls is answered by the
    /// few threads already holding or taking the GIL rather than by many threads contending
    /// for it; a taker that leaves work behind wakes the next (see `take`), so a burst of
    /// blocking calls still spreads over as many threads as it needs.
    waking: usize,
    closed: bool,
}

/// A queue of jobs shared by every Python thread of a server.
#[derive(Default)]
pub(crate) struct Queue {
    state: Mutex<State>,
    ready: Condvar,
}

impl Queue {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues a job. Once closed, the job is dropped: its reply future then answers
    /// INTERNAL_ERROR, so no connection waits for it.
    fn push(&self, job: Job) {
        let mut state = self.lock();
        if state.closed {
            return;
        }
        state.jobs.push_back(job);
        self.wake_one(state);
    }

    /// Wakes a waiting thread, unless one is being woken already.
    fn wake_one(&self, mut state: MutexGuard<'_, State>) {
        let wake = state.idle > 0 && state.waking == 0;
        if wake {
            state.waking += 1;
        }
        drop(state);
        if wake {
            self.ready.notify_one();
        }
    }

    /// Waits for a job; None once the queue is closed and empty.
    pub fn take(&self) -> Option<Job> {
        let mut state = self.lock();
        loop {
            if let Some(job) = state.jobs.pop_front() {
                // Work left behind goes to another thread: this one may block in its handler.
                if !state.jobs.is_empty() {
                    self.wake_one(state);
                }
                return Some(job);
            }
            if state.closed {
                return None;
            }
            state.idle += 1;
            state = self
                .ready
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
            state.idle -= 1;
            // Spurious wakeups make this an estimate, which is all it needs to be.
            state.waking = state.waking.saturating_sub(1);
        }
    }

    /// A job if one is waiting, without waiting.
    pub fn try_take(&self) -> Option<Job> {
        self.lock().jobs.pop_front()
    }

    /// Stops taking jobs; the threads finish what is queued, then stop.
    pub fn close(&self) {
        self.lock().closed = true;
        self.ready.notify_all();
    }
}

/// The engine's [`Dispatch`]: queues each request for the Python threads.
pub(crate) struct QueueDispatch(pub Arc<Queue>);

impl Dispatch for QueueDispatch {
    type Future = ReplyReceiver;

    fn dispatch(&self, request: Request) -> ReplyReceiver {
        let (reply, receiver) = reply_channel();
        self.0.push(Job { request, reply });
        receiver
    }
}
