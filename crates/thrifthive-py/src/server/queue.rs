//! The queue between the server's IO threads and its Python worker threads.
//!
//! An IO thread only pushes a request (with its responder) and returns: it never touches the
//! GIL. The lock is held for a push or a pop, never across work.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

use thrifthive_rpc::{Request, Responder};

/// One request waiting for a Python thread, and where its reply goes.
pub(crate) struct Job {
    pub request: Request,
    pub reply: Responder,
}

#[derive(Default)]
struct State {
    jobs: VecDeque<Job>,
    /// Python threads asleep, waiting for work; the last to fall asleep is woken first, so
    /// that a light load keeps going to the same few threads, whose state is warm.
    idle: Vec<Thread>,
    /// Threads woken that have not yet looked at the queue. A push wakes a thread only if none
    /// is on its way already (and none is spinning), so that a burst of trivial calls is
    /// answered by the few threads already holding or taking the GIL rather than by many
    /// threads contending for it; a taker that leaves work behind wakes the next (see `take`),
    /// so a burst of blocking calls still spreads over as many threads as it needs.
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
}

impl Queue {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues a job. Once closed, the job is dropped: its responder then answers
    /// INTERNAL_ERROR, so no connection waits for it.
    pub fn push(&self, job: Job) {
        let mut state = self.lock();
        if state.closed {
            return;
        }
        state.jobs.push_back(job);
        Self::wake_one(state);
    }

    /// Wakes a sleeping thread, unless one is being woken already or one is spinning.
    fn wake_one(mut state: MutexGuard<'_, State>) {
        if state.waking > 0 || state.spinning {
            return;
        }
        if let Some(thread) = state.idle.pop() {
            state.waking += 1;
            drop(state);
            thread.unpark();
        }
    }

    /// Waits for a job; None once the queue is closed and empty.
    pub fn take(&self) -> Option<Job> {
        let mut state = self.spin();
        let me = thread::current();
        loop {
            if let Some(job) = state.jobs.pop_front() {
                // Work left behind goes to another thread: this one may block in its handler.
                if !state.jobs.is_empty() {
                    Self::wake_one(state);
                }
                return Some(job);
            }
            if state.closed {
                return None;
            }
            state.idle.push(me.clone());
            drop(state);
            thread::park();
            state = self.lock();
            match state.idle.iter().position(|idle| idle.id() == me.id()) {
                // Woken by nobody (parking may end spuriously): still idle.
                Some(at) => drop(state.idle.remove(at)),
                None => state.waking = state.waking.saturating_sub(1),
            }
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
        let idle = {
            let mut state = self.lock();
            state.closed = true;
            std::mem::take(&mut state.idle)
        };
        for thread in idle {
            thread.unpark();
        }
    }
}
