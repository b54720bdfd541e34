//! The queue between the server's IO threads and its Python threads, and the engine's
//! [`Dispatch`] that fills it.
//!
//! An IO thread only pushes a request (with its responder) and returns: it never touches the
//! GIL. The lock is held for a push or a pop, never across work.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use thrifthive_rpc::{Dispatch, Request, Responder};

/// One request waiting for a Python thread, and where its reply goes.
pub(crate) struct Job {
    pub request: Request,
    pub reply: Responder,
}

#[derive(Default)]
struct State {
    jobs: VecDeque<Job>,
    /// Python threads asleep, waiting for work.
    idle: usize,
    /// Of those, the ones woken that have not yet looked at the queue. A push wakes a thread
    /// only if none is on its way already (and none is spinning), so that a burst of trivial
    /// calls is answered by the few threads already holding or taking the GIL rather than by
    /// many threads contending for it; a taker that leaves work behind wakes the next (see
    /// `take`), so a burst of blocking calls still spreads over as many threads as it needs.
    waking: usize,
    /// Whether a thread is spinning for work (at most one does).
    spinning: bool,
    closed: bool,
}

/// How long a thread that ran out of work keeps looking for more before it sleeps. Under load
/// the next request is usually that close; taking it without sleeping saves a wakeup, which on
/// a virtual machine costs more than a trivial call. One thread at a time spins, yielding the
/// core to anything else runnable.
const SPIN: Duration = Duration::from_micros(50);

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

    /// Queues a job. Once closed, the job is dropped: its responder then answers
    /// INTERNAL_ERROR, so no connection waits for it.
    fn push(&self, job: Job) {
        let mut state = self.lock();
        if state.closed {
            return;
        }
        state.jobs.push_back(job);
        self.wake_one(state);
    }

    /// Wakes a sleeping thread, unless one is being woken already or one is spinning.
    fn wake_one(&self, mut state: MutexGuard<'_, State>) {
        let wake = state.idle > 0 && state.waking == 0 && !state.spinning;
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
        let mut state = self.spin();
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

    /// Looks for work for up to [`SPIN`] unless another thread does already; returns the
    /// locked state, with work in it or not.
    fn spin(&self) -> MutexGuard<'_, State> {
        let mut state = self.lock();
        if state.spinning || !state.jobs.is_empty() {
            return state;
        }
        state.spinning = true;
        let deadline = Instant::now() + SPIN;
        while state.jobs.is_empty() && !state.closed && Instant::now() < deadline {
            drop(state);
            thread::yield_now();
            state = self.lock();
        }
        state.spinning = false;
        state
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
    fn dispatch(&self, request: Request, reply: Responder) {
        self.0.push(Job { request, reply });
    }
}
