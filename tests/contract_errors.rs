//! SPEC section 3: every row of the result table, with the last error's
//! code and text; and the last-error rules.

mod common;

use std::os::raw::{c_char, c_void};
use std::ptr;
use std::time::{Duration, Instant};

use common::*;
use zmqsocket::*;

fn null_c() -> *const c_char {
    ptr::null()
}

// ------------------------------------------------------ ZS_ERR_INVALID_ARGUMENT

#[test]
fn invalid_argument_null_pointers() {
    let mut out: zs_socket = 0;

    expect_err(
        zs_socket_new(PUSH, ptr::null_mut()).into(),
        INVALID,
        &["zs_socket_new", "out"],
    );
    expect_err(
        zs_socket_new_bound(PUSH, 0, HWM, HWM, ptr::null_mut()).into(),
        INVALID,
        &["zs_socket_new_bound", "out"],
    );
    expect_err(
        zs_socket_new_connected(PUSH, null_c(), 5555, HWM, HWM, &mut out).into(),
        INVALID,
        &["zs_socket_new_connected", "host_id"],
    );
    assert_eq!(out, 0, "*out written on failure");
    expect_err(
        zs_socket_new_connected(PUSH, c"localhost".as_ptr(), 5555, HWM, HWM, ptr::null_mut())
            .into(),
        INVALID,
        &["zs_socket_new_connected", "out"],
    );
    expect_err(
        zs_socket_type_from_name(null_c()).into(),
        INVALID,
        &["zs_socket_type_from_name", "name"],
    );
    expect_err(
        zs_host_set(null_c(), c"127.0.0.1".as_ptr()).into(),
        INVALID,
        &["zs_host_set", "host_id"],
    );
    expect_err(
        zs_host_set(c"errhost".as_ptr(), null_c()).into(),
        INVALID,
        &["zs_host_set", "address"],
    );
    expect_err(
        zs_host_remove(null_c()).into(),
        INVALID,
        &["zs_host_remove", "host_id"],
    );
    expect_err(
        zs_hosts_load(null_c()).into(),
        INVALID,
        &["zs_hosts_load", "path"],
    );
    expect_err(
        zs_host_address(null_c(), ptr::null_mut(), 0).into(),
        INVALID,
        &["zs_host_address", "host_id"],
    );
    expect_err(
        zs_host_address(c"localhost".as_ptr(), ptr::null_mut(), 10).into(),
        INVALID,
        &["zs_host_address", "buf"],
    );
    expect_err(
        zs_set_bind_interface(null_c()).into(),
        INVALID,
        &["zs_set_bind_interface", "iface"],
    );

    let s = socket(PUSH);
    expect_err(
        zs_connect_to_host(s, null_c(), 5555, HWM, HWM).into(),
        INVALID,
        &["zs_connect_to_host", "host_id"],
    );
    expect_err(
        zs_disconnect_from_host(s, null_c(), 5555).into(),
        INVALID,
        &["zs_disconnect_from_host", "host_id"],
    );
    expect_err(
        zs_bind_endpoint(s, null_c(), HWM, HWM).into(),
        INVALID,
        &["zs_bind_endpoint", "endpoint"],
    );
    expect_err(
        zs_connect_endpoint(s, null_c(), HWM, HWM).into(),
        INVALID,
        &["zs_connect_endpoint", "endpoint"],
    );
    expect_err(
        zs_send_multi(s, ptr::null(), 1, 0).into(),
        INVALID,
        &["zs_send_multi", "frames"],
    );
    let frame = zs_frame {
        data: b"x".as_ptr() as *const c_void,
        len: 1,
    };
    expect_err(
        zs_send_multi(s, &frame, 0, 0).into(),
        INVALID,
        &["zs_send_multi", "count"],
    );
    expect_false(
        zs_send_multi_nonblocking(s, ptr::null(), 1),
        INVALID,
        &["zs_send_multi_nonblocking", "frames"],
    );
    expect_err(
        zs_endpoints(s, ptr::null_mut(), 4).into(),
        INVALID,
        &["zs_endpoints", "buf"],
    );
    expect_err(
        zs_bound_ports(s, ptr::null_mut(), 4).into(),
        INVALID,
        &["zs_bound_ports", "ports"],
    );
    expect_err(
        zs_pump(s, ptr::null(), 1, 1, 0, 0),
        INVALID,
        &["zs_pump", "frames"],
    );
    expect_false(
        zs_is_connected_to_host(s, null_c(), 5555),
        INVALID,
        &["zs_is_connected_to_host", "host_id"],
    );

    let r = socket(PULL);
    expect_err(
        zs_recv(r, 0, ptr::null_mut()).into(),
        INVALID,
        &["zs_recv", "out"],
    );
    expect_err(
        zs_recv_multi(r, 0, ptr::null_mut()).into(),
        INVALID,
        &["zs_recv_multi", "out"],
    );
    expect_err(
        zs_recv_nonblocking(r, ptr::null_mut()).into(),
        INVALID,
        &["zs_recv_nonblocking", "out"],
    );
    expect_err(
        zs_recv_multi_nonblocking(r, ptr::null_mut()).into(),
        INVALID,
        &["zs_recv_multi_nonblocking", "out"],
    );
    expect_err(
        zs_drain(r, -1, 0, 0, ptr::null_mut()).into(),
        INVALID,
        &["zs_drain", "out"],
    );
    let mut readable = [false; 1];
    expect_err(
        zs_poll(ptr::null(), 1, 0, readable.as_mut_ptr()).into(),
        INVALID,
        &["zs_poll", "sockets"],
    );
    expect_err(
        zs_poll(&r, 1, 0, ptr::null_mut()).into(),
        INVALID,
        &["zs_poll", "readable"],
    );
    destroy(s);
    destroy(r);
}

#[test]
fn invalid_argument_ports() {
    let s = socket(PULL);
    for port in [-1, 65536] {
        let p = port.to_string();
        expect_err(
            zs_bind_to_port(s, port, HWM, HWM).into(),
            INVALID,
            &["zs_bind_to_port", "port", &p],
        );
        let mut out: zs_socket = 0;
        expect_err(
            zs_socket_new_bound(PULL, port, HWM, HWM, &mut out).into(),
            INVALID,
            &["zs_socket_new_bound", &p],
        );
        assert_eq!(out, 0);
    }
    expect_err(
        zs_unbind_from_port(s, 0).into(),
        INVALID,
        &["zs_unbind_from_port", "port 0"],
    );
    expect_err(
        zs_connect_to_host(s, c"localhost".as_ptr(), 0, HWM, HWM).into(),
        INVALID,
        &["zs_connect_to_host", "port 0"],
    );
    expect_err(
        zs_connect_to_host(s, c"localhost".as_ptr(), 65536, HWM, HWM).into(),
        INVALID,
        &["zs_connect_to_host", "65536"],
    );
    expect_err(
        zs_disconnect_from_host(s, c"localhost".as_ptr(), 0).into(),
        INVALID,
        &["zs_disconnect_from_host", "port 0"],
    );
    let mut out: zs_socket = 0;
    expect_err(
        zs_socket_new_connected(PUSH, c"localhost".as_ptr(), 0, HWM, HWM, &mut out).into(),
        INVALID,
        &["zs_socket_new_connected", "port 0"],
    );
    assert_eq!(out, 0);
    // Nothing was attached by any of these.
    assert_eq!(endpoints(s), "");
    destroy(s);
}

#[test]
fn invalid_argument_hwm_timeout_linger_size() {
    let s = socket(PUSH);
    expect_err(
        zs_bind_to_port(s, 0, -2, HWM).into(),
        INVALID,
        &["zs_bind_to_port", "send_hwm", "-2"],
    );
    expect_err(
        zs_bind_to_port(s, 0, HWM, -2).into(),
        INVALID,
        &["zs_bind_to_port", "recv_hwm", "-2"],
    );
    expect_err(
        zs_connect_to_host(s, c"localhost".as_ptr(), 5555, -2, HWM).into(),
        INVALID,
        &["zs_connect_to_host", "send_hwm", "-2"],
    );
    assert_eq!(endpoints(s), "", "a failed call attached something");

    expect_err(
        zs_send(s, b"x".as_ptr() as *const c_void, 1, -3).into(),
        INVALID,
        &["zs_send", "timeout", "-3"],
    );
    let r = socket(PULL);
    let mut m = empty_msg();
    expect_err(
        zs_recv(r, -3, &mut m).into(),
        INVALID,
        &["zs_recv", "timeout", "-3"],
    );
    assert!(m.frames.is_null() && m.count == 0 && m.owner.is_null());
    let mut stats = zs_drain_stats::default();
    expect_err(
        zs_drain(r, 1, 0, -3, &mut stats).into(),
        INVALID,
        &["zs_drain", "-3"],
    );
    let mut readable = [false];
    expect_err(
        zs_poll(&r, 1, -3, readable.as_mut_ptr()).into(),
        INVALID,
        &["zs_poll", "-3"],
    );
    expect_err(
        zs_wait_peers(r, 1, -3).into(),
        INVALID,
        &["zs_wait_peers", "-3"],
    );
    expect_err(
        zs_set_default_timeout(-3).into(),
        INVALID,
        &["zs_set_default_timeout", "-3"],
    );
    expect_err(
        zs_set_default_timeout(-2).into(),
        INVALID,
        &["zs_set_default_timeout", "-2"],
    );

    expect_err(
        zs_set_linger(s, -2).into(),
        INVALID,
        &["zs_set_linger", "linger", "-2"],
    );
    assert_eq!(zs_set_linger(s, -1), OK);
    assert_eq!(zs_set_linger(s, 0), OK);

    expect_err(
        zs_set_max_message_size(s, -2).into(),
        INVALID,
        &["zs_set_max_message_size", "-2"],
    );
    assert_eq!(zs_set_max_message_size(s, -1), OK);
    destroy(s);
    destroy(r);
}

#[test]
fn invalid_argument_lengths_with_null_data() {
    let s = socket(PUSH);
    expect_err(
        zs_send(s, ptr::null(), 3, 0).into(),
        INVALID,
        &["zs_send", "data"],
    );
    expect_false(
        zs_send_nonblocking(s, ptr::null(), 3),
        INVALID,
        &["zs_send_nonblocking", "data"],
    );
    let frames = [
        zs_frame {
            data: b"a".as_ptr() as *const c_void,
            len: 1,
        },
        zs_frame {
            data: ptr::null(),
            len: 2,
        },
    ];
    expect_err(
        zs_send_multi(s, frames.as_ptr(), 2, 0).into(),
        INVALID,
        &["zs_send_multi", "frames[1]"],
    );
    expect_err(
        zs_set_routing_id(s, ptr::null(), 4).into(),
        INVALID,
        &["zs_set_routing_id", "id"],
    );
    let sub = socket(SUB);
    expect_err(
        zs_subscribe(sub, ptr::null(), 2).into(),
        INVALID,
        &["zs_subscribe", "prefix"],
    );
    expect_err(
        zs_unsubscribe(sub, ptr::null(), 2).into(),
        INVALID,
        &["zs_unsubscribe", "prefix"],
    );
    // NULL with length 0 is allowed.
    assert_eq!(zs_subscribe(sub, ptr::null(), 0), OK);
    destroy(s);
    destroy(sub);
}

#[test]
fn invalid_argument_host_ids() {
    let bad_utf8: &[u8] = b"ho\xff\xfest\0";
    let bad = bad_utf8.as_ptr() as *const c_char;
    expect_err(
        zs_host_set(bad, c"127.0.0.1".as_ptr()).into(),
        INVALID,
        &["zs_host_set", "host_id", "UTF-8"],
    );
    expect_err(
        zs_host_address(bad, ptr::null_mut(), 0).into(),
        INVALID,
        &["zs_host_address", "host_id", "UTF-8"],
    );
    let s = socket(PUSH);
    expect_err(
        zs_connect_to_host(s, bad, 5555, HWM, HWM).into(),
        INVALID,
        &["zs_connect_to_host", "host_id", "UTF-8"],
    );
    expect_err(
        zs_connect_to_host(s, c"".as_ptr(), 5555, HWM, HWM).into(),
        INVALID,
        &["zs_connect_to_host", "host_id"],
    );
    expect_err(
        zs_connect_to_host(s, c"we b1".as_ptr(), 5555, HWM, HWM).into(),
        INVALID,
        &["zs_connect_to_host", "we b1"],
    );
    expect_err(
        zs_host_set(c"".as_ptr(), c"127.0.0.1".as_ptr()).into(),
        INVALID,
        &["zs_host_set", "host_id"],
    );
    expect_err(
        zs_host_set(c"a b".as_ptr(), c"127.0.0.1".as_ptr()).into(),
        INVALID,
        &["zs_host_set", "a b"],
    );
    expect_err(
        zs_host_set(c"tab\tid".as_ptr(), c"127.0.0.1".as_ptr()).into(),
        INVALID,
        &["zs_host_set", "host_id"],
    );
    expect_err(
        zs_host_set(c"errhost2".as_ptr(), c"".as_ptr()).into(),
        INVALID,
        &["zs_host_set", "address"],
    );
    expect_err(
        zs_host_remove(c" ".as_ptr()).into(),
        INVALID,
        &["zs_host_remove", "host_id"],
    );
    expect_err(
        zs_socket_type_from_name(bad).into(),
        INVALID,
        &["zs_socket_type_from_name", "UTF-8"],
    );
    assert_eq!(endpoints(s), "");
    destroy(s);
}

#[test]
fn invalid_argument_routing_id_length() {
    let s = socket(DEALER);
    let id = [b'a'; 256];
    expect_err(
        zs_set_routing_id(s, id.as_ptr() as *const c_void, 0).into(),
        INVALID,
        &["zs_set_routing_id", "id"],
    );
    expect_err(
        zs_set_routing_id(s, id.as_ptr() as *const c_void, 256).into(),
        INVALID,
        &["zs_set_routing_id", "256"],
    );
    let zero = [0u8, b'a'];
    expect_err(
        zs_set_routing_id(s, zero.as_ptr() as *const c_void, 2).into(),
        INVALID,
        &["zs_set_routing_id", "zero"],
    );
    assert_eq!(zs_set_routing_id(s, id.as_ptr() as *const c_void, 255), OK);
    destroy(s);
}

#[test]
fn invalid_argument_endpoints() {
    let s = socket(PULL);
    expect_err(
        zs_bind_endpoint(s, c"tcp://".as_ptr(), HWM, HWM).into(),
        INVALID,
        &["zs_bind_endpoint", "tcp://"],
    );
    expect_err(
        zs_bind_endpoint(s, c"bogus://x".as_ptr(), HWM, HWM).into(),
        INVALID,
        &["zs_bind_endpoint", "bogus://x"],
    );
    expect_err(
        zs_connect_endpoint(s, c"bogus://x".as_ptr(), HWM, HWM).into(),
        INVALID,
        &["zs_connect_endpoint", "bogus://x"],
    );
    expect_err(
        zs_connect_endpoint(s, c"tcp://".as_ptr(), HWM, HWM).into(),
        INVALID,
        &["zs_connect_endpoint", "tcp://"],
    );
    expect_err(
        zs_bind_endpoint(s, c"".as_ptr(), HWM, HWM).into(),
        INVALID,
        &["zs_bind_endpoint", "endpoint"],
    );
    assert_eq!(endpoints(s), "", "a failed bind or connect is listed");
    assert!(bound_ports(s).is_empty());
    destroy(s);
}

#[test]
fn invalid_argument_bulk() {
    let s = socket(PUSH);
    let frames = to_frames(&[b"x"]);
    expect_err(
        zs_pump(s, frames.as_ptr(), 1, -1, 0, 0),
        INVALID,
        &["zs_pump", "repeat", "-1"],
    );
    expect_err(
        zs_pump(s, frames.as_ptr(), 1, 1, 7, 0),
        INVALID,
        &["zs_pump", "flags"],
    );
    expect_err(
        zs_pump(s, frames.as_ptr(), 1, 1, 0, -3),
        INVALID,
        &["zs_pump", "-3"],
    );
    let r = socket(PULL);
    let mut stats = zs_drain_stats {
        messages: 99,
        ..Default::default()
    };
    expect_err(
        zs_drain(r, -2, 0, 0, &mut stats).into(),
        INVALID,
        &["zs_drain", "expected", "-2"],
    );
    assert_eq!(stats, zs_drain_stats::default(), "stats zeroed on error");
    expect_err(
        zs_drain(r, 1, 7, 0, &mut stats).into(),
        INVALID,
        &["zs_drain", "flags"],
    );
    expect_err(
        zs_wait_peers(r, -1, 0).into(),
        INVALID,
        &["zs_wait_peers", "-1"],
    );
    destroy(s);
    destroy(r);
}

// ------------------------------------------------------------ ZS_ERR_BAD_HANDLE

#[test]
fn bad_handle() {
    let destroyed = socket(PUSH);
    destroy(destroyed);
    let cases: [(zs_socket, String); 4] = [
        (0, "socket 0".to_string()),
        (1 << 52, (1u64 << 52).to_string()),
        (destroyed, destroyed.to_string()),
        (u64::MAX, u64::MAX.to_string()),
    ];
    for (h, name) in &cases {
        let name = name.as_str();
        expect_err(
            zs_socket_destroy(*h).into(),
            BAD_HANDLE,
            &["zs_socket_destroy", name],
        );
        expect_err(
            zs_socket_type(*h).into(),
            BAD_HANDLE,
            &["zs_socket_type", name],
        );
        expect_err(
            zs_bind_to_port(*h, 0, HWM, HWM).into(),
            BAD_HANDLE,
            &["zs_bind_to_port", name],
        );
        expect_err(
            zs_send(*h, b"x".as_ptr() as *const c_void, 1, 0).into(),
            BAD_HANDLE,
            &["zs_send", name],
        );
        expect_false(
            zs_send_nonblocking(*h, b"x".as_ptr() as *const c_void, 1),
            BAD_HANDLE,
            &["zs_send_nonblocking", name],
        );
        let mut m = empty_msg();
        expect_err(
            zs_recv(*h, 0, &mut m).into(),
            BAD_HANDLE,
            &["zs_recv", name],
        );
        expect_err(zs_close(*h).into(), BAD_HANDLE, &["zs_close", name]);
        expect_err(
            zs_endpoints(*h, ptr::null_mut(), 0).into(),
            BAD_HANDLE,
            &["zs_endpoints", name],
        );
        expect_false(
            zs_is_bound_to_port(*h, 5555),
            BAD_HANDLE,
            &["zs_is_bound_to_port", name],
        );
        expect_err(
            zs_peer_count(*h).into(),
            BAD_HANDLE,
            &["zs_peer_count", name],
        );
        let mut readable = [false];
        expect_err(
            zs_poll(h, 1, 0, readable.as_mut_ptr()).into(),
            BAD_HANDLE,
            &["zs_poll", name],
        );
        let frames = to_frames(&[b"x"]);
        expect_err(
            zs_pump(*h, frames.as_ptr(), 1, 1, 0, 0),
            BAD_HANDLE,
            &["zs_pump", name],
        );
    }
    // A destroyed handle is told apart from one never issued.
    expect_err(zs_socket_type(destroyed).into(), BAD_HANDLE, &["destroyed"]);
    expect_err(zs_socket_type(1 << 52).into(), BAD_HANDLE, &["ever issued"]);
}

// ---------------------------------------------------- ZS_ERR_UNKNOWN_SOCKET_TYPE

#[test]
fn unknown_socket_type() {
    for t in [99, -1, 11] {
        let mut out: zs_socket = 0;
        expect_err(
            zs_socket_new(t, &mut out).into(),
            UNKNOWN_TYPE,
            &["zs_socket_new", &t.to_string()],
        );
        assert_eq!(out, 0);
        expect_err(
            zs_socket_new_bound(t, 0, HWM, HWM, &mut out).into(),
            UNKNOWN_TYPE,
            &["zs_socket_new_bound", &t.to_string()],
        );
        expect_err(
            zs_socket_new_connected(t, c"localhost".as_ptr(), 5555, HWM, HWM, &mut out).into(),
            UNKNOWN_TYPE,
            &["zs_socket_new_connected", &t.to_string()],
        );
        assert_eq!(out, 0);
    }
    expect_err(
        zs_socket_type_from_name(c"nope".as_ptr()).into(),
        UNKNOWN_TYPE,
        &["zs_socket_type_from_name", "nope"],
    );
    expect_err(
        zs_socket_type_from_name(c"".as_ptr()).into(),
        UNKNOWN_TYPE,
        &["zs_socket_type_from_name"],
    );
    assert_eq!(zs_socket_type_from_name(c"PUSH".as_ptr()), PUSH);
    assert_eq!(zs_socket_type_from_name(c"pull".as_ptr()), PULL);
    assert_eq!(zs_socket_type_from_name(c"XREQ".as_ptr()), DEALER);
    assert_eq!(zs_socket_type_from_name(c"xrep".as_ptr()), ROUTER);
    assert_eq!(zs_socket_type_from_name(c"XSub".as_ptr()), XSUB);
}

// ----------------------------------------------------------- ZS_ERR_UNKNOWN_HOST

#[test]
fn unknown_host() {
    let s = socket(PUSH);
    expect_err(
        zs_connect_to_host(s, c"no-such-host-xyz".as_ptr(), 5555, HWM, HWM).into(),
        UNKNOWN_HOST,
        &["zs_connect_to_host", "no-such-host-xyz"],
    );
    assert_eq!(endpoints(s), "", "an unknown host changed something");
    assert!(!zs_is_connected_to_host(
        s,
        c"no-such-host-xyz".as_ptr(),
        5555
    ));
    let mut out: zs_socket = 0;
    expect_err(
        zs_socket_new_connected(PUSH, c"no-such-host-xyz".as_ptr(), 5555, HWM, HWM, &mut out)
            .into(),
        UNKNOWN_HOST,
        &["zs_socket_new_connected", "no-such-host-xyz"],
    );
    assert_eq!(out, 0);
    expect_err(
        zs_host_remove(c"no-such-host-xyz".as_ptr()).into(),
        UNKNOWN_HOST,
        &["zs_host_remove", "no-such-host-xyz"],
    );
    expect_err(
        zs_host_address(c"no-such-host-xyz".as_ptr(), ptr::null_mut(), 0).into(),
        UNKNOWN_HOST,
        &["zs_host_address", "no-such-host-xyz"],
    );
    destroy(s);
}

// -------------------------------------------------------------- ZS_ERR_TIMED_OUT

#[test]
fn timed_out_recv() {
    let (r, _) = bound(PULL);
    let start = Instant::now();
    let mut m = empty_msg();
    let who = format!("socket {r} (PULL)");
    // Longer than one slice: the waiting loop after a first attempt.
    expect_err(
        zs_recv(r, 150, &mut m).into(),
        TIMED_OUT,
        &["zs_recv", &who, "timed out after 150 ms"],
    );
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(145),
        "returned after {took:?}"
    );
    assert!(
        took < Duration::from_millis(2000),
        "returned after {took:?}"
    );
    assert!(m.frames.is_null() && m.count == 0 && m.owner.is_null());
    // Within one slice: the first attempt is the whole wait.
    let start = Instant::now();
    expect_err(
        zs_recv(r, 30, &mut m).into(),
        TIMED_OUT,
        &["zs_recv", &who, "timed out after 30 ms"],
    );
    assert!(
        start.elapsed() >= Duration::from_millis(29),
        "returned after {:?}",
        start.elapsed()
    );
    expect_err(
        zs_recv_multi(r, 0, &mut m).into(),
        TIMED_OUT,
        &["zs_recv_multi", &who, "timed out after 0 ms"],
    );
    destroy(r);
}

#[test]
fn timed_out_send() {
    let port = dead_port();
    let s = socket(PUSH);
    assert_eq!(
        zs_connect_to_host(s, c"localhost".as_ptr(), port, 1, HWM),
        OK,
        "{}",
        last_error()
    );
    let data = b"m";
    assert_eq!(
        zs_send(s, data.as_ptr() as *const c_void, 1, 0),
        OK,
        "first message: {}",
        last_error()
    );
    let start = Instant::now();
    expect_err(
        zs_send(s, data.as_ptr() as *const c_void, 1, 200).into(),
        TIMED_OUT,
        &["zs_send"],
    );
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(195),
        "returned after {took:?}"
    );
    assert!(
        took < Duration::from_millis(3000),
        "returned after {took:?}"
    );
    let frames = to_frames(&[b"a", b"b"]);
    expect_err(
        zs_send_multi(s, frames.as_ptr(), 2, 0).into(),
        TIMED_OUT,
        &["zs_send_multi"],
    );
    assert_eq!(zs_set_linger(s, 0), OK);
    destroy(s);
}

// ------------------------------------------------------------ ZS_ERR_WOULD_BLOCK

#[test]
fn would_block() {
    let (r, _) = bound(PULL);
    let mut m = empty_msg();
    expect_err(
        zs_recv_nonblocking(r, &mut m).into(),
        WOULD_BLOCK,
        &[
            "zs_recv_nonblocking",
            &format!("socket {r} (PULL)"),
            "would block",
        ],
    );
    expect_err(
        zs_recv_multi_nonblocking(r, &mut m).into(),
        WOULD_BLOCK,
        &["zs_recv_multi_nonblocking"],
    );

    let port = dead_port();
    let s = socket(PUSH);
    assert_eq!(
        zs_connect_to_host(s, c"localhost".as_ptr(), port, 1, HWM),
        OK
    );
    assert!(zs_send_nonblocking(s, b"1".as_ptr() as *const c_void, 1));
    expect_false(
        zs_send_nonblocking(s, b"2".as_ptr() as *const c_void, 1),
        WOULD_BLOCK,
        &["zs_send_nonblocking"],
    );
    let frames = to_frames(&[b"a", b""]);
    expect_false(
        zs_send_multi_nonblocking(s, frames.as_ptr(), 2),
        WOULD_BLOCK,
        &["zs_send_multi_nonblocking"],
    );
    assert_eq!(zs_set_linger(s, 0), OK);
    destroy(s);
    destroy(r);
}

// ------------------------------------------------ NOT_BOUND / NOT_CONNECTED

#[test]
fn not_bound() {
    let (s, port) = bound(PULL);
    let other = dead_port();
    expect_err(
        zs_unbind_from_port(s, other).into(),
        NOT_BOUND,
        &["zs_unbind_from_port", &other.to_string()],
    );
    expect_err(
        zs_unbind_endpoint(s, c"tcp://127.0.0.1:1".as_ptr()).into(),
        NOT_BOUND,
        &["zs_unbind_endpoint", "tcp://127.0.0.1:1"],
    );
    assert_eq!(zs_unbind_from_port(s, port), OK, "{}", last_error());
    expect_err(
        zs_unbind_from_port(s, port).into(),
        NOT_BOUND,
        &["zs_unbind_from_port", &port.to_string()],
    );
    destroy(s);
}

#[test]
fn not_connected() {
    let s = socket(PUSH);
    expect_err(
        zs_disconnect_from_host(s, c"localhost".as_ptr(), 1234).into(),
        NOT_CONNECTED,
        &["zs_disconnect_from_host", "localhost", "1234"],
    );
    expect_err(
        zs_disconnect_endpoint(s, c"tcp://127.0.0.1:1234".as_ptr()).into(),
        NOT_CONNECTED,
        &["zs_disconnect_endpoint", "tcp://127.0.0.1:1234"],
    );
    expect_err(
        zs_wait_connected(s, c"localhost".as_ptr(), 1234, 0).into(),
        NOT_CONNECTED,
        &["zs_wait_connected", "localhost", "1234"],
    );
    let port = dead_port();
    assert_eq!(
        zs_connect_to_host(s, c"localhost".as_ptr(), port, HWM, HWM),
        OK
    );
    assert_eq!(zs_disconnect_from_host(s, c"localhost".as_ptr(), port), OK);
    expect_err(
        zs_disconnect_from_host(s, c"localhost".as_ptr(), port).into(),
        NOT_CONNECTED,
        &["zs_disconnect_from_host", &port.to_string()],
    );
    destroy(s);
}

// ---------------------------------------------------- ZS_ERR_ALREADY_CONNECTED

#[test]
fn already_connected() {
    let port = dead_port();
    let p = port.to_string();
    let s = socket(PUSH);
    assert_eq!(
        zs_connect_to_host(s, c"localhost".as_ptr(), port, HWM, HWM),
        OK
    );
    expect_err(
        zs_connect_to_host(s, c"localhost".as_ptr(), port, HWM, HWM).into(),
        ALREADY_CONNECTED,
        &["zs_connect_to_host", "localhost", &p],
    );
    // The same endpoint through another id.
    expect_err(
        zs_connect_to_host(s, c"127.0.0.1".as_ptr(), port, HWM, HWM).into(),
        ALREADY_CONNECTED,
        &["zs_connect_to_host", "127.0.0.1", &p],
    );
    let ep = cstr(&format!("tcp://127.0.0.1:{port}"));
    expect_err(
        zs_connect_endpoint(s, ep.as_ptr(), HWM, HWM).into(),
        ALREADY_CONNECTED,
        &["zs_connect_endpoint", &p],
    );
    let lines = endpoints(s);
    assert_eq!(lines.lines().count(), 1, "{lines}");
    destroy(s);
}

// ------------------------------------------------------- ZS_ERR_ADDRESS_IN_USE

#[test]
fn address_in_use() {
    let (a, port) = bound(PULL);
    let p = port.to_string();
    let b = socket(PULL);
    expect_err(
        zs_bind_to_port(b, port, HWM, HWM).into(),
        ADDRESS_IN_USE,
        &["zs_bind_to_port", &p],
    );
    assert!(bound_ports(b).is_empty());
    expect_err(
        zs_bind_to_port(a, port, HWM, HWM).into(),
        ADDRESS_IN_USE,
        &["zs_bind_to_port", &p],
    );
    assert_eq!(bound_ports(a), vec![port]);
    let mut out: zs_socket = 0;
    expect_err(
        zs_socket_new_bound(PULL, port, HWM, HWM, &mut out).into(),
        ADDRESS_IN_USE,
        &["zs_socket_new_bound", &p],
    );
    assert_eq!(out, 0);
    // Taken by something else than a zmqsocket socket.
    let listener = std::net::TcpListener::bind("0.0.0.0:0").expect("listener");
    let lp = i32::from(listener.local_addr().expect("addr").port());
    expect_err(
        zs_bind_to_port(b, lp, HWM, HWM).into(),
        ADDRESS_IN_USE,
        &["zs_bind_to_port", &lp.to_string()],
    );
    destroy(a);
    destroy(b);
}

// -------------------------------------------------------- ZS_ERR_NOT_SUPPORTED

#[test]
fn not_supported() {
    let pull = socket(PULL);
    expect_err(
        zs_send(pull, b"x".as_ptr() as *const c_void, 1, 0).into(),
        NOT_SUPPORTED,
        &["zs_send"],
    );
    let push = socket(PUSH);
    let mut m = empty_msg();
    expect_err(zs_recv(push, 0, &mut m).into(), NOT_SUPPORTED, &["zs_recv"]);
    expect_err(
        zs_subscribe(push, b"a".as_ptr() as *const c_void, 1).into(),
        NOT_SUPPORTED,
        &["zs_subscribe", "PUSH"],
    );
    expect_err(
        zs_unsubscribe(push, b"a".as_ptr() as *const c_void, 1).into(),
        NOT_SUPPORTED,
        &["zs_unsubscribe", "PUSH"],
    );
    let publ = socket(PUB);
    expect_err(
        zs_subscribe(publ, ptr::null(), 0).into(),
        NOT_SUPPORTED,
        &["zs_subscribe", "PUB"],
    );
    destroy(pull);
    destroy(push);
    destroy(publ);
}

// ---------------------------------------------------------- ZS_ERR_WRONG_STATE

#[test]
fn wrong_state() {
    let (rep, port) = bound(REP);
    let req = connected(REQ, port);
    send(req, b"one");
    expect_err(
        zs_send(req, b"two".as_ptr() as *const c_void, 3, 0).into(),
        WRONG_STATE,
        &["zs_send"],
    );
    // A REP cannot send before it has received.
    let (rep2, _) = bound(REP);
    expect_err(
        zs_send(rep2, b"x".as_ptr() as *const c_void, 1, 0).into(),
        WRONG_STATE,
        &["zs_send"],
    );
    // Routing id after the first connect, and after the first bind.
    let d = socket(DEALER);
    assert_eq!(zs_set_routing_id(d, b"me".as_ptr() as *const c_void, 2), OK);
    assert_eq!(
        zs_connect_to_host(d, c"localhost".as_ptr(), port, HWM, HWM),
        OK
    );
    expect_err(
        zs_set_routing_id(d, b"me2".as_ptr() as *const c_void, 3).into(),
        WRONG_STATE,
        &["zs_set_routing_id"],
    );
    let (r, _) = bound(ROUTER);
    expect_err(
        zs_set_routing_id(r, b"me3".as_ptr() as *const c_void, 3).into(),
        WRONG_STATE,
        &["zs_set_routing_id"],
    );
    for s in [rep, req, rep2, d, r] {
        destroy(s);
    }
}

// ----------------------------------------------------- ZS_ERR_HOST_UNREACHABLE

#[test]
fn host_unreachable() {
    let (r, _) = bound(ROUTER);
    let frames = to_frames(&[b"nobody", b"hello"]);
    expect_err(
        zs_send_multi(r, frames.as_ptr(), 2, 0).into(),
        HOST_UNREACHABLE,
        &["zs_send_multi"],
    );
    expect_err(
        zs_send_multi(r, frames.as_ptr(), 2, 100).into(),
        HOST_UNREACHABLE,
        &["zs_send_multi"],
    );
    destroy(r);
}

// ---------------------------------------------------- ZS_ERR_MESSAGE_TOO_LARGE

#[test]
fn message_too_large() {
    // (A limit below ~30 bytes would also refuse the peer's ZMTP READY
    // command, so no connection would ever come up: use 100.)
    let (pull, port) = bound(PULL);
    let push = socket(PUSH);
    assert_eq!(zs_set_max_message_size(push, 100), OK);
    assert_eq!(
        zs_connect_to_host(push, c"localhost".as_ptr(), port, HWM, HWM),
        OK
    );
    let big = [7u8; 101];
    expect_err(
        zs_send(push, big.as_ptr() as *const c_void, 101, 0).into(),
        TOO_LARGE,
        &["zs_send", "101"],
    );
    expect_false(
        zs_send_nonblocking(push, big.as_ptr() as *const c_void, 101),
        TOO_LARGE,
        &["zs_send_nonblocking"],
    );
    // Two frames of 60 add up to 120 > 100.
    let frames = to_frames(&[&[1u8; 60], &[2u8; 60]]);
    expect_err(
        zs_send_multi(push, frames.as_ptr(), 2, 0).into(),
        TOO_LARGE,
        &["zs_send_multi", "120"],
    );
    expect_err(
        zs_pump(push, frames.as_ptr(), 2, 3, 0, 0),
        TOO_LARGE,
        &["zs_pump"],
    );
    // Exactly the limit goes through, and nothing too large arrived before it.
    let ok = [9u8; 100];
    send(push, &ok);
    assert_eq!(recv_ok(pull), vec![ok.to_vec()]);
    assert_eq!(recv_multi(pull, 200), Err(TIMED_OUT));
    destroy(push);
    destroy(pull);
}

// --------------------------------------------------------------- ZS_ERR_IO

#[test]
fn io_error() {
    let path = format!("/nonexistent-dir-zs/{}/hosts", unique("h"));
    let c = cstr(&path);
    expect_err(
        zs_hosts_load(c.as_ptr()).into(),
        IO,
        &["zs_hosts_load", &path],
    );
}

// --------------------------------------------------------- the error texts

#[test]
fn strerror_is_static_and_never_null() {
    for code in [
        0,
        -1,
        -2,
        -3,
        -4,
        -5,
        -6,
        -7,
        -8,
        -9,
        -10,
        -11,
        -12,
        -13,
        -14,
        -15,
        -16,
        -99,
        5,
        -50,
        i32::MIN,
    ] {
        let p = zs_strerror(code);
        assert!(!p.is_null());
        // SAFETY: zs_strerror returns static NUL-terminated text.
        let t = unsafe { std::ffi::CStr::from_ptr(p) }.to_string_lossy();
        assert!(!t.is_empty(), "code {code}");
    }
    // SAFETY: as above.
    let t = unsafe { std::ffi::CStr::from_ptr(zs_strerror(-99)) };
    assert!(!t.to_bytes().is_empty());
    // SAFETY: zs_version returns static NUL-terminated text.
    let v = unsafe { std::ffi::CStr::from_ptr(zs_version()) }
        .to_string_lossy()
        .into_owned();
    assert!(v.starts_with("zmqsocket "), "{v}");
    assert!(v.contains("(libzmq 4.3.5, CURVE)"), "{v}");
}

// ------------------------------------------------------- the last-error rules

#[test]
fn fresh_thread_has_no_error() {
    std::thread::spawn(|| {
        assert_eq!(zs_last_error_code(), 0);
        assert_eq!(last_error(), "");
        // A success does not set it either.
        let s = socket(PUSH);
        destroy(s);
        assert_eq!(zs_last_error_code(), 0);
        assert_eq!(last_error(), "");
    })
    .join()
    .expect("thread");
}

#[test]
fn success_leaves_last_error_unchanged() {
    expect_err(zs_socket_type(0).into(), BAD_HANDLE, &["zs_socket_type"]);
    let before = last_error();
    let (s, port) = bound(PULL);
    assert_eq!(zs_socket_type(s), PULL);
    assert!(zs_is_bound_to_port(s, port));
    assert_eq!(zs_close(s), OK);
    destroy(s);
    assert_eq!(zs_last_error_code(), BAD_HANDLE);
    assert_eq!(last_error(), before);
    // The next failure replaces it.
    expect_err(
        zs_socket_type_from_name(c"nope".as_ptr()).into(),
        UNKNOWN_TYPE,
        &["nope"],
    );
}

#[test]
fn last_error_is_per_thread() {
    expect_err(
        zs_socket_type_from_name(c"main-thread-name".as_ptr()).into(),
        UNKNOWN_TYPE,
        &["main-thread-name"],
    );
    let (tx, rx) = std::sync::mpsc::channel();
    let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
    let t = std::thread::spawn(move || {
        assert_eq!(zs_last_error_code(), 0);
        expect_err(zs_socket_type(0).into(), BAD_HANDLE, &["socket 0"]);
        tx.send(()).expect("send");
        go_rx.recv().expect("recv");
        // Our error is untouched by the other thread's failure.
        assert_eq!(zs_last_error_code(), BAD_HANDLE);
        assert!(last_error().contains("zs_socket_type"));
    });
    rx.recv().expect("thread started");
    // The other thread's failure did not touch ours.
    assert_eq!(zs_last_error_code(), UNKNOWN_TYPE);
    assert!(last_error().contains("main-thread-name"));
    expect_err(
        zs_host_remove(c"nope-nope".as_ptr()).into(),
        UNKNOWN_HOST,
        &[],
    );
    go_tx.send(()).expect("go");
    t.join().expect("thread");
}

#[test]
fn last_error_text_stays_valid_until_next_failure() {
    expect_err(zs_socket_type(0).into(), BAD_HANDLE, &[]);
    let p = zs_last_error();
    // Successful calls in between.
    let s = socket(PAIR);
    destroy(s);
    assert_eq!(zs_last_error(), p, "pointer changed without a failure");
    // SAFETY: the text stays valid until this thread's next failing call.
    let t = unsafe { std::ffi::CStr::from_ptr(p) }.to_string_lossy();
    assert!(t.contains("zs_socket_type"));
}
