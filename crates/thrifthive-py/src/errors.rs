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
//!
//! The RPC client's errors (`client_error`) map as Apache's Python library raises them:
//! - an EXCEPTION reply: `TApplicationException(type, message)` as the server sent it; a reply
//!   to another call (or, pipelined, to no call at all) or of another message type:
//!   `TApplicationException` with `BAD_SEQUENCE_ID`, `WRONG_METHOD_NAME` or
//!   `INVALID_MESSAGE_TYPE`;
//! - a reply that cannot be read, or a request that cannot be: `TProtocolException`;
//! - everything else: `TTransportException(type, message)`, `type` being `NOT_OPEN` (cannot
//!   connect: refused, unresolvable, unreachable, no instance discovered; or the client closed
//!   under the call),
//!   `TIMED_OUT` (connecting or the call),
//!   `END_OF_FILE` (closed by the server) or `UNKNOWN` (a reset, a reply that is not Thrift or
//!   in another format), with the engine's message saying what happened. A failure to connect
//!   (refused, unresolvable, unreachable, timed out connecting) also sets `unsent = True`: the
//!   call never reached a server, so the clients may retry it (`thrifthive._retry`).

use crate::codec::{CodecError, ErrorKind};
use crate::diagnostics::Diagnostic;
use pyo3::create_exception;
use pyo3::exceptions::{PyOverflowError, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyList;
use thrifthive_rpc::client::ClientError;
use thrifthive_rpc::ExceptionKind;

create_exception!(
    thrifthive,
    ThriftParseError,
    PyValueError,
    "An IDL file (or a file it includes) has errors.\n\n\
     `str(err)` is every error rendered rustc-style. Attributes: `diagnostics` (the errors, each a\n\
     `thrifthive.Diagnostic`), `warnings` (the warnings), and `file`, `line`, `column`, `snippet`\n\
     of the first error."
);

/// An exception's class name, for messages and metrics.
pub fn exception_name(exception: &Bound<'_, PyAny>) -> String {
    exception
        .get_type()
        .name()
        .map_or_else(|_| "Exception".to_owned(), |name| name.to_string())
}

/// `error` with `note` added (PEP 678: shown under the message in a traceback), if any.
pub fn with_note(py: Python<'_>, error: PyErr, note: Option<&str>) -> PyErr {
    if let Some(note) = note {
        // add_note cannot fail on an exception instance; if it did, the error still stands.
        let _ = error.value(py).call_method1("add_note", (note,));
    }
    error
}

/// `error` of a call a balancing client sent to the instance at `address`: noted with
/// `note`, and with `instance` set (a retry avoids it).
pub fn at_instance(py: Python<'_>, error: PyErr, address: &str, note: &str) -> PyErr {
    // setattr cannot fail on a thrifthive exception; if it did, the error still stands.
    let _ = error.value(py).setattr("instance", address);
    with_note(py, error, Some(note))
}

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
    thrift_exception(py, "TProtocolException", type_code, message)
}

/// `thrifthive.exceptions.<class>(type_code, message)`.
fn thrift_exception(py: Python<'_>, class: &str, type_code: i32, message: String) -> PyErr {
    let made = py
        .import("thrifthive.exceptions")
        .and_then(|module| module.getattr(class))
        .and_then(|cls| cls.call1((type_code, message)));
    match made {
        Ok(exception) => PyErr::from_value(exception),
        Err(err) => err,
    }
}

/// The Python exception for a failure of an RPC call (see the module docs).
pub fn client_error(py: Python<'_>, err: ClientError) -> PyErr {
    // TTransportException's codes, as Apache numbers them.
    const UNKNOWN: i32 = 0;
    const NOT_OPEN: i32 = 1;
    const TIMED_OUT: i32 = 3;
    const END_OF_FILE: i32 = 4;
    let message = err.to_string();
    let unsent = err.is_connect() && !matches!(err, ClientError::Tls { .. });
    let (class, type_code) = match err {
        ClientError::Application(exception) => {
            return thrift_exception(
                py,
                "TApplicationException",
                exception.kind.0,
                exception.message,
            )
        }
        ClientError::BadSequenceId { .. } | ClientError::UnknownSequenceId { .. } => {
            ("TApplicationException", ExceptionKind::BAD_SEQUENCE_ID.0)
        }
        ClientError::WrongMethodName { .. } => {
            ("TApplicationException", ExceptionKind::WRONG_METHOD_NAME.0)
        }
        ClientError::UnexpectedMessageType { .. } => (
            "TApplicationException",
            ExceptionKind::INVALID_MESSAGE_TYPE.0,
        ),
        ClientError::InvalidReply { source, .. } | ClientError::InvalidRequest(source) => {
            ("TProtocolException", source.protocol_exception_type())
        }
        ClientError::Resolve { .. }
        | ClientError::Refused { .. }
        | ClientError::Connect { .. }
        | ClientError::ClientClosed { .. }
        | ClientError::NoInstances { .. } => ("TTransportException", NOT_OPEN),
        ClientError::ConnectTimeout { .. } | ClientError::Timeout { .. } => {
            ("TTransportException", TIMED_OUT)
        }
        ClientError::Closed { .. } => ("TTransportException", END_OF_FILE),
        ClientError::Io { .. }
        | ClientError::NotThrift { .. }
        | ClientError::WrongFormat { .. }
        | ClientError::HttpStatus { .. }
        | ClientError::Tls { .. }
        | ClientError::InvalidHttp { .. } => ("TTransportException", UNKNOWN),
        ClientError::Runtime(_) => return internal_error(message),
    };
    let error = thrift_exception(py, class, type_code, message);
    if unsent {
        // setattr cannot fail on a TTransportException; if it did, the error still stands.
        let _ = error.value(py).setattr("unsent", true);
    }
    error
}
