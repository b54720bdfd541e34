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
mod program;
mod recovery;
mod types;

use crate::ast;
use crate::diagnostic::Diagnostic;
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
    let lexical_errors = std::mem::take(&mut lexed.diagnostics);
    let mut parser = Parser {
        file,
        text,
        lexed,
        pos: 0,
        depth: 0,
        diagnostics: Vec::new(),
        skipped: Vec::new(),
        base_type_suspects: Vec::new(),
        errors: 0,
        quiet: false,
    };
    let mut document = parser.document();
    let mut diagnostics: Vec<Diagnostic> = lexical_errors
        .into_iter()
        .filter(|d| !parser.was_skipped(d.span.start))
        .collect();
    diagnostics.append(&mut parser.diagnostics);
    base_type_typos::check(
        file,
        text,
        &parser.base_type_suspects,
        &mut document,
        &mut diagnostics,
    );
    diagnostics.sort_by_key(|d| d.span.start);
    ParseOutput {
        document,
        diagnostics: first_error_of_each_line(text, diagnostics),
    }
}

/// Drops errors that follow another error on the same line: they are nearly always its
/// consequences (a list left open makes every enclosing list end at the same token; a stray
/// character or a broken string also upsets the parser), and one mistake should show once.
/// `diagnostics` is in source order.
fn first_error_of_each_line(text: &str, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut last_error_start: Option<usize> = None;
    diagnostics
        .into_iter()
        .filter(|diagnostic| {
            if !diagnostic.is_error() {
                return true;
            }
            let start = diagnostic.span.start as usize;
            let same_line =
                last_error_start.is_some_and(|last| !text.as_bytes()[last..start].contains(&b'\n'));
            if !same_line {
                last_error_start = Some(start);
            }
            !same_line
        })
        .collect()
}

/// How deeply container types and constant values may nest; deeper input is rejected so that
/// recursion stays far from the stack's limit.
const MAX_NESTING: usize = 256;

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
    /// Byte ranges skipped while recovering from errors, in source order.
    skipped: Vec<Span>,
    /// Type names that may be misspelt base types, for [`base_type_typos`].
    base_type_suspects: Vec<Span>,
    /// How many errors were found, reported or not.
    errors: usize,
    /// Set by an error, cleared by the next item (field, value, function, …) parsed without
    /// one, and at each top-level item. Errors found meanwhile go unreported: broken items
    /// in a row are nearly always one mistake seen several times, e.g. functions read as
    /// fields after a service's header was lost.
    quiet: bool,
}

impl<'a> Parser<'a> {
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
        self.errors += 1;
        // A file cut short by an unterminated comment has its error already; complaints about
        // what is missing at the end would only repeat it.
        let cut_short = self.peek().kind == TokenKind::Eof && self.lexed.ends_in_comment;
        if !self.quiet && !cut_short {
            self.diagnostics.push(diagnostic);
            self.quiet = true;
        }
        Reported
    }

    /// "expected {what}, found {the current token}". When the current token starts a line, or
    /// is the end of file, this points just after the previous token: where something is
    /// missing. Otherwise it points at the current token.
    fn expected(&self, what: &str) -> Diagnostic {
        let token = self.peek();
        let span = if token.first_on_line || token.kind == TokenKind::Eof {
            let end = self.previous_span().end as usize;
            Span::new(end, end)
        } else {
            token.span
        };
        self.expected_at(what, span)
    }

    /// "expected {what}, found {the current token}", pointing at that token, which is itself
    /// out of place.
    fn unexpected(&self, what: &str) -> Diagnostic {
        self.expected_at(what, self.peek().span)
    }

    fn expected_at(&self, what: &str, span: Span) -> Diagnostic {
        let found = self.describe(self.peek());
        self.error(span, format!("expected {what}, found {found}"))
    }

    /// Reports a missing token. Parsing goes on as if it were there when the current token
    /// fits what should follow it (`fits`); otherwise the caller recovers.
    pub(super) fn expect_missing(
        &mut self,
        what: &str,
        hint: Option<&str>,
        fits: impl Fn(TokenKind) -> bool,
    ) -> PResult<()> {
        let diagnostic = self
            .expected(what)
            .with_optional_hint(hint.map(str::to_owned));
        let fits = fits(self.peek().kind);
        self.report(diagnostic);
        if fits {
            Ok(())
        } else {
            Err(Reported)
        }
    }

    /// Runs `parse`, which starts at the current token, one nesting level deeper; refuses to go
    /// past [`MAX_NESTING`].
    pub(super) fn nested<T>(
        &mut self,
        what: &str,
        parse: impl FnOnce(&mut Self) -> PResult<T>,
    ) -> PResult<T> {
        if self.depth >= MAX_NESTING {
            let message = format!("{what} nested more than {MAX_NESTING} levels deep");
            return Err(self.report(self.error(self.peek().span, message)));
        }
        self.depth += 1;
        let parsed = parse(self);
        self.depth -= 1;
        parsed
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
