//! A client that connects on first use and again after a broken connection.

use std::time::Duration;

use crate::header::InfoHeaders;
use crate::message::Message;
use crate::net::Address;

use super::{ClientError, ClientOptions, Connection};

/// Calls one server over one connection, opened when needed. A call that breaks the
/// connection fails; the next one reconnects. Calls are never retried: a call that failed may
/// have run on the server.
#[derive(Debug)]
pub struct Client {
    address: Address,
    options: ClientOptions,
    connection: Option<Connection>,
}

impl Client {
    /// Does not connect yet.
    pub fn new(address: Address, options: ClientOptions) -> Client {
        Client {
            address,
            options,
            connection: None,
        }
    }

    pub fn address(&self) -> &Address {
        &self.address
    }

    pub fn options(&self) -> &ClientOptions {
        &self.options
    }

    /// Connects now if not connected, or if the idle connection went stale (the server closed
    /// it meanwhile): nothing has been sent on it yet, so connecting again loses nothing.
    pub async fn connect(&mut self) -> Result<&mut Connection, ClientError> {
        let connection = match self.connection.take() {
            Some(connection) if !connection.is_stale() => connection,
            _ => Connection::connect(&self.address, &self.options).await?,
        };
        Ok(self.connection.insert(connection))
    }

    /// [`Connection::call`] on the connection, connecting first if needed.
    pub async fn call(&mut self, request: &[u8]) -> Result<Option<Message>, ClientError> {
        self.call_with(request, &InfoHeaders::default()).await
    }

    /// [`Connection::call_with`] on the connection, connecting first if needed.
    pub async fn call_with(
        &mut self,
        request: &[u8],
        info: &InfoHeaders,
    ) -> Result<Option<Message>, ClientError> {
        self.call_within(request, info, self.options.timeout).await
    }

    /// [`Connection::call_within`] on the connection, connecting first if needed.
    pub async fn call_within(
        &mut self,
        request: &[u8],
        info: &InfoHeaders,
        timeout: Option<Duration>,
    ) -> Result<Option<Message>, ClientError> {
        let connection = self.connect().await?;
        let result = connection.call_within(request, info, timeout).await;
        let spent = !connection.is_reusable();
        if spent || result.as_ref().is_err_and(ClientError::breaks_connection) {
            self.connection = None;
        }
        result
    }

    pub fn is_connected(&self) -> bool {
        self.connection.is_some()
    }

    /// Closes the connection; the next call opens a new one.
    pub fn close(&mut self) {
        self.connection = None;
    }
}
