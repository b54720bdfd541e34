//! Thrift IDL parser: one file's text to an [`ast::Document`]. (Being written.)

use crate::ast;
use crate::diagnostic::Diagnostic;
use crate::source::FileId;

/// A parsed file and the problems found while parsing it.
#[derive(Debug, Default)]
pub struct ParseOutput {
    pub document: ast::Document,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses one file. Never panics; recovers after an error so that all of a file's errors show.
pub fn parse(_file: FileId, _text: &str) -> ParseOutput {
    todo!("parser")
}
