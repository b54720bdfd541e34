//! The max-connections limit at the door.
//!
//! Over the limit, a new connection is accepted and closed at once: its client learns right
//! away (the connection closes) instead of hanging in the listen backlog, and the server pays
//! one accept and one close. A flood of them logs one line per second with a count, not one
//! each: with the log routed to Python, a line costs a GIL acquisition.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::LOG;

/// Admits connections for one accept loop; the permits are shared by all of them.
#[derive(Debug)]
pub(super) struct Admission {
    permits: Arc<Semaphore>,
    max: usize,
    unlogged: u64,
    last_logged: Option<Instant>,
}

const LOG_EVERY: Duration = Duration::from_secs(1);

impl Admission {
    pub(super) fn new(permits: Arc<Semaphore>, max: usize) -> Admission {
        Admission {
            permits,
            max,
            unlogged: 0,
            last_logged: None,
        }
    }

    /// A permit to serve a connection from `peer`, held for the connection's life; `None`
    /// (logged) when `max` connections are open.
    pub(super) fn admit(&mut self, peer: &str) -> Option<OwnedSemaphorePermit> {
        if let Ok(permit) = self.permits.clone().try_acquire_owned() {
            return Some(permit);
        }
        self.unlogged += 1;
        let now = Instant::now();
        if self.last_logged.is_none_or(|last| now - last >= LOG_EVERY) {
            log::warn!(
                target: LOG,
                "{} connections are open, the limit (max_connections): closed {} new \
                 connection(s), the last from {peer}",
                self.max,
                self.unlogged
            );
            self.unlogged = 0;
            self.last_logged = Some(now);
        }
        None
    }
}
