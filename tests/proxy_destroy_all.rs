//! SPEC section 22: a proxy is counted by zs_socket_count and destroyed
//! by zs_destroy_all like a socket, and its handle is never reused.
//! Process-wide: a single test.

mod common;

use common::*;
use zmqsocket::*;

#[test]
fn destroy_all_destroys_and_counts_proxies() {
    let (pull, port) = bound(PULL);
    let svc = cstr(&format!("tcp://127.0.0.1:{port}"));
    let mut p: zs_socket = 0;
    let front = zs_proxy_new(PUSH, c"tcp://127.0.0.1:0".as_ptr(), svc.as_ptr(), &mut p);
    assert!(front > 0, "{}", last_error());
    let push = socket(PUSH);
    let ep = cstr(&format!("tcp://127.0.0.1:{front}"));
    assert_eq!(zs_connect_endpoint(push, ep.as_ptr(), HWM, HWM), OK);
    send(push, b"through");
    assert_eq!(recv_one(pull, WAIT_MS).unwrap(), b"through");
    // Live handles: the two sockets and the proxy.
    assert_eq!(zs_socket_count(), 3);
    assert_eq!(zs_destroy_all(), 3);
    assert_eq!(zs_socket_count(), 0);
    let mut st = zs_proxy_stats::default();
    expect_err(
        i64::from(zs_proxy_stats_get(p, &mut st)),
        BAD_HANDLE,
        &["destroyed"],
    );
    // The front's port is free again once the proxy is gone: a new proxy
    // (a new handle) can take it.
    let (pull2, port2) = bound(PULL);
    let svc2 = cstr(&format!("tcp://127.0.0.1:{port2}"));
    let mut p2: zs_socket = 0;
    let mut again = 0;
    for _ in 0..200 {
        again = zs_proxy_new(PUSH, ep.as_ptr(), svc2.as_ptr(), &mut p2);
        if again > 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert_eq!(again, front, "{}", last_error());
    assert!(p2 > p, "handles are never reused");
    assert_eq!(zs_socket_count(), 2);
    destroy(p2);
    assert_eq!(zs_socket_count(), 1);
    destroy(pull2);
}
