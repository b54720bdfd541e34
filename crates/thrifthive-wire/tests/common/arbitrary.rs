//! proptest strategies for arbitrary Thrift values: a random schema first, then values of it,
//! so containers hold elements of one type and struct field ids are unique, as in real data.

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use thrifthive_wire::TType;

use super::Value;

#[derive(Debug, Clone)]
pub enum Schema {
    Bool,
    I8,
    I16,
    I32,
    I64,
    Double,
    String,
    Binary,
    Uuid,
    Struct(Vec<(i16, Schema)>),
    List(Box<Schema>),
    Set(Box<Schema>),
    Map(Box<Schema>, Box<Schema>),
}

impl Schema {
    fn ttype(&self) -> TType {
        match self {
            Schema::Bool => TType::Bool,
            Schema::I8 => TType::I8,
            Schema::I16 => TType::I16,
            Schema::I32 => TType::I32,
            Schema::I64 => TType::I64,
            Schema::Double => TType::Double,
            Schema::String | Schema::Binary => TType::String,
            Schema::Uuid => TType::Uuid,
            Schema::Struct(_) => TType::Struct,
            Schema::List(_) => TType::List,
            Schema::Set(_) => TType::Set,
            Schema::Map(..) => TType::Map,
        }
    }
}

fn fields(inner: impl Strategy<Value = Schema>) -> impl Strategy<Value = Schema> {
    btree_map(any::<i16>(), inner, 0..6)
        .prop_map(|fields| Schema::Struct(fields.into_iter().collect()))
}

pub fn schema() -> impl Strategy<Value = Schema> {
    let leaf = prop_oneof![
        Just(Schema::Bool),
        Just(Schema::I8),
        Just(Schema::I16),
        Just(Schema::I32),
        Just(Schema::I64),
        Just(Schema::Double),
        Just(Schema::String),
        Just(Schema::Binary),
        Just(Schema::Uuid),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            fields(inner.clone()),
            inner
                .clone()
                .prop_map(|element| Schema::List(Box::new(element))),
            inner
                .clone()
                .prop_map(|element| Schema::Set(Box::new(element))),
            (inner.clone(), inner).prop_map(|(k, v)| Schema::Map(Box::new(k), Box::new(v))),
        ]
    })
}

pub fn value_of(schema: &Schema) -> BoxedStrategy<Value> {
    match schema {
        Schema::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        Schema::I8 => any::<i8>().prop_map(Value::I8).boxed(),
        Schema::I16 => any::<i16>().prop_map(Value::I16).boxed(),
        Schema::I32 => any::<i32>().prop_map(Value::I32).boxed(),
        Schema::I64 => any::<i64>().prop_map(Value::I64).boxed(),
        Schema::Double => any::<f64>().prop_map(Value::Double).boxed(),
        Schema::String => any::<String>().prop_map(Value::String).boxed(),
        Schema::Binary => vec(any::<u8>(), 0..40).prop_map(Value::Binary).boxed(),
        Schema::Uuid => any::<[u8; 16]>().prop_map(Value::Uuid).boxed(),
        Schema::Struct(fields) => fields
            .iter()
            .map(|(id, schema)| {
                let id = *id;
                value_of(schema).prop_map(move |value| (id, value))
            })
            .collect::<Vec<_>>()
            .prop_map(Value::Struct)
            .boxed(),
        Schema::List(element) => {
            let ttype = element.ttype();
            vec(value_of(element), 0..20)
                .prop_map(move |items| Value::List(ttype, items))
                .boxed()
        }
        Schema::Set(element) => {
            let ttype = element.ttype();
            vec(value_of(element), 0..5)
                .prop_map(move |items| Value::Set(ttype, items))
                .boxed()
        }
        Schema::Map(key, value) => {
            let (key_type, value_type) = (key.ttype(), value.ttype());
            vec((value_of(key), value_of(value)), 0..5)
                .prop_map(move |pairs| Value::Map(key_type, value_type, pairs))
                .boxed()
        }
    }
}

/// An arbitrary struct, the unit every message carries.
pub fn any_struct() -> impl Strategy<Value = Value> {
    fields(schema()).prop_flat_map(|schema| value_of(&schema))
}
