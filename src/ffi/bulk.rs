//! Bulk traffic (SPEC section 13): pump and drain.

use super::args::{frames_arg, out_arg, write_out};
use super::boundary::{ffi_boundary, Partial};
use crate::handles::with_socket;
use crate::ops::bulk;
use crate::timeout::Wait;
use crate::types::{zs_drain_stats, zs_frame, zs_socket};

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
/// (figures: docs/performance.md), at the cost of a later wake-up and
/// four more system calls per call (one for a thread it leaves alone). A
/// thread under another policy is left alone, and a change the kernel
/// refuses (a seccomp filter, gVisor) is ignored: the call then runs as
/// it is. Without the flag, nothing is changed.
#[no_mangle]
pub extern "C" fn zs_pump(
    s: zs_socket,
    frames: *const zs_frame,
    count: usize,
    repeat: i64,
    flags: u32,
    timeout_ms: i32,
) -> i64 {
    ffi_boundary! {
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
            err => Ok(Partial(sent, err)),
        }
    }
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
    ffi_boundary! {
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
            .map_err(|e| bulk::drain_short(expected.unwrap_or(0), stats.messages, e))
    }
}
