//! The RPC client bindings over `thrifthive_rpc`'s client and load generator.
//!
//! - [`options`]: the settings shared by both, from their Python form.
//! - [`pool`] / [`native`]: `RpcClient`, the engine of `thrifthive.Client`; [`balanced`]: its
//!   pool per instance over discovery.
//! - [`discovery`]: `Discovery` and `Picked`, the instance set and the choice per call, for
//!   `thrifthive.AsyncClient`.
//! - [`target`] / [`pipeline`]: `ClientTarget` and `Pipeline`, the engine of
//!   `thrifthive.AsyncClient` (asyncio does the IO; these encode, match and decode).
//! - [`calls`]: encoding a call and decoding its result, shared by both clients.
//! - [`meter`]: `CallMeter`, the client metrics of a method, recorded by both clients.
//! - [`bench`]: `bench()`, the load generator behind `thrifthive bench`.

mod balanced;
mod bench;
mod calls;
mod discovery;
mod meter;
mod native;
mod options;
mod pipeline;
mod pool;
mod target;

pub use options::seconds;

use pyo3::prelude::*;

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<native::RpcClient>()?;
    m.add_class::<target::ClientTarget>()?;
    m.add_class::<pipeline::Pipeline>()?;
    m.add_class::<meter::CallMeter>()?;
    m.add_class::<discovery::Discovery>()?;
    m.add_class::<discovery::Picked>()?;
    m.add_class::<bench::BenchReport>()?;
    m.add_function(wrap_pyfunction!(bench::bench, m)?)?;
    m.add_function(wrap_pyfunction!(discovery::shown_address, m)?)?;
    Ok(())
}
