//! Compiling IDL: `compile_idl` (a file) and `compile_idl_source` (text in memory) run the Rust
//! front end with the GIL released and return a `Compilation`, which holds the diagnostics and,
//! when there were no errors, the resolved IR as JSON.

use crate::diagnostics::Diagnostic;
use crate::errors;
use pyo3::prelude::*;
use std::path::PathBuf;
use thrifthive_idl::Options;

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Compilation>()?;
    m.add_function(wrap_pyfunction!(compile_idl, m)?)?;
    m.add_function(wrap_pyfunction!(compile_idl_source, m)?)?;
    Ok(())
}

/// Compiles the IDL file at `path` and every file it includes. Include directories are searched
/// after the including file's own directory. Problems in the IDL are reported in the returned
/// `Compilation`, never raised.
#[pyfunction]
#[pyo3(signature = (path, include_dirs=Vec::new()))]
fn compile_idl(py: Python<'_>, path: PathBuf, include_dirs: Vec<PathBuf>) -> Compilation {
    let root = path.display().to_string();
    let options = Options { include_dirs };
    let inner = py.detach(|| thrifthive_idl::compile_file(&path, &options));
    Compilation::new(root, inner)
}

/// Compiles IDL text held in memory; `name` stands for its path in diagnostics and gives the
/// module name. Includes are looked up relative to the current directory and `include_dirs`.
#[pyfunction]
#[pyo3(signature = (name, text, include_dirs=Vec::new()))]
fn compile_idl_source(
    py: Python<'_>,
    name: String,
    text: String,
    include_dirs: Vec<PathBuf>,
) -> Compilation {
    let options = Options { include_dirs };
    let inner = py.detach(|| thrifthive_idl::compile_source(&name, &text, &options));
    Compilation::new(name, inner)
}

/// The outcome of compiling one root file: its diagnostics (errors first, then warnings, each
/// group in the order found) and the IR when there were no errors.
#[pyclass(module = "thrifthive.idl", frozen)]
pub struct Compilation {
    root: String,
    inner: thrifthive_idl::Compilation,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

impl Compilation {
    fn new(root: String, inner: thrifthive_idl::Compilation) -> Compilation {
        let convert = |d| Diagnostic::from_idl(d, &inner.sources);
        let errors = inner.errors().map(convert).collect();
        let warnings = inner.warnings().map(convert).collect();
        Compilation {
            root,
            inner,
            errors,
            warnings,
        }
    }
}

#[pymethods]
impl Compilation {
    /// The root file's path as given.
    #[getter]
    fn root(&self) -> &str {
        &self.root
    }

    /// Every file read: the root file and everything it includes, directly or not.
    #[getter]
    fn files(&self) -> Vec<String> {
        (0..self.inner.sources.len() as u32)
            .map(|i| {
                let file = self.inner.sources.file(thrifthive_idl::FileId(i));
                file.path.display().to_string()
            })
            .collect()
    }

    #[getter]
    fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// Every diagnostic: the errors first, then the warnings.
    #[getter]
    fn diagnostics(&self) -> Vec<Diagnostic> {
        self.errors.iter().chain(&self.warnings).cloned().collect()
    }

    #[getter]
    fn errors(&self) -> Vec<Diagnostic> {
        self.errors.clone()
    }

    #[getter]
    fn warnings(&self) -> Vec<Diagnostic> {
        self.warnings.clone()
    }

    /// Every diagnostic rendered rustc-style, errors first, each followed by a blank line;
    /// ANSI colours when `color` is true. Empty when there is nothing to report.
    #[pyo3(signature = (color=false))]
    fn render(&self, color: bool) -> String {
        self.inner.render_diagnostics(color)
    }

    /// The resolved IR as a JSON document. Raises `ThriftParseError` when there were errors.
    fn ir_json(&self, py: Python<'_>) -> PyResult<String> {
        match &self.inner.program {
            Some(program) if self.errors.is_empty() => Ok(py.detach(|| program.to_json())),
            _ => Err(errors::parse_error(
                py,
                &self.root,
                self.errors.clone(),
                self.warnings.clone(),
            )),
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "<Compilation {:?}: {} error(s), {} warning(s)>",
            self.root,
            self.errors.len(),
            self.warnings.len()
        )
    }
}
