//! The queue of `async def` calls, drained on the asyncio loop's own thread.
//!
//! An IO thread pushes a call and, unless the loop was told already, writes to an eventfd that
//! the loop watches (`loop.add_reader`); the loop then takes every queued call in one callback,
//! makes each coroutine and its task there. One wakeup per batch, and no hop through a Python
//! worker thread on the way: handing each coroutine from a worker to the loop
//! (`call_soon_threadsafe`) cost an extra thread switch per call. While calls keep coming, the
//! loop looks again on its next turn rather than sleep until the eventfd wakes it, for up to
//! [`POLL`] after the last call.

use std::collections::VecDeque;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::queue::Job;

/// How long the loop keeps looking for calls on each of its turns after the last one came.
const POLL: Duration = Duration::from_micros(50);

pub(crate) struct LoopQueue {
    state: Mutex<State>,
    /// Whether the loop will look at the queue without being woken: set when the eventfd is
    /// written, and while the loop polls.
    armed: AtomicBool,
    wakeup: OwnedFd,
}

struct State {
    jobs: VecDeque<Job>,
    /// When the loop last found calls.
    last_busy: Instant,
}

impl LoopQueue {
    pub fn new() -> io::Result<LoopQueue> {
        // SAFETY: eventfd takes no pointers; a non-negative result is a new descriptor we own.
        let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(LoopQueue {
            state: Mutex::new(State {
                jobs: VecDeque::new(),
                last_busy: Instant::now(),
            }),
            armed: AtomicBool::new(false),
            // SAFETY: `fd` was just created and is owned by nothing else.
            wakeup: unsafe { OwnedFd::from_raw_fd(fd) },
        })
    }

    /// The descriptor the loop watches for readability.
    pub fn fd(&self) -> RawFd {
        self.wakeup.as_raw_fd()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues a call (on an IO thread: no GIL, no waiting but for the queue's lock).
    pub fn push(&self, job: Job) {
        self.lock().jobs.push_back(job);
        if !self.armed.swap(true, Ordering::AcqRel) {
            let one = 1u64.to_ne_bytes();
            // SAFETY: writes 8 bytes from a valid buffer to a descriptor `self` owns. It only
            // fails when the counter would overflow, and then the loop is woken anyway.
            unsafe { libc::write(self.fd(), one.as_ptr().cast(), one.len()) };
        }
    }

    /// Every queued call, taken on the loop's thread (when the eventfd is readable, or when
    /// polling), and whether to look again on the loop's next turn.
    pub fn take_all(&self) -> (VecDeque<Job>, bool) {
        let mut count = [0u8; 8];
        // SAFETY: reads at most 8 bytes into a valid buffer from a descriptor `self` owns;
        // a failure (nothing to read) leaves it as it is.
        unsafe { libc::read(self.fd(), count.as_mut_ptr().cast(), count.len()) };
        let mut state = self.lock();
        let now = Instant::now();
        if !state.jobs.is_empty() {
            state.last_busy = now;
        }
        let jobs = std::mem::take(&mut state.jobs);
        let poll = now < state.last_busy + POLL;
        if !poll {
            // Under the lock, so that a push either sees the flag down and writes the eventfd
            // or queued its job before this took the queue.
            self.armed.store(false, Ordering::Release);
        }
        (jobs, poll)
    }
}
