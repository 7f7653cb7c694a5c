//! Receiving (SPEC section 10).

use std::os::raw::c_void;

use super::args::{self, out_arg, write_out};
use super::boundary::ffi_boundary;
use crate::error::{self, ZsResult};
use crate::handles::with_socket;
use crate::ops::recv;
use crate::timeout::Wait;
use crate::types::{zs_message, zs_recv_args, zs_socket};

/// The shared body of the four receive functions: `*out` is emptied
/// before anything can fail.
#[inline(always)]
fn recv_message(
    s: zs_socket,
    wait: impl FnOnce() -> ZsResult<Wait>,
    whole: bool,
    out: *mut zs_message,
) -> ZsResult<()> {
    let out = out_arg(out, "out")?;
    write_out(out, zs_message::EMPTY);
    let wait = wait()?;
    with_socket(s, |e, st| {
        recv::recv(e, st, wait, whole, |msg| args::write_message(out, msg))
    })
}

/// Receive one frame (as libzmq and php-zmq do: the next call gets the
/// next frame of a multi-part message) into `*out`, a single-frame
/// message. Waits at most `timeout_ms`; then ZS_ERR_TIMED_OUT. `*out` is
/// overwritten, never read (free what it held first); on failure it is
/// set to {NULL, 0, NULL}. Free it with zs_message_free.
#[no_mangle]
pub extern "C" fn zs_recv(s: zs_socket, timeout_ms: i32, out: *mut zs_message) -> i32 {
    ffi_boundary! { recv_message(s, || Wait::from_timeout(timeout_ms), false, out) }
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
    ffi_boundary! {
        let overflow = out_arg(overflow, "overflow")?;
        let buf = args::bytes_out(buf, cap, "buf")?;
        recv_to(s, timeout_ms, buf, overflow)
    }
}

/// zs_recv_into with its arguments in one struct (see zs_recv_args): one
/// argument instead of five, for bindings that pay per argument. Returns
/// what zs_recv_into returns, and writes `args->overflow` as it writes
/// `*overflow`; nothing else in `*args` is written. `args` must not be
/// NULL; `args->buf` may be NULL only when `args->cap` is 0.
#[no_mangle]
pub extern "C" fn zs_recv_packed(args: *mut zs_recv_args) -> i64 {
    ffi_boundary! {
        let args = out_arg(args, "args")?;
        let (s, timeout_ms, buf, cap) = args::recv_args(args);
        let buf = args::bytes_out(buf, cap, "args->buf")?;
        if timeout_ms < -2 {
            // Named as the caller wrote it (zs_recv_into says "timeout_ms").
            Wait::from_timeout(timeout_ms)
                .map_err(|e| error::invalid(format!("args->{}", e.msg)))?;
        }
        recv_to(s, timeout_ms, buf, args::recv_args_overflow(args))
    }
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
    let n = with_socket(s, |e, st| {
        recv::recv_into(e, st, wait, buf, |msg| write_out(overflow, msg))
    })?;
    Ok(n as i64)
}

/// Receive every frame of the next message into `*out`. As zs_recv
/// otherwise.
#[no_mangle]
pub extern "C" fn zs_recv_multi(s: zs_socket, timeout_ms: i32, out: *mut zs_message) -> i32 {
    ffi_boundary! { recv_message(s, || Wait::from_timeout(timeout_ms), true, out) }
}

/// Receive one frame without waiting: ZS_ERR_WOULD_BLOCK when there is
/// nothing to take now. As zs_recv otherwise.
#[no_mangle]
pub extern "C" fn zs_recv_nonblocking(s: zs_socket, out: *mut zs_message) -> i32 {
    ffi_boundary! { recv_message(s, || Ok(Wait::NonBlocking), false, out) }
}

/// Receive a whole message without waiting: ZS_ERR_WOULD_BLOCK when there
/// is nothing to take now. As zs_recv_multi otherwise.
#[no_mangle]
pub extern "C" fn zs_recv_multi_nonblocking(s: zs_socket, out: *mut zs_message) -> i32 {
    ffi_boundary! { recv_message(s, || Ok(Wait::NonBlocking), true, out) }
}

/// Release the frames a received message holds and zero the struct. NULL
/// and an already-freed (zeroed) message are fine. Freeing a copy of a
/// message struct that was already freed through another copy is
/// undefined, as with free().
#[no_mangle]
pub extern "C" fn zs_message_free(msg: *mut zs_message) {
    ffi_boundary! {
        args::free_message(msg);
        Ok(())
    }
}
