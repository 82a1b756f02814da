//! Fetching an image by URL without letting a logged-in user reach what
//! only Riff's own host can: a URL that names or resolves to a loopback,
//! private, link-local, unique-local or otherwise non-public address is
//! refused — every address a name resolves to, on every redirect — and
//! every failure gives the same message, so the answers cannot be used to
//! tell a closed port from an open one (a port scan from inside).
//!
//! Names are checked by the HTTP client's resolver ([`PublicOnly`]), so a
//! name that resolves differently on the second look (DNS rebinding) is
//! checked where it is used; addresses written as such in a URL (which no
//! resolver sees) are checked before the first request and on each
//! redirect ([`public_url`]).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::Url;

/// Whether anyone on the internet could reach the address: not loopback,
/// private (RFC 1918), shared (RFC 6598), link-local, unique-local,
/// unspecified, broadcast, multicast or reserved.
pub(crate) fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || (first == 0x2001 && ip.segments()[1] == 0x0db8)
        || ip.to_ipv4().is_some_and(|v4| !is_public_v4(v4)))
}

/// Whether a URL may be fetched as far as can be told without resolving
/// it: its host, when written as an address, is public.
/// (The URL parser has already written every form of an IPv4 address,
/// `0x7f.1` or `2130706433`, as dotted decimal.)
pub(crate) fn public_url(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
        .map_or(true, is_public)
}

/// Whether the marketplaces, out on the internet, could fetch from `raw`
/// (Riff's `RIFF_PUBLIC_URL`): `https`, and a host that is a public address
/// or a dotted name that is not this machine's or the local network's.
pub(crate) fn reachable_https(raw: &str) -> bool {
    let Ok(url) = Url::parse(raw) else {
        return false;
    };
    let named_publicly = url.domain().is_none_or(|name| {
        let name = name.to_ascii_lowercase();
        name.contains('.') && !name.ends_with(".local") && !name.ends_with(".localhost")
    });
    url.scheme() == "https" && url.host_str().is_some() && public_url(&url) && named_publicly
}

/// A resolver that answers only with public addresses, and not at all
/// when any address the name has is not public.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((name.as_str(), 0)).await?.collect();
            if addrs.is_empty() || addrs.iter().any(|a| !is_public(a.ip())) {
                return Err("the address is not public".into());
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    #[test]
    fn only_a_public_https_address_can_serve_the_platforms_pictures() {
        for public in ["https://shop.example.com", "https://81.2.69.160:8443/riff"] {
            assert!(reachable_https(public), "{public}");
        }
        for private in [
            "http://shop.example.com",
            "https://localhost:8000",
            "https://127.0.0.1",
            "https://192.168.1.20",
            "https://[::1]",
            "https://riff.local",
            "not a url",
        ] {
            assert!(!reachable_https(private), "{private}");
        }
    }

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in [
            "93.184.216.34",
            "8.8.8.8",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn addresses_written_in_a_url_are_checked_in_every_spelling() {
        for private in [
            "http://127.0.0.1/a.jpg",
            "http://0x7f.1/a.jpg",
            "http://2130706433/a.jpg",
            "http://[::1]:8000/a.jpg",
            "http://[::ffff:169.254.169.254]/latest",
            "http://10.0.0.1:22/",
        ] {
            assert!(!public_url(&Url::parse(private).unwrap()), "{private}");
        }
        for fine in ["https://example.com/a.jpg", "http://93.184.216.34/a.jpg"] {
            assert!(public_url(&Url::parse(fine).unwrap()), "{fine}");
        }
    }

    #[tokio::test]
    async fn a_name_for_a_private_address_is_not_resolved() {
        let refused = PublicOnly
            .resolve(Name::from_str("localhost").unwrap())
            .await;
        assert!(refused.is_err());
    }
}
