//! `zs_poll` (SPEC section 14) and `zs_poll_events` (section 21): wait
//! until one of several sockets has a message to receive, or room to send.
//!
//! The sockets are locked in handle order (so two polls over overlapping
//! sets cannot deadlock) for one slice at a time, and released between
//! slices so that other threads' calls on them get their turn.

use std::sync::Arc;

use crate::error::{ZsError, ZsResult};
use crate::handles::{self, Entry};
use crate::timeout::{interrupted, Deadline, Wait};
use crate::types::zs_poll_flags::{ZS_POLLIN, ZS_POLLOUT};
use crate::types::zs_socket;

const IN: i16 = ZS_POLLIN as i16;
const OUT: i16 = ZS_POLLOUT as i16;

/// libzmq's poll events for a `want` of ZS_POLLIN / ZS_POLLOUT bits.
fn poll_events_of(want: i16) -> zmq::PollEvents {
    let mut events = zmq::PollEvents::empty();
    if want & IN != 0 {
        events |= zmq::POLLIN;
    }
    if want & OUT != 0 {
        events |= zmq::POLLOUT;
    }
    events
}

/// Poll `handles` for input; `readable[i]` answers for `handles[i]`.
/// Returns how many of `handles` are readable (0 when the time ran out).
pub fn poll(handles: &[zs_socket], wait: Wait, readable: &mut [bool]) -> ZsResult<i32> {
    let want = vec![IN; handles.len()];
    let mut ready = vec![0; handles.len()];
    let n = poll_events(handles, &want, wait, &mut ready)?;
    for (r, got) in readable.iter_mut().zip(&ready) {
        *r = *got != 0;
    }
    Ok(n)
}

/// Poll `handles[i]` for what `want[i]` asks (ZS_POLLIN, ZS_POLLOUT, both,
/// or 0: nothing); `ready[i]` gets what of it holds. Returns how many
/// entries are ready (0 when the time ran out).
pub fn poll_events(
    handles: &[zs_socket],
    want: &[i16],
    wait: Wait,
    ready: &mut [i16],
) -> ZsResult<i32> {
    if let Some(i) = want.iter().position(|w| w & !(IN | OUT) != 0) {
        return Err(crate::error::invalid(format!(
            "want[{i}] is {}: not a set of ZS_POLLIN and ZS_POLLOUT",
            want[i]
        )));
    }
    // One entry per distinct handle, in handle order, with everything any
    // of its places asks for.
    let mut unique: Vec<(Arc<Entry>, i16)> = Vec::new();
    for (i, &h) in handles.iter().enumerate() {
        let e = handles::lookup(h)
            .map_err(|e| ZsError::new(e.code, format!("sockets[{i}]: {}", e.msg)))?;
        unique.push((e, want[i]));
    }
    unique.sort_by_key(|(e, _)| e.handle);
    unique.dedup_by(|b, a| {
        let same = a.0.handle == b.0.handle;
        if same {
            a.1 |= b.1;
        }
        same
    });

    let deadline = Deadline::new(wait);
    let mut slice = 0;
    loop {
        let found: Vec<(zs_socket, i16)> = {
            let mut locked = Vec::with_capacity(unique.len());
            for (e, _) in &unique {
                locked.push(e.lock()?);
            }
            let mut items: Vec<zmq::PollItem> = locked
                .iter()
                .zip(&unique)
                .map(|(l, (_, w))| l.poll_item(poll_events_of(*w)))
                .collect();
            zmq::poll(&mut items, i64::from(slice)).map_err(|e| {
                crate::error::from_zmq(e, "zmq_poll", crate::error::zs_result::ZS_ERR_TIMED_OUT)
            })?;
            unique
                .iter()
                .zip(&items)
                .map(|((e, _), item)| {
                    let got = if item.is_readable() { IN } else { 0 }
                        | if item.is_writable() { OUT } else { 0 };
                    (e.handle, got)
                })
                .collect()
        };
        let mut n = 0;
        for ((r, h), w) in ready.iter_mut().zip(handles).zip(want) {
            let got = found.iter().find(|(f, _)| f == h).map_or(0, |(_, g)| *g);
            *r = got & w;
            n += i32::from(*r != 0);
        }
        if n > 0 {
            return Ok(n);
        }
        if let Some((e, _)) = unique.iter().find(|(e, _)| e.is_closing()) {
            return Err(interrupted(&e.describe()));
        }
        match deadline.next_slice() {
            Some(s) => slice = s,
            None => return Ok(0),
        }
        // The sockets are free now: let other threads' calls on them in.
        if unique.iter().any(|(e, _)| e.has_waiters()) {
            std::thread::sleep(handles::STEP_ASIDE);
        } else {
            std::thread::yield_now();
        }
    }
}
