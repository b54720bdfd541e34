//! A real etcd for the hive's tests: a single member on free loopback ports, its data in a
//! temporary directory, killed when dropped (or by [`Etcd::stop`], and started again on the
//! same ports and data by [`Etcd::start`]). [`Etcd::start_tls`] serves clients over TLS only,
//! requiring client certificates.

#![allow(dead_code)] // Each test binary uses part of it.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

pub struct Etcd {
    pub port: u16,
    peer_port: u16,
    data: TempDir,
    child: Option<Child>,
    tls: Option<ServerFiles>,
}

/// The PEM files of a TLS etcd: its certificate and key, and the CA its clients' come from.
pub struct ServerFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
    pub client_ca: PathBuf,
}

impl Etcd {
    /// Starts etcd (Debian's `etcd-server`, installed by `make setup`).
    pub fn start_new() -> Etcd {
        Etcd::start_with(None)
    }

    /// Starts etcd serving clients over TLS with `files`, client certificates required.
    pub fn start_tls(files: ServerFiles) -> Etcd {
        Etcd::start_with(Some(files))
    }

    fn start_with(tls: Option<ServerFiles>) -> Etcd {
        let mut etcd = Etcd {
            port: free_port(),
            peer_port: free_port(),
            data: tempfile::tempdir().expect("a temporary directory"),
            child: None,
            tls,
        };
        etcd.start();
        etcd
    }

    /// `etcd://127.0.0.1:port/<path>`.
    pub fn url(&self, path: &str) -> String {
        format!("etcd://127.0.0.1:{}/{path}", self.port)
    }

    pub fn start(&mut self) {
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        let client = format!("{scheme}://127.0.0.1:{}", self.port);
        let peer = format!("http://127.0.0.1:{}", self.peer_port);
        let binary = if Path::new("/usr/bin/etcd").exists() {
            "/usr/bin/etcd"
        } else {
            "etcd"
        };
        let mut command = Command::new(binary);
        if let Some(files) = &self.tls {
            command
                .arg(format!("--cert-file={}", files.cert.display()))
                .arg(format!("--key-file={}", files.key.display()))
                .arg(format!("--trusted-ca-file={}", files.client_ca.display()))
                .arg("--client-cert-auth");
        }
        let child = command
            .arg("--name=hive-test")
            .arg(format!(
                "--data-dir={}",
                self.data.path().join("etcd").display()
            ))
            .arg(format!("--listen-client-urls={client}"))
            .arg(format!("--advertise-client-urls={client}"))
            .arg(format!("--listen-peer-urls={peer}"))
            .arg(format!("--initial-advertise-peer-urls={peer}"))
            .arg(format!("--initial-cluster=hive-test={peer}"))
            .arg("--log-level=error")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("etcd starts (is etcd-server installed? run make setup)");
        self.child = Some(child);
        wait_until("etcd listening", Duration::from_secs(15), || {
            TcpStream::connect(("127.0.0.1", self.port)).is_ok()
        });
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Etcd {
    fn drop(&mut self) {
        self.stop();
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("its address").port()
}

/// Polls `ok` until it holds, panicking with `what` after `timeout`.
pub fn wait_until(what: &str, timeout: Duration, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !ok() {
        assert!(Instant::now() < deadline, "{what}: not after {timeout:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}
