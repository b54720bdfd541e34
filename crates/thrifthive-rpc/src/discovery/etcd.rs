//! `etcd://host:port/prefix`: the instances registered under the prefix (see
//! [`crate::registry`]), one key each, `<prefix>/<instance id>` = an [`InstanceRecord`].
//!
//! The task lists the prefix, then watches it from the next revision, so no change between
//! the two is missed; each event updates the list. When etcd cannot be reached or the watch
//! breaks, the last list stays in use (calls keep flowing to the known instances) and the
//! task connects, lists and watches again every [`RETRY`] until etcd is back.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use etcd_client::{Client, ConnectOptions, EventType, GetOptions, KeyValue, WatchOptions};
use serde::{Deserialize, Serialize};
use tokio::task::AbortHandle;

use super::{background, DiscoveryError, InstanceSet};
use crate::net::Address;

/// How long to wait before connecting to etcd again.
pub const RETRY: Duration = Duration::from_millis(500);

const LOG: &str = "thrifthive.discovery";

/// What a registered instance's key holds, as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstanceRecord {
    /// `host:port` (or `unix:/path`) to call it at.
    pub address: String,
    #[serde(default = "one")]
    pub weight: u32,
    #[serde(default)]
    pub metadata: serde_json::Value,
}

fn one() -> u32 {
    1
}

/// Splits `host:port/prefix` (an etcd URL without its scheme) into the endpoint and the key
/// prefix, which always ends with `/` (so `/hive/users` never matches `/hive/users2`).
pub fn endpoint_and_prefix(rest: &str) -> Result<(String, String), DiscoveryError> {
    let (endpoint, path) = rest.split_once('/').unwrap_or((rest, ""));
    let path = path.trim_matches('/');
    if endpoint.parse::<Address>().is_err() || path.is_empty() {
        return Err(DiscoveryError(format!(
            "etcd://{rest}: write etcd://host:port/prefix, e.g. etcd://127.0.0.1:2379/hive/users"
        )));
    }
    Ok((format!("http://{endpoint}"), format!("/{path}/")))
}

/// How the hive connects to etcd: bounded connects and requests, and HTTP/2 pings, so that a
/// dead etcd is noticed in seconds even without a reset.
pub fn connect_options() -> ConnectOptions {
    ConnectOptions::new()
        .with_connect_timeout(Duration::from_secs(2))
        .with_timeout(Duration::from_secs(5))
        .with_keep_alive(Duration::from_secs(2), Duration::from_secs(2))
        .with_keep_alive_while_idle(true)
}

pub fn start(rest: &str, set: Arc<InstanceSet>) -> Result<AbortHandle, DiscoveryError> {
    let (endpoint, prefix) = endpoint_and_prefix(rest)?;
    Ok(background()
        .spawn(follow_forever(endpoint, prefix, set))
        .abort_handle())
}

async fn follow_forever(endpoint: String, prefix: String, set: Arc<InstanceSet>) {
    let mut instances = BTreeMap::new();
    let mut failing = false;
    loop {
        let result = follow(&endpoint, &prefix, &set, &mut instances, &mut failing).await;
        // Calls waiting for a first list stop waiting: they fail saying none is known.
        set.mark_reported();
        match result {
            Err(err) if !failing => {
                failing = true;
                log::warn!(target: LOG,
                    "etcd at {endpoint} ({prefix}): {err}; keeping the {} known instances \
                     and retrying every {RETRY:?}", instances.len());
            }
            Err(err) => log::debug!(target: LOG, "etcd at {endpoint}: {err}"),
            Ok(()) => {
                log::info!(target: LOG, "etcd at {endpoint}: the watch of {prefix} ended; listing again")
            }
        }
        tokio::time::sleep(RETRY).await;
    }
}

/// Lists `prefix` and follows its changes until the watch breaks.
async fn follow(
    endpoint: &str,
    prefix: &str,
    set: &InstanceSet,
    instances: &mut BTreeMap<String, (Address, u32)>,
    failing: &mut bool,
) -> Result<(), etcd_client::Error> {
    let mut client = Client::connect([endpoint], Some(connect_options())).await?;
    let listed = client
        .get(prefix, Some(GetOptions::new().with_prefix()))
        .await?;
    instances.clear();
    for kv in listed.kvs() {
        insert(instances, kv);
    }
    publish(set, instances);
    if *failing {
        *failing = false;
        log::info!(target: LOG, "etcd at {endpoint} is back: {} instances under {prefix}", instances.len());
    }
    let revision = listed.header().map_or(0, |h| h.revision());
    let options = WatchOptions::new()
        .with_prefix()
        .with_start_revision(revision + 1);
    let mut stream = client.watch(prefix, Some(options)).await?;
    while let Some(response) = stream.message().await? {
        if response.canceled() {
            // Compacted past our revision, say: list again.
            return Ok(());
        }
        for event in response.events() {
            let Some(kv) = event.kv() else { continue };
            match event.event_type() {
                EventType::Put => insert(instances, kv),
                EventType::Delete => {
                    instances.remove(&String::from_utf8_lossy(kv.key()).into_owned());
                }
            }
        }
        publish(set, instances);
    }
    Ok(())
}

fn insert(instances: &mut BTreeMap<String, (Address, u32)>, kv: &KeyValue) {
    let key = String::from_utf8_lossy(kv.key()).into_owned();
    let parsed = serde_json::from_slice::<InstanceRecord>(kv.value())
        .map_err(|err| err.to_string())
        .and_then(|record| {
            let address = record
                .address
                .parse::<Address>()
                .map_err(|e| e.to_string())?;
            Ok((address, record.weight))
        });
    match parsed {
        Ok(instance) => {
            instances.insert(key, instance);
        }
        Err(err) => log::warn!(target: LOG, "etcd key {key} is no instance record, skipped: {err}"),
    }
}

fn publish(set: &InstanceSet, instances: &BTreeMap<String, (Address, u32)>) {
    set.replace(instances.values().cloned().collect());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let (endpoint, prefix) = endpoint_and_prefix("127.0.0.1:2379/hive/users/").unwrap();
        assert_eq!(endpoint, "http://127.0.0.1:2379");
        assert_eq!(prefix, "/hive/users/");
        assert!(endpoint_and_prefix("127.0.0.1:2379").is_err());
        assert!(endpoint_and_prefix("nohost/hive").is_err());
    }

    #[test]
    fn records() {
        let record: InstanceRecord =
            serde_json::from_str(r#"{"address": "127.0.0.1:9090"}"#).unwrap();
        assert_eq!(record.weight, 1);
    }
}
