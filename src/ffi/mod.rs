//! The C ABI: every exported function, grouped by SPEC section, one file
//! each. Each function is the same thin shell inside [`ffi_boundary!`]:
//! validate the arguments, look up the handle, call one safe function,
//! map the result. C pointer arguments are read and written only in
//! [`args`]; the doc comments here are the documentation in
//! `include/zmqsocket.h`.
//!
//! `#[no_mangle]` counts as unsafe code to the compiler: this module
//! allows it for the exports, and [`args`] holds every `unsafe` block.
#![allow(unsafe_code)]

pub(crate) mod args;
pub(crate) mod boundary;

// In SPEC order: the header lists them so (rustfmt.toml keeps it).
pub mod results;
pub mod library;
pub mod hosts;
pub mod sockets;
pub mod attach;
pub mod send;
pub mod recv;
pub mod ask;
pub mod bulk;
pub mod state;
pub mod endpoints;
pub mod options;
pub mod security;
pub mod events;
pub mod poll;
pub mod proxy;

use std::os::raw::c_char;

use crate::error::zs_result::*;
use crate::error::{ZsError, ZsResult};
use crate::socket::{self, hwm_value};
use crate::types::{zs_socket, zs_socket_type};
use crate::{fork, handles};
use args::str_arg;

pub(crate) fn socket_type(t: i32) -> ZsResult<zs_socket_type> {
    zs_socket_type::from_i32(t).ok_or_else(|| {
        ZsError::new(
            ZS_ERR_UNKNOWN_SOCKET_TYPE,
            format!("type {t} is not a zs_socket_type (0..10)"),
        )
    })
}

pub(crate) fn endpoint_arg<'a>(p: *const c_char) -> ZsResult<&'a str> {
    let ep = str_arg(p, "endpoint")?;
    if ep.is_empty() || ep.chars().any(char::is_whitespace) {
        return Err(crate::error::invalid(format!(
            "endpoint '{ep}' is empty or contains whitespace"
        )));
    }
    Ok(ep)
}

pub(crate) fn hwms(send_hwm: i32, recv_hwm: i32) -> ZsResult<(i32, i32)> {
    Ok((
        hwm_value(send_hwm, "send_hwm")?,
        hwm_value(recv_hwm, "recv_hwm")?,
    ))
}

/// A new socket (see `handles::create`), with the process primed first.
pub(crate) fn create<R>(
    kind: zs_socket_type,
    setup: impl FnOnce(&mut socket::SocketState) -> ZsResult<R>,
) -> ZsResult<(zs_socket, R)> {
    prime();
    handles::create(kind, setup)
}

/// Make the library's one-time state (the panic hook, the version text)
/// and arm the fork handlers (SPEC section 17): a child forked while
/// another thread was still making one of them would wait for it forever.
/// Run when the library is loaded, and again (cheaply) by the calls that
/// make process-wide state, for a Rust program that links the rlib.
pub(crate) fn prime() {
    boundary::install_panic_hook();
    std::sync::LazyLock::force(&library::VERSION);
    fork::arm();
}

/// Prime the library when it is loaded, before any thread can use it.
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static PRIME_AT_LOAD: extern "C" fn() = {
    extern "C" fn prime_at_load() {
        prime();
    }
    prime_at_load
};

pub(crate) fn count_i32(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}
