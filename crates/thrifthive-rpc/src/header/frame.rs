//! Reading and writing one THeader frame:
//!
//! ```text
//! length (i32, not counting itself) | 0x0FFF | flags (u16) | seqid (i32) | header size (u16, in
//! 4-byte words) | header: protocol id, transform count, transform ids, info blocks (varints),
//! zero padding to a word | payload (the message, transformed)
//! ```

use bytes::{BufMut, Bytes};
use thrifthive_wire::compact::{decode_varint32, encode_varint32};
use thrifthive_wire::{LengthOf, WireError};

use super::{Envelope, InfoHeaders, Transform, MAGIC};
use crate::exception::ExceptionKind;
use crate::format::Protocol;

/// Magic, flags, seqid and header size: what precedes the variable header.
const FIXED_LEN: usize = 10;
/// A frame may not be longer (the spec's limit, just below what would read as "HTTP").
const MAX_FRAME_LEN: usize = 0x3fff_ffff;

/// A frame that cannot be read, with what of it could be, for the error reply.
#[derive(Debug)]
pub struct FrameError {
    pub reason: String,
    /// The TApplicationException type that answers it.
    pub kind: ExceptionKind,
    /// The envelope for the error reply: the frame's protocol and seqid where they could be
    /// read.
    pub reply: Envelope,
}

/// Reads the frame in `frame` (its length prefix already taken off): its envelope and the
/// message, untransformed. The message shares `frame`'s memory unless it was transformed;
/// `max_message_size` bounds what a transform may inflate it to.
pub fn decode(frame: Bytes, max_message_size: usize) -> Result<(Envelope, Bytes), FrameError> {
    let mut reply = Envelope::new(Protocol::Binary);
    let fail = |reply: &Envelope, kind, reason: String| FrameError {
        reason,
        kind,
        reply: reply.clone(),
    };
    let Some(fixed) = frame.first_chunk::<FIXED_LEN>() else {
        let reason = format!("a THeader frame of {} bytes is too short", frame.len());
        return Err(fail(&reply, ExceptionKind::PROTOCOL_ERROR, reason));
    };
    let magic = u16::from_be_bytes([fixed[0], fixed[1]]);
    reply.flags = u16::from_be_bytes([fixed[2], fixed[3]]);
    reply.seqid = i32::from_be_bytes([fixed[4], fixed[5], fixed[6], fixed[7]]);
    let header_len = usize::from(u16::from_be_bytes([fixed[8], fixed[9]])) * 4;
    if magic != MAGIC {
        let reason = format!("a THeader frame starts with {magic:#06x}, not {MAGIC:#06x}");
        return Err(fail(&reply, ExceptionKind::PROTOCOL_ERROR, reason));
    }
    let payload_start = FIXED_LEN + header_len;
    if payload_start > frame.len() {
        let reason = format!(
            "the THeader header claims {header_len} bytes, but the frame has only {} after \
             its fixed part",
            frame.len() - FIXED_LEN
        );
        return Err(fail(&reply, ExceptionKind::PROTOCOL_ERROR, reason));
    }
    let mut header = frame.slice(FIXED_LEN..payload_start);
    let mut varint = |what: &str| -> Result<u32, String> {
        let (value, len) = decode_varint32(&header)
            .map_err(|error| format!("cannot read the THeader {what}: {error}"))?;
        let _ = header.split_to(len);
        Ok(value)
    };
    let header_error =
        |reply: &Envelope, reason| fail(reply, ExceptionKind::PROTOCOL_ERROR, reason);
    let protocol_id = varint("protocol id").map_err(|reason| header_error(&reply, reason))?;
    reply.protocol = match protocol_id {
        0 => Protocol::Binary,
        2 => Protocol::Compact,
        other => {
            let reason =
                format!("THeader protocol id {other} is not supported (0: binary, 2: compact)");
            return Err(fail(&reply, ExceptionKind::INVALID_PROTOCOL, reason));
        }
    };
    let count = varint("transform count").map_err(|reason| header_error(&reply, reason))?;
    for _ in 0..count {
        let id = varint("transform id").map_err(|reason| header_error(&reply, reason))?;
        let Some(transform) = Transform::from_id(id) else {
            let reason = format!("THeader transform {id} is not supported (1: zlib)");
            return Err(fail(&reply, ExceptionKind::INVALID_TRANSFORM, reason));
        };
        reply.transforms.push(transform);
    }
    let info = InfoHeaders::read(header).map_err(|reason| header_error(&reply, reason))?;
    let mut payload = frame.slice(payload_start..);
    for transform in reply.transforms.iter().rev() {
        payload = transform
            .undo(&payload, max_message_size)
            .map(Bytes::from)
            .map_err(|reason| header_error(&reply, reason))?;
    }
    let envelope = Envelope { info, ..reply };
    Ok((envelope, payload))
}

/// The whole frame, length prefix included, carrying `message` in `envelope`.
pub fn encode(envelope: &Envelope, message: &[u8]) -> Result<Bytes, WireError> {
    let mut header = Vec::with_capacity(16);
    encode_varint32(
        &mut header,
        match envelope.protocol {
            Protocol::Binary => 0,
            Protocol::Compact => 2,
        },
    );
    encode_varint32(&mut header, envelope.transforms.len() as u32);
    for transform in &envelope.transforms {
        encode_varint32(&mut header, transform.id());
    }
    envelope.info.write(&mut header);
    header.resize(header.len().next_multiple_of(4), 0);
    let too_long = |len: usize, limit: usize| WireError::SizeLimit {
        what: LengthOf::Frame,
        len: len as u64,
        limit: limit as u64,
    };
    let words = u16::try_from(header.len() / 4)
        .map_err(|_| too_long(header.len(), usize::from(u16::MAX) * 4))?;
    let mut transformed: Option<Vec<u8>> = None;
    for transform in &envelope.transforms {
        transformed = Some(transform.apply(transformed.as_deref().unwrap_or(message)));
    }
    let payload = transformed.as_deref().unwrap_or(message);
    let len = FIXED_LEN + header.len() + payload.len();
    if len > MAX_FRAME_LEN {
        return Err(too_long(len, MAX_FRAME_LEN));
    }
    let mut out = Vec::with_capacity(4 + len);
    out.put_u32(len as u32);
    out.put_u16(MAGIC);
    out.put_u16(envelope.flags);
    out.put_i32(envelope.seqid);
    out.put_u16(words);
    out.extend_from_slice(&header);
    out.extend_from_slice(payload);
    Ok(out.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope() -> Envelope {
        let mut envelope = Envelope::new(Protocol::Compact);
        envelope.seqid = 7;
        envelope.flags = 1;
        envelope.info.insert("deadline", "250ms");
        envelope
    }

    #[test]
    fn round_trips() {
        for transforms in [vec![], vec![Transform::Zlib]] {
            let envelope = Envelope {
                transforms,
                ..envelope()
            };
            let frame = encode(&envelope, b"message").unwrap();
            let len = u32::from_be_bytes(frame[..4].try_into().unwrap()) as usize;
            assert_eq!(len, frame.len() - 4);
            let (read, message) = decode(frame.slice(4..), 1 << 20).unwrap();
            assert_eq!(read, envelope);
            assert_eq!(&message[..], b"message");
        }
    }

    #[test]
    fn matches_the_spec_layout() {
        let frame = encode(&Envelope::new(Protocol::Binary), b"\x80\x01").unwrap();
        assert_eq!(
            &frame[..],
            b"\x00\x00\x00\x10\x0f\xff\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x80\x01"
        );
    }

    #[test]
    fn bad_frames_say_why_and_keep_the_seqid() {
        let mut frame = encode(&envelope(), b"m").unwrap().slice(4..).to_vec();
        let error = decode(Bytes::from(frame[..5].to_vec()), 100).unwrap_err();
        assert_eq!(error.reason, "a THeader frame of 5 bytes is too short");
        frame[9] = 0xff; // header size: far beyond the frame
        let error = decode(Bytes::from(frame.clone()), 100).unwrap_err();
        assert!(error.reason.contains("claims"), "{}", error.reason);
        assert_eq!(error.reply.seqid, 7);
        frame[9] = 0x03;
        frame[FIXED_LEN + 1] = 9; // one transform, then: id 9
        frame[FIXED_LEN + 2] = 9;
        let error = decode(Bytes::from(frame.clone()), 100).unwrap_err();
        assert_eq!(error.kind, ExceptionKind::INVALID_TRANSFORM);
        assert_eq!(error.reply.protocol, Protocol::Compact);
        frame[FIXED_LEN] = 5;
        let error = decode(Bytes::from(frame), 100).unwrap_err();
        assert_eq!(error.kind, ExceptionKind::INVALID_PROTOCOL);
    }

    #[test]
    fn bad_zlib_is_an_error() {
        let mut envelope = envelope();
        envelope.transforms.push(Transform::Zlib);
        let frame = encode(&envelope, &[b'x'; 5000]).unwrap();
        let error = decode(frame.slice(4..), 100).unwrap_err();
        assert!(
            error.reason.contains("more than 100 bytes"),
            "{}",
            error.reason
        );
        let mut garbled = frame.slice(4..).to_vec();
        let last = garbled.len() - 1;
        garbled[last - 6..].fill(0x55);
        assert!(decode(Bytes::from(garbled), 1 << 20).is_err());
    }
}
