//! The `/metrics` page over HTTP, for Prometheus to scrape: `GET /metrics` answers the
//! registry's page; anything else a short error. One request per connection, bounded in size
//! and time, so that a stuck or hostile client costs nothing lasting.

use std::io;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

use super::Registry;

const LOG: &str = "thrifthive.metrics";
/// The most a request's head may take, in bytes and time.
const MAX_HEAD: usize = 8 * 1024;
const HEAD_TIMEOUT: Duration = Duration::from_secs(5);

/// A listener for the page on `host`:`port` (0: any free port), bound now so that a port in
/// use is an error at once, served later by [`serve_bound`] in a runtime.
pub fn bind(host: &str, port: u16) -> io::Result<std::net::TcpListener> {
    let listener = std::net::TcpListener::bind((host, port))?;
    listener.set_nonblocking(true)?;
    Ok(listener)
}

/// Serves `registry` on `listener` (from [`bind`]) until the future is dropped.
pub async fn serve_bound(listener: std::net::TcpListener, registry: &'static Registry) {
    match TcpListener::from_std(listener) {
        Ok(listener) => serve_http(listener, registry).await,
        Err(error) => log::error!(target: LOG, "cannot serve the metrics page: {error}"),
    }
}

/// Serves `registry` on `listener` (from [`bind`]) on the process's background runtime, for a
/// process without a server (a client's only), until the task is aborted.
pub fn serve_in_background(
    listener: std::net::TcpListener,
    registry: &'static Registry,
) -> tokio::task::JoinHandle<()> {
    crate::discovery::background().spawn(serve_bound(listener, registry))
}

/// Serves `registry` on `listener` until the future is dropped.
pub async fn serve_http(listener: TcpListener, registry: &'static Registry) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                tokio::spawn(async move {
                    if let Err(error) = answer(stream, registry).await {
                        log::debug!(target: LOG, "a metrics request failed: {error}");
                    }
                });
            }
            Err(error) => {
                log::warn!(target: LOG, "cannot accept a metrics connection: {error}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

async fn answer(mut stream: TcpStream, registry: &Registry) -> io::Result<()> {
    let head = match timeout(HEAD_TIMEOUT, read_head(&mut stream)).await {
        Ok(head) => head?,
        Err(_) => return Err(io::Error::new(io::ErrorKind::TimedOut, "no request head")),
    };
    let mut words = head.split(|&b| b == b' ');
    let response = match (words.next(), words.next()) {
        (Some(b"GET"), Some(b"/metrics")) => respond(
            "200 OK",
            "text/plain; version=0.0.4; charset=utf-8",
            &registry.render(),
        ),
        (Some(b"GET"), Some(_)) => respond("404 Not Found", "text/plain", "try /metrics\n"),
        _ => respond("405 Method Not Allowed", "text/plain", "GET /metrics\n"),
    };
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

/// The request line, once the whole head (up to the blank line) has arrived.
async fn read_head(stream: &mut TcpStream) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(512);
    let mut chunk = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        if head.len() > MAX_HEAD {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "request head too large",
            ));
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        head.extend_from_slice(&chunk[..n]);
    }
    let line_end = head.iter().position(|&b| b == b'\r').unwrap_or(head.len());
    head.truncate(line_end);
    Ok(head)
}

fn respond(status: &str, content_type: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    )
}
