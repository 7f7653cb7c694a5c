//! Model-based random testing (issue 5, item 3): seeded random sequences of
//! API calls over several sockets, each step checked against a model of the
//! handle table (see tests/model/mod.rs).
//!
//! Seed i gives the bytes of sequence i (splitmix64), decoded by the same
//! decoder the cargo-fuzz target uses. Environment:
//! - `ZS_MODEL_SEED=N`: run only seed N (the reproduction of a failure);
//! - `ZS_MODEL_SEQUENCES=N`: run seeds 0..N (default 10,000);
//! - `ZS_MODEL_TRACE=1`: print every operation and its result;
//!
//! The sequences run in a child process (this test binary run again), one
//! after the other: zs_destroy_all and zs_socket_count are process-wide, and
//! each sequence ends with no socket left. A crash cannot panic, and a
//! fault in one of libzmq's threads (which block every signal) kills the
//! process before any handler runs; so the child writes the seed and the
//! operation it is at into a small file, and the parent names them when the
//! child dies.

mod model;

use std::os::unix::fs::FileExt;
use std::os::unix::process::ExitStatusExt;
use std::process::Command;
use std::time::{Duration, Instant};

const DEFAULT_SEQUENCES: u64 = 10_000;
/// The whole run must end within this (a watchdog against hangs).
const WATCHDOG: Duration = Duration::from_secs(300);
const CHILD_ENV: &str = "ZS_MODEL_CHILD_PROGRESS";
const TEST_NAME: &str = "random_sequences_match_the_model";

fn env_u64(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    Some(
        v.trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a number")),
    )
}

fn seeds() -> Vec<u64> {
    match env_u64("ZS_MODEL_SEED") {
        Some(s) => vec![s],
        None => (0..env_u64("ZS_MODEL_SEQUENCES").unwrap_or(DEFAULT_SEQUENCES)).collect(),
    }
}

fn reproduce(seed: u64) -> String {
    format!("ZS_MODEL_SEED={seed} ZS_MODEL_TRACE=1 cargo test --release --test model_random")
}

#[test]
fn random_sequences_match_the_model() {
    match std::env::var_os(CHILD_ENV) {
        Some(path) => run_sequences(std::path::Path::new(&path)),
        None => supervise(),
    }
}

/// Parent: run the sequences in a child and report how it ended.
fn supervise() {
    let progress = std::env::temp_dir().join(format!("zs_model_progress_{}", std::process::id()));
    std::fs::write(&progress, [0xFFu8; 16]).expect("progress file");
    let mut child = Command::new(std::env::current_exe().expect("current exe"))
        .args([TEST_NAME, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, &progress)
        .spawn()
        .expect("spawn the child run");
    let start = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().expect("wait for the child") {
            break Some(st);
        }
        if start.elapsed() > WATCHDOG {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let bytes = std::fs::read(&progress).unwrap_or_default();
    let _ = std::fs::remove_file(&progress);
    let word = |at: usize| {
        bytes
            .get(at..at + 8)
            .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
            .unwrap_or(u64::MAX)
    };
    let (seed, op) = (word(0), word(8));
    let at = if op == u64::MAX {
        format!("seed {seed} (setup or end of sequence)")
    } else {
        format!("seed {seed} op #{op}")
    };
    match status {
        None => panic!(
            "model_random: the run did not end within {WATCHDOG:?} (hang) at {at}; reproduce with: {}",
            reproduce(seed)
        ),
        Some(st) if st.success() => {}
        Some(st) => match st.signal() {
            Some(sig) => panic!(
                "model_random: the process CRASHED (signal {sig}{}) at {at}; reproduce with: {}",
                if sig == 11 { ", SIGSEGV" } else { "" },
                reproduce(seed)
            ),
            // The child's panic message, with the seed, is above.
            None => panic!(
                "model_random: the run failed ({st}) at {at}, see the message above; reproduce with: {}",
                reproduce(seed)
            ),
        },
    }
}

/// Child: run every sequence, checked at every step.
fn run_sequences(progress: &std::path::Path) {
    let seeds = seeds();
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(progress)
        .expect("progress file");
    let mut exec = model::Executor::new().unwrap_or_else(|e| panic!("model setup: {e}"));
    exec.trace = std::env::var_os("ZS_MODEL_TRACE").is_some_and(|v| v != "0");
    exec.progress = Some(file.try_clone().expect("progress file"));
    let start = Instant::now();
    for &seed in &seeds {
        file.write_all_at(&seed.to_le_bytes(), 0)
            .expect("progress file");
        let program = model::decode(&model::bytes_for_seed(seed));
        if let Err(f) = exec.run(&program) {
            panic!(
                "model-based sequence failed at seed {seed}: {f}\n\
                 program ({} ops, TCP binds: {}): {:?}\n\
                 reproduce with: {}",
                program.ops.len(),
                program.tcp_binds,
                program.ops,
                reproduce(seed)
            );
        }
    }
    let s = &exec.stats;
    eprintln!(
        "model_random: {} sequences ({} with TCP binds), {} ops, {} state checks ({} query calls), \
         {} sockets, {} TCP binds, {} ops on bad handles, {} predicted errors, {} messages sent, \
         {} certain deliveries checked, {} possible deliveries seen, {} destroy_all, \
         in {:.1} s",
        s.sequences,
        s.tcp_sequences,
        s.ops,
        s.state_checks,
        s.query_calls,
        s.sockets_created,
        s.tcp_binds,
        s.bad_handle_ops,
        s.predicted_errors,
        s.messages_sent,
        s.certain_delivered,
        s.possible_delivered,
        s.destroy_all_calls,
        start.elapsed().as_secs_f64()
    );
    if std::env::var_os("ZS_MODEL_TIMES").is_some() {
        for (kind, (n, ns)) in &s.op_time {
            eprintln!(
                "  {kind:<20} {n:>7} ops, {:>8.1} us each",
                *ns as f64 / 1000.0 / (*n).max(1) as f64
            );
        }
        eprintln!(
            "  cleanup (due receives, destroys): {:.1} us per sequence",
            s.cleanup_ns as f64 / 1000.0 / s.sequences.max(1) as f64
        );
    }
    assert_eq!(s.sequences, seeds.len() as u64);
    if seeds.len() as u64 >= DEFAULT_SEQUENCES {
        // The run must exercise what it claims to check.
        assert!(s.certain_delivered > 0, "no certain delivery was checked");
        assert!(s.tcp_binds > 0, "no TCP bind was made");
        assert!(s.bad_handle_ops > 0, "no op on a dead handle");
        assert!(s.destroy_all_calls > 0, "no destroy_all");
    }
}
