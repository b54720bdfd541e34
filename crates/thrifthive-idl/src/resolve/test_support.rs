//! Helpers for the resolver's unit tests: compile IDL text and look at the outcome.

use crate::{compile_source, ir, Compilation, Options};

pub(crate) fn compile(text: &str) -> Compilation {
    compile_source("test.thrift", text, &Options::default())
}

/// The IR of text that must compile without errors.
pub(crate) fn ok(text: &str) -> ir::Program {
    let compilation = compile(text);
    match compilation.program {
        Some(program) if !compilation.has_errors() => program,
        _ => panic!(
            "expected no errors:\n{}",
            compilation.render_diagnostics(false)
        ),
    }
}

/// The messages of the errors, in source order.
pub(crate) fn errors(text: &str) -> Vec<String> {
    compile(text).errors().map(|d| d.message.clone()).collect()
}

/// The messages of the warnings, in source order; the text must compile.
pub(crate) fn warnings(text: &str) -> Vec<String> {
    let compilation = compile(text);
    assert!(
        !compilation.has_errors(),
        "{}",
        compilation.render_diagnostics(false)
    );
    compilation.warnings().map(|d| d.message.clone()).collect()
}
