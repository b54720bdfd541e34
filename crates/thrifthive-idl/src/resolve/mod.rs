//! Name resolution and semantic checks: the loaded files' syntax trees to the [`ir::Program`].
//!
//! The work runs in phases over all files at once, since definitions refer across includes:
//! [`scope`] builds each file's symbol table; [`enums`] numbers enum values; [`types`] expands
//! typedefs; [`structs`] lays out every struct's fields (ids and types), which struct constants
//! need; then come field defaults, [`services`] and [`consts`]. Typedefs and constants are
//! resolved on first use and memoized, so definition order does not matter and cycles are
//! caught. Problems are collected and never stop the phases, so that all of them show at once.

mod coerce;
mod consts;
mod enums;
mod fields;
mod hash;
mod keywords;
mod memo;
mod scope;
mod services;
mod structs;
mod types;

use crate::ast;
use crate::diagnostic::Diagnostic;
use crate::ir;
use crate::loader::LoadedFile;
use hash::FastMap;
use memo::Memo;
use scope::Scope;

/// Resolves the loaded files (the root first) into the IR. Diagnostics are appended; the IR is
/// returned only when resolution found no errors.
pub fn resolve(files: &[LoadedFile], diagnostics: &mut Vec<Diagnostic>) -> Option<ir::Program> {
    let mut resolver = Resolver::new(files);
    resolver.number_enums();
    let typedefs = resolver.resolve_typedefs();
    resolver.lay_out_structs();
    let structs = resolver.finish_structs();
    let services = resolver.resolve_services();
    let consts = resolver.finish_consts();
    let has_errors = resolver.diagnostics.iter().any(Diagnostic::is_error);
    diagnostics.append(&mut resolver.diagnostics);
    if has_errors {
        return None;
    }
    let files = files
        .iter()
        .zip(std::mem::take(&mut resolver.enums))
        .zip(typedefs.into_iter().zip(consts))
        .zip(structs.into_iter().zip(services))
        .map(
            |(((file, enums), (typedefs, consts)), (structs, services))| {
                ir_file(file, enums, typedefs, consts, structs, services)
            },
        )
        .collect();
    Some(ir::Program { root: 0, files })
}

fn ir_file(
    file: &LoadedFile,
    enums: Vec<ir::Enum>,
    typedefs: Vec<ir::Typedef>,
    consts: Vec<ir::Const>,
    structs: Vec<ir::Struct>,
    services: Vec<ir::Service>,
) -> ir::File {
    let mut namespaces = std::collections::BTreeMap::new();
    let mut cpp_includes = Vec::new();
    for header in &file.document.headers {
        match header {
            ast::Header::Namespace { scope, name, .. } => {
                namespaces.insert(scope.clone(), name.clone());
            }
            ast::Header::CppInclude { path, .. } => cpp_includes.push(path.clone()),
            ast::Header::Include { .. } => {}
        }
    }
    ir::File {
        path: file.path.display().to_string(),
        module: file.module.clone(),
        namespaces,
        includes: file.includes.iter().map(|&i| i as u32).collect(),
        cpp_includes,
        typedefs,
        enums,
        structs,
        consts,
        services,
    }
}

/// State shared by the phases. Per-file tables are indexed like `files`; per-definition tables
/// like the file's definitions of that kind (the order of the IR's vectors).
struct Resolver<'a> {
    files: &'a [LoadedFile],
    scopes: Vec<Scope<'a>>,
    diagnostics: Vec<Diagnostic>,
    enums: Vec<Vec<ir::Enum>>,
    /// Per enum, its value names to values, for constants that name them.
    enum_values: Vec<Vec<FastMap<&'a str, i32>>>,
    /// Per struct, union or exception: field ids, types and a name index.
    layouts: Vec<Vec<fields::Layout<'a>>>,
    typedef_targets: Vec<Vec<Memo<ir::Ty>>>,
    const_values: Vec<Vec<Memo<(ir::Ty, ir::Value)>>>,
    /// Typedefs or constants being resolved, innermost last, to show a cycle's chain.
    resolving: Vec<(usize, &'a ast::Ident)>,
}

impl<'a> Resolver<'a> {
    fn new(files: &'a [LoadedFile]) -> Resolver<'a> {
        let mut diagnostics = Vec::new();
        let scopes: Vec<Scope<'a>> = files
            .iter()
            .map(|file| Scope::build(file, files, &mut diagnostics))
            .collect();
        let typedef_targets = scopes
            .iter()
            .map(|s| Memo::table(s.typedefs.len()))
            .collect();
        let const_values = scopes.iter().map(|s| Memo::table(s.consts.len())).collect();
        Resolver {
            files,
            scopes,
            diagnostics,
            enums: Vec::new(),
            enum_values: Vec::new(),
            layouts: Vec::new(),
            typedef_targets,
            const_values,
            resolving: Vec::new(),
        }
    }

    fn file_id(&self, file: usize) -> crate::FileId {
        self.files[file].id
    }
}

/// Converts annotations as written to the IR's.
fn annotations(annotations: &[ast::Annotation]) -> Vec<ir::Annotation> {
    annotations
        .iter()
        .map(|a| ir::Annotation {
            key: a.key.clone(),
            value: a.value.clone(),
        })
        .collect()
}

#[cfg(test)]
mod test_support;
