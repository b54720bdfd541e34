//! THeader payload transforms. Only zlib is supported, as in Apache's Python and C++
//! libraries; a frame naming another transform cannot be read (the spec requires an error,
//! since the payload would be garbage).

use std::fmt;
use std::io::{Read, Write};

use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;
use flate2::Compression;

/// A transform applied to a THeader payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transform {
    /// A zlib stream (RFC 1950), as Python's `zlib.compress` writes it.
    Zlib,
}

impl Transform {
    pub(crate) const fn id(self) -> u32 {
        match self {
            Transform::Zlib => 1,
        }
    }

    pub(crate) fn from_id(id: u32) -> Option<Transform> {
        match id {
            1 => Some(Transform::Zlib),
            _ => None,
        }
    }

    /// Applies the transform to `payload`.
    pub(crate) fn apply(self, payload: &[u8]) -> Vec<u8> {
        match self {
            Transform::Zlib => {
                let mut encoder = ZlibEncoder::new(
                    Vec::with_capacity(payload.len() / 2 + 64),
                    Compression::default(),
                );
                // Writing to a Vec cannot fail.
                let _ = encoder.write_all(payload);
                encoder.finish().unwrap_or_default()
            }
        }
    }

    /// Undoes the transform, refusing a result over `max_len` bytes (a small zlib stream can
    /// inflate to gigabytes) and input that is not a complete stream.
    pub(crate) fn undo(self, payload: &[u8], max_len: usize) -> Result<Vec<u8>, String> {
        match self {
            Transform::Zlib => {
                let mut decoder = ZlibDecoder::new(payload);
                let mut out = Vec::new();
                let limit = u64::try_from(max_len).unwrap_or(u64::MAX).saturating_add(1);
                decoder
                    .by_ref()
                    .take(limit)
                    .read_to_end(&mut out)
                    .map_err(|error| format!("bad zlib data: {error}"))?;
                if out.len() > max_len {
                    return Err(format!(
                        "the zlib payload inflates to more than {max_len} bytes (max_message_size)"
                    ));
                }
                if decoder.total_in() != payload.len() as u64 {
                    return Err(format!(
                        "{} bytes follow the end of the zlib stream",
                        payload.len() as u64 - decoder.total_in()
                    ));
                }
                Ok(out)
            }
        }
    }
}

impl fmt::Display for Transform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Transform::Zlib => "zlib",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zlib_round_trips() {
        let payload = b"hello hello hello hello".repeat(100);
        let packed = Transform::Zlib.apply(&payload);
        assert!(packed.len() < payload.len());
        assert_eq!(packed[0], 0x78, "a zlib header");
        assert_eq!(
            Transform::Zlib.undo(&packed, payload.len()).unwrap(),
            payload
        );
    }

    #[test]
    fn zlib_refuses_bombs_and_garbage() {
        let packed = Transform::Zlib.apply(&vec![0; 1 << 20]);
        let error = Transform::Zlib.undo(&packed, 1000).unwrap_err();
        assert!(error.contains("more than 1000 bytes"), "{error}");
        let error = Transform::Zlib.undo(b"not zlib at all", 1000).unwrap_err();
        assert!(error.starts_with("bad zlib data"), "{error}");
        let truncated = &packed[..packed.len() / 2];
        assert!(Transform::Zlib.undo(truncated, 2 << 20).is_err());
    }
}
