//! The one place that touches raw pointers from C. Every function here
//! checks what it can (NULL, lengths, UTF-8) and turns the pointer into a
//! safe Rust value or writes a safe value through it.

use std::ffi::CStr;
use std::os::raw::{c_char, c_void};

use crate::error::{invalid, ZsResult};
use crate::types::{zs_frame, zs_message, zs_recv_args, zs_socket, zs_socket_type};

/// Borrow a NUL-terminated UTF-8 string argument named `name`.
pub(crate) fn str_arg<'a>(p: *const c_char, name: &str) -> ZsResult<&'a str> {
    if p.is_null() {
        return Err(invalid(format!("{name} is NULL")));
    }
    // SAFETY: the caller passes a NUL-terminated string that stays valid
    // for the duration of the call (the C API's documented contract).
    let s = unsafe { CStr::from_ptr(p) };
    s.to_str()
        .map_err(|_| invalid(format!("{name} is not valid UTF-8")))
}

/// Borrow `len` bytes at `p`, argument `name`; NULL is allowed only with
/// `len == 0`.
pub(crate) fn bytes_arg<'a>(p: *const c_void, len: usize, name: &str) -> ZsResult<&'a [u8]> {
    if len == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return Err(invalid(format!("{name} is NULL but its length is {len}")));
    }
    if len > isize::MAX as usize {
        return Err(invalid(format!("{name}: length {len} is too large")));
    }
    // SAFETY: p is non-NULL and the caller promises `len` readable bytes
    // there for the duration of the call; len fits an isize.
    Ok(unsafe { std::slice::from_raw_parts(p as *const u8, len) })
}

/// Borrow `cap` writable bytes at `p`, argument `name`; NULL is allowed
/// only with `cap == 0`.
pub(crate) fn bytes_out<'a>(p: *mut c_void, cap: usize, name: &str) -> ZsResult<&'a mut [u8]> {
    if cap == 0 {
        return Ok(&mut []);
    }
    if p.is_null() {
        return Err(invalid(format!("{name} is NULL but its capacity is {cap}")));
    }
    if cap > isize::MAX as usize {
        return Err(invalid(format!("{name}: capacity {cap} is too large")));
    }
    // SAFETY: p is non-NULL and the caller promises `cap` writable bytes
    // there for the duration of the call, not aliased by anything it
    // passed along; cap fits an isize. Bytes are only written, never read.
    Ok(unsafe { std::slice::from_raw_parts_mut(p as *mut u8, cap) })
}

/// Borrow `count` frames at `p` (at least one), each checked like
/// [`bytes_arg`].
pub(crate) fn frames_arg<'a>(
    p: *const zs_frame,
    count: usize,
    name: &str,
) -> ZsResult<Vec<&'a [u8]>> {
    if p.is_null() {
        return Err(invalid(format!("{name} is NULL")));
    }
    if count == 0 {
        return Err(invalid(format!(
            "{name}: count is 0 (a message has at least one frame)"
        )));
    }
    if count > isize::MAX as usize / std::mem::size_of::<zs_frame>() {
        return Err(invalid(format!("{name}: count {count} is too large")));
    }
    // SAFETY: p is non-NULL and the caller promises `count` frames there
    // for the duration of the call; the size fits an isize.
    let frames = unsafe { std::slice::from_raw_parts(p, count) };
    frames
        .iter()
        .enumerate()
        .map(|(i, f)| bytes_arg(f.data, f.len, &format!("{name}[{i}].data")))
        .collect()
}

/// Borrow `count` (at least one) socket handles at `p`.
pub(crate) fn handles_arg<'a>(p: *const u64, count: usize, name: &str) -> ZsResult<&'a [u64]> {
    if p.is_null() {
        return Err(invalid(format!("{name} is NULL")));
    }
    if count == 0 || count > isize::MAX as usize / 8 {
        return Err(invalid(format!(
            "{name}: count {count} is out of range (at least 1)"
        )));
    }
    // SAFETY: p is non-NULL and the caller promises `count` handles there
    // for the duration of the call; the size fits an isize.
    Ok(unsafe { std::slice::from_raw_parts(p, count) })
}

/// Borrow `count` writable bools at `p`.
pub(crate) fn bools_out<'a>(p: *mut bool, count: usize, name: &str) -> ZsResult<&'a mut [bool]> {
    if p.is_null() {
        return Err(invalid(format!("{name} is NULL")));
    }
    // SAFETY: p is non-NULL and the caller promises `count` writable bools
    // there (count was checked by handles_arg); we only store 0 or 1.
    Ok(unsafe {
        std::ptr::write_bytes(p, 0, count);
        std::slice::from_raw_parts_mut(p, count)
    })
}

/// Check an out-pointer argument named `name`.
pub(crate) fn out_arg<T>(p: *mut T, name: &str) -> ZsResult<*mut T> {
    if p.is_null() {
        Err(invalid(format!("{name} is NULL")))
    } else {
        Ok(p)
    }
}

/// Write `v` through an out-pointer checked by [`out_arg`].
pub(crate) fn write_out<T>(p: *mut T, v: T) {
    // SAFETY: p was checked non-NULL by out_arg, and the caller promises it
    // points to writable memory of type T. `write` does not read or drop the
    // old value (which may be uninitialised).
    unsafe { p.write(v) }
}

/// The four input fields of a `zs_recv_args` checked by [`out_arg`].
pub(crate) fn recv_args(p: *mut zs_recv_args) -> (zs_socket, i32, *mut c_void, usize) {
    // SAFETY: p was checked non-NULL by out_arg and the caller promises a
    // readable zs_recv_args there; plain-data fields are copied out, no
    // reference is kept.
    unsafe { ((*p).socket, (*p).timeout_ms, (*p).buf, (*p).cap) }
}

/// Where a `zs_recv_args` checked by [`out_arg`] takes an overflowing frame.
pub(crate) fn recv_args_overflow(p: *mut zs_recv_args) -> *mut zs_message {
    // SAFETY: p was checked non-NULL by out_arg and points to a
    // zs_recv_args; this only computes the field's address (no read, no
    // reference), for write_out.
    unsafe { std::ptr::addr_of_mut!((*p).overflow) }
}

/// Write `m` through an out-pointer checked by [`out_arg`], field by field:
/// one 16-byte copy of a message just built from 8-byte stores stalls the
/// CPU (a failed store-to-load forward, a third of zs_recv's own time in
/// perf).
#[inline(always)]
pub(crate) fn write_message(p: *mut zs_message, m: zs_message) {
    // SAFETY: p was checked non-NULL by out_arg and the caller promises a
    // writable zs_message there; each field is written without reading or
    // dropping the old value.
    unsafe {
        std::ptr::addr_of_mut!((*p).frames).write(m.frames);
        std::ptr::addr_of_mut!((*p).count).write(m.count);
        std::ptr::addr_of_mut!((*p).owner).write(m.owner);
    }
}

/// Write `s` into the caller's buffer by `snprintf`'s rules: at most `cap`
/// bytes, NUL-terminated when `cap > 0`; returns the full length of `s`.
pub(crate) fn write_string(buf: *mut c_char, cap: usize, s: &str, name: &str) -> ZsResult<i32> {
    let full = i32::try_from(s.len())
        .map_err(|_| invalid(format!("{name}: the string is longer than INT32_MAX")))?;
    if cap == 0 {
        return Ok(full);
    }
    if buf.is_null() {
        return Err(invalid(format!("{name} is NULL but cap is {cap}")));
    }
    let n = s.len().min(cap - 1);
    // SAFETY: buf is non-NULL and the caller promises `cap` writable bytes;
    // we write n + 1 <= cap bytes, from a source that cannot overlap it.
    unsafe {
        std::ptr::copy_nonoverlapping(s.as_ptr(), buf as *mut u8, n);
        *buf.add(n) = 0;
    }
    Ok(full)
}

/// Write up to `cap` values into the caller's array; returns how many
/// there are in all.
pub(crate) fn write_i32s(buf: *mut i32, cap: usize, values: &[i32], name: &str) -> ZsResult<i32> {
    let full =
        i32::try_from(values.len()).map_err(|_| invalid(format!("{name}: too many values")))?;
    if cap == 0 {
        return Ok(full);
    }
    if buf.is_null() {
        return Err(invalid(format!("{name} is NULL but cap is {cap}")));
    }
    let n = values.len().min(cap);
    // SAFETY: buf is non-NULL and the caller promises `cap` writable
    // int32_t; we write n <= cap of them.
    unsafe { std::ptr::copy_nonoverlapping(values.as_ptr(), buf, n) };
    Ok(full)
}

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

/// Register `prepare`, `parent` and `child` with pthread_atfork(3); false
/// if libc refused (out of memory).
pub(crate) fn at_fork(
    prepare: extern "C" fn(),
    parent: extern "C" fn(),
    child: extern "C" fn(),
) -> bool {
    // SAFETY: the three are plain functions of this library that never
    // unwind (see crate::fork); pthread_atfork only records them.
    unsafe { libc::pthread_atfork(Some(prepare), Some(parent), Some(child)) == 0 }
}

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

/// While alive, the calling thread runs under SCHED_BATCH instead of
/// SCHED_OTHER (Linux; sched(7)); dropping it restores SCHED_OTHER if the
/// thread is still under SCHED_BATCH (a policy someone else set meanwhile
/// is kept).
///
/// zs_pump and zs_drain hold one with ZS_SCHED_BATCH: a batch thread woken
/// by libzmq's I/O thread (a message arrived, or room in the queue) does
/// not preempt it on their core, so the I/O thread reads or writes more
/// before the loop takes its turn, and each wake-up moves more messages.
/// A thread under any other policy (FIFO, RR, IDLE, DEADLINE, or with
/// SCHED_RESET_ON_FORK) is left alone, and so is one whose change the
/// kernel refuses (a seccomp filter, gVisor): the call then runs as it is.
/// It is not Send: it must be dropped on the thread it changed.
pub(crate) struct BatchScheduling {
    changed: bool,
    _not_send: std::marker::PhantomData<*const ()>,
}

impl BatchScheduling {
    pub(crate) fn enter() -> BatchScheduling {
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: pid 0 is the calling thread; param is a valid sched_param
        // on the stack. OTHER <-> BATCH needs no privilege and keeps the
        // thread's nice value.
        let changed = unsafe {
            libc::sched_getscheduler(0) == libc::SCHED_OTHER
                && libc::sched_setscheduler(0, libc::SCHED_BATCH, &param) == 0
        };
        BatchScheduling {
            changed,
            _not_send: std::marker::PhantomData,
        }
    }
}

impl Drop for BatchScheduling {
    fn drop(&mut self) {
        if self.changed {
            let param = libc::sched_param { sched_priority: 0 };
            // SAFETY: as in enter(), on the same thread (the guard is not
            // Send). A refused restore (it needs no privilege, so only a
            // filter refuses it) leaves the thread as it is.
            unsafe {
                if libc::sched_getscheduler(0) == libc::SCHED_BATCH {
                    libc::sched_setscheduler(0, libc::SCHED_OTHER, &param);
                }
            }
        }
    }
}

/// The length of the first frame of a message this library filled in.
pub(crate) fn first_frame_len(msg: &zs_message) -> usize {
    if msg.frames.is_null() || msg.count == 0 {
        return 0;
    }
    // SAFETY: a zs_message made by recv::Received::into_message points to
    // `count` frames that live as long as its owner, which `msg` holds.
    unsafe { (*msg.frames).len }
}

/// Release what a `zs_message` holds and zero it. NULL and a zeroed
/// message are no-ops.
pub(crate) fn free_message(msg: *mut zs_message) {
    if msg.is_null() {
        return;
    }
    // SAFETY: msg is non-NULL and points to a zs_message the caller owns.
    let m = unsafe { &mut *msg };
    let owner = std::mem::replace(m, zs_message::EMPTY).owner;
    if !owner.is_null() {
        // SAFETY: a non-NULL owner is only ever set by crate::recv from
        // Box::into_raw of a Received, and the struct is zeroed above, so a
        // second free of the same struct sees NULL.
        crate::recv::release(unsafe { Box::from_raw(owner as *mut crate::recv::Received) });
    }
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
}

fn last_zmq_error() -> zmq::Error {
    // SAFETY: zmq_errno only reads this thread's errno.
    zmq::Error::from_raw(unsafe { zmq_sys::zmq_errno() })
}

/// A libzmq message (zmq_msg_t, aligned as libzmq aligns it), closed on
/// drop. Its data may live inside it (libzmq keeps small messages inline),
/// so a pointer from [`RawMsg::frame`] is valid only while the RawMsg
/// stays where it was when the pointer was taken.
#[repr(C, align(8))]
pub(crate) struct RawMsg(zmq_sys::zmq_msg_t);

impl RawMsg {
    #[inline]
    pub(crate) fn new() -> RawMsg {
        let mut m = RawMsg(zmq_sys::zmq_msg_t { __: [0; 64] });
        // SAFETY: zmq_msg_init initialises an empty message in place and
        // cannot fail.
        unsafe { zmq_sys::zmq_msg_init(&mut m.0) };
        m
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
