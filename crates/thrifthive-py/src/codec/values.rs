//! Python values in and out: the type checks and conversions of the encoder and the decoder.
//!
//! Type checks are a pointer comparison or a type-flag test, and nothing here calls back into
//! Python code except for the rare cases that need it (a buffer that is not bytes, a str that is
//! not compact ASCII, a uuid). The messages name the expected Python type; the walkers add the
//! field.

use std::ffi::c_char;
use std::ptr;

use pyo3::exceptions::PyTypeError;
use pyo3::ffi;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{IntoPyDict, PyBool, PyBytes, PyDict, PyFloat, PyString, PyTuple, PyType};
use thrifthive_wire::WireError;

use super::error::{type_name, CodecError, ErrorKind};
use super::slots::{self, Layout};

// ---- encoding: Python value -> Rust value ----

#[inline]
pub fn to_bool(value: &Bound<'_, PyAny>) -> Result<bool, CodecError> {
    let ptr = value.as_ptr();
    // SAFETY: Py_True and Py_False are the interpreter's two bool singletons.
    unsafe {
        if ptr == ffi::Py_True() {
            Ok(true)
        } else if ptr == ffi::Py_False() {
            Ok(false)
        } else {
            Err(CodecError::wrong_type("bool", value))
        }
    }
}

/// An int (or an int subclass such as an IntEnum member) that fits `T`, the Rust type of the
/// Thrift type named `ttype`.
#[inline]
pub fn to_int<T: TryFrom<i64>>(
    value: &Bound<'_, PyAny>,
    ttype: &'static str,
) -> Result<T, CodecError> {
    let ptr = value.as_ptr();
    // SAFETY: `ptr` is a live object; PyLong_AsLongLongAndOverflow only reads an int and
    // reports overflow through the flag, without raising, for int instances.
    let (wide, overflow) = unsafe {
        if ffi::PyLong_Check(ptr) == 0 {
            return Err(CodecError::wrong_type("int", value));
        }
        let mut overflow = 0;
        (
            ffi::PyLong_AsLongLongAndOverflow(ptr, &mut overflow),
            overflow,
        )
    };
    match T::try_from(wide) {
        Ok(narrow) if overflow == 0 => Ok(narrow),
        _ => Err(out_of_range(value, ttype)),
    }
}

#[cold]
fn out_of_range(value: &Bound<'_, PyAny>, ttype: &'static str) -> CodecError {
    let value = value
        .str()
        .map_or_else(|_| "?".to_owned(), |s| s.to_string());
    CodecError::new(ErrorKind::OutOfRange { ttype, value })
}

/// A float, or an int (converted exactly as `float()` would).
#[inline]
pub fn to_double(value: &Bound<'_, PyAny>) -> Result<f64, CodecError> {
    let ptr = value.as_ptr();
    // SAFETY: each accessor is used on an object of its type, checked just before.
    unsafe {
        if ffi::PyFloat_CheckExact(ptr) != 0 || ffi::PyFloat_Check(ptr) != 0 {
            return Ok(ffi::PyFloat_AS_DOUBLE(ptr));
        }
        if ffi::PyLong_Check(ptr) != 0 {
            let double = ffi::PyLong_AsDouble(ptr);
            if double == -1.0 {
                if let Some(err) = PyErr::take(value.py()) {
                    return Err(err.into());
                }
            }
            return Ok(double);
        }
    }
    Err(CodecError::wrong_type("float", value))
}

/// A str's UTF-8 bytes; CPython caches them in the object (ASCII strings are their own UTF-8).
#[inline(always)]
pub fn to_str<'a>(value: &'a Bound<'_, PyAny>) -> Result<&'a str, CodecError> {
    #[cfg(not(any(Py_3_14, PyPy, GraalPy)))]
    if let Some(text) = compact_ascii(value) {
        return Ok(text);
    }
    any_str(value)
}

/// `to_str` for any str (and the error for anything else).
#[inline(never)]
fn any_str<'a>(value: &'a Bound<'_, PyAny>) -> Result<&'a str, CodecError> {
    match value.cast::<PyString>() {
        // A str holding lone surrogates has no UTF-8 form: CPython raises UnicodeEncodeError.
        Ok(text) => Ok(text.to_str()?),
        Err(_) => Err(CodecError::wrong_type("str", value)),
    }
}

/// The text of an exact str that is compact ASCII (the usual str), read in place: the common
/// case without the call into CPython that `PyUnicode_AsUTF8AndSize` costs.
#[cfg(not(any(Py_3_14, PyPy, GraalPy)))]
#[inline(always)]
fn compact_ascii<'a>(value: &'a Bound<'_, PyAny>) -> Option<&'a str> {
    let ptr = value.as_ptr();
    // SAFETY: the str checks read the object's type and its `state` bits; a compact ASCII str
    // holds its `length` ASCII characters (valid UTF-8) right after its header, for as long as
    // the object lives, which `value` guarantees for 'a.
    unsafe {
        if ffi::PyUnicode_CheckExact(ptr) == 0 || ffi::PyUnicode_IS_COMPACT_ASCII(ptr) == 0 {
            return None;
        }
        let len = ffi::PyUnicode_GET_LENGTH(ptr) as usize;
        let data = ffi::PyUnicode_DATA(ptr).cast::<u8>();
        Some(std::str::from_utf8_unchecked(std::slice::from_raw_parts(
            data, len,
        )))
    }
}

/// Calls `write` with the bytes of `bytes` or of any contiguous buffer (bytearray, memoryview),
/// borrowed, never copied.
#[inline(always)]
pub fn with_bytes<R>(
    value: &Bound<'_, PyAny>,
    write: impl FnOnce(&[u8]) -> R,
) -> Result<R, CodecError> {
    if let Ok(bytes) = value.cast::<PyBytes>() {
        return Ok(write(bytes.as_bytes()));
    }
    let buffer = buffer_of(value)?;
    Ok(write(buffer.as_slice()))
}

/// The buffer of a bytes-like value other than bytes (and the error for anything else).
#[inline(never)]
fn buffer_of(value: &Bound<'_, PyAny>) -> Result<Buffer, CodecError> {
    Buffer::get(value).ok_or_else(|| CodecError::wrong_type("bytes", value))
}

/// A borrowed contiguous buffer (PyBUF_SIMPLE), released on drop.
pub struct Buffer(ffi::Py_buffer);

impl Buffer {
    /// The buffer of `value`, or None if it exports none (the error is cleared).
    pub fn get(value: &Bound<'_, PyAny>) -> Option<Buffer> {
        // SAFETY: an all-zero Py_buffer is a valid "empty" value for PyObject_GetBuffer to fill.
        let mut view: ffi::Py_buffer = unsafe { std::mem::zeroed() };
        // SAFETY: `view` is writable; on failure nothing was acquired and the error is dropped.
        if unsafe { ffi::PyObject_GetBuffer(value.as_ptr(), &mut view, ffi::PyBUF_SIMPLE) } != 0 {
            drop(PyErr::take(value.py()));
            return None;
        }
        Some(Buffer(view))
    }

    pub fn as_slice(&self) -> &[u8] {
        if self.0.len == 0 {
            return &[];
        }
        // SAFETY: a PyBUF_SIMPLE buffer is `len` contiguous bytes at `buf`, valid until the
        // buffer is released, which happens when `self` (borrowed here) is dropped.
        unsafe { std::slice::from_raw_parts(self.0.buf.cast::<u8>(), self.0.len as usize) }
    }
}

impl Drop for Buffer {
    fn drop(&mut self) {
        // SAFETY: the view was filled by a successful PyObject_GetBuffer and is released once.
        unsafe { ffi::PyBuffer_Release(&mut self.0) }
    }
}

/// The 16 bytes of a `uuid.UUID`, big-endian.
pub fn to_uuid(value: &Bound<'_, PyAny>) -> Result<[u8; 16], CodecError> {
    let py = value.py();
    if !value.is_instance(uuid_class(py)?.cls.bind(py))? {
        return Err(CodecError::wrong_type("uuid.UUID", value));
    }
    let int: u128 = value.getattr(intern!(py, "int"))?.extract()?;
    Ok(int.to_be_bytes())
}

// ---- decoding: Rust value -> Python value ----

/// A str from UTF-8 bytes. ASCII, the usual case, is checked here a word at a time and copied
/// into a new compact str; anything else goes through CPython's UTF-8 decoder, which validates
/// it. `offset` is where the string starts in the input, for the error.
#[inline]
pub fn new_str<'py>(
    py: Python<'py>,
    bytes: &[u8],
    offset: usize,
) -> Result<Bound<'py, PyAny>, CodecError> {
    let len = bytes.len() as ffi::Py_ssize_t;
    // SAFETY: PyUnicode_New(len, 127) makes a compact ASCII str with room for `len` characters
    // (or returns NULL with an error set); we fill them all, with ASCII bytes, before anything
    // else sees the object. PyUnicode_DecodeUTF8 reads `len` bytes; NULL errors means strict.
    unsafe {
        if bytes.is_ascii() {
            let text = Bound::from_owned_ptr_or_err(py, ffi::PyUnicode_New(len, 127))?;
            let data = ffi::PyUnicode_DATA(text.as_ptr()).cast::<u8>();
            ptr::copy_nonoverlapping(bytes.as_ptr(), data, bytes.len());
            return Ok(text);
        }
        let text = ffi::PyUnicode_DecodeUTF8(bytes.as_ptr().cast::<c_char>(), len, ptr::null());
        Bound::from_owned_ptr_or_opt(py, text).ok_or_else(|| {
            drop(PyErr::take(py));
            WireError::InvalidUtf8 { offset }.into()
        })
    }
}

#[inline]
pub fn new_bytes<'py>(py: Python<'py>, bytes: &[u8]) -> Bound<'py, PyAny> {
    PyBytes::new(py, bytes).into_any()
}

#[inline]
pub fn new_int(py: Python<'_>, value: i64) -> Bound<'_, PyAny> {
    // SAFETY: PyLong_FromLongLong returns a new reference, or NULL only when out of memory,
    // which PyO3 (like its own int conversion) treats as fatal.
    unsafe { Bound::from_owned_ptr(py, ffi::PyLong_FromLongLong(value)) }
}

#[inline]
pub fn new_float(py: Python<'_>, value: f64) -> Bound<'_, PyAny> {
    PyFloat::new(py, value).into_any()
}

#[inline]
pub fn new_bool(py: Python<'_>, value: bool) -> Bound<'_, PyAny> {
    PyBool::new(py, value).to_owned().into_any()
}

/// A `uuid.UUID` with these 16 big-endian bytes, made as msgspec does: allocated without
/// running `UUID.__init__` and its two slots filled directly.
pub fn new_uuid(py: Python<'_>, bytes: [u8; 16]) -> Result<Bound<'_, PyAny>, CodecError> {
    let uuid = uuid_class(py)?;
    let Ok(int) = u128::from_be_bytes(bytes).into_pyobject(py);
    let int = int.into_any();
    let Some((int_offset, is_safe_offset)) = uuid.slots else {
        return Ok(uuid
            .cls
            .bind(py)
            .call((), Some(&[("int", int)].into_py_dict(py)?))?);
    };
    let obj = alloc(uuid.cls.bind(py))?;
    slots::write(&obj, Layout::Slots, int_offset, &uuid.int_name, int)?;
    let unknown = uuid.safe_unknown.bind(py).clone();
    slots::write(
        &obj,
        Layout::Slots,
        is_safe_offset,
        &uuid.is_safe_name,
        unknown,
    )?;
    Ok(obj)
}

/// A new, empty `thrifthive.codec.FrozenDict`.
pub fn new_frozen_dict(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    static CLASS: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    let dict = CLASS
        .import(py, "thrifthive.codec", "FrozenDict")?
        .call0()?;
    Ok(dict.cast_into::<PyDict>()?)
}

/// A new, empty instance of `cls`, made with its `tp_alloc`: no `__new__`, no `__init__`;
/// every slot is NULL until the caller fills it.
pub fn alloc<'py>(cls: &Bound<'py, PyType>) -> PyResult<Bound<'py, PyAny>> {
    let py = cls.py();
    let ty = cls.as_type_ptr();
    // SAFETY: `ty` is a ready type object; every type has tp_alloc (PyType_Ready inherits it).
    unsafe {
        let alloc = (*ty).tp_alloc.unwrap_or(ffi::PyType_GenericAlloc);
        Bound::from_owned_ptr_or_err(py, alloc(ty, 0))
    }
}

/// A new exception instance made with the type's `tp_new` (no arguments) and no `__init__`:
/// `BaseException.__new__` sets up `args`, which `str()` and `repr()` need.
pub fn new_exception<'py>(cls: &Bound<'py, PyType>) -> PyResult<Bound<'py, PyAny>> {
    let py = cls.py();
    let ty = cls.as_type_ptr();
    let no_args = PyTuple::empty(py);
    // SAFETY: exception types always have tp_new (BaseException's, or one inherited from it).
    unsafe {
        let Some(new) = (*ty).tp_new else {
            return Err(PyTypeError::new_err(format!(
                "cannot create {} instances",
                type_name(cls.as_any())
            )));
        };
        Bound::from_owned_ptr_or_err(py, new(ty, no_args.as_ptr(), ptr::null_mut()))
    }
}

/// `uuid.UUID` and how to fill its slots, looked up once.
struct UuidClass {
    cls: Py<PyType>,
    /// The offsets of the `int` and `is_safe` slots, when UUID has them.
    slots: Option<(isize, isize)>,
    int_name: Py<PyString>,
    is_safe_name: Py<PyString>,
    safe_unknown: Py<PyAny>,
}

fn uuid_class(py: Python<'_>) -> PyResult<&UuidClass> {
    static UUID: PyOnceLock<UuidClass> = PyOnceLock::new();
    UUID.get_or_try_init(py, || {
        let module = py.import("uuid")?;
        let cls = module.getattr("UUID")?.cast_into::<PyType>()?;
        let int_name = PyString::intern(py, "int");
        let is_safe_name = PyString::intern(py, "is_safe");
        let slots =
            slots::slot_offset(&cls, &int_name).zip(slots::slot_offset(&cls, &is_safe_name));
        Ok(UuidClass {
            slots,
            safe_unknown: module.getattr("SafeUUID")?.getattr("unknown")?.unbind(),
            cls: cls.unbind(),
            int_name: int_name.unbind(),
            is_safe_name: is_safe_name.unbind(),
        })
    })
}
