//! Who destroys what: each handle's record of the `zs_destroy_all` calls
//! around its creation, the victims blocked in FOREVER calls and the
//! reapers that destroy them, `zs_destroy_all` itself, and the log of
//! kills, victims and destroy_alls that the test checks at the end.

use std::os::raw::c_void;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering::SeqCst};
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

use zmqsocket::*;

use crate::codes::{code_slot, pump_rc, CODE_COUNT, NONNEG};
use crate::common::*;
use crate::ops::{Op, DA_MIN_GAP_NS};
use crate::wire::{recv_with, zs_frames};
use crate::{now_ns, Worker, STOP, THREADS};

/// Handles are below 2^53; slots pack the `DA_FINISHED` count read before
/// the socket was made into the bits above.
pub(crate) const HANDLE_MASK: u64 = (1 << 53) - 1;

/// `zs_destroy_all` calls begun / returned.
pub(crate) static DA_STARTED: AtomicU64 = AtomicU64::new(0);
pub(crate) static DA_FINISHED: AtomicU64 = AtomicU64::new(0);
/// When the last `zs_destroy_all` returned (ns since START; 0: none yet).
static LAST_DA_NS: AtomicU64 = AtomicU64::new(0);
/// Thread 0 wants a victim blocked for its scheduled `zs_destroy_all`:
/// reapers hold off meanwhile.
pub(crate) static HOLD_VICTIMS: AtomicBool = AtomicBool::new(false);

const MAX_VICTIMS: u32 = 3;
/// `zs_destroy_all` must return within this (lingers are <= 1 s here).
const DESTROY_ALL_BOUND_NS: u64 = 10_000_000_000;

/// Each thread's blocked victim (packed), and since when it is published.
pub(crate) static VICTIM: [AtomicU64; THREADS] = [const { AtomicU64::new(0) }; THREADS];
static VICTIM_SINCE: [AtomicU64; THREADS] = [const { AtomicU64::new(0) }; THREADS];
static VICTIMS_ACTIVE: AtomicU32 = AtomicU32::new(0);

/// The FOREVER calls a victim blocks in.
pub(crate) const VICTIM_KINDS: [&str; 8] = [
    "zs_recv",
    "zs_recv_multi",
    "zs_send",
    "zs_poll",
    "zs_wait_peers",
    "zs_drain",
    "zs_pump",
    "zs_send_multi",
];

pub(crate) fn pack(h: u64, born_f: u64) -> u64 {
    assert!(h & !HANDLE_MASK == 0, "handle {h} is not below 2^53");
    assert!(born_f < 2048, "too many zs_destroy_all calls to pack");
    h | (born_f << 53)
}

pub(crate) fn handle_of(packed: u64) -> u64 {
    packed & HANDLE_MASK
}

pub(crate) fn born_of(packed: u64) -> u64 {
    packed >> 53
}

/// Creation counts of `zs_destroy_all`, read around a socket's creation:
/// `f` (finished, read before) and `s2` (begun, read after).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Born {
    pub(crate) f: u64,
    pub(crate) s2: u64,
}

impl Born {
    /// While a socket is being made: no must-be-dead rule yet.
    pub(crate) fn making(f: u64) -> Born {
        Born { f, s2: u64::MAX }
    }
}

pub(crate) struct Kill {
    pub(crate) handle: u64,
    pub(crate) at_ns: u64,
    pub(crate) rc: i32,
    pub(crate) dur_ns: u64,
}

pub(crate) struct VictimRec {
    pub(crate) handle: u64,
    pub(crate) kind: usize,
    pub(crate) born_f: u64,
    pub(crate) call_ns: u64,
    pub(crate) ret_ns: u64,
}

pub(crate) struct DaRec {
    pub(crate) number: u64,
    pub(crate) start_ns: u64,
    pub(crate) end_ns: u64,
    pub(crate) destroyed: i32,
    pub(crate) victims_blocked: usize,
}

pub(crate) struct Log {
    pub(crate) kills: Vec<Kill>,
    pub(crate) victims: Vec<VictimRec>,
    pub(crate) das: Vec<DaRec>,
}

static LOG: Mutex<Log> = Mutex::new(Log {
    kills: Vec::new(),
    victims: Vec::new(),
    das: Vec::new(),
});

pub(crate) fn log() -> std::sync::MutexGuard<'static, Log> {
    LOG.lock().unwrap_or_else(|e| e.into_inner())
}

impl Worker {
    /// Publish a socket for other threads to destroy, then block on it
    /// with ZS_TIMEOUT_FOREVER.
    pub(crate) fn victim(&mut self) {
        if VICTIMS_ACTIVE.fetch_add(1, SeqCst) >= MAX_VICTIMS {
            VICTIMS_ACTIVE.fetch_sub(1, SeqCst);
            return;
        }
        let kind = self.rng.index(VICTIM_KINDS.len());
        let func = VICTIM_KINDS[kind];
        let born_f = DA_FINISHED.load(SeqCst);
        let sending = matches!(kind, 2 | 6 | 7);
        let h = self.new_socket(if sending { PUSH } else { PULL });
        if matches!(kind, 1 | 4) {
            // Bound, but to an inproc endpoint nobody connects to.
            let ep = cstr(&format!("inproc://zsconc-victim-{h}"));
            let rc = self.pcall(Born::making(born_f), "zs_bind_endpoint", &[0], || {
                zs_bind_endpoint(h, ep.as_ptr(), HWM, HWM)
            });
            if rc == BAD_HANDLE {
                VICTIMS_ACTIVE.fetch_sub(1, SeqCst);
                return;
            }
        }
        let packed = pack(h, born_f);
        VICTIM_SINCE[self.tid].store(now_ns(), SeqCst);
        VICTIM[self.tid].store(packed, SeqCst);
        let data = b"never delivered";
        let parts = vec![b"never".to_vec(), b"delivered".to_vec()];
        let frames = zs_frames(&parts);
        let call_ns = now_ns();
        let rc = match kind {
            0 => recv_with(|m| zs_recv(h, FOREVER, m)).0,
            1 => recv_with(|m| zs_recv_multi(h, FOREVER, m)).0,
            2 => zs_send(h, data.as_ptr() as *const c_void, data.len(), FOREVER),
            3 => {
                let mut r = [true];
                zs_poll(&h, 1, FOREVER, r.as_mut_ptr())
            }
            4 => zs_wait_peers(h, 1, FOREVER),
            5 => {
                let mut stats = zs_drain_stats::default();
                let rc = zs_drain(h, -1, 0, FOREVER, &mut stats);
                if stats.messages != 0 {
                    self.fail(format!("zs_drain on a victim received {}", stats.messages));
                }
                rc
            }
            6 => pump_rc(
                zs_pump(h, frames.as_ptr(), frames.len(), 1000, 0, FOREVER),
                1000,
            ),
            _ => zs_send_multi(h, frames.as_ptr(), frames.len(), FOREVER),
        };
        let ret_ns = now_ns();
        let code = zs_last_error_code();
        let text = last_error();
        let still_mine = VICTIM[self.tid]
            .compare_exchange(packed, 0, SeqCst, SeqCst)
            .is_ok();
        VICTIMS_ACTIVE.fetch_sub(1, SeqCst);
        if rc != BAD_HANDLE || code != BAD_HANDLE || text.is_empty() || !text.contains(func) {
            self.fail(format!(
                "{func}(FOREVER) on victim {h} returned {rc} (last error {code} {text:?}), \
                 expected BAD_HANDLE when another thread destroys it"
            ));
        }
        CODE_COUNT[code_slot(rc)].fetch_add(1, SeqCst);
        if still_mine && DA_STARTED.load(SeqCst) <= born_f {
            self.fail(format!(
                "{func}(FOREVER) on victim {h} returned BAD_HANDLE but nobody destroyed it"
            ));
        }
        log().victims.push(VictimRec {
            handle: h,
            kind,
            born_f,
            call_ns,
            ret_ns,
        });
    }

    pub(crate) fn random_destroy_all(&mut self) {
        let last = LAST_DA_NS.load(SeqCst);
        let now = now_ns();
        if now.saturating_sub(last) < DA_MIN_GAP_NS
            || LAST_DA_NS
                .compare_exchange(last, now, SeqCst, SeqCst)
                .is_err()
        {
            return;
        }
        self.set_op(Op::DestroyAll);
        self.destroy_all();
    }

    /// Thread 0, at 1/3 and 2/3 of the run: hold the reapers until a
    /// victim has been blocked for 50 ms (at most 3 s), then destroy all.
    pub(crate) fn forced_destroy_all(&mut self) {
        self.set_op(Op::DestroyAll);
        HOLD_VICTIMS.store(true, SeqCst);
        let until = now_ns() + 3_000_000_000;
        while blocked_victims(50_000_000) == 0 && now_ns() < until && !STOP.load(SeqCst) {
            thread::sleep(Duration::from_millis(5));
        }
        LAST_DA_NS.store(now_ns(), SeqCst);
        self.destroy_all();
        HOLD_VICTIMS.store(false, SeqCst);
    }

    fn destroy_all(&mut self) {
        let blocked = blocked_victims(20_000_000);
        let number = DA_STARTED.fetch_add(1, SeqCst);
        let start_ns = now_ns();
        let rc = zs_destroy_all();
        let end_ns = now_ns();
        DA_FINISHED.fetch_add(1, SeqCst);
        LAST_DA_NS.store(end_ns, SeqCst);
        self.check("zs_destroy_all", rc, &[NONNEG]);
        if end_ns - start_ns > DESTROY_ALL_BOUND_NS {
            self.fail(format!(
                "zs_destroy_all took {} ms",
                (end_ns - start_ns) / 1_000_000
            ));
        }
        log().das.push(DaRec {
            number,
            start_ns,
            end_ns,
            destroyed: rc,
            victims_blocked: blocked,
        });
        // Every socket of this thread was made before: all gone now.
        for p in std::mem::take(&mut self.pairs) {
            for h in [p.pull, p.push] {
                let rc = zs_socket_type(h);
                if rc != BAD_HANDLE {
                    self.fail(format!(
                        "socket {h} made before zs_destroy_all still answers {rc} after it"
                    ));
                }
                self.check("zs_socket_type", rc, &[BAD_HANDLE]);
            }
        }
    }
}

/// Victims published for at least `min_age_ns`.
fn blocked_victims(min_age_ns: u64) -> usize {
    let now = now_ns();
    (0..THREADS)
        .filter(|&i| {
            VICTIM[i].load(SeqCst) != 0
                && now.saturating_sub(VICTIM_SINCE[i].load(SeqCst)) >= min_age_ns
        })
        .count()
}

/// Destroy the victims of other threads published for at least
/// `min_age_ns`. `by` is the calling worker (THREADS: the main thread).
pub(crate) fn reap(by: usize, min_age_ns: u64, mut on_kill: impl FnMut()) {
    for i in 0..THREADS {
        if i == by {
            continue;
        }
        let v = VICTIM[i].load(SeqCst);
        if v == 0 || now_ns().saturating_sub(VICTIM_SINCE[i].load(SeqCst)) < min_age_ns {
            continue;
        }
        if VICTIM[i].compare_exchange(v, 0, SeqCst, SeqCst).is_err() {
            continue;
        }
        on_kill();
        let h = handle_of(v);
        let at_ns = now_ns();
        let rc = zs_socket_destroy(h);
        let dur_ns = now_ns() - at_ns;
        let excused = DA_STARTED.load(SeqCst) > born_of(v);
        let (code, text) = (zs_last_error_code(), last_error());
        let who = if by == THREADS {
            "main".to_string()
        } else {
            format!("worker {by}")
        };
        if !(rc == OK || (rc == BAD_HANDLE && excused)) {
            STOP.store(true, SeqCst);
            panic!("{who}: zs_socket_destroy of victim {h} returned {rc} ({text:?})");
        }
        if rc < 0 && (code != rc || !text.contains("zs_socket_destroy")) {
            STOP.store(true, SeqCst);
            panic!("{who}: zs_socket_destroy failed with {rc} but last error is {code} {text:?}");
        }
        CODE_COUNT[code_slot(rc)].fetch_add(1, SeqCst);
        log().kills.push(Kill {
            handle: h,
            at_ns,
            rc,
            dur_ns,
        });
    }
}
