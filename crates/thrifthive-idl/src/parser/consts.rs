//! Constant values: integers, doubles, strings, `true`/`false`, names of constants or enum
//! values, lists `[a, b; c]` and maps `{k: v, …}` (which also write struct constants).

use super::recovery::Items;
use super::{PResult, Parser};
use crate::ast::{ConstValue, ConstValueKind};
use crate::lexer::{Keyword, TokenKind};

impl Parser<'_> {
    pub(super) fn const_value(&mut self) -> PResult<ConstValue> {
        let token = self.peek();
        let kind = match token.kind {
            TokenKind::Int(value) => ConstValueKind::Int(value),
            TokenKind::Double(value) => ConstValueKind::Double(value),
            TokenKind::Literal(range) => {
                ConstValueKind::String(self.lexed.literal(range).to_owned())
            }
            TokenKind::Keyword(Keyword::True) => ConstValueKind::Bool(true),
            TokenKind::Keyword(Keyword::False) => ConstValueKind::Bool(false),
            TokenKind::Ident => ConstValueKind::Ident(self.text(token.span).to_owned()),
            TokenKind::LBracket => return self.const_list(),
            TokenKind::LBrace => return self.const_map(),
            _ => {
                let diagnostic = self.expected("a constant value");
                return Err(self.report(diagnostic));
            }
        };
        self.bump();
        Ok(ConstValue {
            kind,
            span: token.span,
        })
    }

    fn const_list(&mut self) -> PResult<ConstValue> {
        // The depth check comes before the `[` is consumed, so that recovery skips the whole
        // too-deep list and leaves the enclosing list's `]` for it.
        self.nested("constant", |parser| {
            let open = parser.bump();
            let elements = parser.delimited(
                open,
                Items::ListElements,
                || "the list".into(),
                |parser| {
                    let element = parser.const_value()?;
                    parser.eat_separator();
                    Ok(element)
                },
            );
            Ok(ConstValue {
                kind: ConstValueKind::List(elements),
                span: parser.span_from(open.span),
            })
        })
    }

    fn const_map(&mut self) -> PResult<ConstValue> {
        self.nested("constant", |parser| {
            let open = parser.bump();
            let entries = parser.delimited(
                open,
                Items::MapEntries,
                || "the map".into(),
                Self::map_entry,
            );
            Ok(ConstValue {
                kind: ConstValueKind::Map(entries),
                span: parser.span_from(open.span),
            })
        })
    }

    fn map_entry(&mut self) -> PResult<(ConstValue, ConstValue)> {
        let key = self.const_value()?;
        if self.eat(TokenKind::Colon).is_none() {
            let diagnostic = self
                .expected("`:` after a map key")
                .with_hint("map entries are written `key: value`");
            return Err(self.report(diagnostic));
        }
        let value = self.const_value()?;
        self.eat_separator();
        Ok((key, value))
    }
}
