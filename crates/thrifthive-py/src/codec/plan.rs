//! Type plans: what the codec knows about a class, compiled once from its `__thrift_spec__`
//! (see `python/thrifthive/_spec.py`) and cached in the class's own `__dict__`.
//!
//! A plan holds everything the walkers need without asking Python: field ids and wire types,
//! slot offsets, interned names, enum members by value, defaults and their "copy on use" flag.
//! Nested structs are referred to by class and resolved to their plan on first use, so
//! recursive types compile without recursion. A plan object references its class and the class
//! references the plan (through its `__dict__`); the plan reports its references to the garbage
//! collector, which breaks such cycles by clearing the class.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::types::{PyString, PyType};
use pyo3::{ffi, intern, PyTraverseError};
use thrifthive_wire::TType;

use super::compile::compile;
use super::slots::Layout;

/// Output buffers start at least this large.
const MIN_OUTPUT_CAPACITY: usize = 64;
/// One huge message must not make every later buffer of its class huge.
const MAX_SIZE_HINT: usize = 4 << 20;

/// A struct, union or exception class's plan.
pub struct StructPlan {
    pub cls: Py<PyType>,
    /// The class's `__qualname__`, for messages.
    pub name: String,
    pub kind: Kind,
    pub layout: Layout,
    /// Sorted by field id, the order Apache's libraries write fields in.
    pub fields: Box<[FieldPlan]>,
    pub(super) index: FieldIndex,
    /// The size of the last encoding of this class at the top level: the next one's output
    /// buffer is allocated at about that size, so it does not grow (and copy) as it fills.
    pub(super) size_hint: AtomicUsize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Struct,
    Union,
    /// An exception class: instances are made with the type's `tp_new`, which sets up
    /// `BaseException`'s own state.
    Exception,
}

pub struct FieldPlan {
    pub id: i16,
    pub ttype: TType,
    pub required: bool,
    /// The slot's offset in `Layout::Slots`; unused otherwise.
    pub offset: isize,
    pub ty: TypePlan,
    pub name: Py<PyString>,
    pub name_str: String,
    pub default: FieldDefault,
}

/// What an absent field gets on decode.
pub enum FieldDefault {
    None,
    /// An immutable value (number, str, bytes, enum member, uuid): shared by every instance.
    Shared(Py<PyAny>),
    /// A container or struct: every instance gets its own copy, decoded from the default's
    /// encoding (made on first use) so that the copy is exactly what decoding would produce.
    Fresh {
        value: Py<PyAny>,
        encoded: OnceLock<Box<[u8]>>,
    },
}

/// A field's or element's type. Sixteen bytes: the common cases carry no payload.
pub enum TypePlan {
    Bool,
    Byte,
    I16,
    I32,
    I64,
    Double,
    String,
    Binary,
    Uuid,
    Enum(Box<EnumPlan>),
    Struct(Box<StructRef>),
    List(Box<TypePlan>, Form),
    Set(Box<TypePlan>, Form),
    Map(Box<(TypePlan, TypePlan)>, Form),
}

/// The Python form a container decodes to. Set elements and map keys must be hashable, and so
/// must everything inside them: there a list decodes to a tuple, a set to a frozenset and a map
/// to a `thrifthive.codec.FrozenDict`, as Apache's generated code does for `python.immutable`
/// containers. Encoding takes either form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Plain,
    Hashable,
}

/// An enum's members by value, sorted; `contiguous` when the values are `first, first+1, ...`,
/// the usual case, which is then a direct index.
pub struct EnumPlan {
    pub members: Box<[(i32, Py<PyAny>)]>,
    pub contiguous: bool,
}

/// A nested struct type: its class, and its plan once resolved.
pub struct StructRef {
    pub cls: Py<PyType>,
    plan: OnceLock<Py<PlanObject>>,
}

/// How a field id read from the wire finds its field.
pub(super) enum FieldIndex {
    /// Position + 1 by id, 0 for an unknown id; for ids from 0 to a small maximum.
    Dense(Box<[u16]>),
    /// Binary search over the fields, for negative or far-apart ids.
    Sorted,
}

/// The Python object a plan lives in, stored on the class as `__thrift_plan__`.
#[pyclass(frozen, module = "thrifthive._native", name = "StructPlan")]
pub struct PlanObject {
    pub plan: StructPlan,
}

#[pymethods]
impl PlanObject {
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        self.plan.traverse(&visit)
    }

    fn __repr__(&self) -> String {
        format!("<thrifthive plan for {}>", self.plan.name)
    }
}

/// The plan of `cls`, compiled on first use and then kept in the class's `__dict__` (its own,
/// not inherited: a subclass gets a plan of its own).
pub fn plan_of<'py>(cls: &Bound<'py, PyType>) -> PyResult<Bound<'py, PlanObject>> {
    let py = cls.py();
    let key = intern!(py, "__thrift_plan__");
    // SAFETY: a type's `tp_dict` is a dict (or NULL before the type is ready);
    // PyDict_GetItemWithError returns a borrowed reference, or NULL with or without an error.
    let cached = unsafe {
        let dict = (*cls.as_type_ptr()).tp_dict;
        if dict.is_null() {
            None
        } else {
            Bound::from_borrowed_ptr_or_opt(py, ffi::PyDict_GetItemWithError(dict, key.as_ptr()))
        }
    };
    if let Some(found) = cached {
        if let Ok(plan) = found.cast_into::<PlanObject>() {
            return Ok(plan);
        }
    } else if let Some(err) = PyErr::take(py) {
        return Err(err);
    }
    let plan = Bound::new(
        py,
        PlanObject {
            plan: compile(cls)?,
        },
    )?;
    cls.setattr(key, &plan)?;
    Ok(plan)
}

impl StructPlan {
    /// The position of the field with `id`; `hint` is where it is when fields arrive in order.
    #[inline]
    pub fn find(&self, id: i16, hint: usize) -> Option<usize> {
        if let Some(field) = self.fields.get(hint) {
            if field.id == id {
                return Some(hint);
            }
        }
        match &self.index {
            FieldIndex::Dense(table) => {
                let position = *table.get(usize::try_from(id).ok()?)?;
                (position != 0).then(|| usize::from(position) - 1)
            }
            FieldIndex::Sorted => self.fields.binary_search_by_key(&id, |f| f.id).ok(),
        }
    }

    /// An empty output buffer for encoding an instance at the top level.
    pub fn output_buffer(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.reserve_output(&mut out);
        out
    }

    /// Makes room in `out` for an encoding of an instance at the top level, appended.
    pub fn reserve_output(&self, out: &mut Vec<u8>) {
        let hint = self.size_hint.load(Ordering::Relaxed);
        out.reserve(hint + hint / 8 + MIN_OUTPUT_CAPACITY);
    }

    /// Records the size of an encoding made with `output_buffer` or `reserve_output`.
    pub fn remember_size(&self, len: usize) {
        self.size_hint
            .store(len.min(MAX_SIZE_HINT), Ordering::Relaxed);
    }

    fn traverse(&self, visit: &PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.cls)?;
        for field in self.fields.iter() {
            visit.call(&field.name)?;
            match &field.default {
                FieldDefault::None => {}
                FieldDefault::Shared(value) | FieldDefault::Fresh { value, .. } => {
                    visit.call(value)?
                }
            }
            field.ty.traverse(visit)?;
        }
        Ok(())
    }
}

impl TypePlan {
    /// The wire type values of this type are written with.
    #[inline]
    pub fn ttype(&self) -> TType {
        match self {
            TypePlan::Bool => TType::Bool,
            TypePlan::Byte => TType::I8,
            TypePlan::I16 => TType::I16,
            TypePlan::I32 | TypePlan::Enum(_) => TType::I32,
            TypePlan::I64 => TType::I64,
            TypePlan::Double => TType::Double,
            TypePlan::String | TypePlan::Binary => TType::String,
            TypePlan::Uuid => TType::Uuid,
            TypePlan::Struct(_) => TType::Struct,
            TypePlan::List(..) => TType::List,
            TypePlan::Set(..) => TType::Set,
            TypePlan::Map(..) => TType::Map,
        }
    }

    /// Whether values of this type are mutable, so that a default must be copied per instance.
    pub fn is_mutable(&self) -> bool {
        matches!(
            self,
            TypePlan::Struct(_) | TypePlan::List(..) | TypePlan::Set(..) | TypePlan::Map(..)
        )
    }

    fn traverse(&self, visit: &PyVisit<'_>) -> Result<(), PyTraverseError> {
        match self {
            TypePlan::Enum(plan) => {
                for (_, member) in plan.members.iter() {
                    visit.call(member)?;
                }
                Ok(())
            }
            TypePlan::Struct(nested) => {
                visit.call(&nested.cls)?;
                visit.call(nested.plan.get())
            }
            TypePlan::List(element, _) | TypePlan::Set(element, _) => element.traverse(visit),
            TypePlan::Map(entry, _) => {
                entry.0.traverse(visit)?;
                entry.1.traverse(visit)
            }
            _ => Ok(()),
        }
    }
}

impl EnumPlan {
    /// The member with `value`, if there is one.
    #[inline]
    pub fn member(&self, value: i32) -> Option<&Py<PyAny>> {
        if self.contiguous {
            let first = self.members.first()?.0;
            let index = usize::try_from(i64::from(value) - i64::from(first)).ok()?;
            return self.members.get(index).map(|(_, member)| member);
        }
        let index = self
            .members
            .binary_search_by_key(&value, |(v, _)| *v)
            .ok()?;
        Some(&self.members[index].1)
    }
}

impl StructRef {
    pub fn new(cls: Py<PyType>) -> StructRef {
        StructRef {
            cls,
            plan: OnceLock::new(),
        }
    }

    /// The nested class's plan.
    #[inline]
    pub fn plan(&self, py: Python<'_>) -> PyResult<&StructPlan> {
        match self.plan.get() {
            Some(plan) => Ok(&plan.get().plan),
            None => self.resolve(py),
        }
    }

    #[cold]
    fn resolve(&self, py: Python<'_>) -> PyResult<&StructPlan> {
        let plan = plan_of(self.cls.bind(py))?.unbind();
        // Another thread may have resolved it meanwhile; either plan will do.
        let _ = self.plan.set(plan);
        let plan = self.plan.get().expect("set above");
        Ok(&plan.get().plan)
    }
}
