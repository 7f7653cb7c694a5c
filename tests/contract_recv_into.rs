//! zs_recv_into: one frame straight into the caller's buffer; a frame too
//! long for it is handed over whole in *overflow, never truncated or lost.

mod common;

use std::os::raw::c_void;
use std::ptr;

use common::*;
use zmqsocket::*;

fn pair() -> (zs_socket, zs_socket) {
    let (pull, port) = bound(PULL);
    let push = connected(PUSH, port);
    (pull, push)
}

fn recv_into(s: zs_socket, timeout: i32, buf: &mut [u8], ov: &mut zs_message) -> i64 {
    zs_recv_into(s, timeout, buf.as_mut_ptr() as *mut c_void, buf.len(), ov)
}

#[test]
fn frames_that_fit_are_copied_and_overflow_is_left_alone() {
    let (pull, push) = pair();
    send(push, b"hello");
    send(push, b"");
    send(push, b"12345678");
    let mut buf = [0u8; 8];
    let sentinel = 0x5a5a as *mut zs_frame;
    let mut ov = empty_msg();
    ov.frames = sentinel;
    assert_eq!(recv_into(pull, WAIT_MS, &mut buf, &mut ov), 5);
    assert_eq!(&buf[..5], b"hello");
    assert_eq!(
        recv_into(pull, WAIT_MS, &mut buf, &mut ov),
        0,
        "empty frame"
    );
    assert_eq!(recv_into(pull, WAIT_MS, &mut buf, &mut ov), 8, "exact fit");
    assert_eq!(&buf, b"12345678");
    assert_eq!(
        ov.frames, sentinel,
        "*overflow untouched when the frame fits"
    );
    destroy(push);
    destroy(pull);
}

#[test]
fn a_frame_too_long_is_handed_over_whole_then_the_next_one_comes() {
    let (pull, push) = pair();
    let big: Vec<u8> = (0..100u8).collect();
    send(push, &big);
    send(push, b"next");
    let mut buf = [0u8; 10];
    let mut ov = empty_msg();
    assert_eq!(recv_into(pull, WAIT_MS, &mut buf, &mut ov), 100);
    assert_eq!(frames_of(&ov), vec![big.clone()]);
    zs_message_free(&mut ov);
    assert_eq!(recv_into(pull, WAIT_MS, &mut buf, &mut ov), 4);
    assert_eq!(&buf[..4], b"next");
    // cap 0 with no buffer: an empty frame fits, any other is handed over.
    send(push, b"");
    send(push, b"abc");
    assert_eq!(zs_recv_into(pull, WAIT_MS, ptr::null_mut(), 0, &mut ov), 0);
    assert_eq!(zs_recv_into(pull, WAIT_MS, ptr::null_mut(), 0, &mut ov), 3);
    assert_eq!(frames_of(&ov), vec![b"abc".to_vec()]);
    zs_message_free(&mut ov);
    destroy(push);
    destroy(pull);
}

#[test]
fn multi_part_messages_come_one_frame_per_call() {
    let (pull, push) = pair();
    send_multi(push, &[b"a", b"bb", b"ccc"]);
    let mut buf = [0u8; 4];
    let mut ov = empty_msg();
    for want in [&b"a"[..], b"bb", b"ccc"] {
        let n = recv_into(pull, WAIT_MS, &mut buf, &mut ov);
        assert_eq!(&buf[..n as usize], want);
    }
    destroy(push);
    destroy(pull);
}

#[test]
fn bad_arguments_and_failures_change_nothing() {
    let (pull, push) = pair();
    send(push, b"kept");
    let mut buf = [0u8; 8];
    let mut ov = empty_msg();
    let rc = zs_recv_into(
        pull,
        WAIT_MS,
        buf.as_mut_ptr() as *mut c_void,
        8,
        ptr::null_mut(),
    );
    expect_err(rc, INVALID, &["zs_recv_into", "overflow"]);
    let rc = zs_recv_into(pull, WAIT_MS, ptr::null_mut(), 8, &mut ov);
    expect_err(rc, INVALID, &["zs_recv_into", "buf"]);
    expect_err(
        recv_into(pull, -3, &mut buf, &mut ov),
        INVALID,
        &["zs_recv_into", "timeout_ms -3"],
    );
    expect_err(
        recv_into(0, 0, &mut buf, &mut ov),
        BAD_HANDLE,
        &["zs_recv_into", "socket 0"],
    );
    expect_err(
        recv_into(push, 0, &mut buf, &mut ov),
        NOT_SUPPORTED,
        &["zs_recv_into"],
    );
    assert!(
        ov.frames.is_null() && ov.owner.is_null(),
        "*overflow untouched"
    );
    // The waiting message was not taken by any of them.
    assert_eq!(recv_into(pull, WAIT_MS, &mut buf, &mut ov), 4);
    assert_eq!(&buf[..4], b"kept");
    expect_err(
        recv_into(pull, 0, &mut buf, &mut ov),
        TIMED_OUT,
        &["zs_recv_into"],
    );
    destroy(push);
    destroy(pull);
}

// zs_recv_packed: the same call with its arguments in one struct.

fn args(s: zs_socket, timeout: i32, buf: &mut [u8]) -> zs_recv_args {
    zs_recv_args {
        socket: s,
        timeout_ms: timeout,
        buf: buf.as_mut_ptr() as *mut c_void,
        cap: buf.len(),
        overflow: empty_msg(),
    }
}

#[test]
fn packed_frames_fit_or_overflow_and_the_struct_can_be_kept() {
    let (pull, push) = pair();
    let big: Vec<u8> = (0..100u8).collect();
    send(push, b"hello");
    send(push, &big);
    send(push, b"");
    send_multi(push, &[b"a", b"bb"]);
    let mut buf = [0u8; 10];
    let mut a = args(pull, WAIT_MS, &mut buf);
    let sentinel = 0x5a5a as *mut zs_frame;
    a.overflow.frames = sentinel;
    assert_eq!(zs_recv_packed(&mut a), 5);
    assert_eq!(&buf[..5], b"hello");
    assert_eq!(a.overflow.frames, sentinel, "overflow untouched on a fit");
    a.overflow = empty_msg();
    assert_eq!(zs_recv_packed(&mut a), 100, "too long: handed over whole");
    assert_eq!(frames_of(&a.overflow), vec![big]);
    zs_message_free(&mut a.overflow);
    assert_eq!(zs_recv_packed(&mut a), 0, "empty frame");
    assert_eq!(zs_recv_packed(&mut a), 1);
    assert_eq!(&buf[..1], b"a");
    assert_eq!(zs_recv_packed(&mut a), 2);
    assert_eq!(&buf[..2], b"bb");
    // The inputs are never written: the same struct serves every call.
    assert_eq!((a.socket, a.timeout_ms, a.cap), (pull, WAIT_MS, 10));
    assert_eq!(a.buf, buf.as_mut_ptr() as *mut c_void);
    destroy(push);
    destroy(pull);
}

#[test]
fn packed_bad_arguments_and_failures_change_nothing() {
    let (pull, push) = pair();
    send(push, b"kept");
    let mut buf = [0u8; 8];
    expect_err(
        zs_recv_packed(ptr::null_mut()),
        INVALID,
        &["zs_recv_packed", "args"],
    );
    let mut a = args(pull, WAIT_MS, &mut buf);
    a.buf = ptr::null_mut();
    expect_err(
        zs_recv_packed(&mut a),
        INVALID,
        &["zs_recv_packed", "args->buf"],
    );
    let mut a = args(pull, -3, &mut buf);
    expect_err(
        zs_recv_packed(&mut a),
        INVALID,
        &["zs_recv_packed", "args->timeout_ms -3"],
    );
    let mut a = args(0, 0, &mut buf);
    expect_err(
        zs_recv_packed(&mut a),
        BAD_HANDLE,
        &["zs_recv_packed", "socket 0"],
    );
    // A marker in overflow and buf shows that failures write neither.
    buf = [0xa5; 8];
    let marker = zs_message {
        frames: 0x5a5a as *mut zs_frame,
        count: 7,
        owner: 0x7a7a as *mut c_void,
    };
    for (s, want) in [(push, NOT_SUPPORTED), (0, BAD_HANDLE)] {
        let mut a = args(s, 0, &mut buf);
        a.overflow = zs_message { ..marker };
        expect_err(zs_recv_packed(&mut a), want, &["zs_recv_packed"]);
        assert_eq!(
            (a.overflow.frames, a.overflow.count, a.overflow.owner),
            (marker.frames, marker.count, marker.owner),
            "overflow untouched"
        );
    }
    assert_eq!(buf, [0xa5; 8], "buf untouched by failures");
    // The waiting message was not taken by any of them.
    let mut a = args(pull, WAIT_MS, &mut buf);
    assert_eq!(zs_recv_packed(&mut a), 4);
    assert_eq!(&buf[..4], b"kept");
    let mut a = args(pull, 0, &mut buf);
    expect_err(zs_recv_packed(&mut a), TIMED_OUT, &["zs_recv_packed"]);
    destroy(push);
    destroy(pull);
}

/// Received boxes are recycled per thread, and a small frame stays inside
/// its freed box until the next receive into it: frames of every size
/// around libzmq's inline limit (33 bytes), over TCP and inproc, through
/// zs_recv, zs_recv_into and zs_recv_packed, with failed receives in
/// between and messages still held while later ones arrive, all come
/// out whole and unchanged.
#[test]
fn recycled_boxes_give_every_frame_whole_whatever_its_size() {
    let (tcp_pull, tcp_push) = pair();
    let name = unique("inproc://recycled");
    let in_pull = socket(PULL);
    assert_eq!(zs_bind_endpoint(in_pull, cstr(&name).as_ptr(), 0, 0), OK);
    let in_push = socket(PUSH);
    assert_eq!(zs_connect_endpoint(in_push, cstr(&name).as_ptr(), 0, 0), OK);
    let sizes = [0usize, 1, 31, 32, 33, 34, 100, 70_000, 2, 33, 0, 40];
    let frame = |i: usize, n: usize| -> Vec<u8> { (0..n).map(|k| (i * 31 + k) as u8).collect() };
    for (pull, push) in [(tcp_pull, tcp_push), (in_pull, in_push)] {
        send(push, &frame(0, sizes[0]));
        send(push, &frame(1, sizes[1]));
        // Hold the first two messages while the others come and go.
        let (mut held_a, mut held_b) = (empty_msg(), empty_msg());
        assert_eq!(zs_recv(pull, WAIT_MS, &mut held_a), OK);
        assert_eq!(zs_recv(pull, WAIT_MS, &mut held_b), OK);
        let mut buf = vec![0u8; 64];
        let mut args = zs_recv_args {
            socket: pull,
            timeout_ms: WAIT_MS,
            buf: buf.as_mut_ptr() as *mut c_void,
            cap: buf.len(),
            overflow: empty_msg(),
        };
        for (i, &n) in sizes.iter().enumerate().skip(2) {
            let want = frame(i, n);
            send(push, &want);
            let got = match i % 3 {
                0 => recv_one(pull, WAIT_MS).expect("zs_recv"),
                1 => {
                    let mut ov = empty_msg();
                    let mut b = vec![0u8; 64];
                    let rc = recv_into(pull, WAIT_MS, &mut b, &mut ov);
                    assert_eq!(rc, n as i64, "zs_recv_into of frame {i}");
                    if n <= 64 {
                        b.truncate(n);
                        b
                    } else {
                        let f = frames_of(&ov).remove(0);
                        zs_message_free(&mut ov);
                        f
                    }
                }
                _ => {
                    let rc = zs_recv_packed(&mut args);
                    assert_eq!(rc, n as i64, "zs_recv_packed of frame {i}");
                    if n <= 64 {
                        buf[..n].to_vec()
                    } else {
                        let f = frames_of(&args.overflow).remove(0);
                        zs_message_free(&mut args.overflow);
                        f
                    }
                }
            };
            assert_eq!(got, want, "frame {i} ({n} bytes)");
            // A receive that fails (nothing is queued now) leaves the
            // recycled box usable.
            assert_eq!(recv_one(pull, 0), Err(TIMED_OUT));
        }
        assert_eq!(frames_of(&held_a), vec![frame(0, sizes[0])]);
        assert_eq!(frames_of(&held_b), vec![frame(1, sizes[1])]);
        zs_message_free(&mut held_a);
        zs_message_free(&mut held_b);
    }
    for s in [tcp_pull, tcp_push, in_pull, in_push] {
        destroy(s);
    }
}
