//! The names that definitions, functions, enum values and fields declare.
//!
//! Declared names must be identifiers without dots. Field names may also be Thrift keywords
//! (`1: string type`, `2: i32 list`), as Apache's compiler allows since 0.18.

use super::{PResult, Parser};
use crate::ast::{Ident, TypeKind, TypeRef};
use crate::diagnostic::did_you_mean;
use crate::lexer::{Keyword, Token, TokenKind};
use crate::source::Span;

impl Parser<'_> {
    /// The name a definition, function or enum value declares; `what` names it in errors
    /// ("a struct name").
    pub(super) fn declared_name(&mut self, what: &str) -> PResult<Ident> {
        let token = self.peek();
        match token.kind {
            TokenKind::Ident => {}
            TokenKind::Keyword(keyword) if !keyword.starts_top_level_item() => {
                // `struct list {`: wrong, but clearly meant as the name; take it and go on.
                let hint = format!(
                    "`{}` is a reserved word in Thrift; choose another name",
                    keyword.as_str()
                );
                let diagnostic = self.expected(what).with_hint(hint);
                self.report(diagnostic);
            }
            _ => {
                let diagnostic = self.expected(what);
                return Err(self.report(diagnostic));
            }
        }
        Ok(self.take_name(token))
    }

    /// The name of a field after its type `ty`.
    pub(super) fn field_name(&mut self, ty: &TypeRef) -> PResult<Ident> {
        let token = self.peek();
        let allowed = match token.kind {
            TokenKind::Ident => true,
            TokenKind::Keyword(keyword) => can_name_field(keyword),
            _ => false,
        };
        if allowed {
            return Ok(self.take_name(token));
        }
        let what = match self.short_text(ty.span) {
            Some(ty) => format!("a field name after type `{ty}`"),
            None => "a field name after its type".into(),
        };
        let hint = self.field_name_hint(ty, token);
        let diagnostic = self.expected(&what).with_optional_hint(hint);
        Err(self.report(diagnostic))
    }

    fn field_name_hint(&self, ty: &TypeRef, found: Token) -> Option<String> {
        match found.kind {
            // `lsit<i32> x`: a misspelt container keyword.
            TokenKind::Lt => match &ty.kind {
                TypeKind::Named(name) => Some(
                    did_you_mean(&name.name, ["list", "set", "map"]).unwrap_or_else(|| {
                        "Thrift's containers are `list<T>`, `set<T>` and `map<K, V>`".into()
                    }),
                ),
                _ => None,
            },
            // `name: string`, as in other languages.
            TokenKind::Colon => Some("fields are written `1: string name`: id, type, name".into()),
            TokenKind::Eq => Some("every field needs a name, as in `1: i32 count = 0`".into()),
            _ => None,
        }
    }

    fn take_name(&mut self, token: Token) -> Ident {
        self.bump();
        let ident = self.ident(token);
        if ident.name.contains('.') {
            let message = format!(
                "`{}` cannot be declared: a name cannot contain `.`",
                ident.name
            );
            let hint = "dots only join an include's name to a definition, as in `shared.User`";
            self.report(self.error(ident.span, message).with_hint(hint));
        }
        ident
    }

    /// The text of a span when it is short and on one line, to quote it in a message.
    fn short_text(&self, span: Span) -> Option<&str> {
        let text = self.text(span);
        (text.len() <= 40 && !text.contains('\n')).then_some(text)
    }
}

/// Keywords that may name a field: all but those that can follow a field name.
fn can_name_field(keyword: Keyword) -> bool {
    !matches!(
        keyword,
        Keyword::XsdOptional
            | Keyword::XsdNillable
            | Keyword::XsdAttrs
            | Keyword::CppType
            | Keyword::True
            | Keyword::False
    )
}
