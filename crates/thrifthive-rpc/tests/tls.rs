//! TLS: a client verifies the server's chain and name, a server may require client
//! certificates (mutual TLS), HTTP runs over TLS too, and each failure says what went wrong:
//! an expired certificate, a name mismatch, an unknown CA, a plaintext client on a TLS port, a
//! TLS client on a plaintext port. Certificates are made here, at test time.

#[path = "common/ca.rs"]
mod ca;
mod common;

use std::path::{Path, PathBuf};

use ca::Ca;
use common::*;
use thrifthive_rpc::client::{ClientError, ClientOptions, Connection};
use thrifthive_rpc::tls::{client_config, server_config, ClientTls, ServerTls};
use thrifthive_rpc::{Address, ExceptionKind, Protocol, Transport, WireFormat};

struct Pki {
    _dir: tempfile::TempDir,
    ca: Ca,
    other_ca: Ca,
    server: (PathBuf, PathBuf),
    expired: (PathBuf, PathBuf),
    client: (PathBuf, PathBuf),
    stranger: (PathBuf, PathBuf),
}

fn pki() -> Pki {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new(dir.path(), "ca");
    let other_ca = Ca::new(dir.path(), "other-ca");
    let server = ca.issue(dir.path(), "server", &["localhost", "127.0.0.1"], false);
    let expired = ca.issue(dir.path(), "expired", &["localhost"], true);
    let client = ca.issue(dir.path(), "client", &["client"], false);
    let stranger = other_ca.issue(dir.path(), "stranger", &["client"], false);
    Pki {
        _dir: dir,
        ca,
        other_ca,
        server,
        expired,
        client,
        stranger,
    }
}

async fn tls_server(
    cert: &(PathBuf, PathBuf),
    client_ca: Option<&Path>,
    transport: Option<Transport>,
) -> TestServer {
    let tls = server_config(&ServerTls {
        cert: cert.0.clone(),
        key: cert.1.clone(),
        client_ca: client_ca.map(Path::to_path_buf),
    })
    .unwrap();
    TestServer::with(move |config| {
        config.tls = Some(tls);
        config.transport = transport;
    })
    .await
}

fn options(tls: ClientTls, transport: Transport) -> ClientOptions {
    ClientOptions {
        format: WireFormat::new(transport, Protocol::Binary),
        timeout: Some(QUICK),
        connect_timeout: QUICK,
        tls: Some(client_config(&tls).unwrap()),
        http_path: "/thrift".into(),
        ..ClientOptions::default()
    }
}

fn trusting(ca: &Ca) -> ClientTls {
    ClientTls {
        ca: Some(ca.pem.clone()),
        ..ClientTls::default()
    }
}

async fn call(server: &TestServer, host: &str, options: &ClientOptions) -> Result<(), ClientError> {
    let address = Address::tcp(host, server.port());
    let mut connection = Connection::connect(&address, options).await?;
    for seqid in 0..3 {
        let reply = connection
            .call(&ping(Protocol::Binary, seqid))
            .await?
            .unwrap();
        assert_eq!(reply.header.seqid, seqid);
    }
    Ok(())
}

fn tls_failure(result: Result<(), ClientError>) -> String {
    match result {
        Err(error @ ClientError::Tls { .. }) => error.to_string(),
        other => panic!("expected a TLS error, got {other:?}"),
    }
}

#[tokio::test]
async fn calls_over_tls_by_name_and_address_and_over_https() {
    let pki = pki();
    let server = tls_server(&pki.server, None, None).await;
    call(
        &server,
        "localhost",
        &options(trusting(&pki.ca), Transport::Framed),
    )
    .await
    .unwrap();
    call(
        &server,
        "127.0.0.1",
        &options(trusting(&pki.ca), Transport::Header),
    )
    .await
    .unwrap();
    server.stop().await;
    let https = tls_server(&pki.server, None, Some(Transport::Http)).await;
    call(
        &https,
        "localhost",
        &options(trusting(&pki.ca), Transport::Http),
    )
    .await
    .unwrap();
    https.stop().await;
}

#[tokio::test]
async fn the_client_checks_the_chain_the_name_and_the_dates() {
    let pki = pki();
    let server = tls_server(&pki.server, None, None).await;
    let unknown = tls_failure(
        call(
            &server,
            "localhost",
            &options(trusting(&pki.other_ca), Transport::Framed),
        )
        .await,
    );
    assert!(
        unknown.contains("not signed by a CA the client trusts"),
        "{unknown}"
    );
    let mut renamed = options(trusting(&pki.ca), Transport::Framed);
    renamed.tls_server_name = Some("db.example.com".into());
    let mismatch = tls_failure(call(&server, "localhost", &renamed).await);
    assert!(
        mismatch.contains("not valid for the name \"db.example.com\""),
        "{mismatch}"
    );
    logged(&["the client aborted the handshake"]).await;
    server.stop().await;
    let expired = tls_server(&pki.expired, None, None).await;
    let old = tls_failure(
        call(
            &expired,
            "localhost",
            &options(trusting(&pki.ca), Transport::Framed),
        )
        .await,
    );
    assert!(
        old.contains("the server's certificate has expired"),
        "{old}"
    );
    expired.stop().await;
}

#[tokio::test]
async fn mutual_tls_requires_a_certificate_from_the_client_ca() {
    let pki = pki();
    let server = tls_server(&pki.server, Some(&pki.ca.pem), None).await;
    let with = |cert: &(PathBuf, PathBuf)| ClientTls {
        cert: Some(cert.0.clone()),
        key: Some(cert.1.clone()),
        ..trusting(&pki.ca)
    };
    call(
        &server,
        "localhost",
        &options(with(&pki.client), Transport::Framed),
    )
    .await
    .unwrap();
    let none = tls_failure(
        call(
            &server,
            "localhost",
            &options(trusting(&pki.ca), Transport::Framed),
        )
        .await,
    );
    assert!(none.contains("requires a client certificate"), "{none}");
    logged(&["presented no certificate"]).await;
    let stranger = tls_failure(
        call(
            &server,
            "localhost",
            &options(with(&pki.stranger), Transport::Framed),
        )
        .await,
    );
    assert!(
        stranger.contains("did not accept the client certificate"),
        "{stranger}"
    );
    logged(&["not signed by the client CA"]).await;
    call(
        &server,
        "localhost",
        &options(with(&pki.client), Transport::Buffered),
    )
    .await
    .unwrap();
    server.stop().await;
}

#[tokio::test]
async fn plaintext_and_tls_meeting_each_other_say_so() {
    let pki = pki();
    let server = tls_server(&pki.server, None, None).await;
    let mut plain = server.connect(FORMATS[0]).await;
    match plain.call(&ping(Protocol::Binary, 1)).await {
        Err(ClientError::Application(exception)) => {
            assert_eq!(exception.kind, ExceptionKind::INVALID_PROTOCOL);
            assert!(
                exception.message.contains("this server requires TLS"),
                "{exception}"
            );
        }
        other => panic!("{other:?}"),
    }
    let mut raw = server.raw().await;
    let reply = send_and_read_all(
        &mut raw,
        b"POST /thrift HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
    )
    .await;
    assert!(String::from_utf8_lossy(&reply).contains("This server requires TLS"));
    server.stop().await;

    let plaintext = TestServer::start().await;
    let error = tls_failure(
        call(
            &plaintext,
            "localhost",
            &options(trusting(&pki.ca), Transport::Framed),
        )
        .await,
    );
    assert!(error.contains("does it speak TLS?"), "{error}");
    logged(&["does not speak TLS"]).await;
    plaintext.stop().await;
}

#[test]
fn bad_files_are_clear_errors() {
    let pki = pki();
    let missing = server_config(&ServerTls {
        cert: "/nonexistent.pem".into(),
        key: pki.server.1.clone(),
        client_ca: None,
    })
    .unwrap_err();
    assert!(
        missing.starts_with("cannot read certificates from /nonexistent.pem"),
        "{missing}"
    );
    let mismatched = server_config(&ServerTls {
        cert: pki.server.0.clone(),
        key: pki.client.1.clone(),
        client_ca: None,
    });
    assert!(mismatched.is_err());
    let half = client_config(&ClientTls {
        cert: Some(pki.client.0.clone()),
        ..ClientTls::default()
    })
    .unwrap_err();
    assert!(half.contains("needs both"), "{half}");
}
