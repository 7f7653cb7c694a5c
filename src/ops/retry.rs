//! Per-call timeouts (SPEC section 4) and the one loop every blocking send
//! and receive goes through.
//!
//! A call's first attempt is one libzmq call: blocking for the whole wait
//! when that fits in one slice (or for a slice, with no end), without
//! waiting for a longer finite wait, so that a call that succeeds at once
//! never reads the clock. If libzmq says EAGAIN, the call waits in slices
//! of at most [`SLICE_MS`] (by setting ZMQ_SNDTIMEO/ZMQ_RCVTIMEO for that
//! slice only), checking between slices whether the socket is being
//! destroyed and whether its own deadline has passed. So a timeout applies
//! to that one call only, and a destroy interrupts a call blocked even with
//! `ZS_TIMEOUT_FOREVER` within one slice.

use std::time::{Duration, Instant};

use crate::error::zs_result::*;
use crate::error::{ZsError, ZsResult};
use crate::handles::{Entry, Locked};
use crate::socket::SocketState;
use crate::sys::RawSock;
use crate::timeout::{interrupted, Deadline, Wait, SLICE_MS};

/// Which libzmq timeout option a slice sets.
#[derive(Clone, Copy, Debug)]
pub enum Direction {
    Send,
    Recv,
}

/// Set the libzmq timeout of direction `dir` for the next blocking attempt.
#[inline]
fn set_slice(state: &mut SocketState, dir: Direction, ms: i32) -> Result<(), zmq::Error> {
    match dir {
        Direction::Send => state.set_send_slice(ms),
        Direction::Recv => state.set_recv_slice(ms),
    }
}

/// Run `op` until it succeeds, fails with something other than EAGAIN,
/// or `wait` runs out. A signal that interrupts a blocking attempt
/// (EINTR) ends the call with ZS_ERR_INTERRUPTED, as libzmq's own calls
/// end, so that the caller's signal handlers get to run (a binding's
/// interpreter runs them only once the call has returned). `op(sock, 0)`
/// must be the blocking form of the libzmq call, `op(sock,
/// zmq::DONTWAIT)` the non-blocking one.
/// With `between_messages`, the call lets other threads waiting for the
/// socket in between its slices (never in the middle of a message).
///
/// Inlined into every per-message call: its first attempt is the whole of
/// a call that does not wait; what follows an EAGAIN is [`retry_waiting`].
#[inline(always)]
pub fn retry<T>(
    entry: &Entry,
    state: &mut Locked<'_>,
    dir: Direction,
    wait: Wait,
    between_messages: bool,
    mut op: impl FnMut(RawSock, i32) -> Result<T, zmq::Error>,
) -> ZsResult<T> {
    // The fast path: one libzmq call, no clock, no allocation. A wait that
    // fits in one slice (or has no end) makes its first attempt blocking,
    // as a plain blocking call would; a longer finite wait first tries
    // without waiting, so that only a call that has to wait reads the clock
    // (the microseconds of that attempt do not count against the timeout).
    // `whole_wait`: the first attempt is all the call may wait.
    let (flags, first_slice, whole_wait) = match wait {
        Wait::NonBlocking | Wait::Ms(0) => (zmq::DONTWAIT, 0, true),
        Wait::Forever => (0, SLICE_MS, false),
        Wait::Ms(ms) if ms <= SLICE_MS as u32 => (0, ms as i32, true),
        Wait::Ms(_) => (zmq::DONTWAIT, 0, false),
    };
    let st: &mut SocketState = state;
    if flags == 0 {
        set_slice(st, dir, first_slice).map_err(|e| fail(e, entry))?;
    }
    match op(st.raw(), flags) {
        Err(zmq::Error::EAGAIN) if whole_wait => {
            // The first attempt was the whole wait.
            Err(ran_out(entry, wait))
        }
        Err(zmq::Error::EAGAIN) => {
            retry_waiting(entry, state, dir, wait, between_messages, &mut op)
        }
        other => other.map_err(|e| fail(e, entry)),
    }
}

/// The error of a call whose only attempt found nothing.
#[cold]
#[inline(never)]
fn ran_out(entry: &Entry, wait: Wait) -> ZsError {
    if entry.is_closing() {
        return interrupted(&entry.describe());
    }
    Deadline::starting(wait, None).timed_out(&entry.describe())
}

/// The rest of [`retry`], after a first attempt that had to wait longer:
/// slices until `wait` runs out.
#[cold]
#[inline(never)]
fn retry_waiting<T>(
    entry: &Entry,
    state: &mut Locked<'_>,
    dir: Direction,
    wait: Wait,
    between_messages: bool,
    op: &mut impl FnMut(RawSock, i32) -> Result<T, zmq::Error>,
) -> ZsResult<T> {
    let deadline = Deadline::new(wait);
    loop {
        if entry.is_closing() {
            return Err(interrupted(&entry.describe()));
        }
        let Some(slice) = deadline.next_slice() else {
            return Err(deadline.timed_out(&entry.describe()));
        };
        if between_messages {
            state.step_aside()?;
        }
        set_slice(state, dir, slice).map_err(|e| fail(e, entry))?;
        match op(state.raw(), 0) {
            Err(zmq::Error::EAGAIN) => {}
            other => return other.map_err(|e| fail(e, entry)),
        }
    }
}

/// `attempt(wait)` again while a signal interrupts it (ZS_ERR_INTERRUPTED):
/// for what must not end half done (the rest of a message) and for the
/// bulk calls, which run to their count or timeout whatever signals come.
/// After the first interruption the wait ends at most `wait` later, so
/// signals that keep coming cannot stretch it further (the fast path
/// reads no clock: the part before that first interruption is not
/// counted).
pub fn through_signals<T>(wait: Wait, mut attempt: impl FnMut(Wait) -> ZsResult<T>) -> ZsResult<T> {
    let mut end: Option<Instant> = None;
    let mut this = wait;
    loop {
        match attempt(this) {
            Err(e) if e.code == ZS_ERR_INTERRUPTED => {
                if let Wait::Ms(ms) = wait {
                    let now = Instant::now();
                    let end = *end.get_or_insert(now + Duration::from_millis(u64::from(ms)));
                    let left = end.saturating_duration_since(now).as_millis();
                    this = Wait::Ms(u32::try_from(left).unwrap_or(u32::MAX));
                }
            }
            other => return other,
        }
    }
}

#[cold]
fn fail(e: zmq::Error, entry: &Entry) -> ZsError {
    crate::error::from_zmq(e, &entry.describe(), ZS_ERR_TIMED_OUT)
}
