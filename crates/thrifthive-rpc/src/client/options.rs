//! A client's settings and their defaults.

use std::sync::Arc;
use std::time::Duration;

use thrifthive_wire::Limits;

use crate::format::{Protocol, Transport, WireFormat};
use crate::header::{Envelope, Transform};

/// How a client connects and talks.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// What to speak; the default, buffered binary, is Apache's.
    pub format: WireFormat,
    /// The longest a call may take, sending included; `None`: no limit.
    pub timeout: Option<Duration>,
    /// The longest connecting may take, name resolution included.
    pub connect_timeout: Duration,
    /// Limits on what a reply may contain; `max_message_size` also bounds an unframed reply.
    pub limits: Limits,
    /// The largest reply frame accepted, in bytes.
    pub max_frame_size: usize,
    /// What to apply to each request's payload (THeader only; zlib, say). Replies may come
    /// with any transforms.
    pub transforms: Vec<Transform>,
    /// Where HTTP requests are posted (HTTP only).
    pub http_path: String,
    /// Speak TLS with this configuration (see [`crate::tls::client_config`]).
    pub tls: Option<Arc<rustls::ClientConfig>>,
    /// The name the server's certificate must be valid for; `None`: the host connected to.
    pub tls_server_name: Option<String>,
}

impl ClientOptions {
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
    pub const DEFAULT_MAX_FRAME_SIZE: usize = 16 * 1024 * 1024;

    /// For THeader, the envelope every request goes in (its protocol and transforms; each
    /// call sets its seqid and info headers); `None` for the other transports.
    pub fn request_envelope(&self) -> Option<Envelope> {
        (self.format.transport == Transport::Header).then(|| Envelope {
            transforms: self.transforms.clone(),
            ..Envelope::new(self.format.protocol)
        })
    }
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            format: WireFormat::new(Transport::Buffered, Protocol::Binary),
            timeout: None,
            connect_timeout: Self::DEFAULT_CONNECT_TIMEOUT,
            limits: Limits::default(),
            max_frame_size: Self::DEFAULT_MAX_FRAME_SIZE,
            transforms: Vec::new(),
            http_path: "/".to_owned(),
            tls: None,
            tls_server_name: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_theader_requests_have_an_envelope() {
        let header = ClientOptions {
            format: WireFormat::new(Transport::Header, Protocol::Compact),
            transforms: vec![Transform::Zlib],
            ..ClientOptions::default()
        };
        let envelope = header.request_envelope().unwrap();
        assert_eq!(envelope.protocol, Protocol::Compact);
        assert_eq!(envelope.transforms, [Transform::Zlib]);
        assert!(envelope.info.is_empty());
        assert!(ClientOptions::default().request_envelope().is_none());
    }
}
