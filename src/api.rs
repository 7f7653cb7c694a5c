//! The exported C functions. Each one validates its arguments, looks up
//! the handle, calls one safe function, and maps the result to a code,
//! inside the panic boundary of `crate::error`.
//!
//! The doc comments here are the documentation in `include/zmqsocket.h`.

use std::ffi::CString;
use std::os::raw::{c_char, c_void};

use once_cell::sync::Lazy;

use crate::blocking::{self, Wait};
use crate::bulk::{self, zs_drain_stats};
use crate::error::zs_result::*;
use crate::error::{self, guard, guard_bool, guard_i64, ZsError, ZsResult};
use crate::handles::{self, with_socket};
use crate::raw::{self, bytes_arg, frames_arg, out_arg, str_arg, write_out};
use crate::socket::{self, hwm_value, port_value};
use crate::types::{zs_frame, zs_message, zs_recv_args, zs_socket, zs_socket_type};
use crate::{fork, hosts, introspect, monitor, poll, recv, send};

fn socket_type(t: i32) -> ZsResult<zs_socket_type> {
    zs_socket_type::from_i32(t).ok_or_else(|| {
        ZsError::new(
            ZS_ERR_UNKNOWN_SOCKET_TYPE,
            format!("type {t} is not a zs_socket_type (0..10)"),
        )
    })
}

fn endpoint_arg<'a>(p: *const c_char) -> ZsResult<&'a str> {
    let ep = str_arg(p, "endpoint")?;
    if ep.is_empty() || ep.chars().any(char::is_whitespace) {
        return Err(crate::error::invalid(format!(
            "endpoint '{ep}' is empty or contains whitespace"
        )));
    }
    Ok(ep)
}

fn hwms(send_hwm: i32, recv_hwm: i32) -> ZsResult<(i32, i32)> {
    Ok((
        hwm_value(send_hwm, "send_hwm")?,
        hwm_value(recv_hwm, "recv_hwm")?,
    ))
}

/// A new socket (see `handles::create`), with the fork handlers armed
/// first.
fn create<R>(
    kind: zs_socket_type,
    setup: impl FnOnce(&mut socket::SocketState) -> ZsResult<R>,
) -> ZsResult<(zs_socket, R)> {
    fork::arm();
    handles::create(kind, setup)
}

/// Arm the fork handlers when the library is loaded, before any thread
/// can use it (SPEC section 17); `fork::arm` runs them once.
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static ARM_FORK_HANDLERS: extern "C" fn() = {
    extern "C" fn arm_at_load() {
        fork::arm();
    }
    arm_at_load
};

fn count_i32(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

// ---------------------------------------------------------------- results

/// Static English text for a result code; never NULL. Unknown codes give
/// "unknown error code".
#[no_mangle]
pub extern "C" fn zs_strerror(code: i32) -> *const c_char {
    zs_result::describe(code).as_ptr()
}

/// The code of the calling thread's last failing call; 0 before any
/// failure. A successful call leaves it unchanged (errno's rule).
#[no_mangle]
pub extern "C" fn zs_last_error_code() -> i32 {
    error::last_error_code()
}

/// The text of the calling thread's last failing call, naming the
/// function, the argument or endpoint, and libzmq's reason (e.g.
/// "zs_bind_endpoint: tcp://127.0.0.1:5000: Address already in use"); "" before any
/// failure. Never NULL. Valid until the thread's next failing call.
#[no_mangle]
pub extern "C" fn zs_last_error() -> *const c_char {
    error::last_error_ptr()
}

use crate::error::zs_result;

// ---------------------------------------------------------------- library

static VERSION: Lazy<CString> = Lazy::new(|| {
    let (a, b, c) = zmq::version();
    CString::new(format!(
        "zmqsocket {} (libzmq {a}.{b}.{c})",
        env!("CARGO_PKG_VERSION")
    ))
    .unwrap_or_default()
});

/// The library's version: "zmqsocket X.Y.Z (libzmq A.B.C)". Static text,
/// never NULL.
#[no_mangle]
pub extern "C" fn zs_version() -> *const c_char {
    VERSION.as_ptr()
}

/// Set what ZS_TIMEOUT_DEFAULT means for later calls, in ms (`-1` =
/// forever, `0` = try once, `> 0` ms; the initial default is 5000 ms).
/// Returns ZS_OK, or ZS_ERR_INVALID_ARGUMENT for a value below -1.
#[no_mangle]
pub extern "C" fn zs_set_default_timeout(timeout_ms: i32) -> i32 {
    guard("zs_set_default_timeout", || {
        blocking::set_default_timeout(timeout_ms).map(|()| ZS_OK.code())
    })
}

/// The number of sockets alive now (made and not yet destroyed).
#[no_mangle]
pub extern "C" fn zs_socket_count() -> i32 {
    guard("zs_socket_count", || Ok(count_i32(handles::count())))
}

/// Destroy every socket, then wait until their unsent messages have left
/// or their lingers have run out (1000 ms unless zs_set_linger changed
/// them), so that nothing that could have been delivered is lost. Returns
/// how many sockets were destroyed. New sockets can be made afterwards.
/// Calls blocked on the destroyed sockets in other threads return
/// ZS_ERR_BAD_HANDLE. Bindings call this when their host process shuts
/// down.
#[no_mangle]
pub extern "C" fn zs_destroy_all() -> i32 {
    guard("zs_destroy_all", || Ok(count_i32(handles::destroy_all())))
}

/// The socket type named `name`, case-insensitive: "PAIR", "PUB", "SUB",
/// "REQ", "REP", "DEALER" (or "XREQ"), "ROUTER" (or "XREP"), "PULL" (or
/// "UPSTREAM"), "PUSH" (or "DOWNSTREAM"), "XPUB", "XSUB". Returns the type
/// (>= 0), ZS_ERR_UNKNOWN_SOCKET_TYPE, or ZS_ERR_INVALID_ARGUMENT for NULL
/// or non-UTF-8.
#[no_mangle]
pub extern "C" fn zs_socket_type_from_name(name: *const c_char) -> i32 {
    guard("zs_socket_type_from_name", || {
        let name = str_arg(name, "name")?;
        zs_socket_type::from_name(name)
            .map(|t| t as i32)
            .ok_or_else(|| {
                ZsError::new(
                    ZS_ERR_UNKNOWN_SOCKET_TYPE,
                    format!("name '{name}' is not a socket type"),
                )
            })
    })
}

// ------------------------------------------------------------- host table

/// Add or replace a host in the process-wide host table. `host_id` is a
/// non-empty UTF-8 string without whitespace ("web1", "zmq_target");
/// `address` is a non-empty IP literal or DNS name without whitespace
/// (resolved by libzmq at connect time; brackets around an IPv6 literal are
/// optional). "localhost" starts as 127.0.0.1 and can be replaced.
/// Returns ZS_OK or ZS_ERR_INVALID_ARGUMENT.
#[no_mangle]
pub extern "C" fn zs_host_set(host_id: *const c_char, address: *const c_char) -> i32 {
    guard("zs_host_set", || {
        let id = str_arg(host_id, "host_id")?;
        let addr = str_arg(address, "address")?;
        fork::arm();
        hosts::set(id, addr).map(|()| ZS_OK.code())
    })
}

/// Remove a host from the host table. Returns ZS_OK, or
/// ZS_ERR_UNKNOWN_HOST if it is not there.
#[no_mangle]
pub extern "C" fn zs_host_remove(host_id: *const c_char) -> i32 {
    guard("zs_host_remove", || {
        let id = str_arg(host_id, "host_id")?;
        fork::arm();
        hosts::remove(id).map(|()| ZS_OK.code())
    })
}

/// Load a host file into the host table: one `host_id address` per line,
/// blank lines and `#` comments ignored; later lines replace earlier ones.
/// All or nothing: a malformed line loads nothing, returns
/// ZS_ERR_INVALID_ARGUMENT and the last error names `path:line`. A file
/// that cannot be read is ZS_ERR_IO. Returns the number of entries loaded.
///
/// If the environment variable ZMQSOCKET_HOSTS names a file, it is loaded
/// the first time the host table is used (by any host function or
/// connect); if that load fails, that call fails with its error and does
/// nothing else, and the file is not tried again.
#[no_mangle]
pub extern "C" fn zs_hosts_load(path: *const c_char) -> i32 {
    guard("zs_hosts_load", || {
        fork::arm();
        hosts::load(str_arg(path, "path")?)
    })
}

/// Write the address that `host_id` resolves to (the host table first,
/// then the id itself if it is an IPv4 or IPv6 literal) into `buf`, by
/// snprintf's rules: at most `cap` bytes, NUL-terminated when `cap > 0`;
/// returns the full length (without the NUL), so a caller can size the
/// buffer and call again. `buf` may be NULL when `cap` is 0.
/// ZS_ERR_UNKNOWN_HOST if the id resolves to nothing.
#[no_mangle]
pub extern "C" fn zs_host_address(host_id: *const c_char, buf: *mut c_char, cap: usize) -> i32 {
    guard("zs_host_address", || {
        let id = str_arg(host_id, "host_id")?;
        fork::arm();
        raw::write_string(buf, cap, &hosts::address(id)?, "buf")
    })
}

// ---------------------------------------------------------------- sockets

/// Make a socket of `type` (a zs_socket_type) and write its handle to
/// `*out`. Every socket is dual-stack (ZMQ_IPV6), lingers 1000 ms, has
/// both HWMs at 100; ROUTERs have ZMQ_ROUTER_MANDATORY. `*out` is written
/// only on success. Returns ZS_OK, ZS_ERR_UNKNOWN_SOCKET_TYPE,
/// ZS_ERR_INVALID_ARGUMENT (NULL `out`) or ZS_ERR_ZMQ (e.g. too many
/// sockets).
#[no_mangle]
pub extern "C" fn zs_socket_new(r#type: i32, out: *mut zs_socket) -> i32 {
    guard("zs_socket_new", || {
        let kind = socket_type(r#type)?;
        let out = out_arg(out, "out")?;
        let (h, ()) = create(kind, |_| Ok(()))?;
        write_out(out, h);
        Ok(ZS_OK.code())
    })
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
    guard("zs_socket_new_bound", || {
        let kind = socket_type(r#type)?;
        let port = port_value(port, 0)?;
        let (send_hwm, recv_hwm) = hwms(send_hwm, recv_hwm)?;
        let out = out_arg(out, "out")?;
        let (h, bound) = create(kind, |st| st.bind_to_port(port, send_hwm, recv_hwm))?;
        write_out(out, h);
        Ok(bound)
    })
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
    guard("zs_socket_new_connected", || {
        let kind = socket_type(r#type)?;
        let id = str_arg(host_id, "host_id")?;
        let port = port_value(port, 1)?;
        let (send_hwm, recv_hwm) = hwms(send_hwm, recv_hwm)?;
        let out = out_arg(out, "out")?;
        let (h, ()) = create(kind, |st| st.connect_to_host(id, port, send_hwm, recv_hwm))?;
        write_out(out, h);
        Ok(ZS_OK.code())
    })
}

/// Close the socket and retire its handle at once: later use of the
/// handle is ZS_ERR_BAD_HANDLE (handles are never reused). A call blocked
/// on this socket in another thread, even with ZS_TIMEOUT_FOREVER, is
/// interrupted and returns ZS_ERR_BAD_HANDLE; the destroy returns within a
/// fraction of a second. Unsent messages go on trying to leave in the
/// background for up to the socket's linger (1000 ms by default), and
/// libzmq releases its ports in the background too: to bind a port again
/// at once, zs_unbind_from_port (or zs_close) it before destroying.
/// Destroying twice gives ZS_ERR_BAD_HANDLE.
#[no_mangle]
pub extern "C" fn zs_socket_destroy(s: zs_socket) -> i32 {
    guard("zs_socket_destroy", || {
        handles::destroy(s).map(|()| ZS_OK.code())
    })
}

/// The socket's type (a zs_socket_type, >= 0), or ZS_ERR_BAD_HANDLE.
#[no_mangle]
pub extern "C" fn zs_socket_type(s: zs_socket) -> i32 {
    guard("zs_socket_type", || Ok(handles::lookup(s)?.kind as i32))
}

/// Set how long, in ms, the socket's unsent messages may go on trying to
/// leave after it is destroyed (-1 = forever, 0 = drop them). The default
/// is 1000 ms, not libzmq's forever. ZS_ERR_INVALID_ARGUMENT below -1.
#[no_mangle]
pub extern "C" fn zs_set_linger(s: zs_socket, linger_ms: i32) -> i32 {
    guard("zs_set_linger", || {
        with_socket(s, |_, st| st.set_linger(linger_ms)).map(|()| ZS_OK.code())
    })
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
    guard("zs_set_max_message_size", || {
        with_socket(s, |_, st| st.set_max_message_size(bytes)).map(|()| ZS_OK.code())
    })
}

/// Set the socket's routing id (ZMQ_ROUTING_ID): 1 to 255 bytes, not
/// starting with a zero byte (reserved by libzmq). It must be set before
/// the socket's first bind or connect; after that it is
/// ZS_ERR_WRONG_STATE.
#[no_mangle]
pub extern "C" fn zs_set_routing_id(s: zs_socket, id: *const c_void, len: usize) -> i32 {
    guard("zs_set_routing_id", || {
        let id = bytes_arg(id, len, "id")?;
        with_socket(s, |_, st| st.set_routing_id(id)).map(|()| ZS_OK.code())
    })
}

/// Subscribe a SUB or XSUB socket to messages starting with `prefix`
/// (`len` 0, `prefix` may then be NULL: every message). Other types give
/// ZS_ERR_NOT_SUPPORTED.
#[no_mangle]
pub extern "C" fn zs_subscribe(s: zs_socket, prefix: *const c_void, len: usize) -> i32 {
    guard("zs_subscribe", || {
        let prefix = bytes_arg(prefix, len, "prefix")?;
        with_socket(s, |_, st| st.subscription(prefix, true)).map(|()| ZS_OK.code())
    })
}

/// Cancel one earlier zs_subscribe with the same prefix (SUB and XSUB
/// only, else ZS_ERR_NOT_SUPPORTED).
#[no_mangle]
pub extern "C" fn zs_unsubscribe(s: zs_socket, prefix: *const c_void, len: usize) -> i32 {
    guard("zs_unsubscribe", || {
        let prefix = bytes_arg(prefix, len, "prefix")?;
        with_socket(s, |_, st| st.subscription(prefix, false)).map(|()| ZS_OK.code())
    })
}

// -------------------------------------------------------------- attaching

/// Bind `tcp://<bind interface>:port` (the interface is `*` by default:
/// every address, IPv4 and IPv6, reachable from the network; see
/// zs_set_bind_interface). Both HWMs are set before binding (-1 = 100,
/// 0 = no limit); since libzmq 4.2 a socket's HWMs apply to all its pipes,
/// so the latest values set on a socket win for all its endpoints. Port 0
/// binds an ephemeral port. Returns the bound port. A port this socket or
/// anything else already holds is ZS_ERR_ADDRESS_IN_USE.
#[no_mangle]
pub extern "C" fn zs_bind_to_port(s: zs_socket, port: i32, send_hwm: i32, recv_hwm: i32) -> i32 {
    guard("zs_bind_to_port", || {
        let port = port_value(port, 0)?;
        let (send_hwm, recv_hwm) = hwms(send_hwm, recv_hwm)?;
        with_socket(s, |_, st| st.bind_to_port(port, send_hwm, recv_hwm))
    })
}

/// Unbind from `port` (1..65535) by the endpoint libzmq resolved at bind
/// time. When it returns, the port can be bound again at once (it waits,
/// at most 2 s, until libzmq has really closed the listener).
/// ZS_ERR_NOT_BOUND if this socket is not bound to it.
#[no_mangle]
pub extern "C" fn zs_unbind_from_port(s: zs_socket, port: i32) -> i32 {
    guard("zs_unbind_from_port", || {
        let port = port_value(port, 1)?;
        with_socket(s, |_, st| st.unbind_from_port(port)).map(|()| ZS_OK.code())
    })
}

/// Unbind from every port. ZS_OK with nothing bound.
#[no_mangle]
pub extern "C" fn zs_unbind_from_all_ports(s: zs_socket) -> i32 {
    guard("zs_unbind_from_all_ports", || {
        with_socket(s, |_, st| st.unbind_from_all_ports()).map(|()| ZS_OK.code())
    })
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
    guard("zs_connect_to_host", || {
        let id = str_arg(host_id, "host_id")?;
        let port = port_value(port, 1)?;
        let (send_hwm, recv_hwm) = hwms(send_hwm, recv_hwm)?;
        with_socket(s, |_, st| st.connect_to_host(id, port, send_hwm, recv_hwm))
            .map(|()| ZS_OK.code())
    })
}

/// Disconnect from `host_id`'s `port`, by the endpoint recorded at connect
/// time (even if the host table changed since). ZS_ERR_NOT_CONNECTED if
/// this socket is not connected there.
#[no_mangle]
pub extern "C" fn zs_disconnect_from_host(s: zs_socket, host_id: *const c_char, port: i32) -> i32 {
    guard("zs_disconnect_from_host", || {
        let id = str_arg(host_id, "host_id")?;
        let port = port_value(port, 1)?;
        with_socket(s, |_, st| st.disconnect_from_host(id, port)).map(|()| ZS_OK.code())
    })
}

/// Disconnect from every host. ZS_OK with nothing connected.
#[no_mangle]
pub extern "C" fn zs_disconnect_from_all_hosts(s: zs_socket) -> i32 {
    guard("zs_disconnect_from_all_hosts", || {
        with_socket(s, |_, st| st.disconnect_from_all_hosts()).map(|()| ZS_OK.code())
    })
}

/// zs_unbind_from_all_ports, then zs_disconnect_from_all_hosts. The
/// socket stays usable (bind or connect it again); destroy it with
/// zs_socket_destroy.
#[no_mangle]
pub extern "C" fn zs_close(s: zs_socket) -> i32 {
    guard("zs_close", || {
        with_socket(s, |_, st| st.close()).map(|()| ZS_OK.code())
    })
}

// ---------------------------------------------------------------- sending

/// Send one single-part message of `len` bytes (`data` may be NULL when
/// `len` is 0). Waits at most `timeout_ms` for room to queue it (see
/// zs_timeout; 0 = try once); then ZS_ERR_TIMED_OUT. Other failures:
/// ZS_ERR_NOT_SUPPORTED (e.g. a PULL), ZS_ERR_WRONG_STATE (e.g. a REQ
/// sending twice), ZS_ERR_HOST_UNREACHABLE, ZS_ERR_MESSAGE_TOO_LARGE.
#[no_mangle]
pub extern "C" fn zs_send(s: zs_socket, data: *const c_void, len: usize, timeout_ms: i32) -> i32 {
    guard("zs_send", || {
        let data = bytes_arg(data, len, "data")?;
        let wait = Wait::from_timeout(timeout_ms)?;
        with_socket(s, |e, st| send::send_one(e, st, data, wait)).map(|()| ZS_OK.code())
    })
}

/// Send a multi-part message of `count` frames (at least 1; an empty
/// frame is allowed anywhere). The message is atomic: the peer gets all
/// its frames or none. Timeout and failures as zs_send. A ROUTER's first
/// frame is the peer's routing id.
#[no_mangle]
pub extern "C" fn zs_send_multi(
    s: zs_socket,
    frames: *const zs_frame,
    count: usize,
    timeout_ms: i32,
) -> i32 {
    guard("zs_send_multi", || {
        let frames = frames_arg(frames, count, "frames")?;
        let wait = Wait::from_timeout(timeout_ms)?;
        with_socket(s, |e, st| send::send_frames(e, st, &frames, wait)).map(|()| ZS_OK.code())
    })
}

/// Send a single-part message without waiting. Returns true when it was
/// queued, false otherwise; the reason (ZS_ERR_WOULD_BLOCK when there is
/// no room now, ZS_ERR_BAD_HANDLE...) is the thread's last error.
#[no_mangle]
pub extern "C" fn zs_send_nonblocking(s: zs_socket, data: *const c_void, len: usize) -> bool {
    guard_bool("zs_send_nonblocking", || {
        let data = bytes_arg(data, len, "data")?;
        with_socket(s, |e, st| send::send_one(e, st, data, Wait::NonBlocking)).map(|()| true)
    })
}

/// Send a multi-part message without waiting; true when it was queued
/// (whole), false otherwise with the reason as the thread's last error.
#[no_mangle]
pub extern "C" fn zs_send_multi_nonblocking(
    s: zs_socket,
    frames: *const zs_frame,
    count: usize,
) -> bool {
    guard_bool("zs_send_multi_nonblocking", || {
        let frames = frames_arg(frames, count, "frames")?;
        with_socket(s, |e, st| {
            send::send_frames(e, st, &frames, Wait::NonBlocking)
        })
        .map(|()| true)
    })
}

// -------------------------------------------------------------- receiving

/// The shared body of the four receive functions.
fn recv_into(
    func: &str,
    s: zs_socket,
    wait: impl FnOnce() -> ZsResult<Wait>,
    whole: bool,
    out: *mut zs_message,
) -> i32 {
    guard(func, || {
        let out = out_arg(out, "out")?;
        write_out(out, zs_message::EMPTY);
        let wait = wait()?;
        with_socket(s, |e, st| recv::recv(e, st, wait, whole, out))?;
        Ok(ZS_OK.code())
    })
}

/// Receive one frame (as libzmq and php-zmq do: the next call gets the
/// next frame of a multi-part message) into `*out`, a single-frame
/// message. Waits at most `timeout_ms`; then ZS_ERR_TIMED_OUT. `*out` is
/// overwritten, never read (free what it held first); on failure it is
/// set to {NULL, 0, NULL}. Free it with zs_message_free.
#[no_mangle]
pub extern "C" fn zs_recv(s: zs_socket, timeout_ms: i32, out: *mut zs_message) -> i32 {
    recv_into("zs_recv", s, || Wait::from_timeout(timeout_ms), false, out)
}

/// Receive one frame, as zs_recv does, straight into the caller's buffer
/// `buf` of `cap` bytes: one call instead of zs_recv, reading the frame and
/// zs_message_free, for bindings whose every foreign call is costly (PHP
/// FFI, ctypes). Returns the frame's length (>= 0) or a zs_result code.
/// A frame of at most `cap` bytes is copied to `buf`, and `*overflow` is
/// left alone. A longer frame is neither truncated nor lost: it is handed
/// over in `*overflow` as a single-frame message (read it, then
/// zs_message_free it), and the return value is its length, greater than
/// `cap`. `buf` may be NULL only when `cap` is 0; `overflow` must not be
/// NULL. On failure nothing is written to `buf` or `*overflow`.
#[no_mangle]
pub extern "C" fn zs_recv_into(
    s: zs_socket,
    timeout_ms: i32,
    buf: *mut c_void,
    cap: usize,
    overflow: *mut zs_message,
) -> i64 {
    guard_i64("zs_recv_into", || {
        let overflow = out_arg(overflow, "overflow")?;
        let buf = raw::bytes_out(buf, cap, "buf")?;
        recv_to(s, timeout_ms, buf, overflow)
    })
}

/// zs_recv_into with its arguments in one struct (see zs_recv_args): one
/// argument instead of five, for bindings that pay per argument. Returns
/// what zs_recv_into returns, and writes `args->overflow` as it writes
/// `*overflow`; nothing else in `*args` is written. `args` must not be
/// NULL; `args->buf` may be NULL only when `args->cap` is 0.
#[no_mangle]
pub extern "C" fn zs_recv_packed(args: *mut zs_recv_args) -> i64 {
    guard_i64("zs_recv_packed", || {
        let args = out_arg(args, "args")?;
        let (s, timeout_ms, buf, cap) = raw::recv_args(args);
        let buf = raw::bytes_out(buf, cap, "args->buf")?;
        if timeout_ms < -2 {
            // Named as the caller wrote it (zs_recv_into says "timeout_ms").
            Wait::from_timeout(timeout_ms)
                .map_err(|e| error::invalid(format!("args->{}", e.msg)))?;
        }
        recv_to(s, timeout_ms, buf, raw::recv_args_overflow(args))
    })
}

/// The shared body of zs_recv_into and zs_recv_packed (arguments checked).
#[inline(always)]
fn recv_to(
    s: zs_socket,
    timeout_ms: i32,
    buf: &mut [u8],
    overflow: *mut zs_message,
) -> ZsResult<i64> {
    let wait = Wait::from_timeout(timeout_ms)?;
    match with_socket(s, |e, st| recv::recv_into(e, st, wait, buf))? {
        recv::Into::Copied(n) => Ok(n as i64),
        recv::Into::TooLong(msg) => {
            let n = msg_len(&msg);
            write_out(overflow, msg);
            Ok(n)
        }
    }
}

/// The length of a single-frame message's frame.
fn msg_len(msg: &zs_message) -> i64 {
    raw::first_frame_len(msg) as i64
}

/// Receive every frame of the next message into `*out`. As zs_recv
/// otherwise.
#[no_mangle]
pub extern "C" fn zs_recv_multi(s: zs_socket, timeout_ms: i32, out: *mut zs_message) -> i32 {
    recv_into(
        "zs_recv_multi",
        s,
        || Wait::from_timeout(timeout_ms),
        true,
        out,
    )
}

/// Receive one frame without waiting: ZS_ERR_WOULD_BLOCK when there is
/// nothing to take now. As zs_recv otherwise.
#[no_mangle]
pub extern "C" fn zs_recv_nonblocking(s: zs_socket, out: *mut zs_message) -> i32 {
    recv_into(
        "zs_recv_nonblocking",
        s,
        || Ok(Wait::NonBlocking),
        false,
        out,
    )
}

/// Receive a whole message without waiting: ZS_ERR_WOULD_BLOCK when there
/// is nothing to take now. As zs_recv_multi otherwise.
#[no_mangle]
pub extern "C" fn zs_recv_multi_nonblocking(s: zs_socket, out: *mut zs_message) -> i32 {
    recv_into(
        "zs_recv_multi_nonblocking",
        s,
        || Ok(Wait::NonBlocking),
        true,
        out,
    )
}

/// Release the frames a received message holds and zero the struct. NULL
/// and an already-freed (zeroed) message are fine. Freeing a copy of a
/// message struct that was already freed through another copy is
/// undefined, as with free().
#[no_mangle]
pub extern "C" fn zs_message_free(msg: *mut zs_message) {
    let _ = error::run("zs_message_free", || {
        raw::free_message(msg);
        Ok(())
    });
}

// ----------------------------------------------------------------- asking

/// True if this socket is bound to `port` and has not unbound since.
/// False otherwise, and also for a bad handle or port (the thread's last
/// error then says which).
#[no_mangle]
pub extern "C" fn zs_is_bound_to_port(s: zs_socket, port: i32) -> bool {
    guard_bool("zs_is_bound_to_port", || {
        let port = port_value(port, 1)?;
        with_socket(s, |_, st| Ok(introspect::is_bound_to_port(st, port)))
    })
}

/// True if this socket is connected (asked to connect: ZeroMQ connects
/// lazily) to `host_id`'s `port` and has not disconnected since. False
/// otherwise, and also for a bad argument (the thread's last error then
/// says which).
#[no_mangle]
pub extern "C" fn zs_is_connected_to_host(s: zs_socket, host_id: *const c_char, port: i32) -> bool {
    guard_bool("zs_is_connected_to_host", || {
        let id = str_arg(host_id, "host_id")?;
        hosts::check_host_id(id)?;
        let port = port_value(port, 1)?;
        with_socket(s, |_, st| {
            Ok(introspect::is_connected_to_host(st, id, port))
        })
    })
}

/// Write up to `cap` of the ports this socket is bound to, ascending, into
/// `ports` and return how many there are (which may be more than `cap`).
/// `ports` may be NULL when `cap` is 0.
#[no_mangle]
pub extern "C" fn zs_bound_ports(s: zs_socket, ports: *mut i32, cap: usize) -> i32 {
    guard("zs_bound_ports", || {
        let list = with_socket(s, |_, st| Ok(introspect::bound_ports(st)))?;
        raw::write_i32s(ports, cap, &list, "ports")
    })
}

/// Write the socket's attachments into `buf`, one line each ending in
/// "\n": "bind <endpoint>" for each bind (the endpoint libzmq resolved,
/// e.g. "tcp://[::]:5000"), then "connect <host_id>:<port> <endpoint>" for
/// each connect, each in the order they were made. snprintf's rules: at
/// most `cap` bytes, NUL-terminated when `cap > 0`; returns the full
/// length (without the NUL). "" when nothing is attached.
#[no_mangle]
pub extern "C" fn zs_endpoints(s: zs_socket, buf: *mut c_char, cap: usize) -> i32 {
    guard("zs_endpoints", || {
        let text = with_socket(s, |_, st| Ok(introspect::endpoints(st)))?;
        raw::write_string(buf, cap, &text, "buf")
    })
}

// ------------------------------------------------------------ bulk traffic

/// Send the message of `count` frames `repeat` (>= 0) times, in a native
/// loop, and return how many were sent. `timeout_ms` applies to each
/// message: one that cannot be queued in time ends the pump early, which
/// returns the count sent so far and sets the thread's last error (a
/// negative code is returned only when nothing was sent). `flags` is 0 or
/// ZS_SEQUENCED: each message then gets an extra first frame of 16 bytes,
/// the socket's random 64-bit stream id and a sequence number counting
/// from 0 per socket across calls (both little-endian). Destroying the
/// socket from another thread ends a pump at once.
///
/// With ZS_SCHED_BATCH in `flags` (Linux, sched(7)), the calling thread
/// runs under SCHED_BATCH for the call, if it runs under plain SCHED_OTHER
/// (not with SCHED_RESET_ON_FORK), and is put back to SCHED_OTHER before
/// the call returns, unless its policy was changed by someone else in the
/// meantime. Its nice value is kept; libzmq's I/O threads are not
/// touched. When libzmq's I/O thread wakes the loop's thread (a message
/// arrived, or the queue has room), a batch thread does not preempt it on
/// their shared core: the I/O thread goes on and moves more messages
/// before the loop runs again. That is for throughput on a busy machine
/// (on a 2-core VM, 21-run PHP benches of 100-byte messages went from
/// 4.0-4.2 to 5.1 M msg/s; the gain varies from run to run), at the cost
/// of a later wake-up and four more system calls per call (one for a
/// thread it leaves alone). A thread under another policy is left alone,
/// and a change the kernel refuses (a seccomp filter, gVisor) is ignored:
/// the call then runs as it is. Without the flag, nothing is changed.
#[no_mangle]
pub extern "C" fn zs_pump(
    s: zs_socket,
    frames: *const zs_frame,
    count: usize,
    repeat: i64,
    flags: u32,
    timeout_ms: i32,
) -> i64 {
    guard_i64("zs_pump", || {
        let frames = frames_arg(frames, count, "frames")?;
        let repeat = u64::try_from(repeat)
            .map_err(|_| crate::error::invalid(format!("repeat {repeat} is negative")))?;
        let flags = bulk::flags_value(flags)?;
        let wait = Wait::from_timeout(timeout_ms)?;
        let (sent, err) = with_socket(s, |e, st| {
            Ok(bulk::pump(e, st, &frames, repeat, flags, wait))
        })?;
        let sent = i64::try_from(sent).unwrap_or(i64::MAX);
        match err {
            Some(e) if sent == 0 => Err(e),
            Some(e) => {
                error::record("zs_pump", e);
                Ok(sent)
            }
            None => Ok(sent),
        }
    })
}

/// Receive until `expected` messages have arrived (-1: no limit) or none
/// arrives for `timeout_ms`, in a native loop. Returns ZS_OK when
/// `expected` was reached, ZS_ERR_TIMED_OUT otherwise, and fills `*out`
/// either way (on an argument error it is zeroed). With ZS_SEQUENCED it
/// reads each message's sequence frame (see zs_pump; a message whose first
/// frame is not 16 bytes followed by more counts as unsequenced) and
/// counts gaps, duplicates and late messages per stream; the socket
/// remembers each stream's progress across calls, a new stream starting at
/// 0. Destroying the socket from another thread ends a drain at once.
/// ZS_SCHED_BATCH in `flags` runs the calling thread under SCHED_BATCH
/// for the call, as for zs_pump.
#[no_mangle]
pub extern "C" fn zs_drain(
    s: zs_socket,
    expected: i64,
    flags: u32,
    timeout_ms: i32,
    out: *mut zs_drain_stats,
) -> i32 {
    guard("zs_drain", || {
        let out = out_arg(out, "out")?;
        write_out(out, zs_drain_stats::default());
        let expected = match expected {
            -1 => None,
            n => Some(u64::try_from(n).map_err(|_| {
                crate::error::invalid(format!("expected {n} is out of range (-1 = no limit)"))
            })?),
        };
        let flags = bulk::flags_value(flags)?;
        let wait = Wait::from_timeout(timeout_ms)?;
        let mut stats = zs_drain_stats::default();
        let result = with_socket(s, |e, st| {
            bulk::drain(e, st, expected, flags, wait, &mut stats)
        });
        write_out(out, stats);
        result
            .map(|()| ZS_OK.code())
            .map_err(|e| bulk::drain_short(expected.unwrap_or(0), stats.messages, e))
    })
}

// ------------------------------------------------------ connection state

/// Wait until the ZMTP handshake with `host_id`'s `port` (connected with
/// zs_connect_to_host) has completed: ZS_OK at once if it already has,
/// ZS_ERR_TIMED_OUT if it does not within `timeout_ms`,
/// ZS_ERR_NOT_CONNECTED if the socket never asked to connect there. Use it
/// after subscribing and connecting a SUB so that nothing published
/// afterwards is missed (the slow joiner), or to know a peer is really
/// there. For SUB and XSUB it returns no sooner than 20 ms after the
/// handshake, the time the subscriptions need to reach the publisher and
/// be applied there; subscribe before waiting. Connection state
/// comes from libzmq's socket monitor, started at a socket's first bind or
/// connect; sends and receives never pay for it.
#[no_mangle]
pub extern "C" fn zs_wait_connected(
    s: zs_socket,
    host_id: *const c_char,
    port: i32,
    timeout_ms: i32,
) -> i32 {
    guard("zs_wait_connected", || {
        let id = str_arg(host_id, "host_id")?;
        hosts::check_host_id(id)?;
        let port = port_value(port, 1)?;
        let wait = Wait::from_timeout(timeout_ms)?;
        with_socket(s, |e, st| monitor::wait_connected(e, st, id, port, wait))
            .map(|()| ZS_OK.code())
    })
}

/// The number of the socket's live ZMTP sessions, over all its endpoints
/// (bound and connected): sessions whose handshake completed and that have
/// not disconnected since. inproc connections are not ZMTP sessions and
/// are not counted.
#[no_mangle]
pub extern "C" fn zs_peer_count(s: zs_socket) -> i32 {
    guard("zs_peer_count", || {
        with_socket(s, |_, st| Ok(count_i32(monitor::peer_count(st) as usize)))
    })
}

/// Wait until zs_peer_count is at least `n` (>= 0): ZS_OK, or
/// ZS_ERR_TIMED_OUT when `timeout_ms` passes first.
#[no_mangle]
pub extern "C" fn zs_wait_peers(s: zs_socket, n: i32, timeout_ms: i32) -> i32 {
    guard("zs_wait_peers", || {
        let n =
            u32::try_from(n).map_err(|_| crate::error::invalid(format!("n {n} is negative")))?;
        let wait = Wait::from_timeout(timeout_ms)?;
        with_socket(s, |e, st| monitor::wait_peers(e, st, n, wait)).map(|()| ZS_OK.code())
    })
}

/// Wait until at least one of `count` (>= 1) sockets has a message to
/// receive, or `timeout_ms` passes. Sets `readable[i]` (an array of
/// `count` bools) for each socket that has one, and returns how many do
/// (0 when the timeout passed). A handle may appear more than once. The
/// sockets are held for at most 50 ms at a time, so other threads' calls
/// on them are not shut out.
#[no_mangle]
pub extern "C" fn zs_poll(
    sockets: *const zs_socket,
    count: usize,
    timeout_ms: i32,
    readable: *mut bool,
) -> i32 {
    guard("zs_poll", || {
        let handles = raw::handles_arg(sockets, count, "sockets")?;
        let wait = Wait::from_timeout(timeout_ms)?;
        let readable = raw::bools_out(readable, count, "readable")?;
        poll::poll(handles, wait, readable)
    })
}

// --------------------------------------------------------- any endpoint

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
    guard("zs_bind_endpoint", || {
        let ep = endpoint_arg(endpoint)?;
        let (send_hwm, recv_hwm) = hwms(send_hwm, recv_hwm)?;
        with_socket(s, |_, st| st.bind_endpoint(ep, send_hwm, recv_hwm))
    })
}

/// Unbind an endpoint, given as it was bound (e.g. with port 0) or as libzmq
/// resolved it (`tcp://[::]:41234`, as zs_endpoints lists it). A TCP
/// unbind waits, as zs_unbind_from_port does, until the port is free.
/// ZS_ERR_NOT_BOUND if this socket is not bound to it.
#[no_mangle]
pub extern "C" fn zs_unbind_endpoint(s: zs_socket, endpoint: *const c_char) -> i32 {
    guard("zs_unbind_endpoint", || {
        let ep = endpoint_arg(endpoint)?;
        with_socket(s, |_, st| st.unbind_endpoint(ep)).map(|()| ZS_OK.code())
    })
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
/// ZS_ERR_WRONG_STATE (bind first, or connect after the bind). The reason
/// is a libzmq 4.3.4 defect: a waiting connection that is disconnected or
/// whose socket is destroyed is freed but left in libzmq's list, and the
/// next bind of the name uses freed memory. zmqsocket takes a waiting
/// connection off that list before dropping it, by binding the name for a
/// moment, which would also take every other socket's waiting connection.
/// The socket that does that is made with the connect: if it cannot be
/// (out of descriptors), the connect is refused with ZS_ERR_ZMQ.
#[no_mangle]
pub extern "C" fn zs_connect_endpoint(
    s: zs_socket,
    endpoint: *const c_char,
    send_hwm: i32,
    recv_hwm: i32,
) -> i32 {
    guard("zs_connect_endpoint", || {
        let ep = endpoint_arg(endpoint)?;
        let (send_hwm, recv_hwm) = hwms(send_hwm, recv_hwm)?;
        with_socket(s, |_, st| st.connect_endpoint(ep, send_hwm, recv_hwm)).map(|()| ZS_OK.code())
    })
}

/// Disconnect an endpoint, whether it was connected with
/// zs_connect_endpoint or zs_connect_to_host (by the endpoint zs_endpoints
/// lists). ZS_ERR_NOT_CONNECTED if this socket is not connected to it.
#[no_mangle]
pub extern "C" fn zs_disconnect_endpoint(s: zs_socket, endpoint: *const c_char) -> i32 {
    guard("zs_disconnect_endpoint", || {
        let ep = endpoint_arg(endpoint)?;
        with_socket(s, |_, st| st.disconnect_endpoint(ep)).map(|()| ZS_OK.code())
    })
}

/// Set where zs_bind_to_port listens from now on: "*" (the default, as in
/// Storyplayer: every interface, reachable from the network), an IP
/// address such as "127.0.0.1" or "::1", or an interface name such as
/// "lo". The environment variable ZMQSOCKET_BIND_INTERFACE sets the
/// starting value, so a harness on a shared machine can keep every port on
/// loopback without changing its code. Existing binds are not moved.
#[no_mangle]
pub extern "C" fn zs_set_bind_interface(iface: *const c_char) -> i32 {
    guard("zs_set_bind_interface", || {
        fork::arm();
        socket::set_bind_interface(str_arg(iface, "iface")?).map(|()| ZS_OK.code())
    })
}
