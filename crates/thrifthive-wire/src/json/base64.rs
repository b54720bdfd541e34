//! Standard base64 (RFC 4648 alphabet), written without padding as Apache's C++ and Java
//! TJSONProtocol write it, and read with or without padding (Python and Go pad).

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Marks a byte that is not in the alphabet.
const INVALID: u8 = 0xff;

const DECODE: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut index = 0;
    while index < 64 {
        table[ALPHABET[index] as usize] = index as u8;
        index += 1;
    }
    table
};

/// The length of `len` bytes once encoded, without padding.
fn encoded_len(len: usize) -> usize {
    (len * 4).div_ceil(3)
}

pub(super) fn encode(bytes: &[u8], out: &mut Vec<u8>) {
    out.reserve(encoded_len(bytes.len()));
    let mut chunks = bytes.chunks_exact(3);
    for chunk in &mut chunks {
        let group = u32::from(chunk[0]) << 16 | u32::from(chunk[1]) << 8 | u32::from(chunk[2]);
        out.extend_from_slice(&[
            ALPHABET[(group >> 18) as usize & 63],
            ALPHABET[(group >> 12) as usize & 63],
            ALPHABET[(group >> 6) as usize & 63],
            ALPHABET[group as usize & 63],
        ]);
    }
    match *chunks.remainder() {
        [a] => {
            let group = u32::from(a) << 16;
            out.extend_from_slice(&[
                ALPHABET[(group >> 18) as usize & 63],
                ALPHABET[(group >> 12) as usize & 63],
            ]);
        }
        [a, b] => {
            let group = u32::from(a) << 16 | u32::from(b) << 8;
            out.extend_from_slice(&[
                ALPHABET[(group >> 18) as usize & 63],
                ALPHABET[(group >> 12) as usize & 63],
                ALPHABET[(group >> 6) as usize & 63],
            ]);
        }
        _ => {}
    }
}

/// The number of bytes `text` decodes to, or `None` if no base64 text has its length. At most
/// two `=` of padding are ignored at the end.
pub(super) fn decoded_len(text: &[u8]) -> Option<usize> {
    let text = strip_padding(text);
    match text.len() % 4 {
        1 => None,
        rest => Some(text.len() / 4 * 3 + rest.saturating_sub(1)),
    }
}

/// Decodes `text`, or returns `None` on a character outside the alphabet or an impossible
/// length. Bits below the last full byte are ignored, as Apache's decoders do.
pub(super) fn decode(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(decoded_len(text)?);
    let text = strip_padding(text);
    let mut chunks = text.chunks_exact(4);
    for chunk in &mut chunks {
        let group = sextets(chunk)?;
        out.extend_from_slice(&[(group >> 16) as u8, (group >> 8) as u8, group as u8]);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        // 2 or 3 characters carry 1 or 2 bytes in the high bits of a 24-bit group.
        let group = sextets(rest)? << (6 * (4 - rest.len()));
        let bytes = [(group >> 16) as u8, (group >> 8) as u8];
        out.extend_from_slice(&bytes[..rest.len() - 1]);
    }
    Some(out)
}

fn strip_padding(text: &[u8]) -> &[u8] {
    let text = text.strip_suffix(b"=").unwrap_or(text);
    text.strip_suffix(b"=").unwrap_or(text)
}

/// Up to four characters as one integer of 6 bits per character.
fn sextets(chars: &[u8]) -> Option<u32> {
    chars.iter().try_fold(0u32, |group, &char| {
        let value = DECODE[usize::from(char)];
        (value != INVALID).then_some(group << 6 | u32::from(value))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(bytes: &[u8]) -> String {
        let mut out = Vec::new();
        encode(bytes, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn rfc4648_vectors() {
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, text) in vectors {
            let unpadded = text.trim_end_matches('=');
            assert_eq!(encoded(plain.as_bytes()), unpadded);
            assert_eq!(decode(text.as_bytes()).unwrap(), plain.as_bytes());
            assert_eq!(decode(unpadded.as_bytes()).unwrap(), plain.as_bytes());
            assert_eq!(decoded_len(unpadded.as_bytes()), Some(plain.len()));
        }
    }

    #[test]
    fn every_byte_value_round_trips() {
        let all: Vec<u8> = (0..=255).collect();
        for len in 0..all.len() {
            let text = encoded(&all[..len]);
            assert_eq!(text.len(), encoded_len(len));
            assert_eq!(decode(text.as_bytes()).unwrap(), &all[..len]);
        }
    }

    #[test]
    fn invalid_text_is_rejected() {
        assert_eq!(decode(b"Z"), None);
        assert_eq!(decode(b"Zm9v!"), None);
        assert_eq!(decode(b"Zm=v"), None);
        assert_eq!(decode(b"Zg==="), None);
    }
}
