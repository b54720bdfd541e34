//! Lists left open, and recovery: one mistake gives one error, and each mistake shows.

use super::*;

#[test]
fn unclosed_struct_points_at_its_opening_brace() {
    let text = "struct User {\n  1: i32 id\n\nstruct Next {}";
    let output = parse(FileId(0), text);
    let [error] = &output.diagnostics[..] else {
        panic!("{:?}", output.diagnostics)
    };
    assert_eq!(
        error.message,
        "expected `}` to close struct `User`, found keyword `struct`"
    );
    assert_eq!(
        error.hint.as_deref(),
        Some("add `}` to close struct `User`")
    );
    assert_eq!(error.notes[0].message, "opened here");
    assert_eq!(error.notes[0].span, Span::new(12, 13));
    assert_eq!(output.document.definitions.len(), 2);
}

#[test]
fn unclosed_at_end_of_file_points_after_the_last_token() {
    let text = "service S {\n  void f(1: i32 a";
    let output = parse(FileId(0), text);
    let messages: Vec<_> = output
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    // The service is left open too, but one error at the end of the file is enough.
    assert_eq!(
        messages,
        vec!["expected `)` to close the parameters of `f`, found end of file"]
    );
    assert_eq!(
        output.diagnostics[0].span,
        Span::new(text.len(), text.len())
    );
}

#[test]
fn parameters_left_open_end_at_the_next_function() {
    let output = parse(
        FileId(0),
        "service S {\n  void a(1: i32 x\n  i32 b(1: i32 y)\n}",
    );
    assert_eq!(
        output
            .diagnostics
            .iter()
            .map(|d| d.message.as_str())
            .collect::<Vec<_>>(),
        vec!["expected `)` to close the parameters of `a`, found keyword `i32`"]
    );
    assert_eq!(output.diagnostics[0].span, Span::new(29, 29));
    assert_eq!(only_service(&output.document).functions.len(), 2);
}

#[test]
fn missing_brace_after_the_name() {
    let output = parse(FileId(0), "enum E\n  A,\n  B\n}\nstruct S {}");
    assert_eq!(
        output
            .diagnostics
            .iter()
            .map(|d| d.message.as_str())
            .collect::<Vec<_>>(),
        vec!["expected `{` after enum name `E`, found `A`"]
    );
    assert_eq!(output.diagnostics[0].span, Span::new(6, 6));
    assert_eq!(output.document.definitions.len(), 2);
}

#[test]
fn prose_outside_a_comment_is_one_error() {
    let text = "Licensed to the Apache Software Foundation (ASF) under one\n or more contributor \
                license agreements. See the NOTICE file.\n*/\nnamespace py x\nstruct A {}";
    let output = parse(FileId(0), text);
    assert_eq!(output.diagnostics.len(), 1, "{:?}", output.diagnostics);
    assert_eq!(output.document.definitions.len(), 1);
}

#[test]
fn two_mistakes_give_two_errors() {
    let text = "struct A {\n  1: i32 a = ,\n  2: string b\n}\nenum E { X = \"one\", Y }\nstruct B { 1 i32 c }";
    let found = messages(text);
    assert_eq!(
        found,
        vec![
            "expected a constant value, found `,`",
            "expected an integer, found string \"one\"",
            "expected `:` after field id 1, found keyword `i32`",
        ]
    );
}

#[test]
fn a_broken_field_does_not_hide_the_next_one() {
    let output = parse(
        FileId(0),
        "struct A {\n  1: i32 = 5\n  2: string b\n  3: i32 c,\n}",
    );
    assert_eq!(output.diagnostics.len(), 1);
    let names: Vec<_> = only_struct(&output.document)
        .fields
        .iter()
        .map(|f| f.name.name.clone())
        .collect();
    assert_eq!(names, vec!["b", "c"]);
}

#[test]
fn broken_constant_recovers_inside_its_brackets() {
    let text = "const map<string, i32> M = {\"a\": 1, \"b\" 2, \"c\": 3}\nconst list<i32> L = [1, 2\nstruct S {}";
    let output = parse(FileId(0), text);
    let messages: Vec<_> = output
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        messages,
        vec![
            "expected `:` after a map key, found `2`",
            "expected `]` to close the list, found keyword `struct`"
        ]
    );
    assert_eq!(output.document.definitions.len(), 3);
}

#[test]
fn list_left_open_inside_a_map() {
    let text =
        "const map<string, list<i32>> M = {\n  \"a\": [1, 2,\n  \"b\": [3],\n  \"c\": [4],\n}";
    let found = diagnostics(text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "expected `]` to close the list, found `:`");
}

#[test]
fn stray_closers_are_reported_once() {
    assert_eq!(
        messages("struct A { 1: i32 a ) 2: i32 b }\n}\nstruct B {}"),
        vec![
            "unexpected `)` inside struct `A`",
            "expected a definition (`struct`, `enum`, `service`, …), found `}`"
        ]
    );
}

#[test]
fn an_unterminated_comment_is_the_only_error() {
    assert_eq!(
        messages("struct A {\n  1: i32 a /* oops\n  2: i32 b\n}"),
        vec!["unterminated comment".to_string()]
    );
}

#[test]
fn lexical_and_syntax_errors_come_in_source_order() {
    let found = messages("struct A { 1: i32 @a }\nconst i32 X = 99999999999999999999");
    assert_eq!(
        found,
        vec![
            "unexpected character `@`",
            "integer literal `99999999999999999999` does not fit in 64 bits"
        ]
    );
}
