//! One connection of a load run: call, record, repeat until the deadline.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use hdrhistogram::Histogram;
use tokio::time::{sleep, timeout_at, Instant};

use crate::client::Client;

use super::{Counters, LOG};

/// What one connection measured.
#[derive(Debug)]
pub(super) struct WorkerResult {
    /// Latencies of successful calls, in nanoseconds.
    pub(super) latency: Histogram<u64>,
    pub(super) errors: BTreeMap<String, u64>,
}

/// How long a call in flight at the deadline may still take before it is abandoned uncounted.
const DRAIN: Duration = Duration::from_secs(1);
/// The pause after a failed reconnect, so that a dead server is not hammered in a tight loop.
const RECONNECT_PAUSE: Duration = Duration::from_millis(10);

pub(super) async fn run(
    mut client: Client,
    request: Bytes,
    deadline: Instant,
    counters: Arc<Counters>,
) -> WorkerResult {
    let mut result = WorkerResult {
        latency: new_histogram(),
        errors: BTreeMap::new(),
    };
    let calls = async {
        while Instant::now() < deadline {
            let start = Instant::now();
            match client.call(&request).await {
                Ok(_) => {
                    let nanos = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
                    // Cannot fail: the histogram grows to fit any u64.
                    let _ = result.latency.record(nanos);
                    counters.calls.fetch_add(1, Ordering::Relaxed);
                }
                Err(error) => {
                    counters.errors.fetch_add(1, Ordering::Relaxed);
                    let count = result.errors.entry(error.kind().into_owned()).or_default();
                    if *count == 0 {
                        log::warn!(target: LOG, "{error}");
                    }
                    *count += 1;
                    if error.is_connect() {
                        sleep(RECONNECT_PAUSE).await;
                    }
                }
            }
        }
    };
    // One timer for the whole run, not one per call. A call cut off here is not counted.
    let _ = timeout_at(deadline + DRAIN, calls).await;
    result
}

/// An auto-resizing histogram with 3 significant figures: it starts small and grows to the
/// largest latency seen, so many connections cost little memory.
pub(super) fn new_histogram() -> Histogram<u64> {
    Histogram::new(3).expect("3 significant figures are within hdrhistogram's range")
}
