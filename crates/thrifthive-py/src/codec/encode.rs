//! The encoder: one walk over an object guided by its class's plan, writing through any
//! `ProtocolWriter` (monomorphized per protocol). Field values are read straight from the
//! instance's slots; nothing is built in between.

use pyo3::exceptions::PyRuntimeError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyString, PyTuple};
use thrifthive_wire::{ProtocolWriter, WireError};

use super::error::CodecError;
use super::plan::{FieldPlan, Kind, StructPlan, StructRef, TypePlan};
use super::slots;
use super::values;

pub struct Encoder<'w, 'py, W> {
    py: Python<'py>,
    w: &'w mut W,
    /// Structs and containers entered, as the readers count them; bounded by `max_depth`, so a
    /// self-referencing object is an error rather than a stack overflow.
    depth: usize,
    max_depth: usize,
    /// Check required fields and unions. Off only when encoding a default value to copy it,
    /// which need not be a valid message on its own.
    validate: bool,
}

impl<'w, 'py, W: ProtocolWriter> Encoder<'w, 'py, W> {
    pub fn new(py: Python<'py>, w: &'w mut W, max_depth: usize, validate: bool) -> Self {
        Encoder {
            py,
            w,
            depth: 0,
            max_depth,
            validate,
        }
    }

    #[inline]
    fn enter(&mut self) -> Result<(), CodecError> {
        if self.depth >= self.max_depth {
            return Err(WireError::DepthLimit {
                limit: self.max_depth,
            }
            .into());
        }
        self.depth += 1;
        Ok(())
    }

    /// Writes `obj`, an instance of `plan`'s class or of a subclass.
    pub fn encode_struct(
        &mut self,
        obj: &Bound<'py, PyAny>,
        plan: &StructPlan,
    ) -> Result<(), CodecError> {
        self.enter()?;
        self.w.write_struct_begin();
        let mut written = 0;
        for field in plan.fields.iter() {
            let value = slots::read(obj, plan.layout, field.offset, &field.name)
                .map_err(|err| CodecError::from(err).in_field(&field.name_str))?;
            let Some(value) = value else {
                if field.required && self.validate {
                    return Err(required_unset(plan, field));
                }
                continue;
            };
            self.w.write_field_begin(field.ttype, field.id)?;
            self.encode_value(&value, &field.ty)
                .map_err(|err| err.in_field(&field.name_str))?;
            self.w.write_field_end();
            written += 1;
        }
        if plan.kind == Kind::Union && written != 1 && self.validate {
            return Err(union_arity(obj, plan));
        }
        self.w.write_field_stop();
        self.w.write_struct_end();
        self.depth -= 1;
        Ok(())
    }

    /// Writes a struct of `plan`'s class with at most one field set, from the value alone (no
    /// instance to read it from): a result struct holding a return value or an exception.
    pub fn encode_one_field(
        &mut self,
        field: Option<(&FieldPlan, &Bound<'py, PyAny>)>,
    ) -> Result<(), CodecError> {
        self.enter()?;
        self.w.write_struct_begin();
        if let Some((field, value)) = field {
            self.w.write_field_begin(field.ttype, field.id)?;
            self.encode_value(value, &field.ty)
                .map_err(|err| err.in_field(&field.name_str))?;
            self.w.write_field_end();
        }
        self.w.write_field_stop();
        self.w.write_struct_end();
        self.depth -= 1;
        Ok(())
    }

    /// One value. Inlined into every loop that calls it, so that a scalar costs no call; the
    /// containers and nested structs are separate functions, which keeps this one small.
    #[inline(always)]
    pub fn encode_value(
        &mut self,
        value: &Bound<'py, PyAny>,
        ty: &TypePlan,
    ) -> Result<(), CodecError> {
        match ty {
            TypePlan::Bool => self.w.write_bool(values::to_bool(value)?),
            TypePlan::Byte => self.w.write_i8(values::to_int(value, "byte")?),
            TypePlan::I16 => self.w.write_i16(values::to_int(value, "i16")?),
            // An IntEnum member is an int; so is an unknown enum value decoded earlier.
            TypePlan::I32 | TypePlan::Enum(_) => self.w.write_i32(values::to_int(value, "i32")?),
            TypePlan::I64 => self.w.write_i64(values::to_int(value, "i64")?),
            TypePlan::Double => self.w.write_double(values::to_double(value)?),
            TypePlan::String => self.w.write_string(values::to_str(value)?)?,
            TypePlan::Binary => values::with_bytes(value, |bytes| self.w.write_binary(bytes))??,
            TypePlan::Uuid => self.w.write_uuid(values::to_uuid(value)?),
            TypePlan::Struct(nested) => self.encode_nested(value, nested)?,
            TypePlan::List(element, _) => self.encode_list(value, element)?,
            TypePlan::Set(element, _) => self.encode_set(value, element)?,
            TypePlan::Map(entry, _) => self.encode_map(value, &entry.0, &entry.1)?,
        }
        Ok(())
    }

    /// A struct inside another value.
    #[inline(never)]
    fn encode_nested(
        &mut self,
        value: &Bound<'py, PyAny>,
        nested: &StructRef,
    ) -> Result<(), CodecError> {
        let plan = nested.plan(self.py)?;
        // A real subtype check (not isinstance, which a class can fake): slot offsets are only
        // valid in instances of the class and its subclasses.
        // SAFETY: both are valid type objects.
        let ok = unsafe {
            let ty = ffi::Py_TYPE(value.as_ptr());
            ty == plan.cls.as_ptr().cast()
                || ffi::PyType_IsSubtype(ty, plan.cls.as_ptr().cast()) != 0
        };
        if !ok {
            return Err(CodecError::wrong_type(plan.name.clone(), value));
        }
        self.encode_struct(value, plan)
    }

    /// A list, a tuple, or any other sequence except text and bytes.
    #[inline(never)]
    fn encode_list(
        &mut self,
        value: &Bound<'py, PyAny>,
        element: &TypePlan,
    ) -> Result<(), CodecError> {
        if let Ok(list) = value.cast::<PyList>() {
            // Owned items, fetched by index: Python code run by an element's encoding may
            // change the list; a list that shrinks is an error, never a bad read.
            let item = |index| list.get_item(index).map_err(|_| changed_size("list"));
            return self.encode_items(list.len(), element, item);
        }
        let tuple = match value.cast::<PyTuple>() {
            Ok(tuple) => tuple.clone(),
            Err(_) if is_sequence(value) => {
                // SAFETY: PySequence_Tuple returns a new reference or NULL with an error set.
                unsafe {
                    Bound::from_owned_ptr_or_err(self.py, ffi::PySequence_Tuple(value.as_ptr()))?
                        .cast_into_unchecked::<PyTuple>()
                }
            }
            Err(_) => return Err(CodecError::wrong_type("list", value)),
        };
        let item = |index| Ok(tuple.get_borrowed_item(index)?.to_owned());
        self.encode_items(tuple.len(), element, item)
    }

    /// The list header and `len` elements, the one at `index` being `item(index)`.
    #[inline(always)]
    fn encode_items(
        &mut self,
        len: usize,
        element: &TypePlan,
        mut item: impl FnMut(usize) -> Result<Bound<'py, PyAny>, CodecError>,
    ) -> Result<(), CodecError> {
        self.enter()?;
        self.w.write_list_begin(element.ttype(), len)?;
        for index in 0..len {
            self.encode_value(&item(index)?, element)
                .map_err(|err| err.at_index(index))?;
        }
        self.w.write_list_end();
        self.depth -= 1;
        Ok(())
    }

    /// A set or frozenset.
    #[inline(never)]
    fn encode_set(
        &mut self,
        value: &Bound<'py, PyAny>,
        element: &TypePlan,
    ) -> Result<(), CodecError> {
        // SAFETY: type checks and the size of a set, on a live object.
        let len = unsafe {
            if ffi::PyAnySet_Check(value.as_ptr()) == 0 {
                return Err(CodecError::wrong_type("set", value));
            }
            ffi::PySet_Size(value.as_ptr()) as usize
        };
        self.enter()?;
        self.w.write_set_begin(element.ttype(), len)?;
        let mut count = 0;
        // The set iterator raises RuntimeError if the set changes size meanwhile.
        for item in value.try_iter()? {
            if count == len {
                return Err(changed_size("set"));
            }
            self.encode_value(&item?, element)
                .map_err(|err| err.at_index(count))?;
            count += 1;
        }
        if count != len {
            return Err(changed_size("set"));
        }
        self.w.write_set_end();
        self.depth -= 1;
        Ok(())
    }

    #[inline(never)]
    fn encode_map(
        &mut self,
        value: &Bound<'py, PyAny>,
        key_ty: &TypePlan,
        value_ty: &TypePlan,
    ) -> Result<(), CodecError> {
        let Ok(dict) = value.cast::<PyDict>() else {
            return Err(CodecError::wrong_type("dict", value));
        };
        let len = dict.len();
        self.enter()?;
        self.w
            .write_map_begin(key_ty.ttype(), value_ty.ttype(), len)?;
        let mut position: ffi::Py_ssize_t = 0;
        let mut count = 0;
        loop {
            let mut key = std::ptr::null_mut();
            let mut item = std::ptr::null_mut();
            // SAFETY: PyDict_Next on a live dict, with its own position counter; it hands out
            // borrowed references, which we turn into owned ones before any Python code can
            // run and change the dict.
            let (key, item) = unsafe {
                if ffi::PyDict_Next(dict.as_ptr(), &mut position, &mut key, &mut item) == 0 {
                    break;
                }
                (
                    Bound::from_borrowed_ptr(self.py, key),
                    Bound::from_borrowed_ptr(self.py, item),
                )
            };
            if count == len || dict.len() != len {
                return Err(changed_size("dict"));
            }
            self.encode_value(&key, key_ty)
                .map_err(CodecError::in_key)?;
            self.encode_value(&item, value_ty)
                .map_err(|err| err.in_value(&key))?;
            count += 1;
        }
        if count != len {
            return Err(changed_size("dict"));
        }
        self.w.write_map_end();
        self.depth -= 1;
        Ok(())
    }
}

/// Whether a list field may take `value` as a generic sequence: text and bytes are sequences
/// too, but never meant as a list.
fn is_sequence(value: &Bound<'_, PyAny>) -> bool {
    let text_or_bytes = value.is_instance_of::<PyString>()
        || value.is_instance_of::<PyBytes>()
        || value.is_instance_of::<PyByteArray>();
    // SAFETY: PySequence_Check only inspects the type's slots.
    !text_or_bytes && unsafe { ffi::PySequence_Check(value.as_ptr()) } != 0
}

#[cold]
fn changed_size(what: &str) -> CodecError {
    PyRuntimeError::new_err(format!("{what} changed size during encoding")).into()
}

#[cold]
fn required_unset(plan: &StructPlan, field: &FieldPlan) -> CodecError {
    CodecError::invalid(format!(
        "required field {}.{} is unset",
        plan.name, field.name_str
    ))
}

#[cold]
fn union_arity(obj: &Bound<'_, PyAny>, plan: &StructPlan) -> CodecError {
    let set: Vec<&str> = plan
        .fields
        .iter()
        .filter(|field| {
            matches!(
                slots::read(obj, plan.layout, field.offset, &field.name),
                Ok(Some(_))
            )
        })
        .map(|field| field.name_str.as_str())
        .collect();
    let detail = if set.is_empty() {
        "none is".to_owned()
    } else {
        format!("{} are ({})", set.len(), set.join(", "))
    };
    CodecError::invalid(format!(
        "union {} must have exactly one field set, but {detail}",
        plan.name
    ))
}
