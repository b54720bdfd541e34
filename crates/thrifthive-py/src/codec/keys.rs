//! Map keys that repeat (a `map<string, i64>` of counters, of headers, of attributes) are made
//! once: a cache of short ASCII key strings, shared by every decode, hands out the same `str`
//! again. That saves the allocation, and the dict does not hash the key again: a `str` keeps its
//! hash. msgspec does the same. Values are not cached: they are more often unique, and every
//! miss costs a little.
//!
//! A decode takes the cache's lock at its first string map key and holds it to the end, so the
//! lock costs once per call. A decode that finds it taken (a nested one, or another thread's)
//! does without.

use std::sync::{Mutex, MutexGuard, TryLockError};

use pyo3::prelude::*;

use super::error::CodecError;
use super::values;

const SLOTS: usize = 512;
/// Longer keys are rarer and costlier to compare; they are made every time.
const MAX_LEN: usize = 16;

/// A key's bytes, zero-padded, and its length: compared as two words and a byte.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Key {
    bytes: [u8; MAX_LEN],
    len: u8,
}

struct Entry {
    key: Key,
    text: Py<PyAny>,
}

type Slots = Box<[Option<Entry>]>;

static CACHE: Mutex<Option<Slots>> = Mutex::new(None);

/// One decode's hold on the cache.
pub struct KeyCache(Hold);

enum Hold {
    Untried,
    Held(MutexGuard<'static, Option<Slots>>),
    Unavailable,
}

impl KeyCache {
    pub fn new() -> KeyCache {
        KeyCache(Hold::Untried)
    }

    /// The str for a map key with these UTF-8 bytes (at `offset` in the input, for errors).
    #[inline]
    pub fn key<'py>(
        &mut self,
        py: Python<'py>,
        bytes: &[u8],
        offset: usize,
    ) -> Result<Bound<'py, PyAny>, CodecError> {
        if bytes.len() > MAX_LEN || !bytes.is_ascii() {
            return values::new_str(py, bytes, offset);
        }
        let mut padded = [0; MAX_LEN];
        padded[..bytes.len()].copy_from_slice(bytes);
        let key = Key {
            bytes: padded,
            len: bytes.len() as u8,
        };
        let Some(slots) = self.slots() else {
            return values::new_str(py, bytes, offset);
        };
        let slot = &mut slots[index(&key)];
        if let Some(entry) = slot {
            if entry.key == key {
                return Ok(entry.text.bind(py).clone());
            }
        }
        let text = values::new_str(py, bytes, offset)?;
        *slot = Some(Entry {
            key,
            text: text.clone().unbind(),
        });
        Ok(text)
    }

    fn slots(&mut self) -> Option<&mut [Option<Entry>]> {
        if let Hold::Untried = self.0 {
            self.0 = match CACHE.try_lock() {
                Ok(guard) => Hold::Held(guard),
                // Nothing is left half-done while the lock is held: a panic cannot have
                // broken the cache.
                Err(TryLockError::Poisoned(poisoned)) => Hold::Held(poisoned.into_inner()),
                Err(TryLockError::WouldBlock) => Hold::Unavailable,
            };
        }
        match &mut self.0 {
            Hold::Held(guard) => {
                Some(guard.get_or_insert_with(|| (0..SLOTS).map(|_| None).collect()))
            }
            Hold::Untried | Hold::Unavailable => None,
        }
    }
}

/// The slot of a key: a multiplicative hash of its two words and its length.
#[inline]
fn index(key: &Key) -> usize {
    let (low, high) = key.bytes.split_at(8);
    let low = u64::from_le_bytes(low.try_into().expect("8 bytes"));
    let high = u64::from_le_bytes(high.try_into().expect("8 bytes"));
    let mixed =
        (low ^ high.rotate_left(29) ^ u64::from(key.len)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (mixed >> (64 - SLOTS.trailing_zeros())) as usize
}
