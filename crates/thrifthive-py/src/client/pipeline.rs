//! `_native.Pipeline`: the bookkeeping of one pipelined connection of `thrifthive.AsyncClient`,
//! without any IO. asyncio owns the socket (python/thrifthive/_async_connection.py): calls are
//! encoded here into an output buffer that the connection writes out once per loop iteration,
//! and what the socket receives is fed back here, cut into replies, matched to their calls by
//! seqid (in whatever order they come), checked, decoded, and handed to each call's future.
//! Over THeader each request goes in a frame of its own with the call's info headers, and
//! replies are unwrapped by the same reader as the blocking client's.
//!
//! A call that was given up on (cancelled, or timed out) leaves its seqid behind, so that its
//! late reply is read and dropped without disturbing the others. A reply that answers nothing
//! sent, or a stream that cannot be read, fails every call in flight: the connection can no
//! longer be trusted.
//!
//! Each call given a `CallMeter` is counted in the client metrics here: started when encoded,
//! ended however it ends (a reply, an error, its timeout, given up on).

use std::collections::{HashMap, HashSet};
use std::io;
use std::time::{Duration, Instant};

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyType};
use thrifthive_rpc::client::{check_reply, ClientError, ClientOptions, Replies};
use thrifthive_rpc::header::{self, Envelope};
use thrifthive_rpc::{Header, Message, MethodName};
use thrifthive_wire::{LengthOf, Limits, MessageHeader, MessageType, WireError};

use super::calls::{decode_result, encode_call, info_headers};
use super::meter::{CallMeter, Metered};
use super::options::seconds;
use crate::codec;
use crate::errors::client_error;

/// The calls in flight on one connection, its unsent requests and its unread replies.
#[pyclass(module = "thrifthive._native")]
pub struct Pipeline {
    protocol: codec::Protocol,
    options: ClientOptions,
    replies: Replies,
    /// For THeader, the envelope of every request (protocol and transforms).
    envelope: Option<Envelope>,
    out: Vec<u8>,
    /// For THeader, where a request is encoded before it is framed (kept for its capacity).
    message: Vec<u8>,
    seqid: i32,
    pending: HashMap<i32, Pending>,
    /// Seqids of calls given up on whose replies may still come.
    abandoned: HashSet<i32>,
}

struct Pending {
    name: MethodName,
    result: Py<PyType>,
    future: Py<PyAny>,
    deadline: Option<(Instant, Duration)>,
    metered: Option<Metered>,
}

/// How a call ended: its future, its result struct or its exception, and its metrics.
type Outcome = (Py<PyAny>, PyResult<Py<PyAny>>, Option<Metered>);

impl Pipeline {
    pub fn new(protocol: codec::Protocol, options: ClientOptions) -> Pipeline {
        Pipeline {
            protocol,
            replies: Replies::new(&options),
            envelope: options.request_envelope(),
            options,
            out: Vec::new(),
            message: Vec::new(),
            seqid: 0,
            pending: HashMap::new(),
            abandoned: HashSet::new(),
        }
    }

    fn limits(&self) -> Limits {
        self.options.limits
    }

    /// Appends the request, framed if the transport is.
    fn write_plain(&mut self, header: MessageHeader<'_>, args: &Bound<'_, PyAny>) -> PyResult<()> {
        let framed = self.options.format.transport == thrifthive_rpc::Transport::Framed;
        let start = self.out.len();
        if framed {
            self.out.extend_from_slice(&[0; 4]);
        }
        if let Err(err) = encode_call(
            &mut self.out,
            self.protocol,
            self.options.limits,
            header,
            args,
        ) {
            self.out.truncate(start);
            return Err(err);
        }
        if framed {
            let len = self.out.len() - start - 4;
            let Ok(prefix) = i32::try_from(len) else {
                self.out.truncate(start);
                let error = WireError::SizeLimit {
                    what: LengthOf::Frame,
                    len: len as u64,
                    limit: i32::MAX as u64,
                };
                return Err(client_error(args.py(), ClientError::InvalidRequest(error)));
            };
            self.out[start..start + 4].copy_from_slice(&prefix.to_be_bytes());
        }
        Ok(())
    }

    /// Appends the request in a THeader frame: `template`'s protocol and transforms, the
    /// message's seqid, and `headers` as info headers.
    fn write_header_frame(
        &mut self,
        template: Envelope,
        header: MessageHeader<'_>,
        args: &Bound<'_, PyAny>,
        headers: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        let info = headers.map(info_headers).transpose()?.unwrap_or_default();
        let seqid = header.seqid;
        // The message alone first: the frame's header, of variable length, goes before it.
        self.message.clear();
        encode_call(
            &mut self.message,
            self.protocol,
            self.options.limits,
            header,
            args,
        )?;
        let envelope = Envelope {
            seqid,
            info,
            ..template
        };
        let frame = header::encode(&envelope, &self.message)
            .map_err(|error| client_error(args.py(), ClientError::InvalidRequest(error)))?;
        self.out.extend_from_slice(&frame);
        Ok(())
    }

    /// Fails every call in flight with the error `error` makes for it, and forgets them all.
    fn fail_all(
        &mut self,
        py: Python<'_>,
        error: impl Fn(&MethodName) -> ClientError,
    ) -> Vec<Outcome> {
        self.abandoned.clear();
        self.pending
            .drain()
            .map(|(_, pending)| {
                let error = client_error(py, error(&pending.name));
                (pending.future, Err(error), pending.metered)
            })
            .collect()
    }
}

#[pymethods]
impl Pipeline {
    /// Encodes a call of `name` with `args` into the output buffer and returns its seqid. With
    /// `result` (the `<method>_result` class) the call waits for a reply, which completes
    /// `future`, within `timeout` seconds if given; without it the call is oneway. `headers`
    /// go with it as THeader info headers (the THeader transport only). `meter`, if given,
    /// counts the call in the client metrics.
    #[pyo3(signature = (name, args, result, future, timeout, headers = None, meter = None))]
    #[allow(clippy::too_many_arguments)] // the Python signature
    fn send(
        &mut self,
        name: &str,
        args: &Bound<'_, PyAny>,
        result: Option<&Bound<'_, PyType>>,
        future: Option<Py<PyAny>>,
        timeout: Option<f64>,
        headers: Option<&Bound<'_, PyDict>>,
        meter: Option<&Bound<'_, CallMeter>>,
    ) -> PyResult<i32> {
        let timeout = timeout.map(|t| seconds("timeout", t)).transpose()?;
        let seqid = self.seqid;
        let message_type = match result {
            Some(_) => MessageType::Call,
            None => MessageType::Oneway,
        };
        let header = MessageHeader {
            name: name.into(),
            message_type,
            seqid,
        };
        match self.envelope.clone() {
            Some(template) => self.write_header_frame(template, header, args, headers)?,
            None => self.write_plain(header, args)?,
        }
        self.seqid = seqid.wrapping_add(1);
        let metered = meter.map(|meter| meter.get().start());
        match (result, future) {
            (Some(result), Some(future)) => {
                let pending = Pending {
                    name: MethodName::from(name),
                    result: result.clone().unbind(),
                    future,
                    deadline: timeout.map(|after| (Instant::now() + after, after)),
                    metered,
                };
                self.pending.insert(seqid, pending);
            }
            // A oneway call is done once it is on its way.
            _ => {
                if let Some(metered) = metered {
                    metered.ended(args.py(), Ok(None));
                }
            }
        }
        Ok(seqid)
    }

    /// Takes the encoded requests not yet written (empty bytes when there are none).
    fn take<'py>(&mut self, py: Python<'py>) -> Bound<'py, PyBytes> {
        let bytes = PyBytes::new(py, &self.out);
        // Kept, not freed: the buffer's capacity serves the next batch.
        self.out.clear();
        bytes
    }

    /// Takes in bytes received from the server and completes the calls whose replies are now
    /// whole. Returns False when the stream can no longer be read: every call in flight has
    /// failed, and the connection must be closed.
    fn feed(&mut self, py: Python<'_>, data: &[u8]) -> bool {
        self.replies.extend(data);
        let mut done: Vec<Outcome> = Vec::new();
        let mut readable = true;
        while readable {
            let reply = match self.replies.next_reply() {
                Ok(Some(reply)) => reply,
                Ok(None) => break,
                Err(error) => {
                    done.extend(self.fail_all(py, |method| error.for_call(method)));
                    readable = false;
                    continue;
                }
            };
            let seqid = reply.header.seqid;
            if let Some(pending) = self.pending.remove(&seqid) {
                let outcome = self.outcome(py, &pending, seqid, reply);
                done.push((pending.future, outcome, pending.metered));
            } else if !self.abandoned.remove(&seqid) {
                done.extend(self.fail_all(py, |method| ClientError::UnknownSequenceId {
                    method: method.clone(),
                    got: seqid,
                }));
                readable = false;
            }
        }
        complete(py, done);
        readable
    }

    /// Fails the calls whose timeout passed (their late replies will be dropped), and returns
    /// the seconds until the next call's timeout, None when no call has one.
    fn expire(&mut self, py: Python<'_>) -> Option<f64> {
        let now = Instant::now();
        let expired: Vec<i32> = self
            .pending
            .iter()
            .filter(|(_, p)| p.deadline.is_some_and(|(at, _)| at <= now))
            .map(|(&seqid, _)| seqid)
            .collect();
        let mut done: Vec<Outcome> = Vec::new();
        for seqid in expired {
            let Some(pending) = self.pending.remove(&seqid) else {
                continue;
            };
            self.abandoned.insert(seqid);
            let after = pending.deadline.map_or(Duration::ZERO, |(_, after)| after);
            let error = ClientError::Timeout {
                method: pending.name,
                after,
            };
            done.push((
                pending.future,
                Err(client_error(py, error)),
                pending.metered,
            ));
        }
        complete(py, done);
        self.pending
            .values()
            .filter_map(|p| p.deadline.map(|(at, _)| at))
            .min()
            .map(|at| at.saturating_duration_since(now).as_secs_f64())
    }

    /// Gives up on the call `seqid` (its task was cancelled): its reply will be dropped.
    fn forget(&mut self, seqid: i32) {
        if let Some(pending) = self.pending.remove(&seqid) {
            self.abandoned.insert(seqid);
            if let Some(metered) = pending.metered {
                metered.cancelled();
            }
        }
    }

    /// The connection is gone: fails every call in flight. `error` is the OSError that broke
    /// it, or None when the server closed it; with `by_client`, the client closed it.
    #[pyo3(signature = (error, *, by_client = false))]
    fn lost(&mut self, py: Python<'_>, error: Option<&Bound<'_, PyAny>>, by_client: bool) {
        let source = error.map(os_error);
        let done = self.fail_all(py, |method| {
            let method = method.clone();
            match &source {
                _ if by_client => ClientError::ClientClosed { method },
                Some(source) => ClientError::Io {
                    method,
                    source: io::Error::new(source.kind(), source.to_string()),
                },
                None => ClientError::Closed {
                    method,
                    received: 0,
                },
            }
        });
        complete(py, done);
    }

    /// How many calls wait for their replies.
    #[getter]
    fn in_flight(&self) -> usize {
        self.pending.len()
    }

    /// How many bytes of encoded requests wait to be taken.
    #[getter]
    fn buffered(&self) -> usize {
        self.out.len()
    }
}

impl Pipeline {
    /// The result struct of the call `pending`, or its error.
    fn outcome(
        &self,
        py: Python<'_>,
        pending: &Pending,
        seqid: i32,
        reply: Message,
    ) -> PyResult<Py<PyAny>> {
        let sent = Header {
            name: pending.name.clone(),
            message_type: MessageType::Call,
            seqid,
        };
        let reply = check_reply(&sent, reply, self.options.format, self.limits())
            .map_err(|err| client_error(py, err))?;
        decode_result(
            py,
            self.protocol,
            self.limits(),
            &reply,
            pending.result.bind(py),
        )
        .map(Bound::unbind)
    }
}

/// Counts each outcome, and hands it to its future unless the future is done already
/// (cancelled: its task will ask to forget a call that is no longer pending).
fn complete(py: Python<'_>, done: Vec<Outcome>) {
    for (future, outcome, metered) in done {
        if let Some(metered) = metered {
            let result = outcome.as_ref().map(|result| Some(result.bind(py)));
            metered.ended(py, result);
        }
        let future = future.bind(py);
        let finished = future
            .call_method0(intern!(py, "done"))
            .and_then(|done| done.is_truthy());
        if !matches!(finished, Ok(false)) {
            continue;
        }
        let set = match outcome {
            Ok(result) => future.call_method1(intern!(py, "set_result"), (result,)),
            Err(error) => future.call_method1(intern!(py, "set_exception"), (error,)),
        };
        // Setting the outcome of a pending future cannot fail; if it did, there is no caller
        // to tell but the loop's exception handler.
        if let Err(error) = set {
            error.write_unraisable(py, Some(future));
        }
    }
}

/// The `io::Error` an OSError stands for.
fn os_error(error: &Bound<'_, PyAny>) -> io::Error {
    let errno = error
        .getattr("errno")
        .and_then(|errno| errno.extract::<i32>());
    match errno {
        Ok(errno) => io::Error::from_raw_os_error(errno),
        Err(_) => io::Error::other(error.to_string()),
    }
}
