//! Parser tests: every construct, error messages with their spans, recovery, and limits (the
//! Apache corpus is covered by tests/corpus.rs). This file holds the helpers.

mod constants;
mod definitions;
mod headers;
mod limits;
mod recovery;
mod types;

use super::*;
use crate::ast::*;
use crate::source::SourceMap;

fn parse_ok(text: &str) -> Document {
    let output = parse(FileId(0), text);
    let errors: Vec<_> = output.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{}", render(text, &output.diagnostics));
    output.document
}

fn render(text: &str, diagnostics: &[Diagnostic]) -> String {
    let mut sources = SourceMap::default();
    sources.add("test.thrift".into(), text.into());
    diagnostics
        .iter()
        .map(|d| d.render(&sources, false))
        .collect()
}

/// Each diagnostic as (message, the text its span covers, its hint).
fn diagnostics(text: &str) -> Vec<(String, String, Option<String>)> {
    parse(FileId(0), text)
        .diagnostics
        .into_iter()
        .map(|d| {
            let covered = text[d.span.start as usize..d.span.end as usize].to_owned();
            (d.message, covered, d.hint)
        })
        .collect()
}

fn messages(text: &str) -> Vec<String> {
    diagnostics(text).into_iter().map(|(m, _, _)| m).collect()
}

fn only_struct(document: &Document) -> &StructLike {
    match &document.definitions[..] {
        [Definition::Struct(s)] => s,
        other => panic!("expected one struct, got {other:?}"),
    }
}

fn only_service(document: &Document) -> &Service {
    match &document.definitions[..] {
        [Definition::Service(s)] => s,
        other => panic!("expected one service, got {other:?}"),
    }
}

fn const_value(text: &str) -> ConstValueKind {
    match &parse_ok(text).definitions[..] {
        [Definition::Const(c)] => c.value.kind.clone(),
        other => panic!("expected one const, got {other:?}"),
    }
}

fn int(value: i64) -> ConstValueKind {
    ConstValueKind::Int(value)
}

fn values(kind: &ConstValueKind) -> Vec<ConstValueKind> {
    match kind {
        ConstValueKind::List(items) => items.iter().map(|v| v.kind.clone()).collect(),
        other => panic!("not a list: {other:?}"),
    }
}

fn base(ty: &TypeRef) -> BaseType {
    match ty.kind {
        TypeKind::Base(b) => b,
        ref other => panic!("not a base type: {other:?}"),
    }
}

fn named(ty: &TypeRef) -> &str {
    match &ty.kind {
        TypeKind::Named(ident) => &ident.name,
        other => panic!("not a named type: {other:?}"),
    }
}

fn annotation_pairs(annotations: &[Annotation]) -> Vec<(&str, Option<&str>)> {
    annotations
        .iter()
        .map(|a| (a.key.as_str(), a.value.as_deref()))
        .collect()
}
