//! Shared helpers for the contract tests: they call the exported C
//! functions exactly as a C caller would.
#![allow(dead_code)]

use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_void};
use std::ptr;

use zmqsocket::*;

mod rng;
// Not every test that includes `common` uses the PRNG.
#[allow(unused_imports)]
pub use rng::SplitMix64;

pub const OK: i32 = zs_result::ZS_OK as i32;
pub const INVALID: i32 = zs_result::ZS_ERR_INVALID_ARGUMENT as i32;
pub const BAD_HANDLE: i32 = zs_result::ZS_ERR_BAD_HANDLE as i32;
pub const UNKNOWN_TYPE: i32 = zs_result::ZS_ERR_UNKNOWN_SOCKET_TYPE as i32;
pub const UNKNOWN_HOST: i32 = zs_result::ZS_ERR_UNKNOWN_HOST as i32;
pub const TIMED_OUT: i32 = zs_result::ZS_ERR_TIMED_OUT as i32;
pub const WOULD_BLOCK: i32 = zs_result::ZS_ERR_WOULD_BLOCK as i32;
pub const NOT_BOUND: i32 = zs_result::ZS_ERR_NOT_BOUND as i32;
pub const NOT_CONNECTED: i32 = zs_result::ZS_ERR_NOT_CONNECTED as i32;
pub const ALREADY_CONNECTED: i32 = zs_result::ZS_ERR_ALREADY_CONNECTED as i32;
pub const ADDRESS_IN_USE: i32 = zs_result::ZS_ERR_ADDRESS_IN_USE as i32;
pub const NOT_SUPPORTED: i32 = zs_result::ZS_ERR_NOT_SUPPORTED as i32;
pub const WRONG_STATE: i32 = zs_result::ZS_ERR_WRONG_STATE as i32;
pub const HOST_UNREACHABLE: i32 = zs_result::ZS_ERR_HOST_UNREACHABLE as i32;
pub const TOO_LARGE: i32 = zs_result::ZS_ERR_MESSAGE_TOO_LARGE as i32;
pub const IO: i32 = zs_result::ZS_ERR_IO as i32;
pub const ZMQ: i32 = zs_result::ZS_ERR_ZMQ as i32;

pub const PAIR: i32 = zs_socket_type::ZS_PAIR as i32;
pub const PUB: i32 = zs_socket_type::ZS_PUB as i32;
pub const SUB: i32 = zs_socket_type::ZS_SUB as i32;
pub const REQ: i32 = zs_socket_type::ZS_REQ as i32;
pub const REP: i32 = zs_socket_type::ZS_REP as i32;
pub const DEALER: i32 = zs_socket_type::ZS_DEALER as i32;
pub const ROUTER: i32 = zs_socket_type::ZS_ROUTER as i32;
pub const PULL: i32 = zs_socket_type::ZS_PULL as i32;
pub const PUSH: i32 = zs_socket_type::ZS_PUSH as i32;
pub const XPUB: i32 = zs_socket_type::ZS_XPUB as i32;
pub const XSUB: i32 = zs_socket_type::ZS_XSUB as i32;

pub const HWM: i32 = zs_hwm::ZS_HWM_DEFAULT as i32;
pub const FOREVER: i32 = zs_timeout::ZS_TIMEOUT_FOREVER as i32;
pub const DEFAULT_TIMEOUT: i32 = zs_timeout::ZS_TIMEOUT_DEFAULT as i32;
pub const SEQUENCED: u32 = zs_bulk_flags::ZS_SEQUENCED as u32;
pub const SCHED_BATCH: u32 = zs_bulk_flags::ZS_SCHED_BATCH as u32;

/// Receives in tests wait at most this long.
pub const WAIT_MS: i32 = 5000;

/// This thread's last error text.
pub fn last_error() -> String {
    let p = zs_last_error();
    assert!(!p.is_null(), "zs_last_error returned NULL");
    // SAFETY: zs_last_error returns a NUL-terminated string valid until this
    // thread's next failing call; we copy it at once.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// Assert that `rc` is the failure `code`, that the thread's last error
/// says so, and that its text contains every one of `needles`.
#[track_caller]
pub fn expect_err(rc: i64, code: i32, needles: &[&str]) {
    let text = last_error();
    assert_eq!(
        rc,
        i64::from(code),
        "expected code {code}, got {rc} (last error: {text:?})"
    );
    assert_eq!(
        zs_last_error_code(),
        code,
        "zs_last_error_code (last error: {text:?})"
    );
    for n in needles {
        assert!(
            text.contains(n),
            "last error {text:?} does not contain {n:?}"
        );
    }
}

/// As [`expect_err`] for functions returning bool: `ok` must be false.
#[track_caller]
pub fn expect_false(ok: bool, code: i32, needles: &[&str]) {
    assert!(!ok, "expected false (code {code})");
    expect_err(i64::from(code), code, needles);
}

pub fn cstr(s: &str) -> CString {
    CString::new(s).expect("no NUL in test string")
}

/// A new socket of type `t`.
#[track_caller]
pub fn socket(t: i32) -> zs_socket {
    let mut s: zs_socket = 0;
    let rc = zs_socket_new(t, &mut s);
    assert_eq!(rc, OK, "zs_socket_new({t}): {}", last_error());
    assert_ne!(s, 0);
    s
}

/// A new socket of type `t` bound to an ephemeral port; returns it and the port.
#[track_caller]
pub fn bound(t: i32) -> (zs_socket, i32) {
    let mut s: zs_socket = 0;
    let port = zs_socket_new_bound(t, 0, HWM, HWM, &mut s);
    assert!(port > 0, "zs_socket_new_bound: {port} {}", last_error());
    (s, port)
}

/// A new socket of type `t` connected to localhost's `port`.
#[track_caller]
pub fn connected(t: i32, port: i32) -> zs_socket {
    let mut s: zs_socket = 0;
    let rc = zs_socket_new_connected(t, c"localhost".as_ptr(), port, HWM, HWM, &mut s);
    assert_eq!(rc, OK, "zs_socket_new_connected: {}", last_error());
    s
}

/// A TCP port nobody listens on now: bind one, read it, unbind it (which
/// waits until the port is free again; a destroy alone does not), destroy
/// the socket.
pub fn dead_port() -> i32 {
    let (s, port) = bound(PULL);
    assert_eq!(zs_unbind_from_port(s, port), OK, "{}", last_error());
    assert_eq!(zs_socket_destroy(s), OK);
    port
}

#[track_caller]
pub fn destroy(s: zs_socket) {
    assert_eq!(zs_socket_destroy(s), OK, "destroy: {}", last_error());
}

pub fn empty_msg() -> zs_message {
    zs_message {
        frames: ptr::null_mut(),
        count: 0,
        owner: ptr::null_mut(),
    }
}

/// Copy the frames of a received message.
pub fn frames_of(m: &zs_message) -> Vec<Vec<u8>> {
    if m.count == 0 {
        assert!(m.frames.is_null(), "count 0 but frames not NULL");
        return Vec::new();
    }
    assert!(!m.frames.is_null());
    // SAFETY: a message filled by zs_recv* holds `count` frames at `frames`,
    // valid until zs_message_free.
    let frames = unsafe { std::slice::from_raw_parts(m.frames, m.count) };
    frames
        .iter()
        .map(|f| {
            if f.len == 0 {
                Vec::new()
            } else {
                // SAFETY: each frame has `len` readable bytes at `data` until
                // zs_message_free.
                unsafe { std::slice::from_raw_parts(f.data as *const u8, f.len) }.to_vec()
            }
        })
        .collect()
}

/// Send one single-part message, asserting success.
#[track_caller]
pub fn send(s: zs_socket, data: &[u8]) {
    let rc = zs_send(s, data.as_ptr() as *const c_void, data.len(), WAIT_MS);
    assert_eq!(rc, OK, "zs_send: {}", last_error());
}

/// Send a multi-part message, asserting success.
#[track_caller]
pub fn send_multi(s: zs_socket, parts: &[&[u8]]) {
    let frames = to_frames(parts);
    let rc = zs_send_multi(s, frames.as_ptr(), frames.len(), WAIT_MS);
    assert_eq!(rc, OK, "zs_send_multi: {}", last_error());
}

pub fn to_frames(parts: &[&[u8]]) -> Vec<zs_frame> {
    parts
        .iter()
        .map(|p| zs_frame {
            data: p.as_ptr() as *const c_void,
            len: p.len(),
        })
        .collect()
}

/// Receive a whole message within `timeout_ms`: its frames, or the code.
pub fn recv_multi(s: zs_socket, timeout_ms: i32) -> Result<Vec<Vec<u8>>, i32> {
    let mut m = empty_msg();
    let rc = zs_recv_multi(s, timeout_ms, &mut m);
    let out = if rc == OK {
        Ok(frames_of(&m))
    } else {
        assert!(m.frames.is_null() && m.count == 0 && m.owner.is_null());
        Err(rc)
    };
    zs_message_free(&mut m);
    out
}

/// Receive one frame within `timeout_ms`.
pub fn recv_one(s: zs_socket, timeout_ms: i32) -> Result<Vec<u8>, i32> {
    let mut m = empty_msg();
    let rc = zs_recv(s, timeout_ms, &mut m);
    let out = if rc == OK {
        let f = frames_of(&m);
        assert_eq!(f.len(), 1, "zs_recv gives exactly one frame");
        Ok(f.into_iter().next().unwrap_or_default())
    } else {
        Err(rc)
    };
    zs_message_free(&mut m);
    out
}

/// Receive a whole message, asserting success.
#[track_caller]
pub fn recv_ok(s: zs_socket) -> Vec<Vec<u8>> {
    recv_multi(s, WAIT_MS).unwrap_or_else(|rc| panic!("zs_recv_multi: {rc} {}", last_error()))
}

/// A socket's zs_endpoints text.
#[track_caller]
pub fn endpoints(s: zs_socket) -> String {
    let n = zs_endpoints(s, ptr::null_mut(), 0);
    assert!(n >= 0, "zs_endpoints: {n} {}", last_error());
    let mut buf = vec![0u8; n as usize + 1];
    let m = zs_endpoints(s, buf.as_mut_ptr() as *mut c_char, buf.len());
    assert_eq!(m, n);
    assert_eq!(buf[n as usize], 0);
    String::from_utf8(buf[..n as usize].to_vec()).expect("UTF-8 endpoints")
}

/// A socket's bound ports.
#[track_caller]
pub fn bound_ports(s: zs_socket) -> Vec<i32> {
    let n = zs_bound_ports(s, ptr::null_mut(), 0);
    assert!(n >= 0, "zs_bound_ports: {n} {}", last_error());
    let mut v = vec![0i32; n as usize];
    assert_eq!(zs_bound_ports(s, v.as_mut_ptr(), v.len()), n);
    v
}

/// Set the max message size, linger etc. helpers would go here; a unique
/// name for temporary files and host ids.
pub fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}
