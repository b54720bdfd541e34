//! Thrift IDL parser: one file's text to an [`ast::Document`].
//!
//! A hand-written recursive-descent parser over the lexer's tokens, accepting what Apache
//! Thrift's compiler accepts (`thrifty.yy`), plus `uuid`, keywords as field names and
//! `list cpp_type "…" <T>` from its later versions. It never stops at the first error: each
//! bracketed list recovers on its own (see [`recovery`]), and a broken definition is skipped up
//! to the next one, so one mistake gives one diagnostic and every mistake of a file shows.

mod base_type_typos;
mod consts;
mod definitions;
mod doc;
mod fields;
mod functions;
mod headers;
mod names;
mod recovery;
mod types;

use crate::ast;
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::lexer::{self, Keyword, Lexed, Token, TokenKind};
use crate::source::{FileId, Span};

/// A parsed file and the problems found while parsing it.
#[derive(Debug, Default)]
pub struct ParseOutput {
    pub document: ast::Document,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses one file. Never panics; recovers after an error so that all of a file's errors show.
/// Diagnostics come in source order.
pub fn parse(file: FileId, text: &str) -> ParseOutput {
    let mut lexed = lexer::lex(file, text);
    let mut diagnostics = std::mem::take(&mut lexed.diagnostics);
    let mut parser = Parser {
        file,
        text,
        lexed,
        pos: 0,
        depth: 0,
        diagnostics: Vec::new(),
    };
    let mut document = parser.document();
    diagnostics.append(&mut parser.diagnostics);
    base_type_typos::check(file, &mut document, &mut diagnostics);
    diagnostics.sort_by_key(|d| d.span.start);
    ParseOutput {
        document,
        diagnostics,
    }
}

/// An error that has been reported; the caller recovers.
struct Reported;

type PResult<T> = Result<T, Reported>;

struct Parser<'a> {
    file: FileId,
    text: &'a str,
    lexed: Lexed,
    pos: usize,
    /// How many container types or constant lists/maps enclose the current position.
    depth: usize,
    diagnostics: Vec<Diagnostic>,
}

/// Keywords that start a definition, listed in "expected a definition" errors.
const DEFINITION_KEYWORDS: [&str; 10] = [
    "include",
    "cpp_include",
    "namespace",
    "const",
    "typedef",
    "enum",
    "struct",
    "union",
    "exception",
    "service",
];

impl<'a> Parser<'a> {
    fn document(&mut self) -> ast::Document {
        let mut document = ast::Document::default();
        let mut first_definition: Option<Span> = None;
        loop {
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
            Keyword::Exception => {
                ast::Definition::Struct(self.struct_like(StructKind::Exception)?)
            }
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
        let diagnostic = self.expected("a definition (`struct`, `enum`, `service`, …)");
        self.report(diagnostic.with_optional_hint(hint))
    }

    /// A word where a definition should start: a misspelt keyword, or one that Thrift dropped.
    fn unsupported_top_level_word(&mut self, token: Token) -> Reported {
        let word = self.text(token.span);
        if let Some(diagnostic) = self.legacy_namespace(token) {
            return self.report(diagnostic);
        }
        if word == "senum" {
            let diagnostic = self.error(token.span, "`senum` is no longer supported by Thrift");
            return self.report(diagnostic.with_hint("use an `enum`, or `string` values"));
        }
        let hint = did_you_mean(word, DEFINITION_KEYWORDS);
        let diagnostic = self.expected("a definition (`struct`, `enum`, `service`, …)");
        self.report(diagnostic.with_optional_hint(hint))
    }

    // ---- the token cursor ----

    fn peek(&self) -> Token {
        self.lexed.tokens[self.pos]
    }

    /// The token `n` places ahead; the end-of-file token when there are fewer.
    fn nth(&self, n: usize) -> Token {
        let last = self.lexed.tokens.len() - 1;
        self.lexed.tokens[(self.pos + n).min(last)]
    }

    fn at(&self, kind: TokenKind) -> bool {
        self.peek().kind == kind
    }

    fn at_keyword(&self, keyword: Keyword) -> bool {
        self.at(TokenKind::Keyword(keyword))
    }

    /// Consumes the current token; the end-of-file token is never consumed.
    fn bump(&mut self) -> Token {
        let token = self.peek();
        if token.kind != TokenKind::Eof {
            self.pos += 1;
        }
        token
    }

    fn eat(&mut self, kind: TokenKind) -> Option<Token> {
        self.at(kind).then(|| self.bump())
    }

    fn eat_keyword(&mut self, keyword: Keyword) -> Option<Token> {
        self.eat(TokenKind::Keyword(keyword))
    }

    /// The optional `,` or `;` after a member or a `const`/`typedef`.
    fn eat_separator(&mut self) {
        if matches!(self.peek().kind, TokenKind::Comma | TokenKind::Semicolon) {
            self.bump();
        }
    }

    /// The span of the last consumed token.
    fn previous_span(&self) -> Span {
        self.pos
            .checked_sub(1)
            .map_or_else(Span::default, |i| self.lexed.tokens[i].span)
    }

    /// From `start` to the end of the last consumed token.
    fn span_from(&self, start: Span) -> Span {
        start.to(self.previous_span())
    }

    fn text(&self, span: Span) -> &'a str {
        &self.text[span.start as usize..span.end as usize]
    }

    fn ident(&self, token: Token) -> ast::Ident {
        ast::Ident {
            name: self.text(token.span).to_owned(),
            span: token.span,
        }
    }

    fn literal(&self, token: Token) -> Option<String> {
        match token.kind {
            TokenKind::Literal(range) => Some(self.lexed.literal(range).to_owned()),
            _ => None,
        }
    }

    fn doc(&self, token: Token) -> Option<String> {
        token.doc.and_then(|span| doc::clean(self.text(span)))
    }

    // ---- diagnostics ----

    fn error(&self, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(self.file, span, message)
    }

    fn report(&mut self, diagnostic: Diagnostic) -> Reported {
        // A file cut short by an unterminated comment has its error already; complaints about
        // what is missing at the end would only repeat it.
        let at_end = diagnostic.span.start as usize >= self.text.len();
        if !(at_end && self.lexed.ends_in_comment) {
            self.diagnostics.push(diagnostic);
        }
        Reported
    }

    /// "expected {what}, found {the current token}", pointing at the current token.
    fn expected(&self, what: &str) -> Diagnostic {
        let token = self.peek();
        let message = format!("expected {what}, found {}", self.describe(token));
        self.error(self.error_span(token), message)
    }

    /// Where to point at a token; at the end of file, just after the last real token, so that
    /// the snippet shows the line where something is missing.
    fn error_span(&self, token: Token) -> Span {
        if token.kind == TokenKind::Eof {
            let end = self.previous_span().end as usize;
            Span::new(end, end)
        } else {
            token.span
        }
    }

    fn describe(&self, token: Token) -> String {
        const MAX_CHARS: usize = 32;
        let text = self.text(token.span);
        let shown = match text.char_indices().nth(MAX_CHARS) {
            Some((cut, _)) => format!("{}…", &text[..cut]),
            None => text.to_owned(),
        };
        match token.kind {
            TokenKind::Eof => "end of file".into(),
            TokenKind::Keyword(_) => format!("keyword `{shown}`"),
            TokenKind::Literal(_) => format!("string {shown}"),
            _ => format!("`{shown}`"),
        }
    }
}

#[cfg(test)]
mod tests;
