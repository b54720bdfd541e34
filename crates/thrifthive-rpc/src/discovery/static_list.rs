//! `static://host:port,host:port`: a fixed list, for a hive without etcd.

use super::DiscoveryError;
use crate::net::Address;

/// The addresses of a comma-separated list, each with weight 1.
pub fn parse(list: &str) -> Result<Vec<(Address, u32)>, DiscoveryError> {
    let addresses = list
        .split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(|a| {
            a.parse::<Address>()
                .map(|address| (address, 1))
                .map_err(|err| DiscoveryError(format!("static://{list}: {err}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if addresses.is_empty() {
        return Err(DiscoveryError(format!(
            "static://{list} names no address: write static://host:port,host:port"
        )));
    }
    Ok(addresses)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list() {
        let list = parse("127.0.0.1:1, [::1]:2").unwrap();
        assert_eq!(list[0].0, Address::tcp("127.0.0.1", 1));
        assert_eq!(list[1].0, Address::tcp("::1", 2));
    }

    #[test]
    fn bad_lists() {
        assert!(parse("").is_err());
        assert!(parse("127.0.0.1").unwrap_err().0.contains("host:port"));
    }
}
