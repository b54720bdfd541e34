//! TLS with rustls (the ring provider), for servers and clients, over TCP and HTTP.
//!
//! - [`config`]: server and client settings from PEM files: a server's certificate chain and
//!   key, the CA that client certificates must chain to (mutual TLS); a client's trusted CAs
//!   (the OS's store by default), its own certificate for mutual TLS, the name to verify.
//! - [`accept`]: the server's side of a connection: the handshake, then the decrypted stream
//!   handed to the engine as if it were a plain socket.
//! - [`errors`]: rustls errors in words a user can act on.
//!
//! The engine writes replies from whichever thread finishes a call, straight to the socket
//! (server::replies). A TLS session cannot be written from two places, so a server's TLS
//! connection is bridged: a task owns the session and copies between it and one end of a
//! socket pair whose other end the engine serves. TLS connections pay that copy; plain ones
//! are untouched.

pub(crate) mod accept;
mod config;
pub(crate) mod errors;

pub use config::{client_config, server_config, ClientTls, ServerTls};
pub use rustls::{ClientConfig, ServerConfig};
