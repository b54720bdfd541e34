//! The syntax tree of one Thrift file, as written: names are unresolved, spans point into the file.

use crate::source::Span;

/// A name as written, possibly dotted (`shared.SharedStruct`, `Color.RED`).
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// `(key = "value", flag)` after a type, field, function or definition.
#[derive(Clone, Debug, PartialEq)]
pub struct Annotation {
    pub key: String,
    pub value: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Document {
    pub headers: Vec<Header>,
    pub definitions: Vec<Definition>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Header {
    /// `include "shared.thrift"`; `path` is the literal's value, `span` covers the literal.
    Include { path: String, span: Span },
    /// `cpp_include "<map>"`.
    CppInclude { path: String, span: Span },
    /// `namespace py tutorial` / `namespace * tutorial`; `scope` is `*` for the wildcard.
    Namespace {
        scope: String,
        name: String,
        annotations: Vec<Annotation>,
        span: Span,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BaseType {
    Bool,
    /// `byte` and `i8` are the same wire type.
    I8,
    I16,
    I32,
    I64,
    Double,
    String,
    Binary,
    Uuid,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    Base(BaseType),
    List(Box<TypeRef>),
    Set(Box<TypeRef>),
    Map(Box<TypeRef>, Box<TypeRef>),
    /// A reference to a typedef, enum, struct, union or exception.
    Named(Ident),
}

#[derive(Clone, Debug, PartialEq)]
pub struct TypeRef {
    pub kind: TypeKind,
    /// `cpp_type "..."` on a container, kept for completeness.
    pub cpp_type: Option<String>,
    pub annotations: Vec<Annotation>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ConstValueKind {
    Bool(bool),
    Int(i64),
    Double(f64),
    String(String),
    /// A reference to a const or an enum value, possibly dotted.
    Ident(String),
    List(Vec<ConstValue>),
    Map(Vec<(ConstValue, ConstValue)>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ConstValue {
    pub kind: ConstValueKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Requiredness {
    Required,
    Optional,
    /// Neither keyword: "default" requiredness.
    Default,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The explicit id, `None` when the field has none (the resolver assigns a negative one).
    pub id: Option<i64>,
    /// Span of the id literal, or of the field start when there is none.
    pub id_span: Span,
    pub requiredness: Requiredness,
    /// Span of the `required`/`optional` keyword, when present.
    pub requiredness_span: Option<Span>,
    pub ty: TypeRef,
    pub name: Ident,
    pub default: Option<ConstValue>,
    /// The `&` marker (cpp reference); accepted and kept.
    pub reference: bool,
    pub annotations: Vec<Annotation>,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Const {
    pub ty: TypeRef,
    pub name: Ident,
    pub value: ConstValue,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Typedef {
    pub ty: TypeRef,
    pub name: Ident,
    pub annotations: Vec<Annotation>,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EnumValue {
    pub name: Ident,
    /// The explicit value and its literal's span.
    pub value: Option<(i64, Span)>,
    pub annotations: Vec<Annotation>,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Enum {
    pub name: Ident,
    pub values: Vec<EnumValue>,
    pub annotations: Vec<Annotation>,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StructKind {
    Struct,
    Union,
    Exception,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StructLike {
    pub kind: StructKind,
    pub name: Ident,
    pub fields: Vec<Field>,
    /// `xsd_all` was written after the name.
    pub xsd_all: bool,
    pub annotations: Vec<Annotation>,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    pub oneway: bool,
    /// Span of the `oneway` keyword, when present.
    pub oneway_span: Option<Span>,
    /// `None` for `void`.
    pub return_type: Option<TypeRef>,
    /// Span of the return type or of `void`.
    pub return_span: Span,
    pub name: Ident,
    pub params: Vec<Field>,
    pub throws: Vec<Field>,
    pub annotations: Vec<Annotation>,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Service {
    pub name: Ident,
    pub extends: Option<Ident>,
    pub functions: Vec<Function>,
    pub annotations: Vec<Annotation>,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Definition {
    Const(Const),
    Typedef(Typedef),
    Enum(Enum),
    Struct(StructLike),
    Service(Service),
}

impl Definition {
    pub fn name(&self) -> &Ident {
        match self {
            Definition::Const(d) => &d.name,
            Definition::Typedef(d) => &d.name,
            Definition::Enum(d) => &d.name,
            Definition::Struct(d) => &d.name,
            Definition::Service(d) => &d.name,
        }
    }
}
