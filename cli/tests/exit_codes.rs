//! Every exit status of SPEC 23: 0 done, 1 timeout or expectation not
//! met, 2 usage, 3 ZeroMQ error (with the library's last error).

mod common;

use std::net::TcpListener;
use std::process::{Command, Stdio};

use common::run;

#[test]
fn zero_when_done() {
    let out = run(&["version"]);
    assert_eq!(out.status, 0, "{out:?}");
    assert!(out.stdout[0].contains("libzmq 4.3.5"), "{out:?}");
}

#[test]
fn one_on_a_timeout() {
    let out = run(&["recv", "--bind", "tcp://127.0.0.1:*", "--timeout", "0.2"]);
    assert_eq!(out.status, 1, "{out:?}");
    assert!(
        out.stderr_text().contains("no message within 200 ms"),
        "{out:?}"
    );
    let out = run(&[
        "send",
        "--bind",
        "tcp://127.0.0.1:*",
        "--timeout",
        "0.2",
        "x",
    ]);
    assert_eq!(out.status, 1, "{out:?}");
}

#[test]
fn two_on_usage_errors() {
    for args in [
        &["recv"][..],                                              // no endpoint
        &["recv", "--bind", "tcp://127.0.0.1:*", "--type", "NOPE"], // unknown type
        &["recv", "--bind", "tcp://127.0.0.1:*", "--timeout", "-1"],
        &["recv", "--bind", "tcp://127.0.0.1:*", "--timeout", "soon"],
        &["pump", "--connect", "tcp://127.0.0.1:1"], // no --count
        &["frobnicate"],
        &[
            "send",
            "--connect",
            "tcp://127.0.0.1:1",
            "--format",
            "hex",
            "abc",
        ],
        &[
            "send",
            "--connect",
            "tcp://127.0.0.1:1",
            "--format",
            "base64",
            "!!",
        ],
        &["recv", "--bind", "tcp://127.0.0.1:*", "--subscribe", "x"], // PULL cannot
        &[
            "pump",
            "--connect",
            "tcp://127.0.0.1:1",
            "--count",
            "1",
            "--rate",
            "0",
        ],
    ] {
        let out = run(args);
        assert_eq!(out.status, 2, "{args:?}: {out:?}");
        assert!(!out.stderr.is_empty(), "{args:?} says why");
    }
}

#[test]
fn two_on_a_malformed_endpoint_with_the_librarys_error() {
    let out = run(&["recv", "--bind", "nonsense"]);
    assert_eq!(out.status, 2, "{out:?}");
    let err = out.stderr_text();
    assert!(
        err.contains("zmqsocket recv: error: zs_bind_endpoint"),
        "{err}"
    );
    assert!(err.contains("nonsense"), "{err}");
}

#[test]
fn three_on_a_zeromq_error_with_the_librarys_last_error() {
    // The port is taken (by this test's listener).
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let ep = format!("tcp://127.0.0.1:{}", taken.local_addr().unwrap().port());
    let out = run(&["recv", "--bind", &ep, "--timeout", "5"]);
    assert_eq!(out.status, 3, "{out:?}");
    let err = out.stderr_text();
    assert!(
        err.contains("zmqsocket recv: error: zs_bind_endpoint"),
        "{err}"
    );
    assert!(err.contains(&ep), "{err}");
    assert!(err.to_lowercase().contains("address"), "{err}");
}

#[test]
fn help_exits_0_and_clap_errors_2() {
    assert_eq!(run(&["--help"]).status, 0);
    assert_eq!(run(&["recv", "--no-such-option"]).status, 2);
}

#[test]
fn a_zero_timeout_tries_once() {
    let out = run(&["recv", "--bind", "tcp://127.0.0.1:*", "--timeout", "0"]);
    assert_eq!(out.status, 1, "{out:?}");
    assert!(out.stderr_text().contains("recv: 0 messages"), "{out:?}");
}

/// A summary written to a closed stdout (`zmqsocket drain ... | true`)
/// neither panics nor changes the verdict: drain short of --expect still
/// exits 1. (Its summary comes after the 0.2 s timeout, long after the
/// read end is closed.)
#[test]
fn a_closed_stdout_keeps_the_exit_status() {
    use std::io::Read;
    let mut child = Command::new(common::BIN)
        .args([
            "drain",
            "--bind",
            "tcp://127.0.0.1:*",
            "--expect",
            "5",
            "--timeout",
            "0.2",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the zmqsocket binary runs");
    drop(child.stdout.take()); // nobody reads stdout
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// `args` run with stderr a pipe nobody reads (its read end closed
/// before the program writes, as when `2>&1 | head -1` has exited):
/// the exit status, and stdout.
fn run_with_broken_stderr(args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(common::BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the zmqsocket binary runs");
    drop(child.stderr.take());
    let out = child.wait_with_output().expect("it ends");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn a_broken_stderr_keeps_the_exit_status() {
    // The timeout's lines go to stderr (eprintln! would panic there:
    // exit status 101).
    let (status, out) =
        run_with_broken_stderr(&["recv", "--bind", "tcp://127.0.0.1:*", "--timeout", "0.2"]);
    assert_eq!(status, Some(1), "{out}");
    // And so does the error of a ZeroMQ failure.
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let ep = format!("tcp://127.0.0.1:{}", taken.local_addr().unwrap().port());
    let (status, out) = run_with_broken_stderr(&["recv", "--bind", &ep, "--timeout", "5"]);
    assert_eq!(status, Some(3), "{out}");
}
