//! Asking (SPEC section 11): what a socket is bound and connected to,
//! answered from the handle table.

use std::fmt::Write;

use crate::socket::SocketState;

pub fn is_bound_to_port(state: &SocketState, port: u16) -> bool {
    state.binds().iter().any(|b| b.port == Some(port))
}

pub fn is_connected_to_host(state: &SocketState, host_id: &str, port: u16) -> bool {
    state.connects().iter().any(|c| c.is_to(host_id, port))
}

/// The bound ports, ascending.
pub fn bound_ports(state: &SocketState) -> Vec<i32> {
    let mut ports: Vec<i32> = state
        .binds()
        .iter()
        .filter_map(|b| b.port.map(i32::from))
        .collect();
    ports.sort_unstable();
    ports
}

/// One line per attachment, each ending in `\n`: `bind <endpoint>` for
/// every bind, then `connect <host_id>:<port> <endpoint>` for every
/// connect through the host table and `connect <endpoint>` for every
/// `zs_connect_endpoint`, each in the order they were made.
pub fn endpoints(state: &SocketState) -> String {
    let mut out = String::new();
    for b in state.binds() {
        let _ = writeln!(out, "bind {}", b.endpoint);
    }
    for c in state.connects() {
        let _ = match &c.host {
            Some((h, p)) => writeln!(out, "connect {h}:{p} {}", c.endpoint),
            None => writeln!(out, "connect {}", c.endpoint),
        };
    }
    out
}
