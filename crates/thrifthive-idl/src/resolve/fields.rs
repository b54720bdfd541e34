//! Field lists: the fields of structs, unions and exceptions, the arguments of methods and their
//! throws clauses. Checks ids (positive, within i16, unique; missing ones are assigned -1, -2, …
//! in field order with a warning, as Apache does), names (unique, Python keywords), requiredness
//! where it is meaningless or wrong, and each field's type and default value.

use super::hash::{map_with_capacity, FastMap};
use super::{annotations, keywords, Resolver};
use crate::ast::{self, Requiredness, StructKind};
use crate::diagnostic::Diagnostic;
use crate::ir::{self, Ty};
use crate::source::FileId;

/// A field's id and resolved type (`None` when the type did not resolve).
#[derive(Clone, Debug)]
pub(super) struct FieldSig {
    pub id: i16,
    pub ty: Option<Ty>,
}

/// A field list's ids and types, one per field as written, and its field names.
pub(super) struct Layout<'a> {
    pub fields: Vec<FieldSig>,
    /// Field name to position; a duplicated name maps to its first field.
    pub by_name: FastMap<&'a str, usize>,
}

/// Which kind of field list, and whose: decides the checks and the wording of messages.
#[derive(Clone, Copy, Debug)]
pub(super) enum FieldList<'n> {
    Struct(StructKind, &'n str),
    Arguments(&'n str),
    Throws(&'n str),
}

impl FieldList<'_> {
    fn owner(self) -> String {
        match self {
            FieldList::Struct(StructKind::Struct, name) => format!("struct `{name}`"),
            FieldList::Struct(StructKind::Union, name) => format!("union `{name}`"),
            FieldList::Struct(StructKind::Exception, name) => format!("exception `{name}`"),
            FieldList::Arguments(method) => format!("the arguments of `{method}`"),
            FieldList::Throws(method) => format!("the throws clause of `{method}`"),
        }
    }

    /// The requiredness that takes effect: the keywords this list ignores count as unwritten.
    fn effective(self, written: Requiredness) -> Requiredness {
        match (self, written) {
            (FieldList::Struct(StructKind::Union, _), Requiredness::Required)
            | (FieldList::Arguments(_), Requiredness::Optional)
            | (FieldList::Throws(_), Requiredness::Required) => Requiredness::Default,
            _ => written,
        }
    }
}

impl<'a> Resolver<'a> {
    /// Checks a field list and resolves its ids and types.
    pub(super) fn lay_out_fields(
        &mut self,
        file: usize,
        fields: &'a [ast::Field],
        list: FieldList,
    ) -> Layout<'a> {
        let file_id = self.file_id(file);
        let role = match list {
            FieldList::Arguments(_) => keywords::Role::Argument,
            _ => keywords::Role::Field,
        };
        let mut sigs = Vec::with_capacity(fields.len());
        let mut by_name: FastMap<&'a str, usize> = map_with_capacity(fields.len());
        let mut by_id: FastMap<i16, usize> = map_with_capacity(fields.len());
        let mut next_auto_id = -1;
        for (position, field) in fields.iter().enumerate() {
            keywords::warn(&mut self.diagnostics, file_id, &field.name, role);
            check_requiredness(&mut self.diagnostics, file_id, field, list);
            let id = field_id(&mut self.diagnostics, file_id, field, &mut next_auto_id);
            let name = field.name.name.as_str();
            if let Some(id) = id {
                if let Some(&first) = by_id.get(&id) {
                    let first = &fields[first];
                    self.diagnostics.push(
                        Diagnostic::error(
                            file_id,
                            field.id_span,
                            format!("field id {id} is used twice in {}", list.owner()),
                        )
                        .with_note(
                            file_id,
                            first.id_span,
                            format!("first used by `{}` here", first.name.name),
                        )
                        .with_hint("give every field its own id"),
                    );
                } else {
                    by_id.insert(id, position);
                }
            }
            if let Some(&first) = by_name.get(name) {
                self.diagnostics.push(
                    Diagnostic::error(
                        file_id,
                        field.name.span,
                        format!("`{name}` is defined twice in {}", list.owner()),
                    )
                    .with_note(file_id, fields[first].name.span, "first defined here")
                    .with_hint("rename or remove one of the fields"),
                );
            } else {
                by_name.insert(name, position);
            }
            let ty = self.resolve_type(file, &field.ty);
            sigs.push(FieldSig {
                id: id.unwrap_or_default(),
                ty,
            });
        }
        Layout {
            fields: sigs,
            by_name,
        }
    }

    /// The IR of a laid-out field list: default values are evaluated now, once every constant
    /// and every struct layout is known.
    pub(super) fn finish_fields(
        &mut self,
        file: usize,
        fields: &'a [ast::Field],
        sigs: Vec<FieldSig>,
        list: FieldList,
    ) -> Vec<ir::Field> {
        fields
            .iter()
            .zip(sigs)
            .filter_map(|(field, sig)| {
                let ty = sig.ty?;
                let default = match &field.default {
                    Some(value) => Some(self.coerce(file, value, &ty)?),
                    None => None,
                };
                Some(ir::Field {
                    id: sig.id,
                    name: field.name.name.clone(),
                    ty,
                    requiredness: list.effective(field.requiredness),
                    default,
                    reference: field.reference,
                    annotations: annotations(&field.annotations),
                    doc: field.doc.clone(),
                })
            })
            .collect()
    }
}

/// The field's id: its explicit id when positive, else the next automatic one. `None` when the
/// explicit id does not fit i16 (reported).
fn field_id(
    diagnostics: &mut Vec<Diagnostic>,
    file: FileId,
    field: &ast::Field,
    next_auto_id: &mut i16,
) -> Option<i16> {
    let name = &field.name.name;
    let auto_id = *next_auto_id;
    let warning = match field.id {
        Some(id) if id > 0 => {
            return match i16::try_from(id) {
                Ok(id) => Some(id),
                Err(_) => {
                    diagnostics.push(
                        Diagnostic::error(
                            file,
                            field.id_span,
                            format!("field id {id} of `{name}` does not fit i16"),
                        )
                        .with_hint(format!("field ids range over 1..={}", i16::MAX)),
                    );
                    None
                }
            };
        }
        Some(id) => Diagnostic::warning(
            file,
            field.id_span,
            format!(
                "field id {id} of `{name}` is not positive: \
                 it is ignored and {auto_id} assigned instead"
            ),
        )
        .with_hint(format!("field ids range over 1..={}", i16::MAX)),
        None => Diagnostic::warning(
            file,
            field.id_span,
            format!(
                "no field id for `{name}`: assigned {auto_id}; the protocol may have conflicts \
                 or not be backwards compatible"
            ),
        )
        .with_hint(format!(
            "give `{name}` an explicit id, e.g. `1:` before its type"
        )),
    };
    diagnostics.push(warning);
    *next_auto_id = auto_id.saturating_sub(1);
    Some(auto_id)
}

fn check_requiredness(
    diagnostics: &mut Vec<Diagnostic>,
    file: FileId,
    field: &ast::Field,
    list: FieldList,
) {
    let span = field.requiredness_span.unwrap_or(field.span);
    let diagnostic = match (list, field.requiredness) {
        (FieldList::Throws(_), Requiredness::Required) => {
            Diagnostic::error(file, span, "`required` is not allowed in a throws clause")
                .with_hint("remove `required`: a method throws at most one of its exceptions")
        }
        (FieldList::Arguments(_), Requiredness::Optional) => Diagnostic::warning(
            file,
            span,
            "`optional` has no effect on an argument and is ignored",
        )
        .with_hint("remove `optional`"),
        (FieldList::Struct(StructKind::Union, _), Requiredness::Required) => Diagnostic::warning(
            file,
            span,
            "`required` has no effect in a union, which holds exactly one field, and is ignored",
        )
        .with_hint("remove `required`"),
        _ => return,
    };
    diagnostics.push(diagnostic);
}

#[cfg(test)]
mod tests {
    use crate::ir::Requiredness;
    use crate::resolve::test_support::{errors, ok, warnings};

    #[test]
    fn missing_and_non_positive_ids_are_assigned_negative_ids_in_order() {
        let text = "struct S { i32 a, 5: i32 b, 0: i32 c, string d }";
        let program = ok(text);
        let ids: Vec<i16> = program.files[0].structs[0]
            .fields
            .iter()
            .map(|f| f.id)
            .collect();
        assert_eq!(ids, [-1, 5, -2, -3]);
        assert_eq!(
            warnings(text),
            [
                "no field id for `a`: assigned -1; the protocol may have conflicts or not be backwards compatible",
                "field id 0 of `c` is not positive: it is ignored and -2 assigned instead",
                "no field id for `d`: assigned -3; the protocol may have conflicts or not be backwards compatible",
            ]
        );
    }

    #[test]
    fn ids_must_fit_i16() {
        assert_eq!(
            errors("struct S { 1: i32 a, 40000: i32 b }"),
            ["field id 40000 of `b` does not fit i16"]
        );
    }

    #[test]
    fn ids_and_names_are_unique_per_list() {
        assert_eq!(
            errors("struct S { 1: i32 a, 1: i32 b, 2: i32 a }"),
            [
                "field id 1 is used twice in struct `S`",
                "`a` is defined twice in struct `S`"
            ]
        );
        assert_eq!(
            errors("service V { void m(1: i32 a, 1: i32 b) }"),
            ["field id 1 is used twice in the arguments of `m`"]
        );
        assert_eq!(
            errors("exception E {}\nservice V { void m() throws (1: E a, 2: E a) }"),
            ["`a` is defined twice in the throws clause of `m`"]
        );
    }

    #[test]
    fn requiredness_that_has_no_effect_is_a_warning_and_ignored() {
        let text = "union U { 1: required i32 a }\nservice V { void m(1: optional i32 x) }";
        assert_eq!(
            warnings(text),
            [
                "`required` has no effect in a union, which holds exactly one field, and is ignored",
                "`optional` has no effect on an argument and is ignored",
            ]
        );
        let program = ok(text);
        assert_eq!(
            program.files[0].structs[0].fields[0].requiredness,
            Requiredness::Default
        );
        let argument = &program.files[0].services[0].functions[0].params[0];
        assert_eq!(argument.requiredness, Requiredness::Default);
    }

    #[test]
    fn required_in_a_throws_clause_is_an_error() {
        assert_eq!(
            errors("exception E {}\nservice V { void m() throws (1: required E e) }"),
            ["`required` is not allowed in a throws clause"]
        );
    }

    #[test]
    fn fields_carry_defaults_requiredness_references_and_docs() {
        let program = ok("struct S {\n  /** The count. */\n  1: required i32 n = 3 (a = \"b\"),\n  2: optional S & next\n}");
        let fields = &program.files[0].structs[0].fields;
        assert_eq!(fields[0].requiredness, Requiredness::Required);
        assert_eq!(fields[0].default, Some(crate::ir::Value::Int(3)));
        assert_eq!(fields[0].doc.as_deref().map(str::trim), Some("The count."));
        assert_eq!(fields[0].annotations[0].key, "a");
        assert!(fields[1].reference);
        assert_eq!(fields[1].requiredness, Requiredness::Optional);
    }
}
