//! The blocking client over discovery: a [`Pool`] per instance, the instance chosen per call
//! by the [`Discovery`] (which counts the call in flight on it while it runs, and is told how
//! it went, to eject an instance that keeps failing).
//!
//! Pools of instances that left the set are dropped when the set changes (their idle
//! connections close; calls in flight on them finish on their own connections).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use thrifthive_rpc::client::{ClientError, ClientOptions};
use thrifthive_rpc::discovery::{Discovery, InstanceState, Outcome};
use thrifthive_rpc::header::InfoHeaders;
use thrifthive_rpc::{Address, Message};

use super::discovery::no_instances;
use super::pool::Pool;

pub struct Balanced {
    discovery: Discovery,
    options: ClientOptions,
    /// The set's version the pools were last pruned at, and a pool per address.
    pools: Mutex<(u64, HashMap<Address, Arc<Pool>>)>,
}

impl Balanced {
    pub fn new(discovery: Discovery, options: ClientOptions) -> Balanced {
        Balanced {
            discovery,
            options,
            pools: Mutex::new((0, HashMap::new())),
        }
    }

    /// [`Pool::call`] on the instance the balancing picks, another than `avoid` (where the
    /// call failed before it was retried) when there is one; a call made before the source's
    /// first report waits for it up to the connect timeout. When the call fails, `failed_at`
    /// says which instance it went to.
    pub fn call<E>(
        &self,
        request: &[u8],
        info: &InfoHeaders,
        timeout: Option<Duration>,
        check: impl FnMut() -> Result<(), E>,
        avoid: Option<&Address>,
        failed_at: &mut Option<Address>,
    ) -> Result<Result<Option<Message>, ClientError>, E> {
        let Some(pick) = self
            .discovery
            .pick_wait(self.options.connect_timeout, avoid)
        else {
            return Ok(Err(no_instances(&self.discovery)));
        };
        let pool = self.pool(pick.address());
        let result = pool.call(request, info, timeout, check);
        match &result {
            Ok(Ok(_)) => pick.report(Outcome::Answered),
            Ok(Err(err)) => {
                *failed_at = Some(pick.address().clone());
                if let Some(outcome) = Outcome::of_error(err) {
                    pick.report(outcome);
                }
            }
            // Interrupted (a signal): nothing is known of the instance.
            Err(_) => {}
        }
        result
    }

    /// Each instance's state (see [`Discovery::instances`]).
    pub fn instances(&self) -> Vec<InstanceState> {
        self.discovery.instances()
    }

    /// The source the instances come from.
    pub fn discovery(&self) -> &Discovery {
        &self.discovery
    }

    /// The instances' addresses now.
    pub fn addresses(&self) -> Vec<Address> {
        self.discovery.addresses()
    }

    pub fn close(&self) {
        for pool in self.lock().1.values() {
            pool.close();
        }
    }

    fn pool(&self, address: &Address) -> Arc<Pool> {
        let mut pools = self.lock();
        let version = self.discovery.version();
        if pools.0 != version {
            let current = self.discovery.addresses();
            pools.1.retain(|address, _| current.contains(address));
            pools.0 = version;
        }
        pools
            .1
            .entry(address.clone())
            .or_insert_with(|| Arc::new(Pool::new(address.clone(), self.options.clone())))
            .clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (u64, HashMap<Address, Arc<Pool>>)> {
        self.pools.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
