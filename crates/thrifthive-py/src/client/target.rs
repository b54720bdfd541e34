//! `_native.ClientTarget`: where and how `thrifthive.AsyncClient` connects. It checks the
//! options once, opens sockets (on a worker thread, through the same connect code as the
//! blocking client, so that connect errors read the same) and makes each connection's
//! [`Pipeline`].

use std::os::fd::IntoRawFd;

use pyo3::exceptions::PyBaseException;
use pyo3::prelude::*;
use thrifthive_rpc::client::ClientError;
use thrifthive_rpc::MethodName;

use super::options::{transforms, Target};
use super::pipeline::Pipeline;
use crate::errors::client_error;

#[pyclass(frozen, module = "thrifthive._native")]
pub struct ClientTarget {
    target: Target,
}

#[pymethods]
impl ClientTarget {
    #[new]
    #[pyo3(signature = (
        address, *, transport = "buffered", protocol = "binary", timeout = None,
        connect_timeout = 10.0, compression = None,
    ))]
    fn new(
        address: &str,
        transport: &str,
        protocol: &str,
        timeout: Option<f64>,
        connect_timeout: f64,
        compression: Option<&str>,
    ) -> PyResult<ClientTarget> {
        let mut target = Target::new(address, transport, protocol, timeout, connect_timeout)?;
        target.options.transforms = transforms(transport, compression)?;
        Ok(ClientTarget { target })
    }

    /// Connects, blocking (with the GIL released) for at most the connect timeout, and
    /// returns the connected socket's file descriptor, non-blocking; the caller owns it.
    fn connect(&self, py: Python<'_>) -> PyResult<i32> {
        let options = &self.target.options;
        py.detach(|| {
            thrifthive_rpc::client::connect_socket(&self.target.address, options.connect_timeout)
        })
        .map(IntoRawFd::into_raw_fd)
        .map_err(|err| client_error(py, err))
    }

    /// The address, as the server's errors name it.
    #[getter]
    fn address(&self) -> String {
        self.target.address.to_string()
    }

    /// The default timeout of a call, in seconds (checked to be positive), None for none.
    #[getter]
    fn timeout(&self) -> Option<f64> {
        self.target.options.timeout.map(|t| t.as_secs_f64())
    }

    /// The exception of a call to `method` that was waiting for a connection when the client
    /// was closed.
    fn closed_error<'py>(&self, py: Python<'py>, method: &str) -> Bound<'py, PyBaseException> {
        let error = ClientError::ClientClosed {
            method: MethodName::from(method),
        };
        client_error(py, error).into_value(py).into_bound(py)
    }

    /// The bookkeeping of a new connection.
    fn pipeline(&self) -> Pipeline {
        Pipeline::new(self.target.codec, self.target.options.clone())
    }
}
