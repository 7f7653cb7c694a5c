//! Sending (SPEC section 9): single- and multi-part messages, each call
//! with its own timeout.

use super::retry::{retry, through_signals, Direction};
use crate::error::zs_result::*;
use crate::error::{ZsError, ZsResult};
use crate::handles::{Entry, Locked};
use crate::sys::RawSock;
use crate::timeout::Wait;

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
    check_size(entry, state, data.len() as u128)?;
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
    let total = prefix.map_or(0, |p| p.len() as u128)
        + frames.iter().map(|f| f.len() as u128).sum::<u128>();
    check_size(entry, state, total)?;
    let skip = usize::from(prefix.is_some());
    send_each(entry, state, frames.len() + skip, wait, |i, sock, flags| {
        // i < skip only for the prefix's frame.
        let frame = if i < skip {
            prefix.unwrap_or_default()
        } else {
            frames[i - skip]
        };
        sock.send(frame, flags)
    })
}

/// ZS_ERR_MESSAGE_TOO_LARGE when `total` bytes exceed the socket's
/// maximum message size.
#[inline]
pub fn check_size(entry: &Entry, state: &Locked<'_>, total: u128) -> ZsResult<()> {
    if state.max_msg_size() >= 0 && total > state.max_msg_size() as u128 {
        return Err(too_large(entry, total, state.max_msg_size()));
    }
    Ok(())
}

/// Send `count` frames (at least 1) as one message, frame `i` by
/// `send_frame(i, socket, flags)`, which adds nothing to `flags` (this
/// adds ZMQ_SNDMORE). `wait` bounds the first frame; once it is queued
/// libzmq takes the rest at once, so the rest wait without limit.
#[inline]
pub fn send_each(
    entry: &Entry,
    state: &mut Locked<'_>,
    count: usize,
    wait: Wait,
    mut send_frame: impl FnMut(usize, RawSock, i32) -> Result<(), zmq::Error>,
) -> ZsResult<()> {
    for i in 0..count {
        let more = if i + 1 < count { zmq::SNDMORE } else { 0 };
        if i == 0 {
            retry(entry, state, Direction::Send, wait, true, |sock, flags| {
                send_frame(i, sock, flags | more)
            })?;
        } else {
            // A message is never left half sent: libzmq takes the rest at
            // once, and a signal does not end the call in between.
            through_signals(Wait::Forever, |wait| {
                retry(entry, state, Direction::Send, wait, false, |sock, flags| {
                    send_frame(i, sock, flags | more)
                })
            })?;
        }
    }
    Ok(())
}
