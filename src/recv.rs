//! Receiving (SPEC section 10): one frame or one whole message, handed to
//! the caller in libzmq's own buffers, without copying.

use std::os::raw::c_void;

use crate::blocking::{retry, Direction, Wait};
use crate::error::ZsResult;
use crate::handles::{Entry, Locked};
use crate::types::{zs_frame, zs_message};

/// What a `zs_message`'s `owner` points to: the libzmq messages and the
/// frames that point into them. A single frame, the common case, costs one
/// allocation.
pub enum Received {
    One {
        msg: zmq::Message,
        frame: zs_frame,
    },
    Many {
        // Kept alive (not read) while the caller reads `frames`.
        msgs: Vec<zmq::Message>,
        frames: Vec<zs_frame>,
    },
}

fn frame_of(m: &zmq::Message) -> zs_frame {
    zs_frame {
        data: m.as_ptr() as *const c_void,
        len: m.len(),
    }
}

impl Received {
    /// Box the messages and give their frames to the caller: the
    /// `zs_message` to write to `*out`. The frames are taken from the
    /// messages where they finally rest (libzmq keeps a small message inside
    /// its zmq_msg_t), and neither the Box nor a Vec's buffer moves again.
    fn into_message(mut self: Box<Received>) -> zs_message {
        let (frames, count) = match &mut *self {
            Received::One { msg, frame } => {
                *frame = frame_of(msg);
                (frame as *mut zs_frame, 1)
            }
            Received::Many { msgs, frames } => {
                *frames = msgs.iter().map(frame_of).collect();
                (frames.as_mut_ptr(), frames.len())
            }
        };
        zs_message {
            frames,
            count,
            owner: Box::into_raw(self) as *mut c_void,
        }
    }
}

/// Receive one frame (`whole == false`) or every frame of the next message.
pub fn recv(
    entry: &Entry,
    state: &mut Locked<'_>,
    wait: Wait,
    whole: bool,
) -> ZsResult<zs_message> {
    let mut first = zmq::Message::new();
    retry(entry, state, Direction::Recv, wait, true, |sock, flags| {
        sock.recv(&mut first, flags)
    })?;
    let boxed = if whole && first.get_more() {
        let mut msgs = vec![first];
        loop {
            let mut msg = zmq::Message::new();
            // The rest of a message arrives with its first frame.
            retry(
                entry,
                state,
                Direction::Recv,
                Wait::Forever,
                false,
                |sock, flags| sock.recv(&mut msg, flags),
            )?;
            let more = msg.get_more();
            msgs.push(msg);
            if !more {
                break;
            }
        }
        Box::new(Received::Many {
            msgs,
            frames: Vec::new(),
        })
    } else {
        Box::new(Received::One {
            msg: first,
            frame: zs_frame {
                data: std::ptr::null(),
                len: 0,
            },
        })
    };
    Ok(boxed.into_message())
}
