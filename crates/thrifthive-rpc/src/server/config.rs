//! The server's settings and their defaults.

use std::sync::Arc;
use std::time::Duration;

use thrifthive_wire::Limits;

use crate::format::{Protocol, Transport};
use crate::net::Address;

/// How a server listens and what it accepts.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Where to listen: one or more TCP addresses (port 0 takes a free port; a host name
    /// listens on the first address it resolves to; `::` takes IPv4 too where the system allows
    /// it) and UNIX socket paths.
    pub listen: Vec<Address>,
    /// `None` (the default) detects the transport per connection (framed, buffered, THeader);
    /// `Some` accepts only that one. HTTP is served only when asked for: `Some(Transport::Http)`.
    pub transport: Option<Transport>,
    /// Where HTTP calls are posted (with `transport` HTTP); other paths get 404.
    pub http_path: String,
    /// `None` (the default) detects the protocol per connection; `Some` accepts only that one.
    pub protocol: Option<Protocol>,
    /// Limits on what a request may contain; `max_message_size` also bounds an unframed
    /// request, which is held in memory until its end is found.
    pub limits: Limits,
    /// The largest frame accepted, in bytes (the length prefix excluded).
    pub max_frame_size: usize,
    /// Connections served at once. Beyond it, a new connection is accepted and closed at once
    /// (its client sees the connection closed, and the log says why) rather than left waiting
    /// unseen in the listen backlog.
    pub max_connections: usize,
    /// Requests of one connection being answered at once: pipelined requests past it wait in
    /// the socket (the connection stops reading) until a reply goes out. Backpressure, not an
    /// error.
    pub max_in_flight: usize,
    /// Closes a connection that has had no request in flight and sent nothing for this long.
    /// A connection waiting for a slow call is busy, never idle. Also closes a connection whose
    /// peer does not take a reply (its socket buffer full) for this long. `None`: never.
    pub idle_timeout: Option<Duration>,
    /// With a TLS configuration, every connection must start with a TLS handshake (a plaintext
    /// client is told so, and closed); see [`crate::tls`].
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// Sets SO_REUSEPORT on TCP listeners, so that several processes can serve one port.
    pub reuse_port: bool,
    /// The listen backlog.
    pub backlog: u32,
}

impl ServerConfig {
    pub const DEFAULT_MAX_FRAME_SIZE: usize = 16 * 1024 * 1024;
    pub const DEFAULT_MAX_CONNECTIONS: usize = 16_384;
    pub const DEFAULT_MAX_IN_FLIGHT: usize = 64;
    pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(300);
    pub const DEFAULT_BACKLOG: u32 = 1024;
    pub const DEFAULT_HTTP_PATH: &'static str = "/thrift";

    /// The defaults, listening on `address`.
    pub fn new(address: Address) -> ServerConfig {
        ServerConfig {
            listen: vec![address],
            transport: None,
            http_path: Self::DEFAULT_HTTP_PATH.to_owned(),
            protocol: None,
            limits: Limits::default(),
            max_frame_size: Self::DEFAULT_MAX_FRAME_SIZE,
            max_connections: Self::DEFAULT_MAX_CONNECTIONS,
            max_in_flight: Self::DEFAULT_MAX_IN_FLIGHT,
            idle_timeout: Some(Self::DEFAULT_IDLE_TIMEOUT),
            tls: None,
            reuse_port: false,
            backlog: Self::DEFAULT_BACKLOG,
        }
    }
}
