//! `_native.RpcClient`: one call is one Rust call. The arguments struct is encoded as a call
//! message, sent and answered on a pooled connection with the GIL released, and the reply's
//! result struct decoded; `python/thrifthive/client.py` builds the arguments and reads the
//! result. A call given a `CallMeter` is counted in the client metrics on the way.
//!
//! A client of one address calls through one [`Pool`]; a client of a discovery URL
//! (`etcd://`, `static://`, `dns://`) through [`Balanced`], a pool per instance.

use std::path::PathBuf;
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::Duration;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyType};
use thrifthive_wire::{Limits, MessageHeader, MessageType};

use super::balanced::Balanced;
use super::calls::{decode_result, encode_call, info_headers};
use super::discovery::{avoided, follow, instance_dicts, instance_note, is_discovery_url};
use super::meter::CallMeter;
use super::options::{ejection, settings, transforms, Target, TlsArgs};
use super::pool::Pool;
use crate::codec;
use crate::errors::{at_instance, client_error};

/// Where calls go.
enum Route {
    One(Pool),
    Balanced(Balanced),
}

/// A thread-safe connection pool to one server, or to each instance of a discovered service,
/// speaking one transport and protocol.
#[pyclass(frozen, module = "thrifthive._native")]
pub struct RpcClient {
    route: Route,
    /// Each call's bound, unless the call asks for less.
    timeout: Option<Duration>,
    protocol: codec::Protocol,
    limits: Limits,
    seqid: AtomicI32,
}

#[pymethods]
impl RpcClient {
    #[new]
    #[pyo3(signature = (
        address, *, transport = "buffered", protocol = "binary", timeout = None,
        connect_timeout = 10.0, compression = None, tls = false, tls_ca = None, tls_cert = None,
        tls_key = None, tls_server_name = None, balance = "p2c", eject_after = 5,
        eject_for = 30.0, max_eject_for = None, max_ejected = 0.5,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        address: &str,
        transport: &str,
        protocol: &str,
        timeout: Option<f64>,
        connect_timeout: f64,
        compression: Option<&str>,
        tls: bool,
        tls_ca: Option<PathBuf>,
        tls_cert: Option<PathBuf>,
        tls_key: Option<PathBuf>,
        tls_server_name: Option<&str>,
        balance: &str,
        eject_after: u32,
        eject_for: f64,
        max_eject_for: Option<f64>,
        max_ejected: f64,
    ) -> PyResult<RpcClient> {
        let ejection = ejection(eject_after, eject_for, max_eject_for, max_ejected)?;
        let (route, options, codec) = if is_discovery_url(address) {
            if tls {
                return Err(PyValueError::new_err(
                    "TLS to discovered instances is not supported yet: give one address",
                ));
            }
            let (mut options, codec) = settings(transport, protocol, timeout, connect_timeout)?;
            options.transforms = transforms(transport, compression)?;
            let discovery = follow(address, balance, ejection)?;
            let route = Route::Balanced(Balanced::new(discovery, options.clone()));
            (route, options, codec)
        } else {
            let mut target = Target::new(address, transport, protocol, timeout, connect_timeout)?;
            if tls {
                target = target.with_tls(TlsArgs {
                    ca: tls_ca,
                    cert: tls_cert,
                    key: tls_key,
                    server_name: tls_server_name,
                })?;
            }
            target.options.transforms = transforms(transport, compression)?;
            let route = Route::One(Pool::new(target.address, target.options.clone()));
            (route, target.options, target.codec)
        };
        Ok(RpcClient {
            limits: options.limits,
            timeout: options.timeout,
            route,
            protocol: codec,
            seqid: AtomicI32::new(0),
        })
    }

    /// Calls `name` with `args` (the `<method>_args` struct) and returns the `<method>_result`
    /// struct decoded as `result`; with `result=None` the call is oneway: it is sent and None
    /// is returned without waiting. `headers` go with the call as THeader info headers.
    /// `timeout` (seconds) bounds this call if it is less than the client's timeout. A
    /// balancing client sends it to another instance than `avoid` (where a retried call
    /// failed) when there is one, and sets a failure's `instance` to where it went. `meter`,
    /// if given, counts the call in the client metrics.
    #[pyo3(signature = (name, args, result, headers = None, timeout = None, avoid = None, meter = None))]
    #[allow(clippy::too_many_arguments)]
    fn call<'py>(
        &self,
        py: Python<'py>,
        name: &str,
        args: &Bound<'py, PyAny>,
        result: Option<&Bound<'py, PyType>>,
        headers: Option<&Bound<'py, PyDict>>,
        timeout: Option<f64>,
        avoid: Option<&str>,
        meter: Option<&Bound<'py, CallMeter>>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let avoid = avoided(avoid)?;
        let info = headers.map(info_headers).transpose()?.unwrap_or_default();
        let timeout = match timeout {
            Some(seconds) => {
                let cap = Duration::try_from_secs_f64(seconds.max(0.0))
                    .map_err(|err| PyValueError::new_err(format!("timeout {seconds}: {err}")))?;
                Some(self.timeout.map_or(cap, |own| own.min(cap)))
            }
            None => self.timeout,
        };
        let message_type = match result {
            Some(_) => MessageType::Call,
            None => MessageType::Oneway,
        };
        let mut request = Vec::new();
        let header = MessageHeader {
            name: name.into(),
            message_type,
            seqid: self.seqid.fetch_add(1, Ordering::Relaxed),
        };
        encode_call(&mut request, self.protocol, self.limits, header, args)?;
        // Signal handlers (KeyboardInterrupt) run between waits, as in time.sleep.
        let check_signals = || Python::attach(|py| py.check_signals());
        // Which instance a failed call went to, when the client balances.
        let mut failed_at = None;
        let metered = meter.map(|meter| meter.get().start());
        let sent = py.detach(|| match &self.route {
            Route::One(pool) => pool.call(&request, &info, timeout, check_signals),
            Route::Balanced(balanced) => balanced.call(
                &request,
                &info,
                timeout,
                check_signals,
                avoid.as_ref(),
                &mut failed_at,
            ),
        });
        let reply = match sent {
            Ok(reply) => reply,
            Err(interrupted) => {
                if let Some(metered) = metered {
                    metered.cancelled();
                }
                return Err(interrupted);
            }
        };
        let outcome = reply
            .map_err(|err| {
                let error = client_error(py, err);
                match (&failed_at, &self.route) {
                    (Some(address), Route::Balanced(balanced)) => {
                        let note = instance_note(address, balanced.discovery());
                        at_instance(py, error, &address.to_string(), &note)
                    }
                    _ => error,
                }
            })
            .and_then(|reply| match (reply, result) {
                (Some(reply), Some(result)) => {
                    decode_result(py, self.protocol, self.limits, &reply, result).map(Some)
                }
                _ => Ok(None),
            });
        if let Some(metered) = metered {
            metered.ended(py, outcome.as_ref().map(Option::as_ref));
        }
        outcome
    }

    /// Closes the idle connections; the next call opens a new one.
    fn close(&self) {
        match &self.route {
            Route::One(pool) => pool.close(),
            Route::Balanced(balanced) => balanced.close(),
        }
    }

    /// The instances balanced across (none for a client of one address), each as a dict (see
    /// `thrifthive.Client.instances`).
    fn instances<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        match &self.route {
            Route::One(_) => Ok(Vec::new()),
            Route::Balanced(balanced) => instance_dicts(py, balanced.instances()),
        }
    }

    /// The addresses calls go to now: the instances discovered, or the one address.
    fn addresses(&self) -> Vec<String> {
        match &self.route {
            Route::One(pool) => vec![pool.address().to_string()],
            Route::Balanced(balanced) => balanced
                .addresses()
                .iter()
                .map(ToString::to_string)
                .collect(),
        }
    }
}
