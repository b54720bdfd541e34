//! The lexer: one pass over a file's bytes, producing tokens for the parser.
//!
//! It follows Apache Thrift's scanner (`thriftl.ll`): `//`, `#` and `/* */` comments, `/** */`
//! doc comments, identifiers with inner dots, signed decimal and hex integers, doubles, and
//! single- or double-quoted strings with the escapes `\\ \" \' \n \r \t`. It allocates only for
//! string literal values, and it never stops at an error: bad input is reported and skipped.

mod token;

pub use token::{Keyword, LiteralRange, Token, TokenKind};

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

/// The tokens of one file (always ending with [`TokenKind::Eof`]) and the lexical errors.
#[derive(Debug)]
pub struct Lexed {
    pub tokens: Vec<Token>,
    pub diagnostics: Vec<Diagnostic>,
    /// The file ended inside a comment. The error is already reported, so a parser should not
    /// add "found end of file" errors on top of it.
    pub ends_in_comment: bool,
    /// The unescaped values of all string literals, back to back.
    literals: String,
}

impl Lexed {
    /// The unescaped value of a string literal token.
    pub fn literal(&self, range: LiteralRange) -> &str {
        &self.literals[range.start as usize..range.end as usize]
    }
}

pub fn lex(file: FileId, text: &str) -> Lexed {
    Lexer {
        file,
        text,
        bytes: text.as_bytes(),
        pos: 0,
        pending_doc: None,
        at_line_start: true,
        stray_on_line: None,
        out: Lexed {
            tokens: Vec::with_capacity(text.len() / 4),
            diagnostics: Vec::new(),
            ends_in_comment: false,
            literals: String::new(),
        },
    }
    .run()
}

struct Lexer<'a> {
    file: FileId,
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    pending_doc: Option<Span>,
    at_line_start: bool,
    /// The "unexpected character" diagnostic of the current line. It grows while stray
    /// characters follow one another (`@@@` is one error), and other stray characters on the
    /// same line add none: a line of garbage is one mistake.
    stray_on_line: Option<usize>,
    out: Lexed,
}

impl Lexer<'_> {
    fn run(mut self) -> Lexed {
        if self.text.starts_with('\u{feff}') {
            self.pos = '\u{feff}'.len_utf8();
        }
        loop {
            self.skip_trivia();
            let start = self.pos;
            let Some(&byte) = self.bytes.get(start) else {
                self.push(TokenKind::Eof, start);
                return self.out;
            };
            let kind = match byte {
                b':' => self.punct(TokenKind::Colon),
                b';' => self.punct(TokenKind::Semicolon),
                b',' => self.punct(TokenKind::Comma),
                b'{' => self.punct(TokenKind::LBrace),
                b'}' => self.punct(TokenKind::RBrace),
                b'(' => self.punct(TokenKind::LParen),
                b')' => self.punct(TokenKind::RParen),
                b'[' => self.punct(TokenKind::LBracket),
                b']' => self.punct(TokenKind::RBracket),
                b'<' => self.punct(TokenKind::Lt),
                b'>' => self.punct(TokenKind::Gt),
                b'=' => self.punct(TokenKind::Eq),
                b'*' => self.punct(TokenKind::Star),
                b'&' => self.punct(TokenKind::Amp),
                b'"' | b'\'' => self.string(byte),
                b'0'..=b'9' => self.number(),
                b'+' | b'-' | b'.' if self.number_starts_at(start) => self.number(),
                b'a'..=b'z' | b'A'..=b'Z' | b'_' => self.word(),
                _ => {
                    self.stray_character();
                    continue;
                }
            };
            self.push(kind, start);
        }
    }

    fn push(&mut self, kind: TokenKind, start: usize) {
        self.out.tokens.push(Token {
            kind,
            span: Span::new(start, self.pos),
            doc: self.pending_doc.take(),
            first_on_line: std::mem::take(&mut self.at_line_start),
        });
    }

    fn error(&self, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(self.file, span, message)
    }

    fn report(&mut self, diagnostic: Diagnostic) {
        self.out.diagnostics.push(diagnostic);
    }

    fn peek_at(&self, pos: usize) -> u8 {
        self.bytes.get(pos).copied().unwrap_or(0)
    }

    fn skip_trivia(&mut self) {
        loop {
            match (self.peek_at(self.pos), self.peek_at(self.pos + 1)) {
                (b'\n', _) => {
                    self.at_line_start = true;
                    self.stray_on_line = None;
                    self.pos += 1;
                }
                (b' ' | b'\t' | b'\r', _) => self.pos += 1,
                (b'#', _) | (b'/', b'/') => self.skip_line(),
                (b'/', b'*') => self.block_comment(),
                _ => return,
            }
        }
    }

    fn skip_line(&mut self) {
        self.pos = match self.bytes[self.pos..].iter().position(|&b| b == b'\n') {
            Some(offset) => self.pos + offset,
            None => self.bytes.len(),
        };
    }

    fn block_comment(&mut self) {
        let start = self.pos;
        let body_start = start + 2;
        let Some(close) = self.bytes[body_start..]
            .windows(2)
            .position(|pair| pair == b"*/")
        else {
            let unterminated = self.error(Span::new(start, body_start), "unterminated comment");
            self.report(unterminated.with_hint("close it with `*/`"));
            self.out.ends_in_comment = true;
            self.pos = self.bytes.len();
            return;
        };
        let body = &self.bytes[body_start..body_start + close];
        self.pos = body_start + close + 2;
        // `/**/` and `/*****/` are plain comments; `/** … */` with any text is a doc comment.
        let is_doc = body.first() == Some(&b'*') && body.iter().any(|&b| b != b'*');
        if is_doc {
            self.pending_doc = Some(Span::new(start, self.pos));
        }
        if body.contains(&b'\n') {
            self.at_line_start = true;
            self.stray_on_line = None;
        }
    }

    fn punct(&mut self, kind: TokenKind) -> TokenKind {
        self.pos += 1;
        kind
    }

    fn word(&mut self) -> TokenKind {
        let start = self.pos;
        self.pos += 1;
        loop {
            let byte = self.peek_at(self.pos);
            if is_word_byte(byte) {
                self.pos += 1;
            } else if byte == b'.' && is_word_byte(self.peek_at(self.pos + 1)) {
                self.pos += 2;
            } else {
                break;
            }
        }
        Keyword::from_word(&self.text[start..self.pos]).map_or(TokenKind::Ident, TokenKind::Keyword)
    }

    /// `+` and `-` start a number only when digits follow, and `.` only in a double like `.5`.
    fn number_starts_at(&self, pos: usize) -> bool {
        let mut pos = pos;
        if matches!(self.peek_at(pos), b'+' | b'-') {
            pos += 1;
        }
        if self.peek_at(pos) == b'.' {
            pos += 1;
        }
        self.peek_at(pos).is_ascii_digit()
    }

    fn number(&mut self) -> TokenKind {
        let start = self.pos;
        let negative = self.peek_at(start) == b'-';
        if matches!(self.peek_at(start), b'+' | b'-') {
            self.pos += 1;
        }
        if self.peek_at(self.pos) == b'0'
            && self.peek_at(self.pos + 1) == b'x'
            && self.peek_at(self.pos + 2).is_ascii_hexdigit()
        {
            self.pos += 2;
            let digits_start = self.pos;
            self.skip_while(|b| b.is_ascii_hexdigit());
            let magnitude = u64::from_str_radix(&self.text[digits_start..self.pos], 16).ok();
            return self.integer(start, negative, magnitude);
        }
        let digits_start = self.pos;
        self.skip_while(|b| b.is_ascii_digit());
        let digits_end = self.pos;
        let mut is_double = false;
        if self.peek_at(self.pos) == b'.' && self.peek_at(self.pos + 1).is_ascii_digit() {
            self.pos += 1;
            self.skip_while(|b| b.is_ascii_digit());
            is_double = true;
        }
        if matches!(self.peek_at(self.pos), b'e' | b'E') {
            let sign = usize::from(matches!(self.peek_at(self.pos + 1), b'+' | b'-'));
            if self.peek_at(self.pos + 1 + sign).is_ascii_digit() {
                self.pos += 1 + sign;
                self.skip_while(|b| b.is_ascii_digit());
                is_double = true;
            }
        }
        if is_double {
            // The text matches Rust's float grammar; huge exponents give infinity, as in C.
            let value = self.text[start..self.pos].parse().unwrap_or(f64::INFINITY);
            return TokenKind::Double(value);
        }
        let magnitude = self.text[digits_start..digits_end].parse().ok();
        self.integer(start, negative, magnitude)
    }

    /// An integer token from its sign and magnitude (`None` when even the magnitude overflowed).
    fn integer(&mut self, start: usize, negative: bool, magnitude: Option<u64>) -> TokenKind {
        let value = magnitude.and_then(|m| {
            if negative {
                0i64.checked_sub_unsigned(m)
            } else {
                i64::try_from(m).ok()
            }
        });
        match value {
            Some(value) => TokenKind::Int(value),
            None => {
                let span = Span::new(start, self.pos);
                let message = format!(
                    "integer literal `{}` does not fit in 64 bits",
                    &self.text[start..self.pos]
                );
                let hint = format!("Thrift integers range from {} to {}", i64::MIN, i64::MAX);
                self.report(self.error(span, message).with_hint(hint));
                // Parsing goes on with a placeholder; the error already fails the file.
                TokenKind::Int(0)
            }
        }
    }

    fn skip_while(&mut self, keep: impl Fn(u8) -> bool) {
        while keep(self.peek_at(self.pos)) {
            self.pos += 1;
        }
    }

    fn string(&mut self, quote: u8) -> TokenKind {
        let start = self.pos;
        self.pos += 1;
        let value_start = self.out.literals.len();
        let mut chunk_start = self.pos;
        loop {
            match self.bytes.get(self.pos).copied() {
                None | Some(b'\n') => {
                    self.out
                        .literals
                        .push_str(&self.text[chunk_start..self.pos]);
                    let end = self.text[..self.pos].trim_end_matches('\r').len();
                    let quote = quote as char;
                    let hint = format!(
                        "close it with `{quote}` on the same line; strings cannot span lines"
                    );
                    let unterminated =
                        self.error(Span::new(start, end), "unterminated string literal");
                    self.report(unterminated.with_hint(hint));
                    break;
                }
                Some(byte) if byte == quote => {
                    self.out
                        .literals
                        .push_str(&self.text[chunk_start..self.pos]);
                    self.pos += 1;
                    break;
                }
                Some(b'\\') => {
                    self.out
                        .literals
                        .push_str(&self.text[chunk_start..self.pos]);
                    self.escape();
                    chunk_start = self.pos;
                }
                Some(_) => self.pos += 1,
            }
        }
        TokenKind::Literal(LiteralRange {
            start: value_start as u32,
            end: self.out.literals.len() as u32,
        })
    }

    /// One backslash escape inside a string, at `self.pos`.
    fn escape(&mut self) {
        let backslash = self.pos;
        self.pos += 1;
        let Some(escaped) = self.text[self.pos..].chars().next() else {
            return;
        };
        let value = match escaped {
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            '\\' | '"' | '\'' => escaped,
            // Left for the string loop, which reports the unterminated literal.
            '\n' => return,
            _ => {
                self.pos += escaped.len_utf8();
                let message = format!("unknown escape sequence `\\{escaped}` in string literal");
                let hint = "Thrift strings understand only \\\\, \\\", \\', \\n, \\r and \\t";
                self.report(
                    self.error(Span::new(backslash, self.pos), message)
                        .with_hint(hint),
                );
                return;
            }
        };
        self.pos += 1;
        self.out.literals.push(value);
    }

    fn stray_character(&mut self) {
        let start = self.pos;
        let width = self.text[start..].chars().next().map_or(1, char::len_utf8);
        self.pos += width;
        if let Some(index) = self.stray_on_line {
            let diagnostic = &mut self.out.diagnostics[index];
            if diagnostic.span.end as usize == start {
                diagnostic.span.end = self.pos as u32;
                let run = &self.text[diagnostic.span.start as usize..self.pos];
                diagnostic.message = format!("unexpected characters `{run}`");
            }
            return;
        }
        let message = format!("unexpected character `{}`", &self.text[start..self.pos]);
        self.report(self.error(Span::new(start, self.pos), message));
        self.stray_on_line = Some(self.out.diagnostics.len() - 1);
    }
}

fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

#[cfg(test)]
mod tests;
