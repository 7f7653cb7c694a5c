//! SPEC section 19: CURVE and PLAIN, Z85, and the process-wide ZAP rules.
//! The rules apply to every connection of the process, so every test here
//! holds one lock and leaves the rules reset.

mod common;

use std::os::raw::c_char;
use std::sync::{Mutex, MutexGuard};

use common::*;
use zmqsocket::ffi::attach::*;
use zmqsocket::ffi::events::*;
use zmqsocket::ffi::recv::*;
use zmqsocket::ffi::security::*;
use zmqsocket::ffi::state::*;
use zmqsocket::types::zs_event_kind::*;
use zmqsocket::types::{zs_event, zs_socket};

static RULES: Mutex<()> = Mutex::new(());

/// The rules lock, with the rules reset now and when it is dropped.
struct Rules(#[allow(dead_code)] MutexGuard<'static, ()>);

fn rules() -> Rules {
    let g = RULES.lock().unwrap_or_else(|e| e.into_inner());
    assert_eq!(zs_auth_reset(), OK);
    Rules(g)
}

impl Drop for Rules {
    fn drop(&mut self) {
        zs_auth_reset();
    }
}

fn keypair() -> (String, String) {
    let (mut public, mut secret) = ([0 as c_char; 41], [0 as c_char; 41]);
    assert_eq!(
        zs_curve_keypair(public.as_mut_ptr(), secret.as_mut_ptr()),
        OK
    );
    (text(&public), text(&secret))
}

fn text(buf: &[c_char]) -> String {
    let n = buf.iter().position(|&c| c == 0).expect("NUL-terminated");
    buf[..n].iter().map(|&c| c as u8 as char).collect()
}

/// A socket of type `t` with `setup` applied, then bound to port 0 on "*".
fn bound_with(t: i32, setup: impl FnOnce(zs_socket)) -> (zs_socket, i32) {
    let s = socket(t);
    setup(s);
    let port = zs_bind_to_port(s, 0, HWM, HWM);
    assert!(port > 0, "{}", last_error());
    (s, port)
}

fn connected_with(t: i32, port: i32, setup: impl FnOnce(zs_socket)) -> zs_socket {
    let s = socket(t);
    setup(s);
    assert_eq!(
        zs_connect_to_host(s, c"127.0.0.1".as_ptr(), port, HWM, HWM),
        OK,
        "{}",
        last_error()
    );
    s
}

/// Wait for an event of `kind` in `s`'s log; its value.
fn event_value(s: zs_socket, kind: i32) -> i32 {
    loop {
        let mut e = zs_event {
            kind: 0,
            value: 0,
            time_us: 0,
            endpoint: [0; 256],
        };
        assert_eq!(
            zs_next_event(s, WAIT_MS, &mut e),
            OK,
            "no event {kind:#x}: {}",
            last_error()
        );
        if e.kind == kind {
            return e.value;
        }
    }
}

fn user_id_of(m: &zmqsocket::types::zs_message) -> String {
    let mut buf = [0 as c_char; 64];
    let n = zs_message_property(m, c"User-Id".as_ptr(), buf.as_mut_ptr(), buf.len());
    assert!(n >= 0, "{}", last_error());
    text(&buf)
}

/// `push` delivers to `pull`; the message's User-Id.
fn delivers(push: zs_socket, pull: zs_socket) -> String {
    send(push, b"hello");
    let mut m = empty_msg();
    assert_eq!(zs_recv(pull, WAIT_MS, &mut m), OK, "{}", last_error());
    assert_eq!(frames_of(&m), vec![b"hello".to_vec()]);
    let id = user_id_of(&m);
    zs_message_free(&mut m);
    id
}

/// Nothing from `push` reaches `pull` (the handshake was refused: the
/// message stays queued at the client).
fn delivers_nothing(push: zs_socket, pull: zs_socket) {
    send(push, b"hello");
    let mut m = empty_msg();
    assert_eq!(zs_recv(pull, 500, &mut m), TIMED_OUT);
    assert_eq!(zs_peer_count(pull), 0);
}

const AUTH_FAILED: i32 = ZS_EVENT_HANDSHAKE_FAILED_AUTH as i32;

#[test]
fn z85_and_keys() {
    let data = [0x86u8, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B];
    let mut buf = [0 as c_char; 16];
    assert_eq!(
        zs_z85_encode(data.as_ptr() as *const _, 8, buf.as_mut_ptr(), 16),
        10
    );
    assert_eq!(text(&buf), "HelloWorld");
    assert_eq!(
        zs_z85_encode(data.as_ptr() as *const _, 8, std::ptr::null_mut(), 0),
        10
    );
    let mut out = [0u8; 8];
    assert_eq!(
        zs_z85_decode(c"HelloWorld".as_ptr(), out.as_mut_ptr() as *mut _, 8),
        8
    );
    assert_eq!(out, data);
    assert_eq!(
        zs_z85_decode(c"HelloWorld".as_ptr(), std::ptr::null_mut(), 0),
        8
    );
    expect_err(
        zs_z85_encode(data.as_ptr() as *const _, 3, buf.as_mut_ptr(), 16).into(),
        INVALID,
        &["zs_z85_encode", "len 3"],
    );
    expect_err(
        zs_z85_decode(c"Hell".as_ptr(), out.as_mut_ptr() as *mut _, 8).into(),
        INVALID,
        &["zs_z85_decode", "not Z85"],
    );
    expect_err(
        zs_z85_decode(c"Hello Worl".as_ptr(), out.as_mut_ptr() as *mut _, 8).into(),
        INVALID,
        &["not Z85"],
    );
    // A short buffer gets what fits; the full length is returned.
    let mut two = [0u8; 2];
    assert_eq!(
        zs_z85_decode(c"HelloWorld".as_ptr(), two.as_mut_ptr() as *mut _, 2),
        8
    );
    assert_eq!(two, data[..2]);

    let (public, secret) = keypair();
    assert_eq!((public.len(), secret.len()), (40, 40));
    assert_ne!(public, secret);
    let mut derived = [0 as c_char; 41];
    assert_eq!(
        zs_curve_public(cstr(&secret).as_ptr(), derived.as_mut_ptr()),
        OK
    );
    assert_eq!(text(&derived), public);
    expect_err(
        zs_curve_public(c"short".as_ptr(), derived.as_mut_ptr()).into(),
        INVALID,
        &["secret_z85", "not a CURVE key"],
    );
    expect_err(
        zs_curve_public(cstr(&secret).as_ptr(), std::ptr::null_mut()).into(),
        INVALID,
        &["public_z85 is NULL"],
    );
    expect_err(
        zs_curve_keypair(std::ptr::null_mut(), derived.as_mut_ptr()).into(),
        INVALID,
        &["public_z85 is NULL"],
    );
}

#[test]
fn curve_round_trip_and_a_wrong_server_key() {
    let _r = rules();
    let (server_pub, server_sec) = keypair();
    let (client_pub, client_sec) = keypair();
    let (pull, port) = bound_with(PULL, |s| {
        assert_eq!(
            zs_set_curve_server(s, cstr(&server_sec).as_ptr()),
            OK,
            "{}",
            last_error()
        );
    });
    let client = |server_key: &str| {
        connected_with(PUSH, port, |s| {
            let rc = zs_set_curve_client(
                s,
                cstr(server_key).as_ptr(),
                cstr(&client_pub).as_ptr(),
                cstr(&client_sec).as_ptr(),
            );
            assert_eq!(rc, OK, "{}", last_error());
        })
    };
    let good = client(&server_pub);
    assert_eq!(
        delivers(good, pull),
        client_pub,
        "User-Id is the client's key"
    );
    destroy(good);
    assert_eq!(zs_wait_peers(pull, 0, WAIT_MS), OK);

    // A client that expects another server never completes its handshake.
    let (other_pub, _) = keypair();
    let wrong = client(&other_pub);
    delivers_nothing(wrong, pull);
    destroy(wrong);
    destroy(pull);
}

#[test]
fn only_allowed_curve_keys_get_in() {
    let _r = rules();
    let (server_pub, server_sec) = keypair();
    let (a_pub, a_sec) = keypair();
    let (b_pub, b_sec) = keypair();
    assert_eq!(zs_auth_curve_allow(cstr(&a_pub).as_ptr()), OK);
    let (pull, port) = bound_with(PULL, |s| {
        assert_eq!(zs_set_curve_server(s, cstr(&server_sec).as_ptr()), OK);
    });
    let client = |public: &str, secret: &str| {
        connected_with(PUSH, port, |s| {
            let rc = zs_set_curve_client(
                s,
                cstr(&server_pub).as_ptr(),
                cstr(public).as_ptr(),
                cstr(secret).as_ptr(),
            );
            assert_eq!(rc, OK, "{}", last_error());
        })
    };
    let b = client(&b_pub, &b_sec);
    assert_eq!(event_value(pull, AUTH_FAILED), 400);
    delivers_nothing(b, pull);
    let a = client(&a_pub, &a_sec);
    assert_eq!(delivers(a, pull), a_pub);
    assert_eq!(zs_peer_count(pull), 1, "only the allowed client counts");
    // "*" lets any valid key in.
    assert_eq!(zs_auth_curve_allow(c"*".as_ptr()), OK);
    let b2 = client(&b_pub, &b_sec);
    assert_eq!(delivers(b2, pull), b_pub);
    expect_err(
        zs_auth_curve_allow(c"not a key".as_ptr()).into(),
        INVALID,
        &["zs_auth_curve_allow", "client_public_z85"],
    );
    for s in [a, b, b2, pull] {
        destroy(s);
    }
}

#[test]
fn plain_right_and_wrong_password() {
    let _r = rules();
    assert_eq!(
        zs_auth_plain_user(c"admin".as_ptr(), c"secret".as_ptr()),
        OK
    );
    let (pull, port) = bound_with(PULL, |s| assert_eq!(zs_set_plain_server(s), OK));
    let client = |user: &str, password: &str| {
        connected_with(PUSH, port, |s| {
            assert_eq!(
                zs_set_plain_client(s, cstr(user).as_ptr(), cstr(password).as_ptr()),
                OK
            );
        })
    };
    let wrong = client("admin", "guess");
    assert_eq!(event_value(pull, AUTH_FAILED), 400);
    delivers_nothing(wrong, pull);
    let right = client("admin", "secret");
    assert_eq!(delivers(right, pull), "admin", "User-Id is the user name");
    expect_err(
        zs_auth_plain_user(c"".as_ptr(), c"x".as_ptr()).into(),
        INVALID,
        &["zs_auth_plain_user", "username"],
    );
    let s = socket(PUSH);
    expect_err(
        zs_set_plain_client(s, c"".as_ptr(), c"x".as_ptr()).into(),
        INVALID,
        &["zs_set_plain_client", "username"],
    );
    for s in [wrong, right, pull, s] {
        destroy(s);
    }
}

#[test]
fn deny_a_range_then_reset() {
    let r = rules();
    assert_eq!(zs_auth_deny(c"127.0.0.0/8".as_ptr()), OK);
    // Bound on "*": the peer is ::ffff:127.0.0.1, matched as IPv4.
    let (pull, port) = bound(PULL);
    let push = connected(PUSH, port);
    assert_eq!(event_value(pull, AUTH_FAILED), 400);
    delivers_nothing(push, pull);
    destroy(push);
    assert_eq!(zs_auth_reset(), OK);
    let again = connected(PUSH, port);
    delivers(again, pull);
    destroy(again);
    destroy(pull);
    drop(r);
}

#[test]
fn allow_lists_admit_only_their_addresses() {
    let _r = rules();
    assert_eq!(zs_auth_allow(c"10.0.0.0/8".as_ptr()), OK);
    let (pull, port) = bound(PULL);
    let push = connected(PUSH, port);
    assert_eq!(event_value(pull, AUTH_FAILED), 400);
    delivers_nothing(push, pull);
    destroy(push);
    assert_eq!(zs_auth_allow(c"127.0.0.1".as_ptr()), OK);
    // A deny does not count while addresses are allowed.
    assert_eq!(zs_auth_deny(c"127.0.0.1".as_ptr()), OK);
    let ok = connected(PUSH, port);
    delivers(ok, pull);
    for bad in ["", "localhost", "10.0.0.0/33", "1.2.3.4/", "::1/129"] {
        expect_err(
            zs_auth_allow(cstr(bad).as_ptr()).into(),
            INVALID,
            &["zs_auth_allow", "address"],
        );
        expect_err(
            zs_auth_deny(cstr(bad).as_ptr()).into(),
            INVALID,
            &["zs_auth_deny", "address"],
        );
    }
    destroy(ok);
    destroy(pull);
}

#[test]
fn mechanisms_are_set_before_the_first_attach() {
    let _r = rules();
    let (_, secret) = keypair();
    let (public, _) = keypair();
    let (s, _) = bound(PULL);
    expect_err(
        zs_set_curve_server(s, cstr(&secret).as_ptr()).into(),
        WRONG_STATE,
        &[
            "zs_set_curve_server",
            "before the socket's first bind or connect",
        ],
    );
    expect_err(
        zs_set_plain_server(s).into(),
        WRONG_STATE,
        &["zs_set_plain_server"],
    );
    expect_err(
        zs_set_plain_client(s, c"u".as_ptr(), c"p".as_ptr()).into(),
        WRONG_STATE,
        &[],
    );
    expect_err(
        zs_set_curve_client(
            s,
            cstr(&public).as_ptr(),
            cstr(&public).as_ptr(),
            cstr(&secret).as_ptr(),
        )
        .into(),
        WRONG_STATE,
        &[],
    );
    let fresh = socket(PUSH);
    expect_err(
        zs_set_curve_server(fresh, c"short".as_ptr()).into(),
        INVALID,
        &["secret_z85", "not a CURVE key"],
    );
    expect_err(
        zs_set_curve_client(
            fresh,
            c"x".as_ptr(),
            cstr(&public).as_ptr(),
            cstr(&secret).as_ptr(),
        )
        .into(),
        INVALID,
        &["server_public_z85"],
    );
    expect_err(
        zs_set_curve_server(fresh, std::ptr::null()).into(),
        INVALID,
        &["secret_z85 is NULL"],
    );
    destroy(s);
    expect_err(zs_set_plain_server(s).into(), BAD_HANDLE, &[]);
    destroy(fresh);
}

#[test]
fn rules_outlive_zs_destroy_all_and_apply_to_the_next_context() {
    let _r = rules();
    assert_eq!(zs_auth_deny(c"127.0.0.0/8".as_ptr()), OK);
    let (pull, port) = bound(PULL);
    connected(PUSH, port);
    assert_eq!(event_value(pull, AUTH_FAILED), 400);
    // Every other test here holds the rules lock: these are the only two
    // sockets. The handler stops with the context (zs_destroy_all returns), and
    // the next context starts its own: the rule still holds there.
    assert_eq!(zmqsocket::ffi::library::zs_destroy_all(), 2);
    let (pull, port) = bound(PULL);
    let push2 = connected(PUSH, port);
    assert_eq!(event_value(pull, AUTH_FAILED), 400);
    delivers_nothing(push2, pull);
    for s in [push2, pull] {
        destroy(s);
    }
}
