//! Graceful shutdown: calls already read finish within the grace period, then everything
//! closes and `serve` returns.

mod common;

use std::time::{Duration, Instant};

use common::*;
use thrifthive_rpc::client::ClientError;

#[tokio::test]
async fn in_flight_calls_finish_then_the_server_stops() {
    let server = TestServer::start().await;
    let format = FORMATS[1];
    let mut slow = server.connect(format).await;
    let _idle = server.connect(format).await;
    let call = tokio::spawn(async move { slow.call(&sleep_call(format.protocol, 1, 400)).await });
    tokio::time::sleep(Duration::from_millis(100)).await;

    let start = Instant::now();
    server.handle.shutdown(Duration::from_secs(5));
    let reply = call.await.unwrap().unwrap().unwrap();
    assert_eq!(reply.header.name.as_str(), "sleep");
    tokio::time::timeout(QUICK, server.task)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    // Stopped once the slow call was answered: not at once, and not after the grace period.
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(250) && took < Duration::from_secs(2),
        "{took:?}"
    );

    let refused =
        thrifthive_rpc::client::Connection::connect(&server.address, &Default::default()).await;
    assert!(
        matches!(refused, Err(ClientError::Refused { .. })),
        "{refused:?}"
    );
    logged(&["server stopped"]).await;
}

#[tokio::test]
async fn calls_still_running_after_the_grace_period_are_cut_off() {
    let server = TestServer::start().await;
    let format = FORMATS[2];
    let mut slow = server.connect(format).await;
    let call = tokio::spawn(async move { slow.call(&sleep_call(format.protocol, 1, 3000)).await });
    tokio::time::sleep(Duration::from_millis(100)).await;

    let start = Instant::now();
    server.handle.shutdown(Duration::from_millis(200));
    tokio::time::timeout(QUICK, server.task)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(200) && took < Duration::from_secs(2),
        "{took:?}"
    );
    let error = call.await.unwrap().unwrap_err();
    assert!(
        matches!(error, ClientError::Closed { received: 0, .. }),
        "{error}"
    );
    logged(&["grace period of 0.2 s is over, closing 1 connection(s)"]).await;
}
