//! The first socket of a process makes the libzmq context; when libzmq
//! cannot make it (out of descriptors for the context's mailbox), the call
//! fails with ZS_ERR_ZMQ naming zmq_ctx_new, never a panic, and a later
//! call with descriptors again makes it. The descriptor limit is
//! process-wide, and the context must not exist yet: one test in this
//! binary, which makes no socket before it.

mod common;

use common::*;
use zmqsocket::*;

#[test]
fn first_socket_without_descriptors_is_zs_err_zmq() {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: lim is a valid rlimit to fill.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
    let saved = lim;
    // Use up every descriptor below a small limit.
    lim.rlim_cur = 256.min(lim.rlim_max);
    // SAFETY: lim is a valid rlimit.
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) }, 0);
    let mut fillers = Vec::new();
    // SAFETY: dup of stdin-or-anything open; -1 when the limit bites.
    while let fd @ 0.. = unsafe { libc::dup(2) } {
        fillers.push(fd);
        assert!(fillers.len() < 1000, "the descriptor limit did not bite");
    }
    let mut s: zs_socket = 0;
    let rc = zs_socket_new(PUSH, &mut s);
    let err = last_error();
    for fd in fillers {
        // SAFETY: fd came from dup above and is closed once.
        unsafe { libc::close(fd) };
    }
    // SAFETY: saved came from getrlimit.
    unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &saved) };
    expect_err(rc.into(), ZMQ, &["zs_socket_new", "zmq_ctx_new"]);
    assert!(!err.contains("panic"), "{err}");
    assert_eq!(s, 0, "*out is written only on success");
    assert_eq!(zs_socket_count(), 0);
    // With descriptors again, the context is made and the socket works.
    let (pull, port) = bound(PULL);
    let push = connected(PUSH, port);
    send(push, b"after");
    assert_eq!(recv_one(pull, WAIT_MS), Ok(b"after".to_vec()));
    destroy(push);
    destroy(pull);
}
