//! IDL diagnostics as immutable, picklable Python values (`thrifthive.Diagnostic`,
//! `thrifthive.Note`), converted once from `thrifthive_idl::Diagnostic` with its sources.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use thrifthive_idl::{Severity, SourceMap, Span};

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Diagnostic>()?;
    m.add_class::<Note>()?;
    Ok(())
}

/// A problem found in an IDL file. Lines and columns count from 1; columns count characters.
#[pyclass(module = "thrifthive", frozen, eq)]
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// `"error"` or `"warning"`.
    #[pyo3(get)]
    pub severity: String,
    #[pyo3(get)]
    pub message: String,
    #[pyo3(get)]
    pub file: String,
    #[pyo3(get)]
    pub line: u32,
    #[pyo3(get)]
    pub column: u32,
    #[pyo3(get)]
    pub end_line: u32,
    #[pyo3(get)]
    pub end_column: u32,
    /// One line telling what to do, e.g. "did you mean `UserId`?".
    #[pyo3(get)]
    pub hint: Option<String>,
    /// Secondary locations, e.g. where a duplicate was first defined.
    #[pyo3(get)]
    pub notes: Vec<Note>,
    /// The diagnostic rendered rustc-style without colours: message, location, the offending
    /// line with a caret under the spot, notes and hint.
    #[pyo3(get)]
    pub snippet: String,
    /// The same with ANSI colours; `render(color=True)` returns it.
    styled: String,
}

/// A secondary location of a [`Diagnostic`].
#[pyclass(module = "thrifthive", frozen, eq, from_py_object)]
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    #[pyo3(get)]
    pub file: String,
    #[pyo3(get)]
    pub line: u32,
    #[pyo3(get)]
    pub column: u32,
    #[pyo3(get)]
    pub message: String,
}

impl Diagnostic {
    pub fn from_idl(d: &thrifthive_idl::Diagnostic, sources: &SourceMap) -> Diagnostic {
        let (file, start, end) = locate(sources, d.file, d.span);
        Diagnostic {
            severity: match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            }
            .to_string(),
            message: d.message.clone(),
            file,
            line: start.line,
            column: start.col,
            end_line: end.line,
            end_column: end.col,
            hint: d.hint.clone(),
            notes: d
                .notes
                .iter()
                .map(|n| {
                    let (file, at, _) = locate(sources, n.file, n.span);
                    Note {
                        file,
                        line: at.line,
                        column: at.col,
                        message: n.message.clone(),
                    }
                })
                .collect(),
            snippet: d.render(sources, false),
            styled: d.render(sources, true),
        }
    }
}

fn locate(
    sources: &SourceMap,
    file: thrifthive_idl::FileId,
    span: Span,
) -> (
    String,
    thrifthive_idl::source::LineCol,
    thrifthive_idl::source::LineCol,
) {
    let source = sources.file(file);
    (
        source.path.display().to_string(),
        source.line_col(span.start),
        source.line_col(span.end.max(span.start)),
    )
}

#[pymethods]
impl Diagnostic {
    #[new]
    #[pyo3(signature = (severity, message, file, line, column, end_line, end_column, hint=None, notes=Vec::new(), snippet=String::new(), styled=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        severity: String,
        message: String,
        file: String,
        line: u32,
        column: u32,
        end_line: u32,
        end_column: u32,
        hint: Option<String>,
        notes: Vec<Note>,
        snippet: String,
        styled: Option<String>,
    ) -> PyResult<Diagnostic> {
        if severity != "error" && severity != "warning" {
            return Err(PyValueError::new_err(format!(
                "severity must be \"error\" or \"warning\", not {severity:?}"
            )));
        }
        Ok(Diagnostic {
            styled: styled.unwrap_or_else(|| snippet.clone()),
            severity,
            message,
            file,
            line,
            column,
            end_line,
            end_column,
            hint,
            notes,
            snippet,
        })
    }

    #[getter]
    fn is_error(&self) -> bool {
        self.severity == "error"
    }

    /// The rendered diagnostic, with ANSI colours when `color` is true.
    #[pyo3(signature = (color=false))]
    fn render(&self, color: bool) -> &str {
        if color {
            &self.styled
        } else {
            &self.snippet
        }
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, pyo3::types::PyType>, Bound<'py, PyTuple>)> {
        let d = slf.get();
        let args = (
            &d.severity,
            &d.message,
            &d.file,
            d.line,
            d.column,
            d.end_line,
            d.end_column,
            &d.hint,
            d.notes.clone(),
            &d.snippet,
            &d.styled,
        )
            .into_pyobject(slf.py())?;
        Ok((slf.get_type(), args))
    }

    fn __str__(&self) -> String {
        format!(
            "{}:{}:{}: {}: {}",
            self.file, self.line, self.column, self.severity, self.message
        )
    }

    fn __repr__(&self) -> String {
        format!(
            "<Diagnostic {} at {}:{}:{}: {}>",
            self.severity, self.file, self.line, self.column, self.message
        )
    }
}

#[pymethods]
impl Note {
    #[new]
    fn new(file: String, line: u32, column: u32, message: String) -> Note {
        Note {
            file,
            line,
            column,
            message,
        }
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, pyo3::types::PyType>, Bound<'py, PyTuple>)> {
        let n = slf.get();
        let args = (&n.file, n.line, n.column, &n.message).into_pyobject(slf.py())?;
        Ok((slf.get_type(), args))
    }

    fn __repr__(&self) -> String {
        format!(
            "<Note at {}:{}:{}: {}>",
            self.file, self.line, self.column, self.message
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_spans_to_one_based_lines_and_character_columns() {
        let mut sources = SourceMap::default();
        let file = sources.add("é.thrift".into(), "struct A {\n  1: Föö f\n}\n".into());
        // `Föö` starts at byte 16 and is 5 bytes long.
        let d = thrifthive_idl::Diagnostic::error(file, Span::new(16, 21), "unknown type `Föö`")
            .with_hint("did you mean `Foo`?")
            .with_note(file, Span::new(7, 8), "in this struct");
        let converted = Diagnostic::from_idl(&d, &sources);
        assert_eq!(converted.severity, "error");
        assert_eq!(converted.file, "é.thrift");
        assert_eq!((converted.line, converted.column), (2, 6));
        assert_eq!((converted.end_line, converted.end_column), (2, 9));
        assert_eq!(converted.hint.as_deref(), Some("did you mean `Foo`?"));
        let note = &converted.notes[0];
        assert_eq!(
            (note.line, note.column, note.message.as_str()),
            (1, 8, "in this struct")
        );
        assert_eq!(converted.snippet, d.render(&sources, false));
        assert_eq!(converted.styled, d.render(&sources, true));
    }
}
