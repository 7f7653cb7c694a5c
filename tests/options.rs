//! SPEC section 18: socket options by name. The rules (names, forms,
//! ranges, socket types, read-only and refused options, the options the
//! library owns), every read-write option's round trip, and options that
//! really take effect: IMMEDIATE, CONFLATE, TCP_ACCEPT_FILTER, RECONNECT_IVL, heartbeats, TCP
//! keepalive, XPUB_VERBOSE, REQ_RELAXED, SNDHWM, MAXMSGSIZE, SUBSCRIBE.

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::raw::c_void;
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use common::*;
use zmqsocket::*;

/// Conditions are waited for at most this long.
const PATIENCE: Duration = Duration::from_secs(20);

fn set(s: zs_socket, name: &str, v: i64) -> i32 {
    zs_set_option(s, cstr(name).as_ptr(), v)
}

#[track_caller]
fn set_ok(s: zs_socket, name: &str, v: i64) {
    assert_eq!(set(s, name, v), OK, "set {name} {v}: {}", last_error());
}

fn get(s: zs_socket, name: &str) -> Result<i64, i32> {
    let mut v = i64::MIN;
    match zs_get_option(s, cstr(name).as_ptr(), &mut v) {
        OK => Ok(v),
        rc => {
            assert_eq!(v, i64::MIN, "*out is written only on success");
            Err(rc)
        }
    }
}

#[track_caller]
fn get_ok(s: zs_socket, name: &str) -> i64 {
    get(s, name).unwrap_or_else(|rc| panic!("get {name}: {rc} {}", last_error()))
}

fn set_bytes(s: zs_socket, name: &str, v: &[u8]) -> i32 {
    zs_set_option_bytes(s, cstr(name).as_ptr(), v.as_ptr() as *const c_void, v.len())
}

#[track_caller]
fn set_bytes_ok(s: zs_socket, name: &str, v: &[u8]) {
    assert_eq!(set_bytes(s, name, v), OK, "set {name}: {}", last_error());
}

/// A bytes option's value (without a string's NUL), sized by asking first.
fn get_bytes(s: zs_socket, name: &str) -> Result<Vec<u8>, i32> {
    let n = zs_get_option_bytes(s, cstr(name).as_ptr(), ptr::null_mut(), 0);
    if n < 0 {
        return Err(n);
    }
    let mut buf = vec![0xAAu8; n as usize + 1];
    let m = zs_get_option_bytes(
        s,
        cstr(name).as_ptr(),
        buf.as_mut_ptr() as *mut c_void,
        buf.len(),
    );
    assert_eq!(m, n, "the same length twice");
    buf.truncate(n as usize);
    Ok(buf)
}

#[track_caller]
fn get_bytes_ok(s: zs_socket, name: &str) -> Vec<u8> {
    get_bytes(s, name).unwrap_or_else(|rc| panic!("get {name}: {rc} {}", last_error()))
}

/// Wait until `cond` holds (at most PATIENCE); false if it never did.
fn eventually(mut cond: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < PATIENCE {
        if cond() {
            return true;
        }
        thread::sleep(Duration::from_millis(10));
    }
    cond()
}

/// An option of the header's list: name, type, access, socket types.
struct Listed {
    name: String,
    kind: String,
    access: String,
    types: Vec<String>,
}

/// The socket options the header lists in zs_set_option's doc comment.
fn header_options() -> Vec<Listed> {
    let header =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/include/zmqsocket.h"))
            .expect("read include/zmqsocket.h");
    let start = header
        .find("The options, by name")
        .expect("the options list");
    let end = start + header[start..].find("*/").unwrap();
    header[start..end]
        .lines()
        .filter_map(|l| l.trim().strip_prefix("* - "))
        .map(|l| {
            let (name, rest) = l.split_once(" (").unwrap();
            let (inside, _) = rest.split_once("): ").unwrap();
            let (head, types) = inside.split_once("; ").unwrap_or((inside, ""));
            let (kind, access) = head.rsplit_once(", ").unwrap();
            Listed {
                name: name.to_string(),
                kind: kind.to_string(),
                access: access.to_string(),
                types: types
                    .split(", ")
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
                    .collect(),
            }
        })
        .collect()
}

fn type_number(name: &str) -> i32 {
    zs_socket_type_from_name(cstr(name).as_ptr())
}

/// Z85 text of a 32-byte key (from the ZMQ RFC 32 test vectors).
const KEY_Z85: &str = "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID";
const KEY2_Z85: &str = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";

/// A value to set for each read-write integer option, other than its
/// default, that libzmq reads back as it is.
fn int_value(name: &str) -> i64 {
    match name {
        "AFFINITY" => 3,
        "RATE" => 250,
        "RECOVERY_IVL" => 5000,
        "SNDBUF" | "RCVBUF" => 65536,
        "LINGER" => 250,
        "RECONNECT_IVL" => 250,
        "BACKLOG" => 55,
        "RECONNECT_IVL_MAX" => 2000,
        "MAXMSGSIZE" => 100,
        "SNDHWM" => 7,
        "RCVHWM" => 9,
        "MULTICAST_HOPS" => 4,
        "TCP_KEEPALIVE" => 1,
        "TCP_KEEPALIVE_CNT" => 5,
        "TCP_KEEPALIVE_IDLE" => 60,
        "TCP_KEEPALIVE_INTVL" => 10,
        "TOS" => 16,
        "HANDSHAKE_IVL" => 7000,
        "HEARTBEAT_IVL" => 300,
        "HEARTBEAT_TTL" => 1200,
        "HEARTBEAT_TIMEOUT" => 900,
        "CONNECT_TIMEOUT" => 1500,
        "TCP_MAXRT" => 2500,
        "MULTICAST_MAXTPDU" => 1400,
        "ROUTER_MANDATORY" => 1,
        // IMMEDIATE, CONFLATE, PLAIN_SERVER, CURVE_SERVER, INVERT_MATCHING
        _ => 1,
    }
}

fn bytes_value(name: &str) -> Vec<u8> {
    match name {
        "ROUTING_ID" => b"\x01router-id".to_vec(),
        "PLAIN_USERNAME" => b"harness".to_vec(),
        "PLAIN_PASSWORD" => b"s3cret".to_vec(),
        "CURVE_PUBLICKEY" | "CURVE_SERVERKEY" => KEY_Z85.as_bytes().to_vec(),
        "CURVE_SECRETKEY" => KEY2_Z85.as_bytes().to_vec(),
        "SOCKS_PROXY" => b"127.0.0.1:1080".to_vec(),
        "BINDTODEVICE" => b"lo".to_vec(),
        other => panic!("no test value for the bytes option {other}"),
    }
}

/// Every read-write option of the header's list, set on a fresh socket of
/// a type that takes it, reads back what was set (and differs from before
/// where the value is not the default).
#[test]
fn every_read_write_option_round_trips() {
    let listed = header_options();
    assert_eq!(listed.len(), 77, "the header lists every option");
    let mut checked = 0;
    for o in listed.iter().filter(|o| o.access == "rw") {
        let t = o.types.first().map_or(PAIR, |t| type_number(t));
        assert!(t >= 0, "{}: type {:?}", o.name, o.types);
        let s = socket(t);
        if ["int", "int64", "uint64"].contains(&o.kind.as_str()) {
            let v = int_value(&o.name);
            let before = get_ok(s, &o.name);
            set_ok(s, &o.name, v);
            assert_eq!(get_ok(s, &o.name), v, "{} (was {before})", o.name);
            if o.name != "ROUTER_MANDATORY" {
                assert_ne!(before, v, "{}: the test value is the default", o.name);
            }
        } else {
            let v = bytes_value(&o.name);
            set_bytes_ok(s, &o.name, &v);
            assert_eq!(get_bytes_ok(s, &o.name), v, "{}", o.name);
        }
        destroy(s);
        checked += 1;
    }
    assert_eq!(checked, 39, "the read-write options");
}

/// Read-only options read what libzmq or the library holds; setting one
/// is ZS_ERR_NOT_SUPPORTED, and so is every option the header marks
/// refused, both ways.
#[test]
fn read_only_and_refused_options() {
    let (s, port) = bound(PUSH);
    assert_eq!(get_ok(s, "TYPE"), i64::from(PUSH));
    assert_eq!(get_ok(s, "RCVMORE"), 0);
    assert_eq!(get_ok(s, "MECHANISM"), 0);
    assert_eq!(get_ok(s, "THREAD_SAFE"), 0);
    assert_eq!(get_ok(s, "IPV6"), 1);
    assert_eq!(get_ok(s, "USE_FD"), -1);
    assert!(get_ok(s, "FD") >= 0);
    assert_eq!(get_ok(s, "EVENTS") & 1, 0, "nothing to receive");
    assert_eq!(get_bytes_ok(s, "ZAP_DOMAIN"), b"zmqsocket");
    let last = String::from_utf8(get_bytes_ok(s, "LAST_ENDPOINT")).unwrap();
    assert!(last.ends_with(&format!(":{port}")), "{last}");
    for o in header_options() {
        let integer = ["int", "int64", "uint64"].contains(&o.kind.as_str());
        if o.access == "r" {
            let rc = if integer {
                set(s, &o.name, 1)
            } else {
                set_bytes(s, &o.name, b"x")
            };
            expect_err(
                rc.into(),
                NOT_SUPPORTED,
                &["zs_set_option", &o.name, "read-only"],
            );
        }
        if o.access == "refused" {
            assert!(integer || o.kind == "string", "{}", o.name);
            if integer {
                expect_err(set(s, &o.name, 1).into(), NOT_SUPPORTED, &[&o.name]);
                expect_err(
                    get(s, &o.name).unwrap_err().into(),
                    NOT_SUPPORTED,
                    &[&o.name],
                );
            } else {
                expect_err(
                    set_bytes(s, &o.name, b"x").into(),
                    NOT_SUPPORTED,
                    &[&o.name],
                );
                expect_err(
                    get_bytes(s, &o.name).unwrap_err().into(),
                    NOT_SUPPORTED,
                    &[&o.name],
                );
            }
        }
    }
    expect_err(
        set(s, "SNDTIMEO", 100).into(),
        NOT_SUPPORTED,
        &["SNDTIMEO", "per call"],
    );
    expect_err(
        get(s, "RCVTIMEO").unwrap_err().into(),
        NOT_SUPPORTED,
        &["per call"],
    );
    expect_err(
        set(s, "IPV6", 0).into(),
        NOT_SUPPORTED,
        &["IPV6", "read-only", "library"],
    );
    expect_err(
        set_bytes(s, "ZAP_DOMAIN", b"other").into(),
        NOT_SUPPORTED,
        &["ZAP_DOMAIN", "read-only"],
    );
    expect_err(
        set(s, "BLOCKY", 0).into(),
        NOT_SUPPORTED,
        &["BLOCKY", "context"],
    );
    expect_err(
        set(s, "GSSAPI_SERVER", 1).into(),
        NOT_SUPPORTED,
        &["GSSAPI"],
    );
    expect_err(
        set(s, "VMCI_BUFFER_SIZE", 1).into(),
        NOT_SUPPORTED,
        &["VMCI"],
    );
    // Still dual-stack, still the library's ZAP domain.
    assert_eq!(get_ok(s, "IPV6"), 1);
    assert_eq!(get_bytes_ok(s, "ZAP_DOMAIN"), b"zmqsocket");
    destroy(s);
}

#[test]
fn unknown_names_wrong_forms_and_bad_values() {
    let s = socket(DEALER);
    expect_err(
        set(s, "NO_SUCH_OPTION", 1).into(),
        INVALID,
        &["zs_set_option", "NO_SUCH_OPTION"],
    );
    expect_err(
        get(s, "NO_SUCH_OPTION").unwrap_err().into(),
        INVALID,
        &["zs_get_option"],
    );
    expect_err(
        set_bytes(s, "IDENTITY", b"x").into(),
        INVALID,
        &["IDENTITY"],
    );
    expect_err(
        get_bytes(s, "NOPE").unwrap_err().into(),
        INVALID,
        &["zs_get_option_bytes", "NOPE"],
    );
    expect_err(set(s, "", 1).into(), INVALID, &["name is empty"]);
    expect_err(set(s, "ZMQ_", 1).into(), INVALID, &["ZMQ_"]);
    // The wrong form, both ways.
    expect_err(
        set(s, "SOCKS_PROXY", 1).into(),
        INVALID,
        &["SOCKS_PROXY", "zs_set_option_bytes"],
    );
    expect_err(
        get(s, "ROUTING_ID").unwrap_err().into(),
        INVALID,
        &["ROUTING_ID", "bytes"],
    );
    expect_err(
        set_bytes(s, "LINGER", b"\x01\0\0\0").into(),
        INVALID,
        &["LINGER", "integer"],
    );
    expect_err(
        get_bytes(s, "RECONNECT_IVL").unwrap_err().into(),
        INVALID,
        &["integer"],
    );
    // An int option's value outside int32_t is refused, not truncated.
    set_ok(s, "RECONNECT_IVL", 250);
    for v in [
        1i64 << 32,
        (1 << 32) + 250,
        i64::from(i32::MIN) - 1,
        i64::MAX,
    ] {
        expect_err(
            set(s, "RECONNECT_IVL", v).into(),
            INVALID,
            &["RECONNECT_IVL", "out of range"],
        );
    }
    assert_eq!(get_ok(s, "RECONNECT_IVL"), 250, "nothing changed");
    expect_err(
        set(s, "AFFINITY", -1).into(),
        INVALID,
        &["AFFINITY", "out of range"],
    );
    // Values libzmq refuses.
    expect_err(
        set(s, "IMMEDIATE", 2).into(),
        INVALID,
        &["IMMEDIATE", "libzmq refuses"],
    );
    expect_err(
        set(s, "HEARTBEAT_TTL", 7_000_000).into(),
        INVALID,
        &["HEARTBEAT_TTL"],
    );
    expect_err(set(s, "BACKLOG", -5).into(), INVALID, &["BACKLOG"]);
    expect_err(
        set_bytes(s, "CURVE_SERVERKEY", b"short").into(),
        INVALID,
        &["CURVE_SERVERKEY"],
    );
    expect_err(
        set_bytes(s, "SOCKS_PROXY", b"a\0b").into(),
        INVALID,
        &["SOCKS_PROXY", "NUL"],
    );
    // Owned options follow the library's rules.
    expect_err(
        set(s, "SNDHWM", -2).into(),
        INVALID,
        &["SNDHWM", "out of range"],
    );
    expect_err(
        set(s, "RCVHWM", 1 << 31).into(),
        INVALID,
        &["RCVHWM", "out of range"],
    );
    expect_err(
        set(s, "LINGER", -2).into(),
        INVALID,
        &["LINGER", "out of range"],
    );
    expect_err(
        set(s, "MAXMSGSIZE", -2).into(),
        INVALID,
        &["MAXMSGSIZE", "out of range"],
    );
    expect_err(
        set_bytes(s, "ROUTING_ID", b"").into(),
        INVALID,
        &["ROUTING_ID", "1..255"],
    );
    expect_err(
        set_bytes(s, "ROUTING_ID", b"\0x").into(),
        INVALID,
        &["ROUTING_ID", "zero"],
    );
    destroy(s);
}

#[test]
fn names_are_case_insensitive() {
    let s = socket(PUSH);
    set_ok(s, "linger", 123);
    assert_eq!(get_ok(s, "LINGER"), 123);
    set_ok(s, "Reconnect_Ivl", 333);
    assert_eq!(get_ok(s, "reconnect_ivl"), 333);
    set_ok(s, "zmq_tcp_keepalive", 1);
    assert_eq!(get_ok(s, "ZMQ_TCP_KEEPALIVE"), 1);
    set_bytes_ok(s, "socks_proxy", b"localhost:1080");
    assert_eq!(get_bytes_ok(s, "SOCKS_Proxy"), b"localhost:1080");
    destroy(s);
}

/// An option the socket type does not take is ZS_ERR_NOT_SUPPORTED,
/// although libzmq says EINVAL for it, as for a bad value.
#[test]
fn options_of_other_socket_types_are_not_supported() {
    for (t, name) in [
        (PUSH, "XPUB_VERBOSE"),
        (SUB, "XPUB_VERBOSE"),
        (DEALER, "ROUTER_MANDATORY"),
        (DEALER, "ROUTER_HANDOVER"),
        (REP, "REQ_RELAXED"),
        (DEALER, "REQ_CORRELATE"),
        (PUSH, "PROBE_ROUTER"),
        (ROUTER, "CONFLATE"),
        (PUSH, "INVERT_MATCHING"),
        (ROUTER, "STREAM_NOTIFY"),
    ] {
        let s = socket(t);
        expect_err(
            set(s, name, 1).into(),
            NOT_SUPPORTED,
            &[name, "does not take it"],
        );
        expect_err(get(s, name).unwrap_err().into(), NOT_SUPPORTED, &[name]);
        destroy(s);
    }
    let s = socket(PUSH);
    expect_err(
        set_bytes(s, "SUBSCRIBE", b"a").into(),
        NOT_SUPPORTED,
        &["SUBSCRIBE", "SUB"],
    );
    expect_err(
        set_bytes(s, "CONNECT_ROUTING_ID", b"a").into(),
        NOT_SUPPORTED,
        &["ROUTER only"],
    );
    destroy(s);
    // Write-only options can be set, not read.
    let s = socket(REQ);
    set_ok(s, "REQ_RELAXED", 1);
    expect_err(
        get(s, "REQ_RELAXED").unwrap_err().into(),
        NOT_SUPPORTED,
        &["write-only"],
    );
    destroy(s);
    let s = socket(SUB);
    set_bytes_ok(s, "SUBSCRIBE", b"x");
    expect_err(
        get_bytes(s, "SUBSCRIBE").unwrap_err().into(),
        NOT_SUPPORTED,
        &["write-only"],
    );
    destroy(s);
}

/// ROUTER_MANDATORY stays on: 1 is accepted, 0 refused, it reads as 1 and
/// a message to no peer is still ZS_ERR_HOST_UNREACHABLE.
#[test]
fn router_mandatory_stays_on() {
    let s = socket(ROUTER);
    assert_eq!(get_ok(s, "ROUTER_MANDATORY"), 1);
    set_ok(s, "ROUTER_MANDATORY", 1);
    expect_err(
        set(s, "ROUTER_MANDATORY", 0).into(),
        NOT_SUPPORTED,
        &["ROUTER_MANDATORY"],
    );
    expect_err(
        set(s, "ROUTER_MANDATORY", -1).into(),
        INVALID,
        &["negative"],
    );
    assert_eq!(get_ok(s, "ROUTER_MANDATORY"), 1);
    let frames = to_frames(&[b"nobody", b"hello"]);
    let rc = zs_send_multi(s, frames.as_ptr(), frames.len(), 100);
    expect_err(rc.into(), HOST_UNREACHABLE, &[]);
    destroy(s);
}

/// Mechanism options are set before the first bind or connect.
#[test]
fn mechanism_options_only_before_the_first_attach() {
    let s = socket(DEALER);
    set_ok(s, "PLAIN_SERVER", 1);
    assert_eq!(get_ok(s, "MECHANISM"), 1, "PLAIN");
    let port = zs_bind_to_port(s, 0, HWM, HWM);
    assert!(port > 0, "{}", last_error());
    expect_err(
        set(s, "PLAIN_SERVER", 0).into(),
        WRONG_STATE,
        &["PLAIN_SERVER", "before"],
    );
    expect_err(
        set_bytes(s, "CURVE_SECRETKEY", KEY_Z85.as_bytes()).into(),
        WRONG_STATE,
        &[],
    );
    assert_eq!(get_ok(s, "PLAIN_SERVER"), 1, "unchanged and still readable");
    destroy(s);
    // A key set as 32 raw bytes reads back as its Z85 text.
    let s = socket(DEALER);
    let raw: Vec<u8> = (0u8..32).collect();
    set_bytes_ok(s, "CURVE_SERVERKEY", &raw);
    let z85 = get_bytes_ok(s, "CURVE_SERVERKEY");
    assert_eq!(z85.len(), 40);
    set_bytes_ok(s, "CURVE_PUBLICKEY", &z85);
    assert_eq!(get_bytes_ok(s, "CURVE_PUBLICKEY"), z85);
    destroy(s);
}

/// zs_get_option_bytes follows snprintf: the full length, at most cap
/// bytes written, a string's NUL within them, binary data without one.
#[test]
fn get_option_bytes_follows_snprintf() {
    let s = socket(DEALER);
    set_bytes_ok(s, "ROUTING_ID", b"\x01abcdef");
    set_bytes_ok(s, "SOCKS_PROXY", b"proxy:1080");
    let name = cstr("SOCKS_PROXY");
    assert_eq!(
        zs_get_option_bytes(s, name.as_ptr(), ptr::null_mut(), 0),
        10
    );
    let mut buf = [0xAAu8; 6];
    assert_eq!(
        zs_get_option_bytes(s, name.as_ptr(), buf.as_mut_ptr() as *mut c_void, 6),
        10
    );
    assert_eq!(&buf, b"proxy\0");
    let mut buf = [0xAAu8; 12];
    assert_eq!(
        zs_get_option_bytes(s, name.as_ptr(), buf.as_mut_ptr() as *mut c_void, 12),
        10
    );
    assert_eq!(&buf, b"proxy:1080\0\xAA");
    let id = cstr("ROUTING_ID");
    let mut buf = [0xAAu8; 4];
    assert_eq!(
        zs_get_option_bytes(s, id.as_ptr(), buf.as_mut_ptr() as *mut c_void, 4),
        7
    );
    assert_eq!(&buf, b"\x01abc", "binary data: no NUL");
    let rc = zs_get_option_bytes(s, name.as_ptr(), ptr::null_mut(), 4);
    expect_err(rc.into(), INVALID, &["zs_get_option_bytes", "buf is NULL"]);
    destroy(s);
}

/// IMMEDIATE: a PUSH connected where nobody listens queues nothing, so a
/// send times out; without it the message is queued.
#[test]
fn immediate_queues_nothing_towards_an_absent_peer() {
    let port = dead_port();
    let ep = cstr(&format!("tcp://127.0.0.1:{port}"));
    let plain = socket(PUSH);
    let immediate = socket(PUSH);
    set_ok(immediate, "IMMEDIATE", 1);
    for s in [plain, immediate] {
        assert_eq!(
            zs_connect_endpoint(s, ep.as_ptr(), HWM, HWM),
            OK,
            "{}",
            last_error()
        );
    }
    let msg = b"queued?";
    assert_eq!(
        zs_send(plain, msg.as_ptr() as *const c_void, msg.len(), WAIT_MS),
        OK
    );
    let rc = zs_send(immediate, msg.as_ptr() as *const c_void, msg.len(), 300);
    expect_err(rc.into(), TIMED_OUT, &[]);
    destroy(plain);
    destroy(immediate);
}

/// CONFLATE: of the messages a PUSH queued before its peer came, only the
/// last is delivered; without it the first comes first.
#[test]
fn conflate_keeps_only_the_last_message() {
    for conflate in [true, false] {
        let port = dead_port();
        let push = socket(PUSH);
        if conflate {
            set_ok(push, "CONFLATE", 1);
        }
        let ep = format!("tcp://127.0.0.1:{port}");
        assert_eq!(zs_connect_endpoint(push, cstr(&ep).as_ptr(), HWM, HWM), OK);
        for i in 0..10 {
            send(push, format!("m{i}").as_bytes());
        }
        let pull = socket(PULL);
        assert_eq!(
            zs_bind_endpoint(pull, cstr(&ep).as_ptr(), HWM, HWM),
            port,
            "{}",
            last_error()
        );
        let first = recv_one(pull, WAIT_MS).unwrap_or_else(|rc| panic!("recv: {rc}"));
        if conflate {
            assert_eq!(first, b"m9");
            assert_eq!(recv_one(pull, 300), Err(TIMED_OUT), "nothing but the last");
        } else {
            assert_eq!(first, b"m0");
        }
        destroy(push);
        destroy(pull);
    }
}

/// TCP_ACCEPT_FILTER: a listener accepts only the addresses listed (set
/// before the bind), an IPv4 listener and a dual-stack one alike (where an
/// IPv4 peer comes v4-mapped); "" clears the list. It is write-only, as in
/// libzmq.
#[test]
fn tcp_accept_filter_admits_only_the_listed_addresses() {
    let cases = [
        (&b"127.0.0.1"[..], "127.0.0.1", true),
        (&b"127.0.0.1"[..], "*", true),
        (&b"10.255.255.1"[..], "127.0.0.1", false),
        (&b"10.255.255.1"[..], "*", false),
        (&b""[..], "127.0.0.1", true),
    ];
    // A filter libzmq cannot parse is refused and leaves the socket as it
    // was (dual-stack).
    let s = socket(PULL);
    assert_eq!(
        set_bytes(s, "TCP_ACCEPT_FILTER", b"not an address"),
        INVALID
    );
    assert_eq!(get_ok(s, "IPV6"), 1);
    destroy(s);
    for (filter, host, admitted) in cases {
        let pull = socket(PULL);
        if filter.is_empty() {
            set_bytes_ok(pull, "TCP_ACCEPT_FILTER", b"10.255.255.1");
        }
        set_bytes_ok(pull, "TCP_ACCEPT_FILTER", filter);
        assert_eq!(get_bytes(pull, "TCP_ACCEPT_FILTER"), Err(NOT_SUPPORTED));
        let bind = cstr(&format!("tcp://{host}:0"));
        let port = zs_bind_endpoint(pull, bind.as_ptr(), HWM, HWM);
        assert!(port > 0, "{}", last_error());
        let push = socket(PUSH);
        let ep = cstr(&format!("tcp://127.0.0.1:{port}"));
        assert_eq!(zs_connect_endpoint(push, ep.as_ptr(), HWM, HWM), OK);
        send(push, b"through the filter?");
        let got = recv_one(pull, if admitted { WAIT_MS } else { 300 });
        let case = format!("filter {filter:?} on {host}");
        if admitted {
            assert_eq!(got.as_deref(), Ok(&b"through the filter?"[..]), "{case}");
        } else {
            assert_eq!(got, Err(TIMED_OUT), "{case} refuses 127.0.0.1");
        }
        destroy(push);
        destroy(pull);
    }
}

/// A TCP listener that accepts and closes each connection at once,
/// counting them.
fn closing_listener() -> (u16, Arc<AtomicUsize>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let count = Arc::new(AtomicUsize::new(0));
    let c = Arc::clone(&count);
    thread::spawn(move || {
        for conn in l.incoming() {
            drop(conn);
            c.fetch_add(1, Ordering::SeqCst);
        }
    });
    (port, count)
}

/// RECONNECT_IVL: a socket retries at its interval. Against a peer that
/// closes every connection at once, one with 20 ms makes ten attempts
/// while one with 5 s makes no more than two.
#[test]
fn reconnect_ivl_sets_the_retry_interval() {
    let (fast_port, fast) = closing_listener();
    let (slow_port, slow) = closing_listener();
    let a = socket(DEALER);
    set_ok(a, "RECONNECT_IVL", 20);
    let b = socket(DEALER);
    set_ok(b, "RECONNECT_IVL", 5000);
    assert_eq!(
        zs_connect_endpoint(
            b,
            cstr(&format!("tcp://127.0.0.1:{slow_port}")).as_ptr(),
            HWM,
            HWM
        ),
        OK
    );
    assert_eq!(
        zs_connect_endpoint(
            a,
            cstr(&format!("tcp://127.0.0.1:{fast_port}")).as_ptr(),
            HWM,
            HWM
        ),
        OK
    );
    assert!(
        eventually(|| fast.load(Ordering::SeqCst) >= 10),
        "20 ms: {} connections",
        fast.load(Ordering::SeqCst)
    );
    // Ten 20 ms retries take far less than two 5 s intervals (each of
    // libzmq's intervals is the set one plus up to as much again).
    let slow_count = slow.load(Ordering::SeqCst);
    assert!(slow_count <= 2, "5 s: {slow_count} connections");
    destroy(a);
    destroy(b);
}

/// A ZMTP 3.0 greeting (NULL mechanism).
fn greeting() -> [u8; 64] {
    let mut g = [0u8; 64];
    g[0] = 0xFF;
    g[9] = 0x7F;
    g[10] = 3;
    g[12..16].copy_from_slice(b"NULL");
    g
}

/// A READY command declaring `socket_type`.
fn ready(socket_type: &str) -> Vec<u8> {
    let mut body = b"\x05READY\x0bSocket-Type".to_vec();
    body.extend_from_slice(&(socket_type.len() as u32).to_be_bytes());
    body.extend_from_slice(socket_type.as_bytes());
    let mut cmd = vec![0x04, body.len() as u8];
    cmd.extend_from_slice(&body);
    cmd
}

/// A raw TCP peer that completes a ZMTP handshake as a ROUTER with each
/// connection and then never says anything again (never answers a PING).
/// The connections are held open until the test ends.
fn silent_router() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    thread::spawn(move || {
        let mut held = Vec::new();
        for conn in l.incoming() {
            let Ok(mut s) = conn else { continue };
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            let mut theirs = [0u8; 64];
            if s.write_all(&greeting()).is_err() || s.read_exact(&mut theirs).is_err() {
                continue;
            }
            let _ = s.write_all(&ready("ROUTER"));
            held.push(s);
        }
    });
    port
}

/// HEARTBEAT_IVL and HEARTBEAT_TIMEOUT: a peer that stops answering is
/// dropped (zs_peer_count goes back to 0); without heartbeats the same
/// silent peer stays connected.
#[test]
fn heartbeats_drop_a_silent_peer() {
    let port = silent_router();
    let ep = cstr(&format!("tcp://127.0.0.1:{port}"));
    let beating = socket(DEALER);
    set_ok(beating, "HEARTBEAT_IVL", 100);
    set_ok(beating, "HEARTBEAT_TIMEOUT", 300);
    // No new handshake after the drop: the peer is gone for good.
    set_ok(beating, "RECONNECT_IVL", -1);
    let quiet = socket(DEALER);
    for s in [quiet, beating] {
        assert_eq!(zs_connect_endpoint(s, ep.as_ptr(), HWM, HWM), OK);
        assert_eq!(
            zs_wait_peers(s, 1, WAIT_MS * 2),
            OK,
            "handshake: {}",
            last_error()
        );
    }
    assert!(
        eventually(|| zs_peer_count(beating) == 0),
        "the silent peer is never dropped"
    );
    assert_eq!(zs_peer_count(quiet), 1, "without heartbeats it stays");
    destroy(beating);
    destroy(quiet);
}

/// The descriptor of this process's TCP socket whose local address is
/// `local`, if there is one.
fn fd_with_local_addr(local: SocketAddr) -> Option<i32> {
    for entry in std::fs::read_dir("/proc/self/fd").ok()? {
        let Ok(fd) = entry.ok()?.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        // SAFETY: a sockaddr_storage and its length, for getsockname to fill.
        let mut addr: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
        let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        // SAFETY: fd is any descriptor (getsockname fails on non-sockets);
        // addr and len are valid for writing.
        let rc =
            unsafe { libc::getsockname(fd, &mut addr as *mut _ as *mut libc::sockaddr, &mut len) };
        if rc != 0 || i32::from(addr.ss_family) != libc::AF_INET {
            continue;
        }
        // SAFETY: the family is AF_INET, so addr holds a sockaddr_in.
        let sin: libc::sockaddr_in = unsafe { *(&addr as *const _ as *const libc::sockaddr_in) };
        let ip = std::net::Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr));
        if SocketAddr::from((ip, u16::from_be(sin.sin_port))) == local {
            return Some(fd);
        }
    }
    None
}

fn int_sockopt(fd: i32, level: i32, name: i32) -> i32 {
    let mut v: libc::c_int = -1;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: v and len are valid for writing one int.
    let rc =
        unsafe { libc::getsockopt(fd, level, name, &mut v as *mut _ as *mut c_void, &mut len) };
    assert_eq!(rc, 0, "getsockopt on fd {fd}");
    v
}

/// TCP keepalive: SO_KEEPALIVE, TCP_KEEPIDLE, TCP_KEEPINTVL and
/// TCP_KEEPCNT are set on the connection's descriptor; without the
/// options SO_KEEPALIVE is off.
#[test]
fn tcp_keepalive_reaches_the_kernel() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let ep = cstr(&format!("tcp://{}", l.local_addr().unwrap()));
    let keep = socket(PUSH);
    set_ok(keep, "TCP_KEEPALIVE", 1);
    set_ok(keep, "TCP_KEEPALIVE_IDLE", 77);
    set_ok(keep, "TCP_KEEPALIVE_INTVL", 13);
    set_ok(keep, "TCP_KEEPALIVE_CNT", 4);
    let plain = socket(PUSH);
    let mut fds = Vec::new();
    let mut held: Vec<TcpStream> = Vec::new();
    for s in [keep, plain] {
        assert_eq!(zs_connect_endpoint(s, ep.as_ptr(), HWM, HWM), OK);
        let (conn, peer) = l.accept().unwrap();
        held.push(conn);
        let mut fd = None;
        assert!(eventually(|| {
            fd = fd_with_local_addr(peer);
            fd.is_some()
        }));
        fds.push(fd.unwrap());
    }
    let (kfd, pfd) = (fds[0], fds[1]);
    // libzmq tunes the socket once its connect completes.
    assert!(
        eventually(|| int_sockopt(kfd, libc::SOL_SOCKET, libc::SO_KEEPALIVE) == 1),
        "SO_KEEPALIVE never set"
    );
    assert_eq!(int_sockopt(kfd, libc::IPPROTO_TCP, libc::TCP_KEEPIDLE), 77);
    assert_eq!(int_sockopt(kfd, libc::IPPROTO_TCP, libc::TCP_KEEPINTVL), 13);
    assert_eq!(int_sockopt(kfd, libc::IPPROTO_TCP, libc::TCP_KEEPCNT), 4);
    assert_eq!(int_sockopt(pfd, libc::SOL_SOCKET, libc::SO_KEEPALIVE), 0);
    destroy(keep);
    destroy(plain);
}

/// XPUB_VERBOSE: a second subscriber's duplicate subscription reaches the
/// XPUB; without it the XPUB sees the next new one instead.
#[test]
fn xpub_verbose_passes_duplicate_subscriptions() {
    for verbose in [true, false] {
        let xpub = socket(XPUB);
        if verbose {
            set_ok(xpub, "XPUB_VERBOSE", 1);
        }
        let port = zs_bind_to_port(xpub, 0, HWM, HWM);
        assert!(port > 0);
        let sub1 = socket(SUB);
        assert_eq!(zs_subscribe(sub1, b"a".as_ptr() as *const c_void, 1), OK);
        assert_eq!(
            zs_connect_to_host(sub1, c"localhost".as_ptr(), port, HWM, HWM),
            OK
        );
        assert_eq!(recv_one(xpub, WAIT_MS), Ok(b"\x01a".to_vec()));
        let sub2 = socket(SUB);
        set_bytes_ok(sub2, "SUBSCRIBE", b"a");
        set_bytes_ok(sub2, "subscribe", b"b");
        assert_eq!(
            zs_connect_to_host(sub2, c"localhost".as_ptr(), port, HWM, HWM),
            OK
        );
        let next = recv_one(xpub, WAIT_MS);
        if verbose {
            assert_eq!(next, Ok(b"\x01a".to_vec()), "the duplicate");
        } else {
            assert_eq!(next, Ok(b"\x01b".to_vec()), "the duplicate is filtered");
        }
        for s in [xpub, sub1, sub2] {
            destroy(s);
        }
    }
}

/// REQ_RELAXED: a REQ may send again before the reply came.
#[test]
fn req_relaxed_lets_a_req_send_twice() {
    let (rep, port) = bound(REP);
    let strict = connected(REQ, port);
    send(strict, b"one");
    let rc = zs_send(strict, b"two".as_ptr() as *const c_void, 3, 100);
    expect_err(rc.into(), WRONG_STATE, &[]);
    let relaxed = socket(REQ);
    set_ok(relaxed, "REQ_RELAXED", 1);
    set_ok(relaxed, "REQ_CORRELATE", 1);
    assert_eq!(
        zs_connect_to_host(relaxed, c"localhost".as_ptr(), port, HWM, HWM),
        OK
    );
    send(relaxed, b"one");
    send(relaxed, b"two");
    for s in [rep, strict, relaxed] {
        destroy(s);
    }
}

/// SNDHWM by name applies as the HWM rules say, to the socket's existing
/// connection too: a PUSH towards an absent peer queues that many.
#[test]
fn sndhwm_by_name_limits_the_queue() {
    let port = dead_port();
    let push = socket(PUSH);
    let ep = cstr(&format!("tcp://127.0.0.1:{port}"));
    assert_eq!(zs_connect_endpoint(push, ep.as_ptr(), HWM, HWM), OK);
    assert_eq!(get_ok(push, "SNDHWM"), 100, "ZS_HWM_DEFAULT");
    set_ok(push, "SNDHWM", 3);
    assert_eq!(get_ok(push, "SNDHWM"), 3);
    let mut queued = 0;
    while queued < 10 && zs_send_nonblocking(push, b"x".as_ptr() as *const c_void, 1) {
        queued += 1;
    }
    assert_eq!(queued, 3);
    set_ok(push, "RCVHWM", -1);
    assert_eq!(get_ok(push, "RCVHWM"), 100, "-1 means 100");
    destroy(push);
}

/// MAXMSGSIZE by name is zs_set_max_message_size: the exact limit reads
/// back (libzmq holds at least 512) and a larger send is refused.
#[test]
fn maxmsgsize_by_name_is_the_library_limit() {
    let (pull, port) = bound(PULL);
    let push = socket(PUSH);
    set_ok(push, "MAXMSGSIZE", 100);
    assert_eq!(get_ok(push, "MAXMSGSIZE"), 100);
    assert_eq!(
        zs_connect_to_host(push, c"localhost".as_ptr(), port, HWM, HWM),
        OK
    );
    let big = [7u8; 101];
    let rc = zs_send(push, big.as_ptr() as *const c_void, big.len(), WAIT_MS);
    expect_err(rc.into(), TOO_LARGE, &[]);
    send(push, &big[..100]);
    assert_eq!(recv_one(pull, WAIT_MS), Ok(big[..100].to_vec()));
    // ROUTING_ID by name follows zs_set_routing_id's rule too.
    expect_err(
        set_bytes(push, "ROUTING_ID", b"late").into(),
        WRONG_STATE,
        &["ROUTING_ID"],
    );
    destroy(push);
    destroy(pull);
}

/// SUBSCRIBE by name is zs_subscribe: only matching messages arrive.
#[test]
fn subscribe_by_name_filters() {
    let (publisher, port) = bound(PUB);
    let sub = socket(SUB);
    set_bytes_ok(sub, "SUBSCRIBE", b"x");
    set_bytes_ok(sub, "SUBSCRIBE", b"y");
    set_bytes_ok(sub, "UNSUBSCRIBE", b"y");
    assert_eq!(
        zs_connect_to_host(sub, c"localhost".as_ptr(), port, HWM, HWM),
        OK
    );
    assert_eq!(
        zs_wait_connected(sub, c"localhost".as_ptr(), port, WAIT_MS),
        OK
    );
    send(publisher, b"y1");
    send(publisher, b"z1");
    send(publisher, b"x1");
    assert_eq!(recv_one(sub, WAIT_MS), Ok(b"x1".to_vec()));
    destroy(sub);
    destroy(publisher);
}

/// Bad handles and NULL pointers, for each of the four functions.
#[test]
fn bad_handles_and_null_pointers() {
    let name = cstr("LINGER");
    let bytes_name = cstr("SOCKS_PROXY");
    let mut v = 0i64;
    let s = socket(PUSH);
    destroy(s);
    for h in [0, s, 1 << 52] {
        expect_err(
            zs_set_option(h, name.as_ptr(), 1).into(),
            BAD_HANDLE,
            &["zs_set_option"],
        );
        expect_err(
            zs_get_option(h, name.as_ptr(), &mut v).into(),
            BAD_HANDLE,
            &[],
        );
        expect_err(
            zs_set_option_bytes(h, bytes_name.as_ptr(), b"a".as_ptr() as *const c_void, 1).into(),
            BAD_HANDLE,
            &[],
        );
        expect_err(
            zs_get_option_bytes(h, bytes_name.as_ptr(), ptr::null_mut(), 0).into(),
            BAD_HANDLE,
            &[],
        );
    }
    let s = socket(PUSH);
    expect_err(
        zs_set_option(s, ptr::null(), 1).into(),
        INVALID,
        &["name is NULL"],
    );
    expect_err(
        zs_get_option(s, ptr::null(), &mut v).into(),
        INVALID,
        &["name is NULL"],
    );
    expect_err(
        zs_get_option(s, name.as_ptr(), ptr::null_mut()).into(),
        INVALID,
        &["out is NULL"],
    );
    expect_err(
        zs_set_option_bytes(s, ptr::null(), ptr::null(), 0).into(),
        INVALID,
        &["name is NULL"],
    );
    expect_err(
        zs_set_option_bytes(s, bytes_name.as_ptr(), ptr::null(), 3).into(),
        INVALID,
        &["value is NULL"],
    );
    expect_err(
        zs_get_option_bytes(s, ptr::null(), ptr::null_mut(), 0).into(),
        INVALID,
        &["name is NULL"],
    );
    // NULL with length 0 is the empty value: no proxy.
    assert_eq!(
        zs_set_option_bytes(s, bytes_name.as_ptr(), ptr::null(), 0),
        OK
    );
    assert_eq!(get_bytes_ok(s, "SOCKS_PROXY"), b"");
    destroy(s);
}
