//! A client's settings as Python gives them (an address string, transport and protocol names,
//! timeouts in seconds), checked and turned into the engine's.

use std::time::Duration;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use std::path::PathBuf;

use thrifthive_rpc::client::ClientOptions;
use thrifthive_rpc::discovery::Ejection;
use thrifthive_rpc::header::Transform;
use thrifthive_rpc::tls::{client_config, ClientTls};
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
        let https = address.strip_prefix("https://");
        let (address, http_path) = match address.strip_prefix("http://").or(https) {
            Some(rest) => {
                let default_port = if https.is_some() { 443 } else { 80 };
                let (address, path) = http_url(rest, default_port)?;
                (address, Some(path))
            }
            None => (address.to_owned(), None),
        };
        let address = address
            .parse::<Address>()
            .map_err(|err| PyValueError::new_err(err.to_string()))?;
        let (mut options, codec) = settings(transport, protocol, timeout, connect_timeout)?;
        if (options.format.transport == Transport::Http) != http_path.is_some() {
            return Err(PyValueError::new_err(
                "HTTP goes with an http:// or https:// address: \
                 Client(service, \"http://host:port/path\")",
            ));
        }
        options.http_path = http_path.unwrap_or_else(|| "/".to_owned());
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
        "header" => Transport::Header,
        "http" => Transport::Http,
        _ => {
            return Err(PyValueError::new_err(format!(
                "unknown transport {transport:?}: use \"buffered\", \"framed\", \"header\" \
                 or \"http\""
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

/// When a discovering client ejects failing instances, from its Python options (see
/// `thrifthive.Client`).
pub fn ejection(
    eject_after: u32,
    eject_for: f64,
    max_eject_for: Option<f64>,
    max_ejected: f64,
) -> PyResult<Ejection> {
    let base = seconds("eject_for", eject_for)?;
    let max = max_eject_for
        .map(|s| seconds("max_eject_for", s))
        .transpose()?;
    Ejection::new(eject_after, base, max, max_ejected)
        .map_err(|err| PyValueError::new_err(err.to_string()))
}

/// The transforms a client applies for `compression` (None or "zlib", THeader only).
pub fn transforms(transport: &str, compression: Option<&str>) -> PyResult<Vec<Transform>> {
    match compression {
        None => Ok(Vec::new()),
        Some("zlib") if transport == "header" => Ok(vec![Transform::Zlib]),
        Some("zlib") => Err(PyValueError::new_err(format!(
            "compression=\"zlib\" needs transport=\"header\" (the {transport} transport cannot \
             say a message is compressed)"
        ))),
        Some(other) => Err(PyValueError::new_err(format!(
            "unknown compression {other:?}: use None or \"zlib\""
        ))),
    }
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

/// The `host:port` and path of an http(s):// URL, given what follows the scheme (the
/// `default_port` if none is given, the path `/`).
fn http_url(rest: &str, default_port: u16) -> PyResult<(String, String)> {
    let (authority, path) = rest.split_at(rest.find(['/', '?']).unwrap_or(rest.len()));
    let path = match path {
        "" => "/".to_owned(),
        p if p.starts_with('?') => format!("/{p}"),
        p => p.to_owned(),
    };
    if authority.is_empty() || authority.contains('@') {
        return Err(PyValueError::new_err(format!(
            "cannot use the URL {rest:?}: expected http://host[:port]/path"
        )));
    }
    // A port is there if the authority ends with :digits after any IPv6 bracket.
    let has_port = authority.rsplit_once(':').is_some_and(|(host, port)| {
        !host.is_empty() && !port.contains(']') && (!host.contains(':') || host.ends_with(']'))
    });
    let address = if has_port {
        authority.to_owned()
    } else {
        format!("{authority}:{default_port}")
    };
    Ok((address, path))
}

/// TLS settings for a client, from `Client`'s arguments (paths to PEM files).
pub struct TlsArgs<'a> {
    pub ca: Option<PathBuf>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    pub server_name: Option<&'a str>,
}

impl Target {
    /// Speaks TLS as `args` say.
    pub fn with_tls(mut self, args: TlsArgs<'_>) -> PyResult<Target> {
        let config = client_config(&ClientTls {
            ca: args.ca,
            cert: args.cert,
            key: args.key,
        })
        .map_err(PyValueError::new_err)?;
        self.options.tls = Some(config);
        self.options.tls_server_name = args.server_name.map(str::to_owned);
        Ok(self)
    }
}
