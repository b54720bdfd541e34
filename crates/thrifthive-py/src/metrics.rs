//! The process's call metrics from Python (`thrifthive.metrics`): the page itself, and
//! `MetricsServer`, a `/metrics` endpoint of its own for a process that runs no `Server` (a
//! `Server` serves the page with `metrics_port=`).

use std::sync::Mutex;

use pyo3::exceptions::PyOSError;
use pyo3::prelude::*;
use thrifthive_rpc::metrics;
use tokio::task::JoinHandle;

/// The process's call metrics in Prometheus' text format (what `/metrics` serves).
#[pyfunction]
fn render_metrics() -> String {
    metrics::global().render()
}

/// `/metrics` served on `host`:`port` from a background thread, until closed.
#[pyclass(module = "thrifthive._native", frozen)]
pub struct MetricsServer {
    port: u16,
    task: Mutex<Option<JoinHandle<()>>>,
}

#[pymethods]
impl MetricsServer {
    #[new]
    #[pyo3(signature = (host, port))]
    fn new(host: &str, port: u16) -> PyResult<MetricsServer> {
        let listener = metrics::bind(host, port).map_err(|error| {
            PyOSError::new_err(format!("cannot serve metrics on {host}:{port}: {error}"))
        })?;
        let port = listener.local_addr()?.port();
        let task = metrics::serve_in_background(listener, metrics::global());
        Ok(MetricsServer {
            port,
            task: Mutex::new(Some(task)),
        })
    }

    /// The port the page is served on.
    #[getter]
    fn port(&self) -> u16 {
        self.port
    }

    /// Stops serving (the port is free once the task has stopped, at once in practice).
    fn close(&self) {
        let task = self
            .task
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(task) = task {
            task.abort();
        }
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, _exc: &Bound<'_, pyo3::types::PyTuple>) {
        self.close();
    }
}

impl Drop for MetricsServer {
    fn drop(&mut self) {
        self.close();
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<MetricsServer>()?;
    m.add_function(wrap_pyfunction!(render_metrics, m)?)
}
