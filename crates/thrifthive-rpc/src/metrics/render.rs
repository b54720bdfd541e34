//! The registry in Prometheus' text exposition format (version 0.0.4): a HELP and TYPE line
//! per metric, then its samples, label values escaped. Each side's families appear once it has
//! a series; `thrift_client_retries_total` only on the client's.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};

use super::histogram::BOUNDS;
use super::{Key, Series, Side};

pub(super) fn render(series: &BTreeMap<Key, Arc<Series>>) -> String {
    let mut out = String::new();
    for side in [Side::Server, Side::Client] {
        let mine: Vec<_> = series.iter().filter(|(key, _)| key.side == side).collect();
        if mine.is_empty() {
            continue;
        }
        let prefix = side.prefix();
        let (who, verb, timed) = match side {
            Side::Server => ("server", "started on the server", "a call's arrival"),
            Side::Client => ("client", "started by the client", "sending a call"),
        };
        metric(
            &mut out,
            &format!("{prefix}_started_total"),
            "counter",
            &format!("Calls {verb}."),
        );
        for (key, series) in &mine {
            let count = series.started.load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "{prefix}_started_total{{{}}} {count}",
                labels(key, None)
            );
        }
        metric(
            &mut out,
            &format!("{prefix}_handled_total"),
            "counter",
            &format!("Calls completed on the {who}, by outcome (thrift_code)."),
        );
        for (key, series) in &mine {
            let handled = series
                .handled
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            for (code, count) in handled.iter() {
                let _ = writeln!(
                    out,
                    "{prefix}_handled_total{{{}}} {count}",
                    labels(key, Some(code))
                );
            }
        }
        let name = format!("{prefix}_handling_seconds");
        metric(
            &mut out,
            &name,
            "histogram",
            &format!("Time from {timed} to its outcome on the {who}, in seconds."),
        );
        for (key, series) in &mine {
            let snapshot = series.seconds.snapshot();
            let base = labels(key, None);
            for (bound, count) in BOUNDS.iter().zip(snapshot.cumulative) {
                let _ = writeln!(out, "{name}_bucket{{{base},le=\"{bound}\"}} {count}");
            }
            let total = snapshot.cumulative[BOUNDS.len()];
            let _ = writeln!(out, "{name}_bucket{{{base},le=\"+Inf\"}} {total}");
            let _ = writeln!(out, "{name}_sum{{{base}}} {}", snapshot.sum_seconds);
            let _ = writeln!(out, "{name}_count{{{base}}} {total}");
        }
        if side == Side::Client {
            let name = format!("{prefix}_retries_total");
            metric(
                &mut out,
                &name,
                "counter",
                "Calls sent again by the client after a failed attempt.",
            );
            for (key, series) in &mine {
                let count = series.retries.load(Ordering::Relaxed);
                let _ = writeln!(out, "{name}{{{}}} {count}", labels(key, None));
            }
        }
    }
    out
}

fn metric(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

fn labels(key: &Key, code: Option<&str>) -> String {
    let kind = if key.oneway { "oneway" } else { "call" };
    let mut labels = format!(
        "thrift_type=\"{kind}\",thrift_service=\"{}\",thrift_method=\"{}\"",
        escape(&key.service),
        escape(&key.method)
    );
    if let Some(code) = code {
        let _ = write!(labels, ",thrift_code=\"{}\"", escape(code));
    }
    labels
}

/// A label value as the format wants it: backslash, double quote and newline escaped.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::{Registry, Side};

    #[test]
    fn a_page_has_every_family_with_escaped_labels() {
        let registry = Registry::default();
        let series = registry.series(Side::Server, "Users", "get\"User", false);
        series.start();
        series.start();
        series.finish("OK", Duration::from_millis(2));
        series.finish("NotFound", Duration::from_millis(20));
        let page = registry.render();
        let labels = r#"thrift_type="call",thrift_service="Users",thrift_method="get\"User""#;
        for line in [
            "# TYPE thrift_server_started_total counter".to_owned(),
            format!("thrift_server_started_total{{{labels}}} 2"),
            format!("thrift_server_handled_total{{{labels},thrift_code=\"NotFound\"}} 1"),
            format!("thrift_server_handled_total{{{labels},thrift_code=\"OK\"}} 1"),
            "# TYPE thrift_server_handling_seconds histogram".to_owned(),
            format!("thrift_server_handling_seconds_bucket{{{labels},le=\"0.005\"}} 1"),
            format!("thrift_server_handling_seconds_bucket{{{labels},le=\"0.025\"}} 2"),
            format!("thrift_server_handling_seconds_bucket{{{labels},le=\"+Inf\"}} 2"),
            format!("thrift_server_handling_seconds_count{{{labels}}} 2"),
        ] {
            assert!(
                page.lines().any(|l| l == line),
                "no line {line:?} in\n{page}"
            );
        }
        assert!(
            !page.contains("thrift_client_"),
            "no client series, no client families"
        );
    }

    #[test]
    fn a_client_page_counts_retries_and_servers_have_none() {
        let registry = Registry::default();
        registry.series(Side::Server, "Users", "get", false).start();
        let series = registry.series(Side::Client, "Users", "get", false);
        series.start();
        series.start();
        series.retry();
        series.finish("NOT_OPEN", Duration::from_millis(1));
        series.finish("OK", Duration::from_millis(1));
        let page = registry.render();
        let labels = r#"thrift_type="call",thrift_service="Users",thrift_method="get""#;
        for line in [
            format!("thrift_server_started_total{{{labels}}} 1"),
            format!("thrift_client_started_total{{{labels}}} 2"),
            format!("thrift_client_handled_total{{{labels},thrift_code=\"NOT_OPEN\"}} 1"),
            format!("thrift_client_handled_total{{{labels},thrift_code=\"OK\"}} 1"),
            format!("thrift_client_handling_seconds_count{{{labels}}} 2"),
            "# TYPE thrift_client_retries_total counter".to_owned(),
            format!("thrift_client_retries_total{{{labels}}} 1"),
        ] {
            assert!(
                page.lines().any(|l| l == line),
                "no line {line:?} in\n{page}"
            );
        }
        assert!(!page.contains("thrift_server_retries_total"));
    }
}
