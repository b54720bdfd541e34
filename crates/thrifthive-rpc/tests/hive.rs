//! Registry and discovery against a real etcd on loopback: registrations appear in a
//! discovering client's set and leave it when they stop; the set survives etcd going away,
//! and follows again once it is back.

#[path = "common/etcd.rs"]
mod etcd;

use std::time::Duration;

use etcd::{wait_until, Etcd};
use thrifthive_rpc::discovery::{Balance, Discovery, Ejection, InstanceRecord};
use thrifthive_rpc::registry::Registration;

const TTL: Duration = Duration::from_secs(2);
const SOON: Duration = Duration::from_secs(10);

fn register(etcd: &Etcd, id: &str, port: u16) -> Registration {
    let record = InstanceRecord {
        address: format!("127.0.0.1:{port}"),
        weight: 1,
        metadata: serde_json::json!({"id": id}),
    };
    Registration::start(&etcd.url("hive"), "who", id, &record, TTL).expect("a valid registry")
}

fn ports(discovery: &Discovery) -> Vec<String> {
    let mut addresses: Vec<String> = discovery
        .addresses()
        .iter()
        .map(ToString::to_string)
        .collect();
    addresses.sort();
    addresses
}

#[test]
fn instances_come_and_go_and_survive_etcd_restarts() {
    let mut etcd = Etcd::start_new();
    let discovery = Discovery::new(
        &etcd.url("hive/who"),
        Balance::PowerOfTwo,
        Ejection::default(),
    )
    .unwrap();
    let mut one = register(&etcd, "one", 7001);
    let _two = register(&etcd, "two", 7002);
    wait_until("two instances", SOON, || {
        ports(&discovery) == ["127.0.0.1:7001", "127.0.0.1:7002"]
    });

    // A stop revokes the lease: the instance leaves at once, not after the TTL.
    one.stop(Duration::from_secs(2));
    wait_until("one left", TTL, || ports(&discovery) == ["127.0.0.1:7002"]);

    // etcd away: the known instance stays.
    etcd.stop();
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(ports(&discovery), ["127.0.0.1:7002"]);
    assert!(discovery.pick(None).is_some());

    // etcd back: registrations and the watch resume.
    etcd.start();
    let _three = register(&etcd, "three", 7003);
    wait_until("three found", SOON, || {
        ports(&discovery) == ["127.0.0.1:7002", "127.0.0.1:7003"]
    });
}

#[test]
fn bad_registries_are_refused() {
    let record = InstanceRecord {
        address: "127.0.0.1:1".into(),
        weight: 1,
        metadata: serde_json::Value::Null,
    };
    for (url, name) in [
        ("zk://127.0.0.1:1/hive", "who"),
        ("etcd://127.0.0.1:1", "who"),
        ("etcd://127.0.0.1:1/hive", "a/b"),
    ] {
        assert!(Registration::start(url, name, "id", &record, TTL).is_err());
    }
}
