//! Asking (SPEC section 11): what a socket is bound and connected to.

use std::os::raw::c_char;

use super::args::{self, str_arg};
use super::boundary::ffi_boundary;
use crate::handles::with_socket;
use crate::hosts;
use crate::ops::introspect;
use crate::socket::port_value;
use crate::types::zs_socket;

/// True if this socket is bound to `port` and has not unbound since.
/// False otherwise, and also for a bad handle or port (the thread's last
/// error then says which).
#[no_mangle]
pub extern "C" fn zs_is_bound_to_port(s: zs_socket, port: i32) -> bool {
    ffi_boundary! {
        let port = port_value(port, 1)?;
        with_socket(s, |_, st| Ok(introspect::is_bound_to_port(st, port)))
    }
}

/// True if this socket is connected (asked to connect: ZeroMQ connects
/// lazily) to `host_id`'s `port` and has not disconnected since. False
/// otherwise, and also for a bad argument (the thread's last error then
/// says which).
#[no_mangle]
pub extern "C" fn zs_is_connected_to_host(s: zs_socket, host_id: *const c_char, port: i32) -> bool {
    ffi_boundary! {
        let id = str_arg(host_id, "host_id")?;
        hosts::check_host_id(id)?;
        let port = port_value(port, 1)?;
        with_socket(s, |_, st| {
            Ok(introspect::is_connected_to_host(st, id, port))
        })
    }
}

/// Write up to `cap` of the ports this socket is bound to, ascending, into
/// `ports` and return how many there are (which may be more than `cap`).
/// `ports` may be NULL when `cap` is 0.
#[no_mangle]
pub extern "C" fn zs_bound_ports(s: zs_socket, ports: *mut i32, cap: usize) -> i32 {
    ffi_boundary! {
        let list = with_socket(s, |_, st| Ok(introspect::bound_ports(st)))?;
        args::write_i32s(ports, cap, &list, "ports")
    }
}

/// Write the socket's attachments into `buf`, one line each ending in
/// "\n": "bind <endpoint>" for each bind (the endpoint libzmq resolved,
/// e.g. "tcp://[::]:5000"), then "connect <host_id>:<port> <endpoint>" for
/// each connect, each in the order they were made. snprintf's rules: at
/// most `cap` bytes, NUL-terminated when `cap > 0`; returns the full
/// length (without the NUL). "" when nothing is attached.
#[no_mangle]
pub extern "C" fn zs_endpoints(s: zs_socket, buf: *mut c_char, cap: usize) -> i32 {
    ffi_boundary! {
        let text = with_socket(s, |_, st| Ok(introspect::endpoints(st)))?;
        args::write_string(buf, cap, &text, "buf")
    }
}
