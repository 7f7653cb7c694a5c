//! Progress bars: on stderr when it is a terminal (run under a
//! pseudo-terminal with script(1)), never when it is a pipe.

mod common;

use std::process::Command;

use common::{run, spawn, BIN};

/// Runs `args` under script(1), stdin, stdout and stderr on a
/// pseudo-terminal; returns the exit status and what the terminal showed.
fn under_pty(args: &[&str]) -> (i32, String) {
    let quoted: Vec<String> = std::iter::once(BIN)
        .chain(args.iter().copied())
        .map(|a| format!("'{}'", a.replace('\'', "'\\''")))
        .collect();
    let out = Command::new("script")
        .args(["-q", "-e", "-c", &quoted.join(" "), "/dev/null"])
        .env("TERM", "xterm")
        .output()
        .expect("script(1) (util-linux; Debian's bsdutils) runs the command under a pty");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn has_bar(text: &str) -> bool {
    text.contains("/200000 msgs")
}

#[test]
fn pump_shows_a_bar_on_a_terminal() {
    let mut d = spawn(&["drain", "--bind", "tcp://127.0.0.1:*", "--expect", "200000"]);
    let ep = d.endpoint();
    let (status, shown) = under_pty(&[
        "pump",
        "--connect",
        &ep,
        "--count",
        "200000",
        "--timeout",
        "60",
    ]);
    assert_eq!(status, 0, "{shown}");
    assert!(has_bar(&shown), "no progress bar: {shown:?}");
    assert!(
        shown.contains("pump: 200000 messages"),
        "and the summary: {shown:?}"
    );
    // The drain's stderr is a pipe: no bar there.
    let out = d.finish();
    assert_eq!(out.status, 0, "{out:?}");
    assert!(!has_bar(&out.stderr_text()), "{out:?}");
    assert!(
        !out.stderr_text().contains('\u{1b}'),
        "no terminal codes in a pipe: {out:?}"
    );
}

#[test]
fn drain_shows_a_bar_on_a_terminal_and_pump_none_in_a_pipe() {
    // The pump binds (its stderr a pipe, so we can read its endpoint);
    // the drain, under the pty, connects to it.
    let mut p = spawn(&[
        "pump",
        "--bind",
        "tcp://127.0.0.1:*",
        "--count",
        "200000",
        "--timeout",
        "60",
    ]);
    let ep = p.endpoint();
    let (status, shown) = under_pty(&[
        "drain",
        "--connect",
        &ep,
        "--expect",
        "200000",
        "--idle",
        "60",
    ]);
    assert_eq!(status, 0, "{shown}");
    assert!(has_bar(&shown), "no progress bar: {shown:?}");
    assert!(
        shown.contains("drain: 200000 messages"),
        "and the summary: {shown:?}"
    );
    let out = p.finish();
    assert_eq!(out.status, 0, "{out:?}");
    assert!(!has_bar(&out.stderr_text()), "{out:?}");
    assert!(
        !out.stderr_text().contains('\u{1b}'),
        "no terminal codes in a pipe: {out:?}"
    );
    assert!(
        out.stdout[0].starts_with("pump: 200000 messages"),
        "{out:?}"
    );
}

#[test]
fn json_output_in_a_pipe_is_only_json() {
    let mut d = spawn(&[
        "drain",
        "--bind",
        "tcp://127.0.0.1:*",
        "--expect",
        "1000",
        "--json",
    ]);
    let ep = d.endpoint();
    let p = run(&["pump", "--connect", &ep, "--count", "1000", "--json"]);
    assert_eq!(p.stdout.len(), 1, "{p:?}");
    let out = d.finish();
    assert_eq!(out.stdout.len(), 1, "{out:?}");
    assert_eq!(out.last_json()["messages"], 1000);
}
