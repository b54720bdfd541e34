//! Misspelt base types (`strng`, `String`) and the ones Thrift dropped (`slist`, `senum`).
//!
//! They parse as names of user types. But a name without a dot can only refer to a definition
//! of the same file (included definitions are always prefixed), so when no definition here has
//! that name and it is close to a base type's, the base type was meant. Reporting it here,
//! and substituting the base type, gives the precise hint and spares the resolver from
//! reporting the same name as an unknown type.

use super::types::base_type;
use crate::ast::{BaseType, Definition, Document, Ident, TypeKind, TypeRef};
use crate::diagnostic::{closest_name, Diagnostic};
use crate::lexer::Keyword;
use crate::source::FileId;
use std::collections::HashSet;

const BASE_TYPE_NAMES: [&str; 10] = [
    "bool", "byte", "i8", "i16", "i32", "i64", "double", "string", "binary", "uuid",
];

pub(super) fn check(file: FileId, document: &mut Document, diagnostics: &mut Vec<Diagnostic>) {
    let defined: HashSet<String> = document
        .definitions
        .iter()
        .map(|definition| definition.name().name.clone())
        .collect();
    for_each_type(document, &mut |ty| {
        let TypeKind::Named(name) = &ty.kind else {
            return;
        };
        if defined.contains(&name.name) {
            return;
        }
        if let Some((base, diagnostic)) = diagnose(file, name) {
            diagnostics.push(diagnostic);
            ty.kind = TypeKind::Base(base);
        }
    });
}

/// The base type that `name` stands for, and the error saying so.
fn diagnose(file: FileId, name: &Ident) -> Option<(BaseType, Diagnostic)> {
    let (intended, message, hint) = match name.name.as_str() {
        dropped @ ("slist" | "senum") => (
            "string",
            format!("`{dropped}` is no longer supported by Thrift"),
            "use `string` instead".to_owned(),
        ),
        other => {
            // Very short names are close to everything; for them only a change of case
            // (`I32`) is certain.
            let intended = if other.len() <= 3 {
                BASE_TYPE_NAMES
                    .into_iter()
                    .find(|base| base.eq_ignore_ascii_case(other))?
            } else {
                closest_name(other, BASE_TYPE_NAMES)?
            };
            let hint = format!("did you mean `{intended}`?");
            (intended, format!("unknown type `{other}`"), hint)
        }
    };
    let base = Keyword::from_word(intended).and_then(base_type)?;
    let diagnostic = Diagnostic::error(file, name.span, message).with_hint(hint);
    Some((base, diagnostic))
}

fn for_each_type(document: &mut Document, visit: &mut impl FnMut(&mut TypeRef)) {
    for definition in &mut document.definitions {
        match definition {
            Definition::Const(constant) => walk(&mut constant.ty, visit),
            Definition::Typedef(typedef) => walk(&mut typedef.ty, visit),
            Definition::Enum(_) => {}
            Definition::Struct(structure) => {
                for field in &mut structure.fields {
                    walk(&mut field.ty, visit);
                }
            }
            Definition::Service(service) => {
                for function in &mut service.functions {
                    if let Some(ty) = &mut function.return_type {
                        walk(ty, visit);
                    }
                    for field in function.params.iter_mut().chain(&mut function.throws) {
                        walk(&mut field.ty, visit);
                    }
                }
            }
        }
    }
}

/// Visits a type and the types it contains; nesting is bounded by the parser's limit.
fn walk(ty: &mut TypeRef, visit: &mut impl FnMut(&mut TypeRef)) {
    visit(ty);
    match &mut ty.kind {
        TypeKind::List(element) | TypeKind::Set(element) => walk(element, visit),
        TypeKind::Map(key, value) => {
            walk(key, visit);
            walk(value, visit);
        }
        TypeKind::Base(_) | TypeKind::Named(_) => {}
    }
}
