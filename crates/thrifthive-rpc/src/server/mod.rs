//! The server engine: listeners, one task per connection, a [`Dispatch`] that answers the calls,
//! limits, and graceful shutdown.
//!
//! ```no_run
//! # async fn example(dispatch: impl thrifthive_rpc::Dispatch) -> std::io::Result<()> {
//! use std::time::Duration;
//! use thrifthive_rpc::{Address, Server, ServerConfig};
//!
//! let server = Server::bind(ServerConfig::new(Address::tcp("127.0.0.1", 0)))?;
//! println!("listening on port {:?}", server.port());
//! let handle = server.shutdown_handle();
//! // ... later, from anywhere: handle.shutdown(Duration::from_secs(5));
//! server.serve(dispatch).await // returns once shut down
//! # }
//! ```
//!
//! Logs go through the `log` facade with target `thrifthive.server`.

mod admission;
mod config;
mod connection;
mod listener;
pub(crate) mod replies;
mod shutdown;

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::dispatch::Dispatch;
use crate::net::Address;

use admission::Admission;
use listener::{Bound, Listener};

pub use config::ServerConfig;
pub use shutdown::ShutdownHandle;

pub(crate) const LOG: &str = "thrifthive.server";

/// A server whose listeners are bound; [`Server::serve`] runs it.
#[derive(Debug)]
pub struct Server {
    config: ServerConfig,
    bound: Vec<Bound>,
    addresses: Vec<Address>,
    shutdown: ShutdownHandle,
}

/// What every connection task of a server shares.
struct Shared<D> {
    dispatch: D,
    config: ServerConfig,
    /// Cancelled when shutdown starts: stop accepting and reading.
    stop: CancellationToken,
    /// Cancelled when the grace period is over: close now.
    force: CancellationToken,
}

/// How long an accept loop pauses when the process is out of file descriptors or memory,
/// rather than spinning on the error.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(100);

impl Server {
    /// Binds every address of `config.listen`. Needs no runtime: the port is known before
    /// serving starts.
    pub fn bind(config: ServerConfig) -> io::Result<Server> {
        let invalid = |reason| Err(io::Error::new(io::ErrorKind::InvalidInput, reason));
        if config.listen.is_empty() {
            return invalid("the server has no address to listen on");
        }
        if config.max_in_flight == 0 {
            return invalid("max_in_flight must be at least 1");
        }
        let (bound, addresses) = config
            .listen
            .iter()
            .map(|address| listener::bind(address, &config))
            .collect::<io::Result<Vec<_>>>()?
            .into_iter()
            .unzip();
        Ok(Server {
            config,
            bound,
            addresses,
            shutdown: ShutdownHandle::default(),
        })
    }

    /// The addresses listened on, in the order of `config.listen`, with the ports actually
    /// bound.
    pub fn addresses(&self) -> &[Address] {
        &self.addresses
    }

    /// The port of the first TCP address.
    pub fn port(&self) -> Option<u16> {
        self.addresses.iter().find_map(|address| match address {
            Address::Tcp { port, .. } => Some(*port),
            Address::Unix(_) => None,
        })
    }

    /// A handle that stops this server.
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        self.shutdown.clone()
    }

    /// Serves until shut down through a [`ShutdownHandle`]. Must run inside a tokio runtime;
    /// connections are spawned on it.
    pub async fn serve<D: Dispatch>(self, dispatch: D) -> io::Result<()> {
        let listeners = self
            .bound
            .into_iter()
            .map(Listener::register)
            .collect::<io::Result<Vec<_>>>()?;
        let stop = self.shutdown.stop_token().clone();
        let max_connections = self.config.max_connections;
        let shared = Arc::new(Shared {
            dispatch,
            config: self.config,
            stop: stop.clone(),
            force: CancellationToken::new(),
        });
        let permits = Arc::new(Semaphore::new(max_connections.min(Semaphore::MAX_PERMITS)));
        let next_id = Arc::new(AtomicU64::new(1));
        let tracker = TaskTracker::new();
        let accept_loops: Vec<_> = listeners
            .into_iter()
            .zip(&self.addresses)
            .map(|(listener, address)| {
                log::info!(target: LOG, "listening on {address}");
                let admission = Admission::new(Arc::clone(&permits), max_connections);
                tokio::spawn(accept(
                    listener,
                    admission,
                    Arc::clone(&next_id),
                    Arc::clone(&shared),
                    tracker.clone(),
                ))
            })
            .collect();

        stop.cancelled().await;
        for accept_loop in accept_loops {
            if let Ok(listener) = accept_loop.await {
                listener.close();
            }
        }
        tracker.close();
        let grace = self.shutdown.grace();
        if tokio::time::timeout(grace, tracker.wait()).await.is_err() {
            log::warn!(
                target: LOG,
                "shutdown: the grace period of {} s is over, closing {} connection(s) with \
                 calls still in flight",
                grace.as_secs_f64(),
                tracker.len()
            );
            shared.force.cancel();
            tracker.wait().await;
        }
        log::info!(target: LOG, "server stopped");
        Ok(())
    }
}

/// Accepts connections until shutdown starts; returns the listener to be closed.
async fn accept<D: Dispatch>(
    listener: Listener,
    mut admission: Admission,
    next_id: Arc<AtomicU64>,
    shared: Arc<Shared<D>>,
    tracker: TaskTracker,
) -> Listener {
    loop {
        let accepted = tokio::select! {
            biased;
            () = shared.stop.cancelled() => return listener,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, peer)) => {
                let Some(permit) = admission.admit(&peer) else {
                    continue;
                };
                let id = next_id.fetch_add(1, Ordering::Relaxed);
                log::debug!(target: LOG, "connection {id} from {peer} accepted");
                tracker.spawn(connection::serve(
                    stream,
                    peer,
                    id,
                    Arc::clone(&shared),
                    permit,
                ));
            }
            Err(error) if is_resource_exhaustion(&error) => {
                log::error!(
                    target: LOG,
                    "cannot accept connections: {error}; pausing {} ms",
                    ACCEPT_ERROR_PAUSE.as_millis()
                );
                tokio::select! {
                    () = shared.stop.cancelled() => return listener,
                    () = tokio::time::sleep(ACCEPT_ERROR_PAUSE) => {}
                }
            }
            // A connection that failed between the handshake and accept: its problem alone.
            Err(error) => log::debug!(target: LOG, "accept failed: {error}"),
        }
    }
}

/// Out of file descriptors, buffers or memory: errors that retrying at once won't fix.
fn is_resource_exhaustion(error: &io::Error) -> bool {
    use libc::{EMFILE, ENFILE, ENOBUFS, ENOMEM};
    matches!(
        error.raw_os_error(),
        Some(EMFILE | ENFILE | ENOBUFS | ENOMEM)
    )
}
