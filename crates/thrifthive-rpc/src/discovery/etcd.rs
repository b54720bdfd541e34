//! `etcd://host:port/prefix` (see [`EtcdTarget`] for the whole form): the instances
//! registered under the prefix (see [`crate::registry`]), one key each,
//! `<prefix>/<instance id>` = an [`InstanceRecord`].
//!
//! The task lists the prefix, then watches it from the next revision, so no change between
//! the two is missed; each event updates the list. When etcd cannot be reached or the watch
//! breaks, the last list stays in use (calls keep flowing to the known instances) and the
//! task connects, lists and watches again every [`RETRY`] until etcd is back.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use etcd_client::{EventType, GetOptions, KeyValue, WatchOptions};
use serde::{Deserialize, Serialize};
use tokio::task::AbortHandle;

use super::etcd_target::EtcdTarget;
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

pub fn start(url: &str, set: Arc<InstanceSet>) -> Result<AbortHandle, DiscoveryError> {
    let target = EtcdTarget::parse(url)?;
    Ok(background()
        .spawn(follow_forever(target, set))
        .abort_handle())
}

async fn follow_forever(target: EtcdTarget, set: Arc<InstanceSet>) {
    let mut instances = BTreeMap::new();
    let mut failing = false;
    loop {
        let result = follow(&target, &set, &mut instances, &mut failing).await;
        // Calls waiting for a first list stop waiting: they fail saying none is known.
        set.mark_reported();
        match result {
            Err(err) if !failing => {
                failing = true;
                log::warn!(target: LOG,
                    "{target}: {err}; keeping the {} known instances and retrying every \
                     {RETRY:?}", instances.len());
            }
            Err(err) => log::debug!(target: LOG, "{target}: {err}"),
            Ok(()) => {
                log::info!(target: LOG, "{target}: the watch ended; listing again")
            }
        }
        tokio::time::sleep(RETRY).await;
    }
}

/// Lists the target's prefix and follows its changes until the watch breaks.
async fn follow(
    target: &EtcdTarget,
    set: &InstanceSet,
    instances: &mut BTreeMap<String, (Address, u32)>,
    failing: &mut bool,
) -> Result<(), etcd_client::Error> {
    let prefix = target.prefix();
    let mut client = target.connect().await?;
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
        log::info!(target: LOG, "{target} is back: {} instances", instances.len());
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
    fn records() {
        let record: InstanceRecord =
            serde_json::from_str(r#"{"address": "127.0.0.1:9090"}"#).unwrap();
        assert_eq!(record.weight, 1);
    }
}
