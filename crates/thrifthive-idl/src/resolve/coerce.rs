//! Coercion of a constant value as written to a type, for const definitions and field defaults:
//! integers must fit their width, `bool` takes true/false or 0/1, `double` takes integers too,
//! a `uuid` must be a UUID, an enum takes its own values (a bare integer that is not one of them
//! is only a warning), containers take `[...]`/`{...}` element by element, and a struct takes a
//! map from field names to values. Every mismatch is reported, not only the first.

use super::consts::Reference;
use super::scope::name_list;
use super::Resolver;
use crate::ast::{ConstValue, ConstValueKind as Written, StructKind};
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::ir::{DefRef, FieldValue, Ty, Value};
use crate::source::Span;

impl<'a> Resolver<'a> {
    /// The value of `value` (written in `file`) as type `ty`; `None` after reporting why not.
    pub(super) fn coerce(&mut self, file: usize, value: &'a ConstValue, ty: &Ty) -> Option<Value> {
        let span = value.span;
        let coerced = match (&value.kind, ty) {
            (Written::Ident(name), _) => return self.coerce_reference(file, name, span, ty),
            (Written::Bool(b), Ty::Bool) => Value::Bool(*b),
            (Written::Int(i @ (0 | 1)), Ty::Bool) => Value::Bool(*i == 1),
            (Written::Int(i), Ty::Byte | Ty::I16 | Ty::I32 | Ty::I64) => {
                return self.integer(file, *i, span, ty)
            }
            // Apache's lexer reads `true` and `false` as the integers 1 and 0.
            (Written::Bool(b), Ty::Byte | Ty::I16 | Ty::I32 | Ty::I64) => Value::Int(i64::from(*b)),
            (Written::Int(i), Ty::Double) => Value::Double(*i as f64),
            (Written::Double(d), Ty::Double) => Value::Double(*d),
            (Written::String(s), Ty::String | Ty::Binary) => Value::String(s.clone()),
            (Written::String(s), Ty::Uuid) => return self.uuid(file, s, span),
            (Written::Int(i), Ty::Enum { def }) => return self.enum_number(file, *i, span, *def),
            (Written::List(items), Ty::List { elem }) => {
                Value::List(self.coerce_each(file, items, elem)?)
            }
            (Written::List(items), Ty::Set { elem }) => {
                Value::Set(self.coerce_each(file, items, elem)?)
            }
            // An empty container may be written with either kind of bracket.
            (Written::Map(pairs), Ty::List { .. }) if pairs.is_empty() => Value::List(Vec::new()),
            (Written::Map(pairs), Ty::Set { .. }) if pairs.is_empty() => Value::Set(Vec::new()),
            (Written::List(items), Ty::Map { .. }) if items.is_empty() => Value::Map(Vec::new()),
            (Written::Map(pairs), Ty::Map { key, value }) => {
                let mut entries = Vec::with_capacity(pairs.len());
                let mut complete = true;
                for (k, v) in pairs {
                    let k = self.coerce(file, k, key);
                    let v = self.coerce(file, v, value);
                    match k.zip(v) {
                        Some(entry) => entries.push(entry),
                        None => complete = false,
                    }
                }
                complete.then_some(Value::Map(entries))?
            }
            (Written::Map(pairs), Ty::Struct { def }) => {
                return self.coerce_struct(file, pairs, span, *def)
            }
            (written, _) => {
                self.mismatch(file, span, ty, &describe(written));
                return None;
            }
        };
        Some(coerced)
    }

    fn coerce_each(
        &mut self,
        file: usize,
        items: &'a [ConstValue],
        elem: &Ty,
    ) -> Option<Vec<Value>> {
        let mut values = Vec::with_capacity(items.len());
        let mut complete = true;
        for item in items {
            match self.coerce(file, item, elem) {
                Some(value) => values.push(value),
                None => complete = false,
            }
        }
        complete.then_some(values)
    }

    fn mismatch(&mut self, file: usize, span: Span, ty: &Ty, found: &str) {
        let diagnostic = Diagnostic::error(
            self.file_id(file),
            span,
            format!("expected `{}`, found {found}", self.type_name(ty)),
        )
        .with_hint(how_to_write(ty));
        self.diagnostics.push(diagnostic);
    }

    fn integer(&mut self, file: usize, value: i64, span: Span, ty: &Ty) -> Option<Value> {
        let (min, max) = match ty {
            Ty::Byte => (i8::MIN.into(), i8::MAX.into()),
            Ty::I16 => (i16::MIN.into(), i16::MAX.into()),
            Ty::I32 => (i32::MIN.into(), i32::MAX.into()),
            _ => (i64::MIN, i64::MAX),
        };
        if (min..=max).contains(&value) {
            return Some(Value::Int(value));
        }
        let name = self.type_name(ty);
        self.diagnostics.push(
            Diagnostic::error(
                self.file_id(file),
                span,
                format!("{value} does not fit `{name}` ({min}..={max})"),
            )
            .with_hint("use a wider integer type or a smaller value"),
        );
        None
    }

    fn uuid(&mut self, file: usize, text: &str, span: Span) -> Option<Value> {
        if let Some(uuid) = canonical_uuid(text) {
            return Some(Value::String(uuid));
        }
        self.mismatch(file, span, &Ty::Uuid, &format!("the string {text:?}"));
        None
    }

    /// An integer written for an enum: accepted (unknown values are kept on the wire too), but
    /// one that is none of the enum's values draws a warning.
    fn enum_number(&mut self, file: usize, value: i64, span: Span, def: DefRef) -> Option<Value> {
        let decl = &self.enums[def.file as usize][def.index as usize];
        let name = decl.name.clone();
        let Ok(number) = i32::try_from(value) else {
            self.mismatch(
                file,
                span,
                &Ty::Enum { def },
                &format!("{value}, which does not fit i32"),
            );
            return None;
        };
        if !decl.values.iter().any(|v| v.value == number) {
            let example = decl
                .values
                .first()
                .map(|v| format!(", e.g. `{name}.{}`", v.name));
            self.diagnostics.push(
                Diagnostic::warning(
                    self.file_id(file),
                    span,
                    format!("{value} is not a value of enum `{name}`"),
                )
                .with_hint(format!(
                    "name one of its values{}",
                    example.unwrap_or_default()
                )),
            );
        }
        Some(Value::Int(value))
    }

    fn coerce_reference(&mut self, file: usize, name: &str, span: Span, ty: &Ty) -> Option<Value> {
        match self.resolve_reference(file, name, span, ty)? {
            Reference::EnumValue { def, value } => match ty {
                Ty::Enum { def: wanted } if *wanted == def => Some(Value::Int(value.into())),
                Ty::Enum { def: wanted } => {
                    let wanted_enum = &self.enums[wanted.file as usize][wanted.index as usize];
                    let example = wanted_enum
                        .values
                        .first()
                        .map(|v| format!(", e.g. `{}.{}`", wanted_enum.name, v.name));
                    let hint = format!(
                        "name a value of `{}`{}",
                        wanted_enum.name,
                        example.unwrap_or_default()
                    );
                    let message = format!(
                        "`{name}` is a value of enum `{}`, not of `{}`",
                        self.enums[def.file as usize][def.index as usize].name, wanted_enum.name
                    );
                    self.diagnostics
                        .push(Diagnostic::error(self.file_id(file), span, message).with_hint(hint));
                    None
                }
                Ty::Byte | Ty::I16 | Ty::I32 | Ty::I64 => {
                    self.integer(file, value.into(), span, ty)
                }
                _ => {
                    self.mismatch(file, span, ty, &format!("the enum value `{name}`"));
                    None
                }
            },
            Reference::Const {
                file: target,
                index,
            } => {
                let (declared, value) = self.const_value(target, index, file, span)?;
                if declared == *ty {
                    return Some(value);
                }
                self.coerce_referenced(file, name, span, ty, target, index)
            }
        }
    }

    /// Checks constant `index` of `target` again, against the type wanted where `name` refers
    /// to it; a problem is reported at the reference, since the constant itself is fine.
    fn coerce_referenced(
        &mut self,
        file: usize,
        name: &str,
        span: Span,
        ty: &Ty,
        target: usize,
        index: usize,
    ) -> Option<Value> {
        let decl = self.scopes[target].consts[index];
        let mark = self.diagnostics.len();
        let coerced = self.coerce(target, &decl.value, ty);
        let problems = self.diagnostics.split_off(mark);
        let Some(problem) = problems.into_iter().find(Diagnostic::is_error) else {
            return coerced;
        };
        let diagnostic = Diagnostic::error(
            self.file_id(file),
            span,
            format!(
                "constant `{name}` does not fit `{}`: {}",
                self.type_name(ty),
                problem.message
            ),
        )
        .with_note(
            self.file_id(target),
            decl.name.span,
            "the constant is defined here",
        )
        .with_optional_hint(problem.hint);
        self.diagnostics.push(diagnostic);
        None
    }

    fn coerce_struct(
        &mut self,
        file: usize,
        pairs: &'a [(ConstValue, ConstValue)],
        span: Span,
        def: DefRef,
    ) -> Option<Value> {
        let (def_file, def_index) = (def.file as usize, def.index as usize);
        let decl = self.scopes[def_file].structs[def_index];
        let mut complete = true;
        if decl.kind == StructKind::Union && pairs.len() > 1 {
            self.diagnostics.push(
                Diagnostic::error(
                    self.file_id(file),
                    span,
                    format!(
                        "a union holds one field, but this value of `{}` sets {}",
                        decl.name.name,
                        pairs.len()
                    ),
                )
                .with_hint("keep one of the fields"),
            );
            complete = false;
        }
        let mut fields = Vec::with_capacity(pairs.len());
        for (key, value) in pairs {
            let Written::String(field_name) = &key.kind else {
                let found = describe(&key.kind);
                self.diagnostics.push(
                    Diagnostic::error(
                        self.file_id(file),
                        key.span,
                        format!("expected a field name in quotes, found {found}"),
                    )
                    .with_hint(how_to_write(&Ty::Struct { def })),
                );
                complete = false;
                continue;
            };
            let layout = &self.layouts[def_file][def_index];
            let Some(&position) = layout.by_name.get(field_name.as_str()) else {
                let names = decl.fields.iter().map(|f| f.name.name.as_str());
                let kind = match decl.kind {
                    StructKind::Struct => "struct",
                    StructKind::Union => "union",
                    StructKind::Exception => "exception",
                };
                self.diagnostics.push(
                    Diagnostic::error(
                        self.file_id(file),
                        key.span,
                        format!("{kind} `{}` has no field `{field_name}`", decl.name.name),
                    )
                    .with_note(
                        self.file_id(def_file),
                        decl.name.span,
                        format!("the {kind} is defined here"),
                    )
                    .with_hint(
                        did_you_mean(field_name, names.clone())
                            .unwrap_or_else(|| name_list(&decl.name.name, "fields", names)),
                    ),
                );
                complete = false;
                continue;
            };
            let sig = layout.fields[position].clone();
            let field_value = sig
                .ty
                .and_then(|field_ty| self.coerce(file, value, &field_ty));
            match field_value {
                Some(value) => fields.push(FieldValue {
                    id: sig.id,
                    name: field_name.clone(),
                    value,
                }),
                None => complete = false,
            }
        }
        complete.then_some(Value::Struct(fields))
    }
}

/// A value as written, for "found ..." in messages.
fn describe(written: &Written) -> String {
    match written {
        Written::Bool(b) => format!("`{b}`"),
        Written::Int(i) => format!("the integer {i}"),
        Written::Double(d) => format!("the double {d}"),
        Written::String(s) => format!("the string {s:?}"),
        Written::Ident(name) => format!("`{name}`"),
        Written::List(_) => "a list".into(),
        Written::Map(_) => "a map".into(),
    }
}

fn how_to_write(ty: &Ty) -> &'static str {
    match ty {
        Ty::Bool => "write `true` or `false` (or 1 or 0)",
        Ty::Byte | Ty::I16 | Ty::I32 | Ty::I64 => "write an integer",
        Ty::Double => "write a number, e.g. `1.5`",
        Ty::String | Ty::Binary => "write a string in quotes",
        Ty::Uuid => {
            "write a UUID in quotes as \"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx\" \
             (hex digits, braces allowed)"
        }
        Ty::List { .. } | Ty::Set { .. } => "write the elements in brackets, e.g. `[1, 2]`",
        Ty::Map { .. } => "write the entries in braces, e.g. `{\"key\": 1}`",
        Ty::Enum { .. } => "name one of the enum's values, e.g. `Enum.VALUE`",
        Ty::Struct { .. } => "write a map from field names to values, e.g. `{\"name\": \"x\"}`",
    }
}

/// The UUID in `text` in canonical form (lowercase 8-4-4-4-12 hex digits), if it is one. Braces
/// around it are accepted, as in Apache's compiler.
fn canonical_uuid(text: &str) -> Option<String> {
    let inner = text
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .unwrap_or(text);
    let groups: Vec<&str> = inner.split('-').collect();
    let well_formed = groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.bytes().all(|b| b.is_ascii_hexdigit()));
    well_formed.then(|| inner.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::canonical_uuid;
    use crate::ir::Value;
    use crate::resolve::test_support::{errors, ok, warnings};

    fn value_of(text: &str) -> Value {
        ok(text).files[0]
            .consts
            .last()
            .expect("a constant")
            .value
            .clone()
    }

    #[test]
    fn uuids_are_validated_and_made_canonical() {
        assert_eq!(
            canonical_uuid("{00112233-4455-6677-8899-aaBBccDDeeFF}").as_deref(),
            Some("00112233-4455-6677-8899-aabbccddeeff")
        );
        assert!(canonical_uuid("00112233-4455-6677-8899-aabbccddeef").is_none());
        assert!(canonical_uuid("0011223g-4455-6677-8899-aabbccddeeff").is_none());
        assert!(canonical_uuid("{00112233-4455-6677-8899-aabbccddeeff").is_none());
        assert_eq!(
            errors("const uuid U = 'nope'"),
            ["expected `uuid`, found the string \"nope\""]
        );
    }

    #[test]
    fn integers_must_fit_their_width() {
        assert_eq!(
            errors("const i8 A = 300\nconst i16 B = -40000\nconst i32 C = 2147483648\nconst i64 D = 9223372036854775807"),
            [
                "300 does not fit `i8` (-128..=127)",
                "-40000 does not fit `i16` (-32768..=32767)",
                "2147483648 does not fit `i32` (-2147483648..=2147483647)",
            ]
        );
    }

    #[test]
    fn scalars_convert_where_apache_converts() {
        assert_eq!(value_of("const bool B = 1"), Value::Bool(true));
        assert_eq!(value_of("const i32 I = true"), Value::Int(1));
        assert_eq!(value_of("const double D = 3"), Value::Double(3.0));
        assert_eq!(
            value_of("const binary X = 'ab'"),
            Value::String("ab".into())
        );
        assert_eq!(
            errors("const bool B = 2"),
            ["expected `bool`, found the integer 2"]
        );
        assert_eq!(
            errors("const i32 I = 1.5"),
            ["expected `i32`, found the double 1.5"]
        );
    }

    #[test]
    fn wrong_shapes_say_what_was_expected_and_found() {
        assert_eq!(
            errors("const i32 A = \"ten\"\nconst list<i32> B = {1: 2}\nconst string C = [1]\nconst map<string, i32> D = {\"a\": \"old\"}"),
            [
                "expected `i32`, found the string \"ten\"",
                "expected `list<i32>`, found a map",
                "expected `string`, found a list",
                "expected `i32`, found the string \"old\"",
            ]
        );
    }

    #[test]
    fn containers_coerce_element_by_element() {
        assert_eq!(
            value_of("const set<double> S = [1, 2.5]"),
            Value::Set(vec![Value::Double(1.0), Value::Double(2.5)])
        );
        assert_eq!(value_of("const set<i32> S = {}"), Value::Set(vec![]));
        assert_eq!(
            value_of("const map<string, list<i8>> M = {'a': [1], 'b': []}"),
            Value::Map(vec![
                (Value::String("a".into()), Value::List(vec![Value::Int(1)])),
                (Value::String("b".into()), Value::List(vec![])),
            ])
        );
        assert_eq!(
            errors("const list<i8> L = [1, 200, 300]"),
            [
                "200 does not fit `i8` (-128..=127)",
                "300 does not fit `i8` (-128..=127)"
            ]
        );
    }

    #[test]
    fn integers_for_enums_warn_when_not_a_value() {
        assert_eq!(
            warnings("enum E { A = 1 }\nconst E X = 7"),
            ["7 is not a value of enum `E`"]
        );
        assert_eq!(value_of("enum E { A = 1 }\nconst E X = 1"), Value::Int(1));
    }

    #[test]
    fn structs_are_written_as_maps_of_field_names() {
        let text =
            "struct P { 1: i32 x, 2: list<P> kids }\nconst P C = {'x': 1, 'kids': [{'x': 2}]}";
        let Value::Struct(fields) = value_of(text) else {
            panic!("a struct value")
        };
        assert_eq!(fields.len(), 2);
        assert_eq!((fields[1].id, fields[1].name.as_str()), (2, "kids"));
        assert_eq!(
            errors("struct A { 1: string street, 2: string city }\nconst A H = {'street': 'x', 'cty': 'y', 3: 'z'}"),
            ["struct `A` has no field `cty`", "expected a field name in quotes, found the integer 3"]
        );
    }

    #[test]
    fn an_unknown_field_without_a_near_name_lists_the_fields() {
        let text = "struct A { 1: string street, 2: string city }\nconst A H = {'zip': '1'}";
        let compilation = crate::resolve::test_support::compile(text);
        let error = compilation.errors().next().expect("an error");
        assert_eq!(
            error.hint.as_deref(),
            Some("`A` has the fields `street`, `city`")
        );
    }

    #[test]
    fn a_union_value_sets_one_field() {
        assert_eq!(
            errors("union U { 1: string a, 2: string b }\nconst U X = {'a': 'x', 'b': 'y'}"),
            ["a union holds one field, but this value of `U` sets 2"]
        );
    }
}
