//! The queue between the server's IO threads and its Python worker threads.
//!
//! An IO thread only pushes a request (with its responder) and returns: it never touches the
//! GIL. The lock is held for a push or a pop, never across work.
//!
//! Who gets woken: a push wakes a sleeping thread only when no thread is running calls (one
//! that is will look at the queue again as soon as it is done). So a stream of trivial calls is
//! answered by the one thread already holding or taking the GIL, rather than by several threads
//! woken one after the other to contend for it: on a 2-core virtual machine every wakeup costs
//! more than the call itself. A thread that blocks in its handler (a sleep, a query) would then
//! hold up the calls queued behind it, so a watchdog ([`watch`], a task of the IO runtime)
//! looks at the oldest queued call every [`STALE`] while calls are queued: once it has waited
//! that long, sleeping threads are woken for every queued call, and blocking calls spread over
//! as many threads as they need.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, Thread};
use std::time::Duration;

use thrifthive_rpc::{Request, Responder};
use tokio::sync::Notify;

/// One request waiting for a Python thread, and where its reply goes.
pub(crate) struct Job {
    pub request: Request,
    pub reply: Responder,
}

/// How long a queued call may wait before the watchdog wakes more threads for it: long
/// against a trivial call (a few microseconds), short against a human's or a deadline's scale.
pub(crate) const STALE: Duration = Duration::from_millis(1);

#[derive(Default)]
struct State {
    jobs: VecDeque<Job>,
    /// Python threads asleep, waiting for work; the last to fall asleep is woken first, so
    /// that a light load keeps going to the same few threads, whose state is warm.
    idle: Vec<Thread>,
    /// Threads woken that have not yet looked at the queue.
    waking: usize,
    /// Threads that took a call and have not come back for the next yet.
    running: usize,
    /// Whether the watchdog waits for a push (it does while the queue is empty).
    unwatched: bool,
    closed: bool,
}

/// A queue of jobs shared by every Python thread of a server.
#[derive(Default)]
pub(crate) struct Queue {
    state: Mutex<State>,
    /// Wakes the watchdog when calls are queued again.
    pushed: Notify,
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
        let watch = std::mem::take(&mut state.unwatched);
        let woken = if state.running == 0 && state.waking == 0 {
            state.wake_one()
        } else {
            None
        };
        drop(state);
        if let Some(thread) = woken {
            thread.unpark();
        }
        if watch {
            self.pushed.notify_one();
        }
    }

    /// Waits for a job; None once the queue is closed and empty. `finished` says that the
    /// caller ran a call since it last took one.
    pub fn take(&self, finished: bool) -> Option<Job> {
        let mut state = self.lock();
        if finished {
            state.running -= 1;
        }
        let me = thread::current();
        loop {
            if let Some(job) = state.jobs.pop_front() {
                state.running += 1;
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

    /// Wakes a sleeping thread for the calls queued, if any are and none is on its way: the
    /// caller is about to be busy without the GIL for a while.
    pub fn hand_off(&self) {
        let mut state = self.lock();
        let woken = if !state.jobs.is_empty() && state.waking == 0 {
            state.wake_one()
        } else {
            None
        };
        drop(state);
        if let Some(thread) = woken {
            thread.unpark();
        }
    }

    /// A job if one is waiting, without waiting; for a thread that is running calls.
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

    /// The watchdog's look at the queue: if its oldest call has waited [`STALE`], wakes a
    /// sleeping thread for each queued call. Returns whether calls are still queued; if none
    /// are, the next push notifies [`Queue::pushed`].
    fn wake_if_stale(&self) -> bool {
        let mut state = self.lock();
        let Some(oldest) = state.jobs.front() else {
            state.unwatched = true;
            return false;
        };
        let mut woken = Vec::new();
        if oldest.request.received.elapsed() >= STALE {
            let wanted = state.jobs.len().saturating_sub(state.waking);
            woken.extend((0..wanted).map_while(|_| state.wake_one()));
        }
        drop(state);
        for thread in woken {
            thread.unpark();
        }
        true
    }
}

impl State {
    /// The sleeping thread to wake next (once the lock is let go), counted as on its way.
    fn wake_one(&mut self) -> Option<Thread> {
        let thread = self.idle.pop()?;
        self.waking += 1;
        Some(thread)
    }
}

/// The watchdog (see the module header): runs on the server's IO runtime for its life.
pub(crate) async fn watch(queue: Arc<Queue>) {
    loop {
        if queue.wake_if_stale() {
            tokio::time::sleep(STALE).await;
        } else {
            queue.pushed.notified().await;
        }
    }
}
