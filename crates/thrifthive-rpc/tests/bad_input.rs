//! What is not a good request gets a clear error where the client can read one, a log line,
//! and a closed connection; the server goes on serving everyone else.

mod common;

use bytes::Bytes;
use common::*;
use thrifthive_rpc::{
    ApplicationException, ExceptionKind, Message, Protocol, Transport, WireFormat,
};
use thrifthive_wire::{Limits, MessageType};

/// Sends `bytes` on a fresh connection and returns everything the server sent back before
/// closing it.
async fn exchange(server: &TestServer, bytes: &[u8]) -> Vec<u8> {
    let mut stream = server.raw().await;
    send_and_read_all(&mut stream, bytes).await
}

/// The TApplicationException the server sent in `format`, checked to answer `name`/`seqid`.
fn exception_in(format: WireFormat, reply: &[u8], name: &str, seqid: i32) -> ApplicationException {
    let message = match format.transport {
        Transport::Framed => {
            let len = u32::from_be_bytes(reply[..4].try_into().unwrap()) as usize;
            assert_eq!(len + 4, reply.len(), "one frame");
            &reply[4..]
        }
        Transport::Buffered => reply,
        Transport::Header | Transport::Http => unreachable!("see tests/header.rs, http.rs"),
    };
    let message = Message::parse(
        Bytes::copy_from_slice(message),
        format.protocol,
        Limits::default(),
    )
    .unwrap();
    assert_eq!(message.header.message_type, MessageType::Exception);
    assert_eq!(message.header.name.as_str(), name);
    assert_eq!(message.header.seqid, seqid);
    ApplicationException::decode(
        &message.bytes[message.body_offset..],
        format.protocol,
        Limits::default(),
    )
    .unwrap()
}

#[tokio::test]
async fn http_requests_get_an_http_error() {
    let server = TestServer::start().await;
    let reply = exchange(&server, b"GET /users HTTP/1.1\r\nHost: localhost\r\n\r\n").await;
    let reply = String::from_utf8(reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{reply}");
    let (head, body) = reply.split_once("\r\n\r\n").unwrap();
    assert!(
        head.contains(&format!("Content-Length: {}", body.len())),
        "{reply}"
    );
    assert!(body.contains("This is a Thrift server"));
    logged(&["sent an HTTP request", "\"GET /users HTTP/1.1\""]).await;
    server.assert_serving().await;
    server.stop().await;
}

#[tokio::test]
async fn tls_and_garbage_are_closed_with_a_log_line() {
    let server = TestServer::start().await;
    let client_hello = b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03";
    for (bytes, log) in [
        (&client_hello[..], "does not speak TLS"),
        (
            &b"hello, world\n"[..],
            "not Thrift (first bytes: 68 65 6c 6c",
        ),
    ] {
        assert_eq!(exchange(&server, bytes).await, b"", "{log}");
        logged(&[log]).await;
    }
    server.assert_serving().await;
    server.stop().await;
}

#[tokio::test]
async fn bad_frame_lengths_get_an_exception() {
    let server = TestServer::start().await;
    let format = FORMATS[0];
    let ping = ping(format.protocol, 7);
    for (length, says) in [
        (
            0x7fff_ffff_u32,
            "frame length 2147483647 exceeds the limit of 16777216 bytes",
        ),
        (0xffff_fffe, "frame length -2 is negative"),
    ] {
        let mut bytes = length.to_be_bytes().to_vec();
        bytes.extend_from_slice(&ping);
        let reply = exchange(&server, &bytes).await;
        let exception = exception_in(format, &reply, "ping", 7);
        assert_eq!(exception.kind, ExceptionKind::PROTOCOL_ERROR);
        assert!(exception.message.contains(says), "{}", exception.message);
        logged(&["cannot read call ping (seqid 7)", says]).await;
    }
    server.assert_serving().await;
    server.stop().await;
}

#[tokio::test]
async fn malformed_messages_close_the_connection() {
    let server = TestServer::start().await;
    // A frame whose message has a negative name length: no header to answer.
    let bad_header = on_wire(
        Transport::Framed,
        b"\x80\x01\x00\x01\xff\xff\xff\xff\x00\x00\x00\x01",
    );
    assert_eq!(exchange(&server, &bad_header).await, b"");
    logged(&[
        "cannot read a request",
        "message name length -1 is negative",
    ])
    .await;
    // ... even when a good one follows it: that one's header must not be taken for its own.
    let mut then_good = bad_header.clone();
    then_good.extend(on_wire(Transport::Framed, &ping(Protocol::Binary, 1)));
    assert_eq!(exchange(&server, &then_good).await, b"");

    // A good frame, then one in another protocol.
    let format = FORMATS[0];
    let mut bytes = on_wire(format.transport, &ping(format.protocol, 1));
    bytes.extend(on_wire(format.transport, &ping(Protocol::Compact, 2)));
    let reply = exchange(&server, &bytes).await;
    assert_eq!(reply.len(), 4 + 17, "the ping's reply only");
    logged(&["cannot read a request", "bad protocol version"]).await;

    // A buffered message with an unknown type code inside: its header can be answered.
    for protocol in [Protocol::Binary, Protocol::Compact] {
        let mut bad = call(protocol, "ping", 3, &|_| {}).to_vec();
        // Where the arguments struct stops, a field of type 99 (binary) or 14 (compact).
        bad.pop();
        match protocol {
            Protocol::Binary => bad.extend_from_slice(&[99, 0, 1]),
            Protocol::Compact => bad.push(0x1e),
        }
        let format = WireFormat::new(Transport::Buffered, protocol);
        let reply = exchange(&server, &bad).await;
        let exception = exception_in(format, &reply, "ping", 3);
        assert_eq!(exception.kind, ExceptionKind::PROTOCOL_ERROR);
        assert!(
            exception.message.contains("cannot read this buffered"),
            "{}",
            exception.message
        );
    }
    server.assert_serving().await;
    server.stop().await;
}

#[tokio::test]
async fn oversized_unframed_messages_get_an_exception() {
    let server = TestServer::with(|config| config.limits.max_message_size = 1024).await;
    for protocol in [Protocol::Binary, Protocol::Compact] {
        let format = WireFormat::new(Transport::Buffered, protocol);
        let reply = exchange(&server, &echo_call(protocol, 4, &[0; 2000])).await;
        let exception = exception_in(format, &reply, "echoBinary", 4);
        assert!(
            exception
                .message
                .contains("exceeds the limit of 1024 bytes"),
            "{}",
            exception.message
        );
    }
    // A small one still works.
    let mut client = server.connect(FORMATS[2]).await;
    client
        .call(&echo_call(Protocol::Binary, 5, &[0; 100]))
        .await
        .unwrap()
        .unwrap();
    server.stop().await;
}

#[tokio::test]
async fn pinned_formats_refuse_others_in_their_own_format() {
    let server = TestServer::with(|config| config.protocol = Some(Protocol::Compact)).await;
    let format = WireFormat::new(Transport::Buffered, Protocol::Binary);
    let reply = exchange(&server, &ping(Protocol::Binary, 8)).await;
    let exception = exception_in(format, &reply, "ping", 8);
    assert_eq!(exception.kind, ExceptionKind::INVALID_PROTOCOL);
    assert_eq!(
        exception.message,
        "speaks buffered binary, but this server accepts only the compact protocol"
    );
    let mut client = server
        .connect(WireFormat::new(Transport::Framed, Protocol::Compact))
        .await;
    client
        .call(&ping(Protocol::Compact, 1))
        .await
        .unwrap()
        .unwrap();
    server.stop().await;

    let server = TestServer::with(|config| config.transport = Some(Transport::Framed)).await;
    let reply = exchange(&server, &ping(Protocol::Binary, 9)).await;
    let exception = exception_in(format, &reply, "ping", 9);
    assert_eq!(
        exception.message,
        "speaks buffered binary, but this server accepts only the framed transport"
    );
    server.stop().await;
}

#[tokio::test]
async fn replies_sent_to_the_server_are_refused_but_the_connection_stays() {
    let server = TestServer::start().await;
    let format = FORMATS[3];
    let mut client = server.connect(format).await;
    let reply_message =
        common::service::encode_message(format.protocol, "ping", MessageType::Reply, 1, &|_| {});
    let error = client.call(&reply_message).await;
    // The client reads the server's exception as the answer to its "call".
    let error = error.unwrap_err().to_string();
    assert!(error.contains("INVALID_MESSAGE_TYPE"), "{error}");
    client
        .call(&ping(format.protocol, 2))
        .await
        .unwrap()
        .unwrap();
    server.stop().await;
}
