//! Sending (SPEC section 9): single- and multi-part messages, each call
//! with its own timeout.

use crate::blocking::{retry, Direction, Wait};
use crate::error::zs_result::*;
use crate::error::{ZsError, ZsResult};
use crate::handles::{Entry, Locked};

/// Send the frames of one message (at least one) as one atomic message.
///
/// `wait` bounds how long the first frame may wait to be queued. Once the
/// first frame is queued libzmq accepts the rest at once (its HWM counts
/// whole messages), so the later frames never time out: a message is never
/// left half sent.
#[inline]
pub fn send_frames(
    entry: &Entry,
    state: &mut Locked<'_>,
    frames: &[&[u8]],
    wait: Wait,
) -> ZsResult<()> {
    send_prefixed(entry, state, None, frames, wait)
}

/// [`send_frames`] for a single-frame message: the common case, kept
/// short.
#[inline]
pub fn send_one(entry: &Entry, state: &mut Locked<'_>, data: &[u8], wait: Wait) -> ZsResult<()> {
    if state.max_msg_size >= 0 && data.len() as u64 > state.max_msg_size as u64 {
        return Err(too_large(entry, data.len() as u128, state.max_msg_size));
    }
    retry(entry, state, Direction::Send, wait, true, |sock, flags| {
        sock.send(data, flags)
    })
}

#[cold]
fn too_large(entry: &Entry, total: u128, max: i64) -> ZsError {
    ZsError::new(
        ZS_ERR_MESSAGE_TOO_LARGE,
        format!(
            "{}: the message is {total} bytes, above the socket's maximum of {max}",
            entry.describe(),
        ),
    )
}

/// [`send_frames`] with an optional extra first frame.
#[inline]
pub fn send_prefixed(
    entry: &Entry,
    state: &mut Locked<'_>,
    prefix: Option<&[u8]>,
    frames: &[&[u8]],
    wait: Wait,
) -> ZsResult<()> {
    let all = || prefix.into_iter().chain(frames.iter().copied());
    if state.max_msg_size >= 0 {
        let total: u128 = all().map(|f| f.len() as u128).sum();
        if total > state.max_msg_size as u128 {
            return Err(too_large(entry, total, state.max_msg_size));
        }
    }
    let last = frames.len() + usize::from(prefix.is_some()) - 1;
    for (i, frame) in all().enumerate() {
        let more = if i < last { zmq::SNDMORE } else { 0 };
        let frame_wait = if i == 0 { wait } else { Wait::Forever };
        retry(
            entry,
            state,
            Direction::Send,
            frame_wait,
            i == 0,
            |sock, flags| sock.send(frame, flags | more),
        )?;
    }
    Ok(())
}
