//! Bracketed lists and error recovery.
//!
//! Every `{…}`, `(…)` and `[…]` list goes through [`Parser::delimited`], which recovers from a
//! broken item by skipping to the next one, so an error never escapes its brackets. A list
//! left open is noticed at a token that cannot be an item (a definition keyword, a `}` of an
//! outer block, the end of file) and reported with a note where it was opened. A broken
//! header or definition is skipped up to the next one.

use super::types::starts_type;
use super::{PResult, Parser};
use crate::lexer::{Keyword, Token, TokenKind};
use crate::source::Span;

/// What a bracketed list holds: it decides the closing token and what may begin an item.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Items {
    /// Struct, union, exception and `xsd_attrs` fields.
    Fields,
    /// Function parameters and throws clauses.
    Parameters,
    EnumValues,
    Functions,
    Annotations,
    ListElements,
    MapEntries,
}

impl Items {
    fn close(self) -> TokenKind {
        match self {
            Items::Parameters | Items::Annotations => TokenKind::RParen,
            Items::ListElements => TokenKind::RBracket,
            _ => TokenKind::RBrace,
        }
    }

    pub(super) fn can_start_item(self, kind: TokenKind) -> bool {
        match self {
            Items::Fields | Items::Parameters => {
                matches!(kind, TokenKind::Int(_)) || starts_type(kind) || is_requiredness(kind)
            }
            Items::EnumValues | Items::Annotations | Items::Functions => kind.is_word(),
            Items::ListElements | Items::MapEntries => matches!(
                kind,
                TokenKind::Int(_)
                    | TokenKind::Double(_)
                    | TokenKind::Literal(_)
                    | TokenKind::Ident
                    | TokenKind::Keyword(Keyword::True | Keyword::False)
                    | TokenKind::LBracket
                    | TokenKind::LBrace
            ),
        }
    }
}

fn is_requiredness(kind: TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::Keyword(Keyword::Required | Keyword::Optional)
    )
}

impl Parser<'_> {
    /// Parses the items of a list whose `open` token was just consumed, up to and including
    /// its closer. Each item consumes its own trailing separator. `owner` names the list in an
    /// "unclosed" error (e.g. "struct `User`"); it is only called then.
    pub(super) fn delimited<T>(
        &mut self,
        open: Token,
        items_kind: Items,
        owner: impl Fn() -> String,
        mut item: impl FnMut(&mut Self) -> PResult<T>,
    ) -> Vec<T> {
        let close = items_kind.close();
        let mut items = Vec::new();
        loop {
            let token = self.peek();
            if token.kind == close {
                self.bump();
                return items;
            }
            if self.list_left_open(items_kind) {
                // After a broken item this is usually the same mistake, and `report` keeps
                // quiet about it.
                self.report_unclosed(open, close, &owner());
                return items;
            }
            if token.kind.is_closing_bracket() {
                let message = format!("unexpected {} inside {}", closer_text(token.kind), owner());
                let diagnostic = self
                    .error(token.span, message)
                    .with_hint("remove it: it closes nothing here");
                self.report(diagnostic);
                self.bump();
                continue;
            }
            let start = self.pos;
            let errors_before = self.errors;
            match item(self) {
                Ok(parsed) => {
                    items.push(parsed);
                    if self.errors == errors_before {
                        self.quiet = false;
                    }
                }
                Err(_) => self.skip_to_next_item(start, items_kind),
            }
        }
    }

    /// Whether the current token, where an item or the closer should be, shows that the list
    /// was left open. A definition keyword or an outer block's `}` does. So does, in a `(…)` or
    /// `[…]` list, a line starting with what cannot begin an item (in a `{…}` body, a stray
    /// token is more likely than a missing `}`) or, in a `(…)` list, with the next function;
    /// and in a list constant a `:`, which shows that the list is over and a map goes on.
    fn list_left_open(&self, items_kind: Items) -> bool {
        let token = self.peek();
        let close = items_kind.close();
        token.kind == TokenKind::Eof
            || token.kind == TokenKind::RBrace
            || token.kind.starts_top_level_item()
            || (close != TokenKind::RBrace
                && token.first_on_line
                && !token.kind.is_closing_bracket()
                && !items_kind.can_start_item(token.kind))
            || (close == TokenKind::RParen && token.first_on_line && self.at_function_start())
            || (items_kind == Items::ListElements && token.kind == TokenKind::Colon)
    }

    /// Whether the tokens ahead read `Type name (`, the start of a function with a simple
    /// return type.
    fn at_function_start(&self) -> bool {
        starts_type(self.peek().kind)
            && self.nth(1).kind.is_word()
            && self.nth(2).kind == TokenKind::LParen
    }

    fn report_unclosed(&mut self, open: Token, close: TokenKind, owner: &str) {
        let closer = closer_text(close);
        let diagnostic = self
            .expected(&format!("{closer} to close {owner}"))
            .with_note(self.file, open.span, "opened here")
            .with_hint(format!("add {closer} to close {owner}"));
        self.report(diagnostic);
    }

    /// Skips the rest of a broken item that started at token index `start`: up to a separator
    /// (consumed), the list's closer or a `}`, a definition keyword, or a token at the start of
    /// a line that can begin the next item.
    fn skip_to_next_item(&mut self, start: usize, items_kind: Items) {
        let from = self.peek().span.start;
        self.skip_rest_of_item(start, items_kind);
        self.note_skipped(from);
    }

    fn skip_rest_of_item(&mut self, start: usize, items_kind: Items) {
        let close = items_kind.close();
        if self.pos == start {
            // The item failed on its first token; skip that token (and all it opens).
            let first = self.peek();
            self.skip_token_or_group();
            if matches!(first.kind, TokenKind::Comma | TokenKind::Semicolon) {
                return;
            }
        }
        loop {
            let token = self.peek();
            match token.kind {
                TokenKind::Eof | TokenKind::RBrace => return,
                kind if kind == close || kind.starts_top_level_item() => return,
                TokenKind::Comma | TokenKind::Semicolon => {
                    self.bump();
                    return;
                }
                _ if token.first_on_line && items_kind.can_start_item(token.kind) => return,
                _ => self.skip_token_or_group(),
            }
        }
    }

    /// After a broken header or definition, skips to the next one: to a definition keyword, or
    /// to a line that starts like a definition with a misspelt or dropped keyword (`Struct
    /// User {`, `php_namespace x`), reported next. `start` is the token index where the broken
    /// one began.
    pub(super) fn skip_to_top_level_item(&mut self, start: usize) {
        let from = self.peek().span.start;
        self.skip_rest_of_top_level_item(start);
        self.note_skipped(from);
    }

    fn skip_rest_of_top_level_item(&mut self, start: usize) {
        if self.pos == start {
            self.skip_token_or_group();
        }
        loop {
            let token = self.peek();
            if token.kind == TokenKind::Eof
                || token.kind.starts_top_level_item()
                || (token.first_on_line && self.at_misspelt_definition())
            {
                return;
            }
            self.skip_token_or_group();
        }
    }

    /// Records that the text from offset `from` to the current token was skipped.
    fn note_skipped(&mut self, from: u32) {
        let to = self.peek().span.start;
        if to > from {
            self.skipped.push(Span {
                start: from,
                end: to,
            });
        }
    }

    /// Whether `offset` lies in text skipped after an error: lexical errors there are left
    /// unreported, as consequences or as part of the garbage already complained about.
    pub(super) fn was_skipped(&self, offset: u32) -> bool {
        let after = self.skipped.partition_point(|range| range.start <= offset);
        after > 0 && offset < self.skipped[after - 1].end
    }

    /// Skips one token, or a whole bracketed group (`<…>` included) when it opens one. Stops
    /// early, without consuming it, at a closer that matches none of the group's openers or at a
    /// definition keyword that starts a line: there, the group was left open.
    fn skip_token_or_group(&mut self) {
        let Some(closer) = closer_of(self.bump().kind) else {
            return;
        };
        let mut expected_closers = vec![closer];
        loop {
            let token = self.peek();
            if token.kind == TokenKind::Eof
                || (token.first_on_line && token.kind.starts_top_level_item())
            {
                return;
            }
            if let Some(closer) = closer_of(token.kind) {
                expected_closers.push(closer);
            } else if expected_closers.last() == Some(&token.kind) {
                expected_closers.pop();
                if expected_closers.is_empty() {
                    self.bump();
                    return;
                }
            } else if token.kind.is_closing_bracket() {
                return;
            }
            self.bump();
        }
    }
}

/// The token that closes a group `kind` opens.
fn closer_of(kind: TokenKind) -> Option<TokenKind> {
    match kind {
        TokenKind::LBrace => Some(TokenKind::RBrace),
        TokenKind::LParen => Some(TokenKind::RParen),
        TokenKind::LBracket => Some(TokenKind::RBracket),
        TokenKind::Lt => Some(TokenKind::Gt),
        _ => None,
    }
}

/// How a closing bracket is written in messages.
fn closer_text(kind: TokenKind) -> &'static str {
    match kind {
        TokenKind::RBrace => "`}`",
        TokenKind::RParen => "`)`",
        _ => "`]`",
    }
}
