//! The client side: a connection that sends a request message and reads its reply, checked
//! against the request; a [`Client`] that reconnects after a broken connection; and a
//! [`BlockingClient`] for threads that have no runtime (the Python sync client calls it with
//! the GIL released).
//!
//! Requests and replies are whole encoded messages; a reply arrives as a
//! [`Message`](crate::Message) whose body the caller decodes. A TApplicationException reply
//! becomes [`ClientError::Application`].
//!
//! Calls on one connection are sequential here. Pipelining (several requests in flight, replies
//! matched by seqid) is built on [`Replies`], which reads replies off a stream without doing
//! IO, and [`check_reply`]: the Python AsyncClient does so over asyncio's sockets, opened with
//! [`connect_socket`].

mod blocking;
mod connect;
mod connection;
mod error;
mod http;
mod options;
mod reconnect;
mod replies;

pub use blocking::{connect_socket, BlockingClient};
pub use connection::Connection;
pub use error::ClientError;
pub use options::ClientOptions;
pub use reconnect::Client;
pub use replies::{check_reply, Replies, StreamError};
