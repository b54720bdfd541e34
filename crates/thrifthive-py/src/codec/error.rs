//! What can go wrong while encoding or decoding an object, and where in the object it went
//! wrong.
//!
//! A `CodecError` is one pointer wide, so the walkers' `Result`s stay small on the hot path; the
//! box is only allocated when something fails. The location is collected while the error
//! unwinds through the walkers (each struct field, list index and map entry adds a segment), so
//! the success path pays nothing for it. `crate::errors` turns a `CodecError` into the Python
//! exception the user sees.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

use pyo3::prelude::*;
use thrifthive_wire::WireError;

pub struct CodecError(Box<Inner>);

struct Inner {
    kind: ErrorKind,
    /// Innermost segment first; reversed when rendered.
    path: Vec<Segment>,
}

/// The failure itself; `crate::errors` maps each kind to its Python exception.
pub enum ErrorKind {
    /// Malformed or over-limit input, a value the format cannot hold, or invalid data to write
    /// (a required field unset, a union without exactly one field): `TProtocolException`.
    Wire(WireError),
    /// An exception raised by Python (a property, `__hash__`, an invalid surrogate): passed on
    /// as it is, with the location added as a note.
    Python(PyErr),
    /// A value of the wrong Python type for its field: `TypeError`.
    WrongType {
        expected: Cow<'static, str>,
        got: String,
    },
    /// An int outside its Thrift type's range: `OverflowError`.
    OutOfRange { ttype: &'static str, value: String },
    /// A container whose element types on the wire are not the declared ones. Internal: the
    /// decoder has skipped the rest of the value and the enclosing struct drops the field, as
    /// it does for a field that arrives with another wire type. Never reaches Python.
    Mismatch,
}

/// One step of the path from the top-level object to the failing value.
enum Segment {
    /// The top-level struct's class name.
    Root(String),
    Field(String),
    Index(usize),
    /// Inside a map key.
    Key,
    /// Inside the value of the map entry with this key (its repr).
    Value(String),
}

impl CodecError {
    #[cold]
    pub fn new(kind: ErrorKind) -> CodecError {
        CodecError(Box::new(Inner {
            kind,
            path: Vec::new(),
        }))
    }

    #[cold]
    pub fn invalid(message: String) -> CodecError {
        CodecError::new(ErrorKind::Wire(WireError::InvalidData(message)))
    }

    #[cold]
    pub fn wrong_type(
        expected: impl Into<Cow<'static, str>>,
        got: &Bound<'_, PyAny>,
    ) -> CodecError {
        CodecError::new(ErrorKind::WrongType {
            expected: expected.into(),
            got: type_name(got),
        })
    }

    #[cold]
    pub fn mismatch() -> CodecError {
        CodecError::new(ErrorKind::Mismatch)
    }

    #[inline]
    pub fn is_mismatch(&self) -> bool {
        matches!(self.0.kind, ErrorKind::Mismatch)
    }

    pub fn into_kind(self) -> ErrorKind {
        self.0.kind
    }

    #[cold]
    fn push(mut self, segment: Segment) -> CodecError {
        self.0.path.push(segment);
        self
    }

    #[cold]
    pub fn in_field(self, name: &str) -> CodecError {
        self.push(Segment::Field(name.to_owned()))
    }

    #[cold]
    pub fn at_index(self, index: usize) -> CodecError {
        self.push(Segment::Index(index))
    }

    #[cold]
    pub fn in_key(self) -> CodecError {
        self.push(Segment::Key)
    }

    #[cold]
    pub fn in_value(self, key: &Bound<'_, PyAny>) -> CodecError {
        let key = key
            .repr()
            .map_or_else(|_| "?".to_owned(), |r| r.to_string());
        self.push(Segment::Value(key))
    }

    /// Names the top-level struct; called once, by the entry points.
    #[cold]
    pub fn in_struct(self, class_name: &str) -> CodecError {
        self.push(Segment::Root(class_name.to_owned()))
    }

    /// Where the error happened, e.g. `UserPage.users[3].address.zip`; empty when it is the
    /// top-level struct itself (the message then names it).
    pub fn location(&self) -> String {
        let mut out = String::new();
        if let [Segment::Root(_)] = self.0.path.as_slice() {
            return out;
        }
        for segment in self.0.path.iter().rev() {
            // Writing to a String cannot fail.
            let _ = match segment {
                Segment::Root(name) => write!(out, "{name}"),
                Segment::Field(name) => write!(out, ".{name}"),
                Segment::Index(index) => write!(out, "[{index}]"),
                Segment::Key => write!(out, "<key>"),
                Segment::Value(key) => write!(out, "[{key}]"),
            };
        }
        out
    }
}

impl From<WireError> for CodecError {
    #[cold]
    fn from(error: WireError) -> CodecError {
        CodecError::new(ErrorKind::Wire(error))
    }
}

impl From<PyErr> for CodecError {
    #[cold]
    fn from(error: PyErr) -> CodecError {
        CodecError::new(ErrorKind::Python(error))
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Wire(error) => error.fmt(f),
            ErrorKind::Python(error) => error.fmt(f),
            ErrorKind::WrongType { expected, got } => write!(f, "expected {expected}, got {got}"),
            ErrorKind::OutOfRange { ttype, value } => {
                write!(f, "{value} is out of range for {ttype}")
            }
            ErrorKind::Mismatch => f.write_str("container element types do not match"),
        }
    }
}

impl fmt::Debug for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.0.kind)
    }
}

/// The name of `value`'s type, for messages.
pub fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map_or_else(|_| "?".to_owned(), |name| name.to_string())
}
