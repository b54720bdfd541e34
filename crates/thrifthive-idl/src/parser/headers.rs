//! Headers: `include`, `cpp_include` and `namespace`, and the per-language namespace words that
//! Thrift has dropped (`php_namespace`, `py_module`, …).

use super::{PResult, Parser};
use crate::ast::Header;
use crate::diagnostic::Diagnostic;
use crate::lexer::{Keyword, Token, TokenKind};
use crate::source::Span;

/// Declarations that Apache Thrift 0.17 rejects, and the scope of `namespace` replacing each.
const LEGACY_NAMESPACES: [(&str, &str); 11] = [
    ("cpp_namespace", "cpp"),
    ("java_package", "java"),
    ("csharp_namespace", "csharp"),
    ("delphi_namespace", "delphi"),
    ("php_namespace", "php"),
    ("py_module", "py"),
    ("perl_package", "perl"),
    ("ruby_namespace", "rb"),
    ("smalltalk_category", "st"),
    ("smalltalk_prefix", "st"),
    ("xsd_namespace", "xsd"),
];

impl Parser<'_> {
    /// A header at the current keyword. Headers after a definition are an error, but they are
    /// still parsed and kept so that later stages see the include.
    pub(super) fn header(&mut self, first_definition: Option<Span>) -> PResult<Header> {
        let keyword = self.bump();
        if let Some(definition) = first_definition {
            let word = self.text(keyword.span);
            let diagnostic = self
                .error(
                    keyword.span,
                    format!("`{word}` must come before all definitions"),
                )
                .with_hint("move it to the top of the file, above the first definition")
                .with_note(self.file, definition, "first definition here");
            self.report(diagnostic);
        }
        match keyword.kind {
            TokenKind::Keyword(Keyword::Include) => {
                let (path, span) = self.header_path("include")?;
                Ok(Header::Include { path, span })
            }
            TokenKind::Keyword(Keyword::CppInclude) => {
                let (path, span) = self.header_path("cpp_include")?;
                Ok(Header::CppInclude { path, span })
            }
            _ => self.namespace(keyword),
        }
    }

    fn header_path(&mut self, keyword: &str) -> PResult<(String, Span)> {
        let token = self.peek();
        if let Some(path) = self.literal(token) {
            self.bump();
            return Ok((path, token.span));
        }
        let diagnostic = self
            .expected(&format!("a quoted file path after `{keyword}`"))
            .with_hint(format!("write `{keyword} \"shared.thrift\"`"));
        Err(self.report(diagnostic))
    }

    fn namespace(&mut self, keyword: Token) -> PResult<Header> {
        let scope = match self.peek().kind {
            TokenKind::Star | TokenKind::Ident => {
                let scope = self.bump();
                self.text(scope.span).to_owned()
            }
            _ => {
                let diagnostic = self
                    .expected("a language after `namespace`")
                    .with_hint("write `namespace py my.module`, or `namespace * name` for all");
                return Err(self.report(diagnostic));
            }
        };
        let Some(name) = self.eat(TokenKind::Ident) else {
            let diagnostic = self
                .expected(&format!("a name after `namespace {scope}`"))
                .with_hint(format!("write `namespace {scope} my.module`"));
            return Err(self.report(diagnostic));
        };
        let name = self.text(name.span).to_owned();
        let annotations = self.annotations();
        Ok(Header::Namespace {
            scope,
            name,
            annotations,
            span: self.span_from(keyword.span),
        })
    }

    /// The error for `php_namespace foo` and the like, when the current token is such a word.
    pub(super) fn legacy_namespace(&self) -> Option<Diagnostic> {
        let token = self.peek();
        let word = self.text(token.span);
        let scope = legacy_namespace_scope(word)?;
        let next = self.nth(1);
        let name = match next.kind {
            TokenKind::Ident => self.text(next.span),
            _ => "NAME",
        };
        let message = format!("`{word}` is no longer supported by Thrift");
        Some(
            self.error(token.span, message)
                .with_hint(format!("write `namespace {scope} {name}`")),
        )
    }
}

pub(super) fn is_legacy_namespace(word: &str) -> bool {
    legacy_namespace_scope(word).is_some()
}

fn legacy_namespace_scope(word: &str) -> Option<&'static str> {
    LEGACY_NAMESPACES
        .iter()
        .find(|(legacy, _)| *legacy == word)
        .map(|(_, scope)| *scope)
}
