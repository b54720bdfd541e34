//! `dns://name:port`: every address the name resolves to, each an instance, resolved again
//! every period so that addresses added to or removed from the name follow. A failed
//! resolution keeps the last list (a DNS hiccup must not empty a working client).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::task::AbortHandle;

use super::{background, DiscoveryError, InstanceSet};
use crate::net::Address;

pub fn start(
    name: &str,
    period: Duration,
    set: Arc<InstanceSet>,
) -> Result<AbortHandle, DiscoveryError> {
    let target = match name.parse::<Address>() {
        Ok(Address::Tcp { host, port }) => (host, port),
        _ => {
            return Err(DiscoveryError(format!(
                "dns://{name}: write dns://name:port"
            )))
        }
    };
    let task = background().spawn(async move {
        loop {
            match tokio::net::lookup_host((target.0.as_str(), target.1)).await {
                Ok(found) => set.replace(instances(found)),
                Err(err) => {
                    log::warn!(target: "thrifthive.discovery",
                        "dns://{}:{}: cannot resolve ({err}); keeping the last addresses",
                        target.0, target.1);
                    set.mark_reported();
                }
            }
            tokio::time::sleep(period).await;
        }
    });
    Ok(task.abort_handle())
}

/// Distinct addresses, in a stable order (a resolver may rotate them).
fn instances(found: impl Iterator<Item = SocketAddr>) -> Vec<(Address, u32)> {
    let mut addresses: Vec<SocketAddr> = found.collect();
    addresses.sort();
    addresses.dedup();
    addresses
        .into_iter()
        .map(|a| (Address::tcp(a.ip().to_string(), a.port()), 1))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::{Balance, Discovery, Ejection};

    #[test]
    fn addresses_are_distinct_and_sorted() {
        let found = ["127.0.0.2:1", "127.0.0.1:1", "127.0.0.2:1"].map(|a| a.parse().unwrap());
        let list = instances(found.into_iter());
        assert_eq!(
            list,
            [
                (Address::tcp("127.0.0.1", 1), 1),
                (Address::tcp("127.0.0.2", 1), 1)
            ]
        );
    }

    #[test]
    fn localhost_resolves_to_loopback() {
        let discovery = Discovery::new(
            "dns://localhost:9",
            Balance::PowerOfTwo,
            Ejection::default(),
        )
        .unwrap();
        let pick = discovery
            .pick_wait(Duration::from_secs(5), None)
            .expect("resolved");
        assert!(matches!(pick.address(), Address::Tcp { host, port: 9 }
            if host == "127.0.0.1" || host == "::1"));
    }
}
