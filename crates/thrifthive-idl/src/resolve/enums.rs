//! Enum values: numbering (explicit values, or the previous value plus one, starting at 0), the
//! i32 range every value must fit, and duplicate value names. Two names with one number are
//! allowed, as in Apache's compiler.

use super::hash::{map_with_capacity, FastMap};
use super::{annotations, keywords, Resolver};
use crate::ast;
use crate::diagnostic::Diagnostic;
use crate::ir;
use crate::source::FileId;

impl<'a> Resolver<'a> {
    /// Numbers every enum's values; fills `enums` and `enum_values`.
    pub(super) fn number_enums(&mut self) {
        for file in 0..self.files.len() {
            let file_id = self.file_id(file);
            let decls = &self.scopes[file].enums;
            let mut enums = Vec::with_capacity(decls.len());
            let mut tables = Vec::with_capacity(decls.len());
            for decl in decls {
                let (numbered, table) = number_enum(&mut self.diagnostics, file_id, decl);
                enums.push(numbered);
                tables.push(table);
            }
            self.enums.push(enums);
            self.enum_values.push(tables);
        }
    }
}

fn number_enum<'a>(
    diagnostics: &mut Vec<Diagnostic>,
    file: FileId,
    decl: &'a ast::Enum,
) -> (ir::Enum, FastMap<&'a str, i32>) {
    let mut values = Vec::with_capacity(decl.values.len());
    let mut table: FastMap<&'a str, i32> = map_with_capacity(decl.values.len());
    let mut next: i64 = 0;
    for value in &decl.values {
        keywords::warn(diagnostics, file, &value.name, keywords::Role::EnumValue);
        let (number, span) = value.value.unwrap_or((next, value.name.span));
        next = number.saturating_add(1);
        let Ok(number) = i32::try_from(number) else {
            let name = &value.name.name;
            let message = match value.value {
                Some(_) => format!("enum value {number} of `{name}` does not fit i32"),
                None => format!(
                    "`{name}` would be {number} (the previous value plus one), \
                     which does not fit i32"
                ),
            };
            diagnostics.push(Diagnostic::error(file, span, message).with_hint(format!(
                "enum values range over {}..={}",
                i32::MIN,
                i32::MAX
            )));
            continue;
        };
        let name = value.name.name.as_str();
        if table.contains_key(name) {
            // Rare, so the first definition is searched for only now.
            let first = decl.values.iter().find(|v| v.name.name == name);
            let first = first.map_or(value.name.span, |v| v.name.span);
            diagnostics.push(
                Diagnostic::error(
                    file,
                    value.name.span,
                    format!("`{name}` is defined twice in enum `{}`", decl.name.name),
                )
                .with_note(file, first, "first defined here")
                .with_hint("rename or remove one of them"),
            );
            continue;
        }
        table.insert(name, number);
        values.push(ir::EnumValue {
            name: name.to_string(),
            value: number,
            annotations: annotations(&value.annotations),
            doc: value.doc.clone(),
        });
    }
    let numbered = ir::Enum {
        name: decl.name.name.clone(),
        values,
        annotations: annotations(&decl.annotations),
        doc: decl.doc.clone(),
    };
    (numbered, table)
}

#[cfg(test)]
mod tests {
    use crate::resolve::test_support::{compile, errors, ok};

    #[test]
    fn values_count_up_from_zero_and_from_explicit_values() {
        let program = ok("enum E { A, B, C = 10, D, E = -3, F, G = 0x10 }");
        let values: Vec<(&str, i32)> = program.files[0].enums[0]
            .values
            .iter()
            .map(|v| (v.name.as_str(), v.value))
            .collect();
        assert_eq!(
            values,
            [
                ("A", 0),
                ("B", 1),
                ("C", 10),
                ("D", 11),
                ("E", -3),
                ("F", -2),
                ("G", 16)
            ]
        );
    }

    #[test]
    fn values_must_fit_i32() {
        assert_eq!(
            errors("enum E { A = 68719476736 }"),
            ["enum value 68719476736 of `A` does not fit i32"]
        );
        assert_eq!(
            errors("enum E { A = 2147483647, B }"),
            ["`B` would be 2147483648 (the previous value plus one), which does not fit i32"]
        );
    }

    #[test]
    fn a_value_name_is_defined_once_but_a_number_may_repeat() {
        assert_eq!(
            errors("enum E { A, B, A }"),
            ["`A` is defined twice in enum `E`"]
        );
        assert!(!compile("enum E { A = 1, B = 1 }").has_errors());
    }
}
