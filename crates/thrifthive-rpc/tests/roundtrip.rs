//! Calls that work: every transport and protocol, every kind of socket, big messages,
//! pipelining, oneway calls.

mod common;

use std::sync::atomic::Ordering;

use common::*;
use thrifthive_rpc::client::{BlockingClient, ClientOptions};
use thrifthive_rpc::{Address, Protocol, Server, ServerConfig, Transport, WireFormat};
use thrifthive_wire::{MessageType, TType};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn every_format_is_detected_and_answered() {
    let server = TestServer::start().await;
    for format in FORMATS {
        let mut client = server.connect(format).await;
        for seqid in [1, -7, i32::MAX] {
            let request = call(format.protocol, "getUserById", seqid, &|w| {
                w.field(TType::I64, 1);
                w.i64(101);
            });
            let reply = client.call(&request).await.unwrap().unwrap();
            assert_eq!(reply.header.name.as_str(), "getUserById");
            assert_eq!(reply.header.seqid, seqid);
            assert_eq!(reply.header.message_type, MessageType::Reply);
            let body = &reply.bytes[reply.body_offset..];
            // The result's field 0 is the User; its id comes first.
            assert!(
                read_arg(format.protocol, body, TType::Struct).is_ok(),
                "{format}"
            );
        }
        logged(&["speaks", &format.to_string()]).await;
    }
    server.stop().await;
}

#[tokio::test]
async fn big_messages_cross_many_reads() {
    let server = TestServer::start().await;
    let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    for format in FORMATS {
        let mut client = server.connect(format).await;
        let reply = client
            .call(&echo_call(format.protocol, 9, &data))
            .await
            .unwrap()
            .unwrap();
        let body = &reply.bytes[reply.body_offset..];
        let echoed = read_arg(format.protocol, body, TType::String).unwrap();
        assert_eq!(echoed, Arg::Binary(data.clone()), "{format}");
    }
    server.stop().await;
}

#[tokio::test]
async fn a_request_trickling_in_byte_by_byte_is_read() {
    let server = TestServer::start().await;
    for format in FORMATS {
        let request = on_wire(format.transport, &echo_call(format.protocol, 3, b"slowly"));
        let mut stream = server.raw().await;
        for byte in &request {
            stream.write_all(&[*byte]).await.unwrap();
        }
        let mut reply = vec![0; 4096];
        let n = tokio::time::timeout(QUICK, stream.read(&mut reply))
            .await
            .unwrap()
            .unwrap();
        assert!(
            n > 0 && reply[..n].windows(6).any(|w| w == b"slowly"),
            "{format}"
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn lax_binary_headers_are_accepted() {
    let server = TestServer::start().await;
    // The old unversioned header: name length, name, type byte, seqid; then an empty struct.
    let lax = b"\x00\x00\x00\x04ping\x01\x00\x00\x00\x05\x00";
    for transport in [Transport::Buffered, Transport::Framed] {
        let mut stream = server.raw().await;
        stream.write_all(&on_wire(transport, lax)).await.unwrap();
        let mut reply = vec![0; 256];
        let n = tokio::time::timeout(QUICK, stream.read(&mut reply))
            .await
            .unwrap()
            .unwrap();
        // The reply is strict binary: version word, "ping", seqid 5.
        let skip = if transport == Transport::Framed { 4 } else { 0 };
        assert_eq!(
            &reply[skip..skip + 16],
            b"\x80\x01\x00\x02\x00\x00\x00\x04ping\x00\x00\x00\x05"
        );
        assert!(n >= skip + 17);
    }
    server.stop().await;
}

#[tokio::test]
async fn ipv6_and_unix_sockets() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("server.sock");
    capture_logs();
    let mut config = ServerConfig::new(Address::tcp("::1", 0));
    config.listen.push(Address::unix(&socket));
    let server = Server::bind(config).unwrap();
    let addresses = server.addresses().to_vec();
    assert!(matches!(&addresses[0], Address::Tcp { host, port } if host == "::1" && *port != 0));
    assert_eq!(addresses[1], Address::unix(&socket));
    let handle = server.shutdown_handle();
    let task = tokio::spawn(server.serve(TestService::default()));
    for address in &addresses {
        for format in FORMATS {
            let mut client = connect(address, format).await;
            let reply = client.call(&ping(format.protocol, 2)).await.unwrap();
            assert_eq!(reply.unwrap().header.seqid, 2, "{address} {format}");
        }
    }
    handle.shutdown(QUICK);
    task.await.unwrap().unwrap();
    assert!(!socket.exists(), "the socket file is removed on shutdown");
}

#[tokio::test]
async fn pipelined_replies_come_back_in_request_order() {
    let server = TestServer::start().await;
    for format in FORMATS {
        let mut stream = server.raw().await;
        // A slow call first, then fast ones: the fast replies must wait for the slow one.
        let mut requests = on_wire(format.transport, &sleep_call(format.protocol, 0, 200));
        for seqid in 1..20 {
            requests.extend(on_wire(format.transport, &ping(format.protocol, seqid)));
        }
        stream.write_all(&requests).await.unwrap();
        stream.shutdown().await.unwrap();
        let replies = read_to_close(&mut stream).await;
        let seqids = seqids_of(format, &replies);
        assert_eq!(seqids, (0..20).collect::<Vec<_>>(), "{format}");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_finished_on_many_threads_at_once_keep_their_order() {
    // Calls answered from other threads (`sleep(0)`) between big replies that the socket cannot
    // take at once (the client reads nothing for a while): those threads race to write, and
    // the connection's task flushes what they leave.
    let server = TestServer::start().await;
    let data = vec![7u8; 256 * 1024];
    let mut requests = Vec::new();
    for seqid in 0..60 {
        let message = match seqid % 3 {
            0 => echo_call(Protocol::Binary, seqid, &data),
            _ => sleep_call(Protocol::Binary, seqid, 0),
        };
        requests.extend(on_wire(Transport::Framed, &message));
    }
    let (mut reader, mut writer) = server.raw().await.into_split();
    let send = tokio::spawn(async move {
        writer.write_all(&requests).await.unwrap();
        writer.shutdown().await.unwrap();
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let mut replies = Vec::new();
    tokio::time::timeout(QUICK, reader.read_to_end(&mut replies))
        .await
        .expect("the server answers every call, then closes")
        .unwrap();
    send.await.unwrap();
    let mut seqids = Vec::new();
    let mut rest = &replies[..];
    while !rest.is_empty() {
        let len = u32::from_be_bytes(rest[..4].try_into().unwrap()) as usize;
        let message = &rest[4..4 + len];
        let name_len = u32::from_be_bytes(message[4..8].try_into().unwrap()) as usize;
        let seqid = i32::from_be_bytes(message[8 + name_len..12 + name_len].try_into().unwrap());
        if seqid % 3 == 0 {
            assert!(len > data.len(), "reply {seqid} carries the echoed bytes");
        }
        seqids.push(seqid);
        rest = &rest[4 + len..];
    }
    assert_eq!(seqids, (0..60).collect::<Vec<_>>());
    server.stop().await;
}

/// The seqids of the reply messages in `bytes`, in order.
fn seqids_of(format: WireFormat, mut bytes: &[u8]) -> Vec<i32> {
    let mut seqids = Vec::new();
    while !bytes.is_empty() {
        if format.transport == Transport::Framed {
            bytes = &bytes[4..];
        }
        let (seqid, len) = match format.protocol {
            // Version word, name length, name, seqid, then an empty struct (one stop byte).
            Protocol::Binary => {
                let name_len = u32::from_be_bytes(bytes[4..8].try_into().unwrap()) as usize;
                let at = 8 + name_len;
                (
                    i32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()),
                    at + 5,
                )
            }
            // Protocol id, version and type, seqid (a one-byte varint here: not zigzag), name
            // length, name, then the empty struct.
            Protocol::Compact => (i32::from(bytes[2]), 4 + bytes[3] as usize + 1),
        };
        seqids.push(seqid);
        bytes = &bytes[len..];
    }
    seqids
}

#[tokio::test]
async fn oneway_calls_get_no_reply() {
    let server = TestServer::start().await;
    for format in FORMATS {
        let mut client = server.connect(format).await;
        let notify = notify_call(format.protocol, 5);
        assert!(client.call(&notify).await.unwrap().is_none());
        // The next reply on the connection is the ping's: nothing was sent for the oneway call.
        let reply = client
            .call(&ping(format.protocol, 6))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(reply.header.seqid, 6);
    }
    assert_eq!(server.service.notified.load(Ordering::SeqCst), 4 * 5);
    server.stop().await;
}

fn notify_call(protocol: Protocol, n: i32) -> bytes::Bytes {
    common::service::encode_message(protocol, "notify", MessageType::Oneway, 1, &|w| {
        w.field(TType::I32, 1);
        w.i32(n);
    })
}

#[tokio::test]
async fn unknown_methods_get_an_exception_and_the_connection_stays() {
    let server = TestServer::start().await;
    let format = FORMATS[0];
    let mut client = server.connect(format).await;
    let error = client
        .call(&call(format.protocol, "frobnicate", 1, &|_| {}))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "TApplicationException(UNKNOWN_METHOD): unknown method frobnicate"
    );
    assert!(!error.breaks_connection());
    assert!(client
        .call(&ping(format.protocol, 2))
        .await
        .unwrap()
        .is_some());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_blocking_client_works_from_plain_threads() {
    let server = TestServer::start().await;
    let address = server.address.clone();
    let threads: Vec<_> = FORMATS
        .into_iter()
        .map(|format| {
            let address = address.clone();
            std::thread::spawn(move || {
                let options = ClientOptions {
                    format,
                    ..ClientOptions::default()
                };
                let mut client = BlockingClient::new(address, options);
                for seqid in 0..50 {
                    let reply = client.call(&ping(format.protocol, seqid)).unwrap().unwrap();
                    assert_eq!(reply.header.seqid, seqid);
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    server.stop().await;
}

#[tokio::test]
async fn port_zero_reports_the_bound_port() {
    let server = Server::bind(ServerConfig::new(Address::tcp("127.0.0.1", 0))).unwrap();
    let port = server.port().unwrap();
    assert_ne!(port, 0);
    assert_eq!(server.addresses(), &[Address::tcp("127.0.0.1", port)]);
}

#[tokio::test]
async fn reuse_port_lets_two_servers_share_a_port() {
    let mut config = ServerConfig::new(Address::tcp("127.0.0.1", 0));
    config.reuse_port = true;
    let first = Server::bind(config.clone()).unwrap();
    config.listen = vec![Address::tcp("127.0.0.1", first.port().unwrap())];
    let second = Server::bind(config).unwrap();
    assert_eq!(first.port(), second.port());
}
