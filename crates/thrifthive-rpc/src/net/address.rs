//! Addresses as users write them: `host:port`, `[v6 address]:port`, `unix:/path`.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// Where to listen or connect.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Address {
    /// A host name or IP address (an IPv6 one without brackets) and a port; port 0 asks a
    /// listener for a free port.
    Tcp { host: String, port: u16 },
    /// A UNIX socket's path.
    Unix(PathBuf),
}

impl Address {
    pub fn tcp(host: impl Into<String>, port: u16) -> Address {
        Address::Tcp {
            host: host.into(),
            port,
        }
    }

    pub fn unix(path: impl Into<PathBuf>) -> Address {
        Address::Unix(path.into())
    }
}

/// Why a string is no address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressError {
    pub input: String,
    pub reason: &'static str,
}

impl fmt::Display for AddressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid address {:?}: {}", self.input, self.reason)
    }
}

impl std::error::Error for AddressError {}

impl FromStr for Address {
    type Err = AddressError;

    fn from_str(input: &str) -> Result<Address, AddressError> {
        let error = |reason| AddressError {
            input: input.to_owned(),
            reason,
        };
        if let Some(path) = input.strip_prefix("unix:") {
            if path.is_empty() {
                return Err(error(
                    "a UNIX socket address needs a path: unix:/path/to/socket",
                ));
            }
            return Ok(Address::unix(path));
        }
        let Some((host, port)) = input.rsplit_once(':') else {
            return Err(error(
                "expected host:port, [IPv6 address]:port or unix:/path",
            ));
        };
        let host = match host.strip_prefix('[') {
            Some(bracketed) => bracketed
                .strip_suffix(']')
                .ok_or_else(|| error("an opening [ without its closing ]"))?,
            None if host.contains(':') => {
                return Err(error("write an IPv6 address in brackets: [::1]:9090"))
            }
            None => host,
        };
        if host.is_empty() {
            return Err(error("the host is missing"));
        }
        let port = port
            .parse()
            .map_err(|_| error("the port must be a number from 0 to 65535"))?;
        Ok(Address::tcp(host, port))
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Address::Tcp { host, port } if host.contains(':') => write!(f, "[{host}]:{port}"),
            Address::Tcp { host, port } => write!(f, "{host}:{port}"),
            Address::Unix(path) => write!(f, "unix:{}", path.display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        for (text, address) in [
            ("127.0.0.1:9090", Address::tcp("127.0.0.1", 9090)),
            ("localhost:0", Address::tcp("localhost", 0)),
            ("[::1]:9090", Address::tcp("::1", 9090)),
            ("unix:/tmp/s.sock", Address::unix("/tmp/s.sock")),
        ] {
            assert_eq!(text.parse::<Address>(), Ok(address.clone()));
            assert_eq!(address.to_string(), text);
        }
    }

    #[test]
    fn explains_bad_addresses() {
        for (text, reason) in [
            ("localhost", "expected host:port"),
            ("::1:9090", "brackets"),
            ("[::1:9090", "closing ]"),
            (":9090", "host is missing"),
            ("host:http", "port must be a number"),
            ("unix:", "needs a path"),
        ] {
            let error = text.parse::<Address>().unwrap_err();
            assert!(error.to_string().contains(reason), "{text}: {error}");
        }
    }
}
