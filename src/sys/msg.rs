//! A libzmq message (zmq_msg_t).

use std::os::raw::c_void;

use super::socket::last_zmq_error;
use crate::types::zs_frame;

/// A libzmq message (zmq_msg_t, aligned as libzmq aligns it), closed on
/// drop. Its data may live inside it (libzmq keeps small messages inline),
/// so a pointer from [`RawMsg::frame`] is valid only while the RawMsg
/// stays where it was when the pointer was taken.
#[repr(C, align(8))]
pub(crate) struct RawMsg(pub(super) zmq_sys::zmq_msg_t);

impl RawMsg {
    #[inline]
    pub(crate) fn new() -> RawMsg {
        let mut m = RawMsg(zmq_sys::zmq_msg_t { __: [0; 64] });
        // SAFETY: zmq_msg_init initialises an empty message in place and
        // cannot fail.
        unsafe { zmq_sys::zmq_msg_init(&mut m.0) };
        m
    }

    /// Run `f` on an empty message made where it stays, closed after `f`:
    /// for a message that lives for one call, without the copy that
    /// returning a fresh one from [`RawMsg::new`] costs right after
    /// libzmq has written it (a stalled load on the per-message path).
    #[inline(always)]
    pub(crate) fn scoped<R>(f: impl FnOnce(&mut RawMsg) -> R) -> R {
        let mut m = RawMsg(zmq_sys::zmq_msg_t { __: [0; 64] });
        // SAFETY: zmq_msg_init initialises an empty message in place and
        // cannot fail.
        unsafe { zmq_sys::zmq_msg_init(&mut m.0) };
        f(&mut m)
    }

    /// The message's bytes, where they are now.
    #[inline]
    pub(crate) fn frame(&mut self) -> zs_frame {
        // SAFETY: self.0 is an initialised message; data and size only
        // read it.
        unsafe {
            zs_frame {
                data: zmq_sys::zmq_msg_data(&mut self.0) as *const c_void,
                len: zmq_sys::zmq_msg_size(&self.0),
            }
        }
    }

    /// The message's bytes, borrowed.
    #[inline]
    pub(crate) fn bytes(&mut self) -> &[u8] {
        // SAFETY: self.0 is an initialised message; zmq_msg_size only
        // reads it.
        let len = unsafe { zmq_sys::zmq_msg_size(&self.0) };
        self.bytes_of(len)
    }

    /// The message's bytes, borrowed, given its length `len` (from
    /// [`RawSock::recv_len`] into this message, or zmq_msg_size).
    #[inline]
    pub(crate) fn bytes_of(&mut self, len: usize) -> &[u8] {
        if len == 0 {
            return &[];
        }
        // SAFETY: self.0 is an initialised message of `len` bytes;
        // zmq_msg_data only reads it. libzmq guarantees `len` readable
        // bytes there while the message is neither closed nor moved, which
        // the borrow of self ensures.
        unsafe {
            let data = zmq_sys::zmq_msg_data(&mut self.0) as *const u8;
            std::slice::from_raw_parts(data, len)
        }
    }

    /// The frame of a message whose length `len` is known (from
    /// [`RawSock::recv_len`] into this message): one libzmq call, not two.
    #[inline]
    pub(crate) fn frame_of(&mut self, len: usize) -> zs_frame {
        // SAFETY: self.0 is an initialised message; zmq_msg_data only
        // reads it.
        let data = unsafe { zmq_sys::zmq_msg_data(&mut self.0) } as *const c_void;
        zs_frame { data, len }
    }

    /// A message of `len` bytes (zeroed), for unit tests.
    #[cfg(test)]
    pub(crate) fn with_len(len: usize) -> RawMsg {
        RawMsg::from_bytes(&vec![0; len]).expect("zmq_msg_init_size")
    }

    /// A message holding a copy of `data`, for [`RawSock::send_shared`] to
    /// send many times without copying the bytes again. Fails only when
    /// libzmq cannot allocate the buffer.
    pub(crate) fn from_bytes(data: &[u8]) -> Result<RawMsg, zmq::Error> {
        let mut m = RawMsg(zmq_sys::zmq_msg_t { __: [0; 64] });
        // SAFETY: zmq_msg_init_size initialises a message of data.len()
        // bytes in place, or fails (ENOMEM) and initialises nothing.
        if unsafe { zmq_sys::zmq_msg_init_size(&mut m.0, data.len()) } == -1 {
            let e = last_zmq_error();
            // Not initialised: there is nothing to close.
            std::mem::forget(m);
            return Err(e);
        }
        if !data.is_empty() {
            // SAFETY: the message was just initialised with data.len()
            // writable bytes at zmq_msg_data, which cannot overlap data.
            unsafe {
                let dst = zmq_sys::zmq_msg_data(&mut m.0) as *mut u8;
                std::ptr::copy_nonoverlapping(data.as_ptr(), dst, data.len());
            }
        }
        Ok(m)
    }

    /// True when the message's bytes live inside the zmq_msg_t itself
    /// (libzmq keeps some small frames there: those it copies, of at most
    /// 33 bytes), or it is empty: it holds no buffer, and closing it
    /// frees nothing.
    #[inline]
    pub(crate) fn is_inline(&mut self) -> bool {
        // SAFETY: self.0 is an initialised message; zmq_msg_data only
        // reads it.
        let data = unsafe { zmq_sys::zmq_msg_data(&mut self.0) };
        self.holds_inline(data)
    }

    /// [`RawMsg::is_inline`] given what zmq_msg_data said of this message,
    /// unchanged since (no libzmq call).
    #[inline]
    pub(crate) fn holds_inline(&self, data: *const c_void) -> bool {
        let start = &self.0 as *const zmq_sys::zmq_msg_t as usize;
        let end = start + std::mem::size_of::<zmq_sys::zmq_msg_t>();
        (start..end).contains(&(data as usize)) || data.is_null()
    }

    /// Close the message and leave an empty one in its place.
    #[inline]
    pub(crate) fn reset(&mut self) {
        // SAFETY: self.0 is an initialised message: closed once, then
        // initialised again in place (zmq_msg_init cannot fail).
        unsafe {
            zmq_sys::zmq_msg_close(&mut self.0);
            zmq_sys::zmq_msg_init(&mut self.0);
        }
    }

    /// True when more frames of the same message follow.
    #[inline]
    /// The metadata property `name` of a received message (zmq_msg_gets);
    /// None when it has none of that name.
    pub(crate) fn gets(&self, name: &str) -> Option<String> {
        let name = std::ffi::CString::new(name).ok()?;
        // SAFETY: self.0 is an initialised message and name a NUL-terminated
        // string; zmq_msg_gets returns NULL or a NUL-terminated string that
        // lives as long as the message, copied out here at once.
        unsafe {
            let p = zmq_sys::zmq_msg_gets(&self.0, name.as_ptr());
            (!p.is_null()).then(|| std::ffi::CStr::from_ptr(p).to_string_lossy().into_owned())
        }
    }

    pub(crate) fn more(&self) -> bool {
        // SAFETY: self.0 is an initialised message; zmq_msg_more only
        // reads it.
        unsafe { zmq_sys::zmq_msg_more(&self.0) != 0 }
    }
}

impl Drop for RawMsg {
    fn drop(&mut self) {
        // SAFETY: self.0 is an initialised message, closed exactly once.
        unsafe { zmq_sys::zmq_msg_close(&mut self.0) };
    }
}
