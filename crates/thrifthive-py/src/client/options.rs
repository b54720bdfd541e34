//! A client's settings as Python gives them (an address string, transport and protocol names,
//! timeouts in seconds), checked and turned into the engine's.

use std::time::Duration;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use thrifthive_rpc::client::ClientOptions;
use thrifthive_rpc::{Address, Protocol, Transport, WireFormat};

use crate::codec;

/// Where and how to call: what `Client` and `bench` share.
pub struct Target {
    pub address: Address,
    pub options: ClientOptions,
    /// The codec's protocol, the same as `options.format.protocol`.
    pub codec: codec::Protocol,
}

impl Target {
    pub fn new(
        address: &str,
        transport: &str,
        protocol: &str,
        timeout: Option<f64>,
        connect_timeout: f64,
    ) -> PyResult<Target> {
        let address = address
            .parse::<Address>()
            .map_err(|err| PyValueError::new_err(err.to_string()))?;
        let (options, codec) = settings(transport, protocol, timeout, connect_timeout)?;
        Ok(Target {
            address,
            options,
            codec,
        })
    }
}

/// The engine's options and the codec's protocol, from their Python form.
pub fn settings(
    transport: &str,
    protocol: &str,
    timeout: Option<f64>,
    connect_timeout: f64,
) -> PyResult<(ClientOptions, codec::Protocol)> {
    let transport = match transport {
        "buffered" => Transport::Buffered,
        "framed" => Transport::Framed,
        _ => {
            return Err(PyValueError::new_err(format!(
                "unknown transport {transport:?}: use \"buffered\" or \"framed\""
            )))
        }
    };
    let (wire, codec) = match protocol {
        "binary" => (Protocol::Binary, codec::Protocol::Binary),
        "compact" => (Protocol::Compact, codec::Protocol::Compact),
        _ => {
            return Err(PyValueError::new_err(format!(
                "unknown protocol {protocol:?}: use \"binary\" or \"compact\""
            )))
        }
    };
    let options = ClientOptions {
        format: WireFormat::new(transport, wire),
        timeout: timeout.map(|t| seconds("timeout", t)).transpose()?,
        connect_timeout: seconds("connect_timeout", connect_timeout)?,
        ..ClientOptions::default()
    };
    Ok((options, codec))
}

/// A positive, finite number of seconds.
pub fn seconds(name: &str, value: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(value)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| {
            PyValueError::new_err(format!(
                "{name} must be a positive number of seconds, got {value}"
            ))
        })
}
