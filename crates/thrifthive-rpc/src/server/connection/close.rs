//! Closing a connection: the farewell (an error reply) goes out after the pending replies, then
//! a lingering close keeps it from being lost.

use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::time::sleep;

use crate::dispatch::Dispatch;

use super::{Connection, READ_ROOM};

/// After an error reply, how long and how much of the client's further input to read and
/// throw away before closing: closing with unread input resets the connection, and the reset
/// can destroy the error reply before the client reads it.
const LINGER_TIME: Duration = Duration::from_secs(1);
const LINGER_BYTES: usize = 1024 * 1024;

impl<D: Dispatch> Connection<D> {
    /// Sends the farewell, if any, and closes the connection.
    pub(super) async fn close(&mut self) {
        let Some(farewell) = self.farewell.take() else {
            let _ = self.writer.shutdown_write();
            return;
        };
        self.replies.push_last(farewell);
        let stall_timeout = self.shared.config.idle_timeout;
        if self
            .replies
            .flush(stall_timeout, &self.shared.force)
            .await
            .is_ok()
            && self.writer.shutdown_write().is_ok()
        {
            self.linger().await;
        }
    }

    /// Reads and drops what the client still sends, until it closes or for a bounded time and
    /// size, so that closing does not reset the connection under the farewell.
    async fn linger(&mut self) {
        let deadline = sleep(LINGER_TIME);
        tokio::pin!(deadline);
        let mut discarded = 0;
        while discarded < LINGER_BYTES {
            self.buf.clear();
            READ_ROOM.prepare(&mut self.buf, 0);
            tokio::select! {
                read = self.reader.read_buf(&mut self.buf) => match read {
                    Ok(n) if n > 0 => discarded += n,
                    _ => return,
                },
                () = &mut deadline => return,
                () = self.shared.force.cancelled() => return,
            }
        }
    }
}
