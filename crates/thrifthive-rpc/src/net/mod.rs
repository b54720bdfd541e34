//! Sockets: addresses in the forms users write them, and one stream type over TCP and UNIX
//! sockets so that the server and the client have a single code path for both.

mod address;
mod stream;

pub use address::{Address, AddressError};
pub use stream::Stream;
