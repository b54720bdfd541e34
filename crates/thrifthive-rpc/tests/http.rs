//! Thrift over HTTP: calls as POSTs to the configured path, in either protocol, on kept-alive
//! connections; HTTP headers reach the dispatcher; what is not a Thrift call gets a clear
//! status, and the server serves on.

mod common;

use common::service::encode_message;
use common::*;
use thrifthive_rpc::client::{ClientError, ClientOptions, Connection};
use thrifthive_rpc::header::InfoHeaders;
use thrifthive_rpc::{Protocol, Server, ServerConfig, Transport, WireFormat};
use thrifthive_wire::{MessageType, TType};
use tokio::io::AsyncWriteExt;

async fn http_server() -> TestServer {
    TestServer::with(|config| config.transport = Some(Transport::Http)).await
}

async fn http_client(server: &TestServer, protocol: Protocol, path: &str) -> Connection {
    let options = ClientOptions {
        format: WireFormat::new(Transport::Http, protocol),
        timeout: Some(QUICK),
        http_path: path.to_owned(),
        ..ClientOptions::default()
    };
    Connection::connect(&server.address, &options)
        .await
        .unwrap()
}

fn get_header(protocol: Protocol, seqid: i32, key: &str) -> bytes::Bytes {
    call(protocol, "getHeader", seqid, &|w| {
        w.field(TType::String, 1);
        w.binary(key.as_bytes());
    })
}

/// The (only) response the server sends to `request` on a fresh connection before closing.
async fn respond(server: &TestServer, request: &[u8]) -> String {
    let mut stream = server.raw().await;
    let reply = send_and_read_all(&mut stream, request).await;
    String::from_utf8_lossy(&reply).into_owned()
}

fn post(path: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-thrift\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

#[tokio::test]
async fn calls_in_both_protocols_on_one_kept_alive_connection() {
    let server = http_server().await;
    for protocol in [Protocol::Binary, Protocol::Compact] {
        let mut client = http_client(&server, protocol, "/thrift").await;
        for seqid in 0..3 {
            let reply = client.call(&ping(protocol, seqid)).await.unwrap().unwrap();
            assert_eq!(reply.header.seqid, seqid);
            assert!(client.is_reusable());
        }
        let mut headers = InfoHeaders::default();
        headers.insert("X-Trace-Id", "abc");
        let reply = client
            .call_with(&get_header(protocol, 9, "x-trace-id"), &headers)
            .await
            .unwrap()
            .unwrap();
        let value = read_arg(protocol, &reply.bytes[reply.body_offset..], TType::String);
        assert!(
            matches!(value, Ok(Arg::Binary(ref v)) if v == b"abc"),
            "{value:?}"
        );
        // A oneway call still gets its (empty) response, and the connection goes on.
        let notify = encode_message(protocol, "notify", MessageType::Oneway, 10, &|w| {
            w.field(TType::I32, 1);
            w.i32(5);
        });
        assert!(client.call(&notify).await.unwrap().is_none());
        assert!(client.call(&ping(protocol, 11)).await.unwrap().is_some());
    }
    server.stop().await;
}

#[tokio::test]
async fn pipelined_requests_are_answered_in_order_and_close_is_honoured() {
    let server = http_server().await;
    let mut both = post("/thrift", &sleep_call(Protocol::Binary, 1, 50));
    both.splice(..0, {
        let mut keep = post("/thrift", &ping(Protocol::Compact, 2));
        let at = keep
            .windows(19)
            .position(|w| w == b"Connection: close\r\n")
            .unwrap();
        keep.drain(at..at + 19);
        keep
    });
    let reply = respond(&server, &both).await;
    assert_eq!(reply.matches("HTTP/1.1 200 OK").count(), 2, "{reply}");
    assert!(reply.find("ping").unwrap() < reply.find("sleep").unwrap());
    assert!(reply.ends_with_connection_close_somewhere());
    server.stop().await;
}

trait ConnectionClose {
    fn ends_with_connection_close_somewhere(&self) -> bool;
}

impl ConnectionClose for String {
    /// The last response says the connection closes.
    fn ends_with_connection_close_somewhere(&self) -> bool {
        self.rsplit("HTTP/1.1 200 OK")
            .next()
            .is_some_and(|last| last.contains("Connection: close"))
    }
}

#[tokio::test]
async fn what_is_not_a_thrift_call_gets_a_clear_status() {
    let server = http_server().await;
    let good = ping(Protocol::Binary, 1);
    let cases: Vec<(Vec<u8>, &str, &str)> = vec![
        (
            b"GET /thrift HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
            "405 Method Not Allowed",
            "Thrift calls are POST requests",
        ),
        (
            post("/other", &good),
            "404 Not Found",
            "no Thrift service at /other; it is at /thrift",
        ),
        (
            b"POST /thrift HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
            "411 Length Required",
            "needs a Content-Length",
        ),
        (
            b"POST /thrift HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n".to_vec(),
            "413",
            "over the limit",
        ),
        (
            post("/thrift", b"{\"json\": 1}"),
            "400 Bad Request",
            "not a Thrift message",
        ),
        (
            b"POST /thrift HTTP/9\r\n\r\n".to_vec(),
            "400 Bad Request",
            "malformed HTTP request",
        ),
    ];
    for (request, status, reason) in cases {
        let reply = respond(&server, &request).await;
        assert!(
            reply.starts_with(&format!("HTTP/1.1 {status}")),
            "{status}: {reply}"
        );
        assert!(reply.contains(reason), "{reason}: {reply}");
    }
    logged(&["HTTP 405"]).await;
    let mut client = http_client(&server, Protocol::Binary, "/thrift").await;
    assert!(client
        .call(&ping(Protocol::Binary, 1))
        .await
        .unwrap()
        .is_some());
    server.stop().await;
}

#[tokio::test]
async fn the_client_reports_http_errors() {
    let server = http_server().await;
    let mut client = http_client(&server, Protocol::Binary, "/wrong").await;
    let error = client.call(&ping(Protocol::Binary, 1)).await.unwrap_err();
    assert!(
        matches!(error, ClientError::HttpStatus { status: 404, .. }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "the HTTP server answered the call to ping with 404 Not Found: no Thrift service at \
         /wrong; it is at /thrift"
    );
    server.stop().await;
}

#[tokio::test]
async fn thrift_clients_on_an_http_port_and_http_on_a_thrift_port_are_refused() {
    let server = http_server().await;
    let mut framed = server.connect(FORMATS[0]).await;
    assert!(framed.call(&ping(Protocol::Binary, 1)).await.is_err());
    logged(&["speaks framed binary, but this server accepts only the http transport"]).await;
    server.stop().await;

    let config = ServerConfig::new(thrifthive_rpc::Address::tcp("127.0.0.1", 0));
    let plain = Server::bind(config).unwrap();
    let address = plain.addresses()[0].clone();
    let handle = plain.shutdown_handle();
    let task = tokio::spawn(plain.serve(TestService::default()));
    let options = ClientOptions {
        format: WireFormat::new(Transport::Http, Protocol::Binary),
        timeout: Some(QUICK),
        ..ClientOptions::default()
    };
    let mut client = Connection::connect(&address, &options).await.unwrap();
    let error = client.call(&ping(Protocol::Binary, 1)).await.unwrap_err();
    assert!(
        matches!(error, ClientError::HttpStatus { status: 400, .. }),
        "{error:?}"
    );
    handle.shutdown(QUICK);
    let _ = task.await;
}

#[tokio::test]
async fn a_truncated_body_closes_the_connection_without_a_hang() {
    let server = http_server().await;
    let mut stream = server.raw().await;
    let mut request = post("/thrift", &ping(Protocol::Binary, 1));
    request.truncate(request.len() - 3);
    stream.write_all(&request).await.unwrap();
    stream.shutdown().await.unwrap();
    let reply = read_to_close(&mut stream).await;
    assert!(reply.is_empty(), "{}", String::from_utf8_lossy(&reply));
    server.assert_serving_http().await;
    server.stop().await;
}

trait ServingHttp {
    async fn assert_serving_http(&self);
}

impl ServingHttp for TestServer {
    async fn assert_serving_http(&self) {
        let mut client = http_client(self, Protocol::Compact, "/thrift").await;
        assert!(client
            .call(&ping(Protocol::Compact, 3))
            .await
            .unwrap()
            .is_some());
    }
}
