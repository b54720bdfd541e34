//! The engine's `log` records, forwarded to Python's `logging`: the record's target
//! (`thrifthive.server`, ...) is the logger's name.
//!
//! The thread that logs (a tokio IO thread) must not wait for the GIL, so records go through a
//! bounded channel to one Python-attached thread that emits every record waiting per GIL hold.
//! A full channel drops the record rather than block (the engine rate-limits noisy lines).

use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Once;
use std::thread;

use pyo3::intern;
use pyo3::prelude::*;

/// Records waiting for the Python thread, at most.
const CAPACITY: usize = 4096;

struct Line {
    target: String,
    level: log::Level,
    message: String,
}

struct Forward(SyncSender<Line>);

impl log::Log for Forward {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            let _ = self.0.try_send(Line {
                target: record.target().to_owned(),
                level: record.level(),
                message: record.args().to_string(),
            });
        }
    }

    fn flush(&self) {}
}

/// Installs the forwarder, once per process; a no-op if another `log` backend came first.
pub(crate) fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let (sender, receiver) = sync_channel(CAPACITY);
        if log::set_logger(Box::leak(Box::new(Forward(sender)))).is_err() {
            return;
        }
        // Debug and trace lines (one per connection) are not worth crossing into Python.
        log::set_max_level(log::LevelFilter::Info);
        let spawned = thread::Builder::new()
            .name("thrifthive-log".into())
            .spawn(move || drain(&receiver));
        if spawned.is_err() {
            log::set_max_level(log::LevelFilter::Off);
        }
    });
}

fn drain(receiver: &Receiver<Line>) {
    while let Ok(first) = receiver.recv() {
        Python::attach(|py| {
            emit(py, first);
            while let Ok(line) = receiver.try_recv() {
                emit(py, line);
            }
        });
    }
}

fn emit(py: Python<'_>, line: Line) {
    let level = match line.level {
        log::Level::Error => 40,
        log::Level::Warn => 30,
        log::Level::Info => 20,
        log::Level::Debug => 10,
        log::Level::Trace => 5,
    };
    let result = py
        .import(intern!(py, "logging"))
        .and_then(|logging| logging.call_method1(intern!(py, "getLogger"), (line.target,)))
        .and_then(|logger| logger.call_method1(intern!(py, "log"), (level, "%s", line.message)));
    if let Err(error) = result {
        error.write_unraisable(py, None);
    }
}
