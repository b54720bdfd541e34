//! Discovery: the set of a service's instances a client calls, kept current from a source, and
//! the choice of an instance per call.
//!
//! A source is written as a URL: `etcd://host:port/prefix` (the instances registered under
//! the prefix by [`crate::registry`], watched), `static://h1:p1,h2:p2` (fixed) or
//! `dns://name:port` (every address the name resolves to, resolved again periodically). The
//! sources that change run as tasks on one background runtime of the process; they replace
//! the set's list, and calls pick from whatever list is current. Both Python clients (the
//! blocking pool and the asyncio pool) ask the same [`Discovery`] for an address per call and
//! report each call's outcome on its [`Pick`], so the set, the balancing and the ejection of
//! failing instances ([`outlier`]) live here once.

mod balance;
mod dns;
pub(crate) mod etcd;
mod etcd_target;
mod outlier;
mod set;
mod static_list;

use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::runtime::{Builder, Runtime};
use tokio::task::AbortHandle;

pub use balance::Balance;
pub use etcd::InstanceRecord;
pub use etcd_target::{without_password, EtcdTarget};
pub use outlier::{Clock, Ejection, Outcome};
pub use set::{Instance, InstanceSet, InstanceState, Pick};

use crate::net::Address;

/// How often `dns://` names are resolved again.
pub const DNS_PERIOD: Duration = Duration::from_secs(5);

/// A discovery URL that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveryError(pub String);

impl fmt::Display for DiscoveryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DiscoveryError {}

/// The instances of one service as a source reports them, and the balancing between them.
/// Dropping it stops watching the source.
#[derive(Debug)]
pub struct Discovery {
    source: String,
    set: Arc<InstanceSet>,
    balance: Balance,
    task: Option<AbortHandle>,
}

impl Discovery {
    /// Starts following `url`'s source (see the module doc), ejecting failing instances as
    /// `ejection` says.
    pub fn new(
        url: &str,
        balance: Balance,
        ejection: Ejection,
    ) -> Result<Discovery, DiscoveryError> {
        let set = Arc::new(InstanceSet::new(url.to_owned(), ejection, Clock::system()));
        let task = match url.split_once("://") {
            Some(("static", list)) => {
                set.replace(static_list::parse(list)?);
                None
            }
            Some(("dns", name)) => Some(dns::start(name, DNS_PERIOD, set.clone())?),
            Some(("etcd" | "etcds", _)) => Some(etcd::start(url, set.clone())?),
            _ => {
                return Err(DiscoveryError(format!(
                "unknown discovery URL {url:?}: use etcd://host:port/prefix (etcds:// for TLS), \
                     static://host:port,host:port or dns://name:port"
            )))
            }
        };
        Ok(Discovery {
            source: without_password(url),
            set,
            balance,
            task,
        })
    }

    /// An instance for one call, counted in flight until the [`Pick`] is dropped, another
    /// than `avoid` (where a retried call just failed) if there is one; None while the set is
    /// empty.
    pub fn pick(&self, avoid: Option<&Address>) -> Option<Pick> {
        self.set.pick(self.balance, avoid)
    }

    /// [`Discovery::pick`], waiting up to `timeout` for the source's first report when it has
    /// not reported yet (a client's first call, right after it was made).
    pub fn pick_wait(&self, timeout: Duration, avoid: Option<&Address>) -> Option<Pick> {
        self.set.wait_reported(timeout);
        self.pick(avoid)
    }

    /// Each instance's address, calls in flight, failures and ejections.
    pub fn instances(&self) -> Vec<InstanceState> {
        self.set.instances()
    }

    /// The instances' addresses now.
    pub fn addresses(&self) -> Vec<Address> {
        self.set.addresses()
    }

    /// How many times the list changed: a caller keeping something per address prunes it
    /// when this moves.
    pub fn version(&self) -> u64 {
        self.set.version()
    }

    /// The URL it follows, for error messages.
    pub fn source(&self) -> &str {
        &self.source
    }
}

impl Drop for Discovery {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

/// The process's runtime for the hive's background work (watching sources, keeping a
/// registration alive): one thread, started on first use, idle in between.
pub(crate) fn background() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("thrifthive-hive")
            .enable_all()
            .build()
            .expect("the hive's background runtime cannot start")
    })
}
