//! SPEC section 15: zs_set_bind_interface (process-wide, so this binary
//! has a single test), including the ZS_ERR_ZMQ row of section 3.

mod common;

use common::*;
use zmqsocket::*;

#[test]
fn bind_interface_zmq_error_loopback_and_restore() {
    // An interface that does not exist: libzmq's own error, ZS_ERR_ZMQ.
    assert_eq!(zs_set_bind_interface(c"nosuchif0".as_ptr()), OK);
    let s = socket(PULL);
    expect_err(
        zs_bind_to_port(s, 0, HWM, HWM).into(),
        ZMQ,
        &["zs_bind_to_port", "nosuchif0"],
    );
    assert!(bound_ports(s).is_empty());
    assert_eq!(endpoints(s), "");
    let mut out: zs_socket = 0;
    expect_err(
        zs_socket_new_bound(PULL, 0, HWM, HWM, &mut out).into(),
        ZMQ,
        &["zs_socket_new_bound", "nosuchif0"],
    );
    assert_eq!(out, 0);

    // Bad values are refused and change nothing.
    expect_err(
        zs_set_bind_interface(c"".as_ptr()).into(),
        INVALID,
        &["zs_set_bind_interface"],
    );
    expect_err(
        zs_set_bind_interface(c"a b".as_ptr()).into(),
        INVALID,
        &["zs_set_bind_interface", "a b"],
    );

    // Loopback only.
    assert_eq!(zs_set_bind_interface(c"127.0.0.1".as_ptr()), OK);
    let port = zs_bind_to_port(s, 0, HWM, HWM);
    assert!(port > 0, "{}", last_error());
    assert_eq!(endpoints(s), format!("bind tcp://127.0.0.1:{port}\n"));
    let push = connected(PUSH, port);
    send(push, b"loop");
    assert_eq!(recv_ok(s), vec![b"loop".to_vec()]);
    // Unbind by port works on the loopback bind too.
    assert_eq!(zs_unbind_from_port(s, port), OK, "{}", last_error());
    assert_eq!(endpoints(s), "");

    // Existing binds are not moved; "*" again gives the wildcard.
    let p1 = zs_bind_to_port(s, 0, HWM, HWM);
    assert!(p1 > 0);
    assert_eq!(zs_set_bind_interface(c"*".as_ptr()), OK);
    let p2 = zs_bind_to_port(s, 0, HWM, HWM);
    assert!(p2 > 0);
    let v6 = format!("bind tcp://127.0.0.1:{p1}\nbind tcp://[::]:{p2}\n");
    let v4 = format!("bind tcp://127.0.0.1:{p1}\nbind tcp://0.0.0.0:{p2}\n");
    let e = endpoints(s);
    assert!(e == v6 || e == v4, "{e:?}");
    destroy(push);
    destroy(s);
}
