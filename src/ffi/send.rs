//! Sending (SPEC section 9).

use std::os::raw::c_void;

use super::args::{bytes_arg, frames_arg};
use super::boundary::ffi_boundary;
use crate::handles::with_socket;
use crate::ops::send;
use crate::timeout::Wait;
use crate::types::{zs_frame, zs_socket};

/// Send one single-part message of `len` bytes (`data` may be NULL when
/// `len` is 0). Waits at most `timeout_ms` for room to queue it (see
/// zs_timeout; 0 = try once); then ZS_ERR_TIMED_OUT. Other failures:
/// ZS_ERR_NOT_SUPPORTED (e.g. a PULL), ZS_ERR_WRONG_STATE (e.g. a REQ
/// sending twice), ZS_ERR_HOST_UNREACHABLE, ZS_ERR_MESSAGE_TOO_LARGE.
#[no_mangle]
pub extern "C" fn zs_send(s: zs_socket, data: *const c_void, len: usize, timeout_ms: i32) -> i32 {
    ffi_boundary! {
        let data = bytes_arg(data, len, "data")?;
        let wait = Wait::from_timeout(timeout_ms)?;
        with_socket(s, |e, st| send::send_one(e, st, data, wait))
    }
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
    ffi_boundary! {
        let frames = frames_arg(frames, count, "frames")?;
        let wait = Wait::from_timeout(timeout_ms)?;
        with_socket(s, |e, st| send::send_frames(e, st, &frames, wait))
    }
}

/// Send a single-part message without waiting. Returns true when it was
/// queued, false otherwise; the reason (ZS_ERR_WOULD_BLOCK when there is
/// no room now, ZS_ERR_BAD_HANDLE...) is the thread's last error.
#[no_mangle]
pub extern "C" fn zs_send_nonblocking(s: zs_socket, data: *const c_void, len: usize) -> bool {
    ffi_boundary! {
        let data = bytes_arg(data, len, "data")?;
        with_socket(s, |e, st| send::send_one(e, st, data, Wait::NonBlocking)).map(|()| true)
    }
}

/// Send a multi-part message without waiting; true when it was queued
/// (whole), false otherwise with the reason as the thread's last error.
#[no_mangle]
pub extern "C" fn zs_send_multi_nonblocking(
    s: zs_socket,
    frames: *const zs_frame,
    count: usize,
) -> bool {
    ffi_boundary! {
        let frames = frames_arg(frames, count, "frames")?;
        with_socket(s, |e, st| {
            send::send_frames(e, st, &frames, Wait::NonBlocking)
        })
        .map(|()| true)
    }
}
