//! Receiving (SPEC section 10): one frame or one whole message, handed to
//! the caller in libzmq's own buffers, without copying.

use std::os::raw::c_void;

use crate::blocking::{retry, Direction, Wait};
use crate::error::ZsResult;
use crate::handles::Entry;
use crate::socket::SocketState;
use crate::types::{zs_frame, zs_message};

/// What a `zs_message`'s `owner` points to: the libzmq messages and the
/// frame array that points into them.
pub struct Received {
    // Kept alive (not read) while the caller reads `frames`.
    _msgs: Vec<zmq::Message>,
    frames: Vec<zs_frame>,
}

impl Received {
    fn new(msgs: Vec<zmq::Message>) -> Box<Received> {
        // The Vec is complete, so its elements (and the small messages that
        // libzmq stores inside zmq_msg_t) no longer move.
        let frames = msgs
            .iter()
            .map(|m| zs_frame {
                data: m.as_ptr() as *const c_void,
                len: m.len(),
            })
            .collect();
        Box::new(Received {
            _msgs: msgs,
            frames,
        })
    }

    /// Give the frames to the caller: the `zs_message` to write to `*out`.
    fn into_message(mut self: Box<Received>) -> zs_message {
        let count = self.frames.len();
        // Moving the Box moves neither the Vec's buffer nor the messages.
        let frames = self.frames.as_mut_ptr();
        let owner = Box::into_raw(self);
        zs_message {
            frames,
            count,
            owner: owner as *mut c_void,
        }
    }
}

/// Receive one frame (`whole == false`) or every frame of the next message.
pub fn recv(
    entry: &Entry,
    state: &mut SocketState,
    wait: Wait,
    whole: bool,
) -> ZsResult<zs_message> {
    let mut msgs = Vec::with_capacity(1);
    let mut frame_wait = wait;
    loop {
        let mut msg = zmq::Message::new();
        retry(entry, state, Direction::Recv, frame_wait, |sock, flags| {
            sock.recv(&mut msg, flags)
        })?;
        let more = msg.get_more();
        msgs.push(msg);
        if !(whole && more) {
            break;
        }
        // The rest of a message arrives with its first frame.
        frame_wait = Wait::Forever;
    }
    Ok(Received::new(msgs).into_message())
}
