//! The result of a load run and how it prints.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use hdrhistogram::Histogram;

use super::worker::{new_histogram, WorkerResult};

/// What a run measured.
#[derive(Debug, Clone)]
pub struct Report {
    /// From the start of the clock to the end of the last call.
    pub elapsed: Duration,
    /// Latencies of the successful calls, in nanoseconds.
    pub latency: Histogram<u64>,
    /// Failed calls by kind of error (see `ClientError::kind`).
    pub errors: BTreeMap<String, u64>,
}

/// The usual percentiles of a run's latency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LatencySummary {
    pub p50: Duration,
    pub p90: Duration,
    pub p99: Duration,
    pub p999: Duration,
    pub max: Duration,
    pub mean: Duration,
}

impl Report {
    pub(super) fn new() -> Report {
        Report {
            elapsed: Duration::ZERO,
            latency: new_histogram(),
            errors: BTreeMap::new(),
        }
    }

    pub(super) fn add(&mut self, worker: WorkerResult) {
        // Cannot fail: the histogram resizes to fit.
        let _ = self.latency.add(&worker.latency);
        for (kind, count) in worker.errors {
            *self.errors.entry(kind).or_default() += count;
        }
    }

    /// Successful calls.
    pub fn calls(&self) -> u64 {
        self.latency.len()
    }

    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }

    pub fn calls_per_sec(&self) -> f64 {
        self.calls() as f64 / self.elapsed.as_secs_f64().max(f64::EPSILON)
    }

    pub fn latency_summary(&self) -> LatencySummary {
        let at = |quantile| Duration::from_nanos(self.latency.value_at_quantile(quantile));
        LatencySummary {
            p50: at(0.5),
            p90: at(0.9),
            p99: at(0.99),
            p999: at(0.999),
            max: Duration::from_nanos(self.latency.max()),
            mean: Duration::from_nanos(self.latency.mean() as u64),
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let l = self.latency_summary();
        writeln!(
            f,
            "{} calls in {:.2} s: {:.0} calls/s",
            self.calls(),
            self.elapsed.as_secs_f64(),
            self.calls_per_sec()
        )?;
        writeln!(
            f,
            "latency: p50 {}, p90 {}, p99 {}, p99.9 {}, max {} (mean {})",
            Micros(l.p50),
            Micros(l.p90),
            Micros(l.p99),
            Micros(l.p999),
            Micros(l.max),
            Micros(l.mean)
        )?;
        if self.errors.is_empty() {
            return write!(f, "errors: none");
        }
        write!(f, "errors: {}", self.error_count())?;
        let mut separator = " (";
        for (kind, count) in &self.errors {
            write!(f, "{separator}{kind}: {count}")?;
            separator = ", ";
        }
        write!(f, ")")
    }
}

/// A latency in the unit that reads best: µs below 10 ms, ms above.
struct Micros(Duration);

impl fmt::Display for Micros {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let micros = self.0.as_secs_f64() * 1e6;
        if micros < 10_000.0 {
            write!(f, "{micros:.0} µs")
        } else {
            write!(f, "{:.1} ms", micros / 1000.0)
        }
    }
}
