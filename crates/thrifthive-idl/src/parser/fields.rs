//! Fields of structs, unions and exceptions, which also make up parameter and throws lists:
//! `doc? (ID ':')? (required|optional)? Type '&'? name ('=' value)? xsd_optional?
//! xsd_nillable? (xsd_attrs '{' fields '}')? annotations? [,;]?`.

use super::recovery::Items;
use super::types::starts_type;
use super::{PResult, Parser};
use crate::ast::{Field, Requiredness};
use crate::lexer::{Keyword, TokenKind};

impl Parser<'_> {
    pub(super) fn field(&mut self) -> PResult<Field> {
        let first = self.peek();
        let doc = self.doc(first);
        let id = match first.kind {
            TokenKind::Int(id) => {
                self.bump();
                if self.eat(TokenKind::Colon).is_none() {
                    self.missing_field_colon(id)?;
                }
                Some(id)
            }
            _ => None,
        };
        let (requiredness, requiredness_span) = match self.peek().kind {
            TokenKind::Keyword(Keyword::Required) => {
                (Requiredness::Required, Some(self.bump().span))
            }
            TokenKind::Keyword(Keyword::Optional) => {
                (Requiredness::Optional, Some(self.bump().span))
            }
            _ => (Requiredness::Default, None),
        };
        let ty = self.type_ref("a field type")?;
        let reference = self.eat(TokenKind::Amp).is_some();
        let name = self.field_name(&ty)?;
        let default = match self.eat(TokenKind::Eq) {
            Some(_) => Some(self.const_value()?),
            None => None,
        };
        self.eat_keyword(Keyword::XsdOptional);
        self.eat_keyword(Keyword::XsdNillable);
        if self.eat_keyword(Keyword::XsdAttrs).is_some() {
            self.xsd_attributes()?;
        }
        let annotations = self.annotations();
        let span = self.span_from(first.span);
        self.eat_separator();
        Ok(Field {
            id,
            id_span: first.span,
            requiredness,
            requiredness_span,
            ty,
            name,
            default,
            reference,
            annotations,
            doc,
            span,
        })
    }

    /// `3 i32 count`: reported, and parsing goes on as if the `:` were there when a type or
    /// requiredness follows.
    fn missing_field_colon(&mut self, id: i64) -> PResult<()> {
        let hint = format!("field ids are written `{id}: i32 name`");
        self.expect_missing(&format!("`:` after field id {id}"), Some(&hint), |kind| {
            starts_type(kind)
                || matches!(
                    kind,
                    TokenKind::Keyword(Keyword::Required | Keyword::Optional)
                )
        })
    }

    /// `xsd_attrs { fields }`, a leftover of Thrift's XML schema generator: checked, not kept.
    fn xsd_attributes(&mut self) -> PResult<()> {
        let Some(open) = self.eat(TokenKind::LBrace) else {
            let diagnostic = self.expected("`{` after `xsd_attrs`");
            return Err(self.report(diagnostic));
        };
        self.delimited(open, Items::Fields, || "`xsd_attrs`".into(), Self::field);
        Ok(())
    }
}
