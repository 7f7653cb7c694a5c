//! The sequence decoder: any bytes become a [`Program`] of operations
//! (the fuzz target's inputs), and [`bytes_for_seed`] gives the bytes of
//! a seeded run's sequence.

use zmqsocket::*;

use super::rng::SplitMix64;

/// At most this many operations are decoded from one input.
pub const MAX_OPS: usize = 64;
/// Bytes per operation in an input (after the first, profile, byte).
pub const OP_BYTES: usize = 4;

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
    pub(super) fn code(self) -> i32 {
        (match self {
            Kind::Push => zs_socket_type::ZS_PUSH,
            Kind::Pull => zs_socket_type::ZS_PULL,
            Kind::Pair => zs_socket_type::ZS_PAIR,
            Kind::Dealer => zs_socket_type::ZS_DEALER,
            Kind::Pub => zs_socket_type::ZS_PUB,
            Kind::Sub => zs_socket_type::ZS_SUB,
        }) as i32
    }

    pub(super) fn from_byte(b: u8) -> Kind {
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
    /// a % 6: zs_next_event(0 ms), zs_poll_events(IN|OUT, 0 ms),
    /// zs_set_option("RECONNECT_IVL"), zs_get_option("TYPE"),
    /// zs_get_option_bytes("LAST_ENDPOINT"), zs_set_option_bytes
    /// ("SOCKS_PROXY", none): calls that
    /// change nothing the model predicts (reading the event log must not
    /// change what later calls see).
    Observe,
    /// a % 4: 0, 1: zs_proxy_new(PUSH, an inproc front, an inproc
    /// service); 2: a live proxy given to zs_send, zs_proxy_fault,
    /// zs_proxy_stats_get and zs_proxy_cut(0), a socket given to
    /// zs_proxy_fault; 3: zs_socket_destroy of a proxy.
    Proxy,
}

/// The op mix: (kind, weight). zs_destroy_all and TCP binds and unbinds
/// cost most, sends, receives and inproc least.
const MIX: [(OpKind, usize); 24] = [
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
    (OpKind::Observe, 4),
    (OpKind::Proxy, 3),
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
