//! Symbol tables: the names each file defines and the modules it includes, how a name (bare for
//! the file's own definitions, `module.Name` for a direct include's) is looked up, and the
//! diagnostic for a name that does not resolve, with a did-you-mean over the visible names.

use super::hash::{map_with_capacity, FastMap};
use super::{keywords, Resolver};
use crate::ast::{self, Definition, StructKind};
use crate::diagnostic::{closest_name, did_you_mean, Diagnostic};
use crate::loader::LoadedFile;
use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum DefKind {
    Typedef,
    Enum,
    Struct(StructKind),
    Const,
    Service,
}

impl DefKind {
    fn with_article(self) -> &'static str {
        match self {
            DefKind::Typedef => "a typedef",
            DefKind::Enum => "an enum",
            DefKind::Struct(StructKind::Struct) => "a struct",
            DefKind::Struct(StructKind::Union) => "a union",
            DefKind::Struct(StructKind::Exception) => "an exception",
            DefKind::Const => "a constant",
            DefKind::Service => "a service",
        }
    }
}

/// A definition: its kind, its index among the file's definitions of that kind, and the span of
/// its name.
#[derive(Clone, Copy, Debug)]
pub(super) struct Symbol {
    pub kind: DefKind,
    pub index: usize,
    pub span: Span,
}

/// One file's definitions, per kind in source order, and its names.
pub(super) struct Scope<'a> {
    pub symbols: FastMap<&'a str, Symbol>,
    /// Module name of each direct include to the included file's index.
    pub modules: FastMap<&'a str, usize>,
    pub typedefs: Vec<&'a ast::Typedef>,
    pub enums: Vec<&'a ast::Enum>,
    pub structs: Vec<&'a ast::StructLike>,
    pub consts: Vec<&'a ast::Const>,
    pub services: Vec<&'a ast::Service>,
}

impl<'a> Scope<'a> {
    /// Indexes a file's definitions, reporting duplicate names and Python keywords.
    pub fn build(
        file: &'a LoadedFile,
        files: &'a [LoadedFile],
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Scope<'a> {
        let mut scope = Scope {
            symbols: map_with_capacity(file.document.definitions.len()),
            modules: file
                .includes
                .iter()
                .map(|&i| (files[i].module.as_str(), i))
                .collect(),
            typedefs: Vec::new(),
            enums: Vec::new(),
            structs: Vec::new(),
            consts: Vec::new(),
            services: Vec::new(),
        };
        for definition in &file.document.definitions {
            let (kind, index) = match definition {
                Definition::Typedef(d) => (DefKind::Typedef, push(&mut scope.typedefs, d)),
                Definition::Enum(d) => (DefKind::Enum, push(&mut scope.enums, d)),
                Definition::Struct(d) => (DefKind::Struct(d.kind), push(&mut scope.structs, d)),
                Definition::Const(d) => (DefKind::Const, push(&mut scope.consts, d)),
                Definition::Service(d) => (DefKind::Service, push(&mut scope.services, d)),
            };
            let name = definition.name();
            keywords::warn(diagnostics, file.id, name, keywords::Role::Definition);
            let symbol = Symbol {
                kind,
                index,
                span: name.span,
            };
            if let Some(first) = scope.symbols.get(name.name.as_str()) {
                diagnostics.push(
                    Diagnostic::error(
                        file.id,
                        name.span,
                        format!("`{}` is defined twice", name.name),
                    )
                    .with_note(file.id, first.span, "first defined here")
                    .with_hint("rename one of the definitions"),
                );
            } else {
                scope.symbols.insert(&name.name, symbol);
            }
        }
        scope
    }
}

fn push<'a, T>(list: &mut Vec<&'a T>, item: &'a T) -> usize {
    list.push(item);
    list.len() - 1
}

/// What a name in some position must resolve to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Wanted {
    Type,
    Service,
    Constant,
}

impl Wanted {
    fn noun(self) -> &'static str {
        match self {
            Wanted::Type => "type",
            Wanted::Service => "service",
            Wanted::Constant => "constant",
        }
    }

    fn what_qualifies(self) -> &'static str {
        match self {
            Wanted::Type => {
                "a type is a base type, a container, a typedef, an enum, a struct, \
                             a union or an exception"
            }
            Wanted::Service => "a service extends another service",
            Wanted::Constant => "a constant value names a constant or an enum value",
        }
    }

    fn accepts(self, kind: DefKind) -> bool {
        match self {
            Wanted::Type => matches!(kind, DefKind::Typedef | DefKind::Enum | DefKind::Struct(_)),
            Wanted::Service => kind == DefKind::Service,
            Wanted::Constant => kind == DefKind::Const,
        }
    }
}

/// The outcome of looking a name up in a file.
#[derive(Clone, Copy, Debug)]
pub(super) enum Lookup<'n> {
    /// The file holding the definition, and the definition.
    Found(usize, Symbol),
    NotFound,
    /// A `module.` prefix that names no direct include.
    UnknownModule(&'n str),
}

/// Suggested for misspelt type names besides the definitions.
const BASE_TYPE_NAMES: [&str; 10] = [
    "bool", "byte", "i8", "i16", "i32", "i64", "double", "string", "binary", "uuid",
];

impl Resolver<'_> {
    /// Looks `name` up as seen from `file`: bare names among its own definitions, `module.Name`
    /// among a directly included file's.
    pub(super) fn lookup<'n>(&self, file: usize, name: &'n str) -> Lookup<'n> {
        let (target, local) = match name.rsplit_once('.') {
            None => (file, name),
            Some((module, local)) => match self.scopes[file].modules.get(module) {
                Some(&target) => (target, local),
                None => return Lookup::UnknownModule(module),
            },
        };
        match self.scopes[target].symbols.get(local) {
            Some(&symbol) => Lookup::Found(target, symbol),
            None => Lookup::NotFound,
        }
    }

    /// Looks up a name that must be a definition of the `wanted` kind, reporting it otherwise.
    pub(super) fn lookup_kind(
        &mut self,
        file: usize,
        ident: &ast::Ident,
        wanted: Wanted,
        except: Option<&str>,
    ) -> Option<(usize, Symbol)> {
        match self.lookup(file, &ident.name) {
            Lookup::Found(target, symbol) if wanted.accepts(symbol.kind) => Some((target, symbol)),
            lookup => {
                let diagnostic =
                    self.unresolved(file, &ident.name, ident.span, lookup, wanted, except);
                self.diagnostics.push(diagnostic);
                None
            }
        }
    }

    /// The error for a name that did not resolve to a definition of the `wanted` kind. `except`
    /// is never suggested (the definition being resolved: a service cannot extend itself).
    pub(super) fn unresolved(
        &self,
        file: usize,
        name: &str,
        span: Span,
        lookup: Lookup,
        wanted: Wanted,
        except: Option<&str>,
    ) -> Diagnostic {
        let file_id = self.file_id(file);
        let noun = wanted.noun();
        match lookup {
            Lookup::Found(target, symbol) => Diagnostic::error(
                file_id,
                span,
                format!("`{name}` is {}, not a {noun}", symbol.kind.with_article()),
            )
            .with_note(self.file_id(target), symbol.span, "defined here")
            .with_hint(wanted.what_qualifies()),
            Lookup::NotFound => {
                let mut candidates = self.visible_names(file, wanted);
                candidates.retain(|candidate| Some(candidate.as_str()) != except);
                // The commonest slip across files: an included definition without its prefix.
                let prefixed = candidates
                    .iter()
                    .find(|c| c.rsplit_once('.').is_some_and(|(_, local)| local == name));
                let hint = match prefixed {
                    Some(prefixed) => Some(format!("did you mean `{prefixed}`?")),
                    None => {
                        let base_types: &[&str] = if wanted == Wanted::Type {
                            &BASE_TYPE_NAMES
                        } else {
                            &[]
                        };
                        let names = candidates
                            .iter()
                            .map(String::as_str)
                            .chain(base_types.iter().copied());
                        did_you_mean(name, names)
                    }
                };
                let hint = hint.unwrap_or_else(|| {
                    format!(
                        "define `{name}`, or include the file that defines it and write \
                         `module.{name}`"
                    )
                });
                Diagnostic::error(file_id, span, format!("unknown {noun} `{name}`")).with_hint(hint)
            }
            Lookup::UnknownModule(module) => {
                let mut modules: Vec<&str> = self.scopes[file].modules.keys().copied().collect();
                modules.sort_unstable();
                let local = &name[module.len() + 1..];
                let hint = match closest_name(module, modules) {
                    Some(near) => format!("did you mean `{near}.{local}`?"),
                    None => {
                        format!("add `include \"{module}.thrift\"` to refer to its definitions")
                    }
                };
                Diagnostic::error(
                    file_id,
                    span,
                    format!("unknown {noun} `{name}`: no included file is named `{module}`"),
                )
                .with_hint(hint)
            }
        }
    }

    /// Names of the wanted kind visible from `file`: its own, and `module.Name` for its includes;
    /// sorted, so that a tie between two near names always suggests the same one.
    fn visible_names(&self, file: usize, wanted: Wanted) -> Vec<String> {
        let scope = &self.scopes[file];
        let local = scope
            .symbols
            .iter()
            .filter(|(_, s)| wanted.accepts(s.kind))
            .map(|(name, _)| name.to_string());
        let included = scope.modules.iter().flat_map(|(module, &target)| {
            self.scopes[target]
                .symbols
                .iter()
                .filter(|(_, s)| wanted.accepts(s.kind))
                .map(move |(name, _)| format!("{module}.{name}"))
        });
        let mut names: Vec<String> = local.chain(included).collect();
        names.sort_unstable();
        names
    }
}

/// "`Color` has the values `RED`, `GREEN`": a hint when no name is near enough to suggest.
pub(super) fn name_list<'n>(
    owner: &str,
    what: &str,
    names: impl ExactSizeIterator<Item = &'n str>,
) -> String {
    const SHOWN: usize = 6;
    if names.len() == 0 {
        return format!("`{owner}` has no {what}");
    }
    let more = if names.len() > SHOWN { ", …" } else { "" };
    let shown: Vec<String> = names.take(SHOWN).map(|n| format!("`{n}`")).collect();
    format!("`{owner}` has the {what} {}{more}", shown.join(", "))
}

#[cfg(test)]
mod tests {
    use crate::resolve::test_support::{compile, errors, warnings};

    #[test]
    fn a_name_is_defined_once_per_file_whatever_the_kind() {
        let compilation = compile("struct User {}\nenum User { A }\nconst i32 User = 1");
        let errors: Vec<_> = compilation.errors().collect();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].message, "`User` is defined twice");
        assert_eq!(errors[0].notes[0].message, "first defined here");
        assert_eq!(errors[0].notes[0].span.start, 7);
    }

    #[test]
    fn definitions_named_with_python_keywords_are_warnings() {
        assert_eq!(
            warnings("struct return {}\ntypedef i32 None"),
            [
                "`return` is a Python keyword: Python code reaches this definition only through getattr() on its module",
                "`None` is a Python keyword: Python code reaches this definition only through getattr() on its module",
            ]
        );
    }

    #[test]
    fn near_name_suggestions_are_deterministic() {
        // Both candidates are one edit away; the sorted order makes the choice stable.
        for _ in 0..5 {
            let compilation = compile("struct UserA {}\nstruct UserB {}\nstruct S { 1: UserC u }");
            let error = compilation.errors().next().expect("an error");
            assert_eq!(error.hint.as_deref(), Some("did you mean `UserA`?"));
        }
    }

    #[test]
    fn every_unresolved_name_gets_a_hint() {
        let compilation = compile("service Svc {}\nstruct S { 1: Svc a, 2: Zzzzzz b }");
        let hints: Vec<_> = compilation.errors().map(|d| d.hint.clone()).collect();
        assert_eq!(
            hints,
            [
                Some(
                    "a type is a base type, a container, a typedef, an enum, a struct, a union \
                     or an exception"
                        .to_string()
                ),
                Some(
                    "define `Zzzzzz`, or include the file that defines it and write `module.Zzzzzz`"
                        .to_string()
                ),
            ]
        );
    }

    #[test]
    fn a_dotted_prefix_must_name_an_include() {
        assert_eq!(
            errors("struct S { 1: a.b.C c }"),
            ["unknown type `a.b.C`: no included file is named `a.b`"]
        );
    }
}
