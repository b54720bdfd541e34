//! The load generator against the test server.

mod common;

use std::time::Duration;

use common::*;
use thrifthive_rpc::client::{ClientError, ClientOptions};
use thrifthive_rpc::loadgen::{run, LoadConfig};
use thrifthive_rpc::{Address, Protocol};
use thrifthive_wire::TType;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_second_run_gives_sane_numbers() {
    let server = TestServer::start().await;
    let format = FORMATS[2];
    let config = LoadConfig {
        address: server.address.clone(),
        client: ClientOptions {
            format,
            ..ClientOptions::default()
        },
        connections: 4,
        duration: Duration::from_secs(1),
        request: call(format.protocol, "getUserById", 1, &|w| {
            w.field(TType::I64, 1);
            w.i64(7);
        }),
    };
    let mut progress = Vec::new();
    let report = run(config, |p| progress.push(*p)).await.unwrap();

    assert_eq!(progress.len(), 1, "{progress:?}");
    assert_eq!(progress[0].elapsed, Duration::from_secs(1));
    assert!(progress[0].calls > 0 && progress[0].calls_per_sec > 0.0);
    assert!(report.calls() > 500, "{report}");
    assert!(report.errors.is_empty(), "{report}");
    assert!(report.elapsed >= Duration::from_secs(1) && report.elapsed < Duration::from_secs(2));
    let latency = report.latency_summary();
    assert!(latency.p50 <= latency.p90 && latency.p90 <= latency.p99 && latency.p99 <= latency.max);
    // A loopback round trip takes microseconds, not nanoseconds nor seconds.
    assert!(latency.p50 >= Duration::from_micros(1), "{report}");
    assert!(latency.max < Duration::from_secs(1), "{report}");
    let text = report.to_string();
    assert!(
        text.contains(" calls/s\nlatency: p50 ") && text.ends_with("errors: none"),
        "{text}"
    );
    server.stop().await;
}

#[tokio::test]
async fn errors_are_counted_by_kind() {
    let server = TestServer::start().await;
    let config = LoadConfig {
        address: server.address.clone(),
        client: ClientOptions::default(),
        connections: 2,
        duration: Duration::from_millis(300),
        request: call(Protocol::Binary, "noSuchMethod", 1, &|_| {}),
    };
    let report = run(config, |_| {}).await.unwrap();
    assert_eq!(report.calls(), 0);
    assert!(
        report.errors["TApplicationException UNKNOWN_METHOD"] > 10,
        "{report}"
    );
    assert!(report.to_string().contains("errors: "), "{report}");
    server.stop().await;
}

#[tokio::test]
async fn a_server_that_is_not_there_fails_the_run() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = LoadConfig {
        address: Address::tcp("127.0.0.1", port),
        client: ClientOptions::default(),
        connections: 2,
        duration: Duration::from_secs(10),
        request: ping(Protocol::Binary, 1),
    };
    let error = run(config, |_| {}).await.unwrap_err();
    assert!(matches!(error, ClientError::Refused { .. }), "{error}");
}
