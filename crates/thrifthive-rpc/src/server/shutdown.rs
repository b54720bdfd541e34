//! Stopping a server: stop accepting, let the calls already read finish within a grace period,
//! then close every connection.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

/// Stops the server it came from; cheap to clone and usable from any thread.
#[derive(Debug, Clone, Default)]
pub struct ShutdownHandle {
    stop: CancellationToken,
    grace: Arc<Mutex<Option<Duration>>>,
}

impl ShutdownHandle {
    /// Starts a graceful shutdown and returns at once: listeners close, connections stop
    /// reading new requests, and the requests already read are answered if they finish within
    /// `grace`; then every connection closes and `Server::serve` returns. A second call does
    /// not change the grace period of the first.
    pub fn shutdown(&self, grace: Duration) {
        self.grace
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get_or_insert(grace);
        self.stop.cancel();
    }

    pub fn is_shutting_down(&self) -> bool {
        self.stop.is_cancelled()
    }

    pub(super) fn stop_token(&self) -> &CancellationToken {
        &self.stop
    }

    pub(super) fn grace(&self) -> Duration {
        self.grace
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .unwrap_or_default()
    }
}
