//! The RPC client bindings over `thrifthive_rpc`'s client and load generator.
//!
//! - [`options`]: the settings shared by both, from their Python form.
//! - [`pool`] / [`native`]: `RpcClient`, the engine of `thrifthive.Client`.
//! - [`target`] / [`pipeline`]: `ClientTarget` and `Pipeline`, the engine of
//!   `thrifthive.AsyncClient` (asyncio does the IO; these encode, match and decode).
//! - [`calls`]: encoding a call and decoding its result, shared by both clients.
//! - [`bench`]: `bench()`, the load generator behind `thrifthive bench`.

mod bench;
mod calls;
mod native;
mod options;
mod pipeline;
mod pool;
mod target;

use pyo3::prelude::*;

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<native::RpcClient>()?;
    m.add_class::<target::ClientTarget>()?;
    m.add_class::<pipeline::Pipeline>()?;
    m.add_class::<bench::BenchReport>()?;
    m.add_function(wrap_pyfunction!(bench::bench, m)?)?;
    Ok(())
}
