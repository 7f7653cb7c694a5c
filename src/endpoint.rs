//! What the library reads out of endpoint strings: the transport, the
//! address, the port.

use std::net::SocketAddr;

/// True for `tcp://a.b.c.d:port`.
pub(crate) fn is_ipv4_tcp(endpoint: &str) -> bool {
    endpoint
        .strip_prefix("tcp://")
        .and_then(|a| a.rsplit_once(':'))
        .is_some_and(|(host, _)| host.parse::<std::net::Ipv4Addr>().is_ok())
}

/// True for a TCP endpoint asking for an ephemeral port (`tcp://*:0`,
/// `tcp://*:*`), which may be bound more than once.
pub(crate) fn is_wildcard_port(endpoint: &str) -> bool {
    endpoint.starts_with("tcp://") && (endpoint.ends_with(":0") || endpoint.ends_with(":*"))
}

/// The port at the end of a resolved TCP endpoint.
pub(crate) fn endpoint_port(endpoint: &str) -> Option<u16> {
    endpoint.rsplit(':').next()?.parse().ok()
}

/// True if two endpoints are the same TCP address (`tcp://[::1]:5000` and
/// `tcp://[0:0::1]:5000`); false if either is not an IP address and port.
pub(crate) fn same_tcp_addr(a: &str, b: &str) -> bool {
    let addr = |e: &str| e.strip_prefix("tcp://")?.parse::<SocketAddr>().ok();
    matches!((addr(a), addr(b)), (Some(x), Some(y)) if x == y)
}

/// The port of a `tcp://host:port` endpoint.
pub(crate) fn tcp_port(endpoint: &str) -> Option<u16> {
    endpoint
        .strip_prefix("tcp://")?
        .rsplit(':')
        .next()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_tcp_endpoints() {
        assert!(is_ipv4_tcp("tcp://127.0.0.1:5000"));
        assert!(!is_ipv4_tcp("tcp://[::1]:5000"));
        assert!(!is_ipv4_tcp("tcp://localhost:5000"));
        assert!(!is_ipv4_tcp("ipc:///tmp/127.0.0.1:1"));
    }

    #[test]
    fn wildcard_ports() {
        assert!(is_wildcard_port("tcp://*:0"));
        assert!(is_wildcard_port("tcp://127.0.0.1:*"));
        assert!(!is_wildcard_port("tcp://*:5000"));
        assert!(!is_wildcard_port("inproc://a:0"));
    }

    #[test]
    fn ports() {
        assert_eq!(endpoint_port("tcp://[::]:5000"), Some(5000));
        assert_eq!(endpoint_port("tcp://0.0.0.0:1"), Some(1));
        assert_eq!(endpoint_port("inproc://name"), None);
        assert_eq!(tcp_port("tcp://[::1]:5000"), Some(5000));
        assert_eq!(tcp_port("ipc:///tmp/x:5"), None);
    }

    #[test]
    fn same_addresses() {
        assert!(same_tcp_addr("tcp://[::1]:5000", "tcp://[0:0::1]:5000"));
        assert!(!same_tcp_addr("tcp://[::1]:5000", "tcp://[::1]:5001"));
        assert!(!same_tcp_addr(
            "tcp://localhost:5000",
            "tcp://localhost:5000"
        ));
    }
}
