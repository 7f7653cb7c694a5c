//! Attaching (SPEC section 8): binding to ports and connecting to hosts.

use std::os::raw::c_char;

use super::args::str_arg;
use super::boundary::ffi_boundary;
use super::hwms;
use crate::handles::with_socket;
use crate::socket::port_value;
use crate::types::zs_socket;

/// Bind `tcp://<bind interface>:port` (the interface is `*` by default:
/// every address, IPv4 and IPv6, reachable from the network; see
/// zs_set_bind_interface). Both HWMs are set before binding (-1 = 100,
/// 0 = no limit); since libzmq 4.2 a socket's HWMs apply to all its pipes,
/// so the latest values set on a socket win for all its endpoints. Port 0
/// binds an ephemeral port. Returns the bound port. A port this socket or
/// anything else already holds is ZS_ERR_ADDRESS_IN_USE.
#[no_mangle]
pub extern "C" fn zs_bind_to_port(s: zs_socket, port: i32, send_hwm: i32, recv_hwm: i32) -> i32 {
    ffi_boundary! {
        let port = port_value(port, 0)?;
        let (send_hwm, recv_hwm) = hwms(send_hwm, recv_hwm)?;
        with_socket(s, |_, st| st.bind_to_port(port, send_hwm, recv_hwm))
    }
}

/// Unbind from `port` (1..65535) by the endpoint libzmq resolved at bind
/// time. When it returns, the port can be bound again at once (it waits,
/// at most 2 s, until libzmq has really closed the listener).
/// ZS_ERR_NOT_BOUND if this socket is not bound to it.
#[no_mangle]
pub extern "C" fn zs_unbind_from_port(s: zs_socket, port: i32) -> i32 {
    ffi_boundary! {
        let port = port_value(port, 1)?;
        with_socket(s, |_, st| st.unbind_from_port(port))
    }
}

/// Unbind from every port. ZS_OK with nothing bound.
#[no_mangle]
pub extern "C" fn zs_unbind_from_all_ports(s: zs_socket) -> i32 {
    ffi_boundary! {
        with_socket(s, |_, st| st.unbind_from_all_ports())
    }
}

/// Resolve `host_id` through the host table (an unknown id is
/// ZS_ERR_UNKNOWN_HOST and changes nothing), set both HWMs, then connect
/// `tcp://address:port` (`tcp://[address]:port` for IPv6). ZeroMQ connects
/// lazily: success means the connect was accepted, not that a peer is
/// there; messages sent meanwhile wait (up to the HWM) and leave once it
/// is. Connecting again to the same host id and port, or to the same
/// endpoint through another id, is ZS_ERR_ALREADY_CONNECTED; connecting
/// to an endpoint this socket is bound to under the same string is
/// ZS_ERR_ADDRESS_IN_USE (see zs_bind_endpoint).
#[no_mangle]
pub extern "C" fn zs_connect_to_host(
    s: zs_socket,
    host_id: *const c_char,
    port: i32,
    send_hwm: i32,
    recv_hwm: i32,
) -> i32 {
    ffi_boundary! {
        let id = str_arg(host_id, "host_id")?;
        let port = port_value(port, 1)?;
        let (send_hwm, recv_hwm) = hwms(send_hwm, recv_hwm)?;
        with_socket(s, |_, st| st.connect_to_host(id, port, send_hwm, recv_hwm))
    }
}

/// Disconnect from `host_id`'s `port`, by the endpoint recorded at connect
/// time (even if the host table changed since). ZS_ERR_NOT_CONNECTED if
/// this socket is not connected there.
#[no_mangle]
pub extern "C" fn zs_disconnect_from_host(s: zs_socket, host_id: *const c_char, port: i32) -> i32 {
    ffi_boundary! {
        let id = str_arg(host_id, "host_id")?;
        let port = port_value(port, 1)?;
        with_socket(s, |_, st| st.disconnect_from_host(id, port))
    }
}

/// Disconnect from every host. ZS_OK with nothing connected.
#[no_mangle]
pub extern "C" fn zs_disconnect_from_all_hosts(s: zs_socket) -> i32 {
    ffi_boundary! {
        with_socket(s, |_, st| st.disconnect_from_all_hosts())
    }
}

/// zs_unbind_from_all_ports, then zs_disconnect_from_all_hosts. The
/// socket stays usable (bind or connect it again); destroy it with
/// zs_socket_destroy.
#[no_mangle]
pub extern "C" fn zs_close(s: zs_socket) -> i32 {
    ffi_boundary! {
        with_socket(s, |_, st| st.close())
    }
}
