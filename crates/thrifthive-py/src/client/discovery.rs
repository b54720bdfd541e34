//! `_native.Discovery` and `_native.Picked`: the instance set and the choice of an instance
//! per call, for `thrifthive.AsyncClient` (the blocking client uses the same Rust
//! [`Discovery`] directly, in [`super::balanced`]).

use std::sync::Mutex;
use std::time::Duration;

use pyo3::exceptions::{PyBaseException, PyValueError};
use pyo3::prelude::*;
use thrifthive_rpc::client::ClientError;
use thrifthive_rpc::discovery::{without_password, Balance, Discovery as Source, Pick};

use crate::errors::client_error;

/// Whether `address` names a discovered service (`etcd://`, `static://`, `dns://`; another
/// scheme is an unknown discovery URL), not one server (`host:port`, `unix:`, `http(s)://`).
pub fn is_discovery_url(address: &str) -> bool {
    address.contains("://") && !address.starts_with("http://") && !address.starts_with("https://")
}

/// `address` as it may be shown (in a client's repr): an etcd URL's password masked.
#[pyfunction]
pub fn shown_address(address: &str) -> String {
    without_password(address)
}

/// Follows a discovery URL and `balance`s calls across its instances; what it logs (etcd
/// lost and back) goes to Python's `thrifthive.discovery` logger.
pub fn follow(url: &str, balance: &str) -> PyResult<Source> {
    crate::server::logging::install();
    let balance = balance
        .parse::<Balance>()
        .map_err(|err| PyValueError::new_err(err.to_string()))?;
    Source::new(url, balance).map_err(|err| PyValueError::new_err(err.to_string()))
}

/// The error of a call made while no instance is known.
pub fn no_instances(source: &Source) -> ClientError {
    ClientError::NoInstances {
        source: source.source().to_owned(),
    }
}

/// The note a failed call's exception gets: which instance the call went to.
pub fn instance_note(address: &impl std::fmt::Display, source: &Source) -> String {
    format!(
        "the call went to {address}, an instance of {}",
        source.source()
    )
}

#[pyclass(frozen, module = "thrifthive._native")]
pub struct Discovery {
    source: Source,
}

#[pymethods]
impl Discovery {
    #[new]
    #[pyo3(signature = (url, *, balance = "p2c"))]
    fn new(url: &str, balance: &str) -> PyResult<Discovery> {
        Ok(Discovery {
            source: follow(url, balance)?,
        })
    }

    /// An instance for one call (counted in flight until `release`), None while none is known.
    fn pick(&self) -> Option<Picked> {
        self.source.pick().map(Picked::new)
    }

    /// `pick`, first waiting up to `timeout` seconds (with the GIL released) for the source's
    /// first report; blocks, so AsyncClient runs it in an executor.
    fn pick_wait(&self, py: Python<'_>, timeout: f64) -> Option<Picked> {
        let timeout = Duration::try_from_secs_f64(timeout).unwrap_or_default();
        py.detach(|| self.source.pick_wait(timeout))
            .map(Picked::new)
    }

    /// The instances' addresses now.
    fn addresses(&self) -> Vec<String> {
        self.source
            .addresses()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    /// Moves whenever the set changes.
    #[getter]
    fn version(&self) -> u64 {
        self.source.version()
    }

    /// The note for an exception of a call that went to `address` (see `instance_note`).
    fn note(&self, address: &str) -> String {
        instance_note(&address, &self.source)
    }

    /// The `TTransportException` of a call made while no instance is known.
    fn no_instances_error<'py>(&self, py: Python<'py>) -> Bound<'py, PyBaseException> {
        client_error(py, no_instances(&self.source))
            .into_value(py)
            .into_bound(py)
    }
}

/// The instance a call goes to; `release()` when the call is over.
#[pyclass(frozen, module = "thrifthive._native")]
pub struct Picked {
    #[pyo3(get)]
    address: String,
    pick: Mutex<Option<Pick>>,
}

impl Picked {
    fn new(pick: Pick) -> Picked {
        Picked {
            address: pick.address().to_string(),
            pick: Mutex::new(Some(pick)),
        }
    }
}

#[pymethods]
impl Picked {
    /// The call is over: it no longer counts in flight on its instance. Idempotent.
    fn release(&self) {
        if let Ok(mut pick) = self.pick.lock() {
            pick.take();
        }
    }
}
