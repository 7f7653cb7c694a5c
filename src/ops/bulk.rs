//! Bulk traffic (SPEC section 13): `zs_pump` sends one message many times
//! and `zs_drain` receives many, in native loops, so that a harness in PHP
//! or Python moves data at libzmq's speed.
//!
//! With `ZS_SEQUENCED`, each pumped message starts with a 16-byte frame: the
//! socket's random 64-bit stream id, then a sequence number counting from 0
//! per socket across calls, both little-endian. A draining socket keeps, per
//! stream, the next number it expects (from 0 for a new stream) and the
//! numbers it skipped, across calls, so that it can tell a gap, a late
//! message and a duplicate apart.

use std::collections::HashSet;
use std::time::Instant;

use super::retry::{retry, through_signals, Direction};
use super::send::{check_size, send_each};
use crate::error::zs_result::*;
use crate::error::{from_zmq, invalid, ZsError, ZsResult};
use crate::handles::{Entry, Locked};
use crate::sys::{BatchScheduling, RawMsg};
use crate::timeout::Wait;
use crate::types::{zs_bulk_flags, zs_drain_stats};

/// The length of the sequence frame.
const SEQ_FRAME: usize = 16;

/// The flags of a `zs_pump` or `zs_drain` call.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BulkFlags {
    /// ZS_SEQUENCED.
    pub sequenced: bool,
    /// ZS_SCHED_BATCH.
    pub batch: bool,
}

/// Check a flags argument.
pub fn flags_value(flags: u32) -> ZsResult<BulkFlags> {
    const KNOWN: u32 = zs_bulk_flags::ZS_SEQUENCED as u32 | zs_bulk_flags::ZS_SCHED_BATCH as u32;
    if flags & !KNOWN != 0 {
        return Err(invalid(format!(
            "flags {flags:#x} has bits other than ZS_SEQUENCED and ZS_SCHED_BATCH"
        )));
    }
    Ok(BulkFlags {
        sequenced: flags & zs_bulk_flags::ZS_SEQUENCED as u32 != 0,
        batch: flags & zs_bulk_flags::ZS_SCHED_BATCH as u32 != 0,
    })
}

/// Send `frames` `repeat` times. Returns how many were sent and, if the
/// pump ended early, why.
///
/// Each frame libzmq would not keep inline is copied once, into a message
/// every repetition shares (zmq_msg_copy): a reference count per message,
/// not a malloc, a copy and a free. Inline frames are copied each time.
/// (ENOMEM on the shared copy ends the pump before anything is sent.)
pub fn pump(
    entry: &Entry,
    state: &mut Locked<'_>,
    frames: &[&[u8]],
    repeat: u64,
    flags: BulkFlags,
    wait: Wait,
) -> (u64, Option<ZsError>) {
    let _batch = flags.batch.then(BatchScheduling::enter);
    let sequenced = flags.sequenced;
    // (frame, its shared message when not inline)
    let mut shared: Vec<(&[u8], Option<RawMsg>)> = Vec::with_capacity(frames.len());
    for f in frames {
        match RawMsg::from_bytes(f) {
            Ok(mut m) => shared.push((f, (!m.is_inline()).then_some(m))),
            Err(e) => return (0, Some(from_zmq(e, &entry.describe(), ZS_ERR_TIMED_OUT))),
        }
    }
    let skip = usize::from(sequenced);
    let payload: u128 = frames.iter().map(|f| f.len() as u128).sum();
    let total = payload + if sequenced { SEQ_FRAME as u128 } else { 0 };
    let mut sent = 0;
    while sent < repeat {
        if entry.is_closing() {
            return (sent, Some(crate::timeout::interrupted(&entry.describe())));
        }
        if let Err(e) = state.step_aside() {
            return (sent, Some(e));
        }
        let seq_frame: [u8; SEQ_FRAME] = if sequenced {
            state.sequencing().next_frame()
        } else {
            [0; SEQ_FRAME]
        };
        // A signal before the message was taken: nothing sent, try again.
        let result = check_size(entry, state, total).and_then(|()| {
            through_signals(wait, |wait| {
                send_each(entry, state, frames.len() + skip, wait, |i, sock, flags| {
                    // i < skip only for the sequence frame.
                    if i < skip {
                        return sock.send(&seq_frame, flags);
                    }
                    match &mut shared[i - skip] {
                        (_, Some(m)) => sock.send_shared(m, flags),
                        (f, None) => sock.send(f, flags),
                    }
                })
            })
        });
        if let Err(e) = result {
            return (sent, Some(e));
        }
        if sequenced {
            state.sequencing().advance();
        }
        sent += 1;
    }
    (sent, None)
}

/// Receive until `expected` messages have arrived (None: no limit) or none
/// arrives within `wait`; `stats` is filled either way.
pub fn drain(
    entry: &Entry,
    state: &mut Locked<'_>,
    expected: Option<u64>,
    flags: BulkFlags,
    wait: Wait,
    stats: &mut zs_drain_stats,
) -> ZsResult<()> {
    *stats = zs_drain_stats::default();
    let _batch = flags.batch.then(BatchScheduling::enter);
    let sequenced = flags.sequenced;
    let mut streams_seen: HashSet<u64> = HashSet::new();
    let mut first_at: Option<Instant> = None;
    // When the last message was counted: read from the clock only when the
    // queue runs dry (before waiting) and at the end, not per message.
    let mut last_at: Option<Instant> = None;
    let mut msg = RawMsg::new();
    let result = loop {
        if expected.is_some_and(|n| stats.messages >= n) {
            break Ok(());
        }
        let mut part = 0u64;
        let got = loop {
            // The first frame waits up to the idle timeout; the rest of a
            // message arrives with it. A message already queued is taken
            // without a clock read.
            let got = if part == 0 {
                match msg_now(entry, state, &mut msg) {
                    Ok(true) => Ok(()),
                    Ok(false) => {
                        if first_at.is_some() {
                            last_at = Some(Instant::now());
                        }
                        through_signals(wait, |wait| {
                            retry(entry, state, Direction::Recv, wait, true, |sock, flags| {
                                sock.recv(&mut msg, flags)
                            })
                        })
                    }
                    Err(e) => Err(e),
                }
            } else {
                through_signals(Wait::Forever, |wait| {
                    retry(entry, state, Direction::Recv, wait, false, |sock, flags| {
                        sock.recv(&mut msg, flags)
                    })
                })
            };
            if let Err(e) = got {
                break Err(e);
            }
            if first_at.is_none() {
                first_at = Some(Instant::now());
            }
            let more = msg.more();
            let bytes = msg.bytes();
            if part == 0 && sequenced && bytes.len() == SEQ_FRAME && more {
                let stream = u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes"));
                let seq = u64::from_le_bytes(bytes[8..].try_into().expect("8 bytes"));
                streams_seen.insert(stream);
                state.sequencing().track(stream, seq, stats);
            } else {
                stats.frames += 1;
                stats.bytes += bytes.len() as u64;
            }
            part += 1;
            if !more {
                break Ok(());
            }
        };
        if let Err(e) = got {
            break Err(e);
        }
        stats.messages += 1;
        last_at = None;
    };
    stats.senders = streams_seen.len() as u64;
    if let Some(first) = first_at {
        // Ended by `expected`, or by an error after messages came: the last
        // one was counted just now, or by the time the queue ran dry.
        let last = last_at.unwrap_or_else(Instant::now);
        stats.elapsed_ns = (last - first).as_nanos() as u64;
    }
    result
}

/// Take the next frame if one is queued now: Ok(false) if there is none.
fn msg_now(entry: &Entry, state: &mut Locked<'_>, msg: &mut RawMsg) -> ZsResult<bool> {
    match state.raw().recv(msg, zmq::DONTWAIT) {
        Ok(()) => Ok(true),
        Err(zmq::Error::EAGAIN) | Err(zmq::Error::EINTR) => Ok(false),
        Err(e) => Err(crate::error::from_zmq(
            e,
            &entry.describe(),
            ZS_ERR_TIMED_OUT,
        )),
    }
}

/// The error `zs_drain` returns when `expected` was not reached.
pub fn drain_short(expected: u64, got: u64, e: ZsError) -> ZsError {
    if e.code == ZS_ERR_TIMED_OUT {
        ZsError::new(
            ZS_ERR_TIMED_OUT,
            format!("{} (received {got} of {expected} messages)", e.msg),
        )
    } else {
        e
    }
}
