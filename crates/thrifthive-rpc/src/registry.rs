//! The registry side of the hive: a running server's instance record under a lease in etcd.
//!
//! A [`Registration`] puts `<prefix>/<name>/<instance id>` = its [`InstanceRecord`] as JSON
//! under a lease of `ttl`, and keeps the lease alive (a keep-alive every third of the TTL).
//! When etcd cannot be reached, or the lease is lost (etcd restarted, or the keep-alives came
//! too late), it logs that clearly and registers again every [`RETRY`] with a new lease: the
//! server keeps serving meanwhile. [`Registration::stop`] revokes the lease, which deletes
//! the key at once (clients drop the instance before it drains); an instance that dies
//! without stopping disappears when its lease expires.

use std::time::Duration;

use etcd_client::{Client, PutOptions};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::discovery::etcd::RETRY;
use crate::discovery::{background, DiscoveryError, EtcdTarget, InstanceRecord};

const LOG: &str = "thrifthive.registry";

/// A registered instance; registered until [`Registration::stop`] (or drop, which does not
/// wait for the revoke).
#[derive(Debug)]
pub struct Registration {
    key: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Registration {
    /// Starts registering `record` as `id` of service `name` in the registry at `url`
    /// (`etcd://host:port/prefix`, or any form of [`EtcdTarget`]); returns at once, the work
    /// goes on in the background.
    pub fn start(
        url: &str,
        name: &str,
        id: &str,
        record: &InstanceRecord,
        ttl: Duration,
    ) -> Result<Registration, DiscoveryError> {
        let target = EtcdTarget::parse(url)?;
        if name.is_empty() || name.contains('/') {
            return Err(DiscoveryError(format!(
                "a registered service needs a name without '/', got {name:?}"
            )));
        }
        let ttl_secs = ttl.as_secs().max(1) as i64;
        let key = format!("{}{name}/{id}", target.prefix());
        let value = serde_json::to_string(record).expect("a record always serializes");
        let (stop, stopped) = oneshot::channel();
        let task = background().spawn(keep_registered(
            target,
            key.clone(),
            value,
            ttl_secs,
            stopped,
        ));
        Ok(Registration {
            key,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The key it is registered under.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Deregisters: revokes the lease (so the key goes at once), waiting at most `timeout`.
    /// Blocks; call it from outside any runtime.
    pub fn stop(&mut self, timeout: Duration) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let runtime = background();
            let done = runtime.block_on(async { tokio::time::timeout(timeout, task).await });
            if done.is_err() {
                log::warn!(target: LOG, "{}: etcd did not confirm the deregistration within \
                    {timeout:?}; the key goes when its lease expires", self.key);
            }
        }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Registers, keeps alive, registers again after failures, until `stopped`; then revokes.
async fn keep_registered(
    target: EtcdTarget,
    key: String,
    value: String,
    ttl: i64,
    mut stopped: oneshot::Receiver<()>,
) {
    let mut failing = false;
    loop {
        let mut lease = None;
        let outcome = tokio::select! {
            outcome = register(&target, &key, &value, ttl, &mut lease, &mut failing) => outcome,
            _ = &mut stopped => {
                if let Some((mut client, id)) = lease {
                    match client.lease_revoke(id).await {
                        Ok(_) => log::info!(target: LOG, "{key}: deregistered"),
                        Err(err) => log::warn!(target: LOG, "{key}: cannot revoke its lease \
                            ({err}); the key goes when the lease expires"),
                    }
                }
                return;
            }
        };
        if !failing {
            failing = true;
            log::warn!(target: LOG, "{key}: cannot register in {target} ({outcome}); still \
                serving, retrying every {RETRY:?}");
        } else {
            log::debug!(target: LOG, "{key}: {outcome}");
        }
        tokio::select! {
            _ = tokio::time::sleep(RETRY) => {}
            _ = &mut stopped => return,
        }
    }
}

/// Grants a lease, puts the record under it and keeps it alive; returns why it stopped.
/// `lease` holds the client and lease id once granted, for the revoke.
async fn register(
    target: &EtcdTarget,
    key: &str,
    value: &str,
    ttl: i64,
    lease: &mut Option<(Client, i64)>,
    failing: &mut bool,
) -> String {
    let result: Result<String, etcd_client::Error> = async {
        let mut client = target.connect().await?;
        let id = client.lease_grant(ttl, None).await?.id();
        *lease = Some((client.clone(), id));
        client
            .put(key, value, Some(PutOptions::new().with_lease(id)))
            .await?;
        if std::mem::take(failing) {
            log::info!(target: LOG, "{key}: registered again in {target}");
        } else {
            log::info!(target: LOG, "{key}: registered in {target}, ttl {ttl}s");
        }
        let (mut keeper, mut replies) = client.lease_keep_alive(id).await?;
        let period = Duration::from_millis((ttl as u64 * 1000 / 3).max(100));
        loop {
            keeper.keep_alive().await?;
            match replies.message().await? {
                Some(reply) if reply.ttl() > 0 => {}
                _ => return Ok("the lease expired".to_owned()),
            }
            tokio::time::sleep(period).await;
        }
    }
    .await;
    match result {
        Ok(reason) => reason,
        Err(err) => err.to_string(),
    }
}
