//! monitor: prints the events of a connect and a disconnect; ends at
//! SIGTERM with a count.

mod common;

use common::{run, spawn};

#[test]
fn connect_and_disconnect_events() {
    let mut m = spawn(&["monitor", "--bind", "tcp://127.0.0.1:*", "--json"]);
    let ep = m.endpoint();
    let is = |want: &'static str| {
        move |l: &str| serde_json::from_str::<serde_json::Value>(l).unwrap()["event"] == want
    };
    m.stdout_line(is("LISTENING"));
    // A peer (wait's DEALER) connects, completes the handshake and goes.
    assert_eq!(
        run(&["wait", "--connect", &ep, "--timeout", "60"]).status,
        0
    );
    let accepted = m.stdout_line(is("ACCEPTED"));
    let v: serde_json::Value = serde_json::from_str(&accepted).unwrap();
    assert_eq!(v["endpoint"], ep.as_str());
    m.stdout_line(is("HANDSHAKE_SUCCEEDED"));
    m.stdout_line(is("DISCONNECTED"));
    m.signal(libc::SIGTERM);
    let out = m.finish();
    assert_eq!(out.status, 0, "{out:?}");
    assert!(out.stderr_text().contains("monitor: "), "{out:?}");
}

#[test]
fn connecting_side_sees_connected_and_disconnected_as_text() {
    let mut svc = spawn(&["monitor", "--bind", "tcp://127.0.0.1:*", "--type", "ROUTER"]);
    let ep = svc.endpoint();
    let mut m = spawn(&["monitor", "--connect", &ep]);
    m.stdout_line(|l| l.starts_with("CONNECTED "));
    m.stdout_line(|l| l.starts_with("HANDSHAKE_SUCCEEDED "));
    // The service goes away: the connecting side sees the disconnect.
    svc.signal(libc::SIGTERM);
    assert_eq!(svc.finish().status, 0);
    let line = m.stdout_line(|l| l.starts_with("DISCONNECTED "));
    assert!(line.contains(&ep), "{line}");
    m.signal(libc::SIGINT);
    assert_eq!(m.finish().status, 0);
}
