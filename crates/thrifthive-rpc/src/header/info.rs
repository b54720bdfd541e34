//! THeader info headers: string key/value pairs, carried unchanged (the spec forbids altering
//! them), in the order they were set. Only the key/value kind (id 1) is known; the spec orders
//! info blocks oldest kind first, so reading stops at the first unknown kind and the rest of
//! the header is skipped.

use bytes::Bytes;
use thrifthive_wire::compact::{decode_varint32, encode_varint32};

/// The info block id of key/value headers.
const KEY_VALUE: u32 = 1;

/// Info headers: key/value pairs of bytes (UTF-8 text in practice). A key set twice keeps its
/// last value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InfoHeaders(Vec<(Bytes, Bytes)>);

impl InfoHeaders {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Sets `key` to `value`, replacing an earlier value.
    pub fn insert(&mut self, key: impl Into<Bytes>, value: impl Into<Bytes>) {
        let (key, value) = (key.into(), value.into());
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value,
            None => self.0.push((key, value)),
        }
    }

    pub fn get(&self, key: &[u8]) -> Option<&Bytes> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Bytes, &Bytes)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// Appends the key/value info block (nothing when there are no headers).
    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        if self.0.is_empty() {
            return;
        }
        encode_varint32(out, KEY_VALUE);
        encode_varint32(out, self.0.len() as u32);
        for (key, value) in &self.0 {
            for string in [key, value] {
                encode_varint32(out, string.len() as u32);
                out.extend_from_slice(string);
            }
        }
    }

    /// Reads the info blocks in `block` (the header after the transforms, padding included),
    /// sharing the strings with it.
    pub(crate) fn read(mut block: Bytes) -> Result<InfoHeaders, String> {
        let mut headers = InfoHeaders::default();
        // Padding is zeros, and 0 is no info kind: the blocks end there.
        while block.first().is_some_and(|&id| id != 0) {
            if varint(&mut block, "an info block id")? != KEY_VALUE {
                break;
            }
            let count = varint(&mut block, "the number of info headers")?;
            for _ in 0..count {
                let key = string(&mut block, "an info header's key")?;
                let value = string(&mut block, "an info header's value")?;
                headers.insert(key, value);
            }
        }
        Ok(headers)
    }
}

fn varint(block: &mut Bytes, what: &str) -> Result<u32, String> {
    let (value, len) = decode_varint32(block).map_err(|error| format!("{what}: {error}"))?;
    let _ = block.split_to(len);
    Ok(value)
}

fn string(block: &mut Bytes, what: &str) -> Result<Bytes, String> {
    let len = varint(block, what)? as usize;
    if len > block.len() {
        return Err(format!(
            "{what} is {len} bytes long, but only {} bytes of header are left",
            block.len()
        ));
    }
    Ok(block.split_to(len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_order_and_last_value() {
        let mut headers = InfoHeaders::default();
        headers.insert("b", "1");
        headers.insert("a", "2");
        headers.insert("b", "3");
        let mut out = Vec::new();
        headers.write(&mut out);
        assert_eq!(out, b"\x01\x02\x01b\x013\x01a\x012");
        out.extend_from_slice(&[0, 0, 0]);
        let read = InfoHeaders::read(Bytes::from(out)).unwrap();
        assert_eq!(read, headers);
        assert_eq!(read.get(b"b").map(|v| &v[..]), Some(&b"3"[..]));
    }

    #[test]
    fn unknown_kinds_end_the_blocks() {
        let read = InfoHeaders::read(Bytes::from_static(b"\x07\xff\xff")).unwrap();
        assert!(read.is_empty());
    }

    #[test]
    fn lying_lengths_are_errors() {
        let error = InfoHeaders::read(Bytes::from_static(b"\x01\x01\x05ab")).unwrap_err();
        assert_eq!(
            error,
            "an info header's key is 5 bytes long, but only 2 bytes of header are left"
        );
        let error = InfoHeaders::read(Bytes::from_static(b"\x01\x02\x01a\x01b")).unwrap_err();
        assert!(error.starts_with("an info header's key: "), "{error}");
    }
}
