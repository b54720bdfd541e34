//! A latency histogram with fixed buckets, the defaults of Prometheus' client libraries (which
//! grpc-prometheus uses for its handling-time histograms).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds of the buckets, in seconds (the last, +Inf, is implied).
pub const BOUNDS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Debug, Default)]
pub struct Histogram {
    /// Observations per bucket (not cumulative; the last is above every bound).
    counts: [AtomicU64; BOUNDS.len() + 1],
    /// The sum of the observations, in nanoseconds.
    sum_nanos: AtomicU64,
}

/// A histogram's numbers at one moment.
pub struct Snapshot {
    /// Cumulative counts per bound, as Prometheus' `le` buckets, then +Inf.
    pub cumulative: [u64; BOUNDS.len() + 1],
    pub sum_seconds: f64,
}

impl Histogram {
    pub fn observe(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let bucket = BOUNDS
            .iter()
            .position(|&bound| seconds <= bound)
            .unwrap_or(BOUNDS.len());
        self.counts[bucket].fetch_add(1, Ordering::Relaxed);
        let nanos = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
        self.sum_nanos.fetch_add(nanos, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> Snapshot {
        let mut cumulative = [0; BOUNDS.len() + 1];
        let mut total = 0;
        for (slot, count) in cumulative.iter_mut().zip(&self.counts) {
            total += count.load(Ordering::Relaxed);
            *slot = total;
        }
        Snapshot {
            cumulative,
            sum_seconds: self.sum_nanos.load(Ordering::Relaxed) as f64 / 1e9,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn observations_land_in_cumulative_buckets() {
        let histogram = Histogram::default();
        histogram.observe(Duration::from_millis(3));
        histogram.observe(Duration::from_millis(5));
        histogram.observe(Duration::from_millis(70));
        histogram.observe(Duration::from_secs(30));
        let snapshot = histogram.snapshot();
        assert_eq!(snapshot.cumulative[0], 2, "<= 5 ms, the bound included");
        assert_eq!(snapshot.cumulative[3], 2, "<= 50 ms");
        assert_eq!(snapshot.cumulative[4], 3, "<= 100 ms");
        assert_eq!(snapshot.cumulative[BOUNDS.len() - 1], 3, "<= 10 s");
        assert_eq!(
            snapshot.cumulative[BOUNDS.len()],
            4,
            "+Inf: every observation"
        );
        assert!((snapshot.sum_seconds - 30.078).abs() < 1e-9);
    }
}
