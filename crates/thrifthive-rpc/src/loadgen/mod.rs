//! The load generator behind `thrifthive bench`: N connections in a closed loop (each sends
//! its next request when the previous reply arrives) for a fixed time, latencies in an HDR
//! histogram, errors counted by kind, a progress callback once a second.
//!
//! The same pre-encoded request goes out on every call, seqid included: servers echo the seqid,
//! and every reply is still checked against the request. Logs go to target `thrifthive.bench`.

mod report;
mod worker;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::task::JoinSet;
use tokio::time::{sleep_until, Instant};

use crate::client::{Client, ClientError, ClientOptions};
use crate::net::Address;

pub use report::{LatencySummary, Report};

const LOG: &str = "thrifthive.bench";

/// What to run.
#[derive(Debug, Clone)]
pub struct LoadConfig {
    pub address: Address,
    pub client: ClientOptions,
    pub connections: usize,
    pub duration: Duration,
    /// The request message sent on every call (unframed; the client frames it if its transport
    /// is framed).
    pub request: Bytes,
}

/// Where a run stands, reported once a second.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    pub elapsed: Duration,
    pub calls: u64,
    pub errors: u64,
    /// Calls per second over the last second.
    pub calls_per_sec: f64,
}

/// Counters the workers bump on every call, read by the progress ticker.
#[derive(Debug, Default)]
struct Counters {
    calls: AtomicU64,
    errors: AtomicU64,
}

/// Runs the load. Connects every connection first and fails if one cannot connect; the clock
/// starts once all are connected. Must run inside a tokio runtime; the connections are spawned
/// on it, so a multi-threaded runtime spreads them over its threads.
pub async fn run(
    config: LoadConfig,
    mut on_progress: impl FnMut(&Progress),
) -> Result<Report, ClientError> {
    let clients = connect_all(&config).await?;
    let counters = Arc::new(Counters::default());
    let start = Instant::now();
    let deadline = start + config.duration;
    let mut workers = JoinSet::new();
    for client in clients {
        workers.spawn(worker::run(
            client,
            config.request.clone(),
            deadline,
            Arc::clone(&counters),
        ));
    }
    log::info!(
        target: LOG,
        "{} connection(s) to {} for {} s",
        config.connections,
        config.address,
        config.duration.as_secs_f64()
    );

    let (mut last_calls, mut last_tick) = (0, start);
    while last_tick < deadline {
        // Ticks at whole seconds from the start, and at the deadline.
        let tick = (last_tick + Duration::from_secs(1)).min(deadline);
        sleep_until(tick).await;
        let calls = counters.calls.load(Ordering::Relaxed);
        on_progress(&Progress {
            elapsed: tick - start,
            calls,
            errors: counters.errors.load(Ordering::Relaxed),
            calls_per_sec: (calls - last_calls) as f64 / (tick - last_tick).as_secs_f64(),
        });
        (last_calls, last_tick) = (calls, tick);
    }

    let mut report = Report::new();
    while let Some(done) = workers.join_next().await {
        // A worker only ends by returning; a panic in one is a bug worth surfacing.
        match done {
            Ok(result) => report.add(result),
            Err(error) => std::panic::resume_unwind(error.into_panic()),
        }
    }
    report.elapsed = start.elapsed();
    Ok(report)
}

async fn connect_all(config: &LoadConfig) -> Result<Vec<Client>, ClientError> {
    let mut connecting = JoinSet::new();
    for _ in 0..config.connections {
        let mut client = Client::new(config.address.clone(), config.client.clone());
        connecting.spawn(async move { client.connect().await.map(drop).map(|()| client) });
    }
    let mut clients = Vec::with_capacity(config.connections);
    while let Some(connected) = connecting.join_next().await {
        match connected {
            Ok(client) => clients.push(client?),
            Err(error) => std::panic::resume_unwind(error.into_panic()),
        }
    }
    Ok(clients)
}
