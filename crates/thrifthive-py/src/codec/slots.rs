//! Reaching an instance's fields: `__slots__` read and written at their offsets, the way
//! CPython's member descriptors do it minus the descriptor call, and plain attributes for
//! classes that keep their fields in the instance dict (`TApplicationException`).
//!
//! The choice is made once per class, when its plan is compiled: a class uses the fast path
//! only when every field is a writable object slot of the class or of a base class.

use std::ptr::{self, addr_of_mut};

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyString, PyType};

/// Where a class keeps its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Every field is a `__slots__` member at a known offset.
    Slots,
    /// Fields are plain attributes, reached with getattr and setattr.
    Attrs,
}

/// The offset of `cls`'s slot `name`, or None when `name` is not a writable object slot of
/// `cls` (a property, a class attribute, an instance-dict attribute).
pub fn slot_offset(cls: &Bound<'_, PyType>, name: &Bound<'_, PyString>) -> Option<isize> {
    let descr = cls.getattr(name).ok()?;
    let descr = descr.as_ptr();
    // SAFETY: comparing a type pointer with the address of a static type object.
    let is_member = unsafe { ffi::Py_TYPE(descr) == addr_of_mut!(ffi::PyMemberDescr_Type) };
    if !is_member {
        return None;
    }
    // SAFETY: `descr` is a member descriptor (checked above), so it has the layout of
    // PyMemberDescrObject, and its `d_member` points at the class's PyMemberDef, which lives as
    // long as the class; we copy the definition out.
    let (member, owner) = unsafe {
        let descr = descr.cast::<ffi::PyMemberDescrObject>();
        (*(*descr).d_member, (*descr).d_common.d_type)
    };
    if member.type_code != ffi::Py_T_OBJECT_EX || member.flags & ffi::Py_READONLY != 0 {
        return None;
    }
    // The descriptor must belong to `cls` or a base of it, or its offset means nothing in
    // `cls`'s instances.
    // SAFETY: both are valid type objects.
    if unsafe { ffi::PyType_IsSubtype(cls.as_type_ptr(), owner) } == 0 {
        return None;
    }
    Some(member.offset)
}

/// The value of a field, None when it is unset or None.
#[inline]
pub fn read<'py>(
    obj: &Bound<'py, PyAny>,
    layout: Layout,
    offset: isize,
    name: &Py<PyString>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let value = match layout {
        Layout::Slots => {
            // SAFETY: the plan checked that instances of the class (and of its subclasses,
            // which the caller checked `obj` is) hold an object pointer at `offset`; a slot
            // holds a strong reference or NULL (never assigned). We take a new reference so
            // that Python code run while the value is encoded cannot free it.
            unsafe {
                let slot = *obj
                    .as_ptr()
                    .cast::<u8>()
                    .offset(offset)
                    .cast::<*mut ffi::PyObject>();
                Bound::from_borrowed_ptr_or_opt(obj.py(), slot)
            }
        }
        Layout::Attrs => obj.getattr_opt(name.bind(obj.py()))?,
    };
    Ok(value.filter(|value| !value.is_none()))
}

/// Stores `value` in a field of a new instance, replacing (and releasing) what was there.
#[inline]
pub fn write(
    obj: &Bound<'_, PyAny>,
    layout: Layout,
    offset: isize,
    name: &Py<PyString>,
    value: Bound<'_, PyAny>,
) -> PyResult<()> {
    match layout {
        Layout::Slots => {
            // SAFETY: as in `read`; the slot owns a reference, so the old value (if any) is
            // released after the new one is in place, and the new one is handed over.
            unsafe {
                let slot = obj
                    .as_ptr()
                    .cast::<u8>()
                    .offset(offset)
                    .cast::<*mut ffi::PyObject>();
                let old = ptr::replace(slot, value.into_ptr());
                ffi::Py_XDECREF(old);
            }
            Ok(())
        }
        Layout::Attrs => obj.setattr(name.bind(obj.py()), value),
    }
}

/// Whether a slot of a new instance is still empty (the field has not arrived).
#[inline]
pub fn slot_is_empty(obj: &Bound<'_, PyAny>, offset: isize) -> bool {
    // SAFETY: as in `read`.
    unsafe {
        (*obj
            .as_ptr()
            .cast::<u8>()
            .offset(offset)
            .cast::<*mut ffi::PyObject>())
        .is_null()
    }
}
