//! pump and drain: a million sequenced messages between two processes,
//! the JSON summaries, and a drain short of --expect.

mod common;

use common::{run, spawn};

#[test]
fn a_million_sequenced_messages_arrive_without_gaps() {
    let mut d = spawn(&[
        "drain",
        "--bind",
        "tcp://127.0.0.1:*",
        "--expect",
        "1000000",
        "--sequenced",
        "--json",
        "--idle",
        "60",
    ]);
    let ep = d.endpoint();
    let p = run(&[
        "pump",
        "--connect",
        &ep,
        "--count",
        "1000000",
        "--sequenced",
        "--json",
        "--timeout",
        "60",
    ]);
    assert_eq!(p.status, 0, "{p:?}");
    let ps = p.last_json();
    assert_eq!(ps["messages"], 1_000_000);
    assert_eq!(ps["bytes"], 100_000_000);
    assert!(ps["msgs_per_sec"].as_f64().unwrap() > 0.0, "{ps}");

    let out = d.finish();
    assert_eq!(out.status, 0, "{out:?}");
    let s = out.last_json();
    assert_eq!(s["messages"], 1_000_000, "{s}");
    assert_eq!(
        s["frames"], 1_000_000,
        "sequence frames are not counted: {s}"
    );
    assert_eq!(s["bytes"], 100_000_000, "{s}");
    assert_eq!(s["senders"], 1, "{s}");
    assert_eq!(s["gaps"], 0, "{s}");
    assert_eq!(s["duplicates"], 0, "{s}");
    assert_eq!(s["out_of_order"], 0, "{s}");
    assert!(s["elapsed_ns"].as_u64().unwrap() > 0, "{s}");
    assert!(s["msgs_per_sec"].as_f64().unwrap() > 0.0, "{s}");
    assert!(s["mb_per_sec"].as_f64().unwrap() > 0.0, "{s}");
    let keys: Vec<&str> = s.as_object().unwrap().keys().map(|k| k.as_str()).collect();
    for k in [
        "messages",
        "frames",
        "bytes",
        "senders",
        "gaps",
        "duplicates",
        "out_of_order",
        "elapsed_ns",
        "msgs_per_sec",
        "mb_per_sec",
    ] {
        assert!(keys.contains(&k), "summary lacks {k}: {s}");
    }
}

#[test]
fn drain_short_of_expect_exits_1() {
    let mut d = spawn(&[
        "drain",
        "--bind",
        "tcp://127.0.0.1:*",
        "--expect",
        "100",
        "--idle",
        "2",
        "--json",
    ]);
    let ep = d.endpoint();
    // 40 messages, then nothing: the drain ends after 2 s of silence.
    let p = run(&["pump", "--connect", &ep, "--count", "40", "--timeout", "60"]);
    assert_eq!(p.status, 0, "{p:?}");
    let out = d.finish();
    assert_eq!(out.status, 1, "{out:?}");
    assert_eq!(out.last_json()["messages"], 40);
    assert!(
        out.stderr_text().contains("expected 100 messages, got 40"),
        "{out:?}"
    );
}

#[test]
fn text_summaries() {
    let mut d = spawn(&[
        "drain",
        "--bind",
        "tcp://127.0.0.1:*",
        "--expect",
        "10",
        "--sequenced",
    ]);
    let ep = d.endpoint();
    let p = run(&[
        "pump",
        "--connect",
        &ep,
        "--count",
        "10",
        "--sequenced",
        "--timeout",
        "60",
    ]);
    assert_eq!(p.status, 0, "{p:?}");
    assert!(p.stdout[0].starts_with("pump: 10 messages in "), "{p:?}");
    let out = d.finish();
    assert_eq!(out.status, 0, "{out:?}");
    assert!(
        out.stdout[0].starts_with("drain: 10 messages in "),
        "{out:?}"
    );
    assert!(
        out.stdout[0].ends_with("; 0 gaps, 0 duplicates, 0 late"),
        "{out:?}"
    );
}

#[test]
fn drain_ends_at_sigint_with_its_summary() {
    let mut d = spawn(&[
        "drain",
        "--bind",
        "tcp://127.0.0.1:*",
        "--json",
        "--idle",
        "600",
    ]);
    d.endpoint();
    // Nothing comes: without the signal it would wait 10 minutes.
    d.signal(libc::SIGINT);
    let out = d.finish();
    assert_eq!(out.status, 0, "{out:?}");
    assert_eq!(out.last_json()["messages"], 0, "{out:?}");
}

#[test]
fn drain_expecting_more_at_sigterm_exits_1() {
    let mut d = spawn(&[
        "drain",
        "--bind",
        "tcp://127.0.0.1:*",
        "--expect",
        "5",
        "--idle",
        "600",
    ]);
    d.endpoint();
    d.signal(libc::SIGTERM);
    let out = d.finish();
    assert_eq!(out.status, 1, "{out:?}");
    assert!(out.stdout[0].starts_with("drain: 0 messages"), "{out:?}");
}

#[test]
fn pump_without_a_peer_times_out_with_1() {
    // A bound pump that nobody connects to.
    let out = run(&[
        "pump",
        "--bind",
        "tcp://127.0.0.1:*",
        "--count",
        "5",
        "--timeout",
        "0.2",
    ]);
    assert_eq!(out.status, 1, "{out:?}");
    assert!(
        out.stderr_text()
            .contains("no peer completed a ZMTP handshake"),
        "{out:?}"
    );
}

#[test]
fn rate_limited_pump_sends_everything() {
    let mut d = spawn(&[
        "drain",
        "--bind",
        "tcp://127.0.0.1:*",
        "--expect",
        "50",
        "--json",
    ]);
    let ep = d.endpoint();
    let p = run(&[
        "pump",
        "--connect",
        &ep,
        "--count",
        "50",
        "--rate",
        "500",
        "--json",
        "--size",
        "7",
    ]);
    assert_eq!(p.status, 0, "{p:?}");
    // 50 messages at 500/s take at least 0.098 s (the first goes at 0).
    assert!(
        p.last_json()["elapsed_ns"].as_u64().unwrap() >= 98_000_000,
        "{p:?}"
    );
    let out = d.finish();
    assert_eq!(out.status, 0, "{out:?}");
    assert_eq!(out.last_json()["bytes"], 350);
}

#[test]
fn drain_waits_for_the_first_message_past_idle() {
    // --idle counts from the last message: a stream that starts later
    // than --idle after the drain is still drained.
    let mut d = spawn(&[
        "drain",
        "--bind",
        "tcp://127.0.0.1:*",
        "--expect",
        "3",
        "--idle",
        "0.1",
        "--json",
    ]);
    let ep = d.endpoint();
    // Start the pump only once the drain has been waiting longer than
    // --idle: its first wait for a peer already takes that long here.
    let p = run(&[
        "pump",
        "--bind",
        "tcp://127.0.0.1:*",
        "--count",
        "3",
        "--timeout",
        "0.3",
    ]);
    assert_eq!(p.status, 1, "nobody connects to this pump: {p:?}");
    let p = run(&["pump", "--connect", &ep, "--count", "3", "--timeout", "60"]);
    assert_eq!(p.status, 0, "{p:?}");
    let out = d.finish();
    assert_eq!(out.status, 0, "{out:?}");
    assert_eq!(out.last_json()["messages"], 3);
}

#[test]
fn drain_timeout_bounds_the_wait_for_a_first_message() {
    let out = run(&[
        "drain",
        "--bind",
        "tcp://127.0.0.1:*",
        "--expect",
        "1",
        "--timeout",
        "0.2",
    ]);
    assert_eq!(out.status, 1, "{out:?}");
    assert!(
        out.stderr_text().contains("expected 1 messages, got 0"),
        "{out:?}"
    );
}
