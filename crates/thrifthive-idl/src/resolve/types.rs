//! Type resolution: a type as written to an [`ir::Ty`], with named types bound to their
//! definitions and typedefs expanded (each typedef once, memoized; a typedef reached again while
//! it is being expanded is a cycle).

use super::memo::CycleReport;
use super::scope::{DefKind, Wanted};
use super::{annotations, Resolver};
use crate::ast::{self, BaseType, TypeKind};
use crate::ir::{self, DefRef, Ty};
use crate::source::Span;

impl<'a> Resolver<'a> {
    /// Resolves a type written in `file`; `None` after reporting why it does not resolve.
    pub(super) fn resolve_type(&mut self, file: usize, ty: &'a ast::TypeRef) -> Option<Ty> {
        let resolved = match &ty.kind {
            TypeKind::Base(base) => base_type(*base),
            TypeKind::List(elem) => Ty::List {
                elem: Box::new(self.resolve_type(file, elem)?),
            },
            TypeKind::Set(elem) => Ty::Set {
                elem: Box::new(self.resolve_type(file, elem)?),
            },
            TypeKind::Map(key, value) => {
                // Both sides are resolved before giving up, so that both report their errors.
                let key = self.resolve_type(file, key);
                let value = self.resolve_type(file, value);
                Ty::Map {
                    key: Box::new(key?),
                    value: Box::new(value?),
                }
            }
            TypeKind::Named(ident) => return self.resolve_named_type(file, ident),
        };
        Some(resolved)
    }

    fn resolve_named_type(&mut self, file: usize, ident: &'a ast::Ident) -> Option<Ty> {
        let (target, symbol) = self.lookup_kind(file, ident, Wanted::Type, None)?;
        let def = DefRef {
            file: target as u32,
            index: symbol.index as u32,
        };
        match symbol.kind {
            DefKind::Typedef => self.typedef_target(target, symbol.index, file, ident.span),
            DefKind::Enum => Some(Ty::Enum { def }),
            DefKind::Struct(_) => Some(Ty::Struct { def }),
            // `lookup_kind` returns types only.
            DefKind::Const | DefKind::Service => None,
        }
    }

    /// The expanded target of typedef `index` of `file`, referred to at `site` in `site_file`.
    fn typedef_target(
        &mut self,
        file: usize,
        index: usize,
        site_file: usize,
        site: Span,
    ) -> Option<Ty> {
        let decl = self.scopes[file].typedefs[index];
        self.memoized(
            |resolver| &mut resolver.typedef_targets,
            (file, index, &decl.name),
            (site_file, site),
            CycleReport {
                what: "circular typedef",
                hint:
                    "a chain of typedefs must end in a base type, a container, an enum or a struct",
            },
            |resolver| resolver.resolve_type(file, &decl.ty),
        )
    }

    /// Every typedef of every file, expanded.
    pub(super) fn resolve_typedefs(&mut self) -> Vec<Vec<ir::Typedef>> {
        (0..self.files.len())
            .map(|file| {
                let decls = self.scopes[file].typedefs.clone();
                decls
                    .into_iter()
                    .enumerate()
                    .filter_map(|(index, decl)| {
                        let target = self.typedef_target(file, index, file, decl.name.span)?;
                        Some(ir::Typedef {
                            name: decl.name.name.clone(),
                            target,
                            annotations: annotations(&decl.annotations),
                            doc: decl.doc.clone(),
                        })
                    })
                    .collect()
            })
            .collect()
    }

    /// A type as Thrift writes it, for messages: `i32`, `list<string>`, `User`.
    pub(super) fn type_name(&self, ty: &Ty) -> String {
        match ty {
            Ty::Bool => "bool".into(),
            Ty::Byte => "i8".into(),
            Ty::I16 => "i16".into(),
            Ty::I32 => "i32".into(),
            Ty::I64 => "i64".into(),
            Ty::Double => "double".into(),
            Ty::String => "string".into(),
            Ty::Binary => "binary".into(),
            Ty::Uuid => "uuid".into(),
            Ty::List { elem } => format!("list<{}>", self.type_name(elem)),
            Ty::Set { elem } => format!("set<{}>", self.type_name(elem)),
            Ty::Map { key, value } => {
                format!("map<{}, {}>", self.type_name(key), self.type_name(value))
            }
            Ty::Enum { def } => self.scopes[def.file as usize].enums[def.index as usize]
                .name
                .name
                .clone(),
            Ty::Struct { def } => self.scopes[def.file as usize].structs[def.index as usize]
                .name
                .name
                .clone(),
        }
    }
}

fn base_type(base: BaseType) -> Ty {
    match base {
        BaseType::Bool => Ty::Bool,
        BaseType::I8 => Ty::Byte,
        BaseType::I16 => Ty::I16,
        BaseType::I32 => Ty::I32,
        BaseType::I64 => Ty::I64,
        BaseType::Double => Ty::Double,
        BaseType::String => Ty::String,
        BaseType::Binary => Ty::Binary,
        BaseType::Uuid => Ty::Uuid,
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::{DefRef, Ty};
    use crate::resolve::test_support::{compile, errors, ok};

    #[test]
    fn typedefs_expand_to_their_final_target() {
        let program =
            ok("typedef i64 Id\ntypedef list<Id> Ids\nstruct S { 1: Ids ids, 2: map<Id, S> m }");
        let file = &program.files[0];
        let list_of_i64 = Ty::List {
            elem: Box::new(Ty::I64),
        };
        assert_eq!(file.typedefs[1].target, list_of_i64);
        assert_eq!(file.structs[0].fields[0].ty, list_of_i64);
        let me = Ty::Struct {
            def: DefRef { file: 0, index: 0 },
        };
        assert_eq!(
            file.structs[0].fields[1].ty,
            Ty::Map {
                key: Box::new(Ty::I64),
                value: Box::new(me)
            }
        );
    }

    #[test]
    fn a_typedef_may_come_after_its_use() {
        ok("struct S { 1: Later x }\ntypedef Other Later\nenum Other { A }");
    }

    #[test]
    fn unknown_types_suggest_near_names_and_base_types() {
        let compilation = compile("typedef i64 UserId\nstruct U { 1: UserID id, 2: strin name }");
        let hints: Vec<_> = compilation
            .errors()
            .map(|d| (d.message.as_str(), d.hint.as_deref()))
            .collect();
        assert_eq!(
            hints,
            [
                ("unknown type `UserID`", Some("did you mean `UserId`?")),
                ("unknown type `strin`", Some("did you mean `string`?")),
            ]
        );
    }

    #[test]
    fn services_and_constants_are_not_types() {
        assert_eq!(
            errors("service Svc {}\nconst i32 C = 1\nstruct S { 1: Svc a, 2: C b }"),
            [
                "`Svc` is a service, not a type",
                "`C` is a constant, not a type"
            ]
        );
    }

    #[test]
    fn an_unknown_module_prefix_suggests_an_include() {
        let compilation = compile("struct S { 1: shared.User u }");
        let error = compilation.errors().next().expect("an error");
        assert_eq!(
            error.message,
            "unknown type `shared.User`: no included file is named `shared`"
        );
        assert_eq!(
            error.hint.as_deref(),
            Some("add `include \"shared.thrift\"` to refer to its definitions")
        );
    }

    #[test]
    fn circular_typedefs_are_reported_once_with_their_chain() {
        assert_eq!(
            errors("typedef B A\ntypedef list<A> B\nstruct S { 1: A a }"),
            ["circular typedef: `A` -> `B` -> `A`"]
        );
        assert_eq!(errors("typedef T T"), ["circular typedef: `T` -> `T`"]);
    }
}
