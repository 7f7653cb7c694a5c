//! proxy: `drop every 2` towards the service halves a stream; stats on
//! SIGTERM, as text and JSON; bad rules are a usage error.

mod common;

use common::{run, spawn};

/// An endpoint nothing listens on (a port that was free a moment ago):
/// the proxy connects lazily, so it starts all the same.
fn nowhere() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("tcp://127.0.0.1:{}", l.local_addr().unwrap().port())
}

#[test]
fn drop_every_2_halves_a_stream() {
    let mut svc = spawn(&[
        "drain",
        "--bind",
        "tcp://127.0.0.1:*",
        "--expect",
        "501",
        "--sequenced",
        "--json",
        "--idle",
        "60",
    ]);
    let svc_ep = svc.endpoint();
    let mut proxy = spawn(&[
        "proxy",
        "--front",
        "tcp://127.0.0.1:*",
        "--service",
        &svc_ep,
        "--client-type",
        "PUSH",
        "--fault-to-service",
        "drop every 2",
        "--json",
    ]);
    let front = proxy.endpoint();
    // 1001 messages: the proxy forwards the 1st, 3rd... 1001st (501) and
    // drops the 500 between; the last forwarded one comes after the last
    // dropped one, so once the drain has 501 the proxy has seen them all.
    let p = run(&[
        "pump",
        "--connect",
        &front,
        "--count",
        "1001",
        "--sequenced",
        "--timeout",
        "60",
    ]);
    assert_eq!(p.status, 0, "{p:?}");

    let out = svc.finish();
    // Gaps found: exit 1, with the summary.
    assert_eq!(out.status, 1, "{out:?}");
    let s = out.last_json();
    assert_eq!(s["messages"], 501, "{s}");
    assert_eq!(s["gaps"], 500, "every second message is missing: {s}");
    assert_eq!(s["duplicates"], 0, "{s}");
    assert!(
        out.stderr_text().contains("500 messages missing"),
        "{out:?}"
    );

    proxy.signal(libc::SIGTERM);
    let st = proxy.finish();
    assert_eq!(st.status, 0, "{st:?}");
    let j = st.last_json();
    assert_eq!(j["forwarded"], serde_json::json!([501, 0]), "{j}");
    assert_eq!(j["dropped"], serde_json::json!([500, 0]), "{j}");
    assert_eq!(j["duplicated"], serde_json::json!([0, 0]), "{j}");
}

#[test]
fn text_stats_at_sigint() {
    let mut proxy = spawn(&[
        "proxy",
        "--front",
        "tcp://127.0.0.1:*",
        "--service",
        &nowhere(),
        "--client-type",
        "PUSH",
        "--fault",
        "delay 1ms",
        "--seed",
        "3",
    ]);
    proxy.endpoint();
    proxy.signal(libc::SIGINT);
    let st = proxy.finish();
    assert_eq!(st.status, 0, "{st:?}");
    assert_eq!(
        st.stdout,
        [
            "proxy to service: 0 forwarded, 0 dropped, 0 duplicated, 0 delayed, 0 corrupted",
            "proxy from service: 0 forwarded, 0 dropped, 0 duplicated, 0 delayed, 0 corrupted",
        ]
    );
}

#[test]
fn malformed_rules_are_a_usage_error() {
    let out = run(&[
        "proxy",
        "--front",
        "tcp://127.0.0.1:*",
        "--service",
        &nowhere(),
        "--client-type",
        "PUSH",
        "--fault-to-service",
        "drop lots",
    ]);
    assert_eq!(out.status, 2, "{out:?}");
    assert!(
        out.stderr_text().contains("drop lots"),
        "names the rule: {out:?}"
    );
}

#[test]
fn fault_and_per_direction_rules_conflict() {
    let out = run(&[
        "proxy",
        "--front",
        "tcp://127.0.0.1:*",
        "--service",
        &nowhere(),
        "--client-type",
        "PUSH",
        "--fault",
        "drop 1%",
        "--fault-to-service",
        "drop 2%",
    ]);
    assert_eq!(out.status, 2, "{out:?}");
}

#[test]
fn unsupported_client_type_is_a_usage_error() {
    let out = run(&[
        "proxy",
        "--front",
        "tcp://127.0.0.1:*",
        "--service",
        &nowhere(),
        "--client-type",
        "PAIR",
    ]);
    assert_eq!(out.status, 2, "{out:?}");
    assert!(
        out.stderr_text().contains("zmqsocket proxy: error:"),
        "{out:?}"
    );
}

#[test]
fn a_seed_in_the_rules_and_seed_together_is_a_usage_error() {
    let out = run(&[
        "proxy",
        "--front",
        "tcp://127.0.0.1:*",
        "--service",
        &nowhere(),
        "--client-type",
        "PUSH",
        "--fault",
        "drop 5%; seed 1",
        "--seed",
        "2",
    ]);
    assert_eq!(out.status, 2, "{out:?}");
    assert!(out.stderr_text().contains("seed"), "{out:?}");
}
