//! `thrifthive.Limits`: the decoding limits as a Python value, for `loads`, `dumps` and the
//! message functions. Without one, the wire crate's defaults apply.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use thrifthive_wire::Limits;

/// The deepest nesting a `Limits` may allow. The walkers recurse once per level, using up to
/// about 800 bytes of stack each (measured), so this keeps them within half of a small (1 MiB)
/// thread stack.
pub const MAX_DEPTH_CAP: usize = 512;

/// Limits on what decoding accepts; every breach is a `TProtocolException` naming the limit
/// and the value. `max_depth` also bounds encoding, so that an object graph that contains itself
/// is an error rather than a stack overflow.
#[pyclass(frozen, eq, module = "thrifthive", name = "Limits")]
#[derive(PartialEq, Eq)]
pub struct PyLimits {
    pub limits: Limits,
}

#[pymethods]
impl PyLimits {
    #[new]
    #[pyo3(signature = (
        *,
        max_string_len = Limits::DEFAULT_MAX_STRING_LEN,
        max_container_len = Limits::DEFAULT_MAX_CONTAINER_LEN,
        max_depth = Limits::DEFAULT_MAX_DEPTH,
        max_message_size = Limits::DEFAULT_MAX_MESSAGE_SIZE,
    ))]
    #[pyo3(
        text_signature = "(*, max_string_len=16777216, max_container_len=16777216, \
                             max_depth=64, max_message_size=16777216)"
    )]
    fn new(
        max_string_len: usize,
        max_container_len: usize,
        max_depth: usize,
        max_message_size: usize,
    ) -> PyResult<PyLimits> {
        if !(1..=MAX_DEPTH_CAP).contains(&max_depth) {
            return Err(PyValueError::new_err(format!(
                "max_depth must be from 1 to {MAX_DEPTH_CAP}, got {max_depth}"
            )));
        }
        Ok(PyLimits {
            limits: Limits {
                max_string_len,
                max_container_len,
                max_depth,
                max_message_size,
            },
        })
    }

    /// Longest string or binary (and message name), in bytes.
    #[getter]
    fn max_string_len(&self) -> usize {
        self.limits.max_string_len
    }

    /// Most elements in a list, set or map.
    #[getter]
    fn max_container_len(&self) -> usize {
        self.limits.max_container_len
    }

    /// Deepest nesting of structs and containers; a top-level struct is depth 1.
    #[getter]
    fn max_depth(&self) -> usize {
        self.limits.max_depth
    }

    /// Largest input accepted, in bytes.
    #[getter]
    fn max_message_size(&self) -> usize {
        self.limits.max_message_size
    }

    fn __repr__(&self) -> String {
        let l = &self.limits;
        format!(
            "Limits(max_string_len={}, max_container_len={}, max_depth={}, max_message_size={})",
            l.max_string_len, l.max_container_len, l.max_depth, l.max_message_size
        )
    }
}

/// The limits a call uses: the given ones or the defaults.
pub fn resolve(limits: Option<&Bound<'_, PyLimits>>) -> Limits {
    limits.map_or_else(Limits::default, |limits| limits.get().limits)
}
