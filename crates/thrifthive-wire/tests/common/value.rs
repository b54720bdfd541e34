//! A dynamic Thrift value for tests and fuzzing: written and read through the protocol traits
//! the way the object codec will drive them. (The codec itself builds no such tree.)

use thrifthive_wire::{ProtocolReader, ProtocolWriter, TType, WireError};

#[derive(Debug, Clone)]
pub enum Value {
    Bool(bool),
    I8(i8),
    I16(i16),
    I32(i32),
    I64(i64),
    Double(f64),
    String(String),
    Binary(Vec<u8>),
    Uuid([u8; 16]),
    Struct(Vec<(i16, Value)>),
    List(TType, Vec<Value>),
    Set(TType, Vec<Value>),
    Map(TType, TType, Vec<(Value, Value)>),
}

/// Equality with doubles compared by bits, except that any NaN equals any NaN (JSON keeps no
/// NaN payload).
impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        use Value::*;
        match (self, other) {
            (Bool(a), Bool(b)) => a == b,
            (I8(a), I8(b)) => a == b,
            (I16(a), I16(b)) => a == b,
            (I32(a), I32(b)) => a == b,
            (I64(a), I64(b)) => a == b,
            (Double(a), Double(b)) => a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
            (String(a), String(b)) => a == b,
            (Binary(a), Binary(b)) => a == b,
            (Uuid(a), Uuid(b)) => a == b,
            (Struct(a), Struct(b)) => a == b,
            (List(ta, a), List(tb, b)) | (Set(ta, a), Set(tb, b)) => ta == tb && a == b,
            (Map(ka, va, a), Map(kb, vb, b)) => ka == kb && va == vb && a == b,
            _ => false,
        }
    }
}

impl Value {
    pub fn ttype(&self) -> TType {
        match self {
            Value::Bool(_) => TType::Bool,
            Value::I8(_) => TType::I8,
            Value::I16(_) => TType::I16,
            Value::I32(_) => TType::I32,
            Value::I64(_) => TType::I64,
            Value::Double(_) => TType::Double,
            Value::String(_) | Value::Binary(_) => TType::String,
            Value::Uuid(_) => TType::Uuid,
            Value::Struct(_) => TType::Struct,
            Value::List(..) => TType::List,
            Value::Set(..) => TType::Set,
            Value::Map(..) => TType::Map,
        }
    }

    pub fn write<W: ProtocolWriter>(&self, writer: &mut W) -> Result<(), WireError> {
        match self {
            Value::Bool(value) => writer.write_bool(*value),
            Value::I8(value) => writer.write_i8(*value),
            Value::I16(value) => writer.write_i16(*value),
            Value::I32(value) => writer.write_i32(*value),
            Value::I64(value) => writer.write_i64(*value),
            Value::Double(value) => writer.write_double(*value),
            Value::String(value) => writer.write_string(value)?,
            Value::Binary(value) => writer.write_binary(value)?,
            Value::Uuid(value) => writer.write_uuid(*value),
            Value::Struct(fields) => {
                writer.write_struct_begin();
                for (id, value) in fields {
                    writer.write_field_begin(value.ttype(), *id)?;
                    value.write(writer)?;
                    writer.write_field_end();
                }
                writer.write_field_stop();
                writer.write_struct_end();
            }
            Value::List(element, items) => {
                writer.write_list_begin(*element, items.len())?;
                items.iter().try_for_each(|item| item.write(writer))?;
                writer.write_list_end();
            }
            Value::Set(element, items) => {
                writer.write_set_begin(*element, items.len())?;
                items.iter().try_for_each(|item| item.write(writer))?;
                writer.write_set_end();
            }
            Value::Map(key, value, pairs) => {
                writer.write_map_begin(*key, *value, pairs.len())?;
                for (k, v) in pairs {
                    k.write(writer)?;
                    v.write(writer)?;
                }
                writer.write_map_end();
            }
        }
        Ok(())
    }

    /// Reads a value shaped like `template`, as a codec with a schema would: strings and
    /// binaries told apart, struct fields matched by id and type, anything else skipped.
    pub fn read_like<'a, R: ProtocolReader<'a>>(
        reader: &mut R,
        template: &Value,
    ) -> Result<Value, WireError> {
        Ok(match template {
            Value::String(_) => Value::String(reader.read_string()?.into_owned()),
            Value::Binary(_) => Value::Binary(reader.read_binary()?.into_owned()),
            Value::Struct(template_fields) => {
                reader.read_struct_begin()?;
                let mut fields = Vec::new();
                // Each template field serves one wire field, so repeated ids match in order.
                let mut used = vec![false; template_fields.len()];
                loop {
                    let field = reader.read_field_begin()?;
                    if field.ttype == TType::Stop {
                        break;
                    }
                    let known =
                        template_fields
                            .iter()
                            .enumerate()
                            .position(|(index, (id, value))| {
                                !used[index] && *id == field.id && value.ttype() == field.ttype
                            });
                    match known {
                        Some(index) => {
                            used[index] = true;
                            let value = Value::read_like(reader, &template_fields[index].1)?;
                            fields.push((field.id, value));
                        }
                        None => reader.skip(field.ttype)?,
                    }
                    reader.read_field_end()?;
                }
                reader.read_struct_end()?;
                Value::Struct(fields)
            }
            Value::List(element, template_items) => {
                let header = reader.read_list_begin()?;
                let items =
                    read_items(reader, *element, header.element, header.len, template_items)?;
                reader.read_list_end()?;
                Value::List(*element, items)
            }
            Value::Set(element, template_items) => {
                let header = reader.read_set_begin()?;
                let items =
                    read_items(reader, *element, header.element, header.len, template_items)?;
                reader.read_set_end()?;
                Value::Set(*element, items)
            }
            Value::Map(key, value, template_pairs) => {
                let header = reader.read_map_begin()?;
                // The compact protocol writes no types for an empty map.
                if header.len > 0 && (header.key, header.value) != (*key, *value) {
                    return Err(mismatch());
                }
                let mut pairs = Vec::with_capacity(header.len);
                for index in 0..header.len {
                    let (key_template, value_template) =
                        template_pairs.get(index).ok_or_else(mismatch)?;
                    let k = Value::read_like(reader, key_template)?;
                    let v = Value::read_like(reader, value_template)?;
                    pairs.push((k, v));
                }
                reader.read_map_end()?;
                Value::Map(*key, *value, pairs)
            }
            scalar => Value::read_any(reader, scalar.ttype())?,
        })
    }

    /// Reads a value of type `ttype` with no schema: strings come back as `Binary`, read with
    /// `read_string_bytes`.
    pub fn read_any<'a, R: ProtocolReader<'a>>(
        reader: &mut R,
        ttype: TType,
    ) -> Result<Value, WireError> {
        Ok(match ttype {
            TType::Bool => Value::Bool(reader.read_bool()?),
            TType::I8 => Value::I8(reader.read_i8()?),
            TType::I16 => Value::I16(reader.read_i16()?),
            TType::I32 => Value::I32(reader.read_i32()?),
            TType::I64 => Value::I64(reader.read_i64()?),
            TType::Double => Value::Double(reader.read_double()?),
            TType::String => Value::Binary(reader.read_string_bytes()?.into_owned()),
            TType::Uuid => Value::Uuid(reader.read_uuid()?),
            TType::Struct => {
                reader.read_struct_begin()?;
                let mut fields = Vec::new();
                loop {
                    let field = reader.read_field_begin()?;
                    if field.ttype == TType::Stop {
                        break;
                    }
                    fields.push((field.id, Value::read_any(reader, field.ttype)?));
                    reader.read_field_end()?;
                }
                reader.read_struct_end()?;
                Value::Struct(fields)
            }
            TType::List => {
                let header = reader.read_list_begin()?;
                let items = (0..header.len)
                    .map(|_| Value::read_any(reader, header.element))
                    .collect::<Result<_, _>>()?;
                reader.read_list_end()?;
                Value::List(header.element, items)
            }
            TType::Set => {
                let header = reader.read_set_begin()?;
                let items = (0..header.len)
                    .map(|_| Value::read_any(reader, header.element))
                    .collect::<Result<_, _>>()?;
                reader.read_set_end()?;
                Value::Set(header.element, items)
            }
            TType::Map => {
                let header = reader.read_map_begin()?;
                let mut pairs = Vec::new();
                for _ in 0..header.len {
                    let k = Value::read_any(reader, header.key)?;
                    let v = Value::read_any(reader, header.value)?;
                    pairs.push((k, v));
                }
                reader.read_map_end()?;
                Value::Map(header.key, header.value, pairs)
            }
            TType::Stop => return Err(mismatch()),
        })
    }
}

fn read_items<'a, R: ProtocolReader<'a>>(
    reader: &mut R,
    expected: TType,
    found: TType,
    len: usize,
    templates: &[Value],
) -> Result<Vec<Value>, WireError> {
    if len > 0 && found != expected {
        return Err(mismatch());
    }
    (0..len)
        .map(|index| Value::read_like(reader, templates.get(index).ok_or_else(mismatch)?))
        .collect()
}

fn mismatch() -> WireError {
    WireError::InvalidData("value does not match its template".into())
}
