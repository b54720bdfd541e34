//! TFramedTransport framing: each message preceded by its length as a 4-byte big-endian i32.
//!
//! Writing reserves the length in front and patches it once the message is encoded, so the
//! message is encoded in place and never copied. Reading checks the length against a maximum
//! frame size before anything waits for or allocates the payload.

use crate::error::{LengthOf, WireError};
use crate::limits::{check_length, check_wire_len};

/// The size of the length prefix.
pub const FRAME_HEADER_LEN: usize = 4;

/// Where a frame being written starts in its output buffer; see [`begin_frame`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use = "a frame must be finished with finish_frame"]
pub struct FrameStart(usize);

/// Reserves a frame's length prefix at the end of `out`; encode the message after it, then call
/// [`finish_frame`].
pub fn begin_frame(out: &mut Vec<u8>) -> FrameStart {
    let start = out.len();
    out.extend_from_slice(&[0; FRAME_HEADER_LEN]);
    FrameStart(start)
}

/// Writes the length of everything appended since `start` into its prefix.
pub fn finish_frame(out: &mut [u8], start: FrameStart) -> Result<(), WireError> {
    let payload_len = out.len() - start.0 - FRAME_HEADER_LEN;
    let len = check_wire_len(LengthOf::Frame, payload_len)?;
    out[start.0..start.0 + FRAME_HEADER_LEN].copy_from_slice(&len.to_be_bytes());
    Ok(())
}

/// Appends `payload` to `out` as one frame.
pub fn encode_frame(payload: &[u8], out: &mut Vec<u8>) -> Result<(), WireError> {
    let start = begin_frame(out);
    out.extend_from_slice(payload);
    finish_frame(out, start)
}

/// The payload length a frame header announces; fails if it is negative or above
/// `max_frame_size`.
pub fn frame_len(
    header: [u8; FRAME_HEADER_LEN],
    max_frame_size: usize,
) -> Result<usize, WireError> {
    let len = i32::from_be_bytes(header);
    check_length(
        LengthOf::Frame,
        i64::from(len),
        max_frame_size,
        0,
        usize::MAX,
    )
}

/// A complete frame found at the start of a buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame<'a> {
    pub payload: &'a [u8],
    /// Bytes the frame took in the buffer, header included.
    pub consumed: usize,
}

/// The first frame in `input`, or `None` if it has not fully arrived yet.
pub fn decode_frame(input: &[u8], max_frame_size: usize) -> Result<Option<Frame<'_>>, WireError> {
    let Some((header, rest)) = input.split_first_chunk::<FRAME_HEADER_LEN>() else {
        return Ok(None);
    };
    let len = frame_len(*header, max_frame_size)?;
    Ok(rest.get(..len).map(|payload| Frame {
        payload,
        consumed: FRAME_HEADER_LEN + len,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip() {
        let mut out = b"left over".to_vec();
        encode_frame(b"hello", &mut out).unwrap();
        let framed = &out[9..];
        assert_eq!(framed, b"\x00\x00\x00\x05hello");
        let frame = decode_frame(framed, 16).unwrap().unwrap();
        assert_eq!(frame.payload, b"hello");
        assert_eq!(frame.consumed, 9);
    }

    #[test]
    fn frames_written_in_place() {
        let mut out = Vec::new();
        let start = begin_frame(&mut out);
        out.extend_from_slice(&[7; 300]);
        finish_frame(&mut out, start).unwrap();
        assert_eq!(&out[..4], &[0, 0, 1, 44]);
        assert_eq!(decode_frame(&out, 300).unwrap().unwrap().payload.len(), 300);
    }

    #[test]
    fn incomplete_frames_wait_for_more() {
        assert_eq!(decode_frame(b"", 16), Ok(None));
        assert_eq!(decode_frame(b"\x00\x00\x00", 16), Ok(None));
        assert_eq!(decode_frame(b"\x00\x00\x00\x05hell", 16), Ok(None));
        let empty = decode_frame(b"\x00\x00\x00\x00", 16).unwrap().unwrap();
        assert_eq!(empty.payload, b"");
    }

    #[test]
    fn bad_lengths_are_named() {
        let negative = decode_frame(b"\xff\xff\xff\xfe", 16).unwrap_err();
        assert_eq!(negative.to_string(), "frame length -2 is negative");
        let too_big = frame_len(0x7fff_ffff_i32.to_be_bytes(), 16_777_216).unwrap_err();
        assert_eq!(
            too_big.to_string(),
            "frame length 2147483647 exceeds the limit of 16777216 bytes"
        );
        assert_eq!(too_big.protocol_exception_type(), 3);
    }
}
