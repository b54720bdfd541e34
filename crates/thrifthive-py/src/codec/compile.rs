//! Compiling a class's `__thrift_kind__` and `__thrift_spec__` (`python/thrifthive/_spec.py`)
//! into its plan. A malformed spec is a TypeError naming the class and the field.

use std::sync::atomic::AtomicUsize;
use std::sync::OnceLock;

use pyo3::exceptions::{PyBaseException, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple, PyType};

use super::plan::{
    EnumPlan, FieldDefault, FieldIndex, FieldPlan, Form, Kind, StructPlan, StructRef, TypePlan,
};
use super::slots::{slot_offset, Layout};

/// `_spec.REQUIRED`.
const REQUIRED: i64 = 1;

/// Dense field tables are used up to this id (or four slots per field, if more).
const DENSE_MAX_ID: usize = 255;

pub fn compile(cls: &Bound<'_, PyType>) -> PyResult<StructPlan> {
    let name = cls.qualname()?.to_string();
    let kind_attr = cls.getattr_opt("__thrift_kind__")?;
    let spec_attr = cls.getattr_opt("__thrift_spec__")?;
    let (Some(kind_attr), Some(spec_attr)) = (kind_attr, spec_attr) else {
        return Err(PyTypeError::new_err(format!(
            "{name} is not a Thrift struct, union or exception: it has no __thrift_kind__ and \
             __thrift_spec__ (classes made by thrifthive.load have them)"
        )));
    };
    let kind = compile_kind(cls, &name, &kind_attr)?;

    let mut fields = Vec::new();
    for entry in spec_attr.try_iter()? {
        fields.push(compile_field(cls, &name, &entry?)?);
    }
    fields.sort_by_key(|field| field.id);
    if let Some(pair) = fields.windows(2).find(|pair| pair[0].id == pair[1].id) {
        return Err(PyTypeError::new_err(format!(
            "bad __thrift_spec__ for {name}: fields {} and {} share the id {}",
            pair[0].name_str, pair[1].name_str, pair[0].id
        )));
    }

    // The fast path only when every field is a slot; otherwise every field goes through
    // getattr and setattr.
    let offsets: Option<Vec<isize>> = fields
        .iter()
        .map(|field| slot_offset(cls, field.name.bind(cls.py())))
        .collect();
    let layout = match offsets {
        Some(offsets) => {
            for (field, offset) in fields.iter_mut().zip(offsets) {
                field.offset = offset;
            }
            Layout::Slots
        }
        None => Layout::Attrs,
    };

    let index = field_index(&fields);
    Ok(StructPlan {
        cls: cls.clone().unbind(),
        name,
        kind,
        layout,
        fields: fields.into_boxed_slice(),
        index,
        size_hint: AtomicUsize::new(0),
    })
}

fn compile_kind(cls: &Bound<'_, PyType>, name: &str, kind: &Bound<'_, PyAny>) -> PyResult<Kind> {
    let is_exception = cls.is_subclass_of::<PyBaseException>()?;
    let kind = match (kind.extract::<&str>().ok(), is_exception) {
        (Some("struct"), false) => Kind::Struct,
        (Some("union"), false) => Kind::Union,
        (Some("exception"), true) => Kind::Exception,
        (Some("exception"), false) => {
            return Err(PyTypeError::new_err(format!(
                "{name} has __thrift_kind__ \"exception\" but is not an exception class"
            )))
        }
        (Some("struct" | "union"), true) => {
            return Err(PyTypeError::new_err(format!(
                "{name} is an exception class, so its __thrift_kind__ must be \"exception\""
            )))
        }
        _ => {
            return Err(PyTypeError::new_err(format!(
                "{name}.__thrift_kind__ must be \"struct\", \"union\" or \"exception\", got {}",
                kind.repr()?
            )))
        }
    };
    Ok(kind)
}

fn compile_field(
    cls: &Bound<'_, PyType>,
    class_name: &str,
    entry: &Bound<'_, PyAny>,
) -> PyResult<FieldPlan> {
    let py = cls.py();
    let bad = |what: String| PyTypeError::new_err(format!("bad __thrift_spec__ for {what}"));
    let entry = entry
        .cast::<PyTuple>()
        .ok()
        .filter(|e| e.len() == 5)
        .ok_or_else(|| {
            bad(format!(
                "{class_name}: each field must be a tuple (id, name, type_spec, requiredness, \
             default), got {}",
                entry.repr().map_or_else(|_| "?".into(), |r| r.to_string())
            ))
        })?;
    let name_str: String = entry
        .get_item(1)?
        .extract()
        .map_err(|_| bad(format!("{class_name}: a field name is not a str")))?;
    let here = format!("{class_name}.{name_str}");
    let id: i16 = entry.get_item(0)?.extract().map_err(|_| {
        bad(format!(
            "{here}: the field id must be an int from -32768 to 32767"
        ))
    })?;
    let ty = compile_type(&entry.get_item(2)?, Form::Plain)
        .map_err(|problem| bad(format!("{here}: {problem}")))?;
    let required = entry.get_item(3)?.extract::<i64>().ok() == Some(REQUIRED);
    let default = entry.get_item(4)?;
    let default = if default.is_none() {
        FieldDefault::None
    } else if ty.is_mutable() {
        FieldDefault::Fresh {
            value: default.unbind(),
            encoded: OnceLock::new(),
        }
    } else {
        FieldDefault::Shared(default.unbind())
    };
    Ok(FieldPlan {
        id,
        ttype: ty.ttype(),
        required,
        offset: 0,
        ty,
        name: PyString::intern(py, &name_str).unbind(),
        name_str,
        default,
    })
}

/// A type spec's plan, or what is wrong with it. `form` is the form containers decode to:
/// hashable in set elements and map keys and everything inside them (but a struct's own fields
/// start plain again).
fn compile_type(spec: &Bound<'_, PyAny>, form: Form) -> Result<TypePlan, String> {
    let describe = || spec.repr().map_or_else(|_| "?".into(), |r| r.to_string());
    let spec = spec
        .cast::<PyTuple>()
        .map_err(|_| format!("a type spec must be a tuple, got {}", describe()))?;
    let tag = spec.get_item(0).ok();
    let tag = tag.as_ref().and_then(|tag| tag.extract::<&str>().ok());
    let arg = |index: usize| {
        spec.get_item(index)
            .map_err(|_| format!("type spec {} lacks an argument", describe()))
    };
    let class_arg = |what: &str| {
        arg(1)?
            .cast_into::<PyType>()
            .map_err(|_| format!("type spec {}: the {what} must be a class", describe()))
    };
    let sub = |index: usize, form: Form| arg(index).and_then(|spec| compile_type(&spec, form));
    Ok(match tag {
        Some("bool") => TypePlan::Bool,
        Some("byte") => TypePlan::Byte,
        Some("i16") => TypePlan::I16,
        Some("i32") => TypePlan::I32,
        Some("i64") => TypePlan::I64,
        Some("double") => TypePlan::Double,
        Some("string") => TypePlan::String,
        Some("binary") => TypePlan::Binary,
        Some("uuid") => TypePlan::Uuid,
        Some("list") => TypePlan::List(Box::new(sub(1, form)?), form),
        Some("set") => TypePlan::Set(Box::new(sub(1, Form::Hashable)?), form),
        Some("map") => {
            let entry = (sub(1, Form::Hashable)?, sub(2, form)?);
            TypePlan::Map(Box::new(entry), form)
        }
        Some("enum") => TypePlan::Enum(Box::new(compile_enum(class_arg("enum")?)?)),
        Some("struct") => TypePlan::Struct(Box::new(StructRef::new(class_arg("struct")?.unbind()))),
        _ => return Err(format!("unknown type spec {}", describe())),
    })
}

fn compile_enum(cls: Bound<'_, PyType>) -> Result<EnumPlan, String> {
    let name = cls
        .qualname()
        .map_or_else(|_| "?".into(), |n| n.to_string());
    let map = cls
        .getattr("_value2member_map_")
        .ok()
        .and_then(|map| map.cast_into::<PyDict>().ok())
        .ok_or_else(|| format!("{name} is not an enum class"))?;
    // Values outside i32 can never arrive on the wire.
    let mut members: Vec<(i32, Py<PyAny>)> = map
        .iter()
        .filter_map(|(value, member)| Some((value.extract::<i32>().ok()?, member.unbind())))
        .collect();
    members.sort_by_key(|(value, _)| *value);
    let contiguous = members
        .windows(2)
        .all(|pair| i64::from(pair[1].0) - i64::from(pair[0].0) == 1);
    Ok(EnumPlan {
        members: members.into_boxed_slice(),
        contiguous,
    })
}

fn field_index(fields: &[FieldPlan]) -> FieldIndex {
    let max_id = fields.last().map_or(0, |field| field.id);
    let dense = fields.first().is_none_or(|field| field.id >= 0)
        && usize::try_from(max_id)
            .is_ok_and(|max| max <= DENSE_MAX_ID.max(4 * fields.len()) && fields.len() < 0xffff);
    if !dense {
        return FieldIndex::Sorted;
    }
    let mut table = vec![0u16; max_id as usize + 1];
    for (position, field) in fields.iter().enumerate() {
        table[field.id as usize] = position as u16 + 1;
    }
    FieldIndex::Dense(table.into_boxed_slice())
}
