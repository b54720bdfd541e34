//! thrifthive-rpc: Thrift RPC over tokio, with no Python in it.
//!
//! - [`server`]: the server engine. Listeners on TCP and UNIX sockets, per-connection
//!   detection of the transport and protocol ([`detect`]), limits, graceful shutdown; each call
//!   is handed to a [`Dispatch`], which the Python bridge implements.
//! - [`client`]: a client connection, async and blocking.
//! - [`loadgen`]: the closed-loop load generator behind `thrifthive bench`.
//! - [`discovery`] / [`registry`]: the hive: finding a service's instances (etcd, a static
//!   list, DNS) and balancing calls across them; registering a server in etcd.
//! - [`metrics`]: call counters and latency histograms, and their `/metrics` page.
//!
//! Messages travel as their encoded bytes ([`Message`]); encoding arguments and results is the
//! caller's business (thrifthive-wire, or the Python object codec). Framing and message
//! boundaries are handled here, by one reader that the server and the client share.
//!
//! Logging goes through the `log` facade with targets `thrifthive.server`, `thrifthive.client`
//! and `thrifthive.bench`, which map onto Python loggers under `thrifthive`.

pub mod client;
pub mod detect;
pub mod discovery;
mod dispatch;
mod exception;
mod format;
pub mod header;
pub mod http;
mod inbound;
pub mod loadgen;
mod message;
pub mod metrics;
mod net;
mod outbound;
pub mod registry;
mod scan;
pub mod server;
pub mod tls;

pub use dispatch::{ConnectionId, Dispatch, DispatchResult, Request, Responder};
pub use exception::{ApplicationException, ExceptionKind};
pub use format::{Protocol, Transport, WireFormat};
pub use message::{Header, Message, MethodName};
pub use net::{Address, AddressError};
pub use server::{Server, ServerConfig, ShutdownHandle};
