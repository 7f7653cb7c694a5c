//! The library (SPEC section 5): version, default timeout, socket count,
//! destroy all, socket types by name.

use std::os::raw::c_char;

use super::args::str_arg;
use super::boundary::ffi_boundary;
use super::count_i32;
use crate::error::zs_result::*;
use crate::error::ZsError;
use crate::handles::{self};
use crate::timeout::{self};
use crate::types::zs_socket_type;

use std::ffi::CString;
use std::sync::LazyLock;

pub(super) static VERSION: LazyLock<CString> = LazyLock::new(|| {
    let (a, b, c) = zmq::version();
    let curve = if zmq::has("curve") == Some(true) {
        ", CURVE"
    } else {
        ""
    };
    CString::new(format!(
        "zmqsocket {} (libzmq {a}.{b}.{c}{curve})",
        env!("CARGO_PKG_VERSION")
    ))
    .unwrap_or_default()
});

/// The library's version: "zmqsocket X.Y.Z (libzmq A.B.C, CURVE)"; the
/// ", CURVE" says libzmq was built with CURVE (always, in this build).
/// Static text, never NULL.
#[no_mangle]
pub extern "C" fn zs_version() -> *const c_char {
    ffi_boundary! { Ok(VERSION.as_ptr()) }
}

/// Set what ZS_TIMEOUT_DEFAULT means for later calls, in ms (`-1` =
/// forever, `0` = try once, `> 0` ms; the initial default is 5000 ms).
/// Returns ZS_OK, or ZS_ERR_INVALID_ARGUMENT for a value below -1.
#[no_mangle]
pub extern "C" fn zs_set_default_timeout(timeout_ms: i32) -> i32 {
    ffi_boundary! {
        timeout::set_default_timeout(timeout_ms)
    }
}

/// The number of sockets alive now (made and not yet destroyed);
/// proxies (zs_proxy_new) count too, as zs_destroy_all destroys them.
#[no_mangle]
pub extern "C" fn zs_socket_count() -> i32 {
    ffi_boundary! { Ok(count_i32(handles::count())) }
}

/// Destroy every socket, then wait until their unsent messages have left
/// or their lingers have run out (1000 ms unless zs_set_linger changed
/// them), so that nothing that could have been delivered is lost. Returns
/// how many sockets (and proxies) were destroyed. New sockets can be made afterwards.
/// Calls blocked on the destroyed sockets in other threads return
/// ZS_ERR_BAD_HANDLE. Bindings call this when their host process shuts
/// down.
#[no_mangle]
pub extern "C" fn zs_destroy_all() -> i32 {
    ffi_boundary! { Ok(count_i32(handles::destroy_all())) }
}

/// The socket type named `name`, case-insensitive: "PAIR", "PUB", "SUB",
/// "REQ", "REP", "DEALER" (or "XREQ"), "ROUTER" (or "XREP"), "PULL" (or
/// "UPSTREAM"), "PUSH" (or "DOWNSTREAM"), "XPUB", "XSUB". Returns the type
/// (>= 0), ZS_ERR_UNKNOWN_SOCKET_TYPE, or ZS_ERR_INVALID_ARGUMENT for NULL
/// or non-UTF-8.
#[no_mangle]
pub extern "C" fn zs_socket_type_from_name(name: *const c_char) -> i32 {
    ffi_boundary! {
        let name = str_arg(name, "name")?;
        zs_socket_type::from_name(name)
            .map(|t| t as i32)
            .ok_or_else(|| {
                ZsError::new(
                    ZS_ERR_UNKNOWN_SOCKET_TYPE,
                    format!("name '{name}' is not a socket type"),
                )
            })
    }
}
