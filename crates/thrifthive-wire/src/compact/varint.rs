//! Unsigned LEB128 varints and zigzag, the compact protocol's integer encodings.
//!
//! A 32-bit varint takes at most 5 bytes and a 64-bit one at most 10; a longer one, or one whose
//! last byte carries bits beyond the type's width, is rejected rather than silently truncated.
//! (Redundant zero groups within those bounds are accepted, as Apache's readers do.)

use crate::cursor::Cursor;
use crate::error::WireError;

#[inline]
pub(crate) fn zigzag32(value: i32) -> u32 {
    ((value << 1) ^ (value >> 31)) as u32
}

#[inline]
pub(crate) fn unzigzag32(value: u32) -> i32 {
    ((value >> 1) as i32) ^ -((value & 1) as i32)
}

#[inline]
pub(crate) fn zigzag64(value: i64) -> u64 {
    ((value << 1) ^ (value >> 63)) as u64
}

#[inline]
pub(crate) fn unzigzag64(value: u64) -> i64 {
    ((value >> 1) as i64) ^ -((value & 1) as i64)
}

#[inline]
pub(crate) fn write_varint32(out: &mut Vec<u8>, value: u32) {
    write_varint64(out, u64::from(value));
}

#[inline]
pub(crate) fn write_varint64(out: &mut Vec<u8>, mut value: u64) {
    // Byte by byte: for these short runs pushes beat a copy from a stack buffer.
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

#[inline]
pub(crate) fn read_varint32(cursor: &mut Cursor<'_>) -> Result<u32, WireError> {
    let first = cursor.byte()?;
    if first < 0x80 {
        return Ok(u32::from(first));
    }
    read_varint_tail(cursor, first, 32).map(|value| value as u32)
}

#[inline]
pub(crate) fn read_varint64(cursor: &mut Cursor<'_>) -> Result<u64, WireError> {
    let first = cursor.byte()?;
    if first < 0x80 {
        return Ok(u64::from(first));
    }
    read_varint_tail(cursor, first, 64)
}

/// The rest of a varint of at most `bits` bits whose first byte, `first`, had its high bit set.
fn read_varint_tail(cursor: &mut Cursor<'_>, first: u8, bits: u32) -> Result<u64, WireError> {
    let start = cursor.position() - 1;
    let max_bytes = bits.div_ceil(7);
    let mut value = u64::from(first & 0x7f);
    let mut shift = 7;
    for _ in 1..max_bytes {
        let byte = cursor.byte()?;
        value |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            let bits_left = bits - shift;
            if bits_left < 7 && u32::from(byte) >> bits_left != 0 {
                return Err(WireError::invalid(format!(
                    "varint at byte {start} overflows {bits} bits"
                )));
            }
            return Ok(value);
        }
        shift += 7;
    }
    Err(WireError::invalid(format!(
        "varint at byte {start} is longer than {max_bytes} bytes"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode32(bytes: &[u8]) -> Result<u32, WireError> {
        read_varint32(&mut Cursor::new(bytes))
    }

    fn decode64(bytes: &[u8]) -> Result<u64, WireError> {
        read_varint64(&mut Cursor::new(bytes))
    }

    #[test]
    fn spec_example() {
        let mut out = Vec::new();
        write_varint32(&mut out, 50399);
        assert_eq!(out, [0xdf, 0x89, 0x03]);
        assert_eq!(decode32(&out), Ok(50399));
    }

    #[test]
    fn extremes_round_trip() {
        for value in [0, 1, 127, 128, 16383, 16384, u32::MAX] {
            let mut out = Vec::new();
            write_varint32(&mut out, value);
            assert_eq!(decode32(&out), Ok(value));
        }
        for value in [0, 1 << 35, u64::MAX] {
            let mut out = Vec::new();
            write_varint64(&mut out, value);
            assert_eq!(
                out.len(),
                if value == 0 {
                    1
                } else {
                    value.ilog2() as usize / 7 + 1
                }
            );
            assert_eq!(decode64(&out), Ok(value));
        }
    }

    #[test]
    fn zigzag_matches_the_spec_table() {
        let table = [(0, 0), (-1, 1), (1, 2), (-2, 3), (2, 4)];
        for (value, encoded) in table {
            assert_eq!(zigzag32(value), encoded);
            assert_eq!(unzigzag32(encoded), value);
            assert_eq!(zigzag64(i64::from(value)), u64::from(encoded));
            assert_eq!(unzigzag64(u64::from(encoded)), i64::from(value));
        }
        assert_eq!(unzigzag32(zigzag32(i32::MIN)), i32::MIN);
        assert_eq!(unzigzag64(zigzag64(i64::MAX)), i64::MAX);
    }

    #[test]
    fn overlong_and_overflowing_varints_are_rejected() {
        assert!(decode32(&[0xff, 0xff, 0xff, 0xff, 0x0f]).is_ok());
        let too_wide = decode32(&[0xff, 0xff, 0xff, 0xff, 0x1f]).unwrap_err();
        assert_eq!(too_wide.to_string(), "varint at byte 0 overflows 32 bits");
        let too_long = decode32(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x00]).unwrap_err();
        assert_eq!(
            too_long.to_string(),
            "varint at byte 0 is longer than 5 bytes"
        );
        assert!(decode64(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]).is_ok());
        assert!(decode64(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02]).is_err());
        assert!(decode64(&[0x80; 11]).is_err());
        assert!(matches!(
            decode32(&[0x80]),
            Err(WireError::UnexpectedEof { .. })
        ));
    }
}
