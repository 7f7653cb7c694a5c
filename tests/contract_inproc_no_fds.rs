//! zs_connect_endpoint to an inproc name nobody has bound makes the socket
//! that will release the waiting connect at once; when it cannot be made
//! (out of descriptors) the connect is refused with ZS_ERR_ZMQ and changes
//! nothing. The descriptor limit is process-wide: one test in this binary.

mod common;

use common::*;
use zmqsocket::*;

#[test]
fn waiting_inproc_connect_refused_when_out_of_descriptors() {
    let push = socket(PUSH);
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: lim is a valid rlimit to fill.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
    let saved = lim;
    // Room for a few hundred more descriptors, then use them up.
    lim.rlim_cur = 512.min(lim.rlim_max);
    // SAFETY: lim is a valid rlimit.
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) }, 0);
    let mut fillers = Vec::new();
    loop {
        let mut s: zs_socket = 0;
        if zs_socket_new(PULL, &mut s) != OK {
            break;
        }
        fillers.push(s);
        assert!(fillers.len() < 1000, "the descriptor limit did not bite");
    }
    let rc = zs_connect_endpoint(push, c"inproc://no-fds".as_ptr(), HWM, HWM);
    // SAFETY: saved came from getrlimit.
    unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &saved) };
    expect_err(
        rc.into(),
        ZMQ,
        &[
            "zs_connect_endpoint",
            "inproc://no-fds",
            "release the waiting connect",
        ],
    );
    assert_eq!(endpoints(push), "", "the refused connect is not listed");
    for s in fillers {
        destroy(s);
    }
    // With descriptors again, the same connect works, waits, and delivers
    // once the name is bound.
    assert_eq!(
        zs_connect_endpoint(push, c"inproc://no-fds".as_ptr(), HWM, HWM),
        OK,
        "{}",
        last_error()
    );
    send(push, b"queued");
    let pull = socket(PULL);
    assert_eq!(
        zs_bind_endpoint(pull, c"inproc://no-fds".as_ptr(), HWM, HWM),
        0
    );
    assert_eq!(recv_one(pull, WAIT_MS), Ok(b"queued".to_vec()));
    destroy(push);
    destroy(pull);
}
