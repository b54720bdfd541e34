//! The RPC client bindings over `thrifthive_rpc`'s client and load generator.
//!
//! - [`options`]: the settings shared by both, from their Python form.
//! - [`pool`] / [`native`]: `RpcClient`, the engine of `thrifthive.Client`.
//! - [`bench`]: `bench()`, the load generator behind `thrifthive bench`.

mod bench;
mod native;
mod options;
mod pool;

use pyo3::prelude::*;

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<native::RpcClient>()?;
    m.add_class::<bench::BenchReport>()?;
    m.add_function(wrap_pyfunction!(bench::bench, m)?)?;
    Ok(())
}
