//! The connections of one `Client`, shared by every thread that calls through it.
//!
//! A call takes an idle connection (or opens a new one), runs with the pool unlocked, and puts
//! the connection back unless the call broke it; so threads calling at once each get a
//! connection of their own and the pool grows to the most calls ever in flight at once. A lock
//! around one connection was measured slower: with 8 threads calling at once, each call waits
//! for the 7 before it (see tests/test_client_threads.py).

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use thrifthive_rpc::client::{BlockingClient, ClientError, ClientOptions};
use thrifthive_rpc::header::InfoHeaders;
use thrifthive_rpc::{Address, Message};

/// How often a waiting call lets the caller check for signals: a Ctrl-C takes effect within
/// this long.
const CHECK_PERIOD: Duration = Duration::from_millis(100);

pub struct Pool {
    address: Address,
    options: ClientOptions,
    idle: Mutex<Vec<BlockingClient>>,
}

impl Pool {
    pub fn new(address: Address, options: ClientOptions) -> Pool {
        Pool {
            address,
            options,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Sends `request` (with `info` headers, for THeader) on a connection of the pool and waits
    /// for the reply (none for a oneway call) up to `timeout`, giving up if `check` fails (see
    /// [`BlockingClient::call_checked`]). Blocks: call it with the GIL released.
    pub fn call<E>(
        &self,
        request: &[u8],
        info: &InfoHeaders,
        timeout: Option<Duration>,
        check: impl FnMut() -> Result<(), E>,
    ) -> Result<Result<Option<Message>, ClientError>, E> {
        let taken = self.idle().pop();
        let mut client = taken
            .unwrap_or_else(|| BlockingClient::new(self.address.clone(), self.options.clone()));
        let result = client.call_checked(request, info, timeout, CHECK_PERIOD, check);
        // A broken connection was closed by the engine: drop it, the next call opens another.
        if client.is_connected() {
            self.idle().push(client);
        }
        result
    }

    pub fn address(&self) -> &Address {
        &self.address
    }

    /// Closes the idle connections; calls in flight keep theirs until they return.
    pub fn close(&self) {
        self.idle().clear();
    }

    fn idle(&self) -> MutexGuard<'_, Vec<BlockingClient>> {
        // A panic while the lock was held left the list whole: go on with it.
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
