//! `zmqsocket pump | zmqsocket drain` against the library's own zs_pump
//! and zs_drain, each pair in two processes, in one run (`make bench`).
//!
//! Anchor: this program drains (zs_drain) while a copy of it, started as
//! a child, pumps (zs_pump). Tool: `zmqsocket drain --bind` and
//! `zmqsocket pump --connect`. Both: 100-byte messages over TCP loopback,
//! HWMs of 1000 (the tool's default), the rate taken from the drain's
//! first message to its last. Runs alternate; the ratio is the median of
//! the paired ratios. Goal: the tool at >= 0.9x the library.
//!
//! `-- --quick` for a short run.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use zmqsocket::types::{zs_drain_stats, zs_frame};
use zmqsocket::*;

const BIN: &str = env!("CARGO_BIN_EXE_zmqsocket");
const SIZE: usize = 100;
const HWM: i32 = 1000;
const GOAL: f64 = 0.9;

fn ok(rc: i32, what: &str) -> i32 {
    assert!(rc >= 0, "{what}: {rc}");
    rc
}

/// The child's part of the anchor: pump `count` messages to the port.
fn anchor_pump(port: i32, count: i64, flags: u32) {
    let mut push = 0;
    ok(
        zs_socket_new_connected(
            zs_socket_type::ZS_PUSH as i32,
            c"127.0.0.1".as_ptr(),
            port,
            HWM,
            HWM,
            &mut push,
        ),
        "connect",
    );
    ok(zs_wait_peers(push, 1, 30_000), "wait for the drain");
    let buf = [b'x'; SIZE];
    let frame = zs_frame {
        data: buf.as_ptr().cast(),
        len: SIZE,
    };
    assert_eq!(
        zs_pump(push, &frame, 1, count, flags, 30_000),
        count,
        "pump"
    );
    ok(zs_set_linger(push, -1), "linger");
    zs_destroy_all();
}

/// The library's rate (msg/s): zs_drain here, zs_pump in a child.
fn anchor(count: u64, flags: u32) -> f64 {
    let mut pull = 0;
    ok(
        zs_socket_new(zs_socket_type::ZS_PULL as i32, &mut pull),
        "new",
    );
    let port = ok(
        zs_bind_endpoint(pull, c"tcp://127.0.0.1:0".as_ptr(), HWM, HWM),
        "bind",
    );
    let mut child = Command::new(std::env::current_exe().unwrap())
        .env("ZS_PIPE_PUMP", format!("{port} {count} {flags}"))
        .spawn()
        .unwrap();
    let mut st = zs_drain_stats::default();
    ok(
        zs_drain(pull, count as i64, flags, 30_000, &mut st),
        "drain",
    );
    assert_eq!(st.messages, count);
    assert!(child.wait().unwrap().success(), "anchor pump");
    zs_socket_destroy(pull);
    st.messages as f64 / (st.elapsed_ns as f64 / 1e9)
}

/// The tool's rate (msg/s): its drain's JSON summary.
fn tool(count: u64, sequenced: bool) -> f64 {
    let n = count.to_string();
    let mut args = vec![
        "drain",
        "--bind",
        "tcp://127.0.0.1:*",
        "--expect",
        &n,
        "--json",
        "--idle",
        "30",
    ];
    if sequenced {
        args.push("--sequenced");
    }
    let mut drain = Command::new(BIN)
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(drain.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    let ep = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("drain said {line:?}"))
        .to_owned();
    let mut pump = vec!["pump", "--connect", &ep, "--count", &n, "--timeout", "30"];
    if sequenced {
        pump.push("--sequenced");
    }
    let p = Command::new(BIN)
        .args(&pump)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(p.success(), "pump");
    let out = drain.wait_with_output().unwrap();
    assert!(out.status.success(), "drain: {out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let v: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
    assert_eq!(v["messages"], count, "{v}");
    assert_eq!(v["gaps"], 0, "{v}");
    v["msgs_per_sec"].as_f64().unwrap()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn main() {
    if let Ok(job) = std::env::var("ZS_PIPE_PUMP") {
        let f: Vec<i64> = job.split(' ').map(|x| x.parse().unwrap()).collect();
        anchor_pump(f[0] as i32, f[1], f[2] as u32);
        return;
    }
    let quick = std::env::args().any(|a| a == "--quick");
    let (count, runs) = if quick { (300_000, 3) } else { (2_000_000, 7) };
    println!(
        "\ncli: zmqsocket pump | zmqsocket drain against zs_pump/zs_drain, each in two \
         processes,\n{SIZE}-byte messages over TCP loopback, HWM {HWM}, {count} messages a run, \
         {runs} runs (median):"
    );
    for (label, sequenced) in [("plain", false), ("sequenced", true)] {
        let flags = if sequenced {
            zs_bulk_flags::ZS_SEQUENCED as u32
        } else {
            0
        };
        let (mut lib, mut cli, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..runs {
            // Alternate which goes first, so drift on a busy machine
            // falls on both alike.
            let (a, t) = if i % 2 == 0 {
                let a = anchor(count, flags);
                (a, tool(count, sequenced))
            } else {
                let t = tool(count, sequenced);
                (anchor(count, flags), t)
            };
            lib.push(a);
            cli.push(t);
            ratios.push(t / a);
        }
        let lo = ratios.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = ratios.iter().copied().fold(0.0, f64::max);
        let ratio = median(ratios);
        println!(
            "  {label:>9}: library {:.2} M msg/s, zmqsocket {:.2} M msg/s, ratio {ratio:.2} \
             (runs {lo:.2}..{hi:.2}; goal >= {GOAL}: {})",
            median(lib) / 1e6,
            median(cli) / 1e6,
            if ratio >= GOAL { "met" } else { "not met" }
        );
    }
}
