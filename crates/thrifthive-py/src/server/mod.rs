//! `thrifthive._native.NativeServer`: the engine of `thrifthive-rpc` serving Python handlers.
//! `thrifthive.server.Server` is the public API over it.
//!
//! - [`dispatch`]: the engine's `Dispatch`, which queues each call for whoever runs its method
//!   (IO threads never wait for the GIL): [`queue`] for the Python worker threads,
//!   [`loop_queue`] for the asyncio loop.
//! - [`workers`]: long-lived Python-attached threads answering batches of queued calls;
//!   [`inline`]: with none of them (`handler_threads=0`), the IO threads answer plain methods.
//! - [`router`]: a call routed to its handler method: arguments decoded, method called, result
//!   or exception encoded, in Rust.
//! - [`handler`]: queued calls through the router, and the `Reply` of an async call.
//! - [`logging`]: the engine's `log` records forwarded to Python's `logging`.

mod context;
mod dispatch;
mod handler;
mod inline;
pub(crate) mod logging;
mod loop_queue;
mod queue;
mod router;
mod workers;

use std::io;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use thrifthive_rpc::metrics;
use thrifthive_rpc::tls::{server_config, ServerTls};
use thrifthive_rpc::{Address, Protocol, Server, ServerConfig, ShutdownHandle, Transport};

use dispatch::{Plain, ServerDispatch};
use loop_queue::LoopQueue;
use queue::Queue;
use workers::Workers;

pub use handler::Reply;
pub use router::{Route, Router};

const LOG: &str = "thrifthive.server";

/// A server, listening and serving from its construction until `stop`.
#[pyclass(module = "thrifthive._native", frozen)]
pub struct NativeServer {
    port: Option<u16>,
    metrics_port: Option<u16>,
    router: Py<Router>,
    asyncio: Arc<LoopQueue>,
    shutdown: ShutdownHandle,
    running: Mutex<Option<Running>>,
}

/// The threads of a server that has not stopped yet.
struct Running {
    /// Runs the tokio runtime (the IO threads) until the engine has shut down.
    io: JoinHandle<io::Result<()>>,
    workers: Workers,
}

#[pymethods]
impl NativeServer {
    /// Binds, then serves in background threads: `router` answers each call.
    #[new]
    #[pyo3(signature = (
        router, *, host, port, unix_socket, transport, protocol, max_frame_size, idle_timeout,
        max_connections, handler_threads, io_threads, reuse_port, http_path = "/thrift",
        tls_cert = None, tls_key = None, tls_client_ca = None, metrics_port = None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        router: Py<Router>,
        host: &str,
        port: u16,
        unix_socket: Option<PathBuf>,
        transport: &str,
        protocol: &str,
        max_frame_size: usize,
        idle_timeout: Option<f64>,
        max_connections: usize,
        handler_threads: usize,
        io_threads: usize,
        reuse_port: bool,
        http_path: &str,
        tls_cert: Option<PathBuf>,
        tls_key: Option<PathBuf>,
        tls_client_ca: Option<PathBuf>,
        metrics_port: Option<u16>,
    ) -> PyResult<NativeServer> {
        if io_threads == 0 {
            return Err(PyValueError::new_err("io_threads must be at least 1"));
        }
        let address = match unix_socket {
            Some(path) => Address::unix(path),
            None => Address::tcp(host, port),
        };
        let mut config = ServerConfig::new(address);
        config.transport = match transport {
            "auto" => None,
            "framed" => Some(Transport::Framed),
            "buffered" => Some(Transport::Buffered),
            "header" => Some(Transport::Header),
            "http" => Some(Transport::Http),
            _ => {
                let choices = ["framed", "buffered", "header", "http"];
                return Err(choice_error("transport", transport, &choices));
            }
        };
        config.protocol = match protocol {
            "auto" => None,
            "binary" => Some(Protocol::Binary),
            "compact" => Some(Protocol::Compact),
            _ => return Err(choice_error("protocol", protocol, &["binary", "compact"])),
        };
        if !http_path.starts_with('/') {
            return Err(PyValueError::new_err(format!(
                "http_path must start with \"/\", got {http_path:?}"
            )));
        }
        config.http_path = http_path.to_owned();
        config.tls = match (tls_cert, tls_key) {
            (Some(cert), Some(key)) => Some(
                server_config(&ServerTls {
                    cert,
                    key,
                    client_ca: tls_client_ca,
                })
                .map_err(PyValueError::new_err)?,
            ),
            (None, None) if tls_client_ca.is_none() => None,
            _ => {
                return Err(PyValueError::new_err(
                    "TLS needs both tls_cert and tls_key (tls_client_ca adds mutual TLS)",
                ))
            }
        };
        config.max_frame_size = max_frame_size;
        config.idle_timeout = idle_timeout
            .map(Duration::try_from_secs_f64)
            .transpose()
            .map_err(|_| {
                PyValueError::new_err("idle_timeout must be a non-negative number of seconds")
            })?;
        config.max_connections = max_connections;
        config.reuse_port = reuse_port;

        logging::install();
        let server = Server::bind(config).map_err(|error| PyOSError::new_err(error.to_string()))?;
        let port = server.port();
        let metrics = metrics_port
            .map(|port| metrics::bind(host, port))
            .transpose()
            .map_err(|error| PyOSError::new_err(format!("the metrics port: {error}")))?;
        let metrics_port = metrics
            .as_ref()
            .map(|listener| listener.local_addr().map(|address| address.port()))
            .transpose()?;
        let shutdown = server.shutdown_handle();
        let queue = Arc::new(Queue::default());
        let asyncio = Arc::new(LoopQueue::new()?);
        let dispatch = ServerDispatch {
            plain: match handler_threads {
                0 => Plain::Inline,
                _ => Plain::Workers(Arc::clone(&queue)),
            },
            asyncio: Arc::clone(&asyncio),
            router: router.clone_ref(py),
        };
        // The worker threads' queue needs its watchdog; inline calls queue nowhere.
        let watched = match &dispatch.plain {
            Plain::Workers(queue) => Some(Arc::clone(queue)),
            Plain::Inline => None,
        };
        let mut workers = Workers::spawn(py, handler_threads, &queue, &router)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(io_threads)
            .thread_name("thrifthive-io")
            .enable_all()
            .build();
        let io = runtime.and_then(|runtime| {
            thread::Builder::new()
                .name("thrifthive-server".into())
                .spawn(move || {
                    runtime.block_on(async move {
                        // Both end with the runtime, when the server has stopped.
                        if let Some(queue) = watched {
                            tokio::spawn(queue::watch(queue));
                        }
                        if let Some(listener) = metrics {
                            tokio::spawn(metrics::serve_bound(listener, metrics::global()));
                        }
                        server.serve(dispatch).await
                    })
                })
        });
        let io = match io {
            Ok(io) => io,
            Err(error) => {
                py.detach(|| workers.stop());
                return Err(error.into());
            }
        };
        Ok(NativeServer {
            port,
            metrics_port,
            router,
            asyncio,
            shutdown,
            running: Mutex::new(Some(Running { io, workers })),
        })
    }

    /// The TCP port listened on (None for a UNIX socket).
    #[getter]
    fn port(&self) -> Option<u16> {
        self.port
    }

    /// The port of the `/metrics` page, if asked for one.
    #[getter]
    fn metrics_port(&self) -> Option<u16> {
        self.metrics_port
    }

    /// A descriptor that becomes readable when calls of `async def` methods are waiting: the
    /// asyncio loop watches it (`loop.add_reader`) and then calls `drain_async`.
    #[getter]
    fn async_fd(&self) -> i32 {
        self.asyncio.fd()
    }

    /// Starts every waiting call of an `async def` method as a task of the loop whose
    /// `create_task` is given, running `answer(coroutine, reply)`; returns whether to call
    /// again on the loop's next turn (calls are coming). Call on that loop's thread.
    fn drain_async(&self, create_task: &Bound<'_, PyAny>, answer: &Bound<'_, PyAny>) -> bool {
        let router = self.router.bind(create_task.py());
        let (jobs, again) = self.asyncio.take_all();
        for job in jobs {
            handler::start(router, create_task, answer, job);
        }
        again
    }

    /// Whether the engine is still serving (false once stopped, or if it failed).
    fn is_serving(&self) -> bool {
        let running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        running
            .as_ref()
            .is_some_and(|running| !running.io.is_finished())
    }

    /// Stops accepting, lets the calls already read finish within `grace` seconds, closes every
    /// connection and joins the threads. Later calls do nothing.
    fn stop(&self, py: Python<'_>, grace: f64) -> PyResult<()> {
        let grace = Duration::try_from_secs_f64(grace)
            .map_err(|_| PyValueError::new_err("grace must be a non-negative number of seconds"))?;
        self.shutdown.shutdown(grace);
        let running = self
            .running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let Some(Running { io, mut workers }) = running else {
            return Ok(());
        };
        // The Python threads may be running handlers, which need the GIL to finish.
        let served = py.detach(move || {
            let served = io.join();
            workers.stop();
            served
        });
        match served {
            Ok(result) => result.map_err(|error| PyOSError::new_err(error.to_string())),
            Err(_) => Err(PyOSError::new_err("the server's IO thread panicked")),
        }
    }
}

/// A server dropped without `stop` stops at once rather than serve on unreachable; its
/// threads end on their own (joining them here, under the GIL, could deadlock).
impl Drop for NativeServer {
    fn drop(&mut self) {
        self.shutdown.shutdown(Duration::ZERO);
        if let Some(running) = self
            .running
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
        {
            running.workers.close();
        }
    }
}

fn choice_error(what: &str, got: &str, choices: &[&str]) -> PyErr {
    let choices: Vec<String> = choices.iter().map(|choice| format!("{choice:?}")).collect();
    PyValueError::new_err(format!(
        "unknown {what} {got:?}: use \"auto\", {}",
        choices.join(", ")
    ))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<NativeServer>()?;
    m.add_class::<Reply>()?;
    m.add_class::<Route>()?;
    m.add_class::<Router>()?;
    Ok(())
}
