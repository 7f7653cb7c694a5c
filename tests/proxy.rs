//! SPEC section 22: the proxy with fault injection, end to end over TCP
//! loopback: a client connects to the proxy's front, the proxy connects
//! to a service.

mod common;

use std::os::raw::c_char;
use std::ptr;
use std::thread;
use std::time::{Duration, Instant};

use common::*;
use zmqsocket::*;

const TOWARDS: i32 = zs_proxy_direction::ZS_TOWARDS_SERVICE as i32;
const FROM: i32 = zs_proxy_direction::ZS_FROM_SERVICE as i32;
const BOTH: i32 = zs_proxy_direction::ZS_BOTH_WAYS as i32;

/// A service of `service_type` bound to an ephemeral port, and a proxy
/// for `client` clients in front of it: (service, proxy, front port).
#[track_caller]
fn service_and_proxy(client: i32, service_type: i32) -> (zs_socket, zs_socket, i32) {
    let (svc, port) = bound(service_type);
    let service = cstr(&format!("tcp://127.0.0.1:{port}"));
    let mut p: zs_socket = 0;
    let front = zs_proxy_new(
        client,
        c"tcp://127.0.0.1:0".as_ptr(),
        service.as_ptr(),
        &mut p,
    );
    assert!(front > 0, "zs_proxy_new: {front} {}", last_error());
    assert_ne!(p, 0);
    (svc, p, front)
}

/// A client of type `t` connected to the proxy's front.
#[track_caller]
fn client(t: i32, front: i32) -> zs_socket {
    let s = socket(t);
    let ep = cstr(&format!("tcp://127.0.0.1:{front}"));
    assert_eq!(
        zs_connect_endpoint(s, ep.as_ptr(), HWM, HWM),
        OK,
        "{}",
        last_error()
    );
    s
}

#[track_caller]
fn fault(p: zs_socket, direction: i32, rules: &str) {
    let r = cstr(rules);
    assert_eq!(
        zs_proxy_fault(p, direction, r.as_ptr()),
        OK,
        "zs_proxy_fault({rules:?}): {}",
        last_error()
    );
}

#[track_caller]
fn stats(p: zs_socket) -> zs_proxy_stats {
    let mut s = zs_proxy_stats::default();
    assert_eq!(zs_proxy_stats_get(p, &mut s), OK, "{}", last_error());
    s
}

/// Wait (up to 20 s) until the proxy's stats satisfy `done`.
#[track_caller]
fn wait_stats(p: zs_socket, done: impl Fn(&zs_proxy_stats) -> bool) -> zs_proxy_stats {
    let start = Instant::now();
    loop {
        let s = stats(p);
        if done(&s) {
            return s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "stats never got there: {s:?}"
        );
        thread::sleep(Duration::from_millis(5));
    }
}

/// Messages decided so far in direction `d`.
fn handled(s: &zs_proxy_stats, d: usize) -> u64 {
    s.forwarded[d] + s.dropped[d] - s.duplicated[d]
}

fn id(n: u32) -> [u8; 4] {
    n.to_le_bytes()
}

fn id_of(frame: &[u8]) -> u32 {
    u32::from_le_bytes(frame[..4].try_into().expect("a 4-byte id"))
}

/// A PUSH client, a PULL service and a proxy between them.
fn push_line() -> (zs_socket, zs_socket, zs_socket) {
    let (svc, p, front) = service_and_proxy(PUSH, PULL);
    (client(PUSH, front), p, svc)
}

/// Receive exactly `n` messages (each within WAIT_MS), then make sure no
/// other is there.
fn recv_n(s: zs_socket, n: usize) -> Vec<Vec<Vec<u8>>> {
    let got: Vec<_> = (0..n).map(|_| recv_ok(s)).collect();
    assert!(recv_multi(s, 0).is_err(), "more than {n} messages");
    got
}

#[test]
fn without_rules_nothing_is_lost_and_order_is_kept() {
    let (push, p, pull) = push_line();
    let n: u32 = 100_000;
    let sender = thread::spawn(move || {
        for i in 0..n {
            send(push, &id(i));
        }
    });
    for i in 0..n {
        let f = recv_one(pull, WAIT_MS).unwrap_or_else(|rc| panic!("message {i}: {rc}"));
        assert_eq!(id_of(&f), i);
    }
    sender.join().unwrap();
    let s = stats(p);
    assert_eq!(s.forwarded[0], u64::from(n));
    assert_eq!(s.dropped, [0, 0]);
    for h in [push, pull, p] {
        destroy(h);
    }
}

#[test]
fn drop_every_2_lets_exactly_half_through() {
    let (push, p, pull) = push_line();
    fault(p, TOWARDS, "drop every 2");
    for i in 1..=1000 {
        send(push, &id(i));
    }
    let s = wait_stats(p, |s| handled(s, 0) == 1000);
    assert_eq!((s.forwarded[0], s.dropped[0]), (500, 500));
    let got = recv_n(pull, 500);
    for (k, m) in got.iter().enumerate() {
        assert_eq!(id_of(&m[0]), 2 * k as u32 + 1);
    }
    assert_eq!(s.forwarded[1] + s.dropped[1], 0);
    for h in [push, pull, p] {
        destroy(h);
    }
}

/// The ids the service gets of `0..n`, once the proxy decided on all.
fn survivors(push: zs_socket, p: zs_socket, pull: zs_socket, n: u32) -> Vec<u32> {
    let before = stats(p);
    for i in 0..n {
        send(push, &id(i));
    }
    let s = wait_stats(p, |s| handled(s, 0) == handled(&before, 0) + u64::from(n));
    let count = s.forwarded[0] - before.forwarded[0];
    recv_n(pull, count as usize)
        .iter()
        .map(|m| id_of(&m[0]))
        .collect()
}

#[test]
fn a_seeded_random_rule_gives_the_same_result_twice() {
    let (push, p, pull) = push_line();
    fault(p, TOWARDS, "drop 30%; seed 42");
    let first = survivors(push, p, pull, 500);
    // New rules start the PRNG and the counters again.
    fault(p, TOWARDS, "drop 30%; seed 42");
    let second = survivors(push, p, pull, 500);
    assert_eq!(first, second);
    assert!((250..450).contains(&first.len()), "{}", first.len());
    fault(p, TOWARDS, "seed 43; drop 30%");
    let other = survivors(push, p, pull, 500);
    assert_ne!(first, other);
    for h in [push, pull, p] {
        destroy(h);
    }
}

#[test]
fn duplicate_100_percent_doubles() {
    let (push, p, pull) = push_line();
    fault(p, TOWARDS, "duplicate 100%");
    for i in 0..100 {
        send(push, &id(i));
    }
    let s = wait_stats(p, |s| s.forwarded[0] == 200);
    assert_eq!(s.duplicated[0], 100);
    let got = recv_n(pull, 200);
    for (k, m) in got.iter().enumerate() {
        assert_eq!(id_of(&m[0]), k as u32 / 2);
    }
    for h in [push, pull, p] {
        destroy(h);
    }
}

#[test]
fn a_delay_delays_and_keeps_order() {
    let (push, p, pull) = push_line();
    fault(p, TOWARDS, "delay 200ms");
    let start = Instant::now();
    send(push, b"late");
    assert_eq!(recv_one(pull, WAIT_MS).unwrap(), b"late");
    assert!(start.elapsed() >= Duration::from_millis(180));
    assert_eq!(stats(p).delayed[0], 1);
    // Random delays never reorder.
    fault(p, TOWARDS, "delay 1ms..40ms; seed 3");
    for i in 0..200 {
        send(push, &id(i));
    }
    let got = recv_n(pull, 200);
    for (k, m) in got.iter().enumerate() {
        assert_eq!(id_of(&m[0]), k as u32);
    }
    assert_eq!(stats(p).delayed[0], 201);
    for h in [push, pull, p] {
        destroy(h);
    }
}

#[test]
fn reorder_swaps_and_pause_holds_until_the_rules_change() {
    let (push, p, pull) = push_line();
    fault(p, TOWARDS, "pause");
    for i in 1..=10 {
        send(push, &id(i));
    }
    // Held: nothing arrives while paused.
    assert_eq!(recv_one(pull, 300), Err(TIMED_OUT));
    assert_eq!(handled(&stats(p), 0), 0);
    // Released in order under the new rules: each held back behind the
    // next.
    fault(p, TOWARDS, "reorder 100%");
    let got: Vec<u32> = recv_n(pull, 10).iter().map(|m| id_of(&m[0])).collect();
    assert_eq!(got, [2, 1, 4, 3, 6, 5, 8, 7, 10, 9]);

    fault(p, TOWARDS, "pause");
    for i in 0..5 {
        send(push, &id(i));
    }
    assert_eq!(recv_one(pull, 300), Err(TIMED_OUT));
    fault(p, TOWARDS, "");
    let got: Vec<u32> = recv_n(pull, 5).iter().map(|m| id_of(&m[0])).collect();
    assert_eq!(got, [0, 1, 2, 3, 4]);
    for h in [push, pull, p] {
        destroy(h);
    }
}

#[test]
fn a_held_back_message_leaves_without_a_next_one() {
    let (push, p, pull) = push_line();
    fault(p, TOWARDS, "reorder 100%");
    send(push, b"alone");
    assert_eq!(recv_one(pull, WAIT_MS).unwrap(), b"alone");
    for h in [push, pull, p] {
        destroy(h);
    }
}

#[test]
fn corrupt_flips_exactly_one_byte_of_the_last_frame() {
    let (push, p, pull) = push_line();
    fault(p, TOWARDS, "corrupt 100%");
    let payload: Vec<u8> = (0..16).collect();
    for _ in 0..50 {
        send_multi(push, &[b"head", &payload]);
    }
    // An empty last frame has nothing to flip: it passes unchanged.
    send_multi(push, &[b"head", b""]);
    for _ in 0..50 {
        let m = recv_ok(pull);
        assert_eq!(m[0], b"head");
        let diffs: Vec<(u8, u8)> = m[1]
            .iter()
            .zip(&payload)
            .filter(|(a, b)| a != b)
            .map(|(a, b)| (*a, *b))
            .collect();
        assert_eq!(diffs.len(), 1, "{:?}", m[1]);
        assert_eq!(diffs[0].0, diffs[0].1 ^ 0xFF);
    }
    assert_eq!(recv_ok(pull), [b"head".to_vec(), vec![]]);
    let s = stats(p);
    assert_eq!((s.corrupted[0], s.forwarded[0]), (50, 51));
    for h in [push, pull, p] {
        destroy(h);
    }
}

#[test]
fn multi_part_messages_stay_whole_under_every_rule() {
    let (push, p, pull) = push_line();
    for rules in [
        "",
        "drop 50%",
        "duplicate 50%",
        "delay 0ms..3ms",
        "corrupt 50%",
        "reorder 50%",
        "drop 20%; duplicate 20%; corrupt 20%; reorder 20%; delay 1ms; seed 9",
    ] {
        fault(p, TOWARDS, rules);
        let before = stats(p);
        for i in 0..200u32 {
            send_multi(push, &[&id(i), b"", b"middle", &[7u8; 100]]);
        }
        let s = wait_stats(p, |s| handled(s, 0) == handled(&before, 0) + 200);
        let n = (s.forwarded[0] - before.forwarded[0]) as usize;
        for m in recv_n(pull, n) {
            assert_eq!(m.len(), 4, "{rules}: {m:?}");
            assert!(id_of(&m[0]) < 200);
            assert_eq!((m[1].len(), m[2].len(), m[3].len()), (0, 6, 100), "{rules}");
        }
    }
    for h in [push, pull, p] {
        destroy(h);
    }
}

#[test]
fn malformed_rules_are_refused_and_change_nothing() {
    let (push, p, pull) = push_line();
    fault(p, TOWARDS, "drop every 2");
    let bad = cstr("drop every 2; explode 5%");
    expect_err(
        i64::from(zs_proxy_fault(p, TOWARDS, bad.as_ptr())),
        INVALID,
        &["zs_proxy_fault", "'explode 5%'"],
    );
    let bad = cstr("delay 5");
    expect_err(
        i64::from(zs_proxy_fault(p, BOTH, bad.as_ptr())),
        INVALID,
        &["'delay 5'"],
    );
    for d in [0, 4, -1] {
        expect_err(
            i64::from(zs_proxy_fault(p, d, c"".as_ptr())),
            INVALID,
            &["direction"],
        );
    }
    expect_err(
        i64::from(zs_proxy_fault(p, TOWARDS, ptr::null())),
        INVALID,
        &["rules is NULL"],
    );
    let not_utf8 = [0xffu8, 0];
    expect_err(
        i64::from(zs_proxy_fault(
            p,
            TOWARDS,
            not_utf8.as_ptr() as *const c_char,
        )),
        INVALID,
        &["UTF-8"],
    );
    // Still "drop every 2".
    let got = survivors(push, p, pull, 10);
    assert_eq!(got, [0, 2, 4, 6, 8]);
    for h in [push, pull, p] {
        destroy(h);
    }
}

#[test]
fn a_pull_client_gets_what_the_service_pushes() {
    let (svc, p, front) = service_and_proxy(PULL, PUSH);
    let pull = client(PULL, front);
    fault(p, FROM, "drop every 3");
    for i in 1..=9 {
        send(svc, &id(i));
    }
    let got: Vec<u32> = (0..6)
        .map(|_| id_of(&recv_one(pull, WAIT_MS).unwrap()))
        .collect();
    assert_eq!(got, [1, 2, 4, 5, 7, 8]);
    let s = wait_stats(p, |s| s.dropped[1] == 3);
    assert_eq!(s.forwarded, [0, 6]);
    for h in [svc, pull, p] {
        destroy(h);
    }
}

/// One round trip of a REQ client through the proxy to a REP service.
fn round_trip(req: zs_socket, rep: zs_socket, text: &[u8]) {
    send(req, text);
    let q = recv_ok(rep);
    assert_eq!(q, [text.to_vec()]);
    let answer = [b"re: ", text].concat();
    send(rep, &answer);
    assert_eq!(recv_ok(req), [answer]);
}

#[test]
fn req_and_dealer_clients_reach_a_rep_service() {
    let (rep, p, front) = service_and_proxy(REQ, REP);
    let req = client(REQ, front);
    round_trip(req, rep, b"one");
    fault(p, BOTH, "delay 20ms");
    round_trip(req, rep, b"two");
    let s = stats(p);
    assert_eq!((s.forwarded, s.delayed), ([2, 2], [1, 1]));

    let (rep2, p2, front2) = service_and_proxy(DEALER, REP);
    let dealer = client(DEALER, front2);
    send_multi(dealer, &[b"", b"hello"]);
    assert_eq!(recv_ok(rep2), [b"hello".to_vec()]);
    send(rep2, b"world");
    assert_eq!(recv_ok(dealer), [vec![], b"world".to_vec()]);
    for h in [req, rep, p, dealer, rep2, p2] {
        destroy(h);
    }
}

/// A reply the front cannot deliver (the service addressed it to a client
/// the proxy's ROUTER does not know: EHOSTUNREACH) counts as dropped, not
/// forwarded, and the proxy goes on forwarding.
#[test]
fn a_reply_to_no_client_counts_as_dropped() {
    let (svc, p, front) = service_and_proxy(DEALER, ROUTER);
    let dealer = client(DEALER, front);
    send(dealer, b"hello");
    // [the proxy's DEALER, the client as the proxy's ROUTER names it, hello]
    let q = recv_ok(svc);
    assert_eq!(q.len(), 3, "{q:?}");
    assert_eq!(q[2], b"hello");
    send_multi(svc, &[&q[0], b"nobody", b"lost"]);
    send_multi(svc, &[&q[0], &q[1], b"found"]);
    assert_eq!(recv_ok(dealer), [b"found".to_vec()]);
    let s = wait_stats(p, |s| handled(s, 1) == 2);
    assert_eq!((s.forwarded, s.dropped), ([1, 1], [0, 1]));
    for h in [dealer, svc, p] {
        destroy(h);
    }
}

#[test]
fn a_sub_client_subscribes_through_the_proxy() {
    let (publisher, p, front) = service_and_proxy(SUB, PUB);
    let sub = socket(SUB);
    assert_eq!(zs_subscribe(sub, b"a".as_ptr() as *const _, 1), OK);
    let ep = cstr(&format!("tcp://127.0.0.1:{front}"));
    assert_eq!(zs_connect_endpoint(sub, ep.as_ptr(), HWM, HWM), OK);
    // The subscription travels client -> proxy -> publisher: publish
    // until the first message arrives.
    let start = Instant::now();
    let first = loop {
        send(publisher, b"b-skip");
        send(publisher, b"a-first");
        if let Ok(m) = recv_one(sub, 20) {
            break m;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "nothing arrived");
    };
    assert_eq!(first, b"a-first");
    fault(p, FROM, "duplicate 100%");
    // Subscriptions pass through whatever the rules towards the service.
    fault(p, TOWARDS, "drop 100%");
    while recv_one(sub, 100).is_ok() {}
    send(publisher, b"b-no");
    send(publisher, b"a-twice");
    assert_eq!(recv_one(sub, WAIT_MS).unwrap(), b"a-twice");
    assert_eq!(recv_one(sub, WAIT_MS).unwrap(), b"a-twice");
    assert!(stats(p).forwarded[0] >= 1, "the subscription was forwarded");
    for h in [sub, publisher, p] {
        destroy(h);
    }
}

#[test]
fn a_cut_drops_the_peer_and_it_comes_back_after_the_time() {
    let (rep, p, front) = service_and_proxy(REQ, REP);
    let req = client(REQ, front);
    assert_eq!(zs_wait_peers(req, 1, WAIT_MS), OK);
    round_trip(req, rep, b"before");
    let start = Instant::now();
    assert_eq!(zs_proxy_cut(p, 1000), OK, "{}", last_error());
    // The peer goes...
    while zs_peer_count(req) > 0 {
        assert!(start.elapsed() < Duration::from_secs(10), "never went");
        thread::sleep(Duration::from_millis(5));
    }
    // ...and comes back, no sooner than the cut's end.
    assert_eq!(zs_wait_peers(req, 1, 20_000), OK, "{}", last_error());
    assert!(start.elapsed() >= Duration::from_millis(950));
    round_trip(req, rep, b"after");
    expect_err(i64::from(zs_proxy_cut(p, -1)), INVALID, &["ms -1"]);
    // A cut of 0 ms drops and re-attaches at once.
    assert_eq!(zs_proxy_cut(p, 0), OK);
    assert_eq!(zs_wait_peers(req, 1, 20_000), OK);
    for h in [req, rep, p] {
        destroy(h);
    }
}

#[test]
fn handles_of_proxies_and_sockets_are_told_apart() {
    let (pull, p, _) = service_and_proxy(PUSH, PULL);
    expect_err(
        i64::from(zs_send(p, b"x".as_ptr() as *const _, 1, 0)),
        NOT_SUPPORTED,
        &["zs_send", &format!("handle {p} is a proxy, not a socket")],
    );
    expect_err(
        i64::from(zs_bind_to_port(p, 0, HWM, HWM)),
        NOT_SUPPORTED,
        &["is a proxy"],
    );
    expect_err(i64::from(zs_socket_type(p)), NOT_SUPPORTED, &["is a proxy"]);
    expect_err(
        i64::from(zs_proxy_fault(pull, TOWARDS, c"".as_ptr())),
        NOT_SUPPORTED,
        &[
            "zs_proxy_fault",
            &format!("handle {pull} is a socket, not a proxy"),
        ],
    );
    expect_err(
        i64::from(zs_proxy_cut(pull, 0)),
        NOT_SUPPORTED,
        &["not a proxy"],
    );
    let mut st = zs_proxy_stats::default();
    expect_err(
        i64::from(zs_proxy_stats_get(pull, &mut st)),
        NOT_SUPPORTED,
        &["not a proxy"],
    );
    expect_err(
        i64::from(zs_proxy_stats_get(p, ptr::null_mut())),
        INVALID,
        &["out is NULL"],
    );
    destroy(p);
    for rc in [
        zs_proxy_fault(p, TOWARDS, c"".as_ptr()),
        zs_proxy_cut(p, 0),
        zs_proxy_stats_get(p, &mut st),
        zs_send(p, b"x".as_ptr() as *const _, 1, 0),
        zs_socket_destroy(p),
    ] {
        assert_eq!(rc, BAD_HANDLE, "{}", last_error());
    }
    assert_eq!(zs_proxy_cut(0, 0), BAD_HANDLE);
    assert_eq!(zs_proxy_cut(1 << 40, 0), BAD_HANDLE);
    destroy(pull);
}

#[test]
fn zs_proxy_new_refuses_bad_arguments() {
    let mut p: zs_socket = 0;
    let svc = c"tcp://127.0.0.1:1";
    let front = c"tcp://127.0.0.1:0";
    expect_err(
        i64::from(zs_proxy_new(99, front.as_ptr(), svc.as_ptr(), &mut p)),
        UNKNOWN_TYPE,
        &["99"],
    );
    for t in [PAIR, PUB, REP, ROUTER, XPUB, XSUB] {
        expect_err(
            i64::from(zs_proxy_new(t, front.as_ptr(), svc.as_ptr(), &mut p)),
            NOT_SUPPORTED,
            &["client_type"],
        );
    }
    expect_err(
        i64::from(zs_proxy_new(PUSH, ptr::null(), svc.as_ptr(), &mut p)),
        INVALID,
        &["front is NULL"],
    );
    expect_err(
        i64::from(zs_proxy_new(PUSH, front.as_ptr(), ptr::null(), &mut p)),
        INVALID,
        &["service is NULL"],
    );
    expect_err(
        i64::from(zs_proxy_new(PUSH, c"".as_ptr(), svc.as_ptr(), &mut p)),
        INVALID,
        &["front"],
    );
    expect_err(
        i64::from(zs_proxy_new(
            PUSH,
            front.as_ptr(),
            svc.as_ptr(),
            ptr::null_mut(),
        )),
        INVALID,
        &["out is NULL"],
    );
    expect_err(
        i64::from(zs_proxy_new(
            PUSH,
            c"bogus://x".as_ptr(),
            svc.as_ptr(),
            &mut p,
        )),
        INVALID,
        &["front"],
    );
    // A front port that is taken.
    let (taken, port) = bound(PULL);
    let ep = cstr(&format!("tcp://127.0.0.1:{port}"));
    expect_err(
        i64::from(zs_proxy_new(PUSH, ep.as_ptr(), svc.as_ptr(), &mut p)),
        ADDRESS_IN_USE,
        &["front"],
    );
    assert_eq!(p, 0, "*out is untouched on failure");
    destroy(taken);
}

#[test]
fn an_inproc_front_returns_port_0() {
    let (pull, port) = bound(PULL);
    let name = cstr(&format!("inproc://{}", unique("proxy-front")));
    let svc = cstr(&format!("tcp://127.0.0.1:{port}"));
    let mut p: zs_socket = 0;
    assert_eq!(
        zs_proxy_new(PUSH, name.as_ptr(), svc.as_ptr(), &mut p),
        0,
        "{}",
        last_error()
    );
    let push = socket(PUSH);
    assert_eq!(zs_connect_endpoint(push, name.as_ptr(), HWM, HWM), OK);
    send(push, b"via inproc");
    assert_eq!(recv_one(pull, WAIT_MS).unwrap(), b"via inproc");
    for h in [push, pull, p] {
        destroy(h);
    }
}
