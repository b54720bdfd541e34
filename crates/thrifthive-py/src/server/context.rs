//! `thrifthive.current_request()` (python/thrifthive/context.py): the request context a
//! handler sees, made from a call's headers (THeader info headers, HTTP headers) and set in
//! the `ContextVar` around a sync handler's call; an `async def` handler's task gets it when
//! scheduled. Calls without headers (every framed or buffered call) skip all of it.

use pyo3::prelude::*;
use pyo3::types::PyDict;
use thrifthive_rpc::Request;

/// The `ContextVar` and the class of its values.
pub(crate) struct RequestContexts {
    var: Py<PyAny>,
    class: Py<PyAny>,
}

impl RequestContexts {
    pub(crate) fn new(var: Py<PyAny>, class: Py<PyAny>) -> RequestContexts {
        RequestContexts { var, class }
    }

    /// The context of `request`, or None if it brought no headers.
    pub(crate) fn of<'py>(
        &self,
        py: Python<'py>,
        request: &Request,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let Some(info) = request.info_headers().filter(|info| !info.is_empty()) else {
            return Ok(None);
        };
        let headers = PyDict::new(py);
        for (key, value) in info.iter() {
            // Header values are text in practice; bytes that are not UTF-8 are replaced.
            headers.set_item(String::from_utf8_lossy(key), String::from_utf8_lossy(value))?;
        }
        self.class.bind(py).call1((headers,)).map(Some)
    }

    /// Runs `call` with `context` as the current request.
    pub(crate) fn within<'py>(
        &self,
        context: &Bound<'py, PyAny>,
        call: impl FnOnce() -> PyResult<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let var = self.var.bind(context.py());
        let token = var.call_method1("set", (context,))?;
        let returned = call();
        var.call_method1("reset", (token,))?;
        returned
    }
}
