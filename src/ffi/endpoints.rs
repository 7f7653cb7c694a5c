//! Any endpoint, and where binds listen (SPEC section 15).

use std::os::raw::c_char;

use super::args::str_arg;
use super::boundary::ffi_boundary;
use super::{endpoint_arg, hwms};
use crate::handles::with_socket;
use crate::socket::{self};
use crate::types::zs_socket;

/// Bind any libzmq endpoint (`tcp://127.0.0.1:0`, `ipc:///tmp/x.sock`,
/// `inproc://name`), with both HWMs set first as zs_bind_to_port does.
/// Returns the TCP port (the ephemeral one for port 0), or 0 for other
/// transports. Tracked like zs_bind_to_port: listed by zs_endpoints (as
/// libzmq resolved it), counted by zs_bound_ports and zs_is_bound_to_port
/// when it is TCP, and removed by zs_unbind_from_all_ports and zs_close. A
/// malformed endpoint or unknown transport is ZS_ERR_INVALID_ARGUMENT; one
/// already taken is ZS_ERR_ADDRESS_IN_USE, and so is an endpoint this
/// socket is connected to under the same string (libzmq keys binds and
/// connects by that string, so a disconnect would end the bind too). A
/// destroyed socket's inproc names can be bound again at once.
#[no_mangle]
pub extern "C" fn zs_bind_endpoint(
    s: zs_socket,
    endpoint: *const c_char,
    send_hwm: i32,
    recv_hwm: i32,
) -> i32 {
    ffi_boundary! {
        let ep = endpoint_arg(endpoint)?;
        let (send_hwm, recv_hwm) = hwms(send_hwm, recv_hwm)?;
        with_socket(s, |_, st| st.bind_endpoint(ep, send_hwm, recv_hwm))
    }
}

/// Unbind an endpoint, given as it was bound (e.g. with port 0) or as libzmq
/// resolved it (`tcp://[::]:41234`, as zs_endpoints lists it). A TCP
/// unbind waits, as zs_unbind_from_port does, until the port is free.
/// ZS_ERR_NOT_BOUND if this socket is not bound to it.
#[no_mangle]
pub extern "C" fn zs_unbind_endpoint(s: zs_socket, endpoint: *const c_char) -> i32 {
    ffi_boundary! {
        let ep = endpoint_arg(endpoint)?;
        with_socket(s, |_, st| st.unbind_endpoint(ep))
    }
}

/// Connect any libzmq endpoint, with both HWMs set first as
/// zs_connect_to_host does (lazily: success means the connect was
/// accepted). Listed by zs_endpoints as "connect <endpoint>", removed by
/// zs_disconnect_from_all_hosts and zs_close. The same endpoint twice (by
/// either form) is ZS_ERR_ALREADY_CONNECTED; an endpoint this socket is
/// bound to under the same string is ZS_ERR_ADDRESS_IN_USE.
///
/// inproc: as in libzmq, a socket may connect to a name nobody has bound
/// yet; its connection waits, messages queue up to the HWM, and it is made
/// when the name is bound. One socket at a time may wait for a given name:
/// a second socket's connect to the same unbound name is
/// ZS_ERR_WRONG_STATE (bind first, or connect after the bind): a libzmq
/// defect forces this (docs/libzmq-defects.md). A connect that cannot
/// also get the socket that would later release it (out of descriptors)
/// is ZS_ERR_ZMQ.
#[no_mangle]
pub extern "C" fn zs_connect_endpoint(
    s: zs_socket,
    endpoint: *const c_char,
    send_hwm: i32,
    recv_hwm: i32,
) -> i32 {
    ffi_boundary! {
        let ep = endpoint_arg(endpoint)?;
        let (send_hwm, recv_hwm) = hwms(send_hwm, recv_hwm)?;
        with_socket(s, |_, st| st.connect_endpoint(ep, send_hwm, recv_hwm))
    }
}

/// Disconnect an endpoint, whether it was connected with
/// zs_connect_endpoint or zs_connect_to_host (by the endpoint zs_endpoints
/// lists). ZS_ERR_NOT_CONNECTED if this socket is not connected to it.
#[no_mangle]
pub extern "C" fn zs_disconnect_endpoint(s: zs_socket, endpoint: *const c_char) -> i32 {
    ffi_boundary! {
        let ep = endpoint_arg(endpoint)?;
        with_socket(s, |_, st| st.disconnect_endpoint(ep))
    }
}

/// Set where zs_bind_to_port listens from now on: "*" (the default, as in
/// Storyplayer: every interface, reachable from the network), an IP
/// address such as "127.0.0.1" or "::1", or an interface name such as
/// "lo". The environment variable ZMQSOCKET_BIND_INTERFACE sets the
/// starting value, so a harness on a shared machine can keep every port on
/// loopback without changing its code. Existing binds are not moved.
#[no_mangle]
pub extern "C" fn zs_set_bind_interface(iface: *const c_char) -> i32 {
    ffi_boundary! {
        super::prime();
        socket::set_bind_interface(str_arg(iface, "iface")?)
    }
}
