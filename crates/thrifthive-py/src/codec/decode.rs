//! The decoder: one pass over the input guided by the plan, reading through any
//! `ProtocolReader` (monomorphized per protocol) and building the objects as it goes.
//! Instances are allocated without running `__init__` and their slots filled directly; strings
//! and binaries go from the input to the new `str`/`bytes` in one copy.
//!
//! Unknown fields are skipped. A known field that arrives with another wire type is skipped
//! too, never misread, and so is a container whose element types differ from the declared ones
//! (the field is then absent, as if it had not been sent).

use std::ptr;

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use thrifthive_wire::{ProtocolReader, TType};

use super::defaults;
use super::error::CodecError;
use super::keys::KeyCache;
use super::plan::{FieldPlan, Form, Kind, StructPlan, TypePlan};
use super::slots::{self, Layout};
use super::values;

/// Maps with more entries than this are allocated at their final size up front.
const PRESIZE_MAP_ABOVE: usize = 5;

extern "C" {
    /// CPython's presized dict constructor (exported, not in the limited API).
    fn _PyDict_NewPresized(minused: ffi::Py_ssize_t) -> *mut ffi::PyObject;
}

pub struct Decoder<'r, 'py, R> {
    py: Python<'py>,
    r: &'r mut R,
    /// A missing required field, or a union without exactly one field, is an error.
    strict: bool,
    keys: KeyCache,
}

impl<'a, 'r, 'py, R: ProtocolReader<'a>> Decoder<'r, 'py, R> {
    pub fn new(py: Python<'py>, r: &'r mut R, strict: bool) -> Self {
        Decoder {
            py,
            r,
            strict,
            keys: KeyCache::new(),
        }
    }

    /// Reads a struct as a new instance of `plan`'s class.
    #[inline(never)]
    pub fn decode_struct(&mut self, plan: &StructPlan) -> Result<Bound<'py, PyAny>, CodecError> {
        let cls = plan.cls.bind(self.py);
        let obj = match plan.kind {
            Kind::Exception => values::new_exception(cls)?,
            Kind::Struct | Kind::Union => values::alloc(cls)?,
        };
        // Slots show which fields arrived (NULL until set); attributes need a record.
        let mut arrived = match plan.layout {
            Layout::Slots => Vec::new(),
            Layout::Attrs => vec![false; plan.fields.len()],
        };
        self.r.read_struct_begin()?;
        let mut hint = 0;
        loop {
            let header = self.r.read_field_begin()?;
            if header.ttype == TType::Stop {
                break;
            }
            match plan.find(header.id, hint) {
                Some(index) if plan.fields[index].ttype == header.ttype => {
                    hint = index + 1;
                    let field = &plan.fields[index];
                    match self.decode_value(&field.ty) {
                        Ok(value) => {
                            slots::write(&obj, plan.layout, field.offset, &field.name, value)?;
                            if let Some(flag) = arrived.get_mut(index) {
                                *flag = true;
                            }
                        }
                        Err(err) if err.is_mismatch() => {}
                        Err(err) => return Err(err.in_field(&field.name_str)),
                    }
                }
                _ => self.r.skip(header.ttype)?,
            }
            self.r.read_field_end()?;
        }
        self.r.read_struct_end()?;
        self.fill_absent(&obj, plan, &arrived)?;
        Ok(obj)
    }

    /// Gives every field that did not arrive its default (a fresh copy if mutable) or None. A
    /// union holds one field, so its defaults apply only when none arrived (as when the class is
    /// called without arguments).
    fn fill_absent(
        &self,
        obj: &Bound<'py, PyAny>,
        plan: &StructPlan,
        arrived: &[bool],
    ) -> Result<(), CodecError> {
        let is_present = |index: usize, field: &FieldPlan| match plan.layout {
            Layout::Slots => !slots::slot_is_empty(obj, field.offset),
            Layout::Attrs => arrived[index],
        };
        let union = plan.kind == Kind::Union;
        let present = if union {
            let fields = plan.fields.iter().enumerate();
            fields
                .filter(|(index, field)| is_present(*index, field))
                .count()
        } else {
            0
        };
        if union && present != 1 && self.strict {
            return Err(CodecError::invalid(format!(
                "union {} must have exactly one field set, but {present} arrived",
                plan.name
            )));
        }
        for (index, field) in plan.fields.iter().enumerate() {
            if is_present(index, field) {
                continue;
            }
            if field.required && self.strict {
                return Err(required_missing(plan, field));
            }
            let value = if present == 0 {
                defaults::value(self.py, field).map_err(|err| err.in_field(&field.name_str))?
            } else {
                self.py.None().into_bound(self.py)
            };
            slots::write(obj, plan.layout, field.offset, &field.name, value)?;
        }
        Ok(())
    }

    /// One value. Inlined into every loop that calls it, so that a scalar costs no call; the
    /// containers and nested structs are separate functions, which keeps this one small.
    #[inline(always)]
    pub fn decode_value(&mut self, ty: &TypePlan) -> Result<Bound<'py, PyAny>, CodecError> {
        let py = self.py;
        Ok(match ty {
            TypePlan::Bool => values::new_bool(py, self.r.read_bool()?),
            TypePlan::Byte => values::new_int(py, self.r.read_i8()?.into()),
            TypePlan::I16 => values::new_int(py, self.r.read_i16()?.into()),
            TypePlan::I32 => values::new_int(py, self.r.read_i32()?.into()),
            TypePlan::I64 => values::new_int(py, self.r.read_i64()?),
            TypePlan::Double => values::new_float(py, self.r.read_double()?),
            TypePlan::String => {
                let start = self.r.position();
                let bytes = self.r.read_string_bytes()?;
                values::new_str(py, &bytes, start)?
            }
            TypePlan::Binary => values::new_bytes(py, &self.r.read_binary()?),
            TypePlan::Uuid => values::new_uuid(py, self.r.read_uuid()?)?,
            TypePlan::Enum(plan) => {
                let value = self.r.read_i32()?;
                match plan.member(value) {
                    Some(member) => member.bind(py).clone(),
                    None => values::new_int(py, value.into()),
                }
            }
            TypePlan::Struct(nested) => self.decode_struct(nested.plan(py)?)?,
            TypePlan::List(element, form) => self.decode_list(element, *form)?,
            TypePlan::Set(element, form) => self.decode_set(element, *form)?,
            TypePlan::Map(entry, form) => self.decode_map(&entry.0, &entry.1, *form)?,
        })
    }

    /// A list, or a tuple in the hashable form.
    #[inline(never)]
    fn decode_list(
        &mut self,
        element: &TypePlan,
        form: Form,
    ) -> Result<Bound<'py, PyAny>, CodecError> {
        let header = self.r.read_list_begin()?;
        if header.len > 0 && header.element != element.ttype() {
            return self.skip_rest(Rest::List(header.element), header.len);
        }
        let len = header.len as ffi::Py_ssize_t;
        // SAFETY: both return a new sequence of `len` NULL items (or NULL on error); each item
        // is set exactly once below, and one dropped half-filled releases only the items set
        // (their deallocators skip NULLs).
        let list = unsafe {
            let ptr = match form {
                Form::Plain => ffi::PyList_New(len),
                Form::Hashable => ffi::PyTuple_New(len),
            };
            Bound::from_owned_ptr_or_err(self.py, ptr)?
        };
        for index in 0..header.len {
            match self.decode_value(element) {
                // SAFETY: `index` is in bounds and the slot is still NULL; the item's
                // reference is handed to the sequence.
                Ok(item) => unsafe {
                    let (seq, index, item) =
                        (list.as_ptr(), index as ffi::Py_ssize_t, item.into_ptr());
                    match form {
                        Form::Plain => ffi::PyList_SET_ITEM(seq, index, item),
                        Form::Hashable => ffi::PyTuple_SET_ITEM(seq, index, item),
                    }
                },
                Err(err) if err.is_mismatch() => {
                    return self.skip_rest(Rest::List(header.element), header.len - index - 1)
                }
                Err(err) => return Err(err.at_index(index)),
            }
        }
        self.r.read_list_end()?;
        Ok(list)
    }

    /// A set, or a frozenset in the hashable form.
    #[inline(never)]
    fn decode_set(
        &mut self,
        element: &TypePlan,
        form: Form,
    ) -> Result<Bound<'py, PyAny>, CodecError> {
        let header = self.r.read_set_begin()?;
        if header.len > 0 && header.element != element.ttype() {
            return self.skip_rest(Rest::Set(header.element), header.len);
        }
        // SAFETY: both return a new empty set or NULL with an error set.
        let set = unsafe {
            let ptr = match form {
                Form::Plain => ffi::PySet_New(ptr::null_mut()),
                Form::Hashable => ffi::PyFrozenSet_New(ptr::null_mut()),
            };
            Bound::from_owned_ptr_or_err(self.py, ptr)?
        };
        for index in 0..header.len {
            match self.decode_value(element) {
                // SAFETY: PySet_Add on a set, or on a frozenset no other code has seen yet
                // (which CPython allows, to fill it); it does not steal the item.
                Ok(item) => unsafe {
                    if ffi::PySet_Add(set.as_ptr(), item.as_ptr()) != 0 {
                        let err = PyErr::fetch(self.py);
                        return Err(CodecError::from(err).at_index(index));
                    }
                },
                Err(err) if err.is_mismatch() => {
                    return self.skip_rest(Rest::Set(header.element), header.len - index - 1)
                }
                Err(err) => return Err(err.at_index(index)),
            }
        }
        self.r.read_set_end()?;
        Ok(set.into_any())
    }

    /// A dict, or a `FrozenDict` in the hashable form.
    #[inline(never)]
    fn decode_map(
        &mut self,
        key_ty: &TypePlan,
        value_ty: &TypePlan,
        form: Form,
    ) -> Result<Bound<'py, PyAny>, CodecError> {
        let header = self.r.read_map_begin()?;
        if header.len > 0 && (header.key != key_ty.ttype() || header.value != value_ty.ttype()) {
            return self.skip_rest(Rest::Map(header.key, header.value), header.len);
        }
        let dict = match form {
            // SAFETY: both constructors return a new dict or NULL with an error set.
            Form::Plain => unsafe {
                let ptr = if header.len > PRESIZE_MAP_ABOVE {
                    _PyDict_NewPresized(header.len as ffi::Py_ssize_t)
                } else {
                    ffi::PyDict_New()
                };
                Bound::from_owned_ptr_or_err(self.py, ptr)?.cast_into_unchecked::<PyDict>()
            },
            // Filled with PyDict_SetItem, under the immutable class's `__setitem__`.
            Form::Hashable => values::new_frozen_dict(self.py)?,
        };
        for remaining in (0..header.len).rev() {
            let key = match key_ty {
                TypePlan::String => self.decode_key(),
                _ => self.decode_value(key_ty),
            };
            let key = match key {
                Ok(key) => key,
                Err(err) if err.is_mismatch() => {
                    self.r.skip(header.value)?;
                    return self.skip_rest(Rest::Map(header.key, header.value), remaining);
                }
                Err(err) => return Err(err.in_key()),
            };
            match self.decode_value(value_ty) {
                Ok(value) => dict
                    .set_item(&key, value)
                    .map_err(|err| CodecError::from(err).in_key())?,
                Err(err) if err.is_mismatch() => {
                    return self.skip_rest(Rest::Map(header.key, header.value), remaining)
                }
                Err(err) => return Err(err.in_value(&key)),
            }
        }
        self.r.read_map_end()?;
        Ok(dict.into_any())
    }

    /// A string map key, through the key cache.
    #[inline]
    fn decode_key(&mut self) -> Result<Bound<'py, PyAny>, CodecError> {
        let start = self.r.position();
        let bytes = self.r.read_string_bytes()?;
        self.keys.key(self.py, &bytes, start)
    }

    /// Skips the `count` elements (or entries) left in a container whose element types are not
    /// the declared ones, and ends the container: the enclosing field is dropped.
    #[cold]
    fn skip_rest(&mut self, rest: Rest, count: usize) -> Result<Bound<'py, PyAny>, CodecError> {
        for _ in 0..count {
            match rest {
                Rest::List(element) | Rest::Set(element) => self.r.skip(element)?,
                Rest::Map(key, value) => {
                    self.r.skip(key)?;
                    self.r.skip(value)?;
                }
            }
        }
        match rest {
            Rest::List(_) => self.r.read_list_end()?,
            Rest::Set(_) => self.r.read_set_end()?,
            Rest::Map(..) => self.r.read_map_end()?,
        }
        Err(CodecError::mismatch())
    }
}

/// The container `skip_rest` is in, with its wire element types.
#[derive(Clone, Copy)]
enum Rest {
    List(TType),
    Set(TType),
    Map(TType, TType),
}

#[cold]
fn required_missing(plan: &StructPlan, field: &FieldPlan) -> CodecError {
    CodecError::invalid(format!(
        "required field {}.{} is missing",
        plan.name, field.name_str
    ))
}
