//! Signals (the header's conventions): a signal whose handler runs while
//! a call waits ends a send, a receive, a poll, a wait or zs_next_event
//! with ZS_ERR_INTERRUPTED, as libzmq's EINTR; pump and drain go on.
//!
//! Each test sends SIGUSR1, with a handler that does nothing (installed
//! without SA_RESTART), to its own thread only, from a helper thread that
//! keeps sending it until the test says the call ended.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Once};
use std::thread;
use std::time::{Duration, Instant};

use common::*;
use zmqsocket::ffi::bulk::*;
use zmqsocket::ffi::events::*;
use zmqsocket::ffi::recv::*;
use zmqsocket::ffi::state::*;
use zmqsocket::types::{zs_drain_stats, zs_event};
use zmqsocket::*;

const INTERRUPTED: i32 = zs_result::ZS_ERR_INTERRUPTED as i32;
const FOREVER: i32 = -1;

extern "C" fn nothing(_: libc::c_int) {}

fn install_handler() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: a zeroed sigaction with a handler that does nothing
        // (async-signal-safe) and an empty mask; no SA_RESTART.
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = nothing as extern "C" fn(libc::c_int) as usize;
            libc::sigemptyset(&mut sa.sa_mask);
            assert_eq!(libc::sigaction(libc::SIGUSR1, &sa, std::ptr::null_mut()), 0);
        }
    });
}

/// Run `call` on this thread while SIGUSR1 arrives at it every 50 ms from
/// 100 ms on (for at most 20 s, so that a call signals would keep going
/// ends anyway and fails its test); returns what `call` returned and how
/// long it took.
fn interrupted<T>(call: impl FnOnce() -> T) -> (T, Duration) {
    install_handler();
    // SAFETY: pthread_self has no preconditions.
    let me = unsafe { libc::pthread_self() } as usize;
    let done = Arc::new(AtomicBool::new(false));
    let d = Arc::clone(&done);
    let kicker = thread::spawn(move || {
        thread::sleep(Duration::from_millis(100));
        let stop = Instant::now() + Duration::from_secs(20);
        while !d.load(Ordering::Acquire) && Instant::now() < stop {
            // SAFETY: `me` is the test's thread, alive until `done` is set
            // and this thread joined.
            unsafe { libc::pthread_kill(me as libc::pthread_t, libc::SIGUSR1) };
            thread::sleep(Duration::from_millis(50));
        }
    });
    let t0 = Instant::now();
    let r = call();
    let took = t0.elapsed();
    done.store(true, Ordering::Release);
    kicker.join().unwrap();
    (r, took)
}

#[test]
fn a_receive_waiting_forever_is_interrupted() {
    let (pull, _) = bound(PULL);
    let mut m = empty_msg();
    let (rc, took) = interrupted(|| zs_recv(pull, FOREVER, &mut m));
    assert_eq!(rc, INTERRUPTED, "{}", last_error());
    assert!(
        last_error().contains("Interrupted system call"),
        "{}",
        last_error()
    );
    assert!(took < Duration::from_secs(30), "{took:?}");
    // Nothing was lost: the socket works on.
    let push = connected(PUSH, bound_ports(pull)[0]);
    send(push, b"after");
    assert_eq!(recv_one(pull, WAIT_MS).unwrap(), b"after");
    for s in [push, pull] {
        destroy(s);
    }
}

#[test]
fn a_send_waiting_for_room_is_interrupted() {
    // A PUSH whose connect has no peer queues up to its HWM, then waits.
    let push = connected(PUSH, dead_port());
    let mut queued = 0;
    while zs_send(push, b"x".as_ptr().cast(), 1, 0) == OK {
        queued += 1;
        assert!(queued <= 100_000, "never full");
    }
    assert_eq!(zs_last_error_code(), TIMED_OUT, "{}", last_error());
    let (rc, _) = interrupted(|| zs_send(push, b"x".as_ptr().cast(), 1, FOREVER));
    assert_eq!(rc, INTERRUPTED, "{}", last_error());
    destroy(push);
}

#[test]
fn a_receive_with_a_long_timeout_is_interrupted_before_it() {
    let (pull, _) = bound(PULL);
    let mut m = empty_msg();
    let (rc, took) = interrupted(|| zs_recv(pull, 60_000, &mut m));
    assert_eq!(rc, INTERRUPTED, "{}", last_error());
    assert!(took < Duration::from_secs(30), "{took:?}");
    destroy(pull);
}

#[test]
fn poll_waits_and_events_are_interrupted() {
    let (pull, _) = bound(PULL);
    let mut readable = [false];
    let (rc, _) = interrupted(|| zs_poll(&pull, 1, FOREVER, readable.as_mut_ptr()));
    assert_eq!(rc, INTERRUPTED, "zs_poll: {}", last_error());
    let (rc, _) = interrupted(|| zs_wait_peers(pull, 1, FOREVER));
    assert_eq!(rc, INTERRUPTED, "zs_wait_peers: {}", last_error());
    // The LISTENING event first, then nothing: the next wait is cut short.
    let mut e = zs_event {
        kind: 0,
        value: 0,
        time_us: 0,
        endpoint: [0; 256],
    };
    assert_eq!(zs_next_event(pull, WAIT_MS, &mut e), OK);
    let (rc, _) = interrupted(|| zs_next_event(pull, FOREVER, &mut e));
    assert_eq!(rc, INTERRUPTED, "zs_next_event: {}", last_error());
    destroy(pull);
}

#[test]
fn drain_goes_on_through_signals() {
    let (pull, port) = bound(PULL);
    let push = connected(PUSH, port);
    // The messages come after the signals have started.
    let sender = thread::spawn(move || {
        thread::sleep(Duration::from_millis(400));
        for i in 0..10u8 {
            send(push, &[i]);
        }
        push
    });
    let mut st = zs_drain_stats::default();
    let (rc, _) = interrupted(|| zs_drain(pull, 10, 0, 20_000, &mut st));
    assert_eq!(rc, OK, "{}", last_error());
    assert_eq!(st.messages, 10);
    destroy(sender.join().unwrap());
    destroy(pull);
}

#[test]
fn pump_goes_on_through_signals() {
    // Port of a PULL that binds only after the signals have started: the
    // PUSH has room for its HWM of 100 until then, so the pump waits.
    let port = dead_port();
    let push = connected(PUSH, port);
    let receiver = thread::spawn(move || {
        thread::sleep(Duration::from_millis(400));
        let pull = socket(PULL);
        let ep = cstr(&format!("tcp://127.0.0.1:{port}"));
        assert_eq!(
            zs_bind_endpoint(pull, ep.as_ptr(), HWM, HWM),
            port,
            "{}",
            last_error()
        );
        let mut st = zs_drain_stats::default();
        assert_eq!(
            zs_drain(pull, 500, 0, 20_000, &mut st),
            OK,
            "{}",
            last_error()
        );
        destroy(pull);
        st.messages
    });
    let frame = zmqsocket::types::zs_frame {
        data: b"x".as_ptr().cast(),
        len: 1,
    };
    let (sent, _) = interrupted(|| zs_pump(push, &frame, 1, 500, 0, 20_000));
    assert_eq!(sent, 500, "{}", last_error());
    assert_eq!(receiver.join().unwrap(), 500);
    destroy(push);
}

/// Signals that keep coming do not stretch a bulk call's timeout: once
/// the first one interrupted it, its wait ends at most one timeout later.
#[test]
fn signals_do_not_stretch_a_drains_idle_timeout() {
    let (pull, _) = bound(PULL);
    let mut st = zs_drain_stats::default();
    let (rc, took) = interrupted(|| zs_drain(pull, -1, 0, 300, &mut st));
    assert_eq!(rc, TIMED_OUT, "{}", last_error());
    assert_eq!(st.messages, 0);
    assert!(
        took < Duration::from_secs(10),
        "{took:?}: the signals kept it waiting"
    );
    destroy(pull);
}
