//! The client's errors say what happened.

mod common;

use std::time::Duration;

use common::*;
use socket2::{Domain, Socket, Type};
use thrifthive_rpc::client::{BlockingClient, Client, ClientError, ClientOptions, Connection};
use thrifthive_rpc::{Address, Protocol, Transport, WireFormat};
use thrifthive_wire::MessageType;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const BUFFERED_BINARY: WireFormat = WireFormat::new(Transport::Buffered, Protocol::Binary);

/// A fake server: accepts one connection, reads a request, answers `reply` and closes.
async fn answering(reply: Vec<u8>) -> Address {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut request = [0; 256];
        let _ = stream.read(&mut request).await.unwrap();
        stream.write_all(&reply).await.unwrap();
    });
    Address::tcp("127.0.0.1", port)
}

async fn call_once(address: &Address, options: ClientOptions) -> ClientError {
    let mut connection = Connection::connect(address, &options).await.unwrap();
    connection
        .call(&ping(options.format.protocol, 1))
        .await
        .unwrap_err()
}

#[tokio::test]
async fn connection_refused_names_the_address() {
    let port = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let address = Address::tcp("127.0.0.1", port);
    let error = Connection::connect(&address, &ClientOptions::default())
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "connection refused by 127.0.0.1:{port}: is the server running and listening there?"
        )
    );
    let localhost = Address::tcp("localhost", port);
    let error = Connection::connect(&localhost, &ClientOptions::default())
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains(&format!("localhost:{port} (")),
        "{error}"
    );

    let missing = Address::unix("/nonexistent/thrifthive.sock");
    let error = Connection::connect(&missing, &ClientOptions::default())
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("cannot connect to unix:/nonexistent/thrifthive.sock: "),
        "{error}"
    );
}

#[tokio::test]
async fn connecting_times_out() {
    // A listener that never accepts, with the smallest backlog: once it is full, the kernel
    // drops further handshakes and connecting hangs.
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    socket
        .bind(
            &"127.0.0.1:0"
                .parse::<std::net::SocketAddr>()
                .unwrap()
                .into(),
        )
        .unwrap();
    socket.listen(0).unwrap();
    let port = socket.local_addr().unwrap().as_socket().unwrap().port();
    let options = ClientOptions {
        connect_timeout: Duration::from_millis(200),
        ..ClientOptions::default()
    };
    let mut held = Vec::new();
    let error = loop {
        match Connection::connect(&Address::tcp("127.0.0.1", port), &options).await {
            Ok(connection) => held.push(connection),
            Err(error) => break error,
        }
        assert!(held.len() < 10, "the backlog fills up");
    };
    assert_eq!(
        error.to_string(),
        format!("connecting to 127.0.0.1:{port} timed out after 200 ms")
    );
}

#[tokio::test]
async fn calls_time_out_and_the_client_reconnects() {
    let server = TestServer::start().await;
    let options = ClientOptions {
        timeout: Some(Duration::from_millis(200)),
        ..ClientOptions::default()
    };
    let mut client = Client::new(server.address.clone(), options);
    let error = client
        .call(&sleep_call(Protocol::Binary, 1, 1000))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "timed out after 200 ms waiting for the reply to sleep"
    );
    assert!(error.breaks_connection());
    assert!(!client.is_connected());
    let reply = client
        .call(&ping(Protocol::Binary, 2))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(reply.header.seqid, 2);
    server.stop().await;
}

#[tokio::test]
async fn an_idle_connection_the_server_closed_is_replaced_before_the_next_call() {
    let idle_timeout = Duration::from_millis(100);
    let server = TestServer::with(|config| config.idle_timeout = Some(idle_timeout)).await;
    let mut client = Client::new(server.address.clone(), ClientOptions::default());
    let first = client.call(&ping(Protocol::Binary, 1)).await.unwrap();
    assert_eq!(first.unwrap().header.seqid, 1);
    // Long enough for the server's idle timeout to close the connection.
    tokio::time::sleep(idle_timeout * 4).await;
    let second = client.call(&ping(Protocol::Binary, 2)).await.unwrap();
    assert_eq!(second.unwrap().header.seqid, 2);
    server.stop().await;
}

#[tokio::test]
async fn a_server_that_hangs_up() {
    let address = answering(Vec::new()).await;
    let error = call_once(&address, ClientOptions::default()).await;
    assert_eq!(
        error.to_string(),
        "the server closed the connection before replying to ping"
    );

    let address = answering(b"\x80\x01\x00\x02\x00\x00".to_vec()).await;
    let error = call_once(&address, ClientOptions::default()).await;
    assert_eq!(
        error.to_string(),
        "the server closed the connection in the middle of the reply to ping (after 6 bytes)"
    );
}

#[tokio::test]
async fn an_http_server() {
    let address =
        answering(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".to_vec()).await;
    for transport in [Transport::Buffered, Transport::Framed] {
        let address = if transport == Transport::Framed {
            answering(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".to_vec()).await
        } else {
            address.clone()
        };
        let options = ClientOptions {
            format: WireFormat::new(transport, Protocol::Binary),
            ..ClientOptions::default()
        };
        let error = call_once(&address, options).await;
        let text = error.to_string();
        let expected = "expected a reply to ping, got an HTTP response: is the server speaking \
                        HTTP? This is not a Thrift reply";
        assert!(text.starts_with(expected), "{text}");
        assert!(text.ends_with("(\"HTTP/1.1 400 Bad Request\"))"), "{text}");
        assert!(error.breaks_connection());
    }
}

#[tokio::test]
async fn replies_that_answer_another_call() {
    let other_seqid =
        common::service::encode_message(Protocol::Binary, "ping", MessageType::Reply, 2, &|_| {});
    let error = call_once(
        &answering(other_seqid.to_vec()).await,
        ClientOptions::default(),
    )
    .await;
    assert_eq!(
        error.to_string(),
        "the reply to ping has seqid 2, expected 1: it answers another call"
    );

    let other_name =
        common::service::encode_message(Protocol::Binary, "pong", MessageType::Reply, 1, &|_| {});
    let error = call_once(
        &answering(other_name.to_vec()).await,
        ClientOptions::default(),
    )
    .await;
    assert_eq!(
        error.to_string(),
        "expected a reply to ping, got one to pong"
    );

    let compact =
        common::service::encode_message(Protocol::Compact, "ping", MessageType::Reply, 1, &|_| {});
    let error = call_once(&answering(compact.to_vec()).await, ClientOptions::default()).await;
    assert_eq!(
        error.to_string(),
        "the reply to ping is buffered compact Thrift but the client speaks buffered binary: set \
         the client's transport and protocol to the server's"
    );

    let huge_frame = b"\x7f\x00\x00\x00\x80\x01\x00\x02".to_vec();
    let options = ClientOptions {
        format: WireFormat::new(Transport::Framed, Protocol::Binary),
        ..ClientOptions::default()
    };
    let error = call_once(&answering(huge_frame).await, options).await;
    assert_eq!(
        error.to_string(),
        "cannot read the reply to ping: frame length 2130706432 exceeds the limit of 16777216 bytes"
    );
}

#[tokio::test]
async fn multiplexed_calls_accept_the_plain_name_in_the_reply() {
    let reply =
        common::service::encode_message(Protocol::Binary, "ping", MessageType::Reply, 1, &|_| {});
    let mut connection =
        Connection::connect(&answering(reply.to_vec()).await, &ClientOptions::default())
            .await
            .unwrap();
    let request = call(Protocol::Binary, "UserService:ping", 1, &|_| {});
    assert!(connection.call(&request).await.unwrap().is_some());
}

#[tokio::test]
async fn requests_that_are_not_messages_are_not_sent() {
    let server = TestServer::start().await;
    let mut client = server.connect(BUFFERED_BINARY).await;
    let error = client.call(b"\x00\x00").await.unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("the request is not a Thrift message"),
        "{error}"
    );
    assert!(!error.breaks_connection());
    client.call(&ping(Protocol::Binary, 1)).await.unwrap();
    server.stop().await;
}

#[test]
fn the_blocking_client_reports_errors_too() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut client = BlockingClient::new(Address::tcp("127.0.0.1", port), ClientOptions::default());
    let error = client.call(&ping(Protocol::Binary, 1)).unwrap_err();
    assert!(matches!(error, ClientError::Refused { .. }), "{error}");
    assert!(error.is_connect());
}
