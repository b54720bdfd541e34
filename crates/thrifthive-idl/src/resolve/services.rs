//! Services: `extends` (a service, possibly from an included file; a cycle is an error), method
//! names (unique within the service and against every inherited method), oneway methods (void
//! and without throws), argument lists, and throws clauses (exceptions only).

use super::fields::FieldList;
use super::hash::{map_with_capacity, FastMap};
use super::scope::Wanted;
use super::{annotations, keywords, Resolver};
use crate::ast::{self, StructKind};
use crate::diagnostic::Diagnostic;
use crate::ir::{self, DefRef, Ty};
use crate::source::Span;

/// Per file, per service: a value.
type PerService<T> = Vec<Vec<T>>;

/// How far the walk up the extends chains has got with a service.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Visit {
    New,
    /// On the chain being walked: reaching it again closes a cycle.
    OnPath,
    /// Its whole chain is known to end.
    Done,
}

impl<'a> Resolver<'a> {
    /// Every service of every file.
    pub(super) fn resolve_services(&mut self) -> Vec<Vec<ir::Service>> {
        let parents = self.resolve_extends();
        let methods = self.method_tables();
        self.check_inherited_methods(&parents, &methods);
        (0..self.files.len())
            .map(|file| {
                let decls = self.scopes[file].services.clone();
                decls
                    .into_iter()
                    .zip(&parents[file])
                    .map(|(decl, parent)| ir::Service {
                        name: decl.name.name.clone(),
                        extends: *parent,
                        functions: decl
                            .functions
                            .iter()
                            .map(|f| self.resolve_function(file, f))
                            .collect(),
                        annotations: annotations(&decl.annotations),
                        doc: decl.doc.clone(),
                    })
                    .collect()
            })
            .collect()
    }

    /// Each service's parent; a parent that closes a cycle is reported and dropped, so that
    /// walking up from any service ends.
    fn resolve_extends(&mut self) -> PerService<Option<DefRef>> {
        let mut parents: PerService<Option<DefRef>> = Vec::with_capacity(self.files.len());
        for file in 0..self.files.len() {
            let decls = self.scopes[file].services.clone();
            let file_parents = decls
                .iter()
                .map(|decl| {
                    let own_name = Some(decl.name.name.as_str());
                    let parent = decl.extends.as_ref()?;
                    let (target, symbol) =
                        self.lookup_kind(file, parent, Wanted::Service, own_name)?;
                    Some(def_ref(target, symbol.index))
                })
                .collect();
            parents.push(file_parents);
        }
        let mut visits: PerService<Visit> =
            parents.iter().map(|p| vec![Visit::New; p.len()]).collect();
        for file in 0..parents.len() {
            for index in 0..parents[file].len() {
                let mut path: Vec<DefRef> = Vec::new();
                let mut current = Some(def_ref(file, index));
                while let Some(service) = current {
                    let (f, i) = (service.file as usize, service.index as usize);
                    match visits[f][i] {
                        Visit::Done => break,
                        Visit::OnPath => {
                            let start = path.iter().position(|&s| s == service).unwrap_or(0);
                            let last = *path.last().expect("a service on the path");
                            self.report_extends_cycle(&path[start..], last);
                            parents[last.file as usize][last.index as usize] = None;
                            break;
                        }
                        Visit::New => {
                            visits[f][i] = Visit::OnPath;
                            path.push(service);
                            current = parents[f][i];
                        }
                    }
                }
                for service in path {
                    visits[service.file as usize][service.index as usize] = Visit::Done;
                }
            }
        }
        parents
    }

    /// Reports the cycle `cycle` at the `extends` of `last`, the service that closes it.
    fn report_extends_cycle(&mut self, cycle: &[DefRef], last: DefRef) {
        let site_file = last.file as usize;
        let name = |service: &DefRef| {
            let decl = self.scopes[service.file as usize].services[service.index as usize];
            if service.file as usize == site_file {
                format!("`{}`", decl.name.name)
            } else {
                format!(
                    "`{}.{}`",
                    self.files[service.file as usize].module, decl.name.name
                )
            }
        };
        let chain: Vec<String> = cycle.iter().chain(&cycle[..1]).map(name).collect();
        let decl = self.scopes[site_file].services[last.index as usize];
        let span = decl.extends.as_ref().map_or(decl.name.span, |e| e.span);
        self.diagnostics.push(
            Diagnostic::error(
                self.file_id(site_file),
                span,
                format!("cyclic service extends: {}", chain.join(" -> ")),
            )
            .with_hint("a service cannot inherit from itself: remove one of the `extends`"),
        );
    }

    /// Each service's method names; reports methods defined twice and Python keywords.
    fn method_tables(&mut self) -> PerService<FastMap<&'a str, Span>> {
        let mut tables = Vec::with_capacity(self.files.len());
        for file in 0..self.files.len() {
            let file_id = self.file_id(file);
            let decls = self.scopes[file].services.clone();
            let mut file_tables = Vec::with_capacity(decls.len());
            for decl in decls {
                let mut table: FastMap<&'a str, Span> = map_with_capacity(decl.functions.len());
                for function in &decl.functions {
                    keywords::warn(
                        &mut self.diagnostics,
                        file_id,
                        &function.name,
                        keywords::Role::Method,
                    );
                    let name = function.name.name.as_str();
                    if let Some(&first) = table.get(name) {
                        self.diagnostics.push(
                            Diagnostic::error(
                                file_id,
                                function.name.span,
                                format!(
                                    "`{name}` is defined twice in service `{}`",
                                    decl.name.name
                                ),
                            )
                            .with_note(file_id, first, "first defined here")
                            .with_hint("rename one of the methods: Thrift has no overloading"),
                        );
                    } else {
                        table.insert(name, function.name.span);
                    }
                }
                file_tables.push(table);
            }
            tables.push(file_tables);
        }
        tables
    }

    /// Reports methods that an ancestor already defines. Only names defined by more than one
    /// service need the walk up the extends chain.
    fn check_inherited_methods(
        &mut self,
        parents: &PerService<Option<DefRef>>,
        methods: &PerService<FastMap<&'a str, Span>>,
    ) {
        let mut definers: FastMap<&str, Vec<DefRef>> = FastMap::default();
        for (file, tables) in methods.iter().enumerate() {
            for (index, table) in tables.iter().enumerate() {
                for &name in table.keys() {
                    definers.entry(name).or_default().push(def_ref(file, index));
                }
            }
        }
        for (file, decls) in self.scopes.iter().enumerate() {
            for (index, decl) in decls.services.iter().enumerate() {
                for function in &decl.functions {
                    let name = function.name.name.as_str();
                    let Some(services) = definers.get(name).filter(|s| s.len() > 1) else {
                        continue;
                    };
                    let mut ancestor = parents[file][index];
                    while let Some(parent) = ancestor {
                        let (f, i) = (parent.file as usize, parent.index as usize);
                        if services.contains(&parent) {
                            let parent_decl = self.scopes[f].services[i];
                            self.diagnostics.push(
                                Diagnostic::error(
                                    self.files[file].id,
                                    function.name.span,
                                    format!(
                                        "`{name}` is already defined in `{}`, which `{}` extends",
                                        parent_decl.name.name, decl.name.name
                                    ),
                                )
                                .with_note(
                                    self.files[f].id,
                                    methods[f][i][name],
                                    "inherited from here",
                                )
                                .with_hint("rename the method: Thrift has no overriding"),
                            );
                            break;
                        }
                        ancestor = parents[f][i];
                    }
                }
            }
        }
    }

    fn resolve_function(&mut self, file: usize, function: &'a ast::Function) -> ir::Function {
        let file_id = self.file_id(file);
        let name = function.name.name.as_str();
        if function.oneway && function.return_type.is_some() {
            self.diagnostics.push(
                Diagnostic::error(
                    file_id,
                    function.return_span,
                    format!("oneway method `{name}` must return void"),
                )
                .with_hint("a oneway call gets no reply: return `void`, or drop `oneway`"),
            );
        }
        if let (true, Some(first), Some(last)) = (
            function.oneway,
            function.throws.first(),
            function.throws.last(),
        ) {
            self.diagnostics.push(
                Diagnostic::error(
                    file_id,
                    first.span.to(last.span),
                    format!("oneway method `{name}` cannot throw"),
                )
                .with_hint(
                    "a oneway call gets no reply to carry an exception: \
                         remove the throws clause, or drop `oneway`",
                ),
            );
        }
        let return_type = function
            .return_type
            .as_ref()
            .and_then(|ty| self.resolve_type(file, ty));
        let arguments = FieldList::Arguments(name);
        let layout = self.lay_out_fields(file, &function.params, arguments);
        let params = self.finish_fields(file, &function.params, layout.fields, arguments);
        let throws_list = FieldList::Throws(name);
        let layout = self.lay_out_fields(file, &function.throws, throws_list);
        for (field, sig) in function.throws.iter().zip(&layout.fields) {
            if let Some(ty) = &sig.ty {
                self.check_exception(file, field, ty);
            }
        }
        let throws = self.finish_fields(file, &function.throws, layout.fields, throws_list);
        ir::Function {
            name: name.to_string(),
            oneway: function.oneway,
            return_type,
            params,
            throws,
            annotations: annotations(&function.annotations),
            doc: function.doc.clone(),
        }
    }

    fn check_exception(&mut self, file: usize, field: &ast::Field, ty: &Ty) {
        if let Ty::Struct { def } = ty {
            if self.scopes[def.file as usize].structs[def.index as usize].kind
                == StructKind::Exception
            {
                return;
            }
        }
        let diagnostic = Diagnostic::error(
            self.file_id(file),
            field.ty.span,
            format!(
                "`{}` is not an exception: a throws clause lists exceptions only",
                self.type_name(ty)
            ),
        )
        .with_hint("declare the type with `exception` to throw it");
        self.diagnostics.push(diagnostic);
    }
}

fn def_ref(file: usize, index: usize) -> DefRef {
    DefRef {
        file: file as u32,
        index: index as u32,
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::{DefRef, Ty};
    use crate::resolve::test_support::{errors, ok, warnings};

    #[test]
    fn methods_resolve_their_types_and_parents() {
        let program = ok("exception E {}\nservice A { i32 f(1: string s) throws (1: E e) }\nservice B extends A { oneway void g() }");
        let services = &program.files[0].services;
        assert_eq!(services[1].extends, Some(DefRef { file: 0, index: 0 }));
        let f = &services[0].functions[0];
        assert_eq!(f.return_type, Some(Ty::I32));
        assert_eq!((f.params[0].id, f.params[0].ty.clone()), (1, Ty::String));
        assert_eq!(
            f.throws[0].ty,
            Ty::Struct {
                def: DefRef { file: 0, index: 0 }
            }
        );
        assert!(services[1].functions[0].oneway);
    }

    #[test]
    fn method_names_are_unique_including_inherited_ones() {
        assert_eq!(
            errors("service A { void ping(), void ping() }"),
            ["`ping` is defined twice in service `A`"]
        );
        assert_eq!(
            errors("service A { void ping() }\nservice B extends A {}\nservice C extends B { void ping() }"),
            ["`ping` is already defined in `A`, which `C` extends"]
        );
    }

    #[test]
    fn extends_must_name_a_service_and_not_close_a_cycle() {
        assert_eq!(
            errors("struct S {}\nservice A extends S {}\nservice B extends Nope {}\nservice L extends R {}\nservice R extends L {}"),
            [
                "`S` is a struct, not a service",
                "unknown service `Nope`",
                "cyclic service extends: `L` -> `R` -> `L`",
            ]
        );
    }

    #[test]
    fn a_cycle_is_reported_once_even_when_reached_from_outside() {
        let text = "service D extends A {}\nservice A extends B {}\n\
                    service B extends C {}\nservice C extends B {}";
        assert_eq!(errors(text), ["cyclic service extends: `B` -> `C` -> `B`"]);
    }

    #[test]
    fn oneway_methods_return_void_and_throw_nothing() {
        assert_eq!(
            errors("exception E {}\nservice A { oneway i32 f(), oneway void g() throws (1: E e) }"),
            [
                "oneway method `f` must return void",
                "oneway method `g` cannot throw"
            ]
        );
    }

    #[test]
    fn throws_lists_exceptions_only() {
        assert_eq!(
            errors("struct S {}\ntypedef S T\nservice A { void f() throws (1: S s, 2: T t, 3: i32 i) }"),
            [
                "`S` is not an exception: a throws clause lists exceptions only",
                "`S` is not an exception: a throws clause lists exceptions only",
                "`i32` is not an exception: a throws clause lists exceptions only",
            ]
        );
    }

    #[test]
    fn python_keywords_as_names_are_warnings() {
        assert_eq!(
            warnings("service S { void return(1: i32 from) }"),
            [
                "`return` is a Python keyword: Python code reaches this method only through getattr()",
                "`from` is a Python keyword: Python code can pass this argument only by position or through **kwargs",
            ]
        );
    }
}
