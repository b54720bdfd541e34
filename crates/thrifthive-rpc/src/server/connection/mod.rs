//! One connection's life: detect what the client speaks, read its requests, hand each to the
//! dispatcher, and close when the client leaves, the connection idles, a limit is broken or the
//! server shuts down. Replies go out through [`Replies`], written by whoever answers a call.
//!
//! One task per connection, with one loop that selects over: more bytes to read, news from the
//! replies (a call finished that the task waits for, or bytes left to flush), the idle timer,
//! and shutdown. Requests keep being read while earlier ones are answered (pipelining), up to
//! `max_in_flight`.

mod close;
mod refusal;

use std::sync::Arc;
use std::time::Duration;

use bytes::BytesMut;
use thrifthive_wire::MessageType;
use tokio::io::AsyncReadExt;
use tokio::sync::OwnedSemaphorePermit;
use tokio::time::{sleep, Instant};

use crate::dispatch::{ConnectionId, Dispatch, Request, Responder};
use crate::exception::{ApplicationException, ExceptionKind};
use crate::inbound::{Carried, Inbound, Next, ReadRoom};
use crate::message::{Header, Message};
use crate::net::{ReadHalf, Stream, WriteHalf};
use crate::outbound::Outgoing;
use crate::tls::accept::{accept, Accepted};

use super::replies::Replies;
use super::{Shared, LOG};

/// Reads of 4 KiB: requests are small, and an idle connection keeps its buffer.
const READ_ROOM: ReadRoom = ReadRoom {
    chunk: 4096,
    max_ahead: 64 * 1024,
};
/// Stands in for "never" where a timer must exist.
const NEVER: Duration = Duration::from_secs(365 * 24 * 3600);

/// The connection was dropped without the usual goodbye (shutdown's grace ran out, or the
/// socket failed).
pub(crate) struct Aborted;

pub(super) async fn serve<D: Dispatch>(
    stream: Stream,
    peer: String,
    id: ConnectionId,
    shared: Arc<Shared<D>>,
    _permit: OwnedSemaphorePermit,
) {
    let who = format!("connection {id} from {peer}");
    let (stream, plaintext_on_tls) = match &shared.config.tls {
        None => (stream, false),
        Some(tls) => {
            let handshake = accept(stream, &who, Arc::clone(tls));
            let accepted = tokio::select! {
                accepted = handshake => accepted,
                () = shared.force.cancelled() => return,
            };
            match accepted {
                Accepted::Tls(stream) => (stream, false),
                Accepted::Plaintext(stream) => (stream, true),
                Accepted::Failed => return,
            }
        }
    };
    let (reader, writer) = stream.split();
    let writer = Arc::new(writer);
    let replies = Replies::new(Arc::clone(&writer), who);
    let mut connection = Connection {
        reader,
        writer,
        replies,
        peer,
        id,
        shared,
        buf: BytesMut::new(),
        need: 1,
        inbound: None,
        dispatched: 0,
        reading: true,
        throttled: false,
        farewell: None,
        last_active: Instant::now(),
        plaintext_on_tls,
    };
    if connection.run().await.is_ok() {
        connection.close().await;
    }
    connection.replies.close();
    log::debug!(target: LOG, "connection {} from {} closed", connection.id, connection.peer);
}

struct Connection<D: Dispatch> {
    reader: ReadHalf,
    writer: Arc<WriteHalf>,
    replies: Arc<Replies>,
    peer: String,
    id: ConnectionId,
    shared: Arc<Shared<D>>,
    buf: BytesMut,
    /// The buffer must hold this many bytes before anything more can be taken off it.
    need: usize,
    /// What the connection speaks, once detected.
    inbound: Option<Inbound>,
    /// Calls handed to the dispatcher so far.
    dispatched: u64,
    /// Whether requests are still read: false after the client's end of stream, an error,
    /// or the start of shutdown.
    reading: bool,
    /// Whether reading was ever paused for `max_in_flight`.
    throttled: bool,
    /// What to send after the pending replies, before closing: an error reply.
    farewell: Option<Outgoing>,
    /// When the connection last read or wrote something.
    last_active: Instant,
    /// A client that does not speak TLS, on a TLS server: refused once it is clear what it
    /// speaks, in its terms.
    plaintext_on_tls: bool,
}

impl<D: Dispatch> Connection<D> {
    /// Serves requests until there is nothing more to read and nothing left to answer.
    async fn run(&mut self) -> Result<(), Aborted> {
        let shared = Arc::clone(&self.shared);
        let config = &shared.config;
        let idle_timeout = config.idle_timeout;
        let max_in_flight = config.max_in_flight as u64;
        let idle = sleep(idle_timeout.unwrap_or(NEVER));
        // Made once, not per turn of the loop: each one registers with its token when polled.
        let force = shared.force.cancelled();
        let stop = shared.stop.cancelled();
        tokio::pin!(idle, force, stop);
        loop {
            if self.reading {
                self.take_requests();
            }
            let reading = self.reading;
            // The task hears of a finished call only when it waits for one: to read again, or
            // to close once every call is answered.
            let status = self.replies.status(self.dispatched, |in_flight| {
                (reading && in_flight >= max_in_flight) || (!reading && in_flight > 0)
            });
            if status.failed {
                return Err(Aborted);
            }
            if !self.reading && status.in_flight == 0 && !status.backlog {
                return Ok(());
            }
            let read_more = self.reading && status.in_flight < max_in_flight;
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
                flushed = self.replies.flush(idle_timeout, &shared.force), if status.backlog => {
                    flushed?;
                }
                () = self.replies.woken() => {}
                () = &mut stop, if self.reading => self.reading = false,
                read = self.reader.read_buf(&mut self.buf), if read_more => match read {
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
                    let last_active = self.last_active.max(status.last_finished);
                    // The timer is armed lazily, not moved on every read: on firing, it checks
                    // whether the connection really idled that long.
                    if status.in_flight > 0 {
                        idle.as_mut().reset(now + timeout);
                    } else if now < last_active + timeout {
                        idle.as_mut().reset(last_active + timeout);
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
        let max_in_flight = self.shared.config.max_in_flight as u64;
        while self.reading
            && self.replies.status(self.dispatched, |_| false).in_flight < max_in_flight
        {
            let Some(inbound) = self.inbound.as_mut() else {
                return;
            };
            match inbound.next(&mut self.buf) {
                Ok(Next::Message(message, carried)) => self.dispatch(message, carried),
                Ok(Next::NeedAtLeast(need)) => {
                    self.need = need;
                    return;
                }
                Err(unreadable) => return self.reject_message(unreadable),
            }
        }
    }

    fn dispatch(&mut self, message: Message, carried: Carried) {
        let Some(mut format) = self.inbound.as_ref().map(Inbound::format) else {
            return;
        };
        let (envelope, http) = match carried {
            Carried::Plain => (None, None),
            Carried::Header(envelope) => {
                format.protocol = envelope.protocol;
                (Some(envelope), None)
            }
            Carried::Http(http, protocol) => {
                format.protocol = protocol;
                // The client closes after this response: read no more.
                self.reading &= http.keep_alive;
                (None, Some(http))
            }
        };
        let Header {
            name, message_type, ..
        } = &message.header;
        let (name, message_type) = (name.clone(), *message_type);
        let request = Request {
            message,
            format,
            connection: self.id,
            received: std::time::Instant::now(),
            envelope,
            http,
        };
        let reply = Responder::new(Arc::clone(&self.replies), self.dispatched, &request);
        self.dispatched += 1;
        let pinned = self.shared.config.protocol;
        match message_type {
            // Only a THeader frame or an HTTP request can switch protocols on a connection.
            MessageType::Call | MessageType::Oneway
                if pinned.is_some_and(|pinned| pinned != format.protocol) =>
            {
                log::warn!(
                    target: LOG,
                    "connection {} from {}: a call to {name} in {}, but this server accepts \
                     only {}",
                    self.id, self.peer, format.protocol, pinned.unwrap_or(format.protocol)
                );
                reply.send(Err(ApplicationException::new(
                    ExceptionKind::INVALID_PROTOCOL,
                    format!(
                        "this server accepts only the {} protocol",
                        pinned.unwrap_or(format.protocol)
                    ),
                )));
            }
            MessageType::Call | MessageType::Oneway => {
                self.shared.dispatch.dispatch(request, reply)
            }
            MessageType::Reply | MessageType::Exception => {
                log::warn!(
                    target: LOG,
                    "connection {} from {}: got a {message_type:?} message for {name}, \
                     where only calls are accepted",
                    self.id, self.peer
                );
                reply.send(Err(ApplicationException::new(
                    ExceptionKind::INVALID_MESSAGE_TYPE,
                    format!("a server accepts calls, not {message_type:?} messages"),
                )));
            }
        }
    }
}
