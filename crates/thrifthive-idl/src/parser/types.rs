//! Types (`i32`, `list<T>`, `map cpp_type "…" <K, V>`, `shared.User`) and the annotations
//! `(key = "value", flag)` that may follow types, fields, functions and definitions.

use super::base_type_typos;
use super::recovery::Items;
use super::{PResult, Parser, Reported};
use crate::ast::{Annotation, BaseType, TypeKind, TypeRef};
use crate::lexer::{Keyword, Token, TokenKind};

impl Parser<'_> {
    /// A type; `what` names it in the error when there is none ("a field type").
    pub(super) fn type_ref(&mut self, what: &str) -> PResult<TypeRef> {
        let token = self.peek();
        let kind = match token.kind {
            TokenKind::Ident => {
                if base_type_typos::is_suspect(self.text(token.span)) {
                    self.base_type_suspects.push(token.span);
                }
                // Apache's grammar allows no annotations after a named type.
                self.bump();
                return Ok(TypeRef {
                    kind: TypeKind::Named(self.ident(token)),
                    cpp_type: None,
                    annotations: Vec::new(),
                    span: token.span,
                });
            }
            TokenKind::Keyword(Keyword::Map | Keyword::List | Keyword::Set) => {
                return self.container_type();
            }
            TokenKind::Keyword(keyword) => match base_type(keyword) {
                Some(base) => {
                    self.bump();
                    TypeKind::Base(base)
                }
                None => return Err(self.not_a_type(what)),
            },
            _ => return Err(self.not_a_type(what)),
        };
        let annotations = self.annotations();
        Ok(TypeRef {
            kind,
            cpp_type: None,
            annotations,
            span: self.span_from(token.span),
        })
    }

    fn not_a_type(&mut self, what: &str) -> Reported {
        let mut diagnostic = self.expected(what);
        if self.at_keyword(Keyword::Void) {
            diagnostic = diagnostic.with_hint("`void` may only be a function's return type");
        }
        self.report(diagnostic)
    }

    /// `map<K, V>`, `set<T>`, `list<T>`, with `cpp_type "…"` after the keyword (or, for lists,
    /// after the `>` too, as Apache 0.17 wrote it) and annotations at the end.
    fn container_type(&mut self) -> PResult<TypeRef> {
        self.nested("type", |parser| {
            let keyword = parser.bump();
            let mut cpp_type = parser.cpp_type()?;
            let name = parser.text(keyword.span);
            if parser.eat(TokenKind::Lt).is_none() {
                let shape = if name == "map" {
                    "map<K, V>".to_owned()
                } else {
                    format!("{name}<T>")
                };
                let diagnostic = parser
                    .expected(&format!("`<` after `{name}`"))
                    .with_hint(format!("write `{shape}`"));
                return Err(parser.report(diagnostic));
            }
            let kind = match keyword.kind {
                TokenKind::Keyword(Keyword::Map) => {
                    let key = parser.type_ref("a key type for `map`")?;
                    if parser.eat(TokenKind::Comma).is_none() {
                        let message = "`,` between the key and value types of `map`";
                        parser.expect_missing(message, Some("write `map<K, V>`"), starts_type)?;
                    }
                    let value = parser.type_ref("a value type for `map`")?;
                    TypeKind::Map(Box::new(key), Box::new(value))
                }
                TokenKind::Keyword(Keyword::Set) => {
                    TypeKind::Set(Box::new(parser.type_ref("an element type for `set`")?))
                }
                _ => TypeKind::List(Box::new(parser.type_ref("an element type for `list`")?)),
            };
            if parser.eat(TokenKind::Gt).is_none() {
                let what = format!("`>` to close `{name}<`");
                // `list<i32 name`: the name shows that only the `>` is missing.
                parser.expect_missing(&what, None, |kind| kind.is_word())?;
            }
            if matches!(kind, TypeKind::List(_)) && cpp_type.is_none() {
                cpp_type = parser.cpp_type()?;
            }
            let annotations = parser.annotations();
            Ok(TypeRef {
                kind,
                cpp_type,
                annotations,
                span: parser.span_from(keyword.span),
            })
        })
    }

    fn cpp_type(&mut self) -> PResult<Option<String>> {
        if self.eat_keyword(Keyword::CppType).is_none() {
            return Ok(None);
        }
        let token = self.peek();
        match self.literal(token) {
            Some(name) => {
                self.bump();
                Ok(Some(name))
            }
            None => {
                let diagnostic = self
                    .expected("a quoted C++ type after `cpp_type`")
                    .with_hint("write `cpp_type \"std::vector<int>\"`");
                Err(self.report(diagnostic))
            }
        }
    }

    /// `(key = "value", flag; …)` when the current token is `(`; no annotations otherwise.
    pub(super) fn annotations(&mut self) -> Vec<Annotation> {
        let Some(open) = self.eat(TokenKind::LParen) else {
            return Vec::new();
        };
        self.delimited(
            open,
            Items::Annotations,
            || "the annotations".into(),
            Self::annotation,
        )
    }

    fn annotation(&mut self) -> PResult<Annotation> {
        let key = self.peek();
        if !key.kind.is_word() {
            let diagnostic = self
                .expected("an annotation name")
                .with_hint("annotations are written `(key = \"value\", flag)`");
            return Err(self.report(diagnostic));
        }
        self.bump();
        let value = if self.eat(TokenKind::Eq).is_some() {
            Some(self.annotation_value(key)?)
        } else {
            None
        };
        let annotation = Annotation {
            key: self.text(key.span).to_owned(),
            value,
            span: self.span_from(key.span),
        };
        self.eat_separator();
        Ok(annotation)
    }

    fn annotation_value(&mut self, key: Token) -> PResult<String> {
        let token = self.peek();
        if let Some(value) = self.literal(token) {
            self.bump();
            return Ok(value);
        }
        let key = self.text(key.span);
        let diagnostic = self.expected(&format!("a quoted value for annotation `{key}`"));
        if matches!(
            token.kind,
            TokenKind::Int(_) | TokenKind::Double(_) | TokenKind::Ident | TokenKind::Keyword(_)
        ) {
            // `(key = 1)`: the intent is plain; keep the text and go on.
            let text = self.text(token.span);
            let hint = format!("annotation values are strings: write `{key} = \"{text}\"`");
            self.report(diagnostic.with_hint(hint));
            self.bump();
            return Ok(text.to_owned());
        }
        Err(self.report(diagnostic))
    }
}

/// Whether a token can begin a type.
pub(super) fn starts_type(kind: TokenKind) -> bool {
    match kind {
        TokenKind::Ident => true,
        TokenKind::Keyword(keyword) => {
            base_type(keyword).is_some()
                || matches!(keyword, Keyword::Map | Keyword::List | Keyword::Set)
        }
        _ => false,
    }
}

pub(super) fn base_type(keyword: Keyword) -> Option<BaseType> {
    Some(match keyword {
        Keyword::Bool => BaseType::Bool,
        Keyword::Byte | Keyword::I8 => BaseType::I8,
        Keyword::I16 => BaseType::I16,
        Keyword::I32 => BaseType::I32,
        Keyword::I64 => BaseType::I64,
        Keyword::Double => BaseType::Double,
        Keyword::String => BaseType::String,
        Keyword::Binary => BaseType::Binary,
        Keyword::Uuid => BaseType::Uuid,
        _ => return None,
    })
}
