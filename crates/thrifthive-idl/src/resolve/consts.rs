//! Constants: each const definition is evaluated on first use (memoized; one reached again while
//! it is being evaluated is a cycle), and names inside constant values are resolved: other
//! constants (`NAME`, `module.NAME`) and enum values (`Enum.VALUE`, `module.Enum.VALUE`, or a
//! bare `VALUE` where that enum is expected, which Apache's compiler also accepts).

use super::memo::CycleReport;
use super::scope::{name_list, DefKind, Lookup, Wanted};
use super::Resolver;
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::ir::{self, DefRef, Ty, Value};
use crate::source::Span;

/// What a name in a constant value stands for.
pub(super) enum Reference {
    Const { file: usize, index: usize },
    EnumValue { def: DefRef, value: i32 },
}

impl Resolver<'_> {
    /// Evaluates every constant, then moves them into the IR. Call it after everything that may
    /// refer to a constant has been resolved: the evaluated values are moved out.
    pub(super) fn finish_consts(&mut self) -> Vec<Vec<ir::Const>> {
        for file in 0..self.files.len() {
            for (index, decl) in self.scopes[file].consts.clone().into_iter().enumerate() {
                self.const_value(file, index, file, decl.name.span);
            }
        }
        (0..self.files.len())
            .map(|file| {
                let decls = &self.scopes[file].consts;
                decls
                    .iter()
                    .zip(&mut self.const_values[file])
                    .filter_map(|(decl, memo)| {
                        let (ty, value) = memo.take()?;
                        Some(ir::Const {
                            name: decl.name.name.clone(),
                            ty,
                            value,
                            doc: decl.doc.clone(),
                        })
                    })
                    .collect()
            })
            .collect()
    }

    /// The declared type and value of constant `index` of `file`, referred to at `site` in
    /// `site_file`; `None` when it does not evaluate (reported).
    pub(super) fn const_value(
        &mut self,
        file: usize,
        index: usize,
        site_file: usize,
        site: Span,
    ) -> Option<(Ty, Value)> {
        let decl = self.scopes[file].consts[index];
        self.memoized(
            |resolver| &mut resolver.const_values,
            (file, index, &decl.name),
            (site_file, site),
            CycleReport {
                what: "circular constant",
                hint: "a constant cannot depend on itself: write one of the values out",
            },
            |resolver| {
                let ty = resolver.resolve_type(file, &decl.ty)?;
                let value = resolver.coerce(file, &decl.value, &ty)?;
                Some((ty, value))
            },
        )
    }

    /// Resolves a name written in a constant value in `file`, where a value of type `expected`
    /// is wanted; `None` after reporting why it does not resolve.
    pub(super) fn resolve_reference(
        &mut self,
        file: usize,
        name: &str,
        span: Span,
        expected: &Ty,
    ) -> Option<Reference> {
        if let Ty::Enum { def } = expected {
            if let Some(reference) = self.value_of_expected_enum(file, name, span, *def) {
                return Some(reference);
            }
        }
        let lookup = self.lookup(file, name);
        if let Lookup::Found(target, symbol) = lookup {
            if symbol.kind == DefKind::Const {
                return Some(Reference::Const {
                    file: target,
                    index: symbol.index,
                });
            }
        }
        if let Some((enum_name, value_name)) = name.rsplit_once('.') {
            if let Lookup::Found(target, symbol) = self.lookup(file, enum_name) {
                if symbol.kind == DefKind::Enum {
                    return self.enum_value(file, target, symbol.index, value_name, span);
                }
            }
        }
        let diagnostic = self.unresolved(file, name, span, lookup, Wanted::Constant, None);
        self.diagnostics.push(diagnostic);
        None
    }

    /// `name` as a value of the expected enum `def`, the way Apache's compiler reads it: by its
    /// last component alone. A prefix naming `def` itself is the normal case; a prefix naming
    /// another enum that has such a value is left to the caller, which reports the mix-up; any
    /// other prefix is ignored with a warning (Apache's own EnumTest.thrift relies on this).
    fn value_of_expected_enum(
        &mut self,
        file: usize,
        name: &str,
        span: Span,
        def: DefRef,
    ) -> Option<Reference> {
        let (prefix, value_name) = match name.rsplit_once('.') {
            Some((prefix, value_name)) => (Some(prefix), value_name),
            None => (None, name),
        };
        let (def_file, def_index) = (def.file as usize, def.index as usize);
        let value = *self.enum_values[def_file][def_index].get(value_name)?;
        if let Some(prefix) = prefix {
            let named_enum = match self.lookup(file, prefix) {
                Lookup::Found(target, symbol) if symbol.kind == DefKind::Enum => {
                    Some((target, symbol.index))
                }
                _ => None,
            };
            if let Some((target, index)) =
                named_enum.filter(|&named| named != (def_file, def_index))
            {
                if self.enum_values[target][index].contains_key(value_name) {
                    return None;
                }
            }
            if named_enum != Some((def_file, def_index)) {
                let enum_name = &self.scopes[def_file].enums[def_index].name.name;
                self.diagnostics.push(
                    Diagnostic::warning(
                        self.file_id(file),
                        span,
                        format!(
                            "`{name}` is read as `{enum_name}.{value_name}`: \
                             `{prefix}` has no value `{value_name}`"
                        ),
                    )
                    .with_hint(format!("write `{enum_name}.{value_name}`")),
                );
            }
        }
        Some(Reference::EnumValue { def, value })
    }

    /// Value `value_name` of enum `index` of `target`, named in `file`.
    fn enum_value(
        &mut self,
        file: usize,
        target: usize,
        index: usize,
        value_name: &str,
        span: Span,
    ) -> Option<Reference> {
        let def = DefRef {
            file: target as u32,
            index: index as u32,
        };
        if let Some(&value) = self.enum_values[target][index].get(value_name) {
            return Some(Reference::EnumValue { def, value });
        }
        let decl = self.scopes[target].enums[index];
        let names = decl.values.iter().map(|v| v.name.name.as_str());
        let hint = did_you_mean(value_name, names.clone())
            .unwrap_or_else(|| name_list(&decl.name.name, "values", names));
        self.diagnostics.push(
            Diagnostic::error(
                self.file_id(file),
                span,
                format!("enum `{}` has no value `{value_name}`", decl.name.name),
            )
            .with_note(
                self.file_id(target),
                decl.name.span,
                "the enum is defined here",
            )
            .with_hint(hint),
        );
        None
    }
}

#[cfg(test)]
mod tests {
    use super::name_list;
    use crate::ir::Value;
    use crate::resolve::test_support::{compile, errors, ok, warnings};

    fn value_of(text: &str, name: &str) -> Value {
        let program = ok(text);
        let constant = program.files[0].consts.iter().find(|c| c.name == name);
        constant.expect("the constant exists").value.clone()
    }

    #[test]
    fn constants_may_refer_to_later_constants() {
        assert_eq!(
            value_of("const i32 A = B\nconst i32 B = 7", "A"),
            Value::Int(7)
        );
    }

    #[test]
    fn a_reference_is_checked_against_the_referring_type() {
        assert_eq!(
            value_of("const i64 A = 7\nconst double B = A", "B"),
            Value::Double(7.0)
        );
        assert_eq!(
            errors("const i64 BIG = 5000000000\nconst i32 SMALL = BIG"),
            ["constant `BIG` does not fit `i32`: 5000000000 does not fit `i32` (-2147483648..=2147483647)"]
        );
    }

    #[test]
    fn enum_values_are_named_with_or_without_their_enum() {
        let text = "enum E { A = 1, B = 2 }\nconst E X = E.B\nconst E Y = A\nconst i32 Z = E.B";
        assert_eq!(value_of(text, "X"), Value::Int(2));
        assert_eq!(value_of(text, "Y"), Value::Int(1));
        assert_eq!(value_of(text, "Z"), Value::Int(2));
    }

    #[test]
    fn an_enum_value_of_another_enum_or_a_missing_one_is_an_error() {
        let text = "enum C { RED = 1 }\nenum S { BIG = 2 }\nconst C X = S.BIG\nconst C Y = C.REDD";
        let compilation = compile(text);
        let errors: Vec<_> = compilation
            .errors()
            .map(|d| (d.message.as_str(), d.hint.as_deref()))
            .collect();
        assert_eq!(
            errors,
            [
                (
                    "`S.BIG` is a value of enum `S`, not of `C`",
                    Some("name a value of `C`, e.g. `C.RED`")
                ),
                ("enum `C` has no value `REDD`", Some("did you mean `RED`?")),
            ]
        );
    }

    #[test]
    fn a_value_of_the_expected_enum_under_a_wrong_prefix_is_a_warning_as_in_apache() {
        let text = "enum A { X = 1 }\nenum B { Y = 2 }\nconst B C = A.Y";
        assert_eq!(
            warnings(text),
            ["`A.Y` is read as `B.Y`: `A` has no value `Y`"]
        );
        assert_eq!(value_of(text, "C"), Value::Int(2));
    }

    #[test]
    fn a_missing_enum_value_without_a_near_name_lists_the_values() {
        let compilation = compile("enum C { RED, GREEN }\nconst C X = C.BLUE");
        let error = compilation.errors().next().expect("an error");
        assert_eq!(
            error.hint.as_deref(),
            Some("`C` has the values `RED`, `GREEN`")
        );
        let many = ["A", "B", "C", "D", "E", "F", "G"];
        assert_eq!(
            name_list("E", "values", many.into_iter()),
            "`E` has the values `A`, `B`, `C`, `D`, `E`, `F`, …"
        );
    }

    #[test]
    fn unknown_constants_suggest_near_names() {
        let compilation = compile("const i32 TIMEOUT_MS = 1000\nconst i32 RETRY_MS = TIMEOUT_M");
        let error = compilation.errors().next().expect("an error");
        assert_eq!(error.message, "unknown constant `TIMEOUT_M`");
        assert_eq!(error.hint.as_deref(), Some("did you mean `TIMEOUT_MS`?"));
    }

    #[test]
    fn circular_constants_are_reported_once() {
        assert_eq!(
            errors("const i32 A = B\nconst i32 B = C\nconst i32 C = A"),
            ["circular constant: `A` -> `B` -> `C` -> `A`"]
        );
    }

    #[test]
    fn constants_carry_their_type_and_doc() {
        let program = ok("/** Answer. */\nconst i16 X = 42");
        let constant = &program.files[0].consts[0];
        assert_eq!(constant.ty, crate::ir::Ty::I16);
        assert_eq!(constant.doc.as_deref().map(str::trim), Some("Answer."));
    }
}
