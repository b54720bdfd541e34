//! Outlier detection (circuit breaking): an instance whose calls keep failing is ejected, not
//! picked, for a while, then probed back with a single call, as Envoy's consecutive-failure
//! ejection and Finagle's failure accrual do.
//!
//! Per instance: `after` failures in a row eject it for `base` times its ejections in a row
//! (capped at `max`); once that time is over, its next pick is its probe (half-open: the only
//! call it gets); the probe's answer brings it back, the probe's failure ejects it again, for
//! longer. An instance that stayed back for `max` starts over at `base`. At most `max_share`
//! of the set is ejected at once (see [`Ejection::limit`]).
//!
//! A pick reads the state lock-free (one atomic per instance); a call's outcome takes the
//! instance's lock. Time comes from a [`Clock`], so tests move it instead of sleeping.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::DiscoveryError;
use crate::client::ClientError;

/// When instances are ejected, and for how long.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ejection {
    /// Failures in a row that eject an instance; 0 turns ejection off.
    pub after: u32,
    /// How long a first ejection lasts.
    pub base: Duration,
    /// The longest an ejection lasts, however often repeated.
    pub max: Duration,
    /// The most of the set ejected at once, a fraction from 0 to 1.
    pub max_share: f64,
}

impl Default for Ejection {
    fn default() -> Ejection {
        Ejection {
            after: 5,
            base: Duration::from_secs(30),
            max: Duration::from_secs(300),
            max_share: 0.5,
        }
    }
}

impl Ejection {
    /// Checked settings; `max` defaults to ten times `base`.
    pub fn new(
        after: u32,
        base: Duration,
        max: Option<Duration>,
        max_share: f64,
    ) -> Result<Ejection, DiscoveryError> {
        let max = max.unwrap_or_else(|| base.saturating_mul(10));
        if max < base {
            return Err(DiscoveryError(format!(
                "max_eject_for ({max:?}) must be at least eject_for ({base:?})"
            )));
        }
        if !(0.0..=1.0).contains(&max_share) {
            return Err(DiscoveryError(format!(
                "max_ejected must be a fraction of the instances from 0 to 1, got {max_share}"
            )));
        }
        Ok(Ejection {
            after,
            base,
            max,
            max_share,
        })
    }

    /// How many of `n` instances may be ejected at once: `max_share` of them, at least one
    /// (as Envoy ejects one whatever the share, so a small set is protected too) when the
    /// share is above 0, and never all of them: one always stays to take the calls.
    pub fn limit(&self, n: usize) -> usize {
        if self.after == 0 || self.max_share <= 0.0 {
            return 0;
        }
        let share = (self.max_share * n as f64).floor() as usize;
        share.max(1).min(n.saturating_sub(1))
    }

    /// How long the `streak`-th ejection in a row lasts.
    fn duration(&self, streak: u32) -> Duration {
        self.base.saturating_mul(streak).min(self.max)
    }
}

/// What a call says of the instance it went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A reply came, whatever it says (a declared exception, a TApplicationException).
    Answered,
    /// The instance could not be reached, did not answer in time, hung up, or answered with
    /// something that is not the call's Thrift.
    Failed,
}

impl Outcome {
    /// The outcome of a call that failed with `error`; None when the failure is the client's
    /// own (closed, nothing to call, a request it could not send) and says nothing of the
    /// instance.
    pub fn of_error(error: &ClientError) -> Option<Outcome> {
        match error {
            ClientError::ClientClosed { .. }
            | ClientError::NoInstances { .. }
            | ClientError::InvalidRequest(_)
            | ClientError::Runtime(_) => None,
            ClientError::Application(_)
            | ClientError::InvalidReply { .. }
            | ClientError::BadSequenceId { .. }
            | ClientError::UnknownSequenceId { .. }
            | ClientError::WrongMethodName { .. }
            | ClientError::UnexpectedMessageType { .. } => Some(Outcome::Answered),
            ClientError::Resolve { .. }
            | ClientError::Refused { .. }
            | ClientError::ConnectTimeout { .. }
            | ClientError::Connect { .. }
            | ClientError::Tls { .. }
            | ClientError::Timeout { .. }
            | ClientError::Closed { .. }
            | ClientError::Io { .. }
            | ClientError::NotThrift { .. }
            | ClientError::WrongFormat { .. }
            | ClientError::HttpStatus { .. }
            | ClientError::InvalidHttp { .. } => Some(Outcome::Failed),
        }
    }
}

/// Monotonic time since the clock started; injectable, so that tests need not sleep.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> Duration + Send + Sync>);

impl Clock {
    pub fn system() -> Clock {
        let start = Instant::now();
        Clock(Arc::new(move || start.elapsed()))
    }

    pub fn new(now: impl Fn() -> Duration + Send + Sync + 'static) -> Clock {
        Clock(Arc::new(now))
    }

    pub fn now(&self) -> Duration {
        (self.0)()
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Clock")
    }
}

/// `Health::until` when the instance is in the set, and while its probe is in flight; any
/// other value is the time (ns on the clock) its ejection ends.
const ACTIVE: u64 = 0;
const PROBING: u64 = u64::MAX;

/// What happened to an instance on a call's outcome, for the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Ejected {
        lasting: Duration,
        failures: u32,
        probe_failed: bool,
    },
    Back,
}

/// One instance's failures and ejections.
#[derive(Debug, Default)]
pub struct Health {
    until: AtomicU64,
    counts: Mutex<Counts>,
}

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    /// Failures since its last answer.
    failures: u32,
    /// Ejections over its life.
    ejections: u64,
    /// Ejections since it last stayed back for a while: how long the next one lasts.
    streak: u32,
    back_at: Duration,
}

impl Health {
    /// Whether a pick may choose it at `now`: in the set, or ejected and due for its probe.
    pub fn pickable(&self, now: Duration) -> bool {
        match self.until.load(Ordering::Acquire) {
            ACTIVE => true,
            PROBING => false,
            until => until <= stamp(now),
        }
    }

    /// Whether it is out of the set (ejected, or probed and not yet back).
    pub fn ejected(&self) -> bool {
        self.until.load(Ordering::Acquire) != ACTIVE
    }

    pub fn failures(&self) -> u32 {
        self.lock().failures
    }

    pub fn ejections(&self) -> u64 {
        self.lock().ejections
    }

    /// Makes the call just picked its probe if its ejection is over; whether it did (one
    /// caller wins when several pick it at once).
    pub fn take_probe(&self, now: Duration) -> bool {
        let until = self.until.load(Ordering::Acquire);
        until != ACTIVE
            && until != PROBING
            && until <= stamp(now)
            && self
                .until
                .compare_exchange(until, PROBING, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
    }

    /// The probe ended without an outcome (cancelled, say): the next pick probes again.
    pub fn abandon_probe(&self, now: Duration) {
        let _ =
            self.until
                .compare_exchange(PROBING, stamp(now), Ordering::AcqRel, Ordering::Acquire);
    }

    /// A call (the probe or not) was answered.
    pub fn answered(&self, probe: bool, now: Duration) -> Option<Change> {
        let mut counts = self.lock();
        counts.failures = 0;
        if probe && self.until.load(Ordering::Acquire) == PROBING {
            counts.back_at = now;
            self.until.store(ACTIVE, Ordering::Release);
            return Some(Change::Back);
        }
        None
    }

    /// A call failed: ejects the instance if it is the probe, or if it failed `after` times in
    /// a row and `may_eject()` (the set has room for one more ejection).
    pub fn failed(
        &self,
        probe: bool,
        now: Duration,
        policy: &Ejection,
        may_eject: impl FnOnce() -> bool,
    ) -> Option<Change> {
        let mut counts = self.lock();
        counts.failures = counts.failures.saturating_add(1);
        let state = self.until.load(Ordering::Acquire);
        let probe_failed = probe && state == PROBING;
        let eject = probe_failed
            || (policy.after > 0
                && counts.failures >= policy.after
                && state == ACTIVE
                && may_eject());
        if !eject {
            return None;
        }
        if !probe_failed && now.saturating_sub(counts.back_at) >= policy.max {
            counts.streak = 0;
        }
        counts.streak = counts.streak.saturating_add(1);
        counts.ejections += 1;
        let lasting = policy.duration(counts.streak);
        self.until.store(stamp(now + lasting), Ordering::Release);
        Some(Change::Ejected {
            lasting,
            failures: counts.failures,
            probe_failed,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// `time` as `until` holds it: never one of the markers.
fn stamp(time: Duration) -> u64 {
    u64::try_from(time.as_nanos())
        .unwrap_or(PROBING)
        .clamp(ACTIVE + 1, PROBING - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    fn policy() -> Ejection {
        Ejection::new(3, SECOND, None, 0.5).unwrap()
    }

    fn fail(health: &Health, times: u32, now: Duration) -> Option<Change> {
        (0..times)
            .map(|_| health.failed(false, now, &policy(), || true))
            .last()
            .flatten()
    }

    #[test]
    fn consecutive_failures_eject_and_an_answer_resets_the_count() {
        let health = Health::default();
        assert_eq!(fail(&health, 2, Duration::ZERO), None);
        health.answered(false, Duration::ZERO);
        assert_eq!(fail(&health, 2, Duration::ZERO), None);
        assert!(health.pickable(Duration::ZERO));
        let change = health.failed(false, Duration::ZERO, &policy(), || true);
        assert_eq!(
            change,
            Some(Change::Ejected {
                lasting: SECOND,
                failures: 3,
                probe_failed: false
            })
        );
        assert!(health.ejected());
        assert!(!health.pickable(SECOND / 2));
        assert_eq!(health.ejections(), 1);
    }

    #[test]
    fn after_the_ejection_one_probe_and_its_answer_brings_it_back() {
        let health = Health::default();
        fail(&health, 3, Duration::ZERO);
        assert!(!health.take_probe(SECOND / 2));
        assert!(health.pickable(SECOND));
        assert!(health.take_probe(SECOND));
        // Half-open: no other call while the probe is in flight.
        assert!(!health.pickable(SECOND));
        assert!(!health.take_probe(SECOND));
        // A call picked before the ejection that answers now does not end it.
        assert_eq!(health.answered(false, SECOND), None);
        assert!(health.ejected());
        assert_eq!(health.answered(true, SECOND), Some(Change::Back));
        assert!(!health.ejected());
        assert!(health.pickable(SECOND));
        assert_eq!(health.failures(), 0);
    }

    #[test]
    fn a_failed_probe_ejects_for_longer_up_to_the_cap() {
        let health = Health::default();
        let policy = Ejection::new(3, SECOND, Some(SECOND * 3), 0.5).unwrap();
        fail(&health, 3, Duration::ZERO);
        let mut now = Duration::ZERO;
        let mut lastings = Vec::new();
        for _ in 0..4 {
            now += SECOND * 3;
            assert!(health.take_probe(now));
            match health.failed(true, now, &policy, || false) {
                Some(Change::Ejected { lasting, .. }) => lastings.push(lasting),
                other => panic!("expected an ejection, got {other:?}"),
            }
        }
        assert_eq!(lastings, [SECOND * 2, SECOND * 3, SECOND * 3, SECOND * 3]);
        assert_eq!(health.ejections(), 5);
    }

    #[test]
    fn an_instance_back_for_long_starts_over() {
        let health = Health::default();
        fail(&health, 3, Duration::ZERO);
        assert!(health.take_probe(SECOND));
        health.answered(true, SECOND);
        // Soon after coming back: the second ejection lasts twice as long.
        let again = fail(&health, 3, SECOND * 2);
        assert!(matches!(again, Some(Change::Ejected { lasting, .. }) if lasting == SECOND * 2));
        assert!(health.take_probe(SECOND * 4));
        health.answered(true, SECOND * 4);
        // Back for longer than the cap (10 s): the first ejection's length again.
        let later = fail(&health, 3, SECOND * 20);
        assert!(matches!(later, Some(Change::Ejected { lasting, .. }) if lasting == SECOND));
    }

    #[test]
    fn no_ejection_without_room_or_when_turned_off() {
        let health = Health::default();
        assert_eq!(fail(&health, 2, Duration::ZERO), None);
        assert_eq!(
            health.failed(false, Duration::ZERO, &policy(), || false),
            None
        );
        assert!(!health.ejected());
        let off = Ejection::new(0, SECOND, None, 0.5).unwrap();
        for _ in 0..10 {
            assert_eq!(health.failed(false, Duration::ZERO, &off, || true), None);
        }
        assert_eq!(health.failures(), 13);
        assert!(!health.ejected());
    }

    #[test]
    fn an_abandoned_probe_lets_the_next_pick_probe() {
        let health = Health::default();
        fail(&health, 3, Duration::ZERO);
        assert!(health.take_probe(SECOND));
        health.abandon_probe(SECOND);
        assert!(health.ejected());
        assert!(health.take_probe(SECOND));
    }

    #[test]
    fn the_limit_keeps_one_instance_and_ejects_at_least_one() {
        let half = policy();
        assert_eq!([1, 2, 3, 4, 10].map(|n| half.limit(n)), [0, 1, 1, 2, 5]);
        let tenth = Ejection::new(3, SECOND, None, 0.1).unwrap();
        assert_eq!([2, 9, 30].map(|n| tenth.limit(n)), [1, 1, 3]);
        let all = Ejection::new(3, SECOND, None, 1.0).unwrap();
        assert_eq!(all.limit(4), 3);
        let none = Ejection::new(3, SECOND, None, 0.0).unwrap();
        assert_eq!(none.limit(4), 0);
    }

    #[test]
    fn settings_are_checked() {
        assert!(Ejection::new(3, SECOND, Some(SECOND / 2), 0.5).is_err());
        assert!(Ejection::new(3, SECOND, None, 1.5).is_err());
        assert!(Ejection::new(3, SECOND, None, -0.1).is_err());
        assert_eq!(
            Ejection::new(3, SECOND, None, 0.5).unwrap().max,
            SECOND * 10
        );
    }

    #[test]
    fn outcomes_of_errors() {
        let refused = ClientError::Refused {
            address: "127.0.0.1:1".into(),
        };
        assert_eq!(Outcome::of_error(&refused), Some(Outcome::Failed));
        let closed = ClientError::ClientClosed {
            method: "get".into(),
        };
        assert_eq!(Outcome::of_error(&closed), None);
    }
}
