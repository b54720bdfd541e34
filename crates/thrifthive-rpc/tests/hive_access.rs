//! Reaching etcd as a production cluster asks: several members (one of them down), a user and
//! password (etcd's auth), TLS with client certificates. Registration and discovery both go
//! through the same URL forms, against a real etcd on loopback.

#[path = "common/ca.rs"]
mod ca;
#[path = "common/etcd.rs"]
mod etcd;

use std::net::TcpListener;
use std::path::Path;
use std::time::Duration;

use ca::Ca;
use etcd::{wait_until, Etcd, ServerFiles};
use thrifthive_rpc::discovery::{Balance, Discovery, Ejection, EtcdTarget, InstanceRecord};
use thrifthive_rpc::registry::Registration;

const TTL: Duration = Duration::from_secs(2);
const SOON: Duration = Duration::from_secs(10);

const ADDRESS: &str = "127.0.0.1:7101";

/// Registers an instance at `registry`.
fn register(registry: &str) -> Registration {
    let record = InstanceRecord {
        address: ADDRESS.into(),
        weight: 1,
        metadata: serde_json::Value::Null,
    };
    Registration::start(registry, "who", "one", &record, TTL).expect("a valid registry")
}

fn follow(url: &str) -> Discovery {
    Discovery::new(url, Balance::PowerOfTwo, Ejection::default()).expect("a valid URL")
}

/// Whether a client following `url` finds the registered instance within `within`.
fn finds_it(url: &str, within: Duration) -> bool {
    let discovery = follow(url);
    let deadline = std::time::Instant::now() + within;
    while std::time::Instant::now() < deadline {
        if discovery
            .pick(None)
            .is_some_and(|pick| pick.address().to_string() == ADDRESS)
        {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// Registers at `registry`, finds the instance through `discovery`, and sees it leave when
/// it stops.
fn register_and_discover(registry: &str, discovery: &str) {
    let mut registration = register(registry);
    assert!(finds_it(discovery, SOON), "{discovery}");
    registration.stop(Duration::from_secs(2));
    let follower = follow(discovery);
    wait_until("the instance gone", SOON, || {
        follower.pick_wait(SOON, None).is_none()
    });
}

/// A port nothing listens on.
fn dead_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn a_member_that_is_down_is_passed_over() {
    let etcd = Etcd::start_new();
    let members = format!("127.0.0.1:{},127.0.0.1:{}", dead_port(), etcd.port);
    register_and_discover(
        &format!("etcd://{members}/hive"),
        &format!("etcd://{members}/hive/who"),
    );
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn a_user_and_password_authenticate() {
    let etcd = Etcd::start_new();
    runtime().block_on(async {
        let target = EtcdTarget::parse(&etcd.url("hive")).unwrap();
        let mut admin = target.connect().await.unwrap();
        admin.user_add("root", "r00t:pw", None).await.unwrap();
        admin.user_grant_role("root", "root").await.unwrap();
        admin.auth_enable().await.unwrap();
    });
    // ':' in the password is percent-encoded.
    let url = |path: &str| format!("etcd://root:r00t%3Apw@127.0.0.1:{}/{path}", etcd.port);
    register_and_discover(&url("hive"), &url("hive/who"));

    // While an instance is registered, a wrong password finds nothing (nor does no user),
    // and what the client shows of its URL keeps the password to itself.
    let _registered = register(&url("hive"));
    assert!(finds_it(&url("hive/who"), SOON));
    let wrong = format!("etcd://root:nope@127.0.0.1:{}/hive/who", etcd.port);
    assert!(!finds_it(&wrong, Duration::from_secs(2)));
    assert!(!finds_it(&etcd.url("hive/who"), Duration::from_secs(2)));
    let discovery = follow(&wrong);
    assert!(
        !discovery.source().contains("nope"),
        "{}",
        discovery.source()
    );
}

#[test]
fn tls_with_client_certificates() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new(dir.path(), "ca");
    let (cert, key) = ca.issue(dir.path(), "etcd", &["127.0.0.1", "localhost"], false);
    let (client_cert, client_key) = ca.issue(dir.path(), "client", &["client"], false);
    let etcd = Etcd::start_tls(ServerFiles {
        cert,
        key,
        client_ca: ca.pem.clone(),
    });
    let files = |ca: &Path| {
        format!(
            "ca={}&cert={}&key={}",
            ca.display(),
            client_cert.display(),
            client_key.display()
        )
    };
    let url =
        |path: &str, ca: &Path| format!("etcds://127.0.0.1:{}/{path}?{}", etcd.port, files(ca));
    register_and_discover(&url("hive", &ca.pem), &url("hive/who", &ca.pem));

    // While an instance is registered: plaintext to a TLS etcd, a CA that did not sign etcd's
    // certificate, or no client certificate find nothing.
    let _registered = register(&url("hive", &ca.pem));
    assert!(finds_it(&url("hive/who", &ca.pem), SOON));
    let stranger = Ca::new(dir.path(), "stranger");
    let no_client_cert = format!(
        "etcds://127.0.0.1:{}/hive/who?ca={}",
        etcd.port,
        ca.pem.display()
    );
    for wrong in [
        etcd.url("hive/who"),
        url("hive/who", &stranger.pem),
        no_client_cert,
    ] {
        assert!(!finds_it(&wrong, Duration::from_secs(2)), "{wrong}");
    }
}
