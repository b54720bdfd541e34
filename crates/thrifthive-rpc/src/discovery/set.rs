//! The current instances of a service, the calls in flight on each and their health.
//!
//! Readers (every call) take a snapshot of the list under a read lock held only for an `Arc`
//! clone; a source replaces the whole list. An instance that stays across a replacement keeps
//! its `Arc`, and so its count of calls in flight, which the balancing reads, and its health
//! ([`super::outlier`]): a pick passes over ejected instances, and each call's outcome is
//! reported on its [`Pick`].

use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError, RwLock};
use std::time::Duration;

use super::balance::Balance;
use super::outlier::{Change, Clock, Ejection, Health, Outcome};
use crate::net::Address;

const LOG: &str = "thrifthive.discovery";

/// One instance of a service.
#[derive(Debug)]
pub struct Instance {
    pub address: Address,
    /// Its share of the calls relative to the others' (at least 1).
    pub weight: u32,
    in_flight: AtomicUsize,
    health: Health,
}

impl Instance {
    pub fn new(address: Address, weight: u32) -> Instance {
        Instance {
            address,
            weight: weight.max(1),
            in_flight: AtomicUsize::new(0),
            health: Health::default(),
        }
    }

    /// Calls picked for it that have not finished.
    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::Relaxed)
    }
}

/// An instance as [`InstanceSet::instances`] reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceState {
    pub address: Address,
    pub weight: u32,
    pub in_flight: usize,
    /// Out of the set: ejected, or probed and not yet back.
    pub ejected: bool,
    /// Failures since its last answer.
    pub failures: u32,
    /// Times it was ejected.
    pub ejections: u64,
}

/// A call's instance; the call counts as in flight on it until this is dropped. Its outcome,
/// [`Pick::report`]ed, counts towards the instance's ejection.
#[derive(Debug)]
pub struct Pick {
    instance: Arc<Instance>,
    set: Arc<InstanceSet>,
    /// Whether the call is the probe of an ejected instance.
    probe: bool,
}

impl Pick {
    pub fn address(&self) -> &Address {
        &self.instance.address
    }

    /// The call is over with `outcome`.
    pub fn report(mut self, outcome: Outcome) {
        self.set.report(&self.instance, self.probe, outcome);
        self.probe = false;
    }
}

impl Drop for Pick {
    fn drop(&mut self) {
        self.instance.in_flight.fetch_sub(1, Ordering::Relaxed);
        if self.probe {
            // Over without an outcome (cancelled, say): it was no probe.
            self.instance.health.abandon_probe(self.set.clock.now());
        }
    }
}

#[derive(Debug)]
pub struct InstanceSet {
    /// The discovery URL, for the log.
    source: String,
    ejection: Ejection,
    clock: Clock,
    /// Held while deciding an ejection, so that two at once cannot pass the limit.
    ejecting: Mutex<()>,
    list: RwLock<Arc<Vec<Arc<Instance>>>>,
    version: AtomicU64,
    /// Round robin's position.
    cursor: AtomicUsize,
    /// Whether the source has reported at least once, and a condvar to wait for it.
    reported: Mutex<bool>,
    first_report: Condvar,
}

impl Default for InstanceSet {
    fn default() -> InstanceSet {
        InstanceSet::new(String::new(), Ejection::default(), Clock::system())
    }
}

impl InstanceSet {
    pub fn new(source: String, ejection: Ejection, clock: Clock) -> InstanceSet {
        InstanceSet {
            source,
            ejection,
            clock,
            ejecting: Mutex::new(()),
            list: RwLock::default(),
            version: AtomicU64::new(0),
            cursor: AtomicUsize::new(0),
            reported: Mutex::new(false),
            first_report: Condvar::new(),
        }
    }

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

    /// An instance for a call, by `balance` among those not ejected, and not `avoid` (where
    /// the call just failed) when another is left; when every instance is ejected, one of them
    /// all rather than none.
    pub fn pick(self: &Arc<Self>, balance: Balance, avoid: Option<&Address>) -> Option<Pick> {
        let list = self.snapshot();
        let now = self.clock.now();
        let candidates = candidates(&list, now, avoid);
        let instance = balance.choose(&candidates, &self.cursor)?.clone();
        instance.in_flight.fetch_add(1, Ordering::Relaxed);
        let probe = instance.health.take_probe(now);
        Some(Pick {
            instance,
            set: self.clone(),
            probe,
        })
    }

    /// Each instance now, in the list's order.
    pub fn instances(&self) -> Vec<InstanceState> {
        self.snapshot()
            .iter()
            .map(|i| InstanceState {
                address: i.address.clone(),
                weight: i.weight,
                in_flight: i.in_flight(),
                ejected: i.health.ejected(),
                failures: i.health.failures(),
                ejections: i.health.ejections(),
            })
            .collect()
    }

    fn report(&self, instance: &Instance, probe: bool, outcome: Outcome) {
        let now = self.clock.now();
        let change = match outcome {
            Outcome::Answered => instance.health.answered(probe, now),
            Outcome::Failed => {
                let _deciding = self.ejecting.lock().unwrap_or_else(PoisonError::into_inner);
                let list = self.snapshot();
                let room = || {
                    let ejected = list.iter().filter(|i| i.health.ejected()).count();
                    ejected < self.ejection.limit(list.len())
                };
                instance.health.failed(probe, now, &self.ejection, room)
            }
        };
        let address = &instance.address;
        let source = &self.source;
        match change {
            Some(Change::Ejected {
                lasting,
                failures,
                probe_failed,
            }) => {
                let why = if probe_failed {
                    "its probe call failed".to_owned()
                } else {
                    format!("{failures} calls in a row failed")
                };
                log::warn!(target: LOG,
                    "{address} ejected from {source} for {:.1} s: {why}", lasting.as_secs_f64());
            }
            Some(Change::Back) => {
                log::info!(target: LOG, "{address} is back in {source}: its probe call was answered");
            }
            None => {}
        }
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

/// The instances a pick chooses from: those pickable at `now` but `avoid`; if none, those
/// pickable; if none, all (a call tried on an ejected instance beats one failed untried).
/// Usually all are, and the list is used as it is.
fn candidates<'a>(
    list: &'a [Arc<Instance>],
    now: Duration,
    avoid: Option<&Address>,
) -> Cow<'a, [Arc<Instance>]> {
    let pickable = |i: &Instance| i.health.pickable(now);
    let wanted = |i: &Instance| pickable(i) && avoid != Some(&i.address);
    if list.iter().all(|i| wanted(i)) {
        return Cow::Borrowed(list);
    }
    for keep in [&wanted as &dyn Fn(&Instance) -> bool, &pickable] {
        let kept: Vec<Arc<Instance>> = list.iter().filter(|i| keep(i)).cloned().collect();
        if !kept.is_empty() {
            return Cow::Owned(kept);
        }
    }
    Cow::Borrowed(list)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicU64;

    use super::*;

    fn at(port: u16) -> (Address, u32) {
        (Address::tcp("127.0.0.1", port), 1)
    }

    /// A set of instances on `ports`, ejecting after 2 failures for 1 s, on a clock the test
    /// moves (in ms).
    fn ejecting(ports: &[u16], max_share: f64) -> (Arc<InstanceSet>, Arc<AtomicU64>) {
        let millis = Arc::new(AtomicU64::new(0));
        let read = millis.clone();
        let clock = Clock::new(move || Duration::from_millis(read.load(Ordering::Relaxed)));
        let ejection = Ejection::new(2, Duration::from_secs(1), None, max_share).unwrap();
        let set = Arc::new(InstanceSet::new("static://test".into(), ejection, clock));
        set.replace(ports.iter().map(|&p| at(p)).collect());
        (set, millis)
    }

    fn port(pick: &Pick) -> u16 {
        match pick.address() {
            Address::Tcp { port, .. } => *port,
            other => panic!("not TCP: {other}"),
        }
    }

    /// Picks `calls` times by round robin, failing every call to `failing`; the ports picked.
    fn calls(set: &Arc<InstanceSet>, calls: usize, failing: &[u16]) -> Vec<u16> {
        (0..calls)
            .map(|_| {
                let pick = set.pick(Balance::RoundRobin, None).unwrap();
                let picked = port(&pick);
                let failed = failing.contains(&picked);
                pick.report(if failed {
                    Outcome::Failed
                } else {
                    Outcome::Answered
                });
                picked
            })
            .collect()
    }

    #[test]
    fn an_instance_that_stays_keeps_its_calls_in_flight() {
        let set = Arc::new(InstanceSet::default());
        set.replace(vec![at(1)]);
        let pick = set.pick(Balance::RoundRobin, None).unwrap();
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
        let set = Arc::new(InstanceSet::default());
        set.wait_reported(Duration::from_millis(1));
        assert!(set.pick(Balance::PowerOfTwo, None).is_none());
    }

    #[test]
    fn a_failing_instance_is_ejected_then_probed_back() {
        let (set, millis) = ejecting(&[1, 2, 3], 0.5);
        // Round robin: :1 fails on the 1st and 4th call, and is ejected.
        assert_eq!(calls(&set, 6, &[1]), [1, 2, 3, 1, 2, 3]);
        assert!(calls(&set, 20, &[1]).iter().all(|&p| p != 1));
        let state = &set.instances()[0];
        assert!(state.ejected && state.failures == 2 && state.ejections == 1);

        // Its time is over: one call probes it; the others go elsewhere meanwhile.
        millis.store(1000, Ordering::Relaxed);
        let probes: Vec<Pick> = (0..3)
            .filter_map(|_| set.pick(Balance::RoundRobin, None))
            .collect();
        assert_eq!(probes.iter().filter(|p| port(p) == 1).count(), 1);
        // Out until the probe is answered.
        assert!(set.instances()[0].ejected);
        for pick in probes {
            pick.report(Outcome::Answered);
        }
        assert!(!set.instances()[0].ejected);
        assert_eq!(calls(&set, 6, &[]).iter().filter(|&&p| p == 1).count(), 2);
    }

    #[test]
    fn a_failed_probe_ejects_again_for_longer() {
        let (set, millis) = ejecting(&[1, 2], 0.5);
        calls(&set, 4, &[1]);
        millis.store(1000, Ordering::Relaxed);
        assert!(calls(&set, 4, &[1]).contains(&1));
        // Ejected again for 2 s.
        millis.store(2500, Ordering::Relaxed);
        assert!(calls(&set, 4, &[1]).iter().all(|&p| p == 2));
        millis.store(3000, Ordering::Relaxed);
        assert!(calls(&set, 4, &[]).contains(&1));
        assert_eq!(set.instances()[0].ejections, 2);
    }

    #[test]
    fn no_more_than_max_ejected_are_out_at_once() {
        let (set, _) = ejecting(&[1, 2, 3, 4], 0.5);
        calls(&set, 40, &[1, 2, 3]);
        let ejected: Vec<bool> = set.instances().iter().map(|i| i.ejected).collect();
        assert_eq!(ejected.iter().filter(|&&e| e).count(), 2);
        // The third failing instance stays in, and takes its share of calls.
        assert!(calls(&set, 4, &[1, 2, 3]).len() == 4);
    }

    #[test]
    fn every_instance_ejected_still_picks_one() {
        let (set, _) = ejecting(&[1, 2], 1.0);
        calls(&set, 4, &[1, 2]);
        // One of the two is out (one always stays), and the other is still picked.
        assert_eq!(set.instances().iter().filter(|i| i.ejected).count(), 1);
        // The set loses the one left in: the ejected one is tried rather than nothing.
        let out = set.instances().into_iter().find(|i| i.ejected).unwrap();
        set.replace(vec![(out.address.clone(), 1)]);
        let pick = set.pick(Balance::PowerOfTwo, None).unwrap();
        assert_eq!(pick.address(), &out.address);
    }

    #[test]
    fn a_retry_avoids_the_instance_that_failed() {
        let (set, _) = ejecting(&[1, 2, 3], 0.5);
        let failed = Address::tcp("127.0.0.1", 2);
        for balance in [Balance::RoundRobin, Balance::PowerOfTwo] {
            for _ in 0..20 {
                assert_ne!(set.pick(balance, Some(&failed)).unwrap().address(), &failed);
            }
        }
        // Alone in the set, it is picked anyway.
        set.replace(vec![at(2)]);
        assert_eq!(
            set.pick(Balance::RoundRobin, Some(&failed))
                .unwrap()
                .address(),
            &failed
        );
    }

    #[test]
    fn ejection_off_counts_failures_and_ejects_nothing() {
        let set = Arc::new(InstanceSet::new(
            String::new(),
            Ejection::new(0, Duration::from_secs(1), None, 0.5).unwrap(),
            Clock::system(),
        ));
        set.replace(vec![at(1), at(2)]);
        calls(&set, 20, &[1]);
        let first = &set.instances()[0];
        assert!(!first.ejected);
        assert_eq!(first.failures, 10);
    }
}
