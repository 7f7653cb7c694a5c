//! The operation set: the operations, their names and weights, which
//! are skipped, how a worker picks one and which method runs it.

use std::sync::atomic::AtomicU64;
use std::sync::OnceLock;

use zmqsocket::*;

use crate::codes::NONNEG;
use crate::private::MAX_PAIRS;
use crate::Worker;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub(crate) enum Op {
    Idle,
    PairCreate,
    PairDestroy,
    Exchange,
    Rebind,
    PrivQuery,
    PrivRecvEmpty,
    PrivWait,
    SharedFill,
    SharedReplace,
    SharedRecv,
    SharedSend,
    SharedConnect,
    SharedDisconnect,
    SharedBind,
    SharedQuery,
    Poll,
    Count,
    StaleQuery,
    Victim,
    Reap,
    DestroyAll,
    Cleanup,
    Done,
}

pub(crate) const OP_NAMES: [&str; 24] = [
    "idle",
    "pair create",
    "pair destroy",
    "exchange",
    "rebind",
    "private query",
    "private recv-empty",
    "private wait-connected",
    "shared fill",
    "shared replace",
    "shared recv",
    "shared send",
    "shared connect",
    "shared disconnect",
    "shared bind/unbind",
    "shared query",
    "poll",
    "socket count",
    "stale-handle query",
    "victim (FOREVER call)",
    "reap (destroy victim)",
    "destroy_all",
    "cleanup",
    "done",
];

pub(crate) static OP_COUNT: [AtomicU64; OP_NAMES.len()] =
    [const { AtomicU64::new(0) }; OP_NAMES.len()];

/// Random choices and their weights.
const WEIGHTS: [(Op, u64); 18] = [
    (Op::PairCreate, 4),
    (Op::PairDestroy, 2),
    (Op::Exchange, 14),
    (Op::Rebind, 4),
    (Op::PrivQuery, 6),
    (Op::PrivRecvEmpty, 4),
    (Op::PrivWait, 3),
    (Op::SharedReplace, 3),
    (Op::SharedRecv, 10),
    (Op::SharedSend, 10),
    (Op::SharedConnect, 5),
    (Op::SharedDisconnect, 3),
    (Op::SharedBind, 4),
    (Op::SharedQuery, 8),
    (Op::Poll, 5),
    (Op::Count, 2),
    (Op::StaleQuery, 2),
    (Op::Victim, 3),
];

/// Roughly one random `zs_destroy_all` attempt per this many operations
/// (and at most one every 2 s).
pub(crate) const DA_ONE_IN: u64 = 300;
pub(crate) const DA_MIN_GAP_NS: u64 = 2_000_000_000;

/// Operations named (by their `Op` variant, e.g. `Victim,Poll`) in
/// `ZS_CONCURRENCY_SKIP` are not run: a way to narrow down a failure.
pub(crate) fn skipped(op: Op) -> bool {
    static SKIP: OnceLock<Vec<String>> = OnceLock::new();
    SKIP.get_or_init(|| {
        std::env::var("ZS_CONCURRENCY_SKIP")
            .unwrap_or_default()
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    })
    .iter()
    .any(|s| *s == format!("{op:?}"))
}

impl Worker {
    pub(crate) fn pick(&mut self) -> Op {
        let weight = |op: Op, w: u64| if skipped(op) { 0 } else { w };
        let total: u64 = WEIGHTS.iter().map(|&(op, w)| weight(op, w)).sum();
        if total == 0 {
            return Op::Idle;
        }
        let mut x = self.rng.below(total);
        for (op, w) in WEIGHTS {
            let w = weight(op, w);
            if x < w {
                return op;
            }
            x -= w;
        }
        Op::Idle
    }

    pub(crate) fn dispatch(&mut self, op: Op) {
        let i = self.rng.index(self.pairs.len());
        match op {
            Op::PairCreate if self.pairs.len() < MAX_PAIRS => self.pair_create(),
            Op::PairCreate => {}
            Op::PairDestroy if self.pairs.len() > 1 => {
                let p = self.pairs.swap_remove(i);
                self.pair_drop(p, "destroy");
            }
            Op::PairDestroy => {}
            Op::Exchange => self.exchange(i),
            Op::Rebind => self.rebind(i),
            Op::PrivQuery => self.private_query(i),
            Op::PrivRecvEmpty => self.private_recv_empty(i),
            Op::PrivWait => self.private_wait(i),
            Op::SharedReplace => self.shared_replace(),
            Op::SharedRecv => self.shared_recv(),
            Op::SharedSend => self.shared_send(),
            Op::SharedConnect => self.shared_connect(),
            Op::SharedDisconnect => self.shared_disconnect(),
            Op::SharedBind => self.shared_bind(),
            Op::SharedQuery => self.shared_query(),
            Op::Poll => self.poll(),
            Op::Count => {
                let n = zs_socket_count();
                self.check("zs_socket_count", n, &[NONNEG]);
                if n > 1000 {
                    self.fail(format!("zs_socket_count() = {n}: sockets are leaking"));
                }
            }
            Op::StaleQuery => self.stale_query(),
            Op::Victim => self.victim(),
            _ => {}
        }
    }
}
