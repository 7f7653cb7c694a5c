//! send and recv: text, binary (hex, base64), multi-part, stdin lines,
//! JSON, REQ/REP.

mod common;

use common::{run, run_with_stdin, spawn};

/// A `recv --bind` on a free port, and its endpoint.
fn receiver(extra: &[&str]) -> (common::Running, String) {
    let mut args = vec!["recv", "--bind", "tcp://127.0.0.1:*", "--timeout", "60"];
    args.extend_from_slice(extra);
    let mut r = spawn(&args);
    let ep = r.endpoint();
    assert!(ep.starts_with("tcp://127.0.0.1:"), "{ep}");
    (r, ep)
}

#[test]
fn text_message() {
    let (r, ep) = receiver(&["--count", "1"]);
    let s = run(&["send", "--connect", &ep, "hello world"]);
    assert_eq!(s.status, 0, "{s:?}");
    let out = r.finish();
    assert_eq!(out.status, 0, "{out:?}");
    assert_eq!(out.stdout, ["hello world"]);
    assert!(out.stderr_text().contains("recv: 1 messages"), "{out:?}");
}

#[test]
fn binary_message_in_hex() {
    let (r, ep) = receiver(&["--count", "1", "--format", "hex"]);
    let s = run(&["send", "--connect", &ep, "--format", "hex", "00ff10"]);
    assert_eq!(s.status, 0, "{s:?}");
    let out = r.finish();
    assert_eq!(out.stdout, ["00ff10"], "{out:?}");
}

#[test]
fn binary_message_prints_as_hex_unless_forced() {
    let (r, ep) = receiver(&["--count", "1"]);
    assert_eq!(
        run(&["send", "--connect", &ep, "--format", "hex", "00ff"]).status,
        0
    );
    assert_eq!(r.finish().stdout, ["00ff"]);
    let (r, ep) = receiver(&["--count", "1", "--format", "base64"]);
    assert_eq!(
        run(&["send", "--connect", &ep, "--format", "hex", "00ff"]).status,
        0
    );
    assert_eq!(r.finish().stdout, ["AP8="]);
}

#[test]
fn binary_message_in_base64() {
    let (r, ep) = receiver(&["--count", "1", "--format", "base64", "--json"]);
    // "AAEC/w==" is 00 01 02 ff.
    let s = run(&["send", "--connect", &ep, "--format", "base64", "AAEC/w=="]);
    assert_eq!(s.status, 0, "{s:?}");
    let out = r.finish();
    assert_eq!(out.last_json()["frames"], serde_json::json!(["AAEC/w=="]));
    assert_eq!(out.last_json()["format"], "base64");
}

#[test]
fn multi_part_message() {
    let (r, ep) = receiver(&["--count", "1", "--json"]);
    let s = run(&["send", "--connect", &ep, "key", "", "value"]);
    assert_eq!(s.status, 0, "{s:?}");
    let out = r.finish();
    assert_eq!(out.stdout.len(), 1, "{out:?}");
    assert_eq!(
        out.last_json()["frames"],
        serde_json::json!(["key", "", "value"])
    );
    assert_eq!(out.last_json()["format"], "text");
}

#[test]
fn multi_part_message_as_text_is_tab_separated() {
    let (r, ep) = receiver(&["--count", "1"]);
    assert_eq!(run(&["send", "--connect", &ep, "a", "b", "c"]).status, 0);
    assert_eq!(r.finish().stdout, ["a\tb\tc"]);
}

#[test]
fn stdin_lines_are_messages_in_order() {
    let (r, ep) = receiver(&["--count", "3"]);
    let s = run_with_stdin(&["send", "--connect", &ep], "one\ntwo\nthree\n");
    assert_eq!(s.status, 0, "{s:?}");
    assert_eq!(r.finish().stdout, ["one", "two", "three"]);
}

#[test]
fn stdin_json_lines_carry_multi_part_binary_messages() {
    let (r, ep) = receiver(&["--count", "2", "--format", "hex"]);
    let s = run_with_stdin(
        &["send", "--connect", &ep, "--json", "--format", "hex"],
        "{\"frames\": [\"01\", \"02ff\"]}\n[\"00\"]\n",
    );
    assert_eq!(s.status, 0, "{s:?}");
    assert_eq!(r.finish().stdout, ["01\t02ff", "00"]);
}

#[test]
fn send_binds_and_recv_connects() {
    let mut s = spawn(&[
        "send",
        "--bind",
        "tcp://127.0.0.1:*",
        "--timeout",
        "60",
        "bound",
    ]);
    let ep = s.endpoint();
    let out = run(&["recv", "--connect", &ep, "--count", "1", "--timeout", "60"]);
    assert_eq!(out.stdout, ["bound"], "{out:?}");
    assert_eq!(s.finish().status, 0);
}

#[test]
fn req_gets_the_rep_echo() {
    let (r, ep) = receiver(&["--type", "REP", "--count", "1"]);
    let s = run(&["send", "--connect", &ep, "--type", "REQ", "ping"]);
    assert_eq!(s.status, 0, "{s:?}");
    assert_eq!(s.stdout, ["ping"], "the reply is printed");
    assert_eq!(r.finish().stdout, ["ping"]);
}

#[test]
fn recv_ends_at_sigterm_with_its_summary() {
    let mut r = spawn(&["recv", "--bind", "tcp://127.0.0.1:*"]);
    let ep = r.endpoint();
    assert_eq!(run(&["send", "--connect", &ep, "first"]).status, 0);
    // Printed: so it was received before the signal.
    r.stdout_line(|l| l == "first");
    r.signal(libc::SIGTERM);
    let out = r.finish();
    assert_eq!(out.status, 0, "{out:?}");
    assert!(out.stderr_text().contains("recv: 1 messages"), "{out:?}");
}

#[test]
fn recv_short_of_count_at_sigint_exits_1() {
    let mut r = spawn(&["recv", "--bind", "tcp://127.0.0.1:*", "--count", "2"]);
    r.endpoint();
    r.signal(libc::SIGINT);
    let out = r.finish();
    assert_eq!(out.status, 1, "{out:?}");
    assert!(
        out.stderr_text().contains("expected 2 messages, got 0"),
        "{out:?}"
    );
}
