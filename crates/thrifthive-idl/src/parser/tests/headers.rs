//! Headers: `include`, `cpp_include`, `namespace`, and the forms Thrift dropped.

use super::*;

#[test]
fn headers() {
    let text = r#"include "shared.thrift"
cpp_include '<map>'
namespace py tutorial.gen (package.prefix = "x")
namespace * everything
namespace java.swift com.example"#;
    let document = parse_ok(text);
    assert_eq!(document.headers.len(), 5);
    match &document.headers[0] {
        Header::Include { path, span } => {
            assert_eq!(path, "shared.thrift");
            assert_eq!(
                &text[span.start as usize..span.end as usize],
                "\"shared.thrift\""
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(&document.headers[1], Header::CppInclude { path, .. } if path == "<map>"));
    match &document.headers[2] {
        Header::Namespace {
            scope,
            name,
            annotations,
            ..
        } => {
            assert_eq!((scope.as_str(), name.as_str()), ("py", "tutorial.gen"));
            assert_eq!(
                annotation_pairs(annotations),
                vec![("package.prefix", Some("x"))]
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(&document.headers[3], Header::Namespace { scope, name, .. }
        if scope == "*" && name == "everything")
    );
    assert!(
        matches!(&document.headers[4], Header::Namespace { scope, .. } if scope == "java.swift")
    );
}

#[test]
fn header_after_definition_is_an_error_but_kept() {
    let text = "struct A {}\ninclude \"late.thrift\"\nstruct B {}";
    let output = parse(FileId(0), text);
    assert_eq!(output.document.headers.len(), 1);
    assert_eq!(output.document.definitions.len(), 2);
    let [error] = &output.diagnostics[..] else {
        panic!("{:?}", output.diagnostics)
    };
    assert_eq!(error.message, "`include` must come before all definitions");
    assert_eq!(error.span, Span::new(12, 19));
    assert_eq!(error.notes[0].message, "first definition here");
    assert!(error
        .hint
        .as_deref()
        .unwrap()
        .contains("move it to the top"));
}

#[test]
fn legacy_namespace_words_are_rejected_with_the_replacement() {
    assert_eq!(
        diagnostics("php_namespace Foo\nstruct A {}"),
        vec![(
            "`php_namespace` is no longer supported by Thrift".into(),
            "php_namespace".into(),
            Some("write `namespace php Foo`".into())
        )]
    );
    assert_eq!(messages("py_module x\nsmalltalk_prefix y").len(), 2);
}

#[test]
fn include_needs_a_quoted_path() {
    assert_eq!(
        diagnostics("include shared\nstruct A {}"),
        vec![(
            "expected a quoted file path after `include`, found `shared`".into(),
            "shared".into(),
            Some("write `include \"shared.thrift\"`".into())
        )]
    );
}
