//! The server's limits: idle timeout, max connections, max in-flight requests.

mod common;

use std::time::{Duration, Instant};

use common::*;
use tokio::io::AsyncWriteExt;

#[tokio::test]
async fn idle_connections_are_closed_but_busy_ones_are_not() {
    let idle_timeout = Duration::from_millis(300);
    let server = TestServer::with(|config| config.idle_timeout = Some(idle_timeout)).await;
    let format = FORMATS[2];

    // Busy: a call that takes three idle timeouts completes.
    let mut busy = server.connect(format).await;
    let reply = busy
        .call(&sleep_call(format.protocol, 1, 900))
        .await
        .unwrap();
    assert_eq!(reply.unwrap().header.seqid, 1);
    busy.call(&ping(format.protocol, 3)).await.unwrap().unwrap();

    // Idle after one call: closed about one idle timeout later.
    let mut idle = server.raw().await;
    let start = Instant::now();
    let reply = send_and_read_all(&mut idle, &ping(format.protocol, 2)).await;
    assert!(
        !reply.is_empty(),
        "the ping is answered before the connection idles"
    );
    let waited = start.elapsed();
    assert!(
        waited >= idle_timeout && waited < idle_timeout * 5,
        "{waited:?}"
    );
    logged(&["idle for 0.3 s (idle_timeout), closing"]).await;

    // Silent from the start: closed too.
    let mut silent = server.raw().await;
    assert_eq!(read_to_close(&mut silent).await, b"");
    server.stop().await;
}

#[tokio::test]
async fn connections_over_the_limit_are_closed_at_once() {
    let server = TestServer::with(|config| config.max_connections = 2).await;
    let format = FORMATS[0];
    let mut first = server.connect(format).await;
    let mut second = server.connect(format).await;
    // Calls make sure both are admitted before the third comes.
    first.call(&ping(format.protocol, 1)).await.unwrap();
    second.call(&ping(format.protocol, 1)).await.unwrap();

    let mut third = server.raw().await;
    assert_eq!(read_to_close(&mut third).await, b"");
    logged(&["2 connections are open, the limit (max_connections): closed 1 new connection(s)"])
        .await;

    // A closed connection frees its place.
    drop(first);
    let deadline = Instant::now() + QUICK;
    loop {
        let mut client = server.connect(format).await;
        if client.call(&ping(format.protocol, 2)).await.is_ok() {
            break;
        }
        assert!(Instant::now() < deadline, "a place frees up");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    second.call(&ping(format.protocol, 3)).await.unwrap();
    server.stop().await;
}

#[tokio::test]
async fn in_flight_requests_are_bounded_per_connection() {
    let server = TestServer::with(|config| config.max_in_flight = 2).await;
    let format = FORMATS[0];
    let mut stream = server.raw().await;
    let mut requests = Vec::new();
    for seqid in 0..4 {
        requests.extend(on_wire(
            format.transport,
            &sleep_call(format.protocol, seqid, 200),
        ));
    }
    let start = Instant::now();
    stream.write_all(&requests).await.unwrap();
    stream.shutdown().await.unwrap();
    let replies = read_to_close(&mut stream).await;
    // Four framed replies to "sleep": prefix, version, name length, name, seqid, stop.
    assert_eq!(replies.len(), 4 * (4 + 4 + 4 + 5 + 4 + 1));
    logged(&["2 requests in flight (max_in_flight), reading paused"]).await;
    // Two at a time: two rounds of 200 ms, where four at once would take one.
    let took = start.elapsed();
    assert!(took >= Duration::from_millis(390), "{took:?}");
    server.stop().await;
}

#[tokio::test]
async fn a_client_that_takes_no_replies_is_closed_after_the_idle_timeout() {
    let idle_timeout = Duration::from_millis(300);
    let server = TestServer::with(|config| {
        config.idle_timeout = Some(idle_timeout);
        config.max_in_flight = 1024;
    })
    .await;
    let format = FORMATS[0];
    // 1 MiB echoes, never read: the socket buffers fill, and the replies stall.
    let mut stalled = server.raw().await;
    let data = vec![7u8; 1 << 20];
    let mut requests = Vec::new();
    for seqid in 0..32 {
        requests.extend(on_wire(
            format.transport,
            &echo_call(format.protocol, seqid, &data),
        ));
    }
    let start = Instant::now();
    // The server stops reading once it cannot write: only part of this may be taken.
    let _ = tokio::time::timeout(QUICK, stalled.write_all(&requests)).await;
    logged(&["took no reply bytes", "(idle_timeout), closing"]).await;
    assert!(start.elapsed() >= idle_timeout, "{:?}", start.elapsed());
    // Everyone else is still served.
    server.assert_serving().await;
    server.stop().await;
}
