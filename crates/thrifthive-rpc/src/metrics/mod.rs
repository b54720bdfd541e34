//! Call metrics in the Prometheus model, named after grpc-prometheus: per service and method,
//! `thrift_{server,client}_started_total`, `thrift_{server,client}_handled_total` by outcome
//! (`thrift_code`: `OK`, a declared exception's name, or a TApplicationException kind), and
//! the `thrift_{server,client}_handling_seconds` histogram; and, for clients,
//! `thrift_client_retries_total`.
//!
//! One registry per process ([`global`]), so that a process's servers and clients show on one
//! page. Recording a call costs a few atomic additions on a [`Series`] its caller keeps; the
//! lock of the registry is taken only to make a series, and to render.

mod histogram;
mod http;
mod render;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use std::sync::atomic::{AtomicU64, Ordering};

pub use histogram::Histogram;
pub use http::{bind, serve_bound, serve_http, serve_in_background};

/// Which side of a call a series counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Side {
    Server,
    Client,
}

impl Side {
    fn prefix(self) -> &'static str {
        match self {
            Side::Server => "thrift_server",
            Side::Client => "thrift_client",
        }
    }
}

/// What identifies a series: side, service, method, and `call` or `oneway`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    side: Side,
    service: String,
    method: String,
    oneway: bool,
}

/// The metrics of one method of one service, on one side.
#[derive(Debug, Default)]
pub struct Series {
    started: AtomicU64,
    /// Calls handled, by outcome: few distinct codes per method, so a small locked map.
    handled: Mutex<BTreeMap<String, u64>>,
    seconds: Histogram,
    /// Attempts sent again after a failure (a client's; a server never retries).
    retries: AtomicU64,
}

impl Series {
    /// A call started.
    pub fn start(&self) {
        self.started.fetch_add(1, Ordering::Relaxed);
    }

    /// A call finished with outcome `code` after `elapsed`.
    pub fn finish(&self, code: &str, elapsed: Duration) {
        self.seconds.observe(elapsed);
        let mut handled = self.handled.lock().unwrap_or_else(PoisonError::into_inner);
        match handled.get_mut(code) {
            Some(count) => *count += 1,
            None => {
                handled.insert(code.to_owned(), 1);
            }
        }
    }

    /// A failed call is sent again.
    pub fn retry(&self) {
        self.retries.fetch_add(1, Ordering::Relaxed);
    }
}

/// Every series of the process.
#[derive(Debug, Default)]
pub struct Registry {
    series: Mutex<BTreeMap<Key, Arc<Series>>>,
}

impl Registry {
    /// The series of `service`/`method` on `side`, made on first use; keep it to record.
    pub fn series(&self, side: Side, service: &str, method: &str, oneway: bool) -> Arc<Series> {
        let key = Key {
            side,
            service: service.to_owned(),
            method: method.to_owned(),
            oneway,
        };
        let mut series = self.series.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(series.entry(key).or_default())
    }

    /// The registry in Prometheus' text exposition format (version 0.0.4).
    pub fn render(&self) -> String {
        let series = self.series.lock().unwrap_or_else(PoisonError::into_inner);
        render::render(&series)
    }
}

/// The process's registry.
pub fn global() -> &'static Registry {
    static GLOBAL: OnceLock<Registry> = OnceLock::new();
    GLOBAL.get_or_init(Registry::default)
}
