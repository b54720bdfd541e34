//! The resolved IR that later stages consume: every type reference bound to its definition,
//! typedefs expanded, constants evaluated and coerced to their types. Serializable as JSON.

use serde::Serialize;
use std::collections::BTreeMap;

pub use crate::ast::{Requiredness, StructKind};

/// A definition in a file: `files[file].structs[index]`, `.enums[index]` or `.services[index]`,
/// depending on where the reference appears.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct DefRef {
    pub file: u32,
    pub index: u32,
}

/// A fully resolved type. Typedefs are expanded; what remains names enums and structs
/// (struct, union or exception) by [`DefRef`].
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Ty {
    Bool,
    Byte,
    I16,
    I32,
    I64,
    Double,
    String,
    Binary,
    Uuid,
    List { elem: Box<Ty> },
    Set { elem: Box<Ty> },
    Map { key: Box<Ty>, value: Box<Ty> },
    Enum { def: DefRef },
    Struct { def: DefRef },
}

/// A constant value, already checked against and coerced to its type: an enum value is an
/// `Int`, a double written as an integer is a `Double`, a struct written as a map is a `Struct`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "lowercase")]
pub enum Value {
    Bool(bool),
    Int(i64),
    Double(f64),
    String(String),
    List(Vec<Value>),
    Set(Vec<Value>),
    Map(Vec<(Value, Value)>),
    Struct(Vec<FieldValue>),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldValue {
    pub id: i16,
    pub name: String,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Annotation {
    pub key: String,
    pub value: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Field {
    pub id: i16,
    pub name: String,
    pub ty: Ty,
    #[serde(serialize_with = "serialize_requiredness")]
    pub requiredness: Requiredness,
    pub default: Option<Value>,
    pub reference: bool,
    pub annotations: Vec<Annotation>,
    pub doc: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Struct {
    pub name: String,
    #[serde(serialize_with = "serialize_struct_kind")]
    pub kind: StructKind,
    pub fields: Vec<Field>,
    pub annotations: Vec<Annotation>,
    pub doc: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EnumValue {
    pub name: String,
    pub value: i32,
    pub annotations: Vec<Annotation>,
    pub doc: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Enum {
    pub name: String,
    pub values: Vec<EnumValue>,
    pub annotations: Vec<Annotation>,
    pub doc: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Typedef {
    pub name: String,
    pub target: Ty,
    pub annotations: Vec<Annotation>,
    pub doc: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Const {
    pub name: String,
    pub ty: Ty,
    pub value: Value,
    pub doc: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Function {
    pub name: String,
    pub oneway: bool,
    /// `None` for `void`.
    pub return_type: Option<Ty>,
    pub params: Vec<Field>,
    pub throws: Vec<Field>,
    pub annotations: Vec<Annotation>,
    pub doc: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Service {
    pub name: String,
    /// The parent service, an index into `files[file].services`.
    pub extends: Option<DefRef>,
    pub functions: Vec<Function>,
    pub annotations: Vec<Annotation>,
    pub doc: Option<String>,
}

/// One IDL file after resolution. Definitions are kept per kind, each in source order.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct File {
    /// The path the file was read from.
    pub path: String,
    /// The file's base name without `.thrift`: the prefix other files use to refer into it.
    pub module: String,
    pub namespaces: BTreeMap<String, String>,
    /// Indexes into [`Program::files`] of the files this one includes, in order.
    pub includes: Vec<u32>,
    pub cpp_includes: Vec<String>,
    pub typedefs: Vec<Typedef>,
    pub enums: Vec<Enum>,
    pub structs: Vec<Struct>,
    pub consts: Vec<Const>,
    pub services: Vec<Service>,
}

/// Every file reached from the root file through includes; `files[root]` is the one compiled.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Program {
    pub root: u32,
    pub files: Vec<File>,
}

impl Program {
    pub fn root_file(&self) -> &File {
        &self.files[self.root as usize]
    }

    pub fn service(&self, def: DefRef) -> &Service {
        &self.files[def.file as usize].services[def.index as usize]
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("the IR holds only JSON-representable values")
    }
}

fn serialize_requiredness<S: serde::Serializer>(r: &Requiredness, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(match r {
        Requiredness::Required => "required",
        Requiredness::Optional => "optional",
        Requiredness::Default => "default",
    })
}

fn serialize_struct_kind<S: serde::Serializer>(k: &StructKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(match k {
        StructKind::Struct => "struct",
        StructKind::Union => "union",
        StructKind::Exception => "exception",
    })
}
