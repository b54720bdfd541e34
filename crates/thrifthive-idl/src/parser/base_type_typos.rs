//! Misspelt base types (`strng`, `String`) and the ones Thrift dropped (`slist`, `senum`).
//!
//! They parse as names of user types. But a name without a dot can only refer to a definition
//! of the same file (included definitions are always prefixed), so when no definition here has
//! that name and it is close to a base type's, the base type was meant. Reporting it here,
//! and substituting the base type, gives the precise hint and spares the resolver from
//! reporting the same name as an unknown type.

use super::types::base_type;
use crate::ast::{BaseType, Definition, Document, TypeKind, TypeRef};
use crate::diagnostic::{closest_name, Diagnostic};
use crate::lexer::Keyword;
use crate::source::{FileId, Span};
use std::collections::{HashMap, HashSet};

const BASE_TYPE_NAMES: [&str; 10] = [
    "bool", "byte", "i8", "i16", "i32", "i64", "double", "string", "binary", "uuid",
];

/// Whether a type name could be a misspelt base type: short (the longest candidate, `boolean`,
/// has 7 letters) and without a dot. The parser collects such names as it meets them, so that
/// this pass costs nothing for files that have none.
pub(super) fn is_suspect(name: &str) -> bool {
    name.len() <= 7 && !name.contains('.')
}

/// Reports the `suspects` (spans of type names) that stand for base types, and puts the base
/// types in their place in `document`.
pub(super) fn check(
    file: FileId,
    text: &str,
    suspects: &[Span],
    document: &mut Document,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if suspects.is_empty() {
        return;
    }
    let defined: HashSet<&str> = document
        .definitions
        .iter()
        .map(|definition| definition.name().name.as_str())
        .collect();
    let mut fixes: HashMap<Span, BaseType> = HashMap::new();
    for &span in suspects {
        let name = &text[span.start as usize..span.end as usize];
        if defined.contains(name) {
            continue;
        }
        let Some((intended, diagnostic)) = diagnose(file, name, span) else {
            continue;
        };
        // Near a name of this file too: which one was meant is for the resolver to say.
        if closest_name(name, defined.iter().copied()).is_some() {
            continue;
        }
        diagnostics.push(diagnostic);
        fixes.insert(span, intended);
    }
    if fixes.is_empty() {
        return;
    }
    for_each_type(document, &mut |ty| {
        if let TypeKind::Named(name) = &ty.kind {
            if let Some(&base) = fixes.get(&name.span) {
                ty.kind = TypeKind::Base(base);
            }
        }
    });
}

/// Other languages' names for Thrift's base types.
const FOREIGN_NAMES: [(&str, &str); 13] = [
    ("boolean", "bool"),
    ("int", "i32"),
    ("integer", "i32"),
    ("int8", "i8"),
    ("int16", "i16"),
    ("short", "i16"),
    ("int32", "i32"),
    ("int64", "i64"),
    ("long", "i64"),
    ("float", "double"),
    ("str", "string"),
    ("bytes", "binary"),
    ("guid", "uuid"),
];

/// The base type that `name` stands for, if it is plainly one, and the error saying so.
fn diagnose(file: FileId, written: &str, span: Span) -> Option<(BaseType, Diagnostic)> {
    let (intended, message, hint) = if matches!(written, "slist" | "senum") {
        let message = format!("`{written}` is no longer supported by Thrift");
        ("string", message, "use `string` instead".to_owned())
    } else {
        let intended = intended_base_type(written)?;
        let message = format!("unknown type `{written}`");
        (intended, message, format!("did you mean `{intended}`?"))
    };
    let base = Keyword::from_word(intended).and_then(base_type)?;
    let diagnostic = Diagnostic::error(file, span, message).with_hint(hint);
    Some((base, diagnostic))
}

fn intended_base_type(written: &str) -> Option<&'static str> {
    let lowercase = written.to_ascii_lowercase();
    if let Some((_, base)) = FOREIGN_NAMES
        .iter()
        .find(|(foreign, _)| *foreign == lowercase)
    {
        return Some(base);
    }
    // Very short names are close to everything: for them only a change of case (`I32`) is
    // certain. Longer ones may be misspelt, but not by much (`myUUID` is not `uuid`).
    if written.len() <= 3 {
        return BASE_TYPE_NAMES
            .into_iter()
            .find(|base| base.eq_ignore_ascii_case(written));
    }
    closest_name(written, BASE_TYPE_NAMES).filter(|base| base.len().abs_diff(written.len()) <= 1)
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
