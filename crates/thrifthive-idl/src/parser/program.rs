//! The file as a whole: headers, then definitions, and what to say about anything else at the
//! top level.

use super::headers::is_legacy_namespace;
use super::{PResult, Parser, Reported};
use crate::ast;
use crate::diagnostic::did_you_mean;
use crate::lexer::{Keyword, Token, TokenKind};
use crate::source::Span;

/// The string enum definition of old Thrift versions.
const DROPPED_DEFINITION: &str = "senum";

impl Parser<'_> {
    pub(super) fn document(&mut self) -> ast::Document {
        let mut document = ast::Document::default();
        let mut first_definition: Option<Span> = None;
        loop {
            // Whatever went wrong before, recovery got back to the start of a header or a
            // definition: a new error here is a new mistake.
            self.quiet = false;
            let start = self.pos;
            let token = self.peek();
            let parsed = match token.kind {
                TokenKind::Eof => return document,
                TokenKind::Keyword(Keyword::Include | Keyword::CppInclude | Keyword::Namespace) => {
                    self.header(first_definition)
                        .map(|header| document.headers.push(header))
                }
                TokenKind::Keyword(keyword) if keyword.starts_top_level_item() => {
                    self.definition(keyword).map(|definition| {
                        first_definition.get_or_insert(token.span);
                        document.definitions.push(definition);
                    })
                }
                TokenKind::Ident => Err(self.unsupported_top_level_word(token)),
                _ => Err(self.not_a_definition(token)),
            };
            if parsed.is_err() {
                self.skip_to_top_level_item(start);
            }
        }
    }

    fn definition(&mut self, keyword: Keyword) -> PResult<ast::Definition> {
        use ast::StructKind;
        Ok(match keyword {
            Keyword::Const => ast::Definition::Const(self.const_definition()?),
            Keyword::Typedef => ast::Definition::Typedef(self.typedef()?),
            Keyword::Enum => ast::Definition::Enum(self.enum_definition()?),
            Keyword::Struct => ast::Definition::Struct(self.struct_like(StructKind::Struct)?),
            Keyword::Union => ast::Definition::Struct(self.struct_like(StructKind::Union)?),
            Keyword::Exception => ast::Definition::Struct(self.struct_like(StructKind::Exception)?),
            _ => ast::Definition::Service(self.service()?),
        })
    }

    fn not_a_definition(&mut self, token: Token) -> Reported {
        let hint = match token.kind {
            TokenKind::Comma | TokenKind::Semicolon => Some(
                "remove it: only `const` and `typedef` definitions may end with `,` or `;`".into(),
            ),
            TokenKind::RBrace => Some("remove it: it closes nothing".into()),
            _ => None,
        };
        let diagnostic = self.unexpected("a definition (`struct`, `enum`, `service`, …)");
        self.report(diagnostic.with_optional_hint(hint))
    }

    /// A word where a definition should start: a misspelt keyword, or one that Thrift dropped.
    fn unsupported_top_level_word(&mut self, token: Token) -> Reported {
        let word = self.text(token.span);
        if let Some(diagnostic) = self.legacy_namespace() {
            return self.report(diagnostic);
        }
        if word == DROPPED_DEFINITION {
            let diagnostic = self.error(token.span, "`senum` is no longer supported by Thrift");
            return self.report(diagnostic.with_hint("use an `enum`, or `string` values"));
        }
        let hint = did_you_mean(word, Keyword::TOP_LEVEL.map(Keyword::as_str));
        let diagnostic = self.unexpected("a definition (`struct`, `enum`, `service`, …)");
        self.report(diagnostic.with_optional_hint(hint))
    }

    /// Whether the tokens ahead start a definition whose keyword is misspelt (`Struct User {`)
    /// or dropped from Thrift (`senum`, `php_namespace`).
    pub(super) fn at_misspelt_definition(&self) -> bool {
        let token = self.peek();
        if token.kind != TokenKind::Ident {
            return false;
        }
        let word = self.text(token.span);
        word == DROPPED_DEFINITION
            || is_legacy_namespace(word)
            || (self.nth(1).kind == TokenKind::Ident && self.nth(2).kind == TokenKind::LBrace)
    }
}
