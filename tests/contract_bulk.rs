//! SPEC section 13: zs_pump and zs_drain.

mod common;

use std::time::{Duration, Instant};

use common::*;
use zmqsocket::*;

fn seq_frame(stream: u64, seq: u64) -> Vec<u8> {
    let mut f = stream.to_le_bytes().to_vec();
    f.extend_from_slice(&seq.to_le_bytes());
    f
}

#[test]
fn two_pumps_into_one_drain_200k() {
    let mut r: zs_socket = 0;
    let port = zs_socket_new_bound(PULL, 0, HWM, 1000, &mut r);
    assert!(port > 0);
    let per_sender: i64 = 100_000;
    let payload = [0x5Au8; 24];
    let senders: Vec<_> = (0..2)
        .map(|_| {
            std::thread::spawn(move || {
                let mut s: zs_socket = 0;
                assert_eq!(
                    zs_socket_new_connected(PUSH, c"localhost".as_ptr(), port, 1000, HWM, &mut s),
                    OK
                );
                let frames = to_frames(&[&payload]);
                let sent = zs_pump(s, frames.as_ptr(), 1, per_sender, SEQUENCED, WAIT_MS);
                (s, sent, last_error())
            })
        })
        .collect();
    let mut stats = zs_drain_stats::default();
    let rc = zs_drain(r, 2 * per_sender, SEQUENCED, WAIT_MS, &mut stats);
    let mut handles = Vec::new();
    for t in senders {
        let (s, sent, err) = t.join().expect("pump thread");
        assert_eq!(sent, per_sender, "pump: {err}");
        handles.push(s);
    }
    assert_eq!(rc, OK, "{} {stats:?}", last_error());
    let n = 2 * per_sender as u64;
    assert_eq!(stats.messages, n);
    assert_eq!(stats.frames, n);
    assert_eq!(stats.bytes, n * payload.len() as u64);
    assert_eq!(stats.senders, 2);
    assert_eq!(stats.gaps, 0);
    assert_eq!(stats.duplicates, 0);
    assert_eq!(stats.out_of_order, 0);
    assert!(stats.elapsed_ns > 0);
    // Nothing more was sent.
    let mut more = zs_drain_stats::default();
    assert_eq!(zs_drain(r, -1, SEQUENCED, 100, &mut more), TIMED_OUT);
    assert_eq!(more.messages, 0);
    for s in handles {
        destroy(s);
    }
    destroy(r);
}

#[test]
fn sequence_frame_format() {
    let (r, port) = bound(PULL);
    let s = connected(PUSH, port);
    let frames = to_frames(&[b"body", b""]);
    assert_eq!(zs_pump(s, frames.as_ptr(), 2, 3, SEQUENCED, WAIT_MS), 3);
    assert_eq!(zs_pump(s, frames.as_ptr(), 2, 2, SEQUENCED, WAIT_MS), 2);
    // Unsequenced pumps do not use up sequence numbers.
    assert_eq!(zs_pump(s, frames.as_ptr(), 2, 1, 0, WAIT_MS), 1);
    assert_eq!(zs_pump(s, frames.as_ptr(), 2, 1, SEQUENCED, WAIT_MS), 1);
    let mut stream = None;
    for seq in 0..5u64 {
        let m = recv_ok(r);
        assert_eq!(m.len(), 3, "{m:?}");
        assert_eq!(m[0].len(), 16);
        let id = u64::from_le_bytes(m[0][..8].try_into().expect("8"));
        assert_eq!(*stream.get_or_insert(id), id, "stream id changed");
        assert_eq!(u64::from_le_bytes(m[0][8..].try_into().expect("8")), seq);
        assert_eq!(&m[1..], &[b"body".to_vec(), Vec::new()]);
    }
    assert_eq!(recv_ok(r), vec![b"body".to_vec(), Vec::new()]);
    let m = recv_ok(r);
    assert_eq!(m[0], seq_frame(stream.expect("id"), 5));
    // Another socket has another stream id.
    let s2 = connected(PUSH, port);
    assert_eq!(zs_pump(s2, frames.as_ptr(), 2, 1, SEQUENCED, WAIT_MS), 1);
    let m = recv_ok(r);
    assert_ne!(m[0][..8], stream.expect("id").to_le_bytes());
    assert_eq!(m[0][8..], 0u64.to_le_bytes());
    // repeat 0 sends nothing.
    assert_eq!(zs_pump(s, frames.as_ptr(), 2, 0, SEQUENCED, WAIT_MS), 0);
    assert_eq!(recv_multi(r, 100), Err(TIMED_OUT));
    for x in [s, s2, r] {
        destroy(x);
    }
}

#[test]
fn drain_counts_gaps_duplicates_and_late() {
    let (r, port) = bound(PULL);
    let s = connected(PUSH, port);
    let stream = 0x1234_5678_9abc_def0u64;
    for seq in [0u64, 1, 3, 2, 1] {
        send_multi(s, &[&seq_frame(stream, seq), b"p"]);
    }
    let mut st = zs_drain_stats::default();
    assert_eq!(zs_drain(r, 5, SEQUENCED, WAIT_MS, &mut st), OK);
    assert_eq!(st.messages, 5);
    assert_eq!(st.frames, 5);
    assert_eq!(st.bytes, 5);
    assert_eq!(st.senders, 1);
    assert_eq!(st.gaps, 0, "{st:?}");
    assert_eq!(st.out_of_order, 1, "{st:?}");
    assert_eq!(st.duplicates, 1, "{st:?}");
    // Progress is remembered across calls: 4 is missing.
    send_multi(s, &[&seq_frame(stream, 5), b"p"]);
    // A new stream starts at 0; one starting at 2 has a gap of 2.
    send_multi(s, &[&seq_frame(stream + 1, 2), b"p"]);
    assert_eq!(zs_drain(r, 2, SEQUENCED, WAIT_MS, &mut st), OK);
    assert_eq!(st.messages, 2);
    assert_eq!(st.senders, 2);
    assert_eq!(st.gaps, 3, "{st:?}");
    assert_eq!(st.duplicates, 0);
    assert_eq!(st.out_of_order, 0);
    destroy(s);
    destroy(r);
}

#[test]
fn drain_unsequenced_and_timeouts() {
    let (r, port) = bound(PULL);
    let s = connected(PUSH, port);
    send_multi(s, &[b"ab", b"", b"cde"]);
    send(s, b"f");
    send(s, b"");
    let mut st = zs_drain_stats::default();
    // Fewer than expected: timed out, stats filled anyway.
    let start = Instant::now();
    let rc = zs_drain(r, 5, 0, 300, &mut st);
    expect_err(rc.into(), TIMED_OUT, &["zs_drain"]);
    assert!(start.elapsed() >= Duration::from_millis(295));
    assert_eq!(st.messages, 3);
    assert_eq!(st.frames, 5);
    assert_eq!(st.bytes, 6);
    assert_eq!(st.senders, 0);
    // A sequenced drain of unsequenced messages counts them as plain.
    send_multi(s, &[b"x", b"y"]);
    send(s, &[1u8; 16]);
    assert_eq!(zs_drain(r, 2, SEQUENCED, WAIT_MS, &mut st), OK);
    assert_eq!(st.messages, 2);
    assert_eq!(st.frames, 3);
    assert_eq!(st.bytes, 18);
    assert_eq!(st.senders, 0);
    // expected -1: until idle, then TIMED_OUT with what came.
    send(s, b"1");
    send(s, b"2");
    assert_eq!(zs_drain(r, -1, 0, 300, &mut st), TIMED_OUT);
    assert_eq!(st.messages, 2);
    // expected 0: at once.
    assert_eq!(zs_drain(r, 0, 0, 300, &mut st), OK);
    assert_eq!(st.messages, 0);
    destroy(s);
    destroy(r);
}

#[test]
fn pump_with_no_peer_stops_at_hwm() {
    let port = dead_port();
    let s = socket(PUSH);
    assert_eq!(
        zs_connect_to_host(s, c"localhost".as_ptr(), port, 10, HWM),
        OK
    );
    let frames = to_frames(&[b"m"]);
    let start = Instant::now();
    let sent = zs_pump(s, frames.as_ptr(), 1, 100, 0, 200);
    let took = start.elapsed();
    assert_eq!(sent, 10, "{}", last_error());
    assert_eq!(zs_last_error_code(), TIMED_OUT);
    assert!(last_error().contains("zs_pump"), "{}", last_error());
    assert!(took >= Duration::from_millis(195), "{took:?}");
    assert!(took < Duration::from_millis(3000), "{took:?}");
    // Nothing can be sent now: a negative code.
    let sent = zs_pump(s, frames.as_ptr(), 1, 5, 0, 0);
    expect_err(sent, TIMED_OUT, &["zs_pump"]);
    assert_eq!(zs_set_linger(s, 0), OK);
    destroy(s);

    // With no connection at all nothing is sent.
    let lone = socket(PUSH);
    expect_err(
        zs_pump(lone, frames.as_ptr(), 1, 5, SEQUENCED, 50),
        TIMED_OUT,
        &["zs_pump"],
    );
    destroy(lone);
}

#[test]
fn pump_success_leaves_last_error() {
    let (r, port) = bound(PULL);
    let s = connected(PUSH, port);
    expect_err(zs_socket_type(0).into(), BAD_HANDLE, &[]);
    let frames = to_frames(&[b"z"]);
    assert_eq!(zs_pump(s, frames.as_ptr(), 1, 50, 0, WAIT_MS), 50);
    assert_eq!(zs_last_error_code(), BAD_HANDLE);
    let mut st = zs_drain_stats::default();
    assert_eq!(zs_drain(r, 50, 0, WAIT_MS, &mut st), OK);
    assert_eq!(st.messages, 50);
    assert_eq!(zs_last_error_code(), BAD_HANDLE);
    destroy(s);
    destroy(r);
}

#[test]
fn destroy_ends_a_drain() {
    let (r, _) = bound(PULL);
    let t = std::thread::spawn(move || {
        let mut st = zs_drain_stats::default();
        zs_drain(r, 10, 0, FOREVER, &mut st)
    });
    std::thread::sleep(Duration::from_millis(150));
    let start = Instant::now();
    destroy(r);
    assert_eq!(t.join().expect("drain"), BAD_HANDLE);
    assert!(start.elapsed() < Duration::from_millis(500));
}

/// zs_pump copies a frame that libzmq would not keep inline once, and
/// every repetition shares that copy: each message still arrives whole and
/// unchanged, over TCP and inproc (where the receiver gets libzmq's shared
/// buffer itself), for frames on both sides of the inline limit, with and
/// without the sequence frame, and the caller's buffers may be overwritten
/// and freed as soon as zs_pump returns, while the messages still wait in
/// the queue.
#[test]
fn pumped_frames_arrive_whole_after_the_caller_reuses_its_buffers() {
    const SIZES: [usize; 9] = [0, 1, 32, 33, 34, 100, 4096, 65_536, 70_000];
    const REPEAT: u64 = 4;
    let mut rng = SplitMix64(0x5eed_b01c);
    for inproc in [false, true] {
        let (r, s) = if inproc {
            let ep = cstr(&unique("inproc://pumped-"));
            let r = socket(PULL);
            assert!(
                zs_bind_endpoint(r, ep.as_ptr(), HWM, HWM) >= 0,
                "{}",
                last_error()
            );
            let s = socket(PUSH);
            assert_eq!(
                zs_connect_endpoint(s, ep.as_ptr(), HWM, HWM),
                OK,
                "{}",
                last_error()
            );
            (r, s)
        } else {
            let (r, port) = bound(PULL);
            (r, connected(PUSH, port))
        };
        for flags in [0, SEQUENCED] {
            // One message of all the sizes, then one of each size alone.
            let mut shapes: Vec<Vec<usize>> = vec![SIZES.to_vec()];
            shapes.extend(SIZES.iter().map(|&n| vec![n]));
            for shape in shapes {
                let mut bufs: Vec<Vec<u8>> = shape.iter().map(|&n| rng.bytes(n)).collect();
                let want = bufs.clone();
                let parts: Vec<&[u8]> = bufs.iter().map(|b| b.as_slice()).collect();
                let frames = to_frames(&parts);
                let sent = zs_pump(
                    s,
                    frames.as_ptr(),
                    frames.len(),
                    REPEAT as i64,
                    flags,
                    WAIT_MS,
                );
                assert_eq!(sent, REPEAT as i64, "{}", last_error());
                for b in &mut bufs {
                    b.fill(0xee);
                }
                drop(bufs);
                // Reuse the freed memory before the messages are read.
                let noise: Vec<Vec<u8>> = shape.iter().map(|&n| vec![0x11; n]).collect();
                for i in 0..REPEAT {
                    let mut m = recv_ok(r);
                    if flags == SEQUENCED {
                        assert_eq!(m.remove(0).len(), 16, "sequence frame");
                    }
                    assert!(
                        m == want,
                        "inproc {inproc}, flags {flags}, sizes {shape:?}, message {i}: frames differ"
                    );
                }
                drop(noise);
            }
        }
        assert_eq!(recv_multi(r, 50), Err(TIMED_OUT), "nothing more");
        destroy(s);
        destroy(r);
    }
}

/// A shared long frame whose send fails (the queue is full) is released
/// and nothing of that message is queued: the pump stops at the HWM with
/// ZS_ERR_TIMED_OUT, exactly the messages it counted arrive, whole, and a
/// later pump goes on once the queue has room again.
#[test]
fn pump_of_shared_frames_stops_at_hwm_and_loses_nothing() {
    let ep = cstr(&unique("inproc://pump-hwm-"));
    let r = socket(PULL);
    assert!(
        zs_bind_endpoint(r, ep.as_ptr(), 5, 5) >= 0,
        "{}",
        last_error()
    );
    let s = socket(PUSH);
    assert_eq!(
        zs_connect_endpoint(s, ep.as_ptr(), 5, 5),
        OK,
        "{}",
        last_error()
    );
    let long: Vec<u8> = (0..200u32).map(|i| (i * 13) as u8).collect();
    let frames = to_frames(&[&long, b"tail"]);
    // Unsequenced: the shared frame is the first, the one that meets the
    // full queue.
    let sent = zs_pump(s, frames.as_ptr(), 2, 1000, 0, 100);
    assert!((1..1000).contains(&sent), "sent {sent}: {}", last_error());
    assert_eq!(zs_last_error_code(), TIMED_OUT);
    for i in 0..sent as u64 {
        let m = recv_ok(r);
        assert_eq!(m.len(), 2, "message {i}");
        assert_eq!((&m[0], &m[1][..]), (&long, &b"tail"[..]), "message {i}");
    }
    assert_eq!(
        recv_multi(r, 50),
        Err(TIMED_OUT),
        "only the counted messages"
    );
    // The pump goes on once there is room, from the same shared frame.
    assert_eq!(zs_pump(s, frames.as_ptr(), 2, 3, 0, WAIT_MS), 3);
    for _ in 0..3 {
        assert_eq!(recv_ok(r), vec![long.clone(), b"tail".to_vec()]);
    }
    destroy(s);
    destroy(r);
}

/// The scheduling policy of thread `tid` (0: the calling thread).
fn policy_of(tid: libc::pid_t) -> i32 {
    // SAFETY: sched_getscheduler takes a plain thread id.
    unsafe { libc::sched_getscheduler(tid) }
}

/// Put thread `tid` (0: the calling thread) under `policy`; true if the
/// kernel agreed.
fn set_policy(tid: libc::pid_t, policy: i32) -> bool {
    let param = libc::sched_param { sched_priority: 0 };
    // SAFETY: a plain thread id and a valid sched_param on the stack.
    unsafe { libc::sched_setscheduler(tid, policy, &param) == 0 }
}

/// Whether this kernel lets a thread switch between SCHED_OTHER,
/// SCHED_BATCH and SCHED_IDLE (gVisor, musl or a seccomp filter may not);
/// tried on a scratch thread.
fn policies_switchable() -> bool {
    let ok = std::thread::spawn(|| {
        set_policy(0, libc::SCHED_BATCH)
            && set_policy(0, libc::SCHED_OTHER)
            && set_policy(0, libc::SCHED_IDLE)
    })
    .join()
    .unwrap_or(false);
    if !ok {
        eprintln!("sched_setscheduler refused here: the ZS_SCHED_BATCH tests are skipped");
    }
    ok
}

/// One blocked bulk call (`pump`, else drain), 1 s waiting for a peer that
/// never comes, with `flags`, on a new thread under `start`. `during(tid)`
/// runs on this thread while the call is under way, each 5 ms. Returns the
/// call's result and the thread's policy after it.
fn blocked_call(
    pump: bool,
    flags: u32,
    start: i32,
    mut during: impl FnMut(libc::pid_t),
) -> (i64, i32) {
    let (tx, rx) = std::sync::mpsc::channel();
    let t = std::thread::spawn(move || {
        let ok = set_policy(0, start);
        // SAFETY: gettid has no arguments.
        tx.send(unsafe { libc::gettid() }).unwrap();
        assert!(ok, "sched_setscheduler({start}) refused");
        let rc = if pump {
            let lone = socket(PUSH);
            let frames = to_frames(&[b"x"]);
            let rc = zs_pump(lone, frames.as_ptr(), 1, 3, flags, 1000);
            destroy(lone);
            rc
        } else {
            let (lone, _) = bound(PULL);
            let mut st = zs_drain_stats::default();
            let rc = zs_drain(lone, 3, flags, 1000, &mut st);
            destroy(lone);
            i64::from(rc)
        };
        (rc, policy_of(0))
    });
    let tid = rx.recv().unwrap_or(0);
    while tid != 0 && !t.is_finished() {
        during(tid);
        std::thread::sleep(Duration::from_millis(5));
    }
    t.join().expect("bulk thread")
}

/// With ZS_SCHED_BATCH, zs_pump and zs_drain run their thread under
/// SCHED_BATCH for the call only: another thread sees the policy during
/// the call, and the thread has SCHED_OTHER back after it, here after
/// calls that end at their timeout (an error). Without the flag the policy
/// is never touched, and a thread under another policy (SCHED_IDLE) keeps
/// it throughout.
#[test]
fn sched_batch_runs_the_thread_as_a_batch_thread_for_the_call_only() {
    if !policies_switchable() {
        return;
    }
    for pump in [true, false] {
        let what = if pump { "zs_pump" } else { "zs_drain" };
        for (flags, start, want) in [
            (SCHED_BATCH, libc::SCHED_OTHER, libc::SCHED_BATCH),
            (
                SCHED_BATCH | SEQUENCED,
                libc::SCHED_OTHER,
                libc::SCHED_BATCH,
            ),
            (0, libc::SCHED_OTHER, libc::SCHED_OTHER),
            (SEQUENCED, libc::SCHED_OTHER, libc::SCHED_OTHER),
            (SCHED_BATCH, libc::SCHED_IDLE, libc::SCHED_IDLE),
        ] {
            let mut seen = Vec::new();
            let (rc, after) = blocked_call(pump, flags, start, |tid| seen.push(policy_of(tid)));
            let case = format!("{what}, flags {flags}, thread under policy {start}");
            assert_eq!(rc, i64::from(TIMED_OUT), "{case}");
            assert_eq!(after, start, "{case}: the thread's policy after the call");
            assert!(
                seen.contains(&want),
                "{case}: policy {want} never seen during the call: {seen:?}"
            );
            assert!(
                seen.iter().all(|&p| p == want || p == start || p == -1),
                "{case}: {seen:?}"
            );
        }
    }
}

/// A policy set on the thread by someone else during a ZS_SCHED_BATCH call
/// is kept: the call puts SCHED_OTHER back only over its own SCHED_BATCH.
#[test]
fn sched_batch_keeps_a_policy_set_during_the_call() {
    if !policies_switchable() {
        return;
    }
    for pump in [true, false] {
        let mut changed = false;
        let (rc, after) = blocked_call(pump, SCHED_BATCH, libc::SCHED_OTHER, |tid| {
            if !changed && policy_of(tid) == libc::SCHED_BATCH {
                assert!(set_policy(tid, libc::SCHED_IDLE));
                changed = true;
            }
        });
        assert!(changed, "SCHED_BATCH never seen during the call");
        assert_eq!(rc, i64::from(TIMED_OUT));
        assert_eq!(
            after,
            libc::SCHED_IDLE,
            "pump {pump}: the policy set meanwhile"
        );
    }
}

/// Calls that succeed with ZS_SCHED_BATCH (the pump sends all, the drain
/// gets all it expected) put their threads back to SCHED_OTHER too, and
/// the messages arrive as without the flag.
#[test]
fn sched_batch_calls_that_succeed_restore_the_policy() {
    if !policies_switchable() {
        return;
    }
    let (r, port) = bound(PULL);
    let s = connected(PUSH, port);
    let n: i64 = 20_000;
    let drainer = std::thread::spawn(move || {
        let mut st = zs_drain_stats::default();
        let rc = zs_drain(r, n, SCHED_BATCH | SEQUENCED, WAIT_MS, &mut st);
        (rc, st, policy_of(0))
    });
    let frames = to_frames(&[&[7u8; 100]]);
    let sent = zs_pump(s, frames.as_ptr(), 1, n, SCHED_BATCH | SEQUENCED, WAIT_MS);
    assert_eq!(sent, n, "{}", last_error());
    assert_eq!(
        policy_of(0),
        libc::SCHED_OTHER,
        "the pumping thread after zs_pump"
    );
    let (rc, st, after) = drainer.join().expect("drain thread");
    assert_eq!(rc, OK);
    assert_eq!(
        after,
        libc::SCHED_OTHER,
        "the draining thread after zs_drain"
    );
    assert_eq!(
        (st.messages, st.bytes, st.gaps, st.duplicates),
        (n as u64, 100 * n as u64, 0, 0)
    );
    destroy(s);
    destroy(r);
}
