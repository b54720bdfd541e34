//! Service functions: `doc? oneway? (Type | void) name '(' fields ')' (throws '(' fields ')')?
//! annotations? [,;]?`.

use super::recovery::Items;
use super::{PResult, Parser, Reported};
use crate::ast::{Field, Function, Ident};
use crate::diagnostic::Diagnostic;
use crate::lexer::{Keyword, Token, TokenKind};
use crate::source::Span;

impl Parser<'_> {
    pub(super) fn function(&mut self) -> PResult<Function> {
        let first = self.peek();
        let doc = self.doc(first);
        let oneway_span = self.oneway();
        let (return_type, return_span) = match self.eat_keyword(Keyword::Void) {
            Some(void) => (None, void.span),
            None => {
                let ty = self.type_ref("a return type or `void`")?;
                let span = ty.span;
                (Some(ty), span)
            }
        };
        if self.at(TokenKind::LParen) {
            return Err(self.missing_return_type(return_span));
        }
        let name = self.declared_name("a function name")?;
        let Some(open) = self.eat(TokenKind::LParen) else {
            let diagnostic = self
                .expected(&format!("`(` after function name `{}`", name.name))
                .with_hint(format!(
                    "write `{}()` when it takes no arguments",
                    name.name
                ));
            return Err(self.report(diagnostic));
        };
        let params = self.field_list(open, || format!("the parameters of `{}`", name.name));
        let throws = self.throws(&name)?;
        let annotations = self.annotations();
        let span = self.span_from(first.span);
        self.eat_separator();
        Ok(Function {
            oneway: oneway_span.is_some(),
            oneway_span,
            return_type,
            return_span,
            name,
            params,
            throws,
            annotations,
            doc,
            span,
        })
    }

    /// `get(1: i64 id)`: what was read as the return type is the function's name.
    fn missing_return_type(&mut self, name: Span) -> Reported {
        let name = self.text(name);
        let diagnostic = self.expected("a function name").with_hint(format!(
            "write the return type first: `void {name}(…)` or `i32 {name}(…)`"
        ));
        self.report(diagnostic)
    }

    /// `oneway`, or its deprecated spelling `async` (with a warning). `async` is a keyword only
    /// in this place, and only when it is not itself the return type, as in `async get()`.
    fn oneway(&mut self) -> Option<Span> {
        if let Some(oneway) = self.eat_keyword(Keyword::Oneway) {
            return Some(oneway.span);
        }
        let token = self.peek();
        let is_async_modifier = token.kind == TokenKind::Ident
            && self.text(token.span) == "async"
            && self.nth(2).kind != TokenKind::LParen;
        if !is_async_modifier {
            return None;
        }
        self.bump();
        self.diagnostics.push(
            Diagnostic::warning(self.file, token.span, "`async` is deprecated")
                .with_hint("write `oneway` instead"),
        );
        Some(token.span)
    }

    fn throws(&mut self, function: &Ident) -> PResult<Vec<Field>> {
        if self.eat_keyword(Keyword::Throws).is_none() {
            return Ok(Vec::new());
        }
        let Some(open) = self.eat(TokenKind::LParen) else {
            let diagnostic = self
                .expected("`(` after `throws`")
                .with_hint("write `throws (1: NotFound notFound)`");
            return Err(self.report(diagnostic));
        };
        Ok(self.field_list(open, || format!("the throws clause of `{}`", function.name)))
    }

    fn field_list(&mut self, open: Token, owner: impl Fn() -> String) -> Vec<Field> {
        self.delimited(open, Items::Parameters, owner, Self::field)
    }
}
