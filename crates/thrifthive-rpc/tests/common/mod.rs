//! What the integration tests share: the test service, a server running in the background, raw
//! sockets, and a logger that keeps what was logged.

#![allow(dead_code)] // Each test binary uses part of it.

pub mod service;

use std::sync::{Mutex, Once};
use std::time::Duration;

use bytes::Bytes;
use thrifthive_rpc::client::{ClientOptions, Connection};
use thrifthive_rpc::{
    Address, Protocol, Server, ServerConfig, ShutdownHandle, Transport, WireFormat,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinHandle;

#[allow(unused_imports)] // Each test binary uses part of it.
pub use service::{call, read_arg, Arg, TestService};

/// Every test's deadline for anything that should be quick.
pub const QUICK: Duration = Duration::from_secs(5);

pub const FORMATS: [WireFormat; 4] = [
    WireFormat::new(Transport::Framed, Protocol::Binary),
    WireFormat::new(Transport::Framed, Protocol::Compact),
    WireFormat::new(Transport::Buffered, Protocol::Binary),
    WireFormat::new(Transport::Buffered, Protocol::Compact),
];

/// A server on a free loopback port, serving in the background.
pub struct TestServer {
    pub address: Address,
    pub handle: ShutdownHandle,
    pub task: JoinHandle<std::io::Result<()>>,
    pub service: TestService,
}

impl TestServer {
    pub async fn start() -> TestServer {
        TestServer::with(|_| {}).await
    }

    /// A server with the default settings as `configure` changes them.
    pub async fn with(configure: impl FnOnce(&mut ServerConfig)) -> TestServer {
        capture_logs();
        let mut config = ServerConfig::new(Address::tcp("127.0.0.1", 0));
        configure(&mut config);
        let server = Server::bind(config).unwrap();
        let address = server.addresses()[0].clone();
        let handle = server.shutdown_handle();
        let service = TestService::default();
        let task = tokio::spawn(server.serve(service.clone()));
        TestServer {
            address,
            handle,
            task,
            service,
        }
    }

    pub fn port(&self) -> u16 {
        match self.address {
            Address::Tcp { port, .. } => port,
            Address::Unix(_) => panic!("not a TCP server"),
        }
    }

    pub async fn connect(&self, format: WireFormat) -> Connection {
        connect(&self.address, format).await
    }

    pub async fn raw(&self) -> TcpStream {
        TcpStream::connect(("127.0.0.1", self.port()))
            .await
            .unwrap()
    }

    /// Checks the server still answers a fresh client.
    pub async fn assert_serving(&self) {
        let format = FORMATS[2];
        let mut client = self.connect(format).await;
        let reply = client
            .call(&ping(format.protocol, 1))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(reply.header.name.as_str(), "ping");
    }

    pub async fn stop(self) {
        self.handle.shutdown(QUICK);
        tokio::time::timeout(QUICK, self.task)
            .await
            .expect("the server stops")
            .unwrap()
            .unwrap();
    }
}

pub async fn connect(address: &Address, format: WireFormat) -> Connection {
    let options = ClientOptions {
        format,
        timeout: Some(QUICK),
        ..ClientOptions::default()
    };
    Connection::connect(address, &options).await.unwrap()
}

pub fn ping(protocol: Protocol, seqid: i32) -> Bytes {
    call(protocol, "ping", seqid, &|_| {})
}

pub fn sleep_call(protocol: Protocol, seqid: i32, ms: i32) -> Bytes {
    call(protocol, "sleep", seqid, &|w| {
        w.field(thrifthive_wire::TType::I32, 1);
        w.i32(ms);
    })
}

pub fn echo_call(protocol: Protocol, seqid: i32, data: &[u8]) -> Bytes {
    call(protocol, "echoBinary", seqid, &|w| {
        w.field(thrifthive_wire::TType::String, 1);
        w.binary(data);
    })
}

/// `message` with its frame prefix if `transport` is framed.
pub fn on_wire(transport: Transport, message: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    if transport == Transport::Framed {
        out.extend_from_slice(&(message.len() as u32).to_be_bytes());
    }
    out.extend_from_slice(message);
    out
}

/// Writes `bytes`, then reads until the server closes; returns what it sent.
pub async fn send_and_read_all(stream: &mut TcpStream, bytes: &[u8]) -> Vec<u8> {
    stream.write_all(bytes).await.unwrap();
    read_to_close(stream).await
}

/// Reads until the server closes the connection (within QUICK).
pub async fn read_to_close(stream: &mut TcpStream) -> Vec<u8> {
    let mut out = Vec::new();
    tokio::time::timeout(QUICK, stream.read_to_end(&mut out))
        .await
        .expect("the server closes the connection")
        .unwrap();
    out
}

static LOGS: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Capture;

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        let line = format!("{} {}: {}", record.level(), record.target(), record.args());
        if std::env::var_os("TEST_LOG").is_some() {
            eprintln!("{line}");
        }
        LOGS.lock().unwrap().push(line);
    }

    fn flush(&self) {}
}

/// Keeps every log line of the process (and prints them if TEST_LOG is set).
pub fn capture_logs() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        log::set_logger(&Capture).unwrap();
        log::set_max_level(log::LevelFilter::Debug);
    });
}

/// Waits until a line containing every one of `parts` was logged.
pub async fn logged(parts: &[&str]) -> String {
    let found = || {
        LOGS.lock()
            .unwrap()
            .iter()
            .find(|line| parts.iter().all(|part| line.contains(part)))
            .cloned()
    };
    let deadline = tokio::time::Instant::now() + QUICK;
    loop {
        if let Some(line) = found() {
            return line;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "nothing logged with {parts:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
