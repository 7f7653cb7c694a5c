//! SPEC section 7: zs_destroy_all returns the count, delivers what was
//! queued, and new sockets work after. Process-wide: a single test.

mod common;

use std::time::{Duration, Instant};

use common::*;
use zmqsocket::*;

#[test]
fn destroy_all_flushes_and_counts() {
    let ctx = zmq::Context::new();
    let pull = ctx.socket(zmq::PULL).expect("raw PULL");
    pull.bind("tcp://127.0.0.1:0").expect("bind");
    let ep = pull.get_last_endpoint().expect("endpoint").expect("utf-8");
    let port: i32 = ep
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port");

    // Queue messages before the receiver has had any chance to take them.
    let push = socket(PUSH);
    assert_eq!(
        zs_connect_to_host(push, c"127.0.0.1".as_ptr(), port, 0, HWM),
        OK
    );
    let n = 500;
    for i in 0..n {
        send(push, format!("msg-{i}").as_bytes());
    }
    let others = [socket(PULL), socket(PUB), bound(REP).0];
    assert_eq!(zs_socket_count(), 4);

    let start = Instant::now();
    assert_eq!(zs_destroy_all(), 4);
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(zs_socket_count(), 0);
    for h in others.iter().chain([&push]) {
        assert_eq!(zs_socket_type(*h), BAD_HANDLE);
    }

    pull.set_rcvtimeo(5000).expect("rcvtimeo");
    for i in 0..n {
        let m = pull
            .recv_bytes(0)
            .unwrap_or_else(|e| panic!("message {i} lost: {e}"));
        assert_eq!(m, format!("msg-{i}").into_bytes());
    }

    // Nothing to destroy now.
    assert_eq!(zs_destroy_all(), 0);

    // New sockets work after, with handles never reused.
    let (r, p) = bound(PULL);
    assert!(r > push && others.iter().all(|&h| r > h));
    let s = connected(PUSH, p);
    send(s, b"after");
    assert_eq!(recv_ok(r), vec![b"after".to_vec()]);
    assert_eq!(zs_socket_count(), 2);
    assert_eq!(zs_destroy_all(), 2);
    assert_eq!(zs_socket_count(), 0);
}
