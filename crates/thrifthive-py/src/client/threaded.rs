//! PROTOTYPE, for measuring the AsyncClient's other possible design (bench/async_client.py,
//! `tokio-thread`): the socket IO of one connection on a tokio thread of its own; requests are
//! handed to it over a channel, and what it reads is queued and announced to the event loop by
//! one eventfd write per batch (the loop watches the eventfd with `add_reader`).

use std::fs::File;
use std::io::Write;
use std::mem::ManuallyDrop;
use std::os::fd::FromRawFd;
use std::sync::{Arc, Mutex};

use bytes::BytesMut;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

#[pyclass(frozen, module = "thrifthive._native")]
pub struct ThreadedIo {
    requests: mpsc::UnboundedSender<Vec<u8>>,
    received: Arc<Mutex<Vec<u8>>>,
}

#[pymethods]
impl ThreadedIo {
    /// Connects to `address` (host:port) on a new thread; `wakeup` is an eventfd to write to
    /// when bytes were queued.
    #[new]
    fn new(py: Python<'_>, address: String, wakeup: i32) -> PyResult<ThreadedIo> {
        let (tx, mut rx) = mpsc::unbounded_channel::<Vec<u8>>();
        let received = Arc::new(Mutex::new(Vec::new()));
        let queue = received.clone();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let stream = match TcpStream::connect(address).await {
                    Ok(s) => s,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e.to_string()));
                        return;
                    }
                };
                let _ = stream.set_nodelay(true);
                let _ = ready_tx.send(Ok(()));
                let (mut reader, mut writer) = stream.into_split();
                // SAFETY: the eventfd stays open for the connection's life (the caller's).
                let mut efd = ManuallyDrop::new(unsafe { File::from_raw_fd(wakeup) });
                let write = async move {
                    while let Some(mut data) = rx.recv().await {
                        while let Ok(more) = rx.try_recv() {
                            data.extend_from_slice(&more);
                        }
                        if writer.write_all(&data).await.is_err() {
                            return;
                        }
                    }
                };
                let read = async move {
                    let mut buf = BytesMut::with_capacity(256 * 1024);
                    loop {
                        buf.clear();
                        match reader.read_buf(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(_) => {}
                        }
                        let was_empty = {
                            let mut q = queue.lock().unwrap();
                            let was_empty = q.is_empty();
                            q.extend_from_slice(&buf);
                            was_empty
                        };
                        if was_empty {
                            let _ = efd.write_all(&1u64.to_ne_bytes());
                        }
                    }
                };
                tokio::join!(write, read);
            });
        });
        py.detach(move || ready_rx.recv())
            .map_err(|e| pyo3::exceptions::PyOSError::new_err(e.to_string()))?
            .map_err(pyo3::exceptions::PyOSError::new_err)?;
        Ok(ThreadedIo {
            requests: tx,
            received,
        })
    }

    fn write(&self, data: Vec<u8>) {
        let _ = self.requests.send(data);
    }

    /// Takes what was received since the last call.
    fn drain<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        let data = std::mem::take(&mut *self.received.lock().unwrap());
        PyBytes::new(py, &data)
    }
}
