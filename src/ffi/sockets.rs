//! Sockets (SPEC section 7): making and destroying them, and their options.

use std::os::raw::{c_char, c_void};

use super::args::{bytes_arg, out_arg, str_arg, write_out};
use super::boundary::ffi_boundary;
use super::{create, hwms, socket_type};
use crate::error::zs_result::*;
use crate::handles::{self, with_socket};
use crate::socket::port_value;
use crate::types::zs_socket;

/// Make a socket of `type` (a zs_socket_type) and write its handle to
/// `*out`. Every socket is dual-stack (ZMQ_IPV6), lingers 1000 ms, has
/// both HWMs at 100; ROUTERs have ZMQ_ROUTER_MANDATORY. `*out` is written
/// only on success. Returns ZS_OK, ZS_ERR_UNKNOWN_SOCKET_TYPE,
/// ZS_ERR_INVALID_ARGUMENT (NULL `out`) or ZS_ERR_ZMQ (e.g. too many
/// sockets).
#[no_mangle]
pub extern "C" fn zs_socket_new(r#type: i32, out: *mut zs_socket) -> i32 {
    ffi_boundary! {
        let kind = socket_type(r#type)?;
        let out = out_arg(out, "out")?;
        let (h, ()) = create(kind, |_| Ok(()))?;
        write_out(out, h);
        Ok(ZS_OK.code())
    }
}

/// Make a socket of `type` bound to `port` (0 = an ephemeral port) as
/// zs_bind_to_port does, and write its handle to `*out`. Returns the bound
/// port. On failure no socket is left behind and `*out` is untouched.
#[no_mangle]
pub extern "C" fn zs_socket_new_bound(
    r#type: i32,
    port: i32,
    send_hwm: i32,
    recv_hwm: i32,
    out: *mut zs_socket,
) -> i32 {
    ffi_boundary! {
        let kind = socket_type(r#type)?;
        let port = port_value(port, 0)?;
        let (send_hwm, recv_hwm) = hwms(send_hwm, recv_hwm)?;
        let out = out_arg(out, "out")?;
        let (h, bound) = create(kind, |st| st.bind_to_port(port, send_hwm, recv_hwm))?;
        write_out(out, h);
        Ok(bound)
    }
}

/// Make a socket of `type` connected to `host_id`'s `port` as
/// zs_connect_to_host does, and write its handle to `*out`. Returns ZS_OK.
/// On failure no socket is left behind and `*out` is untouched.
#[no_mangle]
pub extern "C" fn zs_socket_new_connected(
    r#type: i32,
    host_id: *const c_char,
    port: i32,
    send_hwm: i32,
    recv_hwm: i32,
    out: *mut zs_socket,
) -> i32 {
    ffi_boundary! {
        let kind = socket_type(r#type)?;
        let id = str_arg(host_id, "host_id")?;
        let port = port_value(port, 1)?;
        let (send_hwm, recv_hwm) = hwms(send_hwm, recv_hwm)?;
        let out = out_arg(out, "out")?;
        let (h, ()) = create(kind, |st| st.connect_to_host(id, port, send_hwm, recv_hwm))?;
        write_out(out, h);
        Ok(ZS_OK.code())
    }
}

/// Close the socket and retire its handle at once: later use of the
/// handle is ZS_ERR_BAD_HANDLE (handles are never reused). A call blocked
/// on this socket in another thread, even with ZS_TIMEOUT_FOREVER, is
/// interrupted and returns ZS_ERR_BAD_HANDLE; the destroy returns within a
/// fraction of a second. Unsent messages go on trying to leave in the
/// background for up to the socket's linger (1000 ms by default), and
/// libzmq releases its ports in the background too: to bind a port again
/// at once, zs_unbind_from_port (or zs_close) it before destroying.
/// While a ZAP handler runs (see the conventions above), a socket with a
/// connection still in its handshake is closed once the handshake ends, or
/// after 250 ms at most: libzmq would not finish it after the close.
/// Destroying twice gives ZS_ERR_BAD_HANDLE.
#[no_mangle]
pub extern "C" fn zs_socket_destroy(s: zs_socket) -> i32 {
    ffi_boundary! {
        handles::destroy(s)
    }
}

/// The socket's type (a zs_socket_type, >= 0), or ZS_ERR_BAD_HANDLE
/// (ZS_ERR_NOT_SUPPORTED for a proxy's handle).
#[no_mangle]
pub extern "C" fn zs_socket_type(s: zs_socket) -> i32 {
    ffi_boundary! { Ok(handles::socket_kind(s)? as i32) }
}

/// Set how long, in ms, the socket's unsent messages may go on trying to
/// leave after it is destroyed (-1 = forever, 0 = drop them). The default
/// is 1000 ms, not libzmq's forever. ZS_ERR_INVALID_ARGUMENT below -1.
#[no_mangle]
pub extern "C" fn zs_set_linger(s: zs_socket, linger_ms: i32) -> i32 {
    ffi_boundary! {
        with_socket(s, |_, st| st.set_linger(linger_ms))
    }
}

/// Set the socket's maximum message size in bytes (-1 = no limit, the
/// default). It applies to binds and connects made after it is set: a peer
/// that sends a larger message is disconnected by libzmq and the message
/// is never delivered. The socket also refuses to send a message whose
/// frames add up to more (ZS_ERR_MESSAGE_TOO_LARGE). libzmq applies its
/// limit to the ZMTP handshake too, so the limit it enforces on incoming
/// messages is never below 512 bytes (a smaller one would stop every
/// connection); the refusal to send uses the exact value.
#[no_mangle]
pub extern "C" fn zs_set_max_message_size(s: zs_socket, bytes: i64) -> i32 {
    ffi_boundary! {
        with_socket(s, |_, st| st.set_max_message_size(bytes))
    }
}

/// Set the socket's routing id (ZMQ_ROUTING_ID): 1 to 255 bytes, not
/// starting with a zero byte (reserved by libzmq). It must be set before
/// the socket's first bind or connect; after that it is
/// ZS_ERR_WRONG_STATE.
#[no_mangle]
pub extern "C" fn zs_set_routing_id(s: zs_socket, id: *const c_void, len: usize) -> i32 {
    ffi_boundary! {
        let id = bytes_arg(id, len, "id")?;
        with_socket(s, |_, st| st.set_routing_id(id))
    }
}

/// Subscribe a SUB or XSUB socket to messages starting with `prefix`
/// (`len` 0, `prefix` may then be NULL: every message). Other types give
/// ZS_ERR_NOT_SUPPORTED.
#[no_mangle]
pub extern "C" fn zs_subscribe(s: zs_socket, prefix: *const c_void, len: usize) -> i32 {
    ffi_boundary! {
        let prefix = bytes_arg(prefix, len, "prefix")?;
        with_socket(s, |_, st| st.subscription(prefix, true))
    }
}

/// Cancel one earlier zs_subscribe with the same prefix (SUB and XSUB
/// only, else ZS_ERR_NOT_SUPPORTED).
#[no_mangle]
pub extern "C" fn zs_unsubscribe(s: zs_socket, prefix: *const c_void, len: usize) -> i32 {
    ffi_boundary! {
        let prefix = bytes_arg(prefix, len, "prefix")?;
        with_socket(s, |_, st| st.subscription(prefix, false))
    }
}
