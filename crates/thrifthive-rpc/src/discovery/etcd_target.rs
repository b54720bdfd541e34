//! Where the hive's etcd is and how to reach it, from a URL shared by discovery and the
//! registry:
//!
//! ```text
//! etcd://[user:password@]host:port[,host:port...]/prefix
//! etcds://[user:password@]host:port[,host:port...]/prefix[?ca=PEM&cert=PEM&key=PEM]
//! ```
//!
//! Several endpoints are the members of one cluster: the client spreads its requests over
//! them and goes on with the others when one is down. `etcds` speaks TLS, verifying the
//! members against `ca` (the system's trust store without it), and presents `cert`/`key`
//! when the cluster wants client certificates. A user and password (percent-encoded where
//! needed) authenticate against etcd's auth. What is logged or put in an error message is
//! the target's `Display`: the URL without its password.

use std::fmt;
use std::path::Path;
use std::time::Duration;

use etcd_client::{Certificate, Client, ConnectOptions, Identity, TlsOptions};
use percent_encoding::percent_decode_str;

use super::DiscoveryError;
use crate::net::Address;

/// A parsed `etcd://` or `etcds://` URL, ready to connect.
#[derive(Debug, Clone)]
pub struct EtcdTarget {
    endpoints: Vec<String>,
    /// The key prefix, always ending with `/` (so `/hive/users` never matches `/hive/users2`).
    prefix: String,
    options: ConnectOptions,
    display: String,
}

impl EtcdTarget {
    /// Parses `url`, reading the TLS files it names (so a wrong path fails here, clearly).
    pub fn parse(url: &str) -> Result<EtcdTarget, DiscoveryError> {
        let (tls, rest) = match url.split_once("://") {
            Some(("etcd", rest)) => (false, rest),
            Some(("etcds", rest)) => (true, rest),
            _ => return Err(usage(url, "an etcd URL starts with etcd:// or etcds://")),
        };
        let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let (user, hosts) = match authority.rsplit_once('@') {
            Some((user, hosts)) => (Some(credentials(url, user)?), hosts),
            None => (None, authority),
        };
        let path = path.trim_matches('/');
        if path.is_empty() {
            return Err(usage(url, "a key prefix is missing"));
        }
        let scheme = if tls { "https" } else { "http" };
        let endpoints = hosts
            .split(',')
            .map(|host| match host.parse::<Address>() {
                Ok(Address::Tcp { .. }) => Ok(format!("{scheme}://{host}")),
                _ => Err(usage(url, &format!("{host:?} is not a host:port"))),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut options = connect_options();
        if let Some((name, password)) = &user {
            options = options
                .with_user(name, password)
                .with_auto_token_refresh(true);
        }
        if tls {
            options = options.with_tls(tls_options(url, query)?);
        } else if !query.is_empty() {
            return Err(usage(url, "TLS settings need an etcds:// URL"));
        }
        let who = user.map_or(String::new(), |(name, _)| format!("{name}@"));
        let scheme = if tls { "etcds" } else { "etcd" };
        Ok(EtcdTarget {
            endpoints,
            prefix: format!("/{path}/"),
            options,
            display: format!("{scheme}://{who}{hosts}/{path}"),
        })
    }

    /// The key prefix, ending with `/`.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// A client of the cluster. Errors are etcd-client's: unreachable, refused credentials,
    /// a certificate that does not verify.
    pub async fn connect(&self) -> Result<Client, etcd_client::Error> {
        Client::connect(&self.endpoints, Some(self.options.clone())).await
    }
}

impl fmt::Display for EtcdTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display)
    }
}

/// How the hive connects to etcd: bounded connects and requests, and HTTP/2 pings, so that a
/// dead etcd is noticed in seconds even without a reset.
fn connect_options() -> ConnectOptions {
    ConnectOptions::new()
        .with_connect_timeout(Duration::from_secs(2))
        .with_timeout(Duration::from_secs(5))
        .with_keep_alive(Duration::from_secs(2), Duration::from_secs(2))
        .with_keep_alive_while_idle(true)
}

/// `user:password`, each percent-decoded.
fn credentials(url: &str, userinfo: &str) -> Result<(String, String), DiscoveryError> {
    let Some((name, password)) = userinfo.split_once(':') else {
        return Err(usage(url, "write user:password@ before the host"));
    };
    let decode = |part: &str| {
        percent_decode_str(part)
            .decode_utf8()
            .map(|text| text.into_owned())
            .map_err(|_| {
                usage(
                    url,
                    "the user or password is not UTF-8 once percent-decoded",
                )
            })
    };
    Ok((decode(name)?, decode(password)?))
}

/// The TLS settings of `?ca=...&cert=...&key=...`.
fn tls_options(url: &str, query: &str) -> Result<TlsOptions, DiscoveryError> {
    let (mut ca, mut cert, mut key) = (None, None, None);
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_decode_str(value).decode_utf8_lossy().into_owned();
        let slot = match name {
            "ca" => &mut ca,
            "cert" => &mut cert,
            "key" => &mut key,
            _ => {
                return Err(usage(
                    url,
                    &format!("unknown setting {name:?}: use ca, cert, key"),
                ))
            }
        };
        *slot = Some(read_pem(name, &value)?);
    }
    let mut tls = match ca {
        Some(ca) => TlsOptions::new().ca_certificate(Certificate::from_pem(ca)),
        None => TlsOptions::new().with_native_roots(),
    };
    match (cert, key) {
        (Some(cert), Some(key)) => tls = tls.identity(Identity::from_pem(cert, key)),
        (None, None) => {}
        _ => return Err(usage(url, "a client certificate needs both cert= and key=")),
    }
    Ok(tls)
}

fn read_pem(what: &str, path: &str) -> Result<Vec<u8>, DiscoveryError> {
    std::fs::read(Path::new(path))
        .map_err(|err| DiscoveryError(format!("etcd TLS: cannot read {what}={path}: {err}")))
}

/// A wrong URL, shown without its password, with the forms that work.
fn usage(url: &str, problem: &str) -> DiscoveryError {
    DiscoveryError(format!(
        "{}: {problem}; write etcd://host:port[,host:port...]/prefix (etcds:// for TLS, \
         ?ca=&cert=&key= for its files, user:password@ before the hosts), \
         e.g. etcd://127.0.0.1:2379/hive/users",
        without_password(url)
    ))
}

/// `url` with the password of its user part, if any, replaced by `***`.
pub fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rsplit_once('@') {
        Some((userinfo, _)) => {
            let name = userinfo.split_once(':').map_or(userinfo, |(name, _)| name);
            let at = rest[..authority_end].rfind('@').map_or(0, |at| at + 1);
            format!("{scheme}://{name}:***@{}", &rest[at..])
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_endpoint() {
        let target = EtcdTarget::parse("etcd://127.0.0.1:2379/hive/users/").unwrap();
        assert_eq!(target.endpoints, ["http://127.0.0.1:2379"]);
        assert_eq!(target.prefix(), "/hive/users/");
        assert_eq!(target.to_string(), "etcd://127.0.0.1:2379/hive/users");
    }

    #[test]
    fn several_endpoints_and_a_user() {
        let target =
            EtcdTarget::parse("etcd://hive:p%40ss%3Aw@127.0.0.1:1,[::1]:2,localhost:3/hive")
                .unwrap();
        assert_eq!(
            target.endpoints,
            ["http://127.0.0.1:1", "http://[::1]:2", "http://localhost:3"]
        );
        assert_eq!(target.prefix(), "/hive/");
        assert_eq!(
            target.to_string(),
            "etcd://hive@127.0.0.1:1,[::1]:2,localhost:3/hive"
        );
        assert!(!format!("{target}").contains("p%40ss"));
    }

    #[test]
    fn wrong_urls_say_what_is_wrong() {
        for (url, problem) in [
            ("etcd://127.0.0.1:2379", "prefix is missing"),
            ("etcd://nohost/hive", "\"nohost\" is not a host:port"),
            ("etcd://127.0.0.1:1,/hive", "\"\" is not a host:port"),
            ("etcd://unix:/tmp/e/hive", "is not a host:port"),
            ("etcd://user@127.0.0.1:1/hive", "user:password@"),
            ("etcd://127.0.0.1:1/hive?ca=x", "need an etcds:// URL"),
            ("etcds://127.0.0.1:1/hive?pin=x", "unknown setting \"pin\""),
            (
                "etcds://127.0.0.1:1/hive?ca=/nonexistent",
                "cannot read ca=/nonexistent",
            ),
            ("http://127.0.0.1:1/hive", "starts with etcd://"),
        ] {
            let error = EtcdTarget::parse(url).unwrap_err().to_string();
            assert!(error.contains(problem), "{url}: {error}");
        }
    }

    #[test]
    fn a_client_certificate_needs_its_key() {
        let dir = tempfile::tempdir().unwrap();
        let cert = dir.path().join("cert.pem");
        std::fs::write(&cert, "not checked until connecting").unwrap();
        let url = format!("etcds://127.0.0.1:1/hive?cert={}", cert.display());
        let error = EtcdTarget::parse(&url).unwrap_err().to_string();
        assert!(error.contains("needs both cert= and key="), "{error}");
    }

    #[test]
    fn passwords_are_never_shown() {
        let error = EtcdTarget::parse("etcd://root:s3cret@nohost/hive")
            .unwrap_err()
            .to_string();
        assert!(!error.contains("s3cret"), "{error}");
        assert!(error.contains("root:***@nohost"), "{error}");
        assert_eq!(without_password("etcd://a:b@c:1/x"), "etcd://a:***@c:1/x");
        assert_eq!(without_password("static://h:1,h:2"), "static://h:1,h:2");
    }
}
