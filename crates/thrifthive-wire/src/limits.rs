//! Decoding limits, and the one check every length read from the wire goes through.
//!
//! A length is validated before anything is allocated for it: against its limit, and against the
//! bytes left in the input (a container of N elements needs at least N times its element's
//! smallest encoding), so a 2-billion-element claim in a 10-byte message fails at once.

use crate::error::{LengthOf, WireError};

/// What a reader accepts. Breaches are errors naming the limit and the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest string or binary, and longest message name, in bytes.
    pub max_string_len: usize,
    /// Most elements in a list, set or map.
    pub max_container_len: usize,
    /// Deepest nesting of structs and containers; a top-level struct is depth 1.
    pub max_depth: usize,
    /// Largest input a reader accepts, in bytes.
    pub max_message_size: usize,
}

impl Limits {
    pub const DEFAULT_MAX_STRING_LEN: usize = 16 * 1024 * 1024;
    pub const DEFAULT_MAX_CONTAINER_LEN: usize = 16 * 1024 * 1024;
    pub const DEFAULT_MAX_DEPTH: usize = 64;
    pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 16 * 1024 * 1024;

    /// Checks a length read from the wire and returns it as a `usize`: it must be non-negative,
    /// within its limit, and `min_bytes_each` bytes per unit must fit in `remaining` bytes.
    #[inline]
    pub(crate) fn check_len(
        &self,
        what: LengthOf,
        len: i64,
        min_bytes_each: usize,
        remaining: usize,
    ) -> Result<usize, WireError> {
        let limit = match what {
            LengthOf::List | LengthOf::Set | LengthOf::Map => self.max_container_len,
            LengthOf::String | LengthOf::Binary | LengthOf::MessageName => self.max_string_len,
            LengthOf::Message | LengthOf::Frame => self.max_message_size,
        };
        check_length(what, len, limit, min_bytes_each, remaining)
    }

    /// Rejects an input larger than `max_message_size`.
    #[inline]
    pub(crate) fn check_message_size(&self, size: usize) -> Result<(), WireError> {
        check_length(
            LengthOf::Message,
            size as i64,
            self.max_message_size,
            0,
            usize::MAX,
        )
        .map(drop)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_string_len: Self::DEFAULT_MAX_STRING_LEN,
            max_container_len: Self::DEFAULT_MAX_CONTAINER_LEN,
            max_depth: Self::DEFAULT_MAX_DEPTH,
            max_message_size: Self::DEFAULT_MAX_MESSAGE_SIZE,
        }
    }
}

/// The length check itself, for callers with a limit of their own (framing).
#[inline]
pub(crate) fn check_length(
    what: LengthOf,
    len: i64,
    limit: usize,
    min_bytes_each: usize,
    remaining: usize,
) -> Result<usize, WireError> {
    if len < 0 {
        return Err(negative(what, len));
    }
    let len = len as u64;
    if len > limit as u64 {
        return Err(over_limit(what, len, limit));
    }
    let needed = len.saturating_mul(min_bytes_each as u64);
    if needed > remaining as u64 {
        return Err(beyond_input(what, len, needed, remaining));
    }
    Ok(len as usize)
}

#[cold]
fn negative(what: LengthOf, len: i64) -> WireError {
    WireError::NegativeSize { what, len }
}

#[cold]
fn over_limit(what: LengthOf, len: u64, limit: usize) -> WireError {
    WireError::SizeLimit {
        what,
        len,
        limit: limit as u64,
    }
}

#[cold]
fn beyond_input(what: LengthOf, len: u64, needed: u64, remaining: usize) -> WireError {
    WireError::LengthBeyondInput {
        what,
        len,
        needed,
        remaining,
    }
}

/// Checks that a length a writer is about to encode fits the i32 every Thrift format uses.
#[inline]
pub(crate) fn check_wire_len(what: LengthOf, len: usize) -> Result<i32, WireError> {
    let len = i64::try_from(len).unwrap_or(i64::MAX);
    check_length(what, len, i32::MAX as usize, 0, usize::MAX).map(|len| len as i32)
}

/// Tracks how deep a reader is inside structs and containers.
#[derive(Debug, Clone)]
pub(crate) struct Depth {
    current: usize,
    limit: usize,
}

impl Depth {
    pub(crate) fn new(limit: usize) -> Depth {
        Depth { current: 0, limit }
    }

    #[inline]
    pub(crate) fn enter(&mut self) -> Result<(), WireError> {
        if self.current >= self.limit {
            return Err(too_deep(self.limit));
        }
        self.current += 1;
        Ok(())
    }

    #[inline]
    pub(crate) fn leave(&mut self) {
        self.current = self.current.saturating_sub(1);
    }
}

#[cold]
fn too_deep(limit: usize) -> WireError {
    WireError::DepthLimit { limit }
}
