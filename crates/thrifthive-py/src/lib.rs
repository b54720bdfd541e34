//! `thrifthive._native`: the extension module, and the only crate of the workspace that knows
//! PyO3. Each binding lives in a module of its own; this file only assembles them.
//!
//! - [`errors`]: the one place where Rust failures become Python exceptions.
//! - [`diagnostics`]: IDL diagnostics as Python values.
//! - [`idl`]: compiling IDL files to the resolved IR, with the GIL released.
//! - [`codec`]: the object codec, Python objects to Thrift bytes and back.
//! - [`server`]: the RPC server engine serving Python handlers.
//! - [`client`]: the RPC clients (over one address or a discovered service) and the load
//!   generator.
//! - [`registry`]: a server's registration in etcd.
//! - [`metrics`]: the process's call metrics: the page, and an endpoint of its own.

use pyo3::prelude::*;

mod client;
mod codec;
mod diagnostics;
mod errors;
mod idl;
mod metrics;
mod registry;
mod server;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    errors::register(m)?;
    diagnostics::register(m)?;
    idl::register(m)?;
    codec::register(m)?;
    server::register(m)?;
    client::register(m)?;
    registry::register(m)?;
    metrics::register(m)?;
    Ok(())
}
