//! Issue 5, item 4: concurrency stress with a watchdog (SPEC section 12).
//!
//! Eight worker threads, each with its own seeded PRNG (splitmix64), run
//! random operations for a bounded time (`ZS_CONCURRENCY_SECS`, default 8;
//! `ZS_CONCURRENCY_SEED` picks the seeds) on:
//!
//! - private PUSH->PULL pairs of their own: create, destroy, exchange
//!   numbered messages (every send and receive form, checked in order and
//!   byte for byte), rebind to a new ephemeral port (unbind/disconnect,
//!   close, the `_all_` forms, endpoint forms), queries (`zs_bound_ports`,
//!   `zs_endpoints`, `zs_is_bound_to_port`, `zs_is_connected_to_host`,
//!   `zs_peer_count`, `zs_wait_connected`, `zs_wait_peers`);
//! - a pool of shared handles (four PULLs, four PUSHes, in an array of
//!   `AtomicU64`) that any thread uses, binds, connects, sends on,
//!   receives from, queries, destroys and replaces;
//! - "victims": a socket published for other threads, on which its thread
//!   then blocks with `ZS_TIMEOUT_FOREVER` (receive, send, poll, wait for
//!   peers, drain, pump) until another thread destroys it (scenario a);
//! - `zs_destroy_all`, now and then from any thread and twice on schedule
//!   from thread 0 while a victim is blocked (scenario b).
//!
//! Every return code must be one the contract allows in that situation:
//! `ZS_ERR_BAD_HANDLE` on a shared handle only if it left its slot or a
//! `zs_destroy_all` may have hit it, on a private handle only if a
//! `zs_destroy_all` may have hit it (and it must be `ZS_ERR_BAD_HANDLE`
//! once a `zs_destroy_all` that began after the handle was made has
//! finished). Every failure must set the thread's last error (code and a
//! non-empty text naming the function). A blocked FOREVER call must
//! return `ZS_ERR_BAD_HANDLE` within 2 s of the destroy that ends it (a
//! hang check, not a speed check).
//!
//! The main thread is a watchdog: if the workers have not all finished by
//! the run time + 30 s it prints each stuck thread's current operation and
//! aborts. At the end every socket is destroyed and `zs_socket_count()` is
//! 0. `zs_destroy_all` is process-wide: this binary holds a single test.
//!
//! This file holds the test, the worker loop and the watchdog; `ops` the
//! operation set, `private` and `shared` the operations on private pairs
//! and on the shared pool, `kills` the victims, `zs_destroy_all` and their
//! log, `codes` the result-code checks and counts, `wire` the message
//! format and `rng` the PRNG helpers.

mod codes;
#[path = "../common/mod.rs"]
mod common;
mod kills;
mod ops;
mod private;
mod rng;
mod shared;
mod wire;

use std::any::Any;
use std::io::Write;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering::SeqCst};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

use zmqsocket::*;

use crate::codes::{code_name, CODE_COUNT};
use crate::common::*;
use crate::kills::{
    born_of, handle_of, log, reap, DA_FINISHED, DA_STARTED, HOLD_VICTIMS, VICTIM, VICTIM_KINDS,
};
use crate::ops::{skipped, Op, DA_ONE_IN, OP_COUNT, OP_NAMES};
use crate::private::{Pair, FOREIGN_SHARED, OLD_GEN, PRIV_RECV, PRIV_SENT, REBINDS};
use crate::rng::mix;
use crate::shared::{SHARED_RECV, SHARED_SENT, SHARED_SLOTS};

const THREADS: usize = 8;
/// A blocked call must return within this of the destroy that ends it.
const INTERRUPT_BOUND_NS: u64 = 2_000_000_000;
/// Any single destroy must return within this (a hang check).
const DESTROY_BOUND_NS: u64 = 2_000_000_000;
const WATCHDOG_GRACE: Duration = Duration::from_secs(30);

static START: OnceLock<Instant> = OnceLock::new();
static STOP: AtomicBool = AtomicBool::new(false);
/// What each thread is doing, for the watchdog.
static CUR_OP: [AtomicU32; THREADS] = [const { AtomicU32::new(0) }; THREADS];
static OP_SINCE: [AtomicU64; THREADS] = [const { AtomicU64::new(0) }; THREADS];

fn now_ns() -> u64 {
    START.get().expect("START set").elapsed().as_nanos() as u64
}

struct Worker {
    tid: usize,
    rng: SplitMix64,
    pairs: Vec<Pair>,
    uid_next: u64,
    shared_seq: u32,
    op: Op,
    end_ns: u64,
    /// Handles this thread destroyed (OK): using them must be BAD_HANDLE.
    graveyard: Vec<u64>,
}

fn panic_text(p: &(dyn Any + Send)) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "non-string panic".into())
}

impl Worker {
    fn set_op(&mut self, op: Op) {
        self.op = op;
        CUR_OP[self.tid].store(op as u32, SeqCst);
        OP_SINCE[self.tid].store(now_ns(), SeqCst);
        OP_COUNT[op as usize].fetch_add(1, SeqCst);
    }

    #[track_caller]
    fn fail(&self, msg: String) -> ! {
        STOP.store(true, SeqCst);
        panic!(
            "worker {} during \"{}\": {msg}",
            self.tid, OP_NAMES[self.op as usize]
        )
    }

    fn new_socket(&self, t: i32) -> u64 {
        let mut s: zs_socket = 0;
        let rc = zs_socket_new(t, &mut s);
        self.check("zs_socket_new", rc, &[OK]);
        s
    }

    fn run(&mut self) {
        let mut next_forced = 1;
        while !STOP.load(SeqCst) && now_ns() < self.end_ns {
            if self.tid == 0
                && next_forced <= 2
                && now_ns() >= self.end_ns * next_forced / 3
                && !skipped(Op::DestroyAll)
            {
                next_forced += 1;
                self.forced_destroy_all();
                continue;
            }
            let hold = HOLD_VICTIMS.load(SeqCst);
            // Victims blocked long enough are always reaped; younger ones
            // now and then, at a random age.
            let min_age = if hold {
                3_000_000_000
            } else if self.rng.one_in(4) {
                self.rng.range(10, 200) as u64 * 1_000_000
            } else {
                400_000_000
            };
            let tid = self.tid;
            reap(tid, min_age, || {
                CUR_OP[tid].store(Op::Reap as u32, SeqCst);
                OP_SINCE[tid].store(now_ns(), SeqCst);
                OP_COUNT[Op::Reap as usize].fetch_add(1, SeqCst);
            });
            if self.pairs.is_empty() {
                self.set_op(Op::PairCreate);
                self.pair_create();
                continue;
            }
            if self.rng.one_in(DA_ONE_IN) && !skipped(Op::DestroyAll) {
                self.random_destroy_all();
                continue;
            }
            let op = if hold && self.rng.one_in(4) && !skipped(Op::Victim) {
                Op::Victim
            } else {
                self.pick()
            };
            self.set_op(op);
            self.dispatch(op);
        }
        self.set_op(Op::Cleanup);
        for p in std::mem::take(&mut self.pairs) {
            self.pair_drop(p, "cleanup");
        }
        self.set_op(Op::Done);
    }
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// Write to stderr directly (not captured by the test harness), so the
/// watchdog's report survives an abort.
fn say(text: &str) {
    let mut e = std::io::stderr().lock();
    let _ = e.write_all(text.as_bytes());
    let _ = e.flush();
}

#[test]
fn eight_threads_random_operations_with_watchdog() {
    let secs: f64 = env_or("ZS_CONCURRENCY_SECS", 8.0);
    let seed: u64 = env_or("ZS_CONCURRENCY_SEED", 0x5EED_C0DE);
    let start = *START.get_or_init(Instant::now);
    let run_ns = (secs * 1e9) as u64;
    assert!(run_ns >= 1_000_000_000, "ZS_CONCURRENCY_SECS must be >= 1");
    assert_eq!(zs_socket_count(), 0, "the test starts with no sockets");

    let workers: Vec<_> = (0..THREADS)
        .map(|tid| {
            thread::Builder::new()
                .name(format!("zsconc-{tid}"))
                .spawn(move || {
                    let mut w = Worker {
                        tid,
                        rng: SplitMix64(mix(
                            seed ^ (tid as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
                        )),
                        pairs: Vec::new(),
                        uid_next: 0,
                        shared_seq: 0,
                        op: Op::Idle,
                        end_ns: run_ns,
                        graveyard: Vec::new(),
                    };
                    let r = panic::catch_unwind(AssertUnwindSafe(|| w.run()));
                    if r.is_err() {
                        STOP.store(true, SeqCst);
                    }
                    CUR_OP[tid].store(Op::Done as u32, SeqCst);
                    r.map_err(|p| panic_text(&*p))
                })
                .expect("spawn worker")
        })
        .collect();

    // The watchdog: after the run (or a failure), the main thread also
    // reaps victims so nobody stays blocked; past the deadline it names
    // the stuck threads and aborts.
    let deadline = start + Duration::from_nanos(run_ns) + WATCHDOG_GRACE;
    while !workers.iter().all(|w| w.is_finished()) {
        if STOP.load(SeqCst) || now_ns() >= run_ns {
            reap(THREADS, 100_000_000, || {});
        }
        if Instant::now() > deadline {
            let mut report = format!(
                "\nWATCHDOG: workers still running {:.1} s after the start (run {secs} s + {} s); \
                 a deadlock or hang:\n",
                start.elapsed().as_secs_f64(),
                WATCHDOG_GRACE.as_secs()
            );
            for (tid, w) in workers.iter().enumerate() {
                if !w.is_finished() {
                    let op = CUR_OP[tid].load(SeqCst) as usize;
                    let since = now_ns().saturating_sub(OP_SINCE[tid].load(SeqCst));
                    report += &format!(
                        "  worker {tid}: stuck in \"{}\" for {} ms (victim slot {:#x})\n",
                        OP_NAMES.get(op).unwrap_or(&"?"),
                        since / 1_000_000,
                        VICTIM[tid].load(SeqCst)
                    );
                }
            }
            report += &format!(
                "  zs_destroy_all begun {} finished {}\n",
                DA_STARTED.load(SeqCst),
                DA_FINISHED.load(SeqCst)
            );
            say(&report);
            std::process::abort();
        }
        thread::sleep(Duration::from_millis(20));
    }
    let failures: Vec<String> = workers
        .into_iter()
        .enumerate()
        .filter_map(|(tid, w)| match w.join() {
            Ok(Ok(())) => None,
            Ok(Err(msg)) => Some(format!("worker {tid}: {msg}")),
            Err(p) => Some(format!("worker {tid}: {}", panic_text(&*p))),
        })
        .collect();
    assert!(
        failures.is_empty(),
        "workers failed:\n{}",
        failures.join("\n")
    );
    let wall = start.elapsed();

    // Nothing left blocked; destroy the shared pool.
    for (i, v) in VICTIM.iter().enumerate() {
        assert_eq!(v.load(SeqCst), 0, "victim of worker {i} left behind");
    }
    for (i, slot) in SHARED_SLOTS.iter().enumerate() {
        let v = slot.swap(0, SeqCst);
        if v != 0 {
            let rc = zs_socket_destroy(handle_of(v));
            assert!(
                rc == OK || (rc == BAD_HANDLE && DA_STARTED.load(SeqCst) > born_of(v)),
                "destroying shared slot {i}: {rc} {}",
                last_error()
            );
        }
    }
    let left = zs_socket_count();
    assert_eq!(left, 0, "sockets leaked: every socket was destroyed");
    assert_eq!(zs_destroy_all(), 0);
    assert_eq!(zs_socket_count(), 0);

    // Scenario (a): every blocked FOREVER call returned BAD_HANDLE soon
    // after the destroy that ended it.
    let log = log();
    let mut by_destroy = 0u64;
    let mut by_destroy_blocked = 0u64;
    let mut by_destroy_all = 0u64;
    let mut lat_max = 0u64;
    let mut lat_sum = 0u64;
    let mut per_kind = [0u64; VICTIM_KINDS.len()];
    for v in &log.victims {
        per_kind[v.kind] += 1;
        let kill = log.kills.iter().find(|k| k.handle == v.handle);
        let latency = match kill {
            Some(k) if k.rc == OK => {
                assert!(
                    v.ret_ns >= k.at_ns,
                    "{}(FOREVER) on victim {} returned BAD_HANDLE {} us before it was destroyed",
                    VICTIM_KINDS[v.kind],
                    v.handle,
                    (k.at_ns - v.ret_ns) / 1000
                );
                by_destroy += 1;
                if k.at_ns > v.call_ns + 10_000_000 {
                    by_destroy_blocked += 1;
                }
                v.ret_ns - k.at_ns
            }
            _ => {
                // Destroyed by a zs_destroy_all that began after the victim
                // was made (number >= born_f): measure from the earliest
                // such start, or the call's start if later.
                let first = log
                    .das
                    .iter()
                    .filter(|d| d.number >= v.born_f && d.start_ns <= v.ret_ns)
                    .map(|d| d.start_ns)
                    .min()
                    .unwrap_or_else(|| {
                        panic!(
                            "victim {} returned BAD_HANDLE with no destroy to explain it",
                            v.handle
                        )
                    });
                by_destroy_all += 1;
                v.ret_ns - first.max(v.call_ns)
            }
        };
        assert!(
            latency <= INTERRUPT_BOUND_NS,
            "{}(FOREVER) on victim {} returned {} ms after its destroy (bound 2000 ms)",
            VICTIM_KINDS[v.kind],
            v.handle,
            latency / 1_000_000
        );
        lat_max = lat_max.max(latency);
        lat_sum += latency;
    }
    let kill_max = log.kills.iter().map(|k| k.dur_ns).max().unwrap_or(0);
    assert!(
        kill_max <= DESTROY_BOUND_NS,
        "a zs_socket_destroy of a blocked socket took {} ms",
        kill_max / 1_000_000
    );
    let da_blocked = log.das.iter().filter(|d| d.victims_blocked > 0).count();
    let da_max = log
        .das
        .iter()
        .map(|d| d.end_ns - d.start_ns)
        .max()
        .unwrap_or(0);
    let da_destroyed: i64 = log.das.iter().map(|d| i64::from(d.destroyed)).sum();

    // The figures.
    let total: u64 = OP_COUNT.iter().map(|c| c.load(SeqCst)).sum();
    let calls: u64 = CODE_COUNT.iter().map(|c| c.load(SeqCst)).sum();
    let mut out = format!(
        "\nconcurrency: {THREADS} threads, seed {seed:#x}, run {secs} s, wall {:.1} s\n\
         operations: {total} (zs_* results checked: {calls})\n",
        wall.as_secs_f64()
    );
    for (i, name) in OP_NAMES.iter().enumerate() {
        let n = OP_COUNT[i].load(SeqCst);
        if n > 0 {
            out += &format!("  {name:<24} {n}\n");
        }
    }
    out += "results:\n";
    for (i, c) in CODE_COUNT.iter().enumerate() {
        let n = c.load(SeqCst);
        if n > 0 {
            out += &format!("  {:<60} {n}\n", code_name(i));
        }
    }
    out += &format!(
        "private messages: {} sent, {} received in order; {} rebinds; strays: {} shared, {} older-generation\n\
         shared messages: {} sent, {} received whole\n\
         FOREVER calls interrupted: {} ({} by zs_socket_destroy, {} of them blocked >= 10 ms first; {} by zs_destroy_all)\n\
         \x20 per call: {}\n\
         \x20 interrupt latency: max {:.1} ms, mean {:.1} ms; slowest destroy of a blocked socket {:.1} ms\n\
         zs_destroy_all: {} calls ({} while a victim was blocked), {} sockets destroyed, slowest {:.0} ms\n",
        PRIV_SENT.load(SeqCst),
        PRIV_RECV.load(SeqCst),
        REBINDS.load(SeqCst),
        FOREIGN_SHARED.load(SeqCst),
        OLD_GEN.load(SeqCst),
        SHARED_SENT.load(SeqCst),
        SHARED_RECV.load(SeqCst),
        log.victims.len(),
        by_destroy,
        by_destroy_blocked,
        by_destroy_all,
        VICTIM_KINDS
            .iter()
            .zip(per_kind)
            .map(|(k, n)| format!("{k} {n}"))
            .collect::<Vec<_>>()
            .join(", "),
        lat_max as f64 / 1e6,
        if log.victims.is_empty() {
            0.0
        } else {
            lat_sum as f64 / 1e6 / log.victims.len() as f64
        },
        kill_max as f64 / 1e6,
        log.das.len(),
        da_blocked,
        da_destroyed,
        da_max as f64 / 1e6,
    );
    say(&out);

    // The scenarios really happened (unless some were skipped).
    if std::env::var("ZS_CONCURRENCY_SKIP").is_ok_and(|s| !s.trim().is_empty()) {
        return;
    }
    assert!(log.das.len() >= 2, "the two scheduled zs_destroy_all ran");
    assert!(
        da_blocked >= 1,
        "a zs_destroy_all ran while a victim was blocked"
    );
    assert!(
        by_destroy_all >= 1,
        "a zs_destroy_all interrupted a FOREVER call"
    );
    assert!(
        by_destroy_blocked >= 1,
        "a zs_socket_destroy interrupted a FOREVER call already blocked"
    );
    assert!(PRIV_RECV.load(SeqCst) > 0 && SHARED_SENT.load(SeqCst) > 0);
}
