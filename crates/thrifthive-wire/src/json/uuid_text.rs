//! UUIDs as JSON text: written in the canonical lowercase form
//! `00112233-4455-6677-8899-aabbccddeeff`; read in that form (either case), as 32 bare hex
//! digits, or either of those in braces, the forms Apache's C++ (boost) and Python readers take.

const HYPHENS_AT: [usize; 4] = [8, 13, 18, 23];

pub(super) fn format(uuid: [u8; 16], out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for (index, byte) in uuid.iter().enumerate() {
        if matches!(index, 4 | 6 | 8 | 10) {
            out.push(b'-');
        }
        out.push(HEX[usize::from(byte >> 4)]);
        out.push(HEX[usize::from(byte & 0x0f)]);
    }
}

pub(super) fn parse(text: &[u8]) -> Option<[u8; 16]> {
    let text = text
        .strip_prefix(b"{")
        .and_then(|inner| inner.strip_suffix(b"}"))
        .unwrap_or(text);
    let mut digits = [0u8; 32];
    match text.len() {
        32 => digits.copy_from_slice(text),
        36 => {
            let mut count = 0;
            for (index, &char) in text.iter().enumerate() {
                if HYPHENS_AT.contains(&index) {
                    if char != b'-' {
                        return None;
                    }
                } else {
                    digits[count] = char;
                    count += 1;
                }
            }
        }
        _ => return None,
    }
    let mut uuid = [0u8; 16];
    for (byte, pair) in uuid.iter_mut().zip(digits.chunks_exact(2)) {
        *byte = hex_value(pair[0])? << 4 | hex_value(pair[1])?;
    }
    Some(uuid)
}

fn hex_value(char: u8) -> Option<u8> {
    match char {
        b'0'..=b'9' => Some(char - b'0'),
        b'a'..=b'f' => Some(char - b'a' + 10),
        b'A'..=b'F' => Some(char - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UUID: [u8; 16] = [
        0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee,
        0xff,
    ];

    #[test]
    fn canonical_form() {
        let mut out = Vec::new();
        format(UUID, &mut out);
        assert_eq!(out, b"00112233-4455-6677-8899-aabbccddeeff");
        assert_eq!(parse(&out), Some(UUID));
    }

    #[test]
    fn accepted_variants() {
        for text in [
            "00112233-4455-6677-8899-AABBCCDDEEFF",
            "00112233445566778899aabbccddeeff",
            "{00112233-4455-6677-8899-aabbccddeeff}",
        ] {
            assert_eq!(parse(text.as_bytes()), Some(UUID), "{text}");
        }
        for text in [
            "",
            "0011",
            "00112233-4455-6677-8899aabbccddeeff-",
            "g0112233445566778899aabbccddeeff",
        ] {
            assert_eq!(parse(text.as_bytes()), None, "{text}");
        }
    }
}
