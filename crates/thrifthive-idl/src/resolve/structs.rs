//! Structs, unions and exceptions: their field lists are laid out first (ids and types, which
//! struct constants need) and finished last (default values, which may name constants).

use super::fields::FieldList;
use super::{annotations, Resolver};
use crate::ir;

impl Resolver<'_> {
    /// Lays out every struct's fields; fills `layouts`.
    pub(super) fn lay_out_structs(&mut self) {
        for file in 0..self.files.len() {
            let decls = self.scopes[file].structs.clone();
            let layouts = decls
                .into_iter()
                .map(|decl| {
                    self.lay_out_fields(
                        file,
                        &decl.fields,
                        FieldList::Struct(decl.kind, &decl.name.name),
                    )
                })
                .collect();
            self.layouts.push(layouts);
        }
    }

    /// Every struct of every file, with its fields' default values.
    pub(super) fn finish_structs(&mut self) -> Vec<Vec<ir::Struct>> {
        (0..self.files.len())
            .map(|file| {
                let decls = self.scopes[file].structs.clone();
                decls
                    .into_iter()
                    .enumerate()
                    .map(|(index, decl)| {
                        let sigs = self.layouts[file][index].fields.clone();
                        let list = FieldList::Struct(decl.kind, &decl.name.name);
                        ir::Struct {
                            name: decl.name.name.clone(),
                            kind: decl.kind,
                            fields: self.finish_fields(file, &decl.fields, sigs, list),
                            annotations: annotations(&decl.annotations),
                            doc: decl.doc.clone(),
                        }
                    })
                    .collect()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::{DefRef, StructKind, Ty, Value};
    use crate::resolve::test_support::ok;

    #[test]
    fn structs_unions_and_exceptions_keep_their_kind_and_order() {
        let program = ok("struct A {}\nunion B { 1: A a }\nexception C { 1: string why }");
        let kinds: Vec<(&str, StructKind)> = program.files[0]
            .structs
            .iter()
            .map(|s| (s.name.as_str(), s.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                ("A", StructKind::Struct),
                ("B", StructKind::Union),
                ("C", StructKind::Exception)
            ]
        );
        let field = &program.files[0].structs[1].fields[0];
        assert_eq!(
            field.ty,
            Ty::Struct {
                def: DefRef { file: 0, index: 0 }
            }
        );
    }

    #[test]
    fn a_default_may_be_a_struct_written_as_a_map() {
        let program = ok("struct P { 1: i32 x, 2: i32 y }\nstruct L { 1: P start = {'x': 1} }");
        let default = program.files[0].structs[1].fields[0].default.clone();
        let Some(Value::Struct(fields)) = default else {
            panic!("struct default expected, got {default:?}")
        };
        assert_eq!((fields[0].id, fields[0].name.as_str()), (1, "x"));
    }
}
