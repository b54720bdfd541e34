//! Reads the root file and everything it includes, parses each file once, and hands the parsed
//! files to the resolver.
//!
//! An include is looked up relative to the including file's directory, then in each include
//! directory in order. Files are identified by their canonical path, so a file reached twice (a
//! diamond) is loaded once; a file reached again while its own includes are still being loaded
//! closes a cycle, which is an error here rather than a crash as in Apache's compiler.

use crate::ast::{Document, Header};
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, SourceMap, Span};
use crate::{parser, resolve, Compilation, Options};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What to compile: a file on disk, or IDL text held in memory under a name.
pub enum Root {
    Path(PathBuf),
    Source { name: PathBuf, text: String },
}

/// One parsed file, as the resolver receives it.
#[derive(Debug)]
pub struct LoadedFile {
    pub id: FileId,
    /// The path as the user gave it or as an include resolved it (not canonicalized).
    pub path: PathBuf,
    /// The file's base name without `.thrift`: the prefix other files use to refer into it.
    pub module: String,
    pub document: Document,
    /// Indexes into the loaded files of the files this one includes, in the order written.
    pub includes: Vec<usize>,
}

/// Loads `root` and its includes, then resolves them. The root is the first loaded file.
pub fn compile(root: Root, options: &Options) -> Compilation {
    let mut loader = Loader {
        options,
        sources: SourceMap::default(),
        diagnostics: Vec::new(),
        files: Vec::new(),
        names: Vec::new(),
        by_key: HashMap::new(),
        loading: Vec::new(),
    };
    let loaded_root = match root {
        Root::Path(path) => match std::fs::read_to_string(&path) {
            Ok(text) => {
                let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
                let name = path.display().to_string();
                Some(loader.load(path, dir, name, text))
            }
            Err(error) => {
                let id = loader.sources.add(path.clone(), String::new());
                loader.diagnostics.push(
                    Diagnostic::error(
                        id,
                        Span::default(),
                        format!("cannot read `{}`: {error}", path.display()),
                    )
                    .with_hint("check the path and the file's permissions"),
                );
                None
            }
        },
        // In-memory text has no directory of its own: its includes are looked up from the
        // current directory.
        Root::Source { name, text } => {
            let display = name.display().to_string();
            Some(loader.load(name, PathBuf::new(), display, text))
        }
    };
    let mut diagnostics = loader.diagnostics;
    let program = loaded_root.and_then(|_| resolve::resolve(&loader.files, &mut diagnostics));
    diagnostics.sort_by_key(|d| (d.file, d.span.start));
    let has_errors = diagnostics.iter().any(Diagnostic::is_error);
    Compilation {
        sources: loader.sources,
        diagnostics,
        program: program.filter(|_| !has_errors),
    }
}

struct Loader<'o> {
    options: &'o Options,
    sources: SourceMap,
    diagnostics: Vec<Diagnostic>,
    files: Vec<LoadedFile>,
    /// Per loaded file, how it was named (the root's path or the include literal), for cycle
    /// messages.
    names: Vec<String>,
    /// Canonical path to loaded-file index.
    by_key: HashMap<PathBuf, usize>,
    /// The chain of files whose includes are being loaded, root first.
    loading: Vec<usize>,
}

impl Loader<'_> {
    /// Registers and parses one file, then loads its includes depth first: first from `dir`,
    /// then from the include directories. `name` is how the file was named, for cycle messages.
    fn load(&mut self, path: PathBuf, dir: PathBuf, name: String, text: String) -> usize {
        let id = self.sources.add(path.clone(), text);
        let parsed = parser::parse(id, &self.sources.file(id).text);
        self.diagnostics.extend(parsed.diagnostics);
        let index = self.files.len();
        let key = canonical_key(&path);
        self.by_key.insert(key, index);
        self.names.push(name);
        let includes: Vec<(String, Span)> = parsed
            .document
            .headers
            .iter()
            .filter_map(|header| match header {
                Header::Include { path, span } => Some((path.clone(), *span)),
                _ => None,
            })
            .collect();
        self.files.push(LoadedFile {
            id,
            module: module_name(&path),
            path,
            document: parsed.document,
            includes: Vec::new(),
        });
        self.loading.push(index);
        let mut modules = HashMap::new();
        for (literal, span) in includes {
            if let Some(included) = self.load_include(index, &dir, &literal, span) {
                self.link(index, included, &literal, span, &mut modules);
            }
        }
        self.loading.pop();
        index
    }

    /// Records that file `from` includes file `included` (through `literal` at `span`), unless
    /// it already includes that file or another file with the same module name. `modules` maps
    /// the module names `from` includes so far to their file and include span.
    fn link(
        &mut self,
        from: usize,
        included: usize,
        literal: &str,
        span: Span,
        modules: &mut HashMap<String, (usize, Span)>,
    ) {
        let id = self.files[from].id;
        let module = &self.files[included].module;
        let diagnostic = match modules.get(module) {
            None => {
                modules.insert(module.clone(), (included, span));
                self.files[from].includes.push(included);
                return;
            }
            Some(&(first, first_span)) if first == included => {
                Diagnostic::warning(id, span, format!("`{literal}` is included twice"))
                    .with_note(id, first_span, "first included here")
                    .with_hint("remove the second include")
            }
            Some(&(_, first_span)) => Diagnostic::error(
                id,
                span,
                format!("two included files share the module name `{module}`"),
            )
            .with_note(
                id,
                first_span,
                "the other file with that name is included here",
            )
            .with_hint(
                "definitions are referred to as `module.Name` by file base name: \
                 rename one of the files",
            ),
        };
        self.diagnostics.push(diagnostic);
    }

    /// Finds, reads and loads one include of file `from`; `None` after reporting a problem.
    /// A cyclic include is reported but still linked, so that names across it resolve and the
    /// cycle is the only error shown.
    fn load_include(
        &mut self,
        from: usize,
        dir: &Path,
        literal: &str,
        span: Span,
    ) -> Option<usize> {
        let from_id = self.files[from].id;
        let Some(path) = self.locate(dir, literal) else {
            let mut searched: Vec<String> = Vec::new();
            for shown in self.search_dirs(dir).map(display_dir) {
                if !searched.contains(&shown) {
                    searched.push(shown);
                }
            }
            self.diagnostics.push(
                Diagnostic::error(
                    from_id,
                    span,
                    format!("cannot find included file `{literal}`"),
                )
                .with_hint(format!(
                    "searched {}; add the directory that holds it with `-I DIR`",
                    searched.join(", ")
                )),
            );
            return None;
        };
        if let Some(&loaded) = self.by_key.get(&canonical_key(&path)) {
            if let Some(position) = self.loading.iter().position(|&f| f == loaded) {
                let chain: Vec<String> = self.loading[position..]
                    .iter()
                    .map(|&f| self.names[f].as_str())
                    .chain([literal])
                    .map(|name| format!("`{name}`"))
                    .collect();
                self.diagnostics.push(
                    Diagnostic::error(
                        from_id,
                        span,
                        format!("cyclic include: {}", chain.join(" -> ")),
                    )
                    .with_hint(
                        "move the definitions both files need into a third file that both include",
                    ),
                );
            }
            return Some(loaded);
        }
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
                Some(self.load(path, dir, literal.to_string(), text))
            }
            Err(error) => {
                self.diagnostics.push(
                    Diagnostic::error(
                        from_id,
                        span,
                        format!("cannot read included file `{}`: {error}", path.display()),
                    )
                    .with_hint("check the file's permissions and that it is UTF-8 text"),
                );
                None
            }
        }
    }

    fn search_dirs<'d>(&'d self, dir: &'d Path) -> impl Iterator<Item = &'d Path> {
        std::iter::once(dir).chain(self.options.include_dirs.iter().map(PathBuf::as_path))
    }

    fn locate(&self, dir: &Path, literal: &str) -> Option<PathBuf> {
        self.search_dirs(dir)
            .map(|d| d.join(literal))
            .find(|candidate| candidate.is_file())
    }
}

/// The identity of a file: its canonical path, or the path itself when it cannot be
/// canonicalized (in-memory text under a name that is not on disk).
fn canonical_key(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

fn module_name(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name.strip_suffix(".thrift").unwrap_or(&name).to_string()
}

fn display_dir(dir: &Path) -> String {
    if dir.as_os_str().is_empty() {
        "`.`".to_string()
    } else {
        format!("`{}`", dir.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_name_is_the_base_name_without_extension() {
        assert_eq!(module_name(Path::new("a/b/shared.thrift")), "shared");
        assert_eq!(
            module_name(Path::new("v0.16/ThriftTest.thrift")),
            "ThriftTest"
        );
        assert_eq!(module_name(Path::new("noext")), "noext");
    }

    #[test]
    fn the_current_directory_shows_as_a_dot() {
        assert_eq!(display_dir(Path::new("")), "`.`");
        assert_eq!(display_dir(Path::new("inc")), "`inc`");
    }
}
