//! The executor: runs a program against the library as one sequence,
//! checking every step, and reports a [`Failure`] and the [`Stats`].

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::time::{Duration, Instant};

use zmqsocket::*;

use super::calls::{cstring, expect, last_error, HWM, OK};
use super::decoder::{Kind, Op, Program};
use super::state::{Maybe, Run, PEER};

mod check;
mod messages;
mod step;
mod update;

/// How long a receive waits for a message the model says must come.
const DELIVERY_WAIT_MS: i32 = 2000;
/// A message queued by a socket of a sequence that ended this long ago can
/// no longer arrive anywhere (lingers are at most 1000 ms).
const STALE_AFTER: Duration = Duration::from_secs(3);

/// Handles that are never sockets: 0, and one above anything issued.
const BOGUS: [u64; 2] = [0, (1 << 53) - 1];

/// A check that failed: which step, what was done, what went wrong.
#[derive(Debug)]
pub struct Failure {
    /// The index of the operation in the program; None: setup or cleanup.
    pub op_index: Option<usize>,
    pub op: Option<Op>,
    /// The operation as executed (resolved handle and arguments).
    pub did: String,
    pub msg: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.op_index, self.op) {
            (Some(i), Some(op)) => write!(f, "op #{i} {op:?}")?,
            _ => write!(f, "end of sequence")?,
        }
        write!(f, ", executed as `{}`: {}", self.did, self.msg)
    }
}

/// What the runs did, for the report.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub sequences: u64,
    pub tcp_sequences: u64,
    pub ops: u64,
    /// Operations answered ZS_ERR_BAD_HANDLE (dead or bogus handles).
    pub bad_handle_ops: u64,
    /// Operations that failed as predicted (any error code).
    pub predicted_errors: u64,
    pub sockets_created: u64,
    pub tcp_binds: u64,
    pub messages_sent: u64,
    /// Messages received and matched to an expected (certain) delivery.
    pub certain_delivered: u64,
    /// Messages received that were possible (not certain) deliveries.
    pub possible_delivered: u64,
    /// State checks (one after every step).
    pub state_checks: u64,
    /// Query calls made by the state checks.
    pub query_calls: u64,
    pub destroy_all_calls: u64,
    /// Per operation kind: how many, and their total time in ns.
    pub op_time: BTreeMap<String, (u64, u128)>,
    /// Time spent receiving what was due and destroying what was left.
    pub cleanup_ns: u128,
}

/// Runs programs against the library, one sequence at a time, in one
/// process: it must be the only user of zmqsocket there (zs_socket_count,
/// zs_destroy_all and the host table are process-wide).
pub struct Executor {
    /// Ports nobody listened on at setup: connect targets only, never bound.
    dead_ports: Vec<u16>,
    seq: u64,
    /// Messages that may still arrive, by tag (across sequences: a socket
    /// lingering after its sequence could still deliver).
    possible: HashMap<Vec<u8>, Maybe>,
    /// When each recent sequence ended.
    ended: HashMap<u64, Instant>,
    /// Every handle ever issued: never reused.
    issued: HashSet<u64>,
    pub stats: Stats,
    /// Print every operation and its result to stderr.
    pub trace: bool,
    /// If set, the index of the operation running now (u64::MAX: the end
    /// of the sequence) is written at offset 8 of this file before it
    /// runs, so that a parent process can tell where a crash happened
    /// (a fault in a libzmq thread, which blocks every signal, kills the
    /// process before any handler could say so).
    pub progress: Option<std::fs::File>,
}

impl Executor {
    /// Set up: binds on 127.0.0.1 only, `mz_nohost` absent, and two ports
    /// nobody listens on (bound, unbound, destroyed).
    pub fn new() -> Result<Executor, String> {
        let iface = cstring("127.0.0.1");
        if zs_set_bind_interface(iface.as_ptr()) != OK {
            return Err(format!("zs_set_bind_interface: {:?}", last_error()));
        }
        let _ = zs_host_remove(cstring("mz_nohost").as_ptr());
        let mut dead_ports = Vec::new();
        for _ in 0..2 {
            let mut s: zs_socket = 0;
            let port = zs_socket_new_bound(Kind::Pull.code(), 0, HWM, HWM, &mut s);
            if port <= 0 {
                return Err(format!("setup bind: {port} {:?}", last_error()));
            }
            if zs_unbind_from_port(s, port) != OK || zs_socket_destroy(s) != OK {
                return Err(format!("setup unbind/destroy: {:?}", last_error()));
            }
            dead_ports.push(port as u16);
        }
        if zs_socket_count() != 0 {
            return Err(format!(
                "zmqsocket is used by something else in this process: {} sockets",
                zs_socket_count()
            ));
        }
        Ok(Executor {
            dead_ports,
            seq: 0,
            possible: HashMap::new(),
            ended: HashMap::new(),
            issued: HashSet::new(),
            stats: Stats::default(),
            trace: false,
            progress: None,
        })
    }

    /// Run one program as one sequence: every step checked, then every
    /// message the model expects received and every socket destroyed.
    pub fn run(&mut self, program: &Program) -> Result<(), Failure> {
        self.seq += 1;
        let seq = self.seq;
        self.prune();
        let mut run = Run {
            seq,
            live: BTreeMap::new(),
            handles: Vec::new(),
            dead: Vec::new(),
            ports: Vec::new(),
            tcp_binders: HashMap::new(),
            free: HashMap::new(),
            names: (0..2).map(|k| format!("inproc://mz-{seq}-{k}")).collect(),
            inproc: HashMap::new(),
            peer_addr: Some("127.0.0.1"),
            waiting: HashMap::new(),
            expected: Vec::new(),
            proxies: Vec::new(),
        };
        let end = |did: &str, msg: String| Failure {
            op_index: None,
            op: None,
            did: did.to_string(),
            msg,
        };
        if zs_socket_count() != 0 {
            return Err(end(
                "start",
                format!(
                    "the sequence starts with {} sockets alive, not 0",
                    zs_socket_count()
                ),
            ));
        }
        if zs_host_set(cstring(PEER).as_ptr(), cstring("127.0.0.1").as_ptr()) != OK {
            return Err(end("zs_host_set", format!("{:?}", last_error())));
        }
        self.stats.sequences += 1;
        if program.tcp_binds {
            self.stats.tcp_sequences += 1;
        }
        for (i, op) in program.ops.iter().enumerate() {
            let mut did = String::new();
            if self.trace {
                eprintln!("seq {seq} op #{i} {op:?} ...");
            }
            let t = Instant::now();
            self.note_progress(i as u64);
            let result = self.step(&mut run, op, seq, i, &mut did);
            let e = self
                .stats
                .op_time
                .entry(format!("{:?}", op.kind))
                .or_default();
            e.0 += 1;
            e.1 += t.elapsed().as_nanos();
            let result = result.and_then(|()| self.check_state(&run));
            if self.trace {
                eprintln!("    {did}");
            }
            self.stats.ops += 1;
            if let Err(msg) = result {
                return Err(Failure {
                    op_index: Some(i),
                    op: Some(*op),
                    did,
                    msg,
                });
            }
        }
        // Everything the model expects must arrive.
        self.note_progress(u64::MAX);
        let t = Instant::now();
        let receivers: Vec<u64> = {
            let mut r: Vec<u64> = run.expected.iter().map(|e| e.receiver).collect();
            r.dedup();
            r
        };
        for h in receivers {
            let mut rounds = run.expected.len() + self.possible.len() + 2;
            while run.expected.iter().any(|e| e.receiver == h) {
                let did = format!("final zs_recv_multi(h={h}, {DELIVERY_WAIT_MS} ms)");
                if rounds == 0 {
                    return Err(end(&did, "receive loop did not end".into()));
                }
                rounds -= 1;
                self.receive(&mut run, h, 1, true)
                    .map_err(|m| end(&did, m))?;
            }
        }
        // Destroy what is left, checking the state after each.
        while let Some(h) = run.proxies.pop() {
            let did = format!("cleanup zs_socket_destroy(proxy h={h})");
            let before = zs_last_error_code();
            expect(zs_socket_destroy(h), &[OK], before)
                .and_then(|_| {
                    run.handles.push(h);
                    self.check_state(&run)
                })
                .map_err(|m| end(&did, m))?;
        }
        let left: Vec<u64> = run.live.keys().copied().collect();
        for h in left {
            let did = format!("cleanup zs_socket_destroy(h={h})");
            let before = zs_last_error_code();
            let rc = zs_socket_destroy(h);
            expect(rc, &[OK], before)
                .and_then(|_| {
                    self.destroyed(&mut run, h);
                    self.check_state(&run)
                })
                .map_err(|m| end(&did, m))?;
        }
        self.ended.insert(seq, Instant::now());
        self.stats.cleanup_ns += t.elapsed().as_nanos();
        Ok(())
    }

    fn note_progress(&self, op: u64) {
        use std::os::unix::fs::FileExt;
        if let Some(f) = &self.progress {
            let _ = f.write_all_at(&op.to_le_bytes(), 8);
        }
    }

    /// Forget the possible messages of sequences that ended long ago.
    fn prune(&mut self) {
        let now = Instant::now();
        let old: HashSet<u64> = self
            .ended
            .iter()
            .filter(|(_, t)| now.duration_since(**t) > STALE_AFTER)
            .map(|(s, _)| *s)
            .collect();
        if old.is_empty() {
            return;
        }
        self.possible.retain(|_, m| !old.contains(&m.seq));
        self.ended.retain(|s, _| !old.contains(s));
    }

    fn pick_sock(&self, run: &Run, sel: u8) -> u64 {
        if sel >= 0xF0 || run.live.is_empty() {
            let n = run.handles.len() + BOGUS.len();
            let i = usize::from(sel) % n;
            if i < run.handles.len() {
                run.handles[i]
            } else {
                BOGUS[i - run.handles.len()]
            }
        } else {
            let live: Vec<u64> = run.live.keys().copied().collect();
            live[usize::from(sel) % live.len()]
        }
    }

    /// A port for a bind: 0 (ephemeral) or one the run learned.
    fn bind_port(&self, run: &Run, sel: u8) -> u16 {
        if sel < 128 || run.ports.is_empty() {
            0
        } else {
            run.ports[usize::from(sel) % run.ports.len()]
        }
    }

    /// Ports to connect to, disconnect from, unbind or ask about.
    fn known_ports(&self, run: &Run) -> Vec<u16> {
        let mut v = run.ports.clone();
        for p in &self.dead_ports {
            if !v.contains(p) {
                v.push(*p);
            }
        }
        v
    }

    fn any_port(&self, run: &Run, sel: u8) -> u16 {
        let v = self.known_ports(run);
        v[usize::from(sel) % v.len()]
    }
}
