//! One connection's life: detect what the client speaks, read its requests, hand each to the
//! dispatcher, write the replies back in request order, and close when the client leaves, the
//! connection idles, a limit is broken or the server shuts down.
//!
//! One task per connection, with one loop that selects over: the oldest pending reply being
//! ready, more bytes to read, the idle timer, and shutdown. Requests keep being read while
//! earlier ones are answered (pipelining), up to `max_in_flight`.

mod close;
mod refusal;

use std::sync::Arc;
use std::time::Duration;

use bytes::{Buf, Bytes, BytesMut};
use futures_util::future::{join, ready, Either, Join, Ready};
use futures_util::stream::{FuturesOrdered, StreamExt};
use thrifthive_wire::MessageType;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::OwnedSemaphorePermit;
use tokio::time::{sleep, Instant};

use crate::dispatch::{ConnectionId, Dispatch, DispatchResult, Request};
use crate::exception::{ApplicationException, ExceptionKind};
use crate::inbound::{Inbound, Next, ReadRoom};
use crate::message::{Header, Message, MethodName};
use crate::net::Stream;
use crate::outbound::Outbound;

use super::{Shared, LOG};

/// Reads of 4 KiB: requests are small, and an idle connection keeps its buffer.
const READ_ROOM: ReadRoom = ReadRoom {
    chunk: 4096,
    max_ahead: 64 * 1024,
};
/// Stands in for "never" where a timer must exist.
const NEVER: Duration = Duration::from_secs(365 * 24 * 3600);

/// What a pending reply needs to be sent, or logged, once it is ready.
#[derive(Debug)]
struct Call {
    name: MethodName,
    seqid: i32,
    oneway: bool,
}

/// A reply in the making: the dispatcher's future, or an error decided by the engine.
type Pending<F> = Join<Ready<Call>, Either<F, Ready<DispatchResult>>>;

/// The connection was dropped without the usual goodbye (shutdown's grace ran out, or the
/// socket failed).
struct Aborted;

pub(super) async fn serve<D: Dispatch>(
    stream: Stream,
    peer: String,
    id: ConnectionId,
    shared: Arc<Shared<D>>,
    _permit: OwnedSemaphorePermit,
) {
    let mut connection = Connection {
        stream,
        peer,
        id,
        shared,
        buf: BytesMut::new(),
        need: 1,
        inbound: None,
        pending: FuturesOrdered::new(),
        reading: true,
        throttled: false,
        farewell: None,
        last_active: Instant::now(),
    };
    if connection.run().await.is_ok() {
        connection.close().await;
    }
    log::debug!(target: LOG, "connection {} from {} closed", connection.id, connection.peer);
}

struct Connection<D: Dispatch> {
    stream: Stream,
    peer: String,
    id: ConnectionId,
    shared: Arc<Shared<D>>,
    buf: BytesMut,
    /// The buffer must hold this many bytes before anything more can be taken off it.
    need: usize,
    /// What the connection speaks, once detected.
    inbound: Option<Inbound>,
    pending: FuturesOrdered<Pending<D::Future>>,
    /// Whether requests are still read: false after the client's end of stream, an error,
    /// or the start of shutdown.
    reading: bool,
    /// Whether reading was ever paused for `max_in_flight`.
    throttled: bool,
    /// What to send after the pending replies, before closing: an error reply.
    farewell: Option<Bytes>,
    /// When the connection last read or wrote something.
    last_active: Instant,
}

impl<D: Dispatch> Connection<D> {
    /// Serves requests until there is nothing more to read and nothing left to answer.
    async fn run(&mut self) -> Result<(), Aborted> {
        let shared = Arc::clone(&self.shared);
        let config = &shared.config;
        let idle_timeout = config.idle_timeout;
        let idle = sleep(idle_timeout.unwrap_or(NEVER));
        // Made once, not per turn of the loop: each one registers with its token when polled.
        let force = shared.force.cancelled();
        let stop = shared.stop.cancelled();
        tokio::pin!(idle, force, stop);
        loop {
            if self.reading {
                self.take_requests();
            }
            if !self.reading && self.pending.is_empty() {
                return Ok(());
            }
            let read_more = self.reading && self.pending.len() < config.max_in_flight;
            if self.reading && !read_more && !self.throttled {
                self.throttled = true;
                log::debug!(
                    target: LOG,
                    "connection {} from {}: {} requests in flight (max_in_flight), reading \
                     paused until replies go out (logged once per connection)",
                    self.id, self.peer, config.max_in_flight
                );
            }
            if read_more {
                READ_ROOM.prepare(&mut self.buf, self.need);
            }
            tokio::select! {
                biased;
                () = &mut force => return Err(Aborted),
                Some((call, result)) = self.pending.next(), if !self.pending.is_empty() => {
                    self.answer(call, result).await?;
                    self.last_active = Instant::now();
                }
                () = &mut stop, if self.reading => self.reading = false,
                read = self.stream.read_buf(&mut self.buf), if read_more => match read {
                    Ok(0) => self.end_of_stream(),
                    Ok(_) => self.last_active = Instant::now(),
                    Err(error) => {
                        log::debug!(
                            target: LOG,
                            "connection {} from {}: {error}",
                            self.id,
                            self.peer
                        );
                        return Err(Aborted);
                    }
                },
                () = &mut idle, if idle_timeout.is_some() => {
                    let timeout = idle_timeout.unwrap_or(NEVER);
                    let now = Instant::now();
                    // The timer is armed lazily, not moved on every read: on firing, it checks
                    // whether the connection really idled that long.
                    if !self.pending.is_empty() {
                        idle.as_mut().reset(now + timeout);
                    } else if now < self.last_active + timeout {
                        idle.as_mut().reset(self.last_active + timeout);
                    } else {
                        log::info!(
                            target: LOG,
                            "connection {} from {}: idle for {} s (idle_timeout), closing",
                            self.id, self.peer, timeout.as_secs_f64()
                        );
                        return Ok(());
                    }
                }
            }
        }
    }

    fn end_of_stream(&mut self) {
        self.reading = false;
        if !self.buf.is_empty() {
            log::debug!(
                target: LOG,
                "connection {} from {}: closed by the client in the middle of a message ({} bytes)",
                self.id, self.peer, self.buf.len()
            );
        }
    }

    /// Detects the format if not done yet, then dispatches the complete requests in the buffer,
    /// as many as `max_in_flight` allows.
    fn take_requests(&mut self) {
        if self.inbound.is_none() && !self.detect() {
            return;
        }
        while self.reading && self.pending.len() < self.shared.config.max_in_flight {
            let Some(inbound) = self.inbound.as_mut() else {
                return;
            };
            match inbound.next(&mut self.buf) {
                Ok(Next::Message(message)) => self.dispatch(message),
                Ok(Next::NeedAtLeast(need)) => {
                    self.need = need;
                    return;
                }
                Err(unreadable) => return self.reject_message(unreadable),
            }
        }
    }

    fn dispatch(&mut self, message: Message) {
        let Some(format) = self.inbound.as_ref().map(Inbound::format) else {
            return;
        };
        let Header {
            name,
            message_type,
            seqid,
        } = message.header.clone();
        let reply = match message_type {
            MessageType::Call | MessageType::Oneway => {
                Either::Left(self.shared.dispatch.dispatch(Request {
                    message,
                    format,
                    connection: self.id,
                }))
            }
            MessageType::Reply | MessageType::Exception => {
                log::warn!(
                    target: LOG,
                    "connection {} from {}: got a {message_type:?} message for {name}, \
                     where only calls are accepted",
                    self.id, self.peer
                );
                Either::Right(ready(Err(ApplicationException::new(
                    ExceptionKind::INVALID_MESSAGE_TYPE,
                    format!("a server accepts calls, not {message_type:?} messages"),
                ))))
            }
        };
        let call = Call {
            name,
            seqid,
            oneway: message_type == MessageType::Oneway,
        };
        self.pending.push_back(join(ready(call), reply));
    }

    /// Sends the reply to `call`, if it gets one.
    async fn answer(&mut self, call: Call, result: DispatchResult) -> Result<(), Aborted> {
        let Some(format) = self.inbound.as_ref().map(Inbound::format) else {
            return Ok(());
        };
        let reply = match (result, call.oneway) {
            (Ok(Some(reply)), false) => reply,
            (Ok(None), true) => return Ok(()),
            (Ok(Some(_)), true) => {
                log::debug!(target: LOG, "dropping a reply to oneway call {}", call.name);
                return Ok(());
            }
            (Err(exception), true) => {
                log::info!(target: LOG, "oneway call {} failed: {exception}", call.name);
                return Ok(());
            }
            (result, false) => {
                let exception = result.err().unwrap_or_else(|| {
                    log::error!(target: LOG, "the dispatcher gave no reply to call {}", call.name);
                    ApplicationException::new(
                        ExceptionKind::INTERNAL_ERROR,
                        "the server produced no reply",
                    )
                });
                match exception.encode(format.protocol, call.name.as_str(), call.seqid) {
                    Ok(reply) => reply,
                    Err(error) => {
                        log::error!(target: LOG, "cannot encode {exception}: {error}");
                        return Err(Aborted);
                    }
                }
            }
        };
        match Outbound::new(format.transport, &reply) {
            Ok(outbound) => self.write(outbound.buf()).await,
            Err(error) => {
                log::error!(target: LOG, "cannot send the reply to {}: {error}", call.name);
                Err(Aborted)
            }
        }
    }

    /// Writes all of `buf`, giving up if the client takes none of it for the idle timeout.
    async fn write(&mut self, mut buf: impl Buf) -> Result<(), Aborted> {
        let stall_timeout = self.shared.config.idle_timeout;
        while buf.has_remaining() {
            tokio::select! {
                biased;
                written = self.stream.write_buf(&mut buf) => match written {
                    Ok(n) if n > 0 => {}
                    result => {
                        let error = result.err().map_or("wrote nothing".into(), |e| e.to_string());
                        log::debug!(
                            target: LOG,
                            "connection {} from {}: {error}",
                            self.id,
                            self.peer
                        );
                        return Err(Aborted);
                    }
                },
                () = self.shared.force.cancelled() => return Err(Aborted),
                () = sleep(stall_timeout.unwrap_or(NEVER)), if stall_timeout.is_some() => {
                    log::warn!(
                        target: LOG,
                        "connection {} from {}: the client took no reply bytes for {} s \
                         (idle_timeout), closing",
                        self.id, self.peer, stall_timeout.unwrap_or(NEVER).as_secs_f64()
                    );
                    return Err(Aborted);
                }
            }
        }
        Ok(())
    }
}
