//! The one place where Rust failures become Python exceptions.
//!
//! Exceptions are created here (abi3 cannot subclass Python's exception types with Rust
//! structs), get their `__module__` set to `thrifthive`, and are re-exported by the Python
//! package, so `thrifthive.ThriftParseError` is the class raised and the class pickled.
//!
//! The object codec's errors (`codec_error`) map to:
//! - malformed or over-limit input, values the format cannot hold, a required field unset on
//!   write (or missing on a strict read), a union without exactly one field:
//!   `thrifthive.exceptions.TProtocolException(type, message)`, `type` being Apache's code
//!   (1 invalid data, 2 negative size, 3 size limit, 4 bad version, 6 depth limit);
//! - a value of the wrong Python type: `TypeError`; an int out of its type's range:
//!   `OverflowError`;
//! - an exception raised by Python code along the way: itself, with a note saying where.
//!
//! Every message starts with where it happened, e.g. `UserPage.users[3].id: expected int, got
//! str`.

use crate::codec::{CodecError, ErrorKind};
use crate::diagnostics::Diagnostic;
use pyo3::create_exception;
use pyo3::exceptions::{PyOverflowError, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyList, PyType};

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

/// The Python exception for a failure of the object codec (see the module docs).
pub fn codec_error(py: Python<'_>, err: CodecError) -> PyErr {
    let location = err.location();
    let located = |message: String| {
        if location.is_empty() {
            message
        } else {
            format!("{location}: {message}")
        }
    };
    match err.into_kind() {
        ErrorKind::Wire(wire) => protocol_exception(
            py,
            wire.protocol_exception_type(),
            located(wire.to_string()),
        ),
        ErrorKind::Python(err) => {
            if !location.is_empty() {
                // Keep the exception's own type and message; say where in a note. A failure
                // to add the note loses nothing that matters.
                let _ = err
                    .value(py)
                    .call_method1("add_note", (format!("in {location}"),));
            }
            err
        }
        kind @ ErrorKind::WrongType { .. } => PyTypeError::new_err(located(kind.to_string())),
        kind @ ErrorKind::OutOfRange { .. } => PyOverflowError::new_err(located(kind.to_string())),
        ErrorKind::Mismatch => internal_error(format!(
            "a container type mismatch escaped the decoder at {location}"
        )),
    }
}

/// `thrifthive.exceptions.TProtocolException(type_code, message)`.
fn protocol_exception(py: Python<'_>, type_code: i32, message: String) -> PyErr {
    static CLASS: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    let made = CLASS
        .import(py, "thrifthive.exceptions", "TProtocolException")
        .and_then(|cls| cls.call1((type_code, message)));
    match made {
        Ok(exception) => PyErr::from_value(exception),
        Err(err) => err,
    }
}
