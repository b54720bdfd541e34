//! Definitions: `const`, `typedef`, `enum`, `struct`/`union`/`exception` and `service`.

use super::recovery::Items;
use super::{PResult, Parser, Reported};
use crate::ast::{Const, Enum, EnumValue, Ident, Service, StructKind, StructLike, Typedef};
use crate::lexer::{Keyword, Token, TokenKind};
use crate::source::Span;

impl Parser<'_> {
    /// `const Type NAME = value [,;]?`
    pub(super) fn const_definition(&mut self) -> PResult<Const> {
        let keyword = self.bump();
        let ty = self.type_ref("a type after `const`")?;
        let name = self.declared_name("a constant name")?;
        if self.eat(TokenKind::Eq).is_none() {
            let diagnostic = self
                .expected(&format!("`=` after constant name `{}`", name.name))
                .with_hint(format!(
                    "constants are written `const i32 {} = 1`",
                    name.name
                ));
            return Err(self.report(diagnostic));
        }
        let value = self.const_value()?;
        let span = self.span_from(keyword.span);
        self.eat_separator();
        Ok(Const {
            ty,
            name,
            value,
            doc: self.doc(keyword),
            span,
        })
    }

    /// `typedef Type NAME annotations? [,;]?`
    pub(super) fn typedef(&mut self) -> PResult<Typedef> {
        let keyword = self.bump();
        let ty = self.type_ref("a type after `typedef`")?;
        let name = self.declared_name("a name for the typedef")?;
        let annotations = self.annotations();
        let span = self.span_from(keyword.span);
        self.eat_separator();
        Ok(Typedef {
            ty,
            name,
            annotations,
            doc: self.doc(keyword),
            span,
        })
    }

    /// `enum NAME { values } annotations?`
    pub(super) fn enum_definition(&mut self) -> PResult<Enum> {
        let keyword = self.bump();
        let name = self.declared_name("an enum name")?;
        let open = self.open_body(&name, "enum", Items::EnumValues)?;
        let values = self.delimited(
            open,
            Items::EnumValues,
            || format!("enum `{}`", name.name),
            Self::enum_value,
        );
        Ok(Enum {
            annotations: self.annotations(),
            span: self.span_from(keyword.span),
            doc: self.doc(keyword),
            name,
            values,
        })
    }

    /// `doc? NAME ('=' INT)? annotations? [,;]?`
    fn enum_value(&mut self) -> PResult<EnumValue> {
        let first = self.peek();
        let name = self.declared_name("an enum value name")?;
        let value = match self.eat(TokenKind::Eq) {
            Some(_) => self.enum_number()?,
            None => None,
        };
        let annotations = self.annotations();
        let span = self.span_from(first.span);
        self.eat_separator();
        Ok(EnumValue {
            name,
            value,
            annotations,
            doc: self.doc(first),
            span,
        })
    }

    fn enum_number(&mut self) -> PResult<Option<(i64, Span)>> {
        let token = self.peek();
        match token.kind {
            TokenKind::Int(value) => {
                self.bump();
                Ok(Some((value, token.span)))
            }
            TokenKind::Double(_) | TokenKind::Literal(_) => {
                // `A = 1.5`: the value is wrong, the shape is right; go on without it.
                let diagnostic = self
                    .expected("an integer")
                    .with_hint("enum values are integers");
                self.report(diagnostic);
                self.bump();
                Ok(None)
            }
            _ => {
                let diagnostic = self.expected("an integer after `=`");
                Err(self.report(diagnostic))
            }
        }
    }

    /// `struct NAME xsd_all? { fields } annotations?`, and the same for unions and exceptions.
    pub(super) fn struct_like(&mut self, kind: StructKind) -> PResult<StructLike> {
        let keyword = self.bump();
        let what = self.text(keyword.span);
        let name = self.declared_name(&format!("a name after `{what}`"))?;
        let xsd_all = self.eat_keyword(Keyword::XsdAll).is_some();
        let open = self.open_body(&name, what, Items::Fields)?;
        let fields = self.delimited(
            open,
            Items::Fields,
            || format!("{what} `{}`", name.name),
            Self::field,
        );
        Ok(StructLike {
            kind,
            xsd_all,
            annotations: self.annotations(),
            span: self.span_from(keyword.span),
            doc: self.doc(keyword),
            name,
            fields,
        })
    }

    /// `service NAME (extends BASE)? { functions } annotations?`
    pub(super) fn service(&mut self) -> PResult<Service> {
        let keyword = self.bump();
        let name = self.declared_name("a service name")?;
        let extends = match self.eat_keyword(Keyword::Extends) {
            Some(_) => Some(self.extended_service()?),
            None => None,
        };
        let open = self.open_body(&name, "service", Items::Functions)?;
        let functions = self.delimited(
            open,
            Items::Functions,
            || format!("service `{}`", name.name),
            Self::function,
        );
        Ok(Service {
            extends,
            annotations: self.annotations(),
            span: self.span_from(keyword.span),
            doc: self.doc(keyword),
            name,
            functions,
        })
    }

    fn extended_service(&mut self) -> PResult<Ident> {
        match self.eat(TokenKind::Ident) {
            Some(base) => Ok(self.ident(base)),
            None => {
                let diagnostic = self.expected("the name of a service after `extends`");
                Err(self.report(diagnostic))
            }
        }
    }

    /// The `{` after a definition's name. When it is missing but the next line begins an item
    /// of the body, parsing goes on as if it were there.
    fn open_body(&mut self, name: &Ident, what: &str, items: Items) -> PResult<Token> {
        if let Some(open) = self.eat(TokenKind::LBrace) {
            return Ok(open);
        }
        let mut diagnostic = self.expected(&format!("`{{` after {what} name `{}`", name.name));
        if self.at_keyword(Keyword::Extends) {
            diagnostic = diagnostic.with_hint("only services can extend another definition");
        }
        let next = self.peek();
        let body_follows = next.first_on_line && items.can_start_item(next.kind);
        let missing_at = diagnostic.span;
        self.report(diagnostic);
        if !body_follows {
            return Err(Reported);
        }
        Ok(Token {
            kind: TokenKind::LBrace,
            span: missing_at,
            doc: None,
            first_on_line: false,
        })
    }
}
