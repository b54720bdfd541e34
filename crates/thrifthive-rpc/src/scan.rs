//! Finding where an unframed (buffered) message ends in the bytes received so far.
//!
//! A buffered message carries no length: it ends where its encoding ends, so the receiver walks
//! it with the wire reader. Bytes arrive a piece at a time, and walking the whole buffer again
//! after every piece would cost O(n²) for a message trickling in, so the walk is resumable:
//! the scanner keeps its own stack of open structs and containers, and after running out of
//! input it remembers the offset of the last value it fully passed. The next scan starts a
//! fresh reader there. A scan also knows how many bytes it needs at the least (a string's
//! announced length, say) and does not start before they are there. Each byte is thus read
//! about once, whatever the pieces.
//!
//! Resuming with a fresh reader is sound for skipping: readers keep no state across values
//! that matters here (the compact reader's field-id base only names fields, and every step
//! below reads a bool field's header and value together), and nesting depth is checked
//! against the scanner's own stack.

use thrifthive_wire::{LengthOf, Limits, ProtocolReader, TType, WireError};

use crate::format::Protocol;
use crate::message::with_reader;

/// What a scan found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scan {
    /// A complete message of this many bytes starts the input.
    Complete(usize),
    /// The message is incomplete: at least this many bytes of input are needed before it can
    /// be complete.
    NeedAtLeast(usize),
}

/// The state of a walk through one message.
#[derive(Debug, Default)]
pub(crate) struct Scanner {
    /// Where the walk resumes: the end of the last value fully passed.
    checkpoint: usize,
    /// Whether the header and the body's struct start were passed.
    started: bool,
    /// The structs and containers open at `checkpoint`, innermost last.
    stack: Vec<Open>,
    /// The least input length worth scanning.
    want: usize,
}

#[derive(Debug, Clone, Copy)]
enum Open {
    Struct,
    /// A list, set or map with `left` values to go; a map's keys and values alternate.
    Container {
        kind: TType,
        types: [TType; 2],
        left: usize,
    },
}

impl Scanner {
    /// Scans the message at the start of `input`, which holds everything received so far
    /// (maybe more than the message, never less than the last scan saw). Errors are the
    /// reader's for malformed messages, and a size limit error for a message longer than
    /// `limits.max_message_size`.
    pub(crate) fn scan(
        &mut self,
        input: &[u8],
        protocol: Protocol,
        limits: Limits,
    ) -> Result<Scan, WireError> {
        if input.len() < self.want {
            return Ok(Scan::NeedAtLeast(self.want));
        }
        let end = input.len().min(limits.max_message_size);
        let rest = &input[self.checkpoint..end];
        let found = with_reader!(protocol, rest, limits, |reader| self
            .walk(&mut reader, limits));
        match found {
            Ok(len) => {
                let total = self.checkpoint + len;
                *self = Scanner::default();
                Ok(Scan::Complete(total))
            }
            Err((passed, error)) => {
                self.checkpoint += passed;
                let need = match error {
                    WireError::UnexpectedEof { .. } => end + 1,
                    WireError::LengthBeyondInput {
                        needed, remaining, ..
                    } => end.saturating_add((needed as usize).saturating_sub(remaining)),
                    error => return Err(error),
                };
                if need > limits.max_message_size {
                    return Err(WireError::SizeLimit {
                        what: LengthOf::Message,
                        len: need as u64,
                        limit: limits.max_message_size as u64,
                    });
                }
                self.want = need;
                Ok(Scan::NeedAtLeast(need))
            }
        }
    }

    /// Walks from the checkpoint to the end of the message and returns the bytes passed; on
    /// an error, the bytes passed up to the last value boundary with it. Stops at a boundary
    /// only: the stack always describes the position returned.
    fn walk<'a>(
        &mut self,
        reader: &mut impl ProtocolReader<'a>,
        limits: Limits,
    ) -> Result<usize, (usize, WireError)> {
        loop {
            let boundary = reader.position();
            match self.step(reader, limits) {
                Ok(true) => return Ok(reader.position()),
                Ok(false) => {}
                Err(error) => return Err((boundary, error)),
            }
        }
    }

    /// Passes one header, field, element or end of a struct or container; returns whether the
    /// message is complete. Changes the stack only once every read of the step succeeded.
    fn step<'a>(
        &mut self,
        reader: &mut impl ProtocolReader<'a>,
        limits: Limits,
    ) -> Result<bool, WireError> {
        if !self.started {
            reader.read_message_begin()?;
            reader.read_struct_begin()?;
            self.started = true;
            self.stack.push(Open::Struct);
            return Ok(false);
        }
        let ttype = match self.stack.last() {
            None => return Ok(true),
            Some(Open::Struct) => {
                let field = reader.read_field_begin()?;
                if field.ttype == TType::Stop {
                    reader.read_struct_end()?;
                    self.stack.pop();
                    return Ok(self.stack.is_empty());
                }
                field.ttype
            }
            Some(Open::Container { kind, left: 0, .. }) => {
                match kind {
                    TType::Map => reader.read_map_end()?,
                    TType::Set => reader.read_set_end()?,
                    _ => reader.read_list_end()?,
                }
                self.stack.pop();
                return Ok(self.stack.is_empty());
            }
            // A map's keys come at even counts left, its values at odd ones.
            Some(Open::Container { types, left, .. }) => types[left % 2],
        };
        let opened = open(reader, ttype)?;
        if let Some(Open::Container { left, .. }) = self.stack.last_mut() {
            *left -= 1;
        }
        if let Some(opened) = opened {
            if self.stack.len() >= limits.max_depth {
                return Err(WireError::DepthLimit {
                    limit: limits.max_depth,
                });
            }
            self.stack.push(opened);
        }
        Ok(false)
    }
}

/// Reads a value of type `ttype` if it is a scalar, or the start of it if it is a struct or
/// container, which it returns.
fn open<'a>(reader: &mut impl ProtocolReader<'a>, ttype: TType) -> Result<Option<Open>, WireError> {
    Ok(Some(match ttype {
        TType::Struct => {
            reader.read_struct_begin()?;
            Open::Struct
        }
        TType::List | TType::Set => {
            let header = if ttype == TType::List {
                reader.read_list_begin()?
            } else {
                reader.read_set_begin()?
            };
            Open::Container {
                kind: ttype,
                types: [header.element; 2],
                left: header.len,
            }
        }
        TType::Map => {
            let header = reader.read_map_begin()?;
            Open::Container {
                kind: ttype,
                types: [header.key, header.value],
                left: header.len.saturating_mul(2),
            }
        }
        scalar => {
            reader.skip(scalar)?;
            return Ok(None);
        }
    }))
}

#[cfg(test)]
mod tests {
    use thrifthive_wire::{BinaryWriter, CompactWriter, MessageType, ProtocolWriter};

    use super::*;

    const PROTOCOLS: [Protocol; 2] = [Protocol::Binary, Protocol::Compact];

    /// A call whose arguments struct holds what `fields` writes.
    fn message(protocol: Protocol, fields: impl Fn(&mut dyn ProtocolWriter)) -> Vec<u8> {
        let mut out = Vec::new();
        let mut binary;
        let mut compact;
        let w: &mut dyn ProtocolWriter = match protocol {
            Protocol::Binary => {
                binary = BinaryWriter::new(&mut out);
                &mut binary
            }
            Protocol::Compact => {
                compact = CompactWriter::new(&mut out);
                &mut compact
            }
        };
        w.write_message_begin("method", MessageType::Call, 1)
            .unwrap();
        w.write_struct_begin();
        fields(w);
        w.write_field_stop();
        w.write_struct_end();
        w.write_message_end();
        out
    }

    /// A field of every type, containers nested, bools in fields and in containers.
    fn every_type(w: &mut dyn ProtocolWriter) {
        w.write_field_begin(TType::Bool, 1).unwrap();
        w.write_bool(true);
        w.write_field_begin(TType::I8, 2).unwrap();
        w.write_i8(-3);
        w.write_field_begin(TType::I16, 30).unwrap();
        w.write_i16(300);
        w.write_field_begin(TType::I32, 4).unwrap();
        w.write_i32(-70_000);
        w.write_field_begin(TType::I64, 5).unwrap();
        w.write_i64(1 << 40);
        w.write_field_begin(TType::Double, 6).unwrap();
        w.write_double(2.5);
        w.write_field_begin(TType::String, 7).unwrap();
        w.write_string("héllo").unwrap();
        w.write_field_begin(TType::Uuid, 8).unwrap();
        w.write_uuid([7; 16]);
        w.write_field_begin(TType::Map, 9).unwrap();
        w.write_map_begin(TType::String, TType::List, 2).unwrap();
        for key in ["a", "b"] {
            w.write_string(key).unwrap();
            w.write_list_begin(TType::Bool, 3).unwrap();
            for value in [true, false, true] {
                w.write_bool(value);
            }
            w.write_list_end();
        }
        w.write_map_end();
        w.write_field_begin(TType::Map, 10).unwrap();
        w.write_map_begin(TType::I32, TType::I32, 0).unwrap();
        w.write_map_end();
        w.write_field_begin(TType::Set, 11).unwrap();
        w.write_set_begin(TType::Struct, 2).unwrap();
        for id in [1, 2] {
            w.write_struct_begin();
            w.write_field_begin(TType::I64, 1).unwrap();
            w.write_i64(id);
            w.write_field_begin(TType::Bool, 2).unwrap();
            w.write_bool(false);
            w.write_field_stop();
            w.write_struct_end();
        }
        w.write_set_end();
        w.write_field_begin(TType::List, 12).unwrap();
        w.write_list_begin(TType::I8, 0).unwrap();
        w.write_list_end();
    }

    fn scan_all(scanner: &mut Scanner, input: &[u8], protocol: Protocol) -> Scan {
        scanner.scan(input, protocol, Limits::default()).unwrap()
    }

    #[test]
    fn finds_the_end_of_every_prefix_fed_at_once() {
        for protocol in PROTOCOLS {
            let whole = message(protocol, every_type);
            for len in 0..whole.len() {
                match scan_all(&mut Scanner::default(), &whole[..len], protocol) {
                    Scan::NeedAtLeast(need) => assert!(need > len && need <= whole.len()),
                    Scan::Complete(_) => panic!("{protocol}: complete at {len} of {}", whole.len()),
                }
            }
            let mut with_next = whole.clone();
            with_next.extend_from_slice(&whole);
            let found = scan_all(&mut Scanner::default(), &with_next, protocol);
            assert_eq!(found, Scan::Complete(whole.len()), "{protocol}");
        }
    }

    #[test]
    fn resumes_where_it_stopped_when_fed_byte_by_byte() {
        for protocol in PROTOCOLS {
            let whole = message(protocol, |w| {
                for _ in 0..50 {
                    every_type(w);
                }
            });
            let mut scanner = Scanner::default();
            let mut walked = 0;
            for len in 0..whole.len() {
                if len >= scanner.want {
                    walked += len - scanner.checkpoint;
                }
                match scan_all(&mut scanner, &whole[..len], protocol) {
                    // The hint never overshoots: waiting for more than the message would hang.
                    Scan::NeedAtLeast(need) => assert!(need > len && need <= whole.len()),
                    Scan::Complete(_) => panic!("{protocol}: complete at {len}"),
                }
            }
            // Each scan walks only the value it stopped in (at most 19 bytes here: a UUID and
            // its field header), not everything since the start: linear, not quadratic.
            assert!(
                walked <= 19 * whole.len(),
                "{protocol}: {walked} for {}",
                whole.len()
            );
            assert_eq!(
                scan_all(&mut scanner, &whole, protocol),
                Scan::Complete(whole.len())
            );
            // Reset for the next message.
            assert_eq!(scanner.checkpoint, 0);
            assert_eq!(
                scan_all(&mut scanner, &whole, protocol),
                Scan::Complete(whole.len())
            );
        }
    }

    #[test]
    fn waits_for_a_long_string_without_rescanning() {
        for protocol in PROTOCOLS {
            let whole = message(protocol, |w| {
                w.write_field_begin(TType::String, 1).unwrap();
                w.write_binary(&[0; 100_000]).unwrap();
            });
            let mut scanner = Scanner::default();
            // The string's length is known from its prefix: the scan waits for all of it.
            let Scan::NeedAtLeast(need) = scan_all(&mut scanner, &whole[..100], protocol) else {
                panic!("incomplete");
            };
            assert_eq!(need, whole.len() - 1, "{protocol}: all but the stop byte");
            assert_eq!(
                scan_all(&mut scanner, &whole[..200], protocol),
                Scan::NeedAtLeast(need)
            );
        }
    }

    #[test]
    fn enforces_the_message_size_and_depth() {
        let small = Limits {
            max_message_size: 1000,
            ..Limits::default()
        };
        for protocol in PROTOCOLS {
            let long_string = message(protocol, |w| {
                w.write_field_begin(TType::String, 1).unwrap();
                w.write_binary(&[0; 2000]).unwrap();
            });
            let error = Scanner::default()
                .scan(&long_string[..100], protocol, small)
                .unwrap_err();
            assert!(
                error
                    .to_string()
                    .contains("exceeds the limit of 1000 bytes"),
                "{error}"
            );

            let many_fields = message(protocol, |w| {
                for _ in 0..500 {
                    w.write_field_begin(TType::I32, 1).unwrap();
                    w.write_i32(1);
                }
            });
            let mut scanner = Scanner::default();
            let error = (0..many_fields.len())
                .find_map(|len| scanner.scan(&many_fields[..len], protocol, small).err())
                .unwrap();
            assert!(
                error
                    .to_string()
                    .contains("exceeds the limit of 1000 bytes"),
                "{error}"
            );

            let deep = message(protocol, |w| {
                w.write_field_begin(TType::List, 1).unwrap();
                for _ in 0..70 {
                    w.write_list_begin(TType::List, 1).unwrap();
                }
            });
            let error = Scanner::default()
                .scan(&deep, protocol, Limits::default())
                .unwrap_err();
            assert_eq!(error, WireError::DepthLimit { limit: 64 });
        }
    }

    #[test]
    fn reports_malformed_messages() {
        for protocol in PROTOCOLS {
            let mut bad = message(protocol, |_| {});
            *bad.last_mut().unwrap() = 0x0e; // a field whose type is no type (compact) or set
            bad.extend_from_slice(&[0, 1, 0xee, 0, 0, 0, 0]); // ... of element type 0xee
            let error = Scanner::default()
                .scan(&bad, protocol, Limits::default())
                .unwrap_err();
            assert!(
                matches!(error, WireError::UnknownType(_)),
                "{protocol}: {error}"
            );
        }
    }
}
