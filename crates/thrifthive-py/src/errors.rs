//! The one place where Rust failures become Python exceptions.
//!
//! Exceptions are created here (abi3 cannot subclass Python's exception types with Rust
//! structs), get their `__module__` set to `thrifthive`, and are re-exported by the Python
//! package, so `thrifthive.ThriftParseError` is the class raised and the class pickled.

use crate::diagnostics::Diagnostic;
use pyo3::create_exception;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyList;

create_exception!(
    thrifthive,
    ThriftParseError,
    PyValueError,
    "An IDL file (or a file it includes) has errors.\n\n\
     `str(err)` is every error rendered rustc-style. Attributes: `diagnostics` (the errors, each a\n\
     `thrifthive.Diagnostic`), `warnings` (the warnings), and `file`, `line`, `column`, `snippet`\n\
     of the first error."
);

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("ThriftParseError", m.py().get_type::<ThriftParseError>())
}

/// A `ThriftParseError` for the compilation of `root` that failed with `errors` (at least one).
pub fn parse_error(
    py: Python<'_>,
    root: &str,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
) -> PyErr {
    // Setting an attribute on a fresh exception cannot fail in practice; if it did, that
    // failure is the better report.
    build_parse_error(py, root, errors, warnings).unwrap_or_else(|err| err)
}

fn build_parse_error(
    py: Python<'_>,
    root: &str,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
) -> PyResult<PyErr> {
    let Some(first) = errors.first() else {
        return Ok(internal_error(format!(
            "compiling `{root}` produced no IR and reported no error"
        )));
    };
    let count = match errors.len() {
        1 => "1 error".to_string(),
        n => format!("{n} errors"),
    };
    let rendered: Vec<&str> = errors.iter().map(|d| d.snippet.trim_end()).collect();
    let message = format!(
        "could not compile `{root}`: {count}\n\n{}",
        rendered.join("\n\n")
    );

    let err = ThriftParseError::new_err(message);
    let value = err.value(py);
    value.setattr("file", first.file.clone())?;
    value.setattr("line", first.line)?;
    value.setattr("column", first.column)?;
    value.setattr("snippet", first.snippet.clone())?;
    value.setattr("diagnostics", PyList::new(py, errors)?)?;
    value.setattr("warnings", PyList::new(py, warnings)?)?;
    Ok(err)
}

/// A bug in thrifthive rather than in the user's input.
pub fn internal_error(message: String) -> PyErr {
    PyRuntimeError::new_err(format!(
        "thrifthive internal error: {message}; please report this with the input that caused it"
    ))
}
