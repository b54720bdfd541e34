//! THeader: detected next to framed and buffered, binary and compact inside, zlib, info headers
//! read by the dispatcher and sent by the client, replies in the request's envelope, and bad
//! frames answered with an error while the server serves everyone else.

mod common;

use bytes::Bytes;
use common::*;
use thrifthive_rpc::client::{ClientError, ClientOptions, Connection};
use thrifthive_rpc::header::{decode, encode, Envelope, InfoHeaders, Transform};
use thrifthive_rpc::{
    ApplicationException, ExceptionKind, Message, Protocol, Transport, WireFormat,
};
use thrifthive_wire::{Limits, MessageType, TType};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn get_header(protocol: Protocol, seqid: i32, key: &str) -> Bytes {
    call(protocol, "getHeader", seqid, &|w| {
        w.field(TType::String, 1);
        w.binary(key.as_bytes());
    })
}

/// The string in a reply's `success` field, if set.
fn success_string(protocol: Protocol, reply: &Message) -> Option<Vec<u8>> {
    match read_arg(protocol, &reply.bytes[reply.body_offset..], TType::String) {
        Ok(Arg::Binary(value)) => Some(value),
        _ => None,
    }
}

async fn header_client(
    server: &TestServer,
    protocol: Protocol,
    transforms: Vec<Transform>,
) -> Connection {
    let options = ClientOptions {
        format: WireFormat::new(Transport::Header, protocol),
        timeout: Some(QUICK),
        transforms,
        ..ClientOptions::default()
    };
    Connection::connect(&server.address, &options)
        .await
        .unwrap()
}

/// Reads one whole THeader frame off `stream`; returns it without its length prefix.
async fn read_frame(stream: &mut tokio::net::TcpStream) -> Bytes {
    let mut len = [0; 4];
    tokio::time::timeout(QUICK, stream.read_exact(&mut len))
        .await
        .unwrap()
        .unwrap();
    let mut frame = vec![0; u32::from_be_bytes(len) as usize];
    stream.read_exact(&mut frame).await.unwrap();
    Bytes::from(frame)
}

#[tokio::test]
async fn info_headers_reach_the_dispatcher_in_every_protocol_and_transform() {
    let server = TestServer::start().await;
    for protocol in [Protocol::Binary, Protocol::Compact] {
        for transforms in [vec![], vec![Transform::Zlib]] {
            let mut client = header_client(&server, protocol, transforms.clone()).await;
            let mut info = InfoHeaders::default();
            info.insert("trace-id", "abc123");
            info.insert("deadline-ms", "250");
            for (seqid, key) in [(1, "trace-id"), (2, "deadline-ms"), (3, "absent")] {
                let reply = client
                    .call_with(&get_header(protocol, seqid, key), &info)
                    .await
                    .unwrap()
                    .unwrap();
                let expected = info.get(key.as_bytes()).map(|v| v.to_vec());
                assert_eq!(
                    success_string(protocol, &reply),
                    expected,
                    "{protocol} {transforms:?} {key}"
                );
            }
            // Headers are per call: the next call without them has none.
            let reply = client
                .call(&get_header(protocol, 4, "trace-id"))
                .await
                .unwrap()
                .unwrap();
            assert_eq!(success_string(protocol, &reply), None);
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn replies_echo_the_protocol_transforms_and_seqid() {
    let server = TestServer::start().await;
    let mut stream = server.raw().await;
    for (protocol, transforms) in [
        (Protocol::Compact, vec![Transform::Zlib]),
        (Protocol::Binary, vec![]),
        (Protocol::Binary, vec![Transform::Zlib]),
    ] {
        let envelope = Envelope {
            seqid: 41,
            flags: 0,
            transforms: transforms.clone(),
            ..Envelope::new(protocol)
        };
        let request = echo_call(protocol, 5, &[b'x'; 3000]);
        stream
            .write_all(&encode(&envelope, &request).unwrap())
            .await
            .unwrap();
        let frame = read_frame(&mut stream).await;
        let (reply_envelope, reply) = decode(frame.clone(), 1 << 20).unwrap();
        assert_eq!(reply_envelope, envelope.reply());
        if !transforms.is_empty() {
            assert!(frame.len() < 1000, "the reply was compressed");
        }
        let reply = Message::parse(reply, protocol, Limits::default()).unwrap();
        assert_eq!(
            (reply.header.name.as_str(), reply.header.seqid),
            ("echoBinary", 5)
        );
        assert_eq!(success_string(protocol, &reply), Some(vec![b'x'; 3000]));
    }
    server.stop().await;
}

#[tokio::test]
async fn one_port_serves_framed_buffered_and_header_clients_at_once() {
    let server = TestServer::start().await;
    let mut framed = server
        .connect(WireFormat::new(Transport::Framed, Protocol::Binary))
        .await;
    let mut buffered = server
        .connect(WireFormat::new(Transport::Buffered, Protocol::Compact))
        .await;
    let mut header = header_client(&server, Protocol::Compact, vec![Transform::Zlib]).await;
    for seqid in 0..3 {
        let (binary, compact) = (
            ping(Protocol::Binary, seqid),
            ping(Protocol::Compact, seqid),
        );
        let (a, b, c) = tokio::join!(
            framed.call(&binary),
            buffered.call(&compact),
            header.call(&compact),
        );
        for reply in [a, b, c] {
            assert_eq!(reply.unwrap().unwrap().header.seqid, seqid);
        }
    }
    server.stop().await;
}

/// Sends a good call, then `bad`, on one connection: the good one is answered, the bad one
/// gets a THeader-framed exception, and the connection closes.
async fn after_a_good_call(server: &TestServer, bad: &[u8]) -> ApplicationException {
    let mut stream = server.raw().await;
    let good = encode(&Envelope::new(Protocol::Binary), &ping(Protocol::Binary, 1)).unwrap();
    stream.write_all(&good).await.unwrap();
    let reply = read_frame(&mut stream).await;
    assert!(decode(reply, 1 << 20).is_ok());
    let rest = send_and_read_all(&mut stream, bad).await;
    let (envelope, message) = decode(Bytes::from(rest).slice(4..), 1 << 20).unwrap();
    let message = Message::parse(message, envelope.protocol, Limits::default()).unwrap();
    assert_eq!(message.header.message_type, MessageType::Exception);
    ApplicationException::decode(
        &message.bytes[message.body_offset..],
        envelope.protocol,
        Limits::default(),
    )
    .unwrap()
}

fn frame_with(fixed: &[u8], header: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut out = ((fixed.len() + header.len() + payload.len()) as u32)
        .to_be_bytes()
        .to_vec();
    out.extend_from_slice(fixed);
    out.extend_from_slice(header);
    out.extend_from_slice(payload);
    out
}

#[tokio::test]
async fn bad_frames_get_an_error_and_the_server_serves_on() {
    let server = TestServer::start().await;
    let good = ping(Protocol::Binary, 9);
    let cases: [(Vec<u8>, ExceptionKind, &str); 5] = [
        // A header size beyond the frame.
        (
            frame_with(b"\x0f\xff\x00\x00\x00\x00\x00\x09\xff\xff", b"", &good),
            ExceptionKind::PROTOCOL_ERROR,
            "claims 262140 bytes",
        ),
        // zlib announced, garbage sent.
        (
            frame_with(
                b"\x0f\xff\x00\x00\x00\x00\x00\x09\x00\x01",
                b"\x00\x01\x01\x00",
                b"not zlib",
            ),
            ExceptionKind::PROTOCOL_ERROR,
            "bad zlib data",
        ),
        // A transform nobody knows.
        (
            frame_with(
                b"\x0f\xff\x00\x00\x00\x00\x00\x09\x00\x01",
                b"\x00\x01\x07\x00",
                &good,
            ),
            ExceptionKind::INVALID_TRANSFORM,
            "transform 7 is not supported",
        ),
        // An info header longer than the header.
        (
            frame_with(
                b"\x0f\xff\x00\x00\x00\x00\x00\x09\x00\x02",
                b"\x00\x00\x01\x01\x7f\x00\x00\x00",
                &good,
            ),
            ExceptionKind::PROTOCOL_ERROR,
            "info header's key is 127 bytes",
        ),
        // A later frame without the magic.
        (
            frame_with(
                b"\x0f\xee\x00\x00\x00\x00\x00\x09\x00\x01",
                b"\x00\x00\x00\x00",
                &good,
            ),
            ExceptionKind::PROTOCOL_ERROR,
            "not 0x0fff",
        ),
    ];
    for (bad, kind, reason) in cases {
        let exception = after_a_good_call(&server, &bad).await;
        assert_eq!(exception.kind, kind, "{exception}");
        assert!(exception.message.contains(reason), "{exception}");
        logged(&[reason]).await;
    }
    // A frame length over max_frame_size: no reply can be framed, the connection closes.
    let mut stream = server.raw().await;
    let reply = send_and_read_all(&mut stream, b"\x7f\x00\x00\x00\x0f\xff\x00\x00").await;
    assert_eq!(reply, b"");
    server.assert_serving().await;
    server.stop().await;
}

#[tokio::test]
async fn zlib_bombs_are_refused() {
    let server = TestServer::with(|config| config.limits.max_message_size = 64 * 1024).await;
    let envelope = Envelope {
        transforms: vec![Transform::Zlib],
        ..Envelope::new(Protocol::Binary)
    };
    let bomb = encode(
        &envelope,
        &echo_call(Protocol::Binary, 1, &vec![0; 1 << 20]),
    )
    .unwrap();
    assert!(bomb.len() < 8 * 1024);
    let exception = after_a_good_call(&server, &bomb).await;
    assert!(
        exception
            .message
            .contains("inflates to more than 65536 bytes"),
        "{exception}"
    );
    server.assert_serving().await;
    server.stop().await;
}

#[tokio::test]
async fn a_pinned_protocol_refuses_header_calls_in_another() {
    let server = TestServer::with(|config| config.protocol = Some(Protocol::Binary)).await;
    let mut compact = header_client(&server, Protocol::Compact, vec![]).await;
    match compact.call(&ping(Protocol::Compact, 1)).await {
        Err(ClientError::Application(exception)) => {
            assert_eq!(exception.kind, ExceptionKind::INVALID_PROTOCOL);
        }
        other => panic!("{other:?}"),
    }
    let mut binary = header_client(&server, Protocol::Binary, vec![]).await;
    assert!(binary
        .call(&ping(Protocol::Binary, 2))
        .await
        .unwrap()
        .is_some());
    server.stop().await;
}

#[tokio::test]
async fn a_header_client_says_when_the_server_speaks_something_else() {
    // A framed-only server refuses a THeader connection outright (no reply it could read).
    let server = TestServer::with(|config| config.transport = Some(Transport::Framed)).await;
    let mut client = header_client(&server, Protocol::Binary, vec![]).await;
    let error = client.call(&ping(Protocol::Binary, 1)).await.unwrap_err();
    assert!(matches!(error, ClientError::Closed { .. }), "{error:?}");
    logged(&["speaks header binary, but this server accepts only the framed transport"]).await;
    server.stop().await;
}
