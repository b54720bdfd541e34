//! The current instances of a service and the calls in flight on each.
//!
//! Readers (every call) take a snapshot of the list under a read lock held only for an `Arc`
//! clone; a source replaces the whole list. An instance that stays across a replacement keeps
//! its `Arc`, and so its count of calls in flight, which the balancing reads.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError, RwLock};
use std::time::Duration;

use super::balance::Balance;
use crate::net::Address;

/// One instance of a service.
#[derive(Debug)]
pub struct Instance {
    pub address: Address,
    /// Its share of the calls relative to the others' (at least 1).
    pub weight: u32,
    in_flight: AtomicUsize,
}

impl Instance {
    pub fn new(address: Address, weight: u32) -> Instance {
        Instance {
            address,
            weight: weight.max(1),
            in_flight: AtomicUsize::new(0),
        }
    }

    /// Calls picked for it that have not finished.
    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::Relaxed)
    }
}

/// A call's instance; the call counts as in flight on it until this is dropped.
#[derive(Debug)]
pub struct Pick {
    instance: Arc<Instance>,
}

impl Pick {
    pub fn address(&self) -> &Address {
        &self.instance.address
    }
}

impl Drop for Pick {
    fn drop(&mut self) {
        self.instance.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

#[derive(Debug, Default)]
pub struct InstanceSet {
    list: RwLock<Arc<Vec<Arc<Instance>>>>,
    version: AtomicU64,
    /// Round robin's position.
    cursor: AtomicUsize,
    /// Whether the source has reported at least once, and a condvar to wait for it.
    reported: Mutex<bool>,
    first_report: Condvar,
}

impl InstanceSet {
    /// Makes `instances` (address, weight) the current list; the source has reported.
    pub fn replace(&self, instances: Vec<(Address, u32)>) {
        let old = self.snapshot();
        let list: Vec<Arc<Instance>> = instances
            .into_iter()
            .map(|(address, weight)| {
                match old
                    .iter()
                    .find(|i| i.address == address && i.weight == weight.max(1))
                {
                    Some(kept) => kept.clone(),
                    None => Arc::new(Instance::new(address, weight)),
                }
            })
            .collect();
        let changed =
            list.len() != old.len() || list.iter().zip(old.iter()).any(|(a, b)| !Arc::ptr_eq(a, b));
        if changed {
            *self.list.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(list);
            self.version.fetch_add(1, Ordering::Release);
        }
        self.mark_reported();
    }

    /// The source reported, even if nothing changed (an empty prefix, say): callers waiting
    /// for the first report stop waiting.
    pub fn mark_reported(&self) {
        let mut reported = self.reported.lock().unwrap_or_else(PoisonError::into_inner);
        if !*reported {
            *reported = true;
            self.first_report.notify_all();
        }
    }

    /// Waits up to `timeout` for the source's first report.
    pub fn wait_reported(&self, timeout: Duration) {
        let reported = self.reported.lock().unwrap_or_else(PoisonError::into_inner);
        let _unused = self
            .first_report
            .wait_timeout_while(reported, timeout, |reported| !*reported)
            .unwrap_or_else(PoisonError::into_inner);
    }

    pub fn pick(&self, balance: Balance) -> Option<Pick> {
        let list = self.snapshot();
        let instance = balance.choose(&list, &self.cursor)?.clone();
        instance.in_flight.fetch_add(1, Ordering::Relaxed);
        Some(Pick { instance })
    }

    pub fn addresses(&self) -> Vec<Address> {
        self.snapshot().iter().map(|i| i.address.clone()).collect()
    }

    pub fn version(&self) -> u64 {
        self.version.load(Ordering::Acquire)
    }

    fn snapshot(&self) -> Arc<Vec<Arc<Instance>>> {
        self.list
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(port: u16) -> (Address, u32) {
        (Address::tcp("127.0.0.1", port), 1)
    }

    #[test]
    fn an_instance_that_stays_keeps_its_calls_in_flight() {
        let set = InstanceSet::default();
        set.replace(vec![at(1)]);
        let pick = set.pick(Balance::RoundRobin).unwrap();
        set.replace(vec![at(1), at(2)]);
        let list = set.snapshot();
        assert_eq!(list[0].in_flight(), 1);
        drop(pick);
        assert_eq!(list[0].in_flight(), 0);
        assert_eq!(set.version(), 2);
    }

    #[test]
    fn an_unchanged_list_keeps_its_version() {
        let set = InstanceSet::default();
        set.replace(vec![at(1)]);
        set.replace(vec![at(1)]);
        assert_eq!(set.version(), 1);
    }

    #[test]
    fn an_empty_set_picks_nothing() {
        let set = InstanceSet::default();
        set.wait_reported(Duration::from_millis(1));
        assert!(set.pick(Balance::PowerOfTwo).is_none());
    }
}
