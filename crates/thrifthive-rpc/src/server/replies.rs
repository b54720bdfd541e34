//! The reply side of a connection: replies go out in request order, each written by whichever
//! thread finishes its call.
//!
//! A Python worker that answers a call writes the reply to the socket itself (a non-blocking
//! write), so the connection's IO thread is not woken to do it: on a loaded 2-core machine that
//! wakeup was the largest cost of a trivial call. The connection's task is woken only when it
//! waits for calls to finish (to read again under `max_in_flight`, or to close) or when the
//! socket did not take a whole reply and the rest is left for it to flush.
//!
//! The write itself happens outside the lock, by one thread at a time: the connection's task
//! takes the lock after every request it reads, and would otherwise often wait (asleep, then
//! woken) for a worker's write of the previous reply to finish.

use std::collections::{BTreeMap, VecDeque};
use std::io::{self, IoSlice};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::{sleep_until, Instant};
use tokio_util::sync::CancellationToken;

use crate::net::WriteHalf;
use crate::outbound::Outgoing;

use super::connection::Aborted;
use super::LOG;

/// How a call was answered.
pub(crate) enum Answer {
    Reply(Outgoing),
    /// No reply: a oneway call.
    Nothing,
    /// A reply that cannot be sent (it could not be encoded): the connection must close, or
    /// its client would wait forever.
    Unsendable,
}

/// Replies of one connection; shared by its task and every call it has dispatched.
pub(crate) struct Replies {
    /// "connection N from PEER", for the log.
    who: String,
    state: Mutex<State>,
    /// Wakes the connection's task (see the module header).
    wake: Notify,
}

struct State {
    /// The socket; None once the connection has ended, after which replies are dropped.
    stream: Option<Arc<WriteHalf>>,
    /// The sequence number of the next reply to go out.
    next: u64,
    /// Replies finished ahead of their turn (None: the call gets no reply).
    early: BTreeMap<u64, Option<Outgoing>>,
    /// What is due but the socket has not taken yet, in order.
    backlog: VecDeque<Outgoing>,
    /// Since when the socket has taken nothing of the backlog (or the backlog exists).
    stalled_since: Instant,
    /// When the last call finished.
    last_finished: Instant,
    /// The task waits to hear that a call finished.
    task_waiting: bool,
    /// A thread is writing the reply that was at the front of the backlog, outside the lock;
    /// replies that come meanwhile are left in the backlog for it to write after.
    writing: bool,
    /// Writing failed: the connection is broken.
    failed: bool,
}

/// What the connection's task needs to know to decide what to wait for.
pub(crate) struct Status {
    /// Calls whose replies have not gone out yet: not yet answered, waiting for their turn,
    /// or not yet taken by the socket.
    pub in_flight: u64,
    pub backlog: bool,
    pub failed: bool,
    pub last_finished: Instant,
}

impl Replies {
    pub(crate) fn new(stream: Arc<WriteHalf>, who: String) -> Arc<Replies> {
        Arc::new(Replies {
            who,
            state: Mutex::new(State {
                stream: Some(stream),
                next: 0,
                early: BTreeMap::new(),
                backlog: VecDeque::new(),
                stalled_since: Instant::now(),
                last_finished: Instant::now(),
                task_waiting: false,
                writing: false,
                failed: false,
            }),
            wake: Notify::new(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Call `seq` finished. Its reply goes out now if its turn has come and the socket takes
    /// it; otherwise it waits for its turn, or for the task to flush it.
    pub(crate) fn finish(&self, seq: u64, answer: Answer) {
        let mut guard = self.lock();
        let state = &mut *guard;
        state.last_finished = Instant::now();
        let reply = match answer {
            Answer::Reply(reply) => Some(reply),
            Answer::Nothing => None,
            Answer::Unsendable => {
                state.failed = true;
                None
            }
        };
        if state.stream.is_some() {
            if seq == state.next {
                state.enqueue(reply);
                while let Some(reply) = state.early.remove(&state.next) {
                    state.enqueue(reply);
                }
                guard = self.write_backlog(guard);
            } else {
                state.early.insert(seq, reply);
            }
        }
        let wake = guard.task_waiting || guard.left_to_flush() || guard.failed;
        guard.task_waiting = false;
        drop(guard);
        if wake {
            self.wake.notify_one();
        }
    }

    /// Whether the connection has ended: a reply would go nowhere.
    pub(crate) fn is_closed(&self) -> bool {
        self.lock().stream.is_none()
    }

    /// Where the replies stand, given that `dispatched` calls were handed out. With `wait`
    /// true the task asks to be woken (through [`Replies::woken`]) when the next call finishes.
    pub(crate) fn status(&self, dispatched: u64, wait: impl FnOnce(u64) -> bool) -> Status {
        let mut state = self.lock();
        let unsent = state.backlog.len() as u64 + u64::from(state.writing);
        let in_flight = dispatched - state.next + unsent;
        state.task_waiting = wait(in_flight);
        Status {
            in_flight,
            backlog: state.left_to_flush(),
            failed: state.failed,
            last_finished: state.last_finished,
        }
    }

    /// Completes when a call finished that the task asked to hear of, or bytes were left for
    /// it to flush. May complete spuriously.
    pub(crate) async fn woken(&self) {
        self.wake.notified().await;
    }

    /// Queues `message` after every reply (the farewell of a closing connection).
    pub(crate) fn push_last(&self, message: Outgoing) {
        self.lock().push_due(message);
    }

    /// Writes the backlog out, giving up if the peer takes none of it for `stall_timeout`.
    pub(crate) async fn flush(
        &self,
        stall_timeout: Option<Duration>,
        force: &CancellationToken,
    ) -> Result<(), Aborted> {
        loop {
            let unsent = {
                let state = self.write_backlog(self.lock());
                if state.failed {
                    return Err(Aborted);
                }
                match &state.stream {
                    // Another thread's write, without waiting, is about to end: flushed means
                    // written, so look again then.
                    Some(_) if state.writing => None,
                    Some(stream) if !state.backlog.is_empty() => {
                        Some((Arc::clone(stream), state.stalled_since))
                    }
                    _ => return Ok(()),
                }
            };
            let Some((stream, stalled_since)) = unsent else {
                tokio::task::yield_now().await;
                continue;
            };
            // From when the socket last took something, so that the timer survives this
            // future being dropped and made again by the task's loop.
            let stall_deadline = stall_timeout.map(|timeout| stalled_since + timeout);
            tokio::select! {
                biased;
                () = force.cancelled() => return Err(Aborted),
                ready = stream.writable() => if let Err(error) = ready {
                    log::debug!(target: LOG, "{}: cannot write a reply: {error}", self.who);
                    return Err(Aborted);
                },
                () = sleep_until(stall_deadline.unwrap_or_else(Instant::now)),
                    if stall_deadline.is_some() =>
                {
                    if self.lock().stalled_since != stalled_since {
                        continue; // it took something meanwhile
                    }
                    log::warn!(
                        target: LOG,
                        "{}: the client took no reply bytes for {} s (idle_timeout), closing",
                        self.who,
                        stall_timeout.unwrap_or_default().as_secs_f64()
                    );
                    return Err(Aborted);
                }
            }
        }
    }

    /// The connection has ended: later replies are dropped, and the socket closes once the
    /// task lets go of it too.
    pub(crate) fn close(&self) {
        let mut state = self.lock();
        state.stream = None;
        state.early.clear();
        state.backlog.clear();
    }

    /// Writes as much of the backlog as the socket takes now, without waiting, unless another
    /// thread is writing (which then writes it all). The lock is let go during each write.
    fn write_backlog<'a>(&'a self, mut state: MutexGuard<'a, State>) -> MutexGuard<'a, State> {
        if state.writing {
            return state;
        }
        loop {
            let Some(stream) = state.stream.clone() else {
                return state;
            };
            let Some(mut first) = state.backlog.pop_front() else {
                return state;
            };
            state.writing = true;
            drop(state);
            let written = write_now(&stream, &mut first);
            state = self.lock();
            state.writing = false;
            match written {
                Ok(Written { any, all }) => {
                    if any {
                        state.stalled_since = Instant::now();
                    }
                    if !all {
                        if state.stream.is_some() {
                            state.backlog.push_front(first);
                        }
                        return state;
                    }
                }
                Err(error) => {
                    log::debug!(target: LOG, "{}: cannot write a reply: {error}", self.who);
                    state.failed = true;
                    state.backlog.clear();
                    return state;
                }
            }
        }
    }
}

/// What a write without waiting achieved.
struct Written {
    /// The socket took some bytes.
    any: bool,
    /// It took the whole message.
    all: bool,
}

/// Writes `message` until it is all sent or the socket would block.
fn write_now(stream: &WriteHalf, message: &mut Outgoing) -> io::Result<Written> {
    let mut any = false;
    loop {
        let [prefix, rest] = message.unsent();
        match stream.try_write_vectored(&[IoSlice::new(prefix), IoSlice::new(rest)]) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => {
                any = true;
                if message.advance(n) {
                    return Ok(Written { any, all: true });
                }
            }
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => {
                return Ok(Written { any, all: false })
            }
            Err(error) => return Err(error),
        }
    }
}

impl State {
    /// The reply whose turn it is joins the backlog.
    fn enqueue(&mut self, reply: Option<Outgoing>) {
        self.next += 1;
        if let Some(reply) = reply {
            self.push_due(reply);
        }
    }

    fn push_due(&mut self, message: Outgoing) {
        if self.backlog.is_empty() {
            self.stalled_since = Instant::now();
        }
        self.backlog.push_back(message);
    }

    /// Whether replies are due that no thread is writing: the task must flush them.
    fn left_to_flush(&self) -> bool {
        !self.writing && !self.backlog.is_empty()
    }
}
