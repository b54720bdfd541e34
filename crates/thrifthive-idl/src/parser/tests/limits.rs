//! Limits: nesting depth. (Arbitrary input is covered by tests/never_panics.rs.)

use super::*;

#[test]
fn deep_types_are_cut_off_with_one_error() {
    let depth = 100_000;
    let text = format!(
        "typedef {}i32{} T\nstruct S {{}}",
        "list<".repeat(depth),
        ">".repeat(depth)
    );
    let output = parse(FileId(0), &text);
    assert_eq!(output.diagnostics.len(), 1, "{:?}", output.diagnostics);
    assert_eq!(
        output.diagnostics[0].message,
        "type nested more than 256 levels deep"
    );
    assert_eq!(output.document.definitions.len(), 1);
}

#[test]
fn deep_constants_are_cut_off_with_one_error() {
    let depth = 100_000;
    let text = format!(
        "const list<i32> L = {}1{}\nstruct S {{}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let output = parse(FileId(0), &text);
    assert_eq!(output.diagnostics.len(), 1, "{:?}", output.diagnostics);
    assert_eq!(
        output.diagnostics[0].message,
        "constant nested more than 256 levels deep"
    );
    assert_eq!(output.document.definitions.len(), 2);
    // Too deep and never closed, all on one line: one error.
    let unclosed = format!("const list<i32> L = {}", "[{".repeat(depth));
    assert_eq!(parse(FileId(0), &unclosed).diagnostics.len(), 1);
}

#[test]
fn nesting_up_to_the_limit_is_fine() {
    let depth = MAX_NESTING;
    parse_ok(&format!(
        "typedef {}i32{} T",
        "list<".repeat(depth),
        ">".repeat(depth)
    ));
    parse_ok(&format!(
        "const list<i32> L = {}{}",
        "[".repeat(depth),
        "]".repeat(depth)
    ));
}
