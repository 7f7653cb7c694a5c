//! A libzmq context.

use std::os::raw::c_void;

use super::socket::last_zmq_error;
use crate::types::zs_socket_type;

/// A libzmq context, made with zmq-sys so that its options can be set
/// (the zmq crate's `Context` hides its pointer): ZMQ_MAX_SOCKETS is raised
/// from 1023 to libzmq's own limit. Dropping it terminates it, which blocks
/// until every socket made from it is closed and has flushed or lingered.
pub(crate) struct RawCtx(*mut c_void);

// SAFETY: a libzmq context is thread-safe (zmq_ctx_new(3)).
unsafe impl Send for RawCtx {}
// SAFETY: as above; all access goes through libzmq's own locking.
unsafe impl Sync for RawCtx {}

impl RawCtx {
    /// A new context; fails when libzmq cannot make one (out of
    /// descriptors for its mailbox: EMFILE, ENFILE; or out of memory).
    pub(crate) fn new() -> Result<RawCtx, zmq::Error> {
        // SAFETY: zmq_ctx_new has no preconditions; it returns NULL (errno
        // set) when it cannot make the context's mailbox or memory.
        let ctx = unsafe { zmq_sys::zmq_ctx_new() };
        if ctx.is_null() {
            return Err(last_zmq_error());
        }
        // SAFETY: ctx is a live context; ZMQ_SOCKET_LIMIT and
        // ZMQ_MAX_SOCKETS take and return plain ints.
        unsafe {
            let limit = zmq_sys::zmq_ctx_get(ctx, zmq_sys::ZMQ_SOCKET_LIMIT as _);
            if limit > 0 {
                zmq_sys::zmq_ctx_set(ctx, zmq_sys::ZMQ_MAX_SOCKETS as _, limit);
            }
        }
        Ok(RawCtx(ctx))
    }

    /// A new socket of this context.
    pub(crate) fn socket(&self, kind: zs_socket_type) -> Result<zmq::Socket, zmq::Error> {
        // SAFETY: self.0 is a live context (terminated only by Drop); the
        // type numbers of zs_socket_type are libzmq's own.
        let sock = unsafe { zmq_sys::zmq_socket(self.0, kind as i32) };
        if sock.is_null() {
            // SAFETY: zmq_errno only reads this thread's errno.
            return Err(zmq::Error::from_raw(unsafe { zmq_sys::zmq_errno() }));
        }
        // SAFETY: sock is a fresh socket nobody else holds; the zmq::Socket
        // owns it and closes it on drop. This context outlives it: handles
        // keeps an Arc of the context beside every socket and drops the
        // context only after all of them are closed.
        Ok(unsafe { zmq::Socket::from_raw(sock) })
    }
}

impl Drop for RawCtx {
    fn drop(&mut self) {
        // SAFETY: self.0 is a live context, terminated exactly once here.
        while unsafe { zmq_sys::zmq_ctx_term(self.0) } == -1
            // SAFETY: as in `socket`.
            && unsafe { zmq_sys::zmq_errno() } == libc::EINTR
        {}
    }
}
