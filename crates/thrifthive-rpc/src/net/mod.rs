//! Sockets: addresses in the forms users write them, and one stream type over TCP and UNIX
//! sockets so that the server and the client have a single code path for both.

mod address;
mod split;
mod stream;

pub use address::{Address, AddressError};
pub(crate) use split::{ReadHalf, WriteHalf};
pub use stream::Stream;
