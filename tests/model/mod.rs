//! Model-based random testing of the handle table (issue 5, item 3).
//!
//! Shared by `tests/model_random.rs` (seeded sequences) and
//! `fuzz/fuzz_targets/sequences.rs` (cargo-fuzz):
//!
//! - [`decode`] turns any byte slice into a [`Program`]: a list of
//!   operations over a few sockets (create, destroy, bind, unbind, connect,
//!   disconnect, close, send, receive, host table changes, destroy_all);
//! - [`Executor`] applies each operation through the exported `zs_*`
//!   functions, exactly as a C caller would, and after EVERY step checks the
//!   return code against the model's prediction and the whole observable
//!   state against the model of the handle table: `zs_socket_count`, and
//!   for every live handle its type, `zs_bound_ports`, `zs_endpoints`
//!   (exact text), `zs_is_bound_to_port` for every port the run knows and
//!   `zs_is_connected_to_host` for every host id and port; every destroyed
//!   (or never issued) handle must give `ZS_ERR_BAD_HANDLE`.
//!
//! Messages: each one carries a unique tag in its first frame. A PUSH whose
//! only attachment is an inproc connect linked to a live PULL delivers for
//! certain: the model expects that message at that PULL, in order, and a
//! receive there must produce it (nothing lost, nothing duplicated, nothing
//! reordered). Every other message that was queued is "possible": it may
//! arrive (once) or not. Any received message must be one of those.
//!
//! The run binds on 127.0.0.1 only (`zs_set_bind_interface`), ports are
//! always ephemeral (port 0, read back) or ports this run learned.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ffi::{CStr, CString};
use std::fmt;
use std::os::raw::{c_char, c_void};
use std::ptr;
use std::time::{Duration, Instant};

use zmqsocket::*;

#[path = "../common/rng.rs"]
mod rng;
use rng::SplitMix64;

const OK: i32 = zs_result::ZS_OK as i32;
const BAD_HANDLE: i32 = zs_result::ZS_ERR_BAD_HANDLE as i32;
const UNKNOWN_HOST: i32 = zs_result::ZS_ERR_UNKNOWN_HOST as i32;
const TIMED_OUT: i32 = zs_result::ZS_ERR_TIMED_OUT as i32;
const WOULD_BLOCK: i32 = zs_result::ZS_ERR_WOULD_BLOCK as i32;
const NOT_BOUND: i32 = zs_result::ZS_ERR_NOT_BOUND as i32;
const NOT_CONNECTED: i32 = zs_result::ZS_ERR_NOT_CONNECTED as i32;
const ALREADY_CONNECTED: i32 = zs_result::ZS_ERR_ALREADY_CONNECTED as i32;
const ADDRESS_IN_USE: i32 = zs_result::ZS_ERR_ADDRESS_IN_USE as i32;
const NOT_SUPPORTED: i32 = zs_result::ZS_ERR_NOT_SUPPORTED as i32;
const WRONG_STATE: i32 = zs_result::ZS_ERR_WRONG_STATE as i32;
const HWM: i32 = zs_hwm::ZS_HWM_DEFAULT as i32;

/// How long a receive waits for a message the model says must come.
const DELIVERY_WAIT_MS: i32 = 2000;
/// A message queued by a socket of a sequence that ended this long ago can
/// no longer arrive anywhere (lingers are at most 1000 ms).
const STALE_AFTER: Duration = Duration::from_secs(3);
/// At most this many operations are decoded from one input.
pub const MAX_OPS: usize = 64;
/// Bytes per operation in an input (after the first, profile, byte).
pub const OP_BYTES: usize = 4;

/// Host ids the operations use: the built-in `localhost`, `mz_peer` (set
/// by the run to 127.0.0.1 or ::1, or removed), an IPv4 literal (resolves
/// to itself) and an id never in the table.
pub const HOSTS: [&str; 4] = ["localhost", "mz_peer", "127.0.0.1", "mz_nohost"];
const PEER: &str = "mz_peer";

/// Handles that are never sockets: 0, and one above anything issued.
const BOGUS: [u64; 2] = [0, (1 << 53) - 1];

// ---------------------------------------------------------------------------
// Decoding

/// Socket types the runs make.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Push,
    Pull,
    Pair,
    Dealer,
    Pub,
    Sub,
}

const KINDS: [Kind; 8] = [
    Kind::Push,
    Kind::Pull,
    Kind::Push,
    Kind::Pull,
    Kind::Pair,
    Kind::Dealer,
    Kind::Pub,
    Kind::Sub,
];

impl Kind {
    fn code(self) -> i32 {
        (match self {
            Kind::Push => zs_socket_type::ZS_PUSH,
            Kind::Pull => zs_socket_type::ZS_PULL,
            Kind::Pair => zs_socket_type::ZS_PAIR,
            Kind::Dealer => zs_socket_type::ZS_DEALER,
            Kind::Pub => zs_socket_type::ZS_PUB,
            Kind::Sub => zs_socket_type::ZS_SUB,
        }) as i32
    }

    fn from_byte(b: u8) -> Kind {
        KINDS[usize::from(b) % KINDS.len()]
    }
}

/// What an operation does; its bytes `sock`, `a`, `b` select the socket
/// and the arguments among what the run knows at that point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpKind {
    /// zs_socket_new (a: type; b: linger 0 unless b % 16 == 0).
    Create,
    /// zs_socket_new_bound (a: type; b: port 0 or a known port).
    CreateBound,
    /// zs_socket_new_connected (a: type; b: host and port).
    CreateConnected,
    Destroy,
    /// zs_bind_to_port (a: port 0 or a known port).
    BindPort,
    /// zs_bind_endpoint("tcp://127.0.0.1:0").
    BindTcpEndpoint,
    /// zs_bind_endpoint("inproc://..."), a: which of the sequence's 2 names.
    BindInproc,
    UnbindPort,
    UnbindEndpoint,
    UnbindAll,
    /// zs_connect_to_host (a: host id, b: port).
    Connect,
    /// zs_connect_endpoint("tcp://127.0.0.1:port").
    ConnectTcpEndpoint,
    ConnectInproc,
    Disconnect,
    DisconnectEndpoint,
    DisconnectAll,
    Close,
    /// a % 4: zs_send(0 ms), zs_send_nonblocking, zs_send_multi_nonblocking, zs_send_multi(0 ms).
    Send,
    /// a % 3: zs_recv_nonblocking, zs_recv_multi_nonblocking, zs_recv_multi(0 ms);
    /// with a message due: zs_recv / zs_recv_multi with a wait.
    Recv,
    /// zs_host_set("mz_peer", 127.0.0.1 or ::1).
    HostSet,
    HostRemove,
    DestroyAll,
}

/// The op mix: (kind, weight). zs_destroy_all and TCP binds and unbinds
/// cost most, sends, receives and inproc least.
const MIX: [(OpKind, usize); 22] = [
    (OpKind::Create, 5),
    (OpKind::CreateBound, 2),
    (OpKind::CreateConnected, 2),
    (OpKind::Destroy, 3),
    (OpKind::BindPort, 3),
    (OpKind::BindTcpEndpoint, 2),
    (OpKind::BindInproc, 7),
    (OpKind::UnbindPort, 3),
    (OpKind::UnbindEndpoint, 3),
    (OpKind::UnbindAll, 1),
    (OpKind::Connect, 4),
    (OpKind::ConnectTcpEndpoint, 2),
    (OpKind::ConnectInproc, 8),
    (OpKind::Disconnect, 3),
    (OpKind::DisconnectEndpoint, 3),
    (OpKind::DisconnectAll, 1),
    (OpKind::Close, 2),
    (OpKind::Send, 12),
    (OpKind::Recv, 10),
    (OpKind::HostSet, 1),
    (OpKind::HostRemove, 1),
    (OpKind::DestroyAll, 1),
];

/// One operation: its kind and three selector bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Op {
    pub kind: OpKind,
    pub sock: u8,
    pub a: u8,
    pub b: u8,
}

/// A decoded input.
#[derive(Clone, Debug, Default)]
pub struct Program {
    /// False: a cheap program, whose TCP binds were turned into inproc
    /// binds (TCP connects stay: they are lazy and cheap).
    pub tcp_binds: bool,
    pub ops: Vec<Op>,
}

/// Decode any bytes: the first byte picks the profile (TCP binds when it is
/// a multiple of 4) and 1 to 3 sockets to create first, then every
/// [`OP_BYTES`] bytes are one operation (at most [`MAX_OPS`]; a short tail
/// is ignored).
pub fn decode(bytes: &[u8]) -> Program {
    let Some((&head, rest)) = bytes.split_first() else {
        return Program::default();
    };
    let tcp_binds = head % 4 == 0;
    let total: usize = MIX.iter().map(|(_, w)| w).sum();
    // 1 to 3 sockets to start with, of consecutive types in KINDS (so
    // often a PUSH and a PULL).
    let first = (head >> 4) % KINDS.len() as u8;
    let mut ops: Vec<Op> = (0..1 + (head >> 2) % 3)
        .map(|k| Op {
            kind: OpKind::Create,
            sock: 0,
            a: first + k,
            b: head,
        })
        .collect();
    ops.extend(rest.chunks_exact(OP_BYTES).take(MAX_OPS).map(|c| {
        let mut pick = (usize::from(c[0]) * 256 + usize::from(c[1])) % total;
        let mut kind = OpKind::Create;
        for (k, w) in MIX {
            if pick < w {
                kind = k;
                break;
            }
            pick -= w;
        }
        // zs_destroy_all tears the context down and makes a new one
        // (about 15 ms): keep it to about one sequence in twenty.
        if kind == OpKind::DestroyAll && c[3] >= 48 {
            kind = OpKind::Destroy;
        }
        if !tcp_binds {
            kind = match kind {
                OpKind::BindPort | OpKind::BindTcpEndpoint => OpKind::BindInproc,
                OpKind::CreateBound => OpKind::Create,
                k => k,
            };
        }
        Op {
            kind,
            sock: c[1].rotate_left(3) ^ c[2],
            a: c[2],
            b: c[3],
        }
    }));
    Program { tcp_binds, ops }
}

/// The input of seed `seed`: 5 to 30 operations.
pub fn bytes_for_seed(seed: u64) -> Vec<u8> {
    let mut rng = SplitMix64(seed);
    let n_ops = 5 + (rng.next() % 26) as usize;
    let mut v = Vec::with_capacity(1 + OP_BYTES * n_ops);
    v.push(rng.next() as u8);
    for _ in 0..n_ops {
        v.extend_from_slice(&rng.next().to_le_bytes()[..OP_BYTES]);
    }
    v
}

// ---------------------------------------------------------------------------
// The model

#[derive(Clone, Debug)]
struct MBind {
    port: Option<u16>,
    endpoint: String,
    requested: String,
}

/// Where a connect's pipe goes, as far as the model can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Link {
    /// A TCP connect: libzmq made its pipe at once (it may lose it if the
    /// peer fails the ZMTP handshake, see `Run::incompatible_binder`);
    /// delivery is unknown.
    Tcp,
    /// inproc, nobody bound the name yet: the pipe waits for the binder.
    Pending,
    /// inproc, attached to the binder `peer`; `certain` until the peer
    /// unbinds, closes or is destroyed.
    Linked { peer: u64, certain: bool },
    /// inproc, attached to something that went away (or may have).
    Broken,
}

#[derive(Clone, Debug)]
struct MConn {
    host: Option<(&'static str, u16)>,
    endpoint: String,
    link: Link,
}

#[derive(Clone, Debug)]
struct MSock {
    kind: Kind,
    binds: Vec<MBind>,
    connects: Vec<MConn>,
    /// Ever bound or connected successfully (a PUSH that never was has no
    /// pipe: its sends must block).
    ever_attached: bool,
}

impl MSock {
    fn new(kind: Kind) -> MSock {
        MSock {
            kind,
            binds: Vec::new(),
            connects: Vec::new(),
            ever_attached: false,
        }
    }

    fn ports(&self) -> Vec<i32> {
        let mut v: Vec<i32> = self
            .binds
            .iter()
            .filter_map(|b| b.port.map(i32::from))
            .collect();
        v.sort_unstable();
        v
    }

    fn endpoints_text(&self) -> String {
        let mut s = String::new();
        for b in &self.binds {
            s.push_str(&format!("bind {}\n", b.endpoint));
        }
        for c in &self.connects {
            match c.host {
                Some((h, p)) => s.push_str(&format!("connect {h}:{p} {}\n", c.endpoint)),
                None => s.push_str(&format!("connect {}\n", c.endpoint)),
            }
        }
        s
    }

    fn connected_to(&self, host: &str, port: u16) -> bool {
        self.connects
            .iter()
            .any(|c| c.host.is_some_and(|(h, p)| h == host && p == port))
    }
}

/// A TCP port the run learned, while no live socket holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FreePort {
    /// Unbound with zs_unbind_from_port & co: free again at once (contract).
    Freed,
    /// Its socket was destroyed while bound: libzmq releases it in the
    /// background, so binding it may or may not work.
    Limbo,
}

/// An inproc name in libzmq's registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reg {
    Bound(u64),
    /// Its binder was destroyed; libzmq unregisters it in the background.
    Limbo,
}

/// A message the model says must arrive at `receiver`.
#[derive(Clone, Debug)]
struct Expect {
    tag: Vec<u8>,
    frames: Vec<Vec<u8>>,
    sender: u64,
    receiver: u64,
}

/// A message that may arrive somewhere, once.
#[derive(Clone, Debug)]
struct Maybe {
    frames: Vec<Vec<u8>>,
    seq: u64,
}

/// One sequence's world.
struct Run {
    seq: u64,
    live: BTreeMap<u64, MSock>,
    /// Handles made in this sequence, in order (live and destroyed).
    handles: Vec<u64>,
    dead: Vec<u64>,
    /// TCP ports learned in this sequence, in order.
    ports: Vec<u16>,
    /// The kinds of the sockets that bound each TCP port in this sequence.
    tcp_binders: HashMap<u16, Vec<Kind>>,
    free: HashMap<u16, FreePort>,
    names: Vec<String>,
    inproc: HashMap<String, Reg>,
    /// What `mz_peer` resolves to now.
    peer_addr: Option<&'static str>,
    /// The library's record of inproc names a connect waits on (made while
    /// nobody bound the name), and the socket that waits: one per name.
    waiting: HashMap<String, u64>,
    expected: Vec<Expect>,
}

impl Run {
    /// True if the port of TCP connect `c` was bound, in this sequence, by
    /// a socket a `kind` socket may not talk to (ZMTP refuses the pair).
    fn incompatible_binder(&self, kind: Kind, c: &MConn) -> bool {
        let port = c
            .host
            .map(|(_, p)| p)
            .or_else(|| c.endpoint.rsplit(':').next().and_then(|p| p.parse().ok()));
        let peer_ok = |k: &Kind| {
            matches!(
                (kind, k),
                (Kind::Push, Kind::Pull)
                    | (Kind::Pull, Kind::Push)
                    | (Kind::Pair, Kind::Pair)
                    | (Kind::Dealer, Kind::Dealer)
                    | (Kind::Pub, Kind::Sub)
                    | (Kind::Sub, Kind::Pub)
            )
        };
        port.and_then(|p| self.tcp_binders.get(&p))
            .is_some_and(|kinds| !kinds.iter().all(peer_ok))
    }

    fn holder(&self, port: u16) -> Option<u64> {
        self.live
            .iter()
            .find(|(_, s)| s.binds.iter().any(|b| b.port == Some(port)))
            .map(|(h, _)| *h)
    }

    fn learn_port(&mut self, port: u16) {
        if !self.ports.contains(&port) {
            self.ports.push(port);
        }
        self.free.remove(&port);
    }

    fn resolve(&self, host: &str) -> Option<&'static str> {
        match host {
            "localhost" | "127.0.0.1" => Some("127.0.0.1"),
            PEER => self.peer_addr,
            _ => None,
        }
    }
}

fn tcp_endpoint(addr: &str, port: u16) -> String {
    if addr.contains(':') {
        format!("tcp://[{addr}]:{port}")
    } else {
        format!("tcp://{addr}:{port}")
    }
}

// ---------------------------------------------------------------------------
// Results

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

type Check<T = ()> = Result<T, String>;

fn last_error() -> (i32, String) {
    let p = zs_last_error();
    let text = if p.is_null() {
        "<NULL>".to_string()
    } else {
        // SAFETY: zs_last_error returns a NUL-terminated string valid until
        // this thread's next failing call; it is copied at once.
        unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
    };
    (zs_last_error_code(), text)
}

fn code_name(code: i32) -> String {
    // SAFETY: zs_strerror returns static NUL-terminated text.
    let t = unsafe { CStr::from_ptr(zs_strerror(code)) }.to_string_lossy();
    format!("{code} ({t})")
}

fn names(codes: &[i32]) -> String {
    codes
        .iter()
        .map(|&c| code_name(c))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// `rc` must be one of `allowed` (OK stands for any success value), and
/// the thread's last error must follow the errno rule: set to `rc` on
/// failure, unchanged (`before`) on success.
fn expect(rc: i32, allowed: &[i32], before: i32) -> Check<i32> {
    let (code, text) = last_error();
    let norm = rc.min(0);
    if !allowed.contains(&norm) {
        return Err(format!(
            "returned {}, model allows {} (last error: {text:?})",
            code_name(rc),
            names(allowed)
        ));
    }
    if rc < 0 && code != rc {
        return Err(format!(
            "returned {} but zs_last_error_code is {code} ({text:?})",
            code_name(rc)
        ));
    }
    if rc >= 0 && code != before {
        return Err(format!(
            "succeeded but changed the last error code from {before} to {code} ({text:?})"
        ));
    }
    Ok(rc)
}

/// As [`expect`] for a function returning bool: the code is OK or the last
/// error code.
fn bool_code(ok: bool) -> i32 {
    if ok {
        OK
    } else {
        zs_last_error_code()
    }
}

fn cstring(s: &str) -> CString {
    CString::new(s).expect("no NUL")
}

fn empty_message() -> zs_message {
    // Garbage the library must overwrite, never read.
    zs_message {
        frames: ptr::NonNull::dangling().as_ptr(),
        count: 7,
        owner: ptr::NonNull::<u8>::dangling().as_ptr() as *mut c_void,
    }
}

/// The frames of a received message, then free it.
fn take_frames(m: &mut zs_message) -> Check<Vec<Vec<u8>>> {
    if m.count == 0 || m.frames.is_null() || m.owner.is_null() {
        return Err(format!(
            "a successful receive gave count {} frames {:?} owner {:?}",
            m.count, m.frames, m.owner
        ));
    }
    // SAFETY: a message filled by zs_recv* holds `count` frames at
    // `frames`, each `len` bytes at `data`, valid until zs_message_free.
    let frames = unsafe { std::slice::from_raw_parts(m.frames, m.count) }
        .iter()
        .map(|f| {
            if f.len == 0 {
                Vec::new()
            } else {
                // SAFETY: as above.
                unsafe { std::slice::from_raw_parts(f.data as *const u8, f.len) }.to_vec()
            }
        })
        .collect();
    zs_message_free(m);
    if !(m.frames.is_null() && m.count == 0 && m.owner.is_null()) {
        return Err("zs_message_free did not zero the message".into());
    }
    Ok(frames)
}

fn check_zeroed(m: &zs_message, rc: i32) -> Check {
    if m.frames.is_null() && m.count == 0 && m.owner.is_null() {
        Ok(())
    } else {
        Err(format!(
            "a failed receive ({}) left *out as count {} frames {:?} owner {:?}, not {{NULL, 0, NULL}}",
            code_name(rc),
            m.count,
            m.frames,
            m.owner
        ))
    }
}

// ---------------------------------------------------------------------------
// The executor

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

    fn new_handle(&mut self, run: &mut Run, h: u64, kind: Kind) -> Check {
        if h == 0 || h >= 1 << 53 {
            return Err(format!("new handle {h} is not in 1..2^53"));
        }
        if !self.issued.insert(h) {
            return Err(format!(
                "handle {h} was issued before: handles must never be reused"
            ));
        }
        run.handles.push(h);
        run.live.insert(h, MSock::new(kind));
        self.stats.sockets_created += 1;
        Ok(())
    }

    /// Model: `h` was destroyed.
    fn destroyed(&mut self, run: &mut Run, h: u64) {
        let Some(s) = run.live.remove(&h) else {
            return;
        };
        run.dead.push(h);
        run.waiting.retain(|_, w| *w != h);
        for b in &s.binds {
            match b.port {
                Some(p) => {
                    run.free.insert(p, FreePort::Limbo);
                }
                None => {
                    run.inproc.insert(b.endpoint.clone(), Reg::Limbo);
                }
            }
        }
        for other in run.live.values_mut() {
            for c in &mut other.connects {
                if matches!(c.link, Link::Linked { peer, .. } if peer == h) {
                    c.link = Link::Broken;
                }
            }
        }
        // What it was to receive is gone; what it sent may still arrive.
        run.expected.retain(|e| e.receiver != h);
        self.demote(run, h);
    }

    /// Model: `h` removed an attachment: what it sent or was to receive
    /// for certain is only possible now.
    fn demote(&mut self, run: &mut Run, h: u64) {
        let seq = run.seq;
        let (moved, kept): (Vec<Expect>, Vec<Expect>) = run
            .expected
            .drain(..)
            .partition(|e| e.sender == h || e.receiver == h);
        run.expected = kept;
        for e in moved {
            self.possible.insert(
                e.tag,
                Maybe {
                    frames: e.frames,
                    seq,
                },
            );
        }
    }

    /// Model: `h` no longer holds bind `i`.
    fn unbound(&mut self, run: &mut Run, h: u64, i: usize) {
        let b = run.live.get_mut(&h).expect("live").binds.remove(i);
        match b.port {
            Some(p) => {
                run.free.insert(p, FreePort::Freed);
            }
            None => {
                run.inproc.remove(&b.endpoint);
                for other in run.live.values_mut() {
                    for c in &mut other.connects {
                        if c.endpoint == b.endpoint {
                            if let Link::Linked { peer, certain } = &mut c.link {
                                if *peer == h {
                                    *certain = false;
                                }
                            }
                        }
                    }
                }
            }
        }
        self.demote(run, h);
    }

    fn disconnected(&mut self, run: &mut Run, h: u64, i: usize) {
        let c = run.live.get_mut(&h).expect("live").connects.remove(i);
        if run.waiting.get(&c.endpoint) == Some(&h) {
            run.waiting.remove(&c.endpoint);
        }
        self.demote(run, h);
    }

    /// True if live `h` connects to TCP `port` of 127.0.0.1 (any port when
    /// `port` is 0) under the endpoint string its bind would resolve to.
    fn self_connected_tcp(run: &Run, h: u64, port: u16) -> bool {
        run.live.get(&h).is_some_and(|s| {
            s.connects.iter().any(|c| {
                c.endpoint.starts_with("tcp://127.0.0.1:")
                    && (port == 0 || c.endpoint == tcp_endpoint("127.0.0.1", port))
            })
        })
    }

    /// True if live `h` binds one of `endpoints` by the same endpoint
    /// string (the library refuses such a connect).
    fn self_bound(&self, run: &Run, h: u64, endpoints: &[&str]) -> bool {
        run.live.get(&h).is_some_and(|s| {
            s.binds
                .iter()
                .any(|b| endpoints.contains(&b.endpoint.as_str()))
        })
    }

    /// The link a new inproc connect to `name` gets.
    fn inproc_link(run: &Run, name: &str) -> Link {
        match run.inproc.get(name) {
            None => Link::Pending,
            // A PAIR takes one peer and turns the others away.
            Some(Reg::Bound(b)) => Link::Linked {
                peer: *b,
                certain: run.live.get(b).is_some_and(|p| p.kind != Kind::Pair),
            },
            Some(Reg::Limbo) => Link::Broken,
        }
    }

    /// Model: `h` bound `endpoint` (resolved), asked as `requested`.
    fn bound(
        &mut self,
        run: &mut Run,
        h: u64,
        port: Option<u16>,
        endpoint: String,
        requested: String,
    ) {
        if let Some(p) = port {
            run.learn_port(p);
            self.stats.tcp_binds += 1;
            if let Some(kind) = run.live.get(&h).map(|s| s.kind) {
                run.tcp_binders.entry(p).or_default().push(kind);
            }
        } else {
            run.inproc.insert(endpoint.clone(), Reg::Bound(h));
            run.waiting.remove(&endpoint);
            // A PAIR takes one peer and turns the others away.
            let certain = run.live.get(&h).is_some_and(|p| p.kind != Kind::Pair);
            for s in run.live.values_mut() {
                for c in &mut s.connects {
                    if c.endpoint == endpoint && c.link == Link::Pending {
                        c.link = Link::Linked { peer: h, certain };
                    }
                }
            }
        }
        let s = run.live.get_mut(&h).expect("live");
        s.binds.push(MBind {
            port,
            endpoint,
            requested,
        });
        s.ever_attached = true;
    }

    /// Allowed codes of a TCP bind of `port` (0: ephemeral) by live `h`.
    fn bind_prediction(run: &Run, h: Option<u64>, port: u16) -> Vec<i32> {
        if port == 0 {
            return vec![OK];
        }
        let own = h.is_some_and(|h| run.live[&h].binds.iter().any(|b| b.port == Some(port)));
        if own || run.holder(port).is_some() {
            return vec![ADDRESS_IN_USE];
        }
        match run.free.get(&port) {
            Some(FreePort::Limbo) => vec![OK, ADDRESS_IN_USE],
            _ => vec![OK],
        }
    }

    /// Check the port a TCP bind returned, and record it.
    fn after_tcp_bind(
        &mut self,
        run: &mut Run,
        h: u64,
        rc: i32,
        asked: u16,
        requested: String,
    ) -> Check {
        if rc < 0 {
            return Ok(());
        }
        if rc == 0 || rc > 65535 || (asked != 0 && rc != i32::from(asked)) {
            return Err(format!("bind returned port {rc}, asked for {asked}"));
        }
        let port = rc as u16;
        if let Some(other) = run.holder(port) {
            return Err(format!(
                "bind returned port {port}, which live socket {other} holds"
            ));
        }
        self.bound(
            run,
            h,
            Some(port),
            tcp_endpoint("127.0.0.1", port),
            requested,
        );
        Ok(())
    }

    fn step(&mut self, run: &mut Run, op: &Op, seq: u64, i: usize, did: &mut String) -> Check {
        let h = self.pick_sock(run, op.sock);
        let live = run.live.contains_key(&h);
        let before = zs_last_error_code();
        let rc = match op.kind {
            OpKind::Create => {
                let kind = Kind::from_byte(op.a);
                let mut out: zs_socket = 0;
                *did = format!("zs_socket_new({kind:?})");
                let rc = expect(zs_socket_new(kind.code(), &mut out), &[OK], before)?;
                *did = format!("zs_socket_new({kind:?}) -> h={out}");
                self.new_handle(run, out, kind)?;
                if !op.b.is_multiple_of(16) {
                    let before = zs_last_error_code();
                    expect(zs_set_linger(out, 0), &[OK], before)
                        .map_err(|m| format!("zs_set_linger(0): {m}"))?;
                }
                rc
            }
            OpKind::CreateBound => {
                let kind = Kind::from_byte(op.a);
                let port = self.bind_port(run, op.b);
                let allowed = Self::bind_prediction(run, None, port);
                const UNTOUCHED: zs_socket = 0xDEAD_BEEF;
                let mut out: zs_socket = UNTOUCHED;
                let count = zs_socket_count();
                *did = format!("zs_socket_new_bound({kind:?}, port {port})");
                let rc = expect(
                    zs_socket_new_bound(kind.code(), i32::from(port), HWM, HWM, &mut out),
                    &allowed,
                    before,
                )?;
                *did = format!("{did} -> {rc}, h={out}");
                if rc < 0 {
                    if out != UNTOUCHED || zs_socket_count() != count {
                        return Err(format!(
                            "failed zs_socket_new_bound wrote *out = {out} or left a socket (count {} -> {})",
                            count,
                            zs_socket_count()
                        ));
                    }
                } else {
                    self.new_handle(run, out, kind)?;
                    let requested = format!("tcp://127.0.0.1:{port}");
                    self.after_tcp_bind(run, out, rc, port, requested)?;
                    let before = zs_last_error_code();
                    expect(zs_set_linger(out, 0), &[OK], before)?;
                }
                rc
            }
            OpKind::CreateConnected => {
                let kind = Kind::from_byte(op.a);
                let host = HOSTS[usize::from(op.b) % HOSTS.len()];
                let port = self.any_port(run, op.b / 4);
                const UNTOUCHED: zs_socket = 0xDEAD_BEEF;
                let mut out: zs_socket = UNTOUCHED;
                let count = zs_socket_count();
                let addr = run.resolve(host);
                let allowed = if addr.is_some() { OK } else { UNKNOWN_HOST };
                *did = format!("zs_socket_new_connected({kind:?}, {host}, {port})");
                let h_id = cstring(host);
                let rc = expect(
                    zs_socket_new_connected(
                        kind.code(),
                        h_id.as_ptr(),
                        i32::from(port),
                        HWM,
                        HWM,
                        &mut out,
                    ),
                    &[allowed],
                    before,
                )?;
                *did = format!("{did} -> {rc}, h={out}");
                if rc < 0 {
                    if out != UNTOUCHED || zs_socket_count() != count {
                        return Err(format!(
                            "failed zs_socket_new_connected wrote *out = {out} or left a socket (count {} -> {})",
                            count,
                            zs_socket_count()
                        ));
                    }
                } else {
                    self.new_handle(run, out, kind)?;
                    let s = run.live.get_mut(&out).expect("live");
                    s.connects.push(MConn {
                        host: Some((host, port)),
                        endpoint: tcp_endpoint(addr.expect("resolved"), port),
                        link: Link::Tcp,
                    });
                    s.ever_attached = true;
                    let before = zs_last_error_code();
                    expect(zs_set_linger(out, 0), &[OK], before)?;
                }
                rc
            }
            OpKind::Destroy => {
                *did = format!("zs_socket_destroy(h={h})");
                let rc = expect(
                    zs_socket_destroy(h),
                    &[if live { OK } else { BAD_HANDLE }],
                    before,
                )?;
                if live {
                    self.destroyed(run, h);
                }
                rc
            }
            OpKind::BindPort => {
                let port = self.bind_port(run, op.a);
                let allowed = if !live {
                    vec![BAD_HANDLE]
                } else if Self::self_connected_tcp(run, h, port) {
                    // A socket never binds what it connects to under the
                    // same endpoint string (port 0: if the port drawn is one).
                    let mut a = Self::bind_prediction(run, Some(h), port);
                    if port != 0 {
                        a.clear();
                    }
                    a.push(ADDRESS_IN_USE);
                    a
                } else {
                    Self::bind_prediction(run, Some(h), port)
                };
                *did = format!("zs_bind_to_port(h={h}, {port})");
                let rc = expect(
                    zs_bind_to_port(h, i32::from(port), HWM, HWM),
                    &allowed,
                    before,
                )?;
                *did = format!("{did} -> {rc}");
                if live {
                    self.after_tcp_bind(run, h, rc, port, format!("tcp://127.0.0.1:{port}"))?;
                }
                rc
            }
            OpKind::BindTcpEndpoint => {
                let ep = "tcp://127.0.0.1:0";
                *did = format!("zs_bind_endpoint(h={h}, {ep})");
                let allowed = if !live {
                    vec![BAD_HANDLE]
                } else if Self::self_connected_tcp(run, h, 0) {
                    vec![OK, ADDRESS_IN_USE]
                } else {
                    vec![OK]
                };
                let rc = expect(
                    zs_bind_endpoint(h, cstring(ep).as_ptr(), HWM, HWM),
                    &allowed,
                    before,
                )?;
                *did = format!("{did} -> {rc}");
                if live {
                    self.after_tcp_bind(run, h, rc, 0, ep.to_string())?;
                }
                rc
            }
            OpKind::BindInproc => {
                let name = run.names[usize::from(op.a) % run.names.len()].clone();
                *did = format!("zs_bind_endpoint(h={h}, {name})");
                let allowed = if !live {
                    vec![BAD_HANDLE]
                } else if run.live[&h].binds.iter().any(|b| b.endpoint == name)
                    || run.live[&h].connects.iter().any(|c| c.endpoint == name)
                {
                    vec![ADDRESS_IN_USE]
                } else {
                    match run.inproc.get(&name) {
                        Some(Reg::Bound(_)) => vec![ADDRESS_IN_USE],
                        Some(Reg::Limbo) => vec![OK, ADDRESS_IN_USE],
                        None => vec![OK],
                    }
                };
                let rc = expect(
                    zs_bind_endpoint(h, cstring(&name).as_ptr(), HWM, HWM),
                    &allowed,
                    before,
                )?;
                *did = format!("{did} -> {rc}");
                if rc > 0 {
                    return Err(format!("an inproc bind returned {rc}, not 0"));
                }
                if rc == OK {
                    self.bound(run, h, None, name.clone(), name);
                }
                rc
            }
            OpKind::UnbindPort => {
                let own = if live {
                    run.live[&h].ports()
                } else {
                    Default::default()
                };
                let port = if op.a < 160 && !own.is_empty() {
                    own[usize::from(op.b) % own.len()] as u16
                } else {
                    self.any_port(run, op.b)
                };
                *did = format!("zs_unbind_from_port(h={h}, {port})");
                let idx = live
                    .then(|| run.live[&h].binds.iter().position(|b| b.port == Some(port)))
                    .flatten();
                let allowed = match (live, idx) {
                    (false, _) => BAD_HANDLE,
                    (true, Some(_)) => OK,
                    (true, None) => NOT_BOUND,
                };
                let rc = expect(zs_unbind_from_port(h, i32::from(port)), &[allowed], before)?;
                if let Some(i) = idx {
                    self.unbound(run, h, i);
                }
                rc
            }
            OpKind::UnbindEndpoint => {
                let own: Vec<String> = if live {
                    {
                        run.live[&h]
                            .binds
                            .iter()
                            .map(|b| b.endpoint.clone())
                            .collect()
                    }
                } else {
                    Default::default()
                };
                let ep = if op.a < 160 && !own.is_empty() {
                    own[usize::from(op.b) % own.len()].clone()
                } else {
                    let mut c = run.names.clone();
                    for s in run.live.values() {
                        c.extend(s.binds.iter().map(|b| b.endpoint.clone()));
                    }
                    c.push(tcp_endpoint("127.0.0.1", self.dead_ports[0]));
                    c[usize::from(op.b) % c.len()].clone()
                };
                *did = format!("zs_unbind_endpoint(h={h}, {ep})");
                let idx = live
                    .then(|| {
                        run.live[&h]
                            .binds
                            .iter()
                            .position(|b| b.endpoint == ep || b.requested == ep)
                    })
                    .flatten();
                let allowed = match (live, idx) {
                    (false, _) => BAD_HANDLE,
                    (true, Some(_)) => OK,
                    (true, None) => NOT_BOUND,
                };
                let rc = expect(
                    zs_unbind_endpoint(h, cstring(&ep).as_ptr()),
                    &[allowed],
                    before,
                )?;
                if let Some(i) = idx {
                    self.unbound(run, h, i);
                }
                rc
            }
            OpKind::UnbindAll | OpKind::DisconnectAll | OpKind::Close => {
                let (name, rc) = match op.kind {
                    OpKind::UnbindAll => ("zs_unbind_from_all_ports", zs_unbind_from_all_ports(h)),
                    OpKind::DisconnectAll => (
                        "zs_disconnect_from_all_hosts",
                        zs_disconnect_from_all_hosts(h),
                    ),
                    _ => ("zs_close", zs_close(h)),
                };
                *did = format!("{name}(h={h})");
                let rc = expect(rc, &[if live { OK } else { BAD_HANDLE }], before)?;
                if live {
                    if op.kind != OpKind::DisconnectAll {
                        while !run.live[&h].binds.is_empty() {
                            self.unbound(run, h, 0);
                        }
                    }
                    if op.kind != OpKind::UnbindAll {
                        while !run.live[&h].connects.is_empty() {
                            self.disconnected(run, h, 0);
                        }
                    }
                }
                rc
            }
            OpKind::Connect => {
                let host = HOSTS[usize::from(op.a) % HOSTS.len()];
                let port = self.any_port(run, op.b);
                *did = format!("zs_connect_to_host(h={h}, {host}, {port})");
                let addr = run.resolve(host);
                let endpoint = addr.map(|a| tcp_endpoint(a, port));
                let allowed = match (live, &endpoint) {
                    (false, None) => vec![BAD_HANDLE, UNKNOWN_HOST],
                    (false, Some(_)) => vec![BAD_HANDLE],
                    (true, None) => vec![UNKNOWN_HOST],
                    (true, Some(ep)) => {
                        let s = &run.live[&h];
                        if s.connected_to(host, port)
                            || s.connects.iter().any(|c| &c.endpoint == ep)
                        {
                            vec![ALREADY_CONNECTED]
                        } else if self.self_bound(run, h, &[ep.as_str()]) {
                            vec![ADDRESS_IN_USE]
                        } else {
                            vec![OK]
                        }
                    }
                };
                let rc = expect(
                    zs_connect_to_host(h, cstring(host).as_ptr(), i32::from(port), HWM, HWM),
                    &allowed,
                    before,
                )?;
                if rc == OK {
                    let s = run.live.get_mut(&h).expect("live");
                    s.connects.push(MConn {
                        host: Some((host, port)),
                        endpoint: endpoint.expect("resolved"),
                        link: Link::Tcp,
                    });
                    s.ever_attached = true;
                }
                rc
            }
            OpKind::ConnectTcpEndpoint | OpKind::ConnectInproc => {
                let ep = if op.kind == OpKind::ConnectInproc {
                    run.names[usize::from(op.a) % run.names.len()].clone()
                } else {
                    tcp_endpoint("127.0.0.1", self.any_port(run, op.a))
                };
                *did = format!("zs_connect_endpoint(h={h}, {ep})");
                let inproc = op.kind == OpKind::ConnectInproc;
                let unbound = inproc && !matches!(run.inproc.get(&ep), Some(Reg::Bound(_)));
                let allowed = if !live {
                    BAD_HANDLE
                } else if run.live[&h].connects.iter().any(|c| c.endpoint == ep) {
                    ALREADY_CONNECTED
                } else if self.self_bound(run, h, &[ep.as_str()]) {
                    ADDRESS_IN_USE
                } else if unbound && run.waiting.get(&ep).is_some_and(|w| *w != h) {
                    // Only one socket at a time waits for an unbound name.
                    WRONG_STATE
                } else {
                    OK
                };
                let rc = expect(
                    zs_connect_endpoint(h, cstring(&ep).as_ptr(), HWM, HWM),
                    &[allowed],
                    before,
                )?;
                if rc == OK {
                    if unbound {
                        run.waiting.insert(ep.clone(), h);
                    }
                    let link = if inproc {
                        Self::inproc_link(run, &ep)
                    } else {
                        Link::Tcp
                    };
                    let s = run.live.get_mut(&h).expect("live");
                    s.connects.push(MConn {
                        host: None,
                        endpoint: ep,
                        link,
                    });
                    s.ever_attached = true;
                }
                rc
            }
            OpKind::Disconnect => {
                let own: Vec<(&'static str, u16)> = if live {
                    {
                        run.live[&h]
                            .connects
                            .iter()
                            .filter_map(|c| c.host)
                            .collect()
                    }
                } else {
                    Default::default()
                };
                let (host, port) = if op.a < 160 && !own.is_empty() {
                    own[usize::from(op.b) % own.len()]
                } else {
                    (
                        HOSTS[usize::from(op.a) % HOSTS.len()],
                        self.any_port(run, op.b),
                    )
                };
                *did = format!("zs_disconnect_from_host(h={h}, {host}, {port})");
                let idx = live
                    .then(|| {
                        run.live[&h]
                            .connects
                            .iter()
                            .position(|c| c.host == Some((host, port)))
                    })
                    .flatten();
                let allowed = match (live, idx) {
                    (false, _) => BAD_HANDLE,
                    (true, Some(_)) => OK,
                    (true, None) => NOT_CONNECTED,
                };
                let rc = expect(
                    zs_disconnect_from_host(h, cstring(host).as_ptr(), i32::from(port)),
                    &[allowed],
                    before,
                )?;
                if let Some(i) = idx {
                    self.disconnected(run, h, i);
                }
                rc
            }
            OpKind::DisconnectEndpoint => {
                let own: Vec<String> = if live {
                    {
                        run.live[&h]
                            .connects
                            .iter()
                            .map(|c| c.endpoint.clone())
                            .collect()
                    }
                } else {
                    Default::default()
                };
                let ep = if op.a < 160 && !own.is_empty() {
                    own[usize::from(op.b) % own.len()].clone()
                } else {
                    let mut c = run.names.clone();
                    c.push(tcp_endpoint("127.0.0.1", self.any_port(run, op.a)));
                    c[usize::from(op.b) % c.len()].clone()
                };
                *did = format!("zs_disconnect_endpoint(h={h}, {ep})");
                let idx = live
                    .then(|| run.live[&h].connects.iter().position(|c| c.endpoint == ep))
                    .flatten();
                let allowed = match (live, idx) {
                    (false, _) => BAD_HANDLE,
                    (true, Some(_)) => OK,
                    (true, None) => NOT_CONNECTED,
                };
                let rc = expect(
                    zs_disconnect_endpoint(h, cstring(&ep).as_ptr()),
                    &[allowed],
                    before,
                )?;
                if let Some(i) = idx {
                    self.disconnected(run, h, i);
                }
                rc
            }
            OpKind::Send => self.send(run, h, op.a, seq, i, did, before)?,
            OpKind::Recv => {
                let due = live && run.expected.iter().any(|e| e.receiver == h);
                *did = format!("receive(h={h}, form {}, due {due})", op.a % 3);
                self.receive(run, h, op.a, due)?
            }
            OpKind::HostSet => {
                let addr = if op.a.is_multiple_of(2) {
                    "127.0.0.1"
                } else {
                    "::1"
                };
                *did = format!("zs_host_set({PEER}, {addr})");
                let rc = expect(
                    zs_host_set(cstring(PEER).as_ptr(), cstring(addr).as_ptr()),
                    &[OK],
                    before,
                )?;
                run.peer_addr = Some(addr);
                rc
            }
            OpKind::HostRemove => {
                *did = format!("zs_host_remove({PEER})");
                let allowed = if run.peer_addr.is_some() {
                    OK
                } else {
                    UNKNOWN_HOST
                };
                let rc = expect(zs_host_remove(cstring(PEER).as_ptr()), &[allowed], before)?;
                run.peer_addr = None;
                rc
            }
            OpKind::DestroyAll => {
                let n = run.live.len() as i32;
                *did = "zs_destroy_all()".to_string();
                self.stats.destroy_all_calls += 1;
                let rc = zs_destroy_all();
                if rc != n {
                    return Err(format!(
                        "zs_destroy_all returned {rc}, the model has {n} live sockets"
                    ));
                }
                let all: Vec<u64> = run.live.keys().copied().collect();
                for h in all {
                    self.destroyed(run, h);
                }
                // A new context: no inproc name is registered or pending.
                run.inproc.clear();
                run.waiting.clear();
                rc
            }
        };
        if rc == BAD_HANDLE {
            self.stats.bad_handle_ops += 1;
        }
        if rc < 0 {
            self.stats.predicted_errors += 1;
        }
        if !did.contains("->") {
            did.push_str(&format!(" -> {rc}"));
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn send(
        &mut self,
        run: &mut Run,
        h: u64,
        how: u8,
        seq: u64,
        i: usize,
        did: &mut String,
        before: i32,
    ) -> Check<i32> {
        let tag = format!("mz{seq}.{i}").into_bytes();
        let multi = matches!(how % 4, 2 | 3);
        let frames: Vec<Vec<u8>> = if multi {
            vec![tag.clone(), Vec::new(), b"tail".to_vec()]
        } else {
            vec![tag.clone()]
        };
        // What the model allows, and where the message must arrive.
        let (mut allowed, certain) = match run.live.get(&h) {
            None => (vec![BAD_HANDLE], None),
            Some(s) => match s.kind {
                Kind::Pull | Kind::Sub => (vec![NOT_SUPPORTED], None),
                Kind::Pub => (vec![OK], None),
                Kind::Pair if !s.ever_attached => (vec![WOULD_BLOCK], None),
                Kind::Pair => (vec![OK, WOULD_BLOCK], None),
                Kind::Push | Kind::Dealer => {
                    // A TCP connect's pipe is made at once, but a peer of a
                    // kind it may not talk to fails the ZMTP handshake, and
                    // libzmq may then end that connect's session, its pipe
                    // with it (seed 6767: a PUSH connected to a PAIR's port
                    // had no pipe left; seen when messages were queued
                    // before the handshake failed).
                    let has_pipe = s.connects.iter().any(|c| match c.link {
                        Link::Tcp => !run.incompatible_binder(s.kind, c),
                        Link::Pending | Link::Linked { certain: true, .. } => true,
                        _ => false,
                    });
                    let allowed = if !s.ever_attached {
                        vec![WOULD_BLOCK]
                    } else if has_pipe {
                        vec![OK]
                    } else {
                        vec![OK, WOULD_BLOCK]
                    };
                    let certain = match (s.kind, s.binds.is_empty(), s.connects.as_slice()) {
                        (
                            Kind::Push,
                            true,
                            [MConn {
                                link:
                                    Link::Linked {
                                        peer,
                                        certain: true,
                                    },
                                ..
                            }],
                        ) if run.live.get(peer).is_some_and(|p| p.kind == Kind::Pull) => {
                            Some(*peer)
                        }
                        _ => None,
                    };
                    (allowed, certain)
                }
            },
        };
        let timed = matches!(how % 4, 0 | 3);
        if timed {
            for c in &mut allowed {
                if *c == WOULD_BLOCK {
                    *c = TIMED_OUT;
                }
            }
        }
        let zframes: Vec<zs_frame> = frames
            .iter()
            .map(|f| zs_frame {
                data: if f.is_empty() {
                    ptr::null()
                } else {
                    f.as_ptr() as *const c_void
                },
                len: f.len(),
            })
            .collect();
        let (name, rc) = match how % 4 {
            0 => (
                "zs_send(0 ms)",
                zs_send(h, tag.as_ptr() as *const c_void, tag.len(), 0),
            ),
            1 => (
                "zs_send_nonblocking",
                bool_code(zs_send_nonblocking(
                    h,
                    tag.as_ptr() as *const c_void,
                    tag.len(),
                )),
            ),
            2 => (
                "zs_send_multi_nonblocking",
                bool_code(zs_send_multi_nonblocking(
                    h,
                    zframes.as_ptr(),
                    zframes.len(),
                )),
            ),
            _ => (
                "zs_send_multi(0 ms)",
                zs_send_multi(h, zframes.as_ptr(), zframes.len(), 0),
            ),
        };
        *did = format!(
            "{name}(h={h}, {}) certain receiver {certain:?} -> {rc}",
            String::from_utf8_lossy(&tag)
        );
        let rc = expect(rc, &allowed, before)?;
        if rc == OK {
            self.stats.messages_sent += 1;
            let kind = run.live[&h].kind;
            match certain {
                Some(receiver) => run.expected.push(Expect {
                    tag,
                    frames,
                    sender: h,
                    receiver,
                }),
                // A PUB's messages reach subscribers only, and nobody
                // subscribes: they must never arrive anywhere.
                None if kind == Kind::Pub => {}
                None => {
                    self.possible.insert(tag, Maybe { frames, seq });
                }
            }
        }
        Ok(rc)
    }

    /// Receive on `h` (form `how`); with `due`, a message must come, so
    /// wait for it.
    fn receive(&mut self, run: &mut Run, h: u64, how: u8, due: bool) -> Check<i32> {
        let mut allowed = match run.live.get(&h) {
            None => vec![BAD_HANDLE],
            Some(s) => match s.kind {
                Kind::Push | Kind::Pub => vec![NOT_SUPPORTED],
                // Never subscribed: nothing gets through.
                Kind::Sub => vec![WOULD_BLOCK],
                _ if due => vec![OK],
                _ if self.possible.is_empty() => vec![WOULD_BLOCK],
                _ => vec![OK, WOULD_BLOCK],
            },
        };
        let single = how.is_multiple_of(3);
        let mut m = empty_message();
        let before = zs_last_error_code();
        let rc = if due {
            if single {
                zs_recv(h, DELIVERY_WAIT_MS, &mut m)
            } else {
                zs_recv_multi(h, DELIVERY_WAIT_MS, &mut m)
            }
        } else {
            match how % 3 {
                0 => zs_recv_nonblocking(h, &mut m),
                1 => zs_recv_multi_nonblocking(h, &mut m),
                _ => {
                    for c in &mut allowed {
                        if *c == WOULD_BLOCK {
                            *c = TIMED_OUT;
                        }
                    }
                    zs_recv_multi(h, 0, &mut m)
                }
            }
        };
        let rc = expect(rc, &allowed, before).map_err(|e| {
            if due {
                format!("a message the model expects did not arrive: {e}")
            } else {
                e
            }
        })?;
        if rc != OK {
            check_zeroed(&m, rc)?;
            return Ok(rc);
        }
        let mut frames = take_frames(&mut m)?;
        if single && frames.len() != 1 {
            return Err(format!("zs_recv gave {} frames, not 1", frames.len()));
        }
        let tag = frames[0].clone();
        let want = self.identify(run, h, &tag)?;
        if single {
            // The rest of the message comes with its first frame.
            for _ in 1..want.len() {
                let mut m = empty_message();
                let before = zs_last_error_code();
                let rc = zs_recv_nonblocking(h, &mut m);
                expect(rc, &[OK], before)
                    .map_err(|e| format!("the next frame of a multi-part message: {e}"))?;
                frames.extend(take_frames(&mut m)?);
            }
        }
        if frames != want {
            return Err(format!(
                "received frames {:?}, sent {:?}",
                frames
                    .iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect::<Vec<_>>(),
                want.iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect::<Vec<_>>()
            ));
        }
        if let Some(i) = run.expected.iter().position(|e| e.tag == tag) {
            run.expected.remove(i);
            self.stats.certain_delivered += 1;
        } else {
            self.possible.remove(&tag);
            self.stats.possible_delivered += 1;
        }
        Ok(rc)
    }

    /// The frames a message received by `h` with first frame `tag` must
    /// have; an error if it cannot be here now.
    fn identify(&self, run: &Run, h: u64, tag: &[u8]) -> Check<Vec<Vec<u8>>> {
        let shown = String::from_utf8_lossy(tag);
        if let Some(i) = run.expected.iter().position(|e| e.tag == tag) {
            let e = &run.expected[i];
            if e.receiver != h {
                return Err(format!(
                    "message {shown} (sent by {}) was due at socket {}, but socket {h} received it",
                    e.sender, e.receiver
                ));
            }
            let first = run
                .expected
                .iter()
                .position(|x| x.receiver == h && x.sender == e.sender)
                .expect("e itself");
            if first != i {
                return Err(format!(
                    "message {shown} overtook {} from the same sender {} (lost or reordered)",
                    String::from_utf8_lossy(&run.expected[first].tag),
                    e.sender
                ));
            }
            return Ok(e.frames.clone());
        }
        match self.possible.get(tag) {
            Some(m) => Ok(m.frames.clone()),
            None => Err(format!(
                "socket {h} received {shown:?}, which was never sent, was already received, or cannot reach it"
            )),
        }
    }

    /// Compare everything the library can tell about the sockets with the
    /// model.
    fn check_state(&mut self, run: &Run) -> Check {
        self.stats.state_checks += 1;
        let mut calls = 1u64;
        let n = zs_socket_count();
        if n != run.live.len() as i32 {
            return Err(format!(
                "zs_socket_count is {n}, the model has {} live sockets",
                run.live.len()
            ));
        }
        let ports = self.known_ports(run);
        let mut ask_ports = ports.clone();
        for s in run.live.values() {
            for c in &s.connects {
                if let Some((_, p)) = c.host {
                    if !ask_ports.contains(&p) {
                        ask_ports.push(p);
                    }
                }
            }
        }
        let host_ids: Vec<CString> = HOSTS.iter().map(|h| cstring(h)).collect();
        for (&h, s) in &run.live {
            let t = zs_socket_type(h);
            if t != s.kind.code() {
                return Err(format!(
                    "zs_socket_type(h={h}) is {t}, the model says {:?}",
                    s.kind
                ));
            }
            // Bound ports, snprintf-style: count first, then a buffer one
            // larger than needed whose last slot must stay untouched.
            let want = s.ports();
            let n = zs_bound_ports(h, ptr::null_mut(), 0);
            let mut buf = vec![-7i32; want.len() + 1];
            let m = zs_bound_ports(h, buf.as_mut_ptr(), buf.len());
            calls += 3;
            if n != want.len() as i32
                || m != n
                || buf[..want.len()] != want[..]
                || buf[want.len()] != -7
            {
                return Err(format!(
                    "zs_bound_ports(h={h}) gave {n}/{m} {:?}, the model says {want:?}",
                    &buf[..buf.len() - 1]
                ));
            }
            let want = s.endpoints_text();
            let n = zs_endpoints(h, ptr::null_mut(), 0);
            let mut buf = vec![0x55u8; want.len() + 2];
            let m = zs_endpoints(h, buf.as_mut_ptr() as *mut c_char, buf.len());
            calls += 2;
            let got = String::from_utf8_lossy(&buf[..want.len().min(buf.len())]).into_owned();
            if n != want.len() as i32
                || m != n
                || got != want
                || buf[want.len()] != 0
                || buf[want.len() + 1] != 0x55
            {
                let nul = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
                return Err(format!(
                    "zs_endpoints(h={h}) gave length {n}/{m} text {:?}, the model says {want:?}",
                    String::from_utf8_lossy(&buf[..nul])
                ));
            }
            for &p in &ask_ports {
                let want = s.binds.iter().any(|b| b.port == Some(p));
                let got = zs_is_bound_to_port(h, i32::from(p));
                calls += 1;
                if got != want {
                    return Err(format!(
                        "zs_is_bound_to_port(h={h}, {p}) is {got}, the model says {want} ({:?})",
                        last_error()
                    ));
                }
                for (id, cid) in HOSTS.iter().zip(&host_ids) {
                    let want = s.connected_to(id, p);
                    let got = zs_is_connected_to_host(h, cid.as_ptr(), i32::from(p));
                    calls += 1;
                    if got != want {
                        return Err(format!(
                            "zs_is_connected_to_host(h={h}, {id}, {p}) is {got}, the model says {want} ({:?})",
                            last_error()
                        ));
                    }
                }
            }
        }
        let p = i32::from(ports[0]);
        for &d in run.dead.iter().chain(BOGUS.iter()) {
            let t = zs_socket_type(d);
            let b = zs_bound_ports(d, ptr::null_mut(), 0);
            let e = zs_endpoints(d, ptr::null_mut(), 0);
            calls += 3;
            if t != BAD_HANDLE || b != BAD_HANDLE || e != BAD_HANDLE {
                return Err(format!(
                    "dead handle {d}: zs_socket_type {t}, zs_bound_ports {b}, zs_endpoints {e}, not all {BAD_HANDLE}"
                ));
            }
            let bound = zs_is_bound_to_port(d, p);
            let bc = zs_last_error_code();
            let conn = zs_is_connected_to_host(d, host_ids[0].as_ptr(), p);
            let cc = zs_last_error_code();
            calls += 2;
            if bound || conn || bc != BAD_HANDLE || cc != BAD_HANDLE {
                return Err(format!(
                    "dead handle {d}: zs_is_bound_to_port {bound} (code {bc}), zs_is_connected_to_host {conn} (code {cc})"
                ));
            }
        }
        self.stats.query_calls += calls;
        Ok(())
    }
}
