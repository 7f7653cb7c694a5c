//! SPEC section 4: ZS_TIMEOUT_DEFAULT follows zs_set_default_timeout
//! (process-wide, so this binary has a single test).

mod common;

use std::os::raw::c_void;
use std::time::{Duration, Instant};

use common::*;
use zmqsocket::*;

fn timed_recv(s: zs_socket, timeout: i32) -> (i32, Duration) {
    let start = Instant::now();
    let mut m = empty_msg();
    let rc = zs_recv(s, timeout, &mut m);
    zs_message_free(&mut m);
    (rc, start.elapsed())
}

#[test]
fn default_timeout_is_settable() {
    let (r, port) = bound(PULL);

    assert_eq!(zs_set_default_timeout(300), OK);
    let (rc, took) = timed_recv(r, DEFAULT_TIMEOUT);
    assert_eq!(rc, TIMED_OUT, "{}", last_error());
    assert!(took >= Duration::from_millis(295), "{took:?}");
    assert!(took < Duration::from_millis(2000), "{took:?}");

    assert_eq!(zs_set_default_timeout(0), OK);
    let (rc, took) = timed_recv(r, DEFAULT_TIMEOUT);
    assert_eq!(rc, TIMED_OUT);
    assert!(took < Duration::from_millis(100), "{took:?}");

    // An explicit timeout is not affected by the default.
    let (rc, took) = timed_recv(r, 200);
    assert_eq!(rc, TIMED_OUT);
    assert!(took >= Duration::from_millis(195), "{took:?}");

    // -1 = forever: a message sent later is still received.
    assert_eq!(zs_set_default_timeout(-1), OK);
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        let p = connected(PUSH, port);
        send(p, b"late");
        p
    });
    let mut m = empty_msg();
    let rc = zs_recv(r, DEFAULT_TIMEOUT, &mut m);
    assert_eq!(rc, OK, "{}", last_error());
    assert_eq!(frames_of(&m), vec![b"late".to_vec()]);
    zs_message_free(&mut m);
    let p = t.join().expect("sender");

    // Sends follow the default too.
    assert_eq!(zs_set_default_timeout(150), OK);
    let d = socket(PUSH);
    let start = Instant::now();
    let rc = zs_send(d, b"x".as_ptr() as *const c_void, 1, DEFAULT_TIMEOUT);
    assert_eq!(rc, TIMED_OUT, "{}", last_error());
    assert!(start.elapsed() >= Duration::from_millis(145));

    expect_err(
        zs_set_default_timeout(-2).into(),
        INVALID,
        &["zs_set_default_timeout"],
    );
    assert_eq!(zs_set_default_timeout(5000), OK);
    let (rc, took) = timed_recv(r, 100);
    assert_eq!(rc, TIMED_OUT);
    assert!(took < Duration::from_millis(2000));
    for s in [r, p, d] {
        destroy(s);
    }
}
