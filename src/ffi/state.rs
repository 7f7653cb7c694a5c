//! Connection state and polling (SPEC section 14).

use std::os::raw::c_char;

use super::args::{self, str_arg};
use super::boundary::ffi_boundary;
use super::count_i32;
use crate::handles::with_socket;
use crate::hosts;
use crate::ops::{poll, state};
use crate::socket::port_value;
use crate::timeout::Wait;
use crate::types::zs_socket;

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
/// connect; a send or receive pays for it only at every 1024th call on
/// the socket (see zs_next_event).
#[no_mangle]
pub extern "C" fn zs_wait_connected(
    s: zs_socket,
    host_id: *const c_char,
    port: i32,
    timeout_ms: i32,
) -> i32 {
    ffi_boundary! {
        let id = str_arg(host_id, "host_id")?;
        hosts::check_host_id(id)?;
        let port = port_value(port, 1)?;
        let wait = Wait::from_timeout(timeout_ms)?;
        with_socket(s, |e, st| state::wait_connected(e, st, id, port, wait))
    }
}

/// The number of the socket's live ZMTP sessions, over all its endpoints
/// (bound and connected): sessions whose handshake completed and that have
/// not disconnected since. inproc connections are not ZMTP sessions and
/// are not counted.
#[no_mangle]
pub extern "C" fn zs_peer_count(s: zs_socket) -> i32 {
    ffi_boundary! {
        with_socket(s, |_, st| Ok(count_i32(state::peer_count(st) as usize)))
    }
}

/// Wait until zs_peer_count is at least `n` (>= 0): ZS_OK, or
/// ZS_ERR_TIMED_OUT when `timeout_ms` passes first.
#[no_mangle]
pub extern "C" fn zs_wait_peers(s: zs_socket, n: i32, timeout_ms: i32) -> i32 {
    ffi_boundary! {
        let n =
            u32::try_from(n).map_err(|_| crate::error::invalid(format!("n {n} is negative")))?;
        let wait = Wait::from_timeout(timeout_ms)?;
        with_socket(s, |e, st| state::wait_peers(e, st, n, wait))
    }
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
    ffi_boundary! {
        let handles = args::handles_arg(sockets, count, "sockets")?;
        let wait = Wait::from_timeout(timeout_ms)?;
        let readable = args::bools_out(readable, count, "readable")?;
        poll::poll(handles, wait, readable)
    }
}
