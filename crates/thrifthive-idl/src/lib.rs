//! thrifthive-idl: the Thrift IDL front end.
//!
//! Pipeline: [`lexer`] -> [`parser`] (one file to an [`ast::Document`]) -> [`loader`] (follows
//! includes, detects cycles) -> [`resolve`] (binds names, checks semantics, evaluates constants)
//! -> [`ir::Program`]. Every problem is a [`Diagnostic`] with a span; all of a file's errors are
//! reported, not only the first.

pub mod ast;
pub mod diagnostic;
pub mod ir;
pub mod lexer;
pub mod loader;
pub mod parser;
pub mod resolve;
pub mod source;

pub use diagnostic::{Diagnostic, Severity};
pub use source::{FileId, SourceMap, Span};

use std::path::{Path, PathBuf};

/// How to compile: where to look for included files besides the including file's directory.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub include_dirs: Vec<PathBuf>,
}

/// The outcome of compiling one root file: every file read, every diagnostic, and the IR when
/// there were no errors.
#[derive(Debug)]
pub struct Compilation {
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
    pub program: Option<ir::Program>,
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| !d.is_error())
    }

    /// All diagnostics rendered, errors first, each followed by a blank line.
    pub fn render_diagnostics(&self, color: bool) -> String {
        let mut ordered: Vec<&Diagnostic> = self.errors().collect();
        ordered.extend(self.warnings());
        ordered
            .iter()
            .map(|d| d.render(&self.sources, color) + "\n")
            .collect()
    }
}

/// Compiles the file at `path` and everything it includes.
pub fn compile_file(path: &Path, options: &Options) -> Compilation {
    loader::compile(loader::Root::Path(path.to_path_buf()), options)
}

/// Compiles IDL held in memory. `name` stands for the file's path in diagnostics and gives the
/// module name; includes are looked up relative to the current directory and `include_dirs`.
pub fn compile_source(name: &str, text: &str, options: &Options) -> Compilation {
    loader::compile(
        loader::Root::Source {
            name: PathBuf::from(name),
            text: text.to_string(),
        },
        options,
    )
}
