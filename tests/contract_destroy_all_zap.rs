//! SPEC section 7 with authentication on: zs_destroy_all delivers what a
//! socket queued even when its connection is still in its handshake, which
//! the ZAP handler (stopped by the destroy) must answer; so does a socket
//! destroyed just before. A handshake that never ends is waited for only
//! so long: 250 ms for zs_socket_destroy, the linger for zs_destroy_all. A process that
//! sends and exits at once (a forked child, a short script) does just
//! that. Process-wide: a single test.

mod common;

use std::time::{Duration, Instant};

use common::*;
use zmqsocket::*;

#[test]
fn destroy_all_waits_for_handshakes_the_zap_handler_answers() {
    let ctx = zmq::Context::new();
    let pull = ctx.socket(zmq::PULL).expect("raw PULL");
    pull.set_rcvtimeo(5000).expect("rcvtimeo");
    pull.bind("tcp://127.0.0.1:0").expect("bind");
    let ep = pull.get_last_endpoint().expect("endpoint").expect("utf-8");
    // Each round races the destroy against a fresh handshake; before the
    // fix some round of 300 lost its message in most runs.
    for round in 0..300 {
        // a rule: the library runs a ZAP handler from now on
        assert_eq!(zs_auth_allow(c"127.0.0.1".as_ptr()), OK, "{}", last_error());
        let push = socket(PUSH);
        assert_eq!(zs_connect_endpoint(push, cstr(&ep).as_ptr(), HWM, HWM), OK);
        send(push, format!("round {round}").as_bytes());
        let start = Instant::now();
        // odd rounds: the socket is destroyed first (as a binding's object
        // going out of scope does), then the process shuts down
        let alive = if round % 2 == 1 {
            assert_eq!(zs_socket_destroy(push), OK);
            0
        } else {
            1
        };
        assert_eq!(zs_destroy_all(), alive);
        eprintln!("round {round}: destroy_all {:?}", start.elapsed());
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "bounded by the linger"
        );
        let got = pull
            .recv_bytes(0)
            .unwrap_or_else(|e| panic!("round {round}: lost ({e})"));
        assert_eq!(got, format!("round {round}").as_bytes());
    }

    // A peer that takes the TCP connection and never answers the ZMTP
    // greeting: the handshake never ends, and the waits are bounded.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("silent listener");
    let silent_ep = cstr(&format!("tcp://{}", silent.local_addr().expect("addr")));
    assert_eq!(zs_auth_allow(c"127.0.0.1".as_ptr()), OK);
    let push = socket(PUSH);
    assert_eq!(zs_connect_endpoint(push, silent_ep.as_ptr(), HWM, HWM), OK);
    send(push, b"never delivered");
    let start = Instant::now();
    assert_eq!(zs_socket_destroy(push), OK);
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(250),
        "waited for the handshake: {took:?}"
    );
    assert!(
        took < Duration::from_secs(5),
        "at most 250 ms, then closed: {took:?}"
    );

    // A call blocked on a socket that waits for its handshake is still
    // interrupted by the destroy.
    let pull = socket(PULL);
    assert_eq!(zs_connect_endpoint(pull, silent_ep.as_ptr(), HWM, HWM), OK);
    let blocked = std::thread::spawn(move || recv_one(pull, FOREVER));
    std::thread::sleep(Duration::from_millis(20));
    assert_eq!(zs_socket_destroy(pull), OK);
    assert_eq!(blocked.join().expect("receiver"), Err(BAD_HANDLE));

    let push = socket(PUSH);
    assert_eq!(zs_set_linger(push, 400), OK);
    assert_eq!(zs_connect_endpoint(push, silent_ep.as_ptr(), HWM, HWM), OK);
    send(push, b"never delivered");
    let start = Instant::now();
    assert_eq!(zs_destroy_all(), 1);
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(400),
        "waited out the linger: {took:?}"
    );
    assert!(
        took < Duration::from_secs(5),
        "bounded by the linger: {took:?}"
    );
    drop(silent);
    assert_eq!(zs_auth_reset(), OK);
}
