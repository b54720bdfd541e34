//! `_native.CallMeter`: the client metrics of one method (`thrift_client_*`, see
//! `thrifthive_rpc::metrics`). A bound method of `Client` or `AsyncClient` keeps one and hands
//! it to each call, so that a call is counted in Rust, where it passes anyway, for a few atomic
//! additions.
//!
//! Outcome codes are the server's: `OK`, a declared exception's class name, a
//! `TApplicationException` kind (`MISSING_RESULT` for a reply with neither value nor
//! exception). Failures only a client sees: a `TTransportException`'s kind (`NOT_OPEN`,
//! `TIMED_OUT`, `END_OF_FILE`, ...; `TRANSPORT_ERROR` for its `UNKNOWN`, not to be taken for
//! `TApplicationException`'s), `PROTOCOL_ERROR` for a reply that cannot be read (as the server
//! says of arguments it cannot read), `CANCELLED` for a call given up on (Ctrl-C, a cancelled
//! task), and an unexpected exception's class name.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::{Duration, Instant};

use pyo3::exceptions::PyValueError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;
use thrifthive_rpc::metrics::{self, Series, Side};
use thrifthive_rpc::ExceptionKind;

use crate::codec::{application_exception, plan_of};
use crate::errors::exception_name;

const OK: &str = "OK";
const CANCELLED: &str = "CANCELLED";

/// The metrics of one method of one service, as a client calls it.
#[pyclass(module = "thrifthive._native", frozen)]
pub struct CallMeter {
    series: Arc<Series>,
}

/// A call counted as started, to be counted again when it ends.
pub struct Metered {
    series: Arc<Series>,
    started: Instant,
}

#[pymethods]
impl CallMeter {
    /// `service` is the name the service is called under (the multiplexed name, if any),
    /// `method` the method's own name.
    #[new]
    #[pyo3(signature = (service, method, *, oneway))]
    fn new(service: &str, method: &str, oneway: bool) -> CallMeter {
        CallMeter {
            series: metrics::global().series(Side::Client, service, method, oneway),
        }
    }

    /// A call that failed with `error` before it could be sent (while connecting, say),
    /// `seconds` after it began: counted as started and ended.
    fn unsent(&self, error: &Bound<'_, PyAny>, seconds: f64) -> PyResult<()> {
        let elapsed = Duration::try_from_secs_f64(seconds)
            .map_err(|err| PyValueError::new_err(format!("seconds {seconds}: {err}")))?;
        self.series.start();
        self.series.finish(&error_code(error), elapsed);
        Ok(())
    }

    /// A failed call is sent again.
    fn retried(&self) {
        self.series.retry();
    }
}

impl CallMeter {
    /// Counts a call as started, as it is sent.
    pub fn start(&self) -> Metered {
        self.series.start();
        Metered {
            series: Arc::clone(&self.series),
            started: Instant::now(),
        }
    }
}

impl Metered {
    /// The call ended with `outcome`: its decoded `<method>_result` struct (None for a oneway
    /// call, done once sent), or its error.
    pub fn ended(self, py: Python<'_>, outcome: Result<Option<&Bound<'_, PyAny>>, &PyErr>) {
        let code = match outcome {
            Ok(None) => Cow::Borrowed(OK),
            Ok(Some(result)) => result_code(result),
            Err(error) => error_code(error.value(py)),
        };
        self.finish(&code);
    }

    /// The call was given up on before it ended.
    pub fn cancelled(self) {
        self.finish(CANCELLED);
    }

    fn finish(self, code: &str) {
        self.series.finish(code, self.started.elapsed());
    }
}

/// `OK`, the class name of the declared exception `result` holds, or `MISSING_RESULT`.
fn result_code(result: &Bound<'_, PyAny>) -> Cow<'static, str> {
    let Ok(plan) = plan_of(&result.get_type()) else {
        return Cow::Borrowed(OK);
    };
    let mut returns_a_value = false;
    for field in plan.get().plan.fields.iter() {
        let value = result.getattr(field.name.bind(result.py())).ok();
        let Some(value) = value.filter(|value| !value.is_none()) else {
            returns_a_value |= field.id == 0;
            continue;
        };
        return match field.id {
            0 => Cow::Borrowed(OK),
            _ => Cow::Owned(exception_name(&value)),
        };
    }
    match returns_a_value {
        true => Cow::Owned(ExceptionKind::MISSING_RESULT.to_string()),
        false => Cow::Borrowed(OK),
    }
}

/// The outcome code of a call that raised `error` (see the module docs).
fn error_code(error: &Bound<'_, PyAny>) -> Cow<'static, str> {
    let py = error.py();
    let is = |class: PyResult<&Bound<'_, PyType>>| {
        class.is_ok_and(|class| error.is_instance(class).unwrap_or(false))
    };
    let kind = || {
        error
            .getattr(intern!(py, "type"))
            .and_then(|kind| kind.extract::<i32>())
            .unwrap_or(0)
    };
    if is(application_exception(py)) {
        Cow::Owned(ExceptionKind(kind()).to_string())
    } else if is(transport_exception(py)) {
        Cow::Borrowed(transport_code(kind()))
    } else if is(protocol_exception(py)) {
        Cow::Owned(ExceptionKind::PROTOCOL_ERROR.to_string())
    } else {
        Cow::Owned(exception_name(error))
    }
}

/// `thrifthive.exceptions.TTransportException`, imported once.
fn transport_exception(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static CLASS: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    CLASS.import(py, "thrifthive.exceptions", "TTransportException")
}

/// `thrifthive.exceptions.TProtocolException`, imported once.
fn protocol_exception(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static CLASS: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    CLASS.import(py, "thrifthive.exceptions", "TProtocolException")
}

/// The name of a `TTransportException` kind, as Apache numbers them.
fn transport_code(kind: i32) -> &'static str {
    match kind {
        1 => "NOT_OPEN",
        2 => "ALREADY_OPEN",
        3 => "TIMED_OUT",
        4 => "END_OF_FILE",
        5 => "NEGATIVE_SIZE",
        6 => "SIZE_LIMIT",
        7 => "INVALID_CLIENT_TYPE",
        _ => "TRANSPORT_ERROR",
    }
}
