//! `_native.bench`: runs `thrifthive_rpc::loadgen` with the GIL released, on a multi-threaded
//! runtime of its own, and reports progress to a Python callback once a second.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::time::Duration;

use bytes::Bytes;
use pyo3::prelude::*;
use thrifthive_rpc::loadgen::{self, LoadConfig, Report};
use tokio::sync::Notify;

use super::options::{seconds, Target};
use crate::errors::{client_error, internal_error};

/// What a load run measured; latencies in seconds. `str()` is the report as the CLI prints it.
#[pyclass(frozen, module = "thrifthive._native")]
pub struct BenchReport {
    #[pyo3(get)]
    calls: u64,
    #[pyo3(get)]
    errors: BTreeMap<String, u64>,
    #[pyo3(get)]
    elapsed: f64,
    #[pyo3(get)]
    calls_per_sec: f64,
    #[pyo3(get)]
    p50: f64,
    #[pyo3(get)]
    p90: f64,
    #[pyo3(get)]
    p99: f64,
    #[pyo3(get)]
    p999: f64,
    #[pyo3(get)]
    max: f64,
    #[pyo3(get)]
    mean: f64,
    text: String,
}

#[pymethods]
impl BenchReport {
    fn __str__(&self) -> &str {
        &self.text
    }
}

impl From<&Report> for BenchReport {
    fn from(report: &Report) -> BenchReport {
        let l = report.latency_summary();
        BenchReport {
            calls: report.calls(),
            errors: report.errors.clone(),
            elapsed: report.elapsed.as_secs_f64(),
            calls_per_sec: report.calls_per_sec(),
            p50: l.p50.as_secs_f64(),
            p90: l.p90.as_secs_f64(),
            p99: l.p99.as_secs_f64(),
            p999: l.p999.as_secs_f64(),
            max: l.max.as_secs_f64(),
            mean: l.mean.as_secs_f64(),
            text: report.to_string(),
        }
    }
}

/// Sends `request` (an encoded call message) over `connections` connections in a closed loop
/// for `duration` seconds. `progress(elapsed, calls, errors, calls_per_sec)` is called once a
/// second; an exception it raises (KeyboardInterrupt included) stops the run and propagates.
#[pyfunction]
#[pyo3(signature = (
    address, request, *, connections, duration, transport = "buffered", protocol = "binary",
    timeout = None, connect_timeout = 10.0, progress = None,
))]
#[allow(clippy::too_many_arguments)] // the Python signature, keyword arguments all
pub fn bench(
    py: Python<'_>,
    address: &str,
    request: &[u8],
    connections: usize,
    duration: f64,
    transport: &str,
    protocol: &str,
    timeout: Option<f64>,
    connect_timeout: f64,
    progress: Option<Py<PyAny>>,
) -> PyResult<BenchReport> {
    let target = Target::new(address, transport, protocol, timeout, connect_timeout)?;
    let config = LoadConfig {
        address: target.address,
        client: target.options,
        connections: connections.max(1),
        duration: seconds("duration", duration)?,
        request: Bytes::copy_from_slice(request),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|err| internal_error(format!("cannot start the load runtime: {err}")))?;
    let (outcome, failed) = py.detach(|| {
        let stop = Notify::new();
        let failed = RefCell::new(None);
        let on_progress = |p: &loadgen::Progress| {
            let called = Python::attach(|py| {
                py.check_signals()?;
                match &progress {
                    Some(callback) => callback
                        .call1(
                            py,
                            (p.elapsed.as_secs_f64(), p.calls, p.errors, p.calls_per_sec),
                        )
                        .map(drop),
                    None => Ok(()),
                }
            });
            if let Err(err) = called {
                failed.borrow_mut().get_or_insert(err);
                stop.notify_one();
            }
        };
        let outcome = runtime.block_on(async {
            tokio::select! {
                outcome = loadgen::run(config, on_progress) => Some(outcome),
                () = stop.notified() => None,
            }
        });
        // Dropping the runtime waits for nothing: the connections die with their tasks.
        runtime.shutdown_timeout(Duration::ZERO);
        (outcome, failed.into_inner())
    });
    if let Some(err) = failed {
        return Err(err);
    }
    match outcome {
        Some(Ok(report)) => Ok(BenchReport::from(&report)),
        Some(Err(err)) => Err(client_error(py, err)),
        None => Err(internal_error(
            "the load run stopped without a reason".into(),
        )),
    }
}
