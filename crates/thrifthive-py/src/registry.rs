//! `_native.Registration`: a running server's instance registered in etcd (see
//! `thrifthive_rpc::registry`); `thrifthive.Server(registry=...)` holds one while it serves.

use std::time::Duration;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use thrifthive_rpc::discovery::InstanceRecord;
use thrifthive_rpc::registry::Registration as Engine;

use crate::client::seconds;

#[pyclass(frozen, module = "thrifthive._native")]
pub struct Registration {
    engine: std::sync::Mutex<Engine>,
    key: String,
}

#[pymethods]
impl Registration {
    /// Registers `address` (with `weight` and `metadata`, a JSON object's text) as instance
    /// `id` of `name` in the registry at `url`, under a lease of `ttl` seconds; returns at
    /// once, the registration goes on (and is retried) in the background.
    #[new]
    #[pyo3(signature = (url, name, id, address, *, weight = 1, metadata = "{}", ttl = 5.0))]
    fn new(
        url: &str,
        name: &str,
        id: &str,
        address: &str,
        weight: u32,
        metadata: &str,
        ttl: f64,
    ) -> PyResult<Registration> {
        // Failures are logged (`thrifthive.registry`) and retried, never raised.
        crate::server::logging::install();
        let metadata = serde_json::from_str(metadata)
            .map_err(|err| PyValueError::new_err(format!("metadata is no JSON: {err}")))?;
        let record = InstanceRecord {
            address: address.to_owned(),
            weight,
            metadata,
        };
        let engine = Engine::start(url, name, id, &record, seconds("ttl", ttl)?)
            .map_err(|err| PyValueError::new_err(err.to_string()))?;
        Ok(Registration {
            key: engine.key().to_owned(),
            engine: std::sync::Mutex::new(engine),
        })
    }

    /// The etcd key it is registered under.
    #[getter]
    fn key(&self) -> &str {
        &self.key
    }

    /// Deregisters (revokes the lease), waiting up to `timeout` seconds with the GIL released.
    #[pyo3(signature = (timeout = 2.0))]
    fn stop(&self, py: Python<'_>, timeout: f64) {
        let timeout = Duration::try_from_secs_f64(timeout).unwrap_or_default();
        py.detach(|| {
            if let Ok(mut engine) = self.engine.lock() {
                engine.stop(timeout);
            }
        });
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Registration>()
}
