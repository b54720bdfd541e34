//! Property tests: compiling arbitrary text, or arbitrary sequences of Thrift tokens, never panics
//! and always either yields the IR or reports an error.

use proptest::prelude::*;
use thrifthive_idl::{compile_source, Options};

const TOKENS: &[&str] = &[
    "struct",
    "union",
    "exception",
    "enum",
    "service",
    "typedef",
    "const",
    "include",
    "namespace",
    "extends",
    "throws",
    "oneway",
    "void",
    "required",
    "optional",
    "list",
    "set",
    "map",
    "i32",
    "string",
    "binary",
    "bool",
    "double",
    "uuid",
    "{",
    "}",
    "(",
    ")",
    "<",
    ">",
    "[",
    "]",
    ",",
    ";",
    ":",
    "=",
    "&",
    "*",
    "1",
    "-7",
    "0x1F",
    "2.5e3",
    "\"lit\"",
    "'x'",
    "A",
    "b.c",
    "/** doc */",
    "// c\n",
    "# c\n",
    "/*",
    "\"",
    "\n",
];

fn compiles_or_reports(text: &str) {
    let compilation = compile_source("prop.thrift", text, &Options::default());
    assert_eq!(compilation.has_errors(), compilation.program.is_none());
    // Rendering must not panic either, whatever spans the diagnostics carry.
    let _ = compilation.render_diagnostics(false);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        compiles_or_reports(&text);
    }

    #[test]
    fn token_soup_never_panics(tokens in prop::collection::vec(prop::sample::select(TOKENS), 0..120)) {
        compiles_or_reports(&tokens.join(" "));
    }
}
