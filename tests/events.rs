//! SPEC section 20: the per-socket event log and message properties;
//! section 21: zs_poll_events.

mod common;

use std::os::raw::c_char;

use common::*;
use zmqsocket::ffi::events::*;
use zmqsocket::ffi::poll::*;
use zmqsocket::ffi::recv::*;
use zmqsocket::ffi::state::*;
use zmqsocket::types::zs_event_kind::*;
use zmqsocket::types::zs_poll_flags::*;
use zmqsocket::types::{zs_event, zs_socket};

const LOST: i32 = ZS_EVENT_LOST as i32;
const IN: i16 = ZS_POLLIN as i16;
const OUT: i16 = ZS_POLLOUT as i16;

fn blank_event() -> zs_event {
    zs_event {
        kind: -1,
        value: -1,
        time_us: 0,
        endpoint: [0; 256],
    }
}

fn endpoint_of(e: &zs_event) -> String {
    let n = e
        .endpoint
        .iter()
        .position(|&c| c == 0)
        .expect("NUL-terminated");
    e.endpoint[..n].iter().map(|&c| c as u8 as char).collect()
}

/// Every event the socket has logged, waiting `ms` for the first and a
/// short while for each next one.
fn events_of(s: zs_socket, first_ms: i32) -> Vec<zs_event> {
    let mut out = Vec::new();
    let mut ms = first_ms;
    loop {
        let mut e = blank_event();
        match zs_next_event(s, ms, &mut e) {
            rc if rc == OK => out.push(e),
            rc => {
                assert_eq!(rc, TIMED_OUT, "{}", last_error());
                return out;
            }
        }
        ms = 200;
    }
}

/// Read events until one of `kind` comes (within WAIT_MS each).
fn wait_for_kind(s: zs_socket, kind: i32) -> zs_event {
    loop {
        let mut e = blank_event();
        let rc = zs_next_event(s, WAIT_MS, &mut e);
        assert_eq!(rc, OK, "no event {kind:#x}: {}", last_error());
        if e.kind == kind {
            return e;
        }
    }
}

#[test]
fn a_connection_is_logged_on_both_sides() {
    let (pull, port) = bound(PULL);
    let push = connected(PUSH, port);
    let hs = ZS_EVENT_HANDSHAKE_SUCCEEDED as i32;
    let on_connect = wait_for_kind(push, hs);
    assert_eq!(endpoint_of(&on_connect), format!("tcp://127.0.0.1:{port}"));
    let on_bind = wait_for_kind(pull, hs);
    assert!(endpoint_of(&on_bind).ends_with(&format!(":{port}")));

    // The bind side saw it listen and accept first, in order, with times
    // that do not go back.
    let (pull2, port2) = bound(PULL);
    let push2 = connected(PUSH, port2);
    assert_eq!(zs_wait_peers(pull2, 1, WAIT_MS), OK);
    let seen = events_of(pull2, WAIT_MS);
    let kinds: Vec<i32> = seen.iter().map(|e| e.kind).collect();
    let at = |k: i32| {
        kinds
            .iter()
            .position(|&x| x == k)
            .unwrap_or_else(|| panic!("{k:#x} in {kinds:?}"))
    };
    assert!(at(ZS_EVENT_LISTENING as i32) < at(ZS_EVENT_ACCEPTED as i32));
    assert!(at(ZS_EVENT_ACCEPTED as i32) < at(hs));
    assert!(seen.windows(2).all(|w| w[0].time_us <= w[1].time_us));
    assert!(seen[0].time_us > 0);

    // A peer that goes is logged as DISCONNECTED.
    destroy(push2);
    wait_for_kind(pull2, ZS_EVENT_DISCONNECTED as i32);
    for s in [pull, push, pull2] {
        destroy(s);
    }
}

#[test]
fn a_socket_never_attached_has_no_events() {
    let s = socket(PUSH);
    let mut e = blank_event();
    expect_err(
        zs_next_event(s, 0, &mut e).into(),
        TIMED_OUT,
        &["zs_next_event", "no event"],
    );
    expect_err(
        zs_next_event(s, 30, &mut e).into(),
        TIMED_OUT,
        &["no event"],
    );
    assert_eq!(e.kind, -1, "nothing written on failure");
    expect_err(zs_next_event(s, -3, &mut e).into(), INVALID, &["timeout"]);
    expect_err(
        zs_next_event(s, 0, std::ptr::null_mut()).into(),
        INVALID,
        &["out is NULL"],
    );
    destroy(s);
    expect_err(zs_next_event(s, 0, &mut e).into(), BAD_HANDLE, &[]);
    expect_err(zs_next_event(0, 0, &mut e).into(), BAD_HANDLE, &[]);
}

#[test]
fn connect_retries_to_an_absent_peer_are_logged() {
    let port = dead_port();
    let push = connected(PUSH, port);
    let e = wait_for_kind(push, ZS_EVENT_CONNECT_RETRIED as i32);
    assert!(e.value > 0, "the retry interval, in ms: {}", e.value);
    assert_eq!(endpoint_of(&e), format!("tcp://127.0.0.1:{port}"));
    destroy(push);
}

#[test]
fn the_log_keeps_1024_and_says_how_many_were_lost() {
    let (pull, port) = bound(PULL);
    // 600 connections: LISTENING, then ACCEPTED and HANDSHAKE_SUCCEEDED
    // for each, at least 1201 events.
    let pushes: Vec<zs_socket> = (0..600).map(|_| connected(PUSH, port)).collect();
    assert_eq!(zs_wait_peers(pull, 600, 30_000), OK, "{}", last_error());
    let seen = events_of(pull, WAIT_MS);
    assert_eq!(
        seen[0].kind, LOST,
        "the first event read says what was lost"
    );
    assert!(seen[0].value >= 1201 - 1024, "lost {}", seen[0].value);
    assert_eq!(endpoint_of(&seen[0]), "");
    assert_eq!(seen.len(), 1 + 1024, "then exactly the latest 1024");
    assert!(seen[1..].iter().all(|e| e.kind != LOST));
    // Reading the log changed nothing of the connection state.
    assert_eq!(zs_peer_count(pull), 600);
    for s in pushes {
        destroy(s);
    }
    destroy(pull);
}

#[test]
fn reading_events_does_not_change_peer_counts_or_waits() {
    // Two identical pairs: the log of one is read, the other's is not.
    let (a, pa) = bound(PULL);
    let (b, pb) = bound(PULL);
    let ca = connected(PUSH, pa);
    let cb = connected(PUSH, pb);
    wait_for_kind(a, ZS_EVENT_HANDSHAKE_SUCCEEDED as i32);
    events_of(a, 0);
    assert_eq!(zs_wait_peers(a, 1, WAIT_MS), OK);
    assert_eq!(zs_wait_peers(b, 1, WAIT_MS), OK);
    assert_eq!(zs_peer_count(a), zs_peer_count(b));
    assert_eq!(zs_peer_count(a), 1);
    destroy(ca);
    destroy(cb);
    // Both see the peer go, however their logs were read.
    wait_for_kind(a, ZS_EVENT_DISCONNECTED as i32);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while zs_peer_count(b) != 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert_eq!(zs_peer_count(a), 0);
    assert_eq!(zs_peer_count(b), 0);
    for s in [a, b] {
        destroy(s);
    }
}

fn property(m: &zmqsocket::types::zs_message, name: &str) -> Result<String, i32> {
    let name = cstr(name);
    let n = zs_message_property(m, name.as_ptr(), std::ptr::null_mut(), 0);
    if n < 0 {
        return Err(n);
    }
    let mut buf = vec![0 as c_char; n as usize + 1];
    assert_eq!(
        zs_message_property(m, name.as_ptr(), buf.as_mut_ptr(), buf.len()),
        n
    );
    Ok(buf[..n as usize].iter().map(|&c| c as u8 as char).collect())
}

#[test]
fn message_properties() {
    let (pull, port) = bound(PULL); // on "*": dual-stack
    let push = connected(PUSH, port);
    send(push, b"hi");
    let mut m = empty_msg();
    assert_eq!(zs_recv(pull, WAIT_MS, &mut m), OK, "{}", last_error());
    assert_eq!(property(&m, "Peer-Address").unwrap(), "127.0.0.1");
    assert_eq!(property(&m, "Socket-Type").unwrap(), "PUSH");
    // snprintf rules.
    let name = cstr("Socket-Type");
    let mut small = [0x55 as c_char; 3];
    assert_eq!(
        zs_message_property(&m, name.as_ptr(), small.as_mut_ptr(), 3),
        4
    );
    assert_eq!(small, [b'P' as c_char, b'U' as c_char, 0]);
    // Errors.
    expect_err(
        property(&m, "No-Such").unwrap_err().into(),
        INVALID,
        &["zs_message_property", "No-Such"],
    );
    expect_err(
        zs_message_property(std::ptr::null(), name.as_ptr(), std::ptr::null_mut(), 0).into(),
        INVALID,
        &["msg is NULL"],
    );
    expect_err(
        zs_message_property(&m, std::ptr::null(), std::ptr::null_mut(), 0).into(),
        INVALID,
        &["name"],
    );
    expect_err(
        zs_message_property(&m, name.as_ptr(), std::ptr::null_mut(), 8).into(),
        INVALID,
        &["buf is NULL"],
    );
    zs_message_free(&mut m);
    expect_err(
        zs_message_property(&m, name.as_ptr(), std::ptr::null_mut(), 0).into(),
        INVALID,
        &["holds no received message"],
    );
    destroy(push);
    destroy(pull);
}

#[test]
fn a_multipart_message_and_a_routing_id_have_properties() {
    let (router, port) = bound(ROUTER);
    let dealer = socket(DEALER);
    let id = b"dealer-7";
    assert_eq!(
        zmqsocket::ffi::sockets::zs_set_routing_id(dealer, id.as_ptr() as *const _, id.len()),
        OK
    );
    assert_eq!(
        zmqsocket::ffi::attach::zs_connect_to_host(dealer, c"127.0.0.1".as_ptr(), port, HWM, HWM),
        OK
    );
    send(dealer, b"x");
    let mut m = empty_msg();
    assert_eq!(zs_recv(router, WAIT_MS, &mut m), OK, "{}", last_error());
    assert_eq!(property(&m, "Socket-Type").unwrap(), "DEALER");
    assert_eq!(property(&m, "Routing-Id").unwrap(), "dealer-7");
    zs_message_free(&mut m);
    destroy(dealer);
    destroy(router);
}

#[test]
fn inproc_messages_have_no_properties() {
    let pull = socket(PULL);
    let ep = cstr("inproc://events-props");
    assert!(zmqsocket::ffi::endpoints::zs_bind_endpoint(pull, ep.as_ptr(), HWM, HWM) >= 0);
    let push = socket(PUSH);
    assert_eq!(
        zmqsocket::ffi::endpoints::zs_connect_endpoint(push, ep.as_ptr(), HWM, HWM),
        OK
    );
    send(push, b"x");
    let mut m = empty_msg();
    assert_eq!(zs_recv(pull, WAIT_MS, &mut m), OK);
    expect_err(
        property(&m, "Peer-Address").unwrap_err().into(),
        INVALID,
        &["inproc"],
    );
    zs_message_free(&mut m);
    destroy(push);
    destroy(pull);
}

#[test]
fn poll_events_in_and_out() {
    let (pull, port) = bound(PULL);
    // No peer and no connect: no pipe to queue into. (A connected PUSH
    // queues towards an absent peer, and is writable, unless IMMEDIATE.)
    let lonely = socket(PUSH);
    let push = connected(PUSH, port);
    assert_eq!(zs_wait_peers(push, 1, WAIT_MS), OK);

    // A PUSH with a peer can send; one without cannot; nothing to read.
    let socks = [push, lonely, pull];
    let want = [OUT, OUT, IN];
    let mut ready = [7i16; 3];
    assert_eq!(
        zs_poll_events(
            socks.as_ptr(),
            want.as_ptr(),
            3,
            WAIT_MS,
            ready.as_mut_ptr()
        ),
        1
    );
    assert_eq!(ready, [OUT, 0, 0]);

    // A message to read: the PULL is ready for input too.
    send(push, b"m");
    let want = [0, OUT, IN];
    assert_eq!(
        zs_poll_events(
            socks.as_ptr(),
            want.as_ptr(),
            3,
            WAIT_MS,
            ready.as_mut_ptr()
        ),
        1
    );
    assert_eq!(ready, [0, 0, IN], "want 0 is never ready");

    // Nothing ready: 0 after the timeout.
    let only = [lonely];
    assert_eq!(
        zs_poll_events(only.as_ptr(), [OUT].as_ptr(), 1, 30, ready.as_mut_ptr()),
        0
    );
    assert_eq!(ready[0], 0);

    // The same socket twice, asking different things; both bits at once.
    let twice = [pull, pull, pull];
    let want = [IN, OUT, IN | OUT];
    assert_eq!(
        zs_poll_events(
            twice.as_ptr(),
            want.as_ptr(),
            3,
            WAIT_MS,
            ready.as_mut_ptr()
        ),
        2
    );
    assert_eq!(ready, [IN, 0, IN], "a PULL is never writable");
    for s in [pull, lonely, push] {
        destroy(s);
    }
}

#[test]
fn poll_events_bad_input() {
    let s = socket(PULL);
    let socks = [s];
    let mut ready = [0i16; 1];
    let want = [IN];
    expect_err(
        zs_poll_events(socks.as_ptr(), [4].as_ptr(), 1, 0, ready.as_mut_ptr()).into(),
        INVALID,
        &["zs_poll_events", "want[0] is 4"],
    );
    expect_err(
        zs_poll_events(socks.as_ptr(), [-1].as_ptr(), 1, 0, ready.as_mut_ptr()).into(),
        INVALID,
        &["want[0]"],
    );
    expect_err(
        zs_poll_events(std::ptr::null(), want.as_ptr(), 1, 0, ready.as_mut_ptr()).into(),
        INVALID,
        &["sockets is NULL"],
    );
    expect_err(
        zs_poll_events(socks.as_ptr(), std::ptr::null(), 1, 0, ready.as_mut_ptr()).into(),
        INVALID,
        &["want is NULL"],
    );
    expect_err(
        zs_poll_events(socks.as_ptr(), want.as_ptr(), 1, 0, std::ptr::null_mut()).into(),
        INVALID,
        &["ready is NULL"],
    );
    expect_err(
        zs_poll_events(socks.as_ptr(), want.as_ptr(), 0, 0, ready.as_mut_ptr()).into(),
        INVALID,
        &["count 0"],
    );
    expect_err(
        zs_poll_events(socks.as_ptr(), want.as_ptr(), 1, -7, ready.as_mut_ptr()).into(),
        INVALID,
        &["timeout"],
    );
    destroy(s);
    expect_err(
        zs_poll_events(socks.as_ptr(), want.as_ptr(), 1, 0, ready.as_mut_ptr()).into(),
        BAD_HANDLE,
        &["sockets[0]"],
    );
}

#[test]
fn reconnect_ivl_is_the_retry_interval_in_the_log() {
    use zmqsocket::ffi::options::zs_set_option;
    let port = dead_port();
    let push = socket(PUSH);
    assert_eq!(
        zs_set_option(push, c"RECONNECT_IVL".as_ptr(), 250),
        OK,
        "{}",
        last_error()
    );
    assert_eq!(
        zmqsocket::ffi::attach::zs_connect_to_host(push, c"127.0.0.1".as_ptr(), port, HWM, HWM),
        OK
    );
    // Each retry is logged with the interval libzmq waits before it: the
    // option's, plus a random part below it (libzmq spreads reconnects).
    // The default, 100 ms, would give 100..200.
    for _ in 0..3 {
        let e = wait_for_kind(push, ZS_EVENT_CONNECT_RETRIED as i32);
        assert!(
            (250..500).contains(&e.value),
            "retry interval {} ms",
            e.value
        );
    }
    destroy(push);
    let default = connected(PUSH, port);
    let e = wait_for_kind(default, ZS_EVENT_CONNECT_RETRIED as i32);
    assert!(
        (100..200).contains(&e.value),
        "default retry interval {} ms",
        e.value
    );
    destroy(default);
}

/// Calls between two reads of a socket's monitor queue: 1024, as
/// zs_next_event's documentation says (CALLS_PER_MONITOR_READ in
/// src/socket/mod.rs).
const CALLS_PER_MONITOR_READ: usize = 1024;

/// A socket that is only received from still reads its monitor's queue
/// every 1024 calls: an event queued before them is logged (time_us is
/// when it was read) during them, long before the question that takes it
/// out of the log.
#[test]
fn every_1024th_call_reads_the_monitor() {
    let (pull, port) = bound(PULL); // its LISTENING event is queued, unread
    let mut m = empty_msg();
    for _ in 0..CALLS_PER_MONITOR_READ {
        assert_eq!(zs_recv_nonblocking(pull, &mut m), WOULD_BLOCK);
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    let push = connected(PUSH, port);
    assert_eq!(zs_wait_peers(pull, 1, WAIT_MS), OK, "{}", last_error());
    let seen = events_of(pull, WAIT_MS);
    let at = |kind: i32| {
        seen.iter()
            .find(|e| e.kind == kind)
            .unwrap_or_else(|| panic!("no event {kind:#x} in {}", seen.len()))
            .time_us
    };
    let (listening, accepted) = (at(ZS_EVENT_LISTENING as i32), at(ZS_EVENT_ACCEPTED as i32));
    assert!(
        accepted >= listening + 250_000,
        "LISTENING read at {listening} us, ACCEPTED at {accepted} us"
    );
    destroy(push);
    destroy(pull);
}
