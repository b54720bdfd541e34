//! Fuzz target: the IDL front end (lexer, parser, resolver, diagnostics rendering) on arbitrary
//! bytes. Any panic, hang or unbounded allocation is a bug.

#![no_main]

use libfuzzer_sys::fuzz_target;
use thrifthive_idl::{compile_source, Options};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let compilation = compile_source("fuzz.thrift", &text, &Options::default());
    assert_eq!(compilation.has_errors(), compilation.program.is_none());
    let _ = compilation.render_diagnostics(false);
});
