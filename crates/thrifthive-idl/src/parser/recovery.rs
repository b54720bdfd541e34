//! Bracketed lists and error recovery.
//!
//! Every `{…}`, `(…)` and `[…]` list goes through [`Parser::delimited`], which recovers from a
//! broken item by skipping to the next one, so an error never escapes its brackets. A list
//! left open is noticed at a token that cannot be an item (a definition keyword, a `}` of an
//! outer block, the end of file) and reported once, pointing at where it was opened.

use super::{PResult, Parser};
use crate::lexer::{Token, TokenKind};

impl Parser<'_> {
    /// Parses the items of a list whose `open` token was just consumed, up to and including
    /// `close`. Each item consumes its own trailing separator. `owner` names the list in an
    /// "unclosed" error (e.g. "struct `User`"); it is only called then.
    pub(super) fn delimited<T>(
        &mut self,
        open: Token,
        close: TokenKind,
        owner: impl Fn() -> String,
        mut item: impl FnMut(&mut Self) -> PResult<T>,
    ) -> Vec<T> {
        let mut items = Vec::new();
        // After a broken item, a missing closer is usually the same mistake: report it once.
        let mut item_failed = false;
        loop {
            let token = self.peek();
            if token.kind == close {
                self.bump();
                return items;
            }
            if token.kind == TokenKind::Eof
                || token.kind == TokenKind::RBrace
                || token.kind.starts_top_level_item()
            {
                if !item_failed {
                    self.report_unclosed(open, close, &owner());
                }
                return items;
            }
            if token.kind.is_closing_bracket() {
                let message = format!("unexpected {} inside {}", describe_kind(token.kind), owner());
                let diagnostic = self
                    .error(token.span, message)
                    .with_hint("remove it: it closes nothing here");
                self.report(diagnostic);
                self.bump();
                item_failed = true;
                continue;
            }
            let start = self.pos;
            match item(self) {
                Ok(parsed) => {
                    items.push(parsed);
                    item_failed = false;
                }
                Err(_) => {
                    item_failed = true;
                    self.skip_to_next_item(start, close);
                }
            }
        }
    }

    fn report_unclosed(&mut self, open: Token, close: TokenKind, owner: &str) {
        let closer = describe_kind(close);
        let diagnostic = self
            .expected(&format!("{closer} to close {owner}"))
            .with_note(self.file, open.span, "opened here")
            .with_hint(format!("add {closer} to close {owner}"));
        self.report(diagnostic);
    }

    /// Skips the rest of a broken item that started at token index `start`: up to a separator
    /// (consumed), the list's closer or a `}`, or a word at the start of a line, where the next
    /// item most likely begins.
    fn skip_to_next_item(&mut self, start: usize, close: TokenKind) {
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
                kind if kind == close => return,
                TokenKind::Comma | TokenKind::Semicolon => {
                    self.bump();
                    return;
                }
                _ if token.first_on_line && starts_item(token.kind) => return,
                _ => self.skip_token_or_group(),
            }
        }
    }

    /// After a broken header or definition, skips to the next one: to a definition keyword, or
    /// a name starting a line (a misspelt keyword, reported next). `start` is the token index
    /// where the broken one began.
    pub(super) fn skip_to_top_level_item(&mut self, start: usize) {
        if self.pos == start {
            self.skip_token_or_group();
        }
        loop {
            let token = self.peek();
            if token.kind == TokenKind::Eof
                || token.kind.starts_top_level_item()
                || (token.first_on_line && token.kind == TokenKind::Ident)
            {
                return;
            }
            self.skip_token_or_group();
        }
    }

    /// Skips one token, or a whole bracketed group when it opens one. Stops early, without
    /// consuming it, at a definition keyword that starts a line: the group was left open.
    fn skip_token_or_group(&mut self) {
        if !self.peek().kind.is_opening_bracket() {
            self.bump();
            return;
        }
        let mut depth = 0usize;
        loop {
            let token = self.bump();
            if token.kind.is_opening_bracket() {
                depth += 1;
            } else if token.kind.is_closing_bracket() {
                depth -= 1;
                if depth == 0 {
                    return;
                }
            }
            let next = self.peek();
            if next.kind == TokenKind::Eof
                || (next.first_on_line && next.kind.starts_top_level_item())
            {
                return;
            }
        }
    }
}

/// Tokens that can begin a field, function, enum value, annotation or constant.
fn starts_item(kind: TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::Ident
            | TokenKind::Keyword(_)
            | TokenKind::Int(_)
            | TokenKind::Double(_)
            | TokenKind::Literal(_)
    )
}

/// How a punctuation kind is written in messages.
pub(super) fn describe_kind(kind: TokenKind) -> &'static str {
    match kind {
        TokenKind::RBrace => "`}`",
        TokenKind::RParen => "`)`",
        TokenKind::RBracket => "`]`",
        TokenKind::LBrace => "`{`",
        TokenKind::LParen => "`(`",
        TokenKind::LBracket => "`[`",
        TokenKind::Lt => "`<`",
        TokenKind::Gt => "`>`",
        TokenKind::Colon => "`:`",
        TokenKind::Comma => "`,`",
        TokenKind::Eq => "`=`",
        _ => "a token",
    }
}
