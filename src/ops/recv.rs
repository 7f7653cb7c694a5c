//! Receiving (SPEC section 10): one frame or one whole message, handed to
//! the caller in libzmq's own buffers, without copying.

use std::cell::RefCell;

use super::retry::{retry, Direction};
use crate::error::ZsResult;
use crate::handles::{Entry, Locked};
use crate::sys::RawMsg;
use crate::timeout::Wait;
use crate::types::{zs_frame, zs_message};

/// What a `zs_message`'s `owner` points to: the libzmq messages and the
/// frames that point into them. A single frame, the common case, costs one
/// allocation, and libzmq receives straight into it.
pub enum Received {
    /// `frame.len` is set when the message is received (zmq_msg_recv says
    /// it), `frame.data` when it is handed over.
    One { msg: RawMsg, frame: zs_frame },
    Many {
        // Kept alive (not read) while the caller reads `frames`.
        msgs: Vec<RawMsg>,
        frames: Vec<zs_frame>,
    },
}

impl Received {
    /// The message's first libzmq frame (each frame carries the same
    /// metadata).
    pub fn first(&self) -> &RawMsg {
        match self {
            Received::One { msg, .. } => msg,
            Received::Many { msgs, .. } => &msgs[0],
        }
    }

    /// Give the messages' frames to the caller: the `zs_message` to write
    /// to `*out`. The frames are taken from the messages where they finally
    /// rest (libzmq keeps a small message inside its zmq_msg_t), and
    /// neither the Box nor a Vec's buffer moves again.
    #[inline(always)]
    fn into_message(mut self: Box<Received>) -> zs_message {
        let (frames, count) = match &mut *self {
            Received::One { msg, frame } => {
                *frame = msg.frame_of(frame.len);
                (frame as *mut zs_frame, 1)
            }
            Received::Many { msgs, frames } => {
                *frames = msgs.iter_mut().map(RawMsg::frame).collect();
                (frames.as_mut_ptr(), frames.len())
            }
        };
        zs_message {
            frames,
            count,
            owner: Box::into_raw(self) as *mut std::os::raw::c_void,
        }
    }
}

/// Single-frame boxes kept for reuse, per thread.
const POOL_SLOTS: usize = 32;

thread_local! {
    /// Boxes of freed single-frame messages, each holding a libzmq message
    /// that is empty or whose frame lives inside it: a harness that
    /// receives and frees in a loop allocates nothing per message.
    // The boxes themselves are what is reused (a message's frames point
    // into its box), so they stay boxed.
    #[allow(clippy::vec_box)]
    static POOL: RefCell<Vec<Box<Received>>> = const { RefCell::new(Vec::new()) };
}

// The per-message helpers are #[inline(always)]: LTO otherwise keeps them
// as calls.
#[inline(always)]
fn empty_one() -> Box<Received> {
    POOL.try_with(|p| p.try_borrow_mut().ok()?.pop())
        .ok()
        .flatten()
        .unwrap_or_else(|| {
            Box::new(Received::One {
                msg: RawMsg::new(),
                frame: zs_frame {
                    data: std::ptr::null(),
                    len: 0,
                },
            })
        })
}

/// Release what a received message holds (`owner` of a `zs_message`):
/// its libzmq messages are closed (but see below), and a single-frame box
/// is kept for this thread's next receive. A single-frame box's
/// `frame.data` must be what zmq_msg_data says of its message now, as
/// `into_message` leaves it (see [`release_unread`] otherwise).
///
/// A small frame that libzmq keeps inside its zmq_msg_t holds no buffer:
/// it is left there, and the next receive into the box closes it
/// (zmq_msg_recv closes what it receives into, as a loop of raw libzmq
/// receives does), which saves a close and an init per message. Any other
/// frame is closed now, so that a pooled box never holds a buffer.
#[inline(always)]
pub fn release(mut boxed: Box<Received>) {
    match &mut *boxed {
        Received::One { msg, frame } => {
            // Where the frame is, from `frame.data`: no libzmq call.
            if !msg.holds_inline(frame.data) {
                // Close the received message, leaving an empty one.
                msg.reset();
            }
        }
        Received::Many { .. } => return,
    }
    let _ = POOL.try_with(|p| {
        let Ok(mut p) = p.try_borrow_mut() else {
            return;
        };
        if p.len() < POOL_SLOTS {
            p.push(boxed);
        }
    });
}

/// [`release`] for a single-frame box whose `frame.data` is not current
/// (a receive into it failed, or its frame was only copied out).
fn release_unread(mut boxed: Box<Received>) {
    if let Received::One { msg, frame } = &mut *boxed {
        *frame = msg.frame_of(0);
    }
    release(boxed);
}

/// Receive one frame (`whole == false`) or every frame of the next message
/// and hand it to `deliver` (which writes it to the caller's struct; only
/// on success). Handing it over inside the call, rather than returning it,
/// lets the caller write it field by field as it is built.
#[inline(always)]
pub fn recv(
    entry: &Entry,
    state: &mut Locked<'_>,
    wait: Wait,
    whole: bool,
    deliver: impl FnOnce(zs_message),
) -> ZsResult<()> {
    let mut boxed = empty_one();
    let Received::One { msg: first, frame } = &mut *boxed else {
        unreachable!("made as One just above")
    };
    match retry(entry, state, Direction::Recv, wait, true, |sock, flags| {
        sock.recv_len(first, flags)
    }) {
        Ok(len) => frame.len = len,
        Err(e) => {
            release_unread(boxed);
            return Err(e);
        }
    }
    if whole && first.more() {
        let mut msgs = vec![std::mem::replace(first, RawMsg::new())];
        loop {
            let mut msg = RawMsg::new();
            // The rest of a message arrives with its first frame.
            retry(
                entry,
                state,
                Direction::Recv,
                Wait::Forever,
                false,
                |sock, flags| sock.recv(&mut msg, flags),
            )?;
            let more = msg.more();
            msgs.push(msg);
            if !more {
                break;
            }
        }
        *boxed = Received::Many {
            msgs,
            frames: Vec::new(),
        };
    }
    deliver(boxed.into_message());
    Ok(())
}

/// Receive one frame into `buf` and return its length; one that does not
/// fit is handed to `too_long` whole as a single-frame message instead (the
/// length returned is then greater than `buf.len()`), so nothing is
/// truncated or lost. The result is two words: it comes back in registers.
#[inline(always)]
pub fn recv_into(
    entry: &Entry,
    state: &mut Locked<'_>,
    wait: Wait,
    buf: &mut [u8],
    too_long: impl FnOnce(zs_message),
) -> ZsResult<usize> {
    // A message on the stack, not a pooled box: the frame is copied out
    // before the call returns, so nothing outlives it.
    RawMsg::scoped(|msg| {
        let len = retry(entry, state, Direction::Recv, wait, true, |sock, flags| {
            sock.recv_len(msg, flags)
        })?;
        if len > buf.len() {
            let mut boxed = empty_one();
            let Received::One { msg: kept, frame } = &mut *boxed else {
                unreachable!("made as One")
            };
            *kept = std::mem::replace(msg, RawMsg::new());
            frame.len = len;
            too_long(boxed.into_message());
            return Ok(len);
        }
        buf[..len].copy_from_slice(msg.bytes_of(len));
        Ok(len)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A single-frame box of `len` bytes, as `into_message` leaves it
    /// (`frame.data` current), or with `frame.data` NULL (stale).
    fn one_with(len: usize, current: bool) -> Box<Received> {
        let mut b = Box::new(Received::One {
            msg: RawMsg::with_len(len),
            frame: zs_frame {
                data: std::ptr::null(),
                len,
            },
        });
        if let Received::One { msg, frame } = &mut *b {
            if current {
                // The frame's address is known only once the box is made.
                *frame = msg.frame_of(len);
            }
        }
        b
    }

    fn one(len: usize) -> Box<Received> {
        one_with(len, true)
    }

    fn pooled_len() -> usize {
        let mut b = empty_one();
        let Received::One { msg, .. } = &mut *b else {
            panic!("a pooled box is One")
        };
        msg.bytes().len()
    }

    /// A freed frame that lives inside its zmq_msg_t stays in the pooled
    /// box (the next receive closes it); a longer one, which has a buffer,
    /// is closed at once.
    #[test]
    fn release_keeps_only_inline_frames() {
        assert!(RawMsg::new().is_inline());
        assert!(RawMsg::with_len(8).is_inline());
        assert!(!RawMsg::with_len(100).is_inline());
        POOL.with(|p| p.borrow_mut().clear());
        release(one(100));
        assert_eq!(pooled_len(), 0, "a 100-byte frame is closed when freed");
        release(one(8));
        assert_eq!(pooled_len(), 8, "an 8-byte frame stays in its box");
    }

    /// A box whose `frame.data` is not current (a failed receive, a frame
    /// only copied out) is looked at through libzmq before it is pooled:
    /// a frame with a buffer is still closed.
    #[test]
    fn release_unread_asks_libzmq() {
        POOL.with(|p| p.borrow_mut().clear());
        release_unread(one_with(100, false));
        assert_eq!(pooled_len(), 0, "a 100-byte frame is closed when freed");
        release_unread(one_with(8, false));
        assert_eq!(pooled_len(), 8, "an 8-byte frame stays in its box");
    }
}
