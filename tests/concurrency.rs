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

mod common;

use std::any::Any;
use std::io::Write;
use std::os::raw::{c_char, c_void};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering::SeqCst};
use std::sync::{Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

use common::*;
use zmqsocket::*;

const THREADS: usize = 8;
/// Shared slots 0..4 hold PULLs, 4..8 PUSHes.
const SHARED: usize = 8;
const SHARED_PULLS: usize = 4;
const MAX_PAIRS: usize = 3;
const MAX_VICTIMS: u32 = 3;
/// A message sent on a live private pair must arrive within this.
const RECV_MS: i32 = 5000;
/// A blocked call must return within this of the destroy that ends it.
const INTERRUPT_BOUND_NS: u64 = 2_000_000_000;
/// Any single destroy must return within this (a hang check).
const DESTROY_BOUND_NS: u64 = 2_000_000_000;
/// `zs_destroy_all` must return within this (lingers are <= 1 s here).
const DESTROY_ALL_BOUND_NS: u64 = 10_000_000_000;
const WATCHDOG_GRACE: Duration = Duration::from_secs(30);

/// Handles are below 2^53; slots pack the `DA_FINISHED` count read before
/// the socket was made into the bits above.
const HANDLE_MASK: u64 = (1 << 53) - 1;
/// A bool function returned false without setting an error.
const FALSE: i32 = -1000;
/// Any value >= 0 is allowed.
const NONNEG: i32 = i32::MAX;

// ------------------------------------------------------------ global state

static START: OnceLock<Instant> = OnceLock::new();
static STOP: AtomicBool = AtomicBool::new(false);
/// `zs_destroy_all` calls begun / returned.
static DA_STARTED: AtomicU64 = AtomicU64::new(0);
static DA_FINISHED: AtomicU64 = AtomicU64::new(0);
/// When the last `zs_destroy_all` returned (ns since START; 0: none yet).
static LAST_DA_NS: AtomicU64 = AtomicU64::new(0);
/// Thread 0 wants a victim blocked for its scheduled `zs_destroy_all`:
/// reapers hold off meanwhile.
static HOLD_VICTIMS: AtomicBool = AtomicBool::new(false);

static SHARED_SLOTS: [AtomicU64; SHARED] = [const { AtomicU64::new(0) }; SHARED];
/// Each thread's blocked victim (packed), and since when it is published.
static VICTIM: [AtomicU64; THREADS] = [const { AtomicU64::new(0) }; THREADS];
static VICTIM_SINCE: [AtomicU64; THREADS] = [const { AtomicU64::new(0) }; THREADS];
static VICTIMS_ACTIVE: AtomicU32 = AtomicU32::new(0);

/// What each thread is doing, for the watchdog.
static CUR_OP: [AtomicU32; THREADS] = [const { AtomicU32::new(0) }; THREADS];
static OP_SINCE: [AtomicU64; THREADS] = [const { AtomicU64::new(0) }; THREADS];

static OP_COUNT: [AtomicU64; OP_NAMES.len()] = [const { AtomicU64::new(0) }; OP_NAMES.len()];
/// Checked calls by result: [0] success, [1..=16] -code, [17] INTERNAL,
/// [18] false without error, [19] anything else.
static CODE_COUNT: [AtomicU64; 20] = [const { AtomicU64::new(0) }; 20];

static PRIV_SENT: AtomicU64 = AtomicU64::new(0);
static PRIV_RECV: AtomicU64 = AtomicU64::new(0);
static OLD_GEN: AtomicU64 = AtomicU64::new(0);
static FOREIGN_SHARED: AtomicU64 = AtomicU64::new(0);
static SHARED_SENT: AtomicU64 = AtomicU64::new(0);
static SHARED_RECV: AtomicU64 = AtomicU64::new(0);
static REBINDS: AtomicU64 = AtomicU64::new(0);

struct Kill {
    handle: u64,
    at_ns: u64,
    rc: i32,
    dur_ns: u64,
}

struct VictimRec {
    handle: u64,
    kind: usize,
    born_f: u64,
    call_ns: u64,
    ret_ns: u64,
}

struct DaRec {
    number: u64,
    start_ns: u64,
    end_ns: u64,
    destroyed: i32,
    victims_blocked: usize,
}

struct Log {
    kills: Vec<Kill>,
    victims: Vec<VictimRec>,
    das: Vec<DaRec>,
}

static LOG: Mutex<Log> = Mutex::new(Log {
    kills: Vec::new(),
    victims: Vec::new(),
    das: Vec::new(),
});

fn log() -> std::sync::MutexGuard<'static, Log> {
    LOG.lock().unwrap_or_else(|e| e.into_inner())
}

fn now_ns() -> u64 {
    START.get().expect("START set").elapsed().as_nanos() as u64
}

fn pack(h: u64, born_f: u64) -> u64 {
    assert!(h & !HANDLE_MASK == 0, "handle {h} is not below 2^53");
    assert!(born_f < 2048, "too many zs_destroy_all calls to pack");
    h | (born_f << 53)
}

fn handle_of(packed: u64) -> u64 {
    packed & HANDLE_MASK
}

fn born_of(packed: u64) -> u64 {
    packed >> 53
}

// ------------------------------------------------------------- operations

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
enum Op {
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

const OP_NAMES: [&str; 24] = [
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
const DA_ONE_IN: u64 = 300;
const DA_MIN_GAP_NS: u64 = 2_000_000_000;

/// The FOREVER calls a victim blocks in.
const VICTIM_KINDS: [&str; 8] = [
    "zs_recv",
    "zs_recv_multi",
    "zs_send",
    "zs_poll",
    "zs_wait_peers",
    "zs_drain",
    "zs_pump",
    "zs_send_multi",
];

// --------------------------------------------------------------- the PRNG

impl SplitMix64 {
    fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }
    /// Uniform in lo..=hi.
    fn range(&mut self, lo: i32, hi: i32) -> i32 {
        lo + self.below((hi - lo + 1) as u64) as i32
    }
    fn one_in(&mut self, n: u64) -> bool {
        self.below(n) == 0
    }
}

fn mix(x: u64) -> u64 {
    SplitMix64(x).next()
}

// --------------------------------------------------------------- messages

/// Header frame: tag (b'P' private, b'S' shared), frame count, thread,
/// pair uid, generation, sequence, check word. Payload frames start with a
/// 0 byte (so a header never looks like one) and are derived from the
/// header, so every byte can be checked.
const HDR: usize = 24;

#[derive(Clone, Copy, Debug)]
struct Header {
    tag: u8,
    nframes: u8,
    uid: u64,
    gen: u32,
    seq: u32,
}

fn check_word(uid: u64, gen: u32, seq: u32, nframes: u8) -> u32 {
    mix(uid ^ (u64::from(gen) << 40) ^ (u64::from(seq) << 8) ^ u64::from(nframes)) as u32
}

fn header(tag: u8, nframes: u8, tid: usize, uid: u64, gen: u32, seq: u32) -> Vec<u8> {
    let mut h = Vec::with_capacity(HDR);
    h.push(tag);
    h.push(nframes);
    h.extend_from_slice(&(tid as u16).to_le_bytes());
    h.extend_from_slice(&uid.to_le_bytes());
    h.extend_from_slice(&gen.to_le_bytes());
    h.extend_from_slice(&seq.to_le_bytes());
    h.extend_from_slice(&check_word(uid, gen, seq, nframes).to_le_bytes());
    h
}

fn parse_header(f: &[u8]) -> Option<Header> {
    if f.len() != HDR || !(f[0] == b'P' || f[0] == b'S') || !(1..=3).contains(&f[1]) {
        return None;
    }
    let uid = u64::from_le_bytes(f[4..12].try_into().ok()?);
    let gen = u32::from_le_bytes(f[12..16].try_into().ok()?);
    let seq = u32::from_le_bytes(f[16..20].try_into().ok()?);
    let check = u32::from_le_bytes(f[20..24].try_into().ok()?);
    (check == check_word(uid, gen, seq, f[1])).then_some(Header {
        tag: f[0],
        nframes: f[1],
        uid,
        gen,
        seq,
    })
}

fn payload(h: &Header, i: usize) -> Vec<u8> {
    let mut r = SplitMix64(mix(h.uid
        ^ (u64::from(h.gen) << 44)
        ^ (u64::from(h.seq) << 12)
        ^ i as u64));
    let len = 1 + r.index(48);
    let mut v = vec![0u8; len];
    for b in v.iter_mut().skip(1) {
        *b = r.next() as u8;
    }
    v
}

/// All the frames of a message with header `hdr`.
fn message(hdr: Vec<u8>) -> Vec<Vec<u8>> {
    let h = parse_header(&hdr).expect("own header parses");
    let mut v = vec![hdr];
    for i in 1..usize::from(h.nframes) {
        v.push(payload(&h, i));
    }
    v
}

/// Check a whole received message: a header and exactly its payloads.
fn verify(frames: &[Vec<u8>]) -> Result<Header, String> {
    let first = frames.first().ok_or("no frames")?;
    let h = parse_header(first).ok_or_else(|| format!("bad header frame {first:?}"))?;
    if frames.len() != usize::from(h.nframes) {
        return Err(format!(
            "{h:?}: {} frames received, header says {}",
            frames.len(),
            h.nframes
        ));
    }
    for (i, f) in frames.iter().enumerate().skip(1) {
        if *f != payload(&h, i) {
            return Err(format!("{h:?}: frame {i} corrupt: {f:?}"));
        }
    }
    Ok(h)
}

fn zs_frames(parts: &[Vec<u8>]) -> Vec<zs_frame> {
    let refs: Vec<&[u8]> = parts.iter().map(|v| v.as_slice()).collect();
    to_frames(&refs)
}

/// Run a receive call on a fresh message; return its code and frames.
fn recv_with(f: impl FnOnce(*mut zs_message) -> i32) -> (i32, Vec<Vec<u8>>) {
    let mut m = empty_msg();
    let rc = f(&mut m);
    let frames = if rc == OK {
        frames_of(&m)
    } else {
        assert!(
            m.frames.is_null() && m.count == 0 && m.owner.is_null(),
            "a failed receive ({rc}) left *out non-empty"
        );
        Vec::new()
    };
    zs_message_free(&mut m);
    assert!(
        m.frames.is_null() && m.count == 0 && m.owner.is_null(),
        "zs_message_free did not zero the message"
    );
    (rc, frames)
}

/// Make the thread's last error a known, unrelated one, so that a bool
/// function's false can be told apart (errno's rule leaves it unchanged
/// on success).
fn prime() {
    assert_eq!(
        zs_socket_type_from_name(c"no-such-type".as_ptr()),
        UNKNOWN_TYPE
    );
}

/// A bool result as a code: OK for true, FALSE for a false that set no
/// error, else the error code. Call `prime()` before the call.
fn bool_rc(ok: bool) -> i32 {
    if ok {
        return OK;
    }
    match zs_last_error_code() {
        UNKNOWN_TYPE => FALSE,
        c => c,
    }
}

/// `zs_pump` of `repeat` messages as a code: OK when all were sent.
fn pump_rc(sent: i64, repeat: i64) -> i32 {
    if sent == repeat {
        OK
    } else if sent < 0 {
        i32::try_from(sent).unwrap_or(i32::MIN)
    } else {
        // Partial: last error says why (checked by the caller).
        zs_last_error_code()
    }
}

fn code_slot(rc: i32) -> usize {
    match rc {
        FALSE => 18,
        r if r >= 0 => 0,
        -16..=-1 => (-rc) as usize,
        -99 => 17,
        _ => 19,
    }
}

fn code_name(i: usize) -> String {
    match i {
        0 => "success".into(),
        1..=17 => {
            let code = if i == 17 { -99 } else { -(i as i32) };
            // SAFETY: zs_strerror returns static NUL-terminated text.
            let t = unsafe { std::ffi::CStr::from_ptr(zs_strerror(code)) };
            format!("{code} {}", t.to_string_lossy())
        }
        18 => "false (no error)".into(),
        _ => "other".into(),
    }
}

/// Creation counts of `zs_destroy_all`, read around a socket's creation:
/// `f` (finished, read before) and `s2` (begun, read after).
#[derive(Clone, Copy, Debug)]
struct Born {
    f: u64,
    s2: u64,
}

impl Born {
    /// While a socket is being made: no must-be-dead rule yet.
    fn making(f: u64) -> Born {
        Born { f, s2: u64::MAX }
    }
}

struct Pair {
    pull: u64,
    push: u64,
    port: i32,
    uid: u64,
    gen: u32,
    send_seq: u32,
    recv_seq: u32,
    /// Connected with zs_connect_to_host("localhost"), else by endpoint.
    via_host: bool,
    born: Born,
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

    /// `rc` must be in `allowed`; a failure must be this thread's last
    /// error, with a text that names `func`.
    #[track_caller]
    fn check(&self, func: &str, rc: i32, allowed: &[i32]) {
        CODE_COUNT[code_slot(rc)].fetch_add(1, SeqCst);
        let ok = allowed.contains(&rc) || (rc >= 0 && allowed.contains(&NONNEG));
        let text = last_error();
        if !ok {
            self.fail(format!(
                "{func} returned {rc}, allowed {allowed:?}; last error {} {text:?}",
                zs_last_error_code()
            ));
        }
        if rc < 0 && rc != FALSE {
            let code = zs_last_error_code();
            if code != rc || text.is_empty() || !text.contains(func) {
                self.fail(format!(
                    "{func} failed with {rc} but the last error is {code} {text:?}"
                ));
            }
        }
    }

    /// A call on a private handle made with `born`: BAD_HANDLE only if a
    /// `zs_destroy_all` may have destroyed it, and nothing else once one
    /// that began after it was made has finished.
    #[track_caller]
    fn pcall(&self, born: Born, func: &str, allowed: &[i32], f: impl FnOnce() -> i32) -> i32 {
        let f_before = DA_FINISHED.load(SeqCst);
        let rc = f();
        let s_after = DA_STARTED.load(SeqCst);
        if f_before > born.s2 {
            if rc != BAD_HANDLE {
                self.fail(format!(
                    "{func} returned {rc} on a private handle that a finished \
                     zs_destroy_all had destroyed (expected BAD_HANDLE)"
                ));
            }
            self.check(func, rc, &[BAD_HANDLE]);
        } else if rc == BAD_HANDLE {
            if s_after <= born.f {
                self.fail(format!(
                    "{func} returned BAD_HANDLE on a live private handle \
                     (no zs_destroy_all since it was made); last error {:?}",
                    last_error()
                ));
            }
            self.check(func, rc, &[BAD_HANDLE]);
        } else {
            self.check(func, rc, allowed);
        }
        rc
    }

    /// A call on the shared handle `packed` read from slot `idx`:
    /// BAD_HANDLE only if it left its slot (another thread destroyed it)
    /// or a `zs_destroy_all` may have hit it.
    #[track_caller]
    fn scall(
        &self,
        idx: usize,
        packed: u64,
        func: &str,
        allowed: &[i32],
        f: impl FnOnce(u64) -> i32,
    ) -> i32 {
        let rc = f(handle_of(packed));
        if rc == BAD_HANDLE {
            let still = SHARED_SLOTS[idx].load(SeqCst) == packed;
            if still && DA_STARTED.load(SeqCst) <= born_of(packed) {
                self.fail(format!(
                    "{func} returned BAD_HANDLE on shared handle {} still in \
                     slot {idx}, with no zs_destroy_all since it was made; last error {:?}",
                    handle_of(packed),
                    last_error()
                ));
            }
            self.check(func, rc, &[BAD_HANDLE]);
        } else {
            self.check(func, rc, allowed);
        }
        rc
    }

    // ------------------------------------------------------------ the loop

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

    fn pick(&mut self) -> Op {
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

    fn dispatch(&mut self, op: Op) {
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

    // ------------------------------------------------------ private pairs

    fn new_socket(&self, t: i32) -> u64 {
        let mut s: zs_socket = 0;
        let rc = zs_socket_new(t, &mut s);
        self.check("zs_socket_new", rc, &[OK]);
        s
    }

    fn pair_create(&mut self) {
        let born = Born::making(DA_FINISHED.load(SeqCst));
        let uid = ((self.tid as u64) << 32) | self.uid_next;
        self.uid_next += 1;
        let loopback = self.rng.one_in(2);
        let (pull, port, push, via_host);
        match self.rng.below(3) {
            0 => {
                // The one-call constructors.
                let mut s: zs_socket = 0;
                let rc = zs_socket_new_bound(PULL, 0, HWM, HWM, &mut s);
                self.check("zs_socket_new_bound", rc, &[NONNEG]);
                assert!(rc > 0, "zs_socket_new_bound returned port {rc}");
                let mut c: zs_socket = 0;
                let rc2 =
                    zs_socket_new_connected(PUSH, c"localhost".as_ptr(), rc, HWM, HWM, &mut c);
                self.check("zs_socket_new_connected", rc2, &[OK]);
                (pull, port, push, via_host) = (s, rc, c, true);
            }
            _ => {
                // Socket by socket; a zs_destroy_all may strike between.
                let s = self.new_socket(PULL);
                let rc = if loopback {
                    let ep = c"tcp://127.0.0.1:0";
                    self.pcall(born, "zs_bind_endpoint", &[NONNEG], || {
                        zs_bind_endpoint(s, ep.as_ptr(), HWM, HWM)
                    })
                } else {
                    self.pcall(born, "zs_bind_to_port", &[NONNEG], || {
                        zs_bind_to_port(s, 0, HWM, HWM)
                    })
                };
                if rc == BAD_HANDLE {
                    return;
                }
                if rc == 0 {
                    self.fail("a TCP bind to port 0 returned port 0".into());
                }
                let c = self.new_socket(PUSH);
                via_host = self.rng.one_in(2);
                let rc2 = if via_host {
                    self.pcall(born, "zs_connect_to_host", &[OK], || {
                        zs_connect_to_host(c, c"localhost".as_ptr(), rc, HWM, HWM)
                    })
                } else {
                    let ep = cstr(&format!("tcp://127.0.0.1:{rc}"));
                    self.pcall(born, "zs_connect_endpoint", &[OK], || {
                        zs_connect_endpoint(c, ep.as_ptr(), HWM, HWM)
                    })
                };
                (pull, port, push) = (s, rc, c);
                if rc2 == BAD_HANDLE {
                    let dead = Pair {
                        pull,
                        push,
                        port,
                        uid,
                        gen: 0,
                        send_seq: 0,
                        recv_seq: 0,
                        via_host,
                        born,
                    };
                    self.pair_drop(dead, "half-made");
                    return;
                }
            }
        }
        let born = Born {
            f: born.f,
            s2: DA_STARTED.load(SeqCst),
        };
        let p = Pair {
            pull,
            push,
            port,
            uid,
            gen: 0,
            send_seq: 0,
            recv_seq: 0,
            via_host,
            born,
        };
        // Unsent messages of a destroyed private PUSH must not linger and
        // reach whichever socket gets its port next.
        let rc = self.pcall(born, "zs_set_linger", &[OK], || zs_set_linger(push, 0));
        if rc == BAD_HANDLE {
            self.pair_drop(p, "linger");
            return;
        }
        self.pairs.push(p);
    }

    /// Destroy both sockets of a pair (PUSH first, so that it never
    /// reconnects to a port handed to someone else).
    fn pair_drop(&mut self, p: Pair, _why: &str) {
        for h in [p.push, p.pull] {
            let rc = self.pcall(p.born, "zs_socket_destroy", &[OK], || zs_socket_destroy(h));
            if rc == OK {
                self.graveyard.push(h);
            }
        }
        if self.graveyard.len() > 64 {
            self.graveyard.drain(..32);
        }
    }

    /// Remove pair `i` after one of its calls said BAD_HANDLE (excused).
    fn lose_pair(&mut self, i: usize) {
        let p = self.pairs.swap_remove(i);
        self.pair_drop(p, "lost");
    }

    /// Send the pair's next message by a random method. False when the
    /// pair was lost to a zs_destroy_all.
    fn send_private(&mut self, i: usize) -> bool {
        let method = self.rng.below(6);
        let nframes = match method {
            0 | 2 => 1,
            _ => 1 + self.rng.below(3) as u8,
        };
        let p = &self.pairs[i];
        let (push, born) = (p.push, p.born);
        let hdr = header(b'P', nframes, self.tid, p.uid, p.gen, p.send_seq);
        let parts = message(hdr);
        let frames = zs_frames(&parts);
        let timeout = [RECV_MS, DEFAULT_TIMEOUT, FOREVER, 0][self.rng.index(4)];
        let rc = match method {
            0 => self.pcall(born, "zs_send", &[OK], || {
                zs_send(
                    push,
                    parts[0].as_ptr() as *const c_void,
                    parts[0].len(),
                    timeout,
                )
            }),
            1 => self.pcall(born, "zs_send_multi", &[OK], || {
                zs_send_multi(push, frames.as_ptr(), frames.len(), timeout)
            }),
            2 => self.pcall(born, "zs_send_nonblocking", &[OK], || {
                prime();
                bool_rc(zs_send_nonblocking(
                    push,
                    parts[0].as_ptr() as *const c_void,
                    parts[0].len(),
                ))
            }),
            3 => self.pcall(born, "zs_send_multi_nonblocking", &[OK], || {
                prime();
                bool_rc(zs_send_multi_nonblocking(
                    push,
                    frames.as_ptr(),
                    frames.len(),
                ))
            }),
            _ => self.pcall(born, "zs_pump", &[OK], || {
                prime();
                pump_rc(
                    zs_pump(push, frames.as_ptr(), frames.len(), 1, 0, RECV_MS),
                    1,
                )
            }),
        };
        if rc == BAD_HANDLE {
            self.lose_pair(i);
            return false;
        }
        self.pairs[i].send_seq += 1;
        PRIV_SENT.fetch_add(1, SeqCst);
        true
    }

    /// Receive one whole message on pair `i`'s PULL, waiting up to
    /// RECV_MS, by a random method. Err(BAD_HANDLE) when the pair was lost.
    fn recv_private(&mut self, i: usize) -> Result<Vec<Vec<u8>>, i32> {
        let p = &self.pairs[i];
        let (pull, born) = (p.pull, p.born);
        match self.rng.below(4) {
            0 | 1 => {
                let t = if self.rng.one_in(2) {
                    RECV_MS
                } else {
                    DEFAULT_TIMEOUT
                };
                let mut frames = Vec::new();
                let rc = self.pcall(born, "zs_recv_multi", &[OK, TIMED_OUT], || {
                    let (rc, f) = recv_with(|m| zs_recv_multi(pull, t, m));
                    frames = f;
                    rc
                });
                match rc {
                    OK => Ok(frames),
                    BAD_HANDLE => Err(rc),
                    _ => self.lost(i, rc, "zs_recv_multi"),
                }
            }
            2 => {
                // Poll (the PULL listed twice), then take it without waiting.
                let list = [pull, pull];
                let mut readable = [false; 2];
                let rc = self.pcall(born, "zs_poll", &[0, 2], || {
                    zs_poll(list.as_ptr(), 2, RECV_MS, readable.as_mut_ptr())
                });
                match rc {
                    BAD_HANDLE => return Err(rc),
                    0 => self.lost(i, rc, "zs_poll"),
                    _ => {}
                }
                if readable != [true, true] {
                    self.fail(format!("zs_poll returned 2 but readable = {readable:?}"));
                }
                let mut frames = Vec::new();
                let rc = self.pcall(born, "zs_recv_multi_nonblocking", &[OK], || {
                    let (rc, f) = recv_with(|m| zs_recv_multi_nonblocking(pull, m));
                    frames = f;
                    rc
                });
                if rc == BAD_HANDLE {
                    return Err(rc);
                }
                Ok(frames)
            }
            _ => {
                // Frame by frame with zs_recv; the header says how many.
                let mut frames: Vec<Vec<u8>> = Vec::new();
                let mut want = 1;
                while frames.len() < want {
                    let mut got = Vec::new();
                    let rc = self.pcall(born, "zs_recv", &[OK, TIMED_OUT], || {
                        let (rc, f) = recv_with(|m| zs_recv(pull, RECV_MS, m));
                        got = f;
                        rc
                    });
                    match rc {
                        OK => {}
                        BAD_HANDLE => return Err(rc),
                        _ => self.lost(i, rc, "zs_recv"),
                    }
                    if got.len() != 1 {
                        self.fail(format!("zs_recv gave {} frames", got.len()));
                    }
                    if frames.is_empty() {
                        match parse_header(&got[0]) {
                            Some(h) => want = usize::from(h.nframes),
                            None => self.fail(format!(
                                "zs_recv on a private PULL: first frame is not a header: {:?}",
                                got[0]
                            )),
                        }
                    }
                    frames.extend(got);
                }
                Ok(frames)
            }
        }
    }

    #[track_caller]
    fn lost(&self, i: usize, rc: i32, what: &str) -> ! {
        let p = &self.pairs[i];
        self.fail(format!(
            "{what} returned {rc} on private pair {:#x} (port {}): message gen {} seq {} \
             was sent but not received within {RECV_MS} ms",
            p.uid, p.port, p.gen, p.recv_seq
        ))
    }

    /// A message received on pair `i`: true if it is the next one expected,
    /// false if it is an allowed stray (shared traffic that found a reused
    /// port, or a leftover of an earlier generation).
    fn classify(&mut self, i: usize, frames: &[Vec<u8>]) -> bool {
        let h = match verify(frames) {
            Ok(h) => h,
            Err(e) => self.fail(format!("corrupt message on a private PULL: {e}")),
        };
        if h.tag == b'S' {
            FOREIGN_SHARED.fetch_add(1, SeqCst);
            return false;
        }
        let (uid, gen, seq) = {
            let p = &self.pairs[i];
            (p.uid, p.gen, p.recv_seq)
        };
        if h.uid != uid {
            self.fail(format!(
                "a message of private pair {:#x} reached private pair {uid:#x}",
                h.uid
            ));
        }
        if h.gen < gen {
            OLD_GEN.fetch_add(1, SeqCst);
            return false;
        }
        if h.gen != gen || h.seq != seq {
            self.fail(format!(
                "pair {uid:#x}: expected gen {gen} seq {seq}, received gen {} seq {} (lost or reordered)",
                h.gen, h.seq
            ));
        }
        self.pairs[i].recv_seq += 1;
        PRIV_RECV.fetch_add(1, SeqCst);
        true
    }

    fn exchange(&mut self, i: usize) {
        let k = 1 + self.rng.below(5);
        for _ in 0..k {
            if !self.send_private(i) {
                return;
            }
        }
        let mut got = 0;
        while got < k {
            match self.recv_private(i) {
                Ok(frames) => {
                    if self.classify(i, &frames) {
                        got += 1;
                    }
                }
                Err(_) => {
                    self.lose_pair(i);
                    return;
                }
            }
        }
    }

    fn rebind(&mut self, i: usize) {
        let p = &self.pairs[i];
        let (pull, push, old, born, via_host) = (p.pull, p.push, p.port, p.born, p.via_host);
        let old_ep = cstr(&format!("tcp://127.0.0.1:{old}"));
        // Detach: PUSH first, so it never reconnects to the old port.
        let calls: [(&str, i32); 2] = match self.rng.below(3) {
            0 => {
                let a = if via_host {
                    self.pcall(born, "zs_disconnect_from_host", &[OK], || {
                        zs_disconnect_from_host(push, c"localhost".as_ptr(), old)
                    })
                } else {
                    self.pcall(born, "zs_disconnect_endpoint", &[OK], || {
                        zs_disconnect_endpoint(push, old_ep.as_ptr())
                    })
                };
                let b = if a == BAD_HANDLE {
                    a
                } else {
                    self.pcall(born, "zs_unbind_from_port", &[OK], || {
                        zs_unbind_from_port(pull, old)
                    })
                };
                [("disconnect", a), ("unbind", b)]
            }
            1 => {
                let a = self.pcall(born, "zs_close", &[OK], || zs_close(push));
                let b = if a == BAD_HANDLE {
                    a
                } else {
                    self.pcall(born, "zs_close", &[OK], || zs_close(pull))
                };
                [("close", a), ("close", b)]
            }
            _ => {
                let a = self.pcall(born, "zs_disconnect_from_all_hosts", &[OK], || {
                    zs_disconnect_from_all_hosts(push)
                });
                let b = if a == BAD_HANDLE {
                    a
                } else {
                    self.pcall(born, "zs_unbind_from_all_ports", &[OK], || {
                        zs_unbind_from_all_ports(pull)
                    })
                };
                [("disconnect", a), ("unbind", b)]
            }
        };
        if calls.iter().any(|c| c.1 == BAD_HANDLE) {
            self.lose_pair(i);
            return;
        }
        // Nothing attached now.
        for h in [pull, push] {
            let n = self.pcall(born, "zs_endpoints", &[0], || {
                zs_endpoints(h, std::ptr::null_mut(), 0)
            });
            if n == BAD_HANDLE {
                self.lose_pair(i);
                return;
            }
        }
        // Attach again on a new ephemeral port.
        let port = if self.rng.one_in(2) {
            self.pcall(born, "zs_bind_to_port", &[NONNEG], || {
                zs_bind_to_port(pull, 0, HWM, HWM)
            })
        } else {
            self.pcall(born, "zs_bind_endpoint", &[NONNEG], || {
                zs_bind_endpoint(pull, c"tcp://127.0.0.1:0".as_ptr(), HWM, HWM)
            })
        };
        if port == BAD_HANDLE {
            self.lose_pair(i);
            return;
        }
        if port == 0 {
            self.fail("a TCP bind to port 0 returned port 0".into());
        }
        if port != old {
            let rc = self.pcall(born, "zs_is_bound_to_port", &[FALSE], || {
                prime();
                bool_rc(zs_is_bound_to_port(pull, old))
            });
            if rc == BAD_HANDLE {
                self.lose_pair(i);
                return;
            }
        }
        let via_host = self.rng.one_in(2);
        let rc = if via_host {
            self.pcall(born, "zs_connect_to_host", &[OK], || {
                zs_connect_to_host(push, c"localhost".as_ptr(), port, HWM, HWM)
            })
        } else {
            let ep = cstr(&format!("tcp://127.0.0.1:{port}"));
            self.pcall(born, "zs_connect_endpoint", &[OK], || {
                zs_connect_endpoint(push, ep.as_ptr(), HWM, HWM)
            })
        };
        // Recorded even if the connect was lost: the pair is dropped then.
        let p = &mut self.pairs[i];
        p.port = port;
        p.via_host = via_host;
        p.gen += 1;
        p.send_seq = 0;
        p.recv_seq = 0;
        if rc == BAD_HANDLE {
            self.lose_pair(i);
            return;
        }
        REBINDS.fetch_add(1, SeqCst);
    }

    fn private_query(&mut self, i: usize) {
        let p = &self.pairs[i];
        let (pull, push, port, born, via_host) = (p.pull, p.push, p.port, p.born, p.via_host);
        let mut ports = [0i32; 4];
        let mut lost = false;
        let mut rc = self.pcall(born, "zs_bound_ports", &[1], || {
            zs_bound_ports(pull, ports.as_mut_ptr(), ports.len())
        });
        lost |= rc == BAD_HANDLE;
        if rc == 1 && ports[0] != port {
            self.fail(format!("zs_bound_ports gave {} for port {port}", ports[0]));
        }
        rc = self.pcall(born, "zs_bound_ports", &[0], || {
            zs_bound_ports(push, ports.as_mut_ptr(), ports.len())
        });
        lost |= rc == BAD_HANDLE;
        for (h, want_bind) in [(pull, true), (push, false)] {
            let mut buf = [0u8; 512];
            let n = self.pcall(born, "zs_endpoints", &[NONNEG], || {
                zs_endpoints(h, buf.as_mut_ptr() as *mut c_char, buf.len())
            });
            if n == BAD_HANDLE {
                lost = true;
                continue;
            }
            let n = n as usize;
            if n >= buf.len() || buf[n] != 0 {
                self.fail(format!(
                    "zs_endpoints returned {n}, not NUL-terminated there"
                ));
            }
            let text = String::from_utf8_lossy(&buf[..n]).into_owned();
            let suffix = format!(":{port}\n");
            let good = if want_bind {
                text.starts_with("bind tcp://")
                    && text.ends_with(&suffix)
                    && text.lines().count() == 1
            } else if via_host {
                text.starts_with(&format!("connect localhost:{port} tcp://"))
                    && text.ends_with(&suffix)
                    && text.lines().count() == 1
            } else {
                text == format!("connect tcp://127.0.0.1:{port}\n")
            };
            if !good {
                self.fail(format!(
                    "zs_endpoints of a private {} on port {port}: {text:?}",
                    if want_bind { "PULL" } else { "PUSH" }
                ));
            }
        }
        rc = self.pcall(born, "zs_is_bound_to_port", &[OK], || {
            prime();
            bool_rc(zs_is_bound_to_port(pull, port))
        });
        lost |= rc == BAD_HANDLE;
        let want = if via_host { OK } else { FALSE };
        rc = self.pcall(born, "zs_is_connected_to_host", &[want], || {
            prime();
            bool_rc(zs_is_connected_to_host(push, c"localhost".as_ptr(), port))
        });
        lost |= rc == BAD_HANDLE;
        rc = self.pcall(born, "zs_socket_type", &[PULL], || zs_socket_type(pull));
        lost |= rc == BAD_HANDLE;
        rc = self.pcall(born, "zs_socket_type", &[PUSH], || zs_socket_type(push));
        lost |= rc == BAD_HANDLE;
        rc = self.pcall(born, "zs_peer_count", &[0, 1], || zs_peer_count(push));
        lost |= rc == BAD_HANDLE;
        rc = self.pcall(born, "zs_peer_count", &[NONNEG], || zs_peer_count(pull));
        lost |= rc == BAD_HANDLE;
        if lost {
            self.lose_pair(i);
        }
    }

    /// Nothing is outstanding on a pair between exchanges: a receive finds
    /// nothing, or only a stray.
    fn private_recv_empty(&mut self, i: usize) {
        let p = &self.pairs[i];
        let (pull, born) = (p.pull, p.born);
        let mut frames = Vec::new();
        let (func, rc) = match self.rng.below(3) {
            0 => (
                "zs_recv_multi_nonblocking",
                self.pcall(
                    born,
                    "zs_recv_multi_nonblocking",
                    &[OK, WOULD_BLOCK],
                    || {
                        let (rc, f) = recv_with(|m| zs_recv_multi_nonblocking(pull, m));
                        frames = f;
                        rc
                    },
                ),
            ),
            n => {
                let t = if n == 1 { 0 } else { self.rng.range(1, 30) };
                (
                    "zs_recv_multi",
                    self.pcall(born, "zs_recv_multi", &[OK, TIMED_OUT], || {
                        let (rc, f) = recv_with(|m| zs_recv_multi(pull, t, m));
                        frames = f;
                        rc
                    }),
                )
            }
        };
        if rc == BAD_HANDLE {
            self.lose_pair(i);
        } else if rc == OK && self.classify(i, &frames) {
            self.fail(format!("{func} found an unexpected extra message"));
        }
    }

    fn private_wait(&mut self, i: usize) {
        let p = &self.pairs[i];
        let (pull, push, port, born, via_host) = (p.pull, p.push, p.port, p.born, p.via_host);
        let want = if via_host { OK } else { NOT_CONNECTED };
        let mut rc = self.pcall(born, "zs_wait_connected", &[want], || {
            zs_wait_connected(push, c"localhost".as_ptr(), port, RECV_MS)
        });
        if rc != BAD_HANDLE {
            rc = self.pcall(born, "zs_wait_peers", &[OK], || {
                zs_wait_peers(push, 1, RECV_MS)
            });
        }
        if rc != BAD_HANDLE {
            rc = self.pcall(born, "zs_wait_peers", &[OK], || {
                zs_wait_peers(pull, 1, RECV_MS)
            });
        }
        if rc == BAD_HANDLE {
            self.lose_pair(i);
        }
    }

    /// Handles this thread destroyed, 0 and one never issued: always
    /// BAD_HANDLE.
    fn stale_query(&mut self) {
        let h = match self.rng.below(4) {
            0 => 0,
            1 => HANDLE_MASK - 7,
            _ if !self.graveyard.is_empty() => {
                let j = self.rng.index(self.graveyard.len());
                self.graveyard[j]
            }
            _ => 0,
        };
        let rc = zs_socket_type(h);
        self.check("zs_socket_type", rc, &[BAD_HANDLE]);
        prime();
        let rc = bool_rc(zs_send_nonblocking(h, b"x".as_ptr() as *const c_void, 1));
        self.check("zs_send_nonblocking", rc, &[BAD_HANDLE]);
        let (rc, _) = recv_with(|m| zs_recv(h, 0, m));
        self.check("zs_recv", rc, &[BAD_HANDLE]);
        let rc = zs_socket_destroy(h);
        self.check("zs_socket_destroy", rc, &[BAD_HANDLE]);
    }

    // ------------------------------------------------------ shared handles

    /// A shared slot of the wanted kind and what it holds (0 if empty).
    fn shared_slot(&mut self, pull: bool) -> (usize, u64) {
        let idx = if pull {
            self.rng.index(SHARED_PULLS)
        } else {
            SHARED_PULLS + self.rng.index(SHARED - SHARED_PULLS)
        };
        (idx, SHARED_SLOTS[idx].load(SeqCst))
    }

    /// A shared slot's handle, making one if the slot is empty.
    fn shared_get(&mut self, pull: bool) -> Option<(usize, u64)> {
        let (idx, v) = self.shared_slot(pull);
        if v != 0 {
            return Some((idx, v));
        }
        let op = self.op;
        self.set_op(Op::SharedFill);
        self.shared_fill(idx);
        self.op = op;
        let v = SHARED_SLOTS[idx].load(SeqCst);
        (v != 0).then_some((idx, v))
    }

    fn shared_fill(&mut self, idx: usize) {
        let born_f = DA_FINISHED.load(SeqCst);
        let mut h: zs_socket = 0;
        if idx < SHARED_PULLS {
            let rc = zs_socket_new_bound(PULL, 0, HWM, HWM, &mut h);
            self.check("zs_socket_new_bound", rc, &[NONNEG]);
        } else {
            h = self.new_socket(PUSH);
        }
        let born = Born {
            f: born_f,
            s2: DA_STARTED.load(SeqCst),
        };
        let linger = self.rng.range(0, 300);
        let rc = self.pcall(born, "zs_set_linger", &[OK], || zs_set_linger(h, linger));
        if rc == BAD_HANDLE {
            return;
        }
        let packed = pack(h, born_f);
        if SHARED_SLOTS[idx]
            .compare_exchange(0, packed, SeqCst, SeqCst)
            .is_err()
        {
            let rc = self.pcall(born, "zs_socket_destroy", &[OK], || zs_socket_destroy(h));
            if rc == OK {
                self.graveyard.push(h);
            }
        }
    }

    /// Take a shared socket out of its slot, destroy it, make a new one.
    fn shared_replace(&mut self) {
        let pull = self.rng.one_in(2);
        let (idx, v) = self.shared_slot(pull);
        if v != 0
            && SHARED_SLOTS[idx]
                .compare_exchange(v, 0, SeqCst, SeqCst)
                .is_ok()
        {
            // Ours now: only a zs_destroy_all may have destroyed it.
            let born = Born {
                f: born_of(v),
                s2: u64::MAX,
            };
            let h = handle_of(v);
            let rc = self.pcall(born, "zs_socket_destroy", &[OK], || zs_socket_destroy(h));
            if rc == OK {
                self.graveyard.push(h);
            }
        }
        if SHARED_SLOTS[idx].load(SeqCst) == 0 {
            self.shared_fill(idx);
        }
    }

    fn shared_recv(&mut self) {
        let Some((idx, v)) = self.shared_get(true) else {
            return;
        };
        let t = self.rng.range(0, 50);
        let mut frames = Vec::new();
        match self.rng.below(5) {
            0 => {
                self.scall(idx, v, "zs_recv", &[OK, TIMED_OUT], |h| {
                    let (rc, f) = recv_with(|m| zs_recv(h, t, m));
                    frames = f;
                    rc
                });
                // One frame: a header or a payload (others may have taken
                // the rest of its message).
                if let Some(f) = frames.first() {
                    if frames.len() != 1 || (parse_header(f).is_none() && f.first() != Some(&0)) {
                        self.fail(format!("zs_recv on a shared PULL gave {frames:?}"));
                    }
                }
            }
            1 => {
                self.scall(idx, v, "zs_recv_nonblocking", &[OK, WOULD_BLOCK], |h| {
                    let (rc, f) = recv_with(|m| zs_recv_nonblocking(h, m));
                    frames = f;
                    rc
                });
                if frames.len() > 1 {
                    self.fail("zs_recv_nonblocking gave more than one frame".into());
                }
            }
            2 | 3 => {
                let nb = self.rng.one_in(2);
                if nb {
                    self.scall(
                        idx,
                        v,
                        "zs_recv_multi_nonblocking",
                        &[OK, WOULD_BLOCK],
                        |h| {
                            let (rc, f) = recv_with(|m| zs_recv_multi_nonblocking(h, m));
                            frames = f;
                            rc
                        },
                    );
                } else {
                    self.scall(idx, v, "zs_recv_multi", &[OK, TIMED_OUT], |h| {
                        let (rc, f) = recv_with(|m| zs_recv_multi(h, t, m));
                        frames = f;
                        rc
                    });
                }
                // A whole message if it starts with a header (another
                // thread's zs_recv may have taken the head of it).
                if frames.first().is_some_and(|f| parse_header(f).is_some()) {
                    if let Err(e) = verify(&frames) {
                        self.fail(format!("corrupt message on a shared PULL: {e}"));
                    }
                    SHARED_RECV.fetch_add(1, SeqCst);
                }
            }
            _ => {
                let expected = self.rng.range(1, 5);
                let mut stats = zs_drain_stats::default();
                self.scall(idx, v, "zs_drain", &[OK, TIMED_OUT], |h| {
                    zs_drain(h, i64::from(expected), 0, t, &mut stats)
                });
                if stats.messages > expected as u64 {
                    self.fail(format!("zs_drain({expected}) received {}", stats.messages));
                }
                SHARED_RECV.fetch_add(stats.messages, SeqCst);
            }
        }
    }

    fn shared_send(&mut self) {
        let Some((idx, v)) = self.shared_get(false) else {
            return;
        };
        let nframes = 1 + self.rng.below(3) as u8;
        let uid = ((self.tid as u64) << 32) | idx as u64;
        self.shared_seq += 1;
        let parts = message(header(b'S', nframes, self.tid, uid, 0, self.shared_seq));
        let frames = zs_frames(&parts);
        let t = self.rng.range(0, 20);
        let rc = match self.rng.below(5) {
            0 if nframes == 1 => self.scall(idx, v, "zs_send", &[OK, TIMED_OUT], |h| {
                zs_send(h, parts[0].as_ptr() as *const c_void, parts[0].len(), t)
            }),
            0 | 1 => self.scall(idx, v, "zs_send_multi", &[OK, TIMED_OUT], |h| {
                zs_send_multi(h, frames.as_ptr(), frames.len(), t)
            }),
            2 => self.scall(
                idx,
                v,
                "zs_send_multi_nonblocking",
                &[OK, WOULD_BLOCK],
                |h| {
                    prime();
                    bool_rc(zs_send_multi_nonblocking(h, frames.as_ptr(), frames.len()))
                },
            ),
            3 if nframes == 1 => {
                self.scall(idx, v, "zs_send_nonblocking", &[OK, WOULD_BLOCK], |h| {
                    prime();
                    bool_rc(zs_send_nonblocking(
                        h,
                        parts[0].as_ptr() as *const c_void,
                        parts[0].len(),
                    ))
                })
            }
            _ => {
                let repeat = self.rng.range(1, 5);
                let mut sent = 0;
                let rc = self.scall(idx, v, "zs_pump", &[OK, TIMED_OUT, BAD_HANDLE], |h| {
                    prime();
                    sent = zs_pump(h, frames.as_ptr(), frames.len(), i64::from(repeat), 0, t);
                    pump_rc(sent, i64::from(repeat))
                });
                if sent > i64::from(repeat) {
                    self.fail(format!("zs_pump({repeat}) returned {sent}"));
                }
                if rc == OK || rc == TIMED_OUT {
                    SHARED_SENT.fetch_add(sent.max(0) as u64, SeqCst);
                }
                return;
            }
        };
        if rc == OK {
            SHARED_SENT.fetch_add(1, SeqCst);
        }
    }

    /// Connect a shared PUSH to a port of a shared PULL.
    fn shared_connect(&mut self) {
        let Some((pidx, pv)) = self.shared_get(true) else {
            return;
        };
        let mut ports = [0i32; 4];
        let n = self.scall(pidx, pv, "zs_bound_ports", &[NONNEG], |h| {
            zs_bound_ports(h, ports.as_mut_ptr(), ports.len())
        });
        if n <= 0 {
            return;
        }
        let port = ports[self.rng.index((n as usize).min(ports.len()))];
        let Some((idx, v)) = self.shared_get(false) else {
            return;
        };
        if self.rng.one_in(2) {
            self.scall(
                idx,
                v,
                "zs_connect_to_host",
                &[OK, ALREADY_CONNECTED],
                |h| zs_connect_to_host(h, c"localhost".as_ptr(), port, HWM, HWM),
            );
        } else {
            let ep = cstr(&format!("tcp://127.0.0.1:{port}"));
            self.scall(
                idx,
                v,
                "zs_connect_endpoint",
                &[OK, ALREADY_CONNECTED],
                |h| zs_connect_endpoint(h, ep.as_ptr(), HWM, HWM),
            );
        }
    }

    fn shared_disconnect(&mut self) {
        let Some((idx, v)) = self.shared_get(false) else {
            return;
        };
        match self.rng.below(4) {
            0 => {
                self.scall(idx, v, "zs_disconnect_from_all_hosts", &[OK], |h| {
                    zs_disconnect_from_all_hosts(h)
                });
            }
            1 => {
                self.scall(idx, v, "zs_close", &[OK], |h| zs_close(h));
            }
            n => {
                // A port some shared PULL is (or was) bound to.
                let (pidx, pv) = self.shared_slot(true);
                if pv == 0 {
                    return;
                }
                let mut ports = [0i32; 4];
                let k = self.scall(pidx, pv, "zs_bound_ports", &[NONNEG], |h| {
                    zs_bound_ports(h, ports.as_mut_ptr(), ports.len())
                });
                if k <= 0 {
                    return;
                }
                let port = ports[self.rng.index((k as usize).min(ports.len()))];
                if n == 2 {
                    self.scall(
                        idx,
                        v,
                        "zs_disconnect_from_host",
                        &[OK, NOT_CONNECTED],
                        |h| zs_disconnect_from_host(h, c"localhost".as_ptr(), port),
                    );
                } else {
                    let ep = cstr(&format!("tcp://127.0.0.1:{port}"));
                    self.scall(
                        idx,
                        v,
                        "zs_disconnect_endpoint",
                        &[OK, NOT_CONNECTED],
                        |h| zs_disconnect_endpoint(h, ep.as_ptr()),
                    );
                }
            }
        }
    }

    fn shared_bind(&mut self) {
        let Some((idx, v)) = self.shared_get(true) else {
            return;
        };
        let mut ports = [0i32; 4];
        let n = self.scall(idx, v, "zs_bound_ports", &[NONNEG], |h| {
            zs_bound_ports(h, ports.as_mut_ptr(), ports.len())
        });
        if n < 0 {
            return;
        }
        if n < 3 {
            let rc = if self.rng.one_in(2) {
                self.scall(idx, v, "zs_bind_to_port", &[NONNEG], |h| {
                    zs_bind_to_port(h, 0, HWM, HWM)
                })
            } else {
                self.scall(idx, v, "zs_bind_endpoint", &[NONNEG], |h| {
                    zs_bind_endpoint(h, c"tcp://127.0.0.1:0".as_ptr(), HWM, HWM)
                })
            };
            if rc == 0 {
                self.fail("a TCP bind to port 0 returned port 0".into());
            }
        } else {
            match self.rng.below(4) {
                0 => {
                    self.scall(idx, v, "zs_unbind_from_all_ports", &[OK], |h| {
                        zs_unbind_from_all_ports(h)
                    });
                }
                1 => {
                    self.scall(idx, v, "zs_close", &[OK], |h| zs_close(h));
                }
                _ => {
                    let port = ports[self.rng.index((n as usize).min(ports.len()))];
                    self.scall(idx, v, "zs_unbind_from_port", &[OK, NOT_BOUND], |h| {
                        zs_unbind_from_port(h, port)
                    });
                }
            }
        }
    }

    fn shared_query(&mut self) {
        let pull = self.rng.one_in(2);
        let (idx, v) = self.shared_slot(pull);
        if v == 0 {
            return;
        }
        let kind = if pull { PULL } else { PUSH };
        match self.rng.below(8) {
            0 => {
                self.scall(idx, v, "zs_socket_type", &[kind], |h| zs_socket_type(h));
            }
            1 => {
                let mut ports = [0i32; 4];
                let allowed: &[i32] = if pull { &[NONNEG] } else { &[0] };
                self.scall(idx, v, "zs_bound_ports", allowed, |h| {
                    zs_bound_ports(h, ports.as_mut_ptr(), ports.len())
                });
            }
            2 => {
                let mut buf = [0u8; 1024];
                let n = self.scall(idx, v, "zs_endpoints", &[NONNEG], |h| {
                    zs_endpoints(h, buf.as_mut_ptr() as *mut c_char, buf.len())
                });
                if n >= 0 {
                    let end = (n as usize).min(buf.len() - 1);
                    if buf[end] != 0 {
                        self.fail("zs_endpoints: no NUL".into());
                    }
                    let text = String::from_utf8_lossy(&buf[..end]).into_owned();
                    let want = if pull { "bind " } else { "connect " };
                    if (n as usize) < buf.len() && text.lines().any(|l| !l.starts_with(want)) {
                        self.fail(format!("zs_endpoints of a shared socket: {text:?}"));
                    }
                }
            }
            3 => {
                self.scall(idx, v, "zs_peer_count", &[NONNEG], |h| zs_peer_count(h));
            }
            4 => {
                let t = self.rng.range(0, 30);
                self.scall(idx, v, "zs_wait_peers", &[OK, TIMED_OUT], |h| {
                    zs_wait_peers(h, 1, t)
                });
            }
            5 => {
                let linger = self.rng.range(0, 300);
                self.scall(idx, v, "zs_set_linger", &[OK], |h| zs_set_linger(h, linger));
            }
            6 => {
                let port = self.rng.range(1, 65535);
                self.scall(idx, v, "zs_is_bound_to_port", &[OK, FALSE], |h| {
                    prime();
                    bool_rc(zs_is_bound_to_port(h, port))
                });
            }
            _ => {
                let port = self.rng.range(1, 65535);
                self.scall(idx, v, "zs_is_connected_to_host", &[OK, FALSE], |h| {
                    prime();
                    bool_rc(zs_is_connected_to_host(h, c"localhost".as_ptr(), port))
                });
            }
        }
    }

    /// zs_poll over shared PULLs and this thread's private PULLs.
    fn poll(&mut self) {
        let mut list: Vec<u64> = Vec::new();
        let mut shared: Vec<(usize, u64)> = Vec::new();
        for _ in 0..self.rng.range(0, 2) {
            let (idx, v) = self.shared_slot(true);
            if v != 0 {
                shared.push((idx, v));
                list.push(handle_of(v));
            }
        }
        let mut privs: Vec<Born> = Vec::new();
        for _ in 0..self.rng.range(1, 2) {
            let j = self.rng.index(self.pairs.len());
            let p = &self.pairs[j];
            list.push(p.pull);
            privs.push(p.born);
        }
        let t = self.rng.range(0, 30);
        let mut readable = vec![false; list.len()];
        let f_before = DA_FINISHED.load(SeqCst);
        let rc = zs_poll(list.as_ptr(), list.len(), t, readable.as_mut_ptr());
        let s_after = DA_STARTED.load(SeqCst);
        if rc == BAD_HANDLE {
            let excused = shared
                .iter()
                .any(|&(i, v)| SHARED_SLOTS[i].load(SeqCst) != v || s_after > born_of(v))
                || privs.iter().any(|b| s_after > b.f);
            if !excused {
                self.fail(format!(
                    "zs_poll({list:?}) returned BAD_HANDLE with every handle live"
                ));
            }
            self.check("zs_poll", rc, &[BAD_HANDLE]);
            return;
        }
        if privs.iter().any(|b| f_before > b.s2) {
            self.fail(format!(
                "zs_poll returned {rc} over a private handle a finished zs_destroy_all destroyed"
            ));
        }
        self.check("zs_poll", rc, &[NONNEG]);
        let n = readable.iter().filter(|r| **r).count();
        if n != rc as usize {
            self.fail(format!("zs_poll returned {rc} but readable = {readable:?}"));
        }
    }

    // -------------------------------------------------------------- victims

    /// Publish a socket for other threads to destroy, then block on it
    /// with ZS_TIMEOUT_FOREVER.
    fn victim(&mut self) {
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

    // ---------------------------------------------------------- destroy_all

    fn random_destroy_all(&mut self) {
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
    fn forced_destroy_all(&mut self) {
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

/// Operations named (by their `Op` variant, e.g. `Victim,Poll`) in
/// `ZS_CONCURRENCY_SKIP` are not run: a way to narrow down a failure.
fn skipped(op: Op) -> bool {
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
fn reap(by: usize, min_age_ns: u64, mut on_kill: impl FnMut()) {
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
