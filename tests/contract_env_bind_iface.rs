//! SPEC section 15: ZMQSOCKET_BIND_INTERFACE sets where zs_bind_to_port
//! listens until zs_set_bind_interface changes it (process-wide, so this
//! binary has a single test, which sets the variable before any call).

mod common;

use std::net::{Ipv4Addr, TcpStream};

use common::*;
use zmqsocket::*;

/// This machine's first non-loopback IPv4 address, if it has one.
fn other_ipv4() -> Option<Ipv4Addr> {
    let s = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    s.connect("192.0.2.1:9").ok()?; // TEST-NET-1: nothing is sent
    match s.local_addr().ok()?.ip() {
        std::net::IpAddr::V4(a) if !a.is_loopback() && !a.is_unspecified() => Some(a),
        _ => None,
    }
}

#[test]
fn env_keeps_binds_on_loopback_until_changed() {
    std::env::set_var("ZMQSOCKET_BIND_INTERFACE", " 127.0.0.1 ");
    let (s, port) = bound(PULL);
    assert_eq!(
        endpoints(s).trim_end(),
        format!("bind tcp://127.0.0.1:{port}")
    );
    // Reachable on loopback, and not on the machine's other address.
    assert!(TcpStream::connect(("127.0.0.1", port as u16)).is_ok());
    if let Some(a) = other_ipv4() {
        assert!(
            TcpStream::connect((a, port as u16)).is_err(),
            "a bind kept on loopback answered on {a}"
        );
    }
    destroy(s);

    // zs_set_bind_interface wins over the variable from then on.
    assert_eq!(zs_set_bind_interface(c"*".as_ptr()), OK);
    let (s, port) = bound(PULL);
    let listing = endpoints(s).trim_end().to_string();
    assert!(
        listing == format!("bind tcp://[::]:{port}")
            || listing == format!("bind tcp://0.0.0.0:{port}"),
        "a bind on * lists {listing:?}"
    );
    destroy(s);
}
