//! `_native.Discovery` and `_native.Picked`: the instance set, the choice of an instance per
//! call and the report of its outcome, for `thrifthive.AsyncClient` (the blocking client uses
//! the same Rust [`Discovery`] directly, in [`super::balanced`]).

use std::sync::Mutex;
use std::time::Duration;

use pyo3::exceptions::{PyBaseException, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use thrifthive_rpc::client::ClientError;
use thrifthive_rpc::discovery::{
    without_password, Balance, Discovery as Source, Ejection, InstanceState, Outcome, Pick,
};
use thrifthive_rpc::Address;

use super::options::ejection;
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

/// Follows a discovery URL and `balance`s calls across its instances, ejecting failing ones
/// as `ejection` says; what it logs (etcd lost and back, instances ejected and back) goes to
/// Python's `thrifthive.discovery` logger.
pub fn follow(url: &str, balance: &str, ejection: Ejection) -> PyResult<Source> {
    crate::server::logging::install();
    let balance = balance
        .parse::<Balance>()
        .map_err(|err| PyValueError::new_err(err.to_string()))?;
    Source::new(url, balance, ejection).map_err(|err| PyValueError::new_err(err.to_string()))
}

/// The address a retry should avoid, as Python gives it.
pub fn avoided(avoid: Option<&str>) -> PyResult<Option<Address>> {
    avoid
        .map(|a| a.parse::<Address>())
        .transpose()
        .map_err(|err| PyValueError::new_err(format!("avoid: {err}")))
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

/// The instances as `instances()` returns them: a dict each (see `thrifthive.Client`).
pub fn instance_dicts<'py>(
    py: Python<'py>,
    states: Vec<InstanceState>,
) -> PyResult<Vec<Bound<'py, PyDict>>> {
    states
        .into_iter()
        .map(|state| {
            let dict = PyDict::new(py);
            dict.set_item("address", state.address.to_string())?;
            dict.set_item("weight", state.weight)?;
            dict.set_item("in_flight", state.in_flight)?;
            dict.set_item("ejected", state.ejected)?;
            dict.set_item("failures", state.failures)?;
            dict.set_item("ejections", state.ejections)?;
            Ok(dict)
        })
        .collect()
}

#[pyclass(frozen, module = "thrifthive._native")]
pub struct Discovery {
    source: Source,
}

#[pymethods]
impl Discovery {
    #[new]
    #[pyo3(signature = (
        url, *, balance = "p2c", eject_after = 5, eject_for = 30.0, max_eject_for = None,
        max_ejected = 0.5,
    ))]
    fn new(
        url: &str,
        balance: &str,
        eject_after: u32,
        eject_for: f64,
        max_eject_for: Option<f64>,
        max_ejected: f64,
    ) -> PyResult<Discovery> {
        let ejection = ejection(eject_after, eject_for, max_eject_for, max_ejected)?;
        Ok(Discovery {
            source: follow(url, balance, ejection)?,
        })
    }

    /// An instance for one call (counted in flight until it is released), another than
    /// `avoid` when there is one; None while none is known.
    #[pyo3(signature = (avoid = None))]
    fn pick(&self, avoid: Option<&str>) -> PyResult<Option<Picked>> {
        Ok(self.source.pick(avoided(avoid)?.as_ref()).map(Picked::new))
    }

    /// `pick`, first waiting up to `timeout` seconds (with the GIL released) for the source's
    /// first report; blocks, so AsyncClient runs it in an executor.
    #[pyo3(signature = (timeout, avoid = None))]
    fn pick_wait(
        &self,
        py: Python<'_>,
        timeout: f64,
        avoid: Option<&str>,
    ) -> PyResult<Option<Picked>> {
        let timeout = Duration::try_from_secs_f64(timeout).unwrap_or_default();
        let avoid = avoided(avoid)?;
        Ok(py
            .detach(|| self.source.pick_wait(timeout, avoid.as_ref()))
            .map(Picked::new))
    }

    /// The instances' addresses now.
    fn addresses(&self) -> Vec<String> {
        self.source
            .addresses()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    /// Each instance's address, weight, calls in flight, whether it is ejected, its failures
    /// in a row and its ejections.
    fn instances<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        instance_dicts(py, self.source.instances())
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

/// The instance a call goes to; when the call is over, `answered()` (a reply came),
/// `failed()` (the instance failed it) or `release()` (neither: cancelled, say).
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

    /// The pick, the first time the call is over.
    fn take(&self) -> Option<Pick> {
        self.pick.lock().ok().and_then(|mut pick| pick.take())
    }
}

#[pymethods]
impl Picked {
    /// The call got a reply (whatever it says). The first of these three calls counts.
    fn answered(&self) {
        if let Some(pick) = self.take() {
            pick.report(Outcome::Answered);
        }
    }

    /// The instance failed the call (unreachable, hung up, timed out).
    fn failed(&self) {
        if let Some(pick) = self.take() {
            pick.report(Outcome::Failed);
        }
    }

    /// The call is over with no outcome: it no longer counts in flight on its instance.
    fn release(&self) {
        self.take();
    }
}
