//! The client for threads without a runtime: each call runs the async client to completion on
//! the calling thread.
//!
//! All blocking clients share one lazily started current-thread runtime. `block_on` drives it
//! from the caller's own thread, so a call costs no thread handoff: the caller writes, waits in
//! epoll and reads itself, as a blocking socket would, while the timeouts and the code stay
//! those of the async client. Threads calling at once take turns driving the runtime's I/O.
//! Must not be called from inside a tokio runtime (tokio forbids nested `block_on`).

use std::os::fd::OwnedFd;
use std::sync::OnceLock;
use std::time::Duration;

use tokio::runtime::{Builder, Runtime};

use crate::header::InfoHeaders;
use crate::message::Message;
use crate::net::Address;

use super::connect::connect;
use super::{Client, ClientError, ClientOptions};

/// A [`Client`] whose calls block. Not shared between threads by itself: give each thread
/// its own, or guard one with a lock.
#[derive(Debug)]
pub struct BlockingClient {
    client: Client,
}

impl BlockingClient {
    /// Does not connect yet.
    pub fn new(address: Address, options: ClientOptions) -> BlockingClient {
        BlockingClient {
            client: Client::new(address, options),
        }
    }

    /// Connects now if not connected.
    pub fn connect(&mut self) -> Result<(), ClientError> {
        runtime()?.block_on(self.client.connect()).map(drop)
    }

    /// See [`Client::call`].
    pub fn call(&mut self, request: &[u8]) -> Result<Option<Message>, ClientError> {
        runtime()?.block_on(self.client.call(request))
    }

    /// [`BlockingClient::call`] with `info` headers, bounded by `timeout` (see
    /// [`Client::call_within`]), asking `check` every `period` whether to go on waiting: when
    /// it returns an error (a Ctrl-C in the calling program, say), the call is abandoned with
    /// that error, and the connection closed, since where it stood mid-call is unknown.
    pub fn call_checked<E>(
        &mut self,
        request: &[u8],
        info: &InfoHeaders,
        timeout: Option<Duration>,
        period: Duration,
        mut check: impl FnMut() -> Result<(), E>,
    ) -> Result<Result<Option<Message>, ClientError>, E> {
        let runtime = match runtime() {
            Ok(runtime) => runtime,
            Err(error) => return Ok(Err(error)),
        };
        let checked = runtime.block_on(async {
            let call = self.client.call_within(request, info, timeout);
            tokio::pin!(call);
            loop {
                tokio::select! {
                    result = &mut call => return Ok(result),
                    () = tokio::time::sleep(period) => check()?,
                }
            }
        });
        if checked.is_err() {
            self.client.close();
        }
        checked
    }

    pub fn is_connected(&self) -> bool {
        self.client.is_connected()
    }

    pub fn close(&mut self) {
        self.client.close();
    }
}

/// Connects to `address` within `timeout` on the calling thread, as a call of a
/// [`BlockingClient`] would, and hands the socket over, non-blocking: for an event loop that
/// does its own IO on it (the Python AsyncClient connects this way on a worker thread, so that
/// its connect errors say what the blocking client's say).
pub fn connect_socket(address: &Address, timeout: Duration) -> Result<OwnedFd, ClientError> {
    let options = ClientOptions {
        connect_timeout: timeout,
        ..ClientOptions::default()
    };
    runtime()?.block_on(async {
        let stream = connect(address, &options).await?;
        stream
            .into_owned_fd()
            .map_err(|source| ClientError::Connect {
                address: address.to_string(),
                source,
            })
    })
}

fn runtime() -> Result<&'static Runtime, ClientError> {
    static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|error| error.to_string())
        })
        .as_ref()
        .map_err(|reason| ClientError::Runtime(reason.clone()))
}
