//! Choosing an instance for a call.
//!
//! - Power of two choices (the default): two instances drawn at random, the one with fewer
//!   calls in flight for its weight wins. It follows load as least-loaded does, without every
//!   client herding onto the same least-loaded instance, and costs two reads (Mitzenmacher;
//!   Finagle's and Envoy's default).
//! - Round robin: each instance in turn, whatever its load; weights are not used.

use std::cell::Cell;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use super::set::Instance;
use super::DiscoveryError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Balance {
    #[default]
    PowerOfTwo,
    RoundRobin,
}

impl FromStr for Balance {
    type Err = DiscoveryError;

    fn from_str(name: &str) -> Result<Balance, DiscoveryError> {
        match name {
            "p2c" | "power_of_two" => Ok(Balance::PowerOfTwo),
            "round_robin" => Ok(Balance::RoundRobin),
            _ => Err(DiscoveryError(format!(
                "unknown balance {name:?}: use \"p2c\" (power of two choices, the default) \
                 or \"round_robin\""
            ))),
        }
    }
}

impl Balance {
    pub(crate) fn choose<'a>(
        self,
        list: &'a [Arc<Instance>],
        cursor: &AtomicUsize,
    ) -> Option<&'a Arc<Instance>> {
        match list.len() {
            0 => None,
            1 => list.first(),
            n => Some(match self {
                Balance::RoundRobin => &list[cursor.fetch_add(1, Ordering::Relaxed) % n],
                Balance::PowerOfTwo => {
                    let a = random_below(n);
                    // A second draw among the others, so the two always differ.
                    let b = (a + 1 + random_below(n - 1)) % n;
                    let (a, b) = (&list[a], &list[b]);
                    if lighter(b, a) {
                        b
                    } else {
                        a
                    }
                }
            }),
        }
    }
}

/// Whether `a` is less loaded than `b`: fewer calls in flight per unit of weight, counting
/// the call being placed (so that an idle heavy instance beats an idle light one).
fn lighter(a: &Instance, b: &Instance) -> bool {
    let load = |i: &Instance| (i.in_flight() as u64 + 1) * u64::from(u32::MAX / i.weight);
    load(a) < load(b)
}

/// A number below `n` (> 0) from a per-thread xorshift generator: cheap, and random enough
/// to spread choices.
fn random_below(n: usize) -> usize {
    thread_local! {
        static STATE: Cell<u64> = Cell::new(RandomState::new().build_hasher().finish() | 1);
    }
    STATE.with(|state| {
        let mut x = state.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        state.set(x);
        (x % n as u64) as usize
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::{InstanceSet, Pick};
    use crate::net::Address;

    fn set(ports: &[u16]) -> Arc<InstanceSet> {
        let set = Arc::new(InstanceSet::default());
        set.replace(
            ports
                .iter()
                .map(|&p| (Address::tcp("127.0.0.1", p), 1))
                .collect(),
        );
        set
    }

    #[test]
    fn round_robin_takes_each_in_turn() {
        let set = set(&[1, 2, 3]);
        let ports: Vec<String> = (0..6)
            .map(|_| {
                set.pick(Balance::RoundRobin, None)
                    .unwrap()
                    .address()
                    .to_string()
            })
            .collect();
        assert_eq!(ports[..3], ports[3..]);
        let mut distinct = ports[..3].to_vec();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), 3);
    }

    #[test]
    fn power_of_two_avoids_the_busy_instance() {
        let set = set(&[1, 2]);
        // Calls held on :1 only (round robin alternates; the picks of :2 are dropped at once).
        let held: Vec<Pick> = (0..10)
            .filter_map(|_| set.pick(Balance::RoundRobin, None))
            .filter(|p| p.address().to_string() == "127.0.0.1:1")
            .collect();
        assert_eq!(held.len(), 5);
        for _ in 0..20 {
            let pick = set.pick(Balance::PowerOfTwo, None).unwrap();
            assert_eq!(pick.address().to_string(), "127.0.0.1:2");
        }
    }

    #[test]
    fn power_of_two_weighs_calls_in_flight_by_weight() {
        let set = Arc::new(InstanceSet::default());
        set.replace(vec![
            (Address::tcp("127.0.0.1", 1), 1),
            (Address::tcp("127.0.0.1", 4), 4),
        ]);
        // Two calls on the instance of weight 4 weigh less than none on the one of weight 1.
        let held: Vec<Pick> = (0..4)
            .filter_map(|_| set.pick(Balance::RoundRobin, None))
            .filter(|p| p.address().to_string() == "127.0.0.1:4")
            .collect();
        assert_eq!(held.len(), 2);
        let pick = set.pick(Balance::PowerOfTwo, None).unwrap();
        assert_eq!(pick.address().to_string(), "127.0.0.1:4");
    }

    #[test]
    fn balance_names() {
        assert_eq!("round_robin".parse(), Ok(Balance::RoundRobin));
        assert_eq!("p2c".parse(), Ok(Balance::PowerOfTwo));
        assert!("random".parse::<Balance>().is_err());
    }
}
