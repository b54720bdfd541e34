//! A position in a borrowed input: the byte-level reading all three protocol readers share.

use crate::error::WireError;

#[derive(Debug, Clone)]
pub(crate) struct Cursor<'a> {
    input: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(input: &'a [u8]) -> Cursor<'a> {
        Cursor { input, pos: 0 }
    }

    #[inline]
    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    #[inline]
    pub(crate) fn remaining(&self) -> usize {
        self.input.len() - self.pos
    }

    /// The next `n` bytes, borrowed from the input.
    #[inline]
    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], WireError> {
        if n > self.remaining() {
            return Err(WireError::eof(self.input.len()));
        }
        let bytes = &self.input[self.pos..self.pos + n];
        self.pos += n;
        Ok(bytes)
    }

    /// The next `n` bytes as UTF-8 text, borrowed from the input.
    #[inline]
    pub(crate) fn take_str(&mut self, n: usize) -> Result<&'a str, WireError> {
        let start = self.pos;
        let bytes = self.take(n)?;
        std::str::from_utf8(bytes).map_err(|_| WireError::InvalidUtf8 { offset: start })
    }

    #[inline]
    pub(crate) fn take_array<const N: usize>(&mut self) -> Result<[u8; N], WireError> {
        match self.input[self.pos..].first_chunk::<N>() {
            Some(bytes) => {
                self.pos += N;
                Ok(*bytes)
            }
            None => Err(WireError::eof(self.input.len())),
        }
    }

    #[inline]
    pub(crate) fn byte(&mut self) -> Result<u8, WireError> {
        match self.input.get(self.pos) {
            Some(&byte) => {
                self.pos += 1;
                Ok(byte)
            }
            None => Err(WireError::eof(self.input.len())),
        }
    }

    #[inline]
    pub(crate) fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    /// The unread rest of the input, without consuming it.
    #[inline]
    pub(crate) fn rest(&self) -> &'a [u8] {
        &self.input[self.pos..]
    }

    #[inline]
    pub(crate) fn advance(&mut self, n: usize) {
        debug_assert!(n <= self.remaining());
        self.pos += n;
    }
}
