//! JSON numbers as TJSONProtocol writes and reads them.
//!
//! Doubles are written like C's `%.17g` (17 significant digits, trailing zeros dropped,
//! exponent form below 1e-4 and from 1e17), which is what Apache's C++ library prints, so every
//! finite double reads back to the same bits.

/// The characters a JSON number may be made of, as Apache's readers define them: the reader
/// takes the longest run of these and then parses it.
#[inline]
pub(super) fn is_numeric_char(byte: u8) -> bool {
    matches!(byte, b'+' | b'-' | b'.' | b'0'..=b'9' | b'E' | b'e')
}

pub(super) fn write_integer(out: &mut Vec<u8>, value: i64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    let mut rest = value.unsigned_abs();
    loop {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if value < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&digits[start..]);
}

/// Writes a finite double as `%.17g`.
pub(super) fn write_double(out: &mut Vec<u8>, value: f64) {
    debug_assert!(value.is_finite());
    const PRECISION: i32 = 17;
    // Rust rounds the 17 significant digits correctly, as C's printf does; the exponent is the
    // one of the rounded value, which is what %g's choice of form is based on.
    let scientific = format!("{:.*e}", PRECISION as usize - 1, value.abs());
    let (mantissa, exponent) = scientific
        .split_once('e')
        .expect("exponent formatting always has an 'e'");
    let exponent: i32 = exponent.parse().expect("the exponent is an integer");
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    let significant = digits.len() - digits.iter().rev().take_while(|&&d| d == b'0').count();
    let significant = &digits[..significant.max(1)];

    if value.is_sign_negative() {
        out.push(b'-');
    }
    if !(-4..PRECISION).contains(&exponent) {
        out.push(significant[0]);
        if significant.len() > 1 {
            out.push(b'.');
            out.extend_from_slice(&significant[1..]);
        }
        out.push(b'e');
        out.push(if exponent < 0 { b'-' } else { b'+' });
        if exponent.abs() < 10 {
            out.push(b'0');
        }
        write_integer(out, i64::from(exponent.abs()));
    } else if exponent >= 0 {
        let integer_digits = exponent as usize + 1;
        for index in 0..integer_digits {
            out.push(significant.get(index).copied().unwrap_or(b'0'));
        }
        if significant.len() > integer_digits {
            out.push(b'.');
            out.extend_from_slice(&significant[integer_digits..]);
        }
    } else {
        out.extend_from_slice(b"0.");
        out.resize(out.len() + (-exponent - 1) as usize, b'0');
        out.extend_from_slice(significant);
    }
}

/// Parses the text of an integer: an optional sign and decimal digits.
pub(super) fn parse_integer(text: &[u8]) -> Option<i64> {
    std::str::from_utf8(text).ok()?.parse().ok()
}

/// Parses the text of a double made of numeric characters only (so no `inf` or `nan` words).
pub(super) fn parse_double(text: &[u8]) -> Option<f64> {
    if !text.iter().all(|&byte| is_numeric_char(byte)) {
        return None;
    }
    std::str::from_utf8(text).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g17(value: f64) -> String {
        let mut out = Vec::new();
        write_double(&mut out, value);
        String::from_utf8(out).unwrap()
    }

    /// Expected strings from C's `%.17g` (via Python's `'%.17g' % value`).
    #[test]
    fn doubles_print_like_printf_g17() {
        let cases = [
            (0.0, "0"),
            (-0.0, "-0"),
            (1.0, "1"),
            (1.5, "1.5"),
            (-2.25, "-2.25"),
            (0.1, "0.10000000000000001"),
            (1e-5, "1.0000000000000001e-05"),
            (0.0001, "0.0001"),
            (0.00012345, "0.00012344999999999999"),
            (123456.0, "123456"),
            (1e16, "10000000000000000"),
            (1e17, "1e+17"),
            (12345678901234567890.0, "1.2345678901234567e+19"),
            (1e300, "1.0000000000000001e+300"),
            (5e-324, "4.9406564584124654e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
            (99999999999999999.0, "1e+17"),
            (0.5, "0.5"),
            (100.0, "100"),
            (1e-4, "0.0001"),
            (9.5367431640625e-7, "9.5367431640625e-07"),
        ];
        for (value, expected) in cases {
            assert_eq!(g17(value), expected, "{value:e}");
        }
    }

    #[test]
    fn integers() {
        for value in [0, 1, -1, 42, i64::MIN, i64::MAX] {
            let mut out = Vec::new();
            write_integer(&mut out, value);
            assert_eq!(out, value.to_string().as_bytes());
            assert_eq!(parse_integer(&out), Some(value));
        }
        assert_eq!(parse_integer(b"+7"), Some(7));
        assert_eq!(parse_integer(b"1.0"), None);
        assert_eq!(parse_integer(b"9223372036854775808"), None);
    }

    #[test]
    fn doubles_parse_only_numeric_text() {
        assert_eq!(parse_double(b"1.5e3"), Some(1500.0));
        assert_eq!(parse_double(b"-0"), Some(-0.0));
        assert_eq!(parse_double(b"inf"), None);
        assert_eq!(parse_double(b"NaN"), None);
        assert_eq!(parse_double(b"1e"), None);
    }
}
