//! `zs_poll` (SPEC section 14): wait until one of several sockets has a
//! message to receive.
//!
//! The sockets are locked in handle order (so two polls over overlapping
//! sets cannot deadlock) for one slice at a time, and released between
//! slices so that other threads' calls on them get their turn.

use std::sync::Arc;

use crate::error::{ZsError, ZsResult};
use crate::handles::{self, Entry};
use crate::timeout::{interrupted, Deadline, Wait};
use crate::types::zs_socket;

/// Poll `handles` for input; `readable[i]` answers for `handles[i]`.
/// Returns how many of `handles` are readable (0 when the time ran out).
pub fn poll(handles: &[zs_socket], wait: Wait, readable: &mut [bool]) -> ZsResult<i32> {
    // One entry per distinct handle, in handle order.
    let mut unique: Vec<Arc<Entry>> = Vec::new();
    for (i, &h) in handles.iter().enumerate() {
        let e = handles::lookup(h)
            .map_err(|e| ZsError::new(e.code, format!("sockets[{i}]: {}", e.msg)))?;
        unique.push(e);
    }
    unique.sort_by_key(|e| e.handle);
    unique.dedup_by_key(|e| e.handle);

    let deadline = Deadline::new(wait);
    let mut slice = 0;
    loop {
        let ready: Vec<zs_socket> = {
            let mut locked = Vec::with_capacity(unique.len());
            for e in &unique {
                locked.push(e.lock()?);
            }
            let mut items: Vec<zmq::PollItem> = locked.iter().map(|l| l.poll_in()).collect();
            zmq::poll(&mut items, i64::from(slice)).map_err(|e| {
                crate::error::from_zmq(e, "zmq_poll", crate::error::zs_result::ZS_ERR_TIMED_OUT)
            })?;
            unique
                .iter()
                .zip(&items)
                .filter(|(_, item)| item.is_readable())
                .map(|(e, _)| e.handle)
                .collect()
        };
        let mut n = 0;
        for (r, h) in readable.iter_mut().zip(handles) {
            *r = ready.contains(h);
            n += i32::from(*r);
        }
        if n > 0 {
            return Ok(n);
        }
        if let Some(e) = unique.iter().find(|e| e.is_closing()) {
            return Err(interrupted(&e.describe()));
        }
        match deadline.next_slice() {
            Some(s) => slice = s,
            None => return Ok(0),
        }
        // The sockets are free now: let other threads' calls on them in.
        if unique.iter().any(|e| e.has_waiters()) {
            std::thread::sleep(handles::STEP_ASIDE);
        } else {
            std::thread::yield_now();
        }
    }
}
