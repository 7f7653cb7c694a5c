//! wait: 0 once a ZMTP peer answers, 1 at the timeout on a port that
//! accepts TCP but never speaks ZMTP, or on nothing at all.

mod common;

use std::io::Read;
use std::net::TcpListener;
use std::time::{Duration, Instant};

use common::{run, spawn};

/// A plain TCP listener on a free loopback port that accepts connections
/// and holds them open without a byte: a port that is up but no ZeroMQ.
fn silent_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for c in l.incoming().flatten() {
            held.push(c);
            // Read (and ignore) what the client says, so its greeting
            // really reached a listener that never answers.
            let mut buf = [0u8; 64];
            let _ = held
                .last_mut()
                .unwrap()
                .set_read_timeout(Some(Duration::from_millis(10)));
            let _ = held.last_mut().unwrap().read(&mut buf);
        }
    });
    port
}

#[test]
fn silent_port_exits_1_within_its_timeout() {
    let port = silent_port();
    let ep = format!("tcp://127.0.0.1:{port}");
    let t = Instant::now();
    let out = run(&["wait", "--connect", &ep, "--timeout", "1"]);
    assert_eq!(out.status, 1, "{out:?}");
    assert!(
        out.stderr_text().contains("no ZMTP peer answered"),
        "{out:?}"
    );
    // Upper bound only, generous for a loaded machine: 1 s of timeout
    // plus process start and exit.
    assert!(t.elapsed() < Duration::from_secs(30), "{:?}", t.elapsed());
}

#[test]
fn live_port_exits_0() {
    // A ROUTER service; wait's default DEALER is a peer it accepts.
    let mut svc = spawn(&["monitor", "--bind", "tcp://127.0.0.1:*", "--type", "ROUTER"]);
    let ep = svc.endpoint();
    let out = run(&["wait", "--connect", &ep, "--timeout", "60", "--json"]);
    assert_eq!(out.status, 0, "{out:?}");
    assert_eq!(out.last_json()["ready"], true);
    svc.signal(libc::SIGTERM);
    assert_eq!(svc.finish().status, 0);
}

#[test]
fn live_pull_service_with_push_type_exits_0() {
    let mut svc = spawn(&["drain", "--bind", "tcp://127.0.0.1:*", "--idle", "600"]);
    let ep = svc.endpoint();
    let out = run(&[
        "wait",
        "--connect",
        &ep,
        "--type",
        "PUSH",
        "--timeout",
        "60",
    ]);
    assert_eq!(out.status, 0, "{out:?}");
    svc.signal(libc::SIGTERM);
    assert_eq!(svc.finish().status, 0);
}

#[test]
fn nothing_listening_exits_1() {
    // A port that was free a moment ago: connects are refused and retried.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = run(&[
        "wait",
        "--connect",
        &format!("tcp://127.0.0.1:{port}"),
        "--timeout",
        "0.5",
    ]);
    assert_eq!(out.status, 1, "{out:?}");
}
