//! A libzmq socket's own pointer for the per-message calls, and the few
//! socket calls the zmq crate does not offer.

use std::os::raw::c_void;

use super::msg::RawMsg;

/// Stop the socket monitor of `sock`, so that libzmq's I/O thread never
/// blocks sending an event to a monitor socket whose reader is gone (it
/// would, for the socket's lingering sessions, after a close).
pub(crate) fn stop_monitor(sock: &mut zmq::Socket) {
    // SAFETY: sock is a live socket; a NULL endpoint is zmq_socket_monitor's
    // documented way to stop monitoring.
    unsafe { zmq_sys::zmq_socket_monitor(sock.as_mut_ptr(), std::ptr::null(), 0) };
}

/// Wait up to `ms` for `fd` (a socket's ZMQ_FD) to become readable: true
/// if it did, that is, if commands arrived for the socket.
pub(crate) fn fd_readable(fd: std::os::unix::io::RawFd, ms: i32) -> bool {
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: p is one valid pollfd on the stack, and nfds is 1.
    let rc = unsafe { libc::poll(&mut p, 1, ms) };
    rc > 0
}

/// A libzmq socket's own pointer, for the per-message calls (zmq_send,
/// zmq_msg_recv) that go to libzmq directly rather than through the zmq
/// crate's `Message`, which asks libzmq for a message's data and size
/// through two more calls at each use. The `zmq::Socket` it was taken
/// from owns the socket and outlives every use: both live in the same
/// `SocketState`.
#[derive(Clone, Copy)]
pub(crate) struct RawSock(*mut c_void);

// SAFETY: a libzmq socket may be used from any thread as long as one
// thread at a time does (zmq(7)); the socket's mutex in the handle table
// serialises every use, as it does for the zmq::Socket itself.
unsafe impl Send for RawSock {}

impl RawSock {
    pub(crate) fn of(sock: &mut zmq::Socket) -> RawSock {
        RawSock(sock.as_mut_ptr())
    }

    /// The socket's address: a name for it, unique while it lives.
    pub(crate) fn id(&self) -> usize {
        self.0 as usize
    }

    /// Queue one frame (a copy of `data`), as zmq_send(3).
    #[inline]
    pub(crate) fn send(self, data: &[u8], flags: i32) -> Result<(), zmq::Error> {
        // SAFETY: self.0 is a live socket (see RawSock), used by one thread
        // at a time; data is a valid slice that libzmq copies before
        // returning.
        let rc =
            unsafe { zmq_sys::zmq_send(self.0, data.as_ptr() as *const c_void, data.len(), flags) };
        if rc == -1 {
            return Err(last_zmq_error());
        }
        Ok(())
    }

    /// Queue one frame that shares `proto`'s bytes, as zmq_msg_copy(3) then
    /// zmq_msg_send(3): a frame longer than libzmq keeps inline costs an
    /// atomic reference count instead of a malloc and a copy (libzmq frees
    /// the buffer when the last copy has left, in whichever thread).
    #[inline]
    pub(crate) fn send_shared(self, proto: &mut RawMsg, flags: i32) -> Result<(), zmq::Error> {
        let mut m = RawMsg::new();
        // SAFETY: both are initialised messages; m becomes a copy sharing
        // proto's buffer (libzmq counts the references atomically, so its
        // I/O thread may release other copies meanwhile).
        if unsafe { zmq_sys::zmq_msg_copy(&mut m.0, &mut proto.0) } == -1 {
            return Err(last_zmq_error());
        }
        // SAFETY: self.0 is a live socket (see RawSock), used by one thread
        // at a time. On success libzmq takes m's share and leaves m empty;
        // on failure m keeps it, and dropping m releases it.
        if unsafe { zmq_sys::zmq_msg_send(&mut m.0, self.0, flags) } == -1 {
            return Err(last_zmq_error());
        }
        Ok(())
    }

    /// Queue `msg` itself, as zmq_msg_send(3): libzmq takes its bytes
    /// without copying and leaves `msg` empty; on failure `msg` keeps them.
    #[inline]
    pub(crate) fn send_msg(self, msg: &mut RawMsg, flags: i32) -> Result<(), zmq::Error> {
        // SAFETY: self.0 is a live socket (see RawSock), used by one thread
        // at a time; msg.0 is an initialised message, which libzmq empties
        // on success and leaves as it was on failure.
        if unsafe { zmq_sys::zmq_msg_send(&mut msg.0, self.0, flags) } == -1 {
            return Err(last_zmq_error());
        }
        Ok(())
    }

    /// Receive the next frame into `msg`, as zmq_msg_recv(3).
    #[inline]
    pub(crate) fn recv(self, msg: &mut RawMsg, flags: i32) -> Result<(), zmq::Error> {
        self.recv_len(msg, flags).map(|_| ())
    }

    /// [`RawSock::recv`], returning the frame's length: what zmq_msg_recv
    /// returns, so that zmq_msg_size need not be asked again.
    #[inline]
    pub(crate) fn recv_len(self, msg: &mut RawMsg, flags: i32) -> Result<usize, zmq::Error> {
        // SAFETY: self.0 is a live socket (see RawSock), used by one thread
        // at a time; msg.0 is an initialised zmq_msg_t that libzmq closes
        // and refills.
        let rc = unsafe { zmq_sys::zmq_msg_recv(&mut msg.0, self.0, flags) };
        match rc {
            -1 => Err(last_zmq_error()),
            // libzmq returns INT_MAX for a frame of INT_MAX bytes or more.
            i32::MAX => Ok(msg.frame().len),
            n => Ok(n as usize),
        }
    }

    /// Set option number `option` to the bytes of `value`, as
    /// zmq_setsockopt(3) (an int option takes 4 native-endian bytes). An
    /// empty value is passed as NULL: libzmq clears a string option only
    /// so.
    pub(crate) fn set_option(self, option: i32, value: &[u8]) -> Result<(), zmq::Error> {
        let p = if value.is_empty() {
            std::ptr::null()
        } else {
            value.as_ptr() as *const c_void
        };
        // SAFETY: self.0 is a live socket (see RawSock), used by one thread
        // at a time; libzmq reads value.len() bytes at p (NULL only for 0
        // bytes) and copies what it keeps.
        let rc = unsafe { zmq_sys::zmq_setsockopt(self.0, option, p, value.len()) };
        if rc == -1 {
            return Err(last_zmq_error());
        }
        Ok(())
    }

    /// Read option number `option` into `buf`, as zmq_getsockopt(3);
    /// returns how many bytes libzmq wrote.
    pub(crate) fn get_option(self, option: i32, buf: &mut [u8]) -> Result<usize, zmq::Error> {
        let mut len = buf.len();
        // SAFETY: self.0 is a live socket (see RawSock), used by one thread
        // at a time; libzmq writes at most `len` bytes into buf, a valid
        // writable slice, and stores the length written in len.
        let rc = unsafe {
            zmq_sys::zmq_getsockopt(self.0, option, buf.as_mut_ptr() as *mut c_void, &mut len)
        };
        if rc == -1 {
            return Err(last_zmq_error());
        }
        Ok(len.min(buf.len()))
    }
}

pub(super) fn last_zmq_error() -> zmq::Error {
    // SAFETY: zmq_errno only reads this thread's errno.
    zmq::Error::from_raw(unsafe { zmq_sys::zmq_errno() })
}
