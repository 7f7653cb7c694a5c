//! The model of the handle table: what each live socket is bound and
//! connected to, the ports and inproc names the run knows, and which
//! messages must or may arrive.

use std::collections::{BTreeMap, HashMap};

use super::decoder::Kind;

/// Host ids the operations use: the built-in `localhost`, `mz_peer` (set
/// by the run to 127.0.0.1 or ::1, or removed), an IPv4 literal (resolves
/// to itself) and an id never in the table.
pub const HOSTS: [&str; 4] = ["localhost", "mz_peer", "127.0.0.1", "mz_nohost"];
pub(super) const PEER: &str = "mz_peer";

#[derive(Clone, Debug)]
pub(super) struct MBind {
    pub(super) port: Option<u16>,
    pub(super) endpoint: String,
    pub(super) requested: String,
}

/// Where a connect's pipe goes, as far as the model can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Link {
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
pub(super) struct MConn {
    pub(super) host: Option<(&'static str, u16)>,
    pub(super) endpoint: String,
    pub(super) link: Link,
}

#[derive(Clone, Debug)]
pub(super) struct MSock {
    pub(super) kind: Kind,
    pub(super) binds: Vec<MBind>,
    pub(super) connects: Vec<MConn>,
    /// Ever bound or connected successfully (a PUSH that never was has no
    /// pipe: its sends must block).
    pub(super) ever_attached: bool,
}

impl MSock {
    pub(super) fn new(kind: Kind) -> MSock {
        MSock {
            kind,
            binds: Vec::new(),
            connects: Vec::new(),
            ever_attached: false,
        }
    }

    pub(super) fn ports(&self) -> Vec<i32> {
        let mut v: Vec<i32> = self
            .binds
            .iter()
            .filter_map(|b| b.port.map(i32::from))
            .collect();
        v.sort_unstable();
        v
    }

    pub(super) fn endpoints_text(&self) -> String {
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

    pub(super) fn connected_to(&self, host: &str, port: u16) -> bool {
        self.connects
            .iter()
            .any(|c| c.host.is_some_and(|(h, p)| h == host && p == port))
    }
}

/// A TCP port the run learned, while no live socket holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum FreePort {
    /// Unbound with zs_unbind_from_port & co: free again at once (contract).
    Freed,
    /// Its socket was destroyed while bound: libzmq releases it in the
    /// background, so binding it may or may not work.
    Limbo,
}

/// An inproc name in libzmq's registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Reg {
    Bound(u64),
    /// Its binder was destroyed; libzmq unregisters it in the background.
    Limbo,
}

/// A message the model says must arrive at `receiver`.
#[derive(Clone, Debug)]
pub(super) struct Expect {
    pub(super) tag: Vec<u8>,
    pub(super) frames: Vec<Vec<u8>>,
    pub(super) sender: u64,
    pub(super) receiver: u64,
}

/// A message that may arrive somewhere, once.
#[derive(Clone, Debug)]
pub(super) struct Maybe {
    pub(super) frames: Vec<Vec<u8>>,
    pub(super) seq: u64,
}

/// One sequence's world.
pub(super) struct Run {
    pub(super) seq: u64,
    pub(super) live: BTreeMap<u64, MSock>,
    /// Handles made in this sequence, in order (live and destroyed).
    pub(super) handles: Vec<u64>,
    pub(super) dead: Vec<u64>,
    /// TCP ports learned in this sequence, in order.
    pub(super) ports: Vec<u16>,
    /// The kinds of the sockets that bound each TCP port in this sequence.
    pub(super) tcp_binders: HashMap<u16, Vec<Kind>>,
    pub(super) free: HashMap<u16, FreePort>,
    pub(super) names: Vec<String>,
    pub(super) inproc: HashMap<String, Reg>,
    /// What `mz_peer` resolves to now.
    pub(super) peer_addr: Option<&'static str>,
    /// The library's record of inproc names a connect waits on (made while
    /// nobody bound the name), and the socket that waits: one per name.
    pub(super) waiting: HashMap<String, u64>,
    pub(super) expected: Vec<Expect>,
    /// Live proxies (zs_proxy_new): in the handle table, not sockets. A
    /// proxy's handle joins `handles` once destroyed.
    pub(super) proxies: Vec<u64>,
}

impl Run {
    /// True if the port of TCP connect `c` was bound, in this sequence, by
    /// a socket a `kind` socket may not talk to (ZMTP refuses the pair).
    pub(super) fn incompatible_binder(&self, kind: Kind, c: &MConn) -> bool {
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

    pub(super) fn holder(&self, port: u16) -> Option<u64> {
        self.live
            .iter()
            .find(|(_, s)| s.binds.iter().any(|b| b.port == Some(port)))
            .map(|(h, _)| *h)
    }

    pub(super) fn learn_port(&mut self, port: u16) {
        if !self.ports.contains(&port) {
            self.ports.push(port);
        }
        self.free.remove(&port);
    }

    pub(super) fn resolve(&self, host: &str) -> Option<&'static str> {
        match host {
            "localhost" | "127.0.0.1" => Some("127.0.0.1"),
            PEER => self.peer_addr,
            _ => None,
        }
    }
}

pub(super) fn tcp_endpoint(addr: &str, port: u16) -> String {
    if addr.contains(':') {
        format!("tcp://[{addr}]:{port}")
    } else {
        format!("tcp://{addr}:{port}")
    }
}
