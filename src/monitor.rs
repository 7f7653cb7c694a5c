//! Real connection state (SPEC section 14), from libzmq's socket monitor.
//!
//! A socket's monitor starts just before its first bind or connect, so no
//! handshake is missed, and asks for every event but BIND_FAILED. Events
//! queue, unbounded (libzmq's I/O thread would stall on a full queue), in
//! an inproc PAIR, and are read when the socket is attached, detached,
//! asked about its peers or for its events, and at every 1024th call on
//! it (`SocketState::tick`), so a socket that is only sent on and
//! received from does not keep them all. Each event read is kept in the
//! socket's event log (SPEC section 20), the latest [`LOG_CAP`] unread,
//! and applied to the connection state; reading the log changes nothing
//! of that state.
//!
//! Connections are told apart by their descriptor: each one starts with
//! an ACCEPTED or CONNECTED event and ends with exactly one DISCONNECTED
//! event, both carrying its descriptor. A HANDSHAKE_SUCCEEDED event names
//! no descriptor; it makes the newest connection still in its handshake on
//! the same endpoint (or TCP port) a live session. A connection whose handshake fails (HANDSHAKE_FAILED_*,
//! or, for some protocol errors, no event at all) is simply ended by its
//! DISCONNECTED, so a peer that is not ZMTP never takes a live session
//! away. A session ended by our own unbind or disconnect sends no event:
//! those calls forget its endpoint themselves.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::endpoint::tcp_port;
use crate::error::zs_result::*;
use crate::error::{ZsError, ZsResult};
use crate::sys::{monotonic_us, RawCtx};
use crate::types::{zs_event_kind, zs_socket_type};

const SUCCEEDED: u16 = zmq_sys::ZMQ_EVENT_HANDSHAKE_SUCCEEDED as u16;
const DISCONNECTED: u16 = zmq_sys::ZMQ_EVENT_DISCONNECTED as u16;
const OPENED: u16 = (zmq_sys::ZMQ_EVENT_ACCEPTED | zmq_sys::ZMQ_EVENT_CONNECTED) as u16;
/// What ends a connect's first attempt, for [`Monitor::handshaking`].
const SETTLED: u16 = (zmq_sys::ZMQ_EVENT_CONNECT_RETRIED
    | zmq_sys::ZMQ_EVENT_HANDSHAKE_SUCCEEDED
    | zmq_sys::ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL
    | zmq_sys::ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL
    | zmq_sys::ZMQ_EVENT_HANDSHAKE_FAILED_AUTH
    | zmq_sys::ZMQ_EVENT_DISCONNECTED
    | zmq_sys::ZMQ_EVENT_CLOSED) as u16;

/// Tells whether an endpoint is one the socket left.
type Gone = Box<dyn Fn(&str) -> bool + Send>;

/// How many ended endpoints a monitor keeps ignoring events of.
const MAX_IGNORED: usize = 32;

static NEXT_MONITOR: AtomicU64 = AtomicU64::new(1);

/// The events asked for: all but BIND_FAILED. A failed bind is its call's
/// error already, and libzmq sends that event before returning, which
/// overwrites the errno the call reports (ENODEV becomes EAGAIN).
const EVENTS: i32 = (zmq_sys::ZMQ_EVENT_ALL & !zmq_sys::ZMQ_EVENT_BIND_FAILED) as i32;

/// How many unread events a socket's log keeps.
pub(crate) const LOG_CAP: usize = 1024;

/// One event of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// A `zs_event_kind` number.
    pub kind: i32,
    pub value: i32,
    /// When it was read from libzmq, CLOCK_MONOTONIC µs.
    pub time_us: u64,
    pub endpoint: String,
}

/// Forget connection `fd` (it ended).
fn end(pending: &mut Vec<Conn>, live: &mut Vec<Conn>, fd: u32) {
    pending.retain(|c| c.fd != fd);
    if let Some(i) = live.iter().position(|c| c.fd == fd) {
        live.remove(i);
    }
}

/// One connection of the socket, by descriptor.
#[derive(Debug)]
struct Conn {
    fd: u32,
    /// For a connection still in its handshake: the endpoint it was
    /// accepted on or connected to. For a live session: the endpoint its
    /// handshake named (for a connect: the endpoint connected to; for a
    /// bind: the local address of the accepted connection).
    endpoint: String,
}

/// How long a subscriber's subscriptions may take, after its handshake, to
/// reach the publisher and be applied there (a loopback round trip plus
/// libzmq's command throttling of about 1 ms).
pub(crate) const SUBSCRIPTION_SETTLE: Duration = Duration::from_millis(20);

pub struct Monitor {
    pair: Option<zmq::Socket>,
    /// Connections in their handshake, oldest first.
    pending: Vec<Conn>,
    /// Live sessions.
    live: Vec<Conn>,
    /// Connects whose first attempt has not ended yet (no event, or only
    /// CONNECT_DELAYED / CONNECTED so far).
    settling: Vec<String>,
    /// When the latest handshake on each endpoint was read.
    up_at: HashMap<String, Instant>,
    /// Endpoints we unbound or disconnected: events about them still in
    /// the queue (a handshake that completed as we disconnected) are
    /// ignored, until the socket attaches there again.
    ignored: Vec<Gone>,
    /// Events read and not yet asked for, oldest first.
    log: VecDeque<Event>,
    /// Events dropped from the log since it was last read.
    lost: u64,
}

impl Monitor {
    /// The state of a socket that was never attached: no sessions.
    /// When the session on `endpoint` completed its handshake.
    pub(crate) fn up_at(&self, endpoint: &str) -> Option<Instant> {
        self.up_at.get(endpoint).copied()
    }

    pub(crate) fn idle() -> Monitor {
        Monitor {
            pair: None,
            pending: Vec::new(),
            live: Vec::new(),
            settling: Vec::new(),
            up_at: HashMap::new(),
            ignored: Vec::new(),
            log: VecDeque::new(),
            lost: 0,
        }
    }

    /// Start monitoring `sock`.
    pub fn start(ctx: &RawCtx, sock: &zmq::Socket) -> ZsResult<Monitor> {
        let fail = |e: zmq::Error| ZsError::new(ZS_ERR_ZMQ, format!("socket monitor: {e}"));
        let endpoint = format!(
            "inproc://zmqsocket-monitor-{}",
            NEXT_MONITOR.fetch_add(1, Ordering::Relaxed)
        );
        sock.monitor(&endpoint, EVENTS).map_err(fail)?;
        let pair = ctx.socket(zs_socket_type::ZS_PAIR).map_err(fail)?;
        pair.set_rcvhwm(0).map_err(fail)?;
        pair.set_linger(0).map_err(fail)?;
        pair.connect(&endpoint).map_err(fail)?;
        Ok(Monitor {
            pair: Some(pair),
            ..Monitor::idle()
        })
    }

    /// Read every event queued now.
    pub fn drain(&mut self) {
        // Out of self while its events are applied to self.
        let Some(pair) = self.pair.take() else {
            return;
        };
        while let Ok(frames) = pair.recv_multipart(zmq::DONTWAIT) {
            let [head, endpoint, ..] = frames.as_slice() else {
                continue;
            };
            // The event number (u16) and its value (u32: a descriptor for
            // ACCEPTED, CONNECTED and DISCONNECTED), native byte order.
            let (Some(event), Some(value)) = (head.get(..2), head.get(2..6)) else {
                continue;
            };
            let event = u16::from_ne_bytes([event[0], event[1]]);
            let fd = u32::from_ne_bytes([value[0], value[1], value[2], value[3]]);
            let endpoint = String::from_utf8_lossy(endpoint).into_owned();
            self.record(event, fd, endpoint);
        }
        self.pair = Some(pair);
    }

    /// Log one event as read now, then apply it.
    fn record(&mut self, event: u16, value: u32, endpoint: String) {
        if self.log.len() >= LOG_CAP {
            self.log.pop_front();
            self.lost += 1;
        }
        self.log.push_back(Event {
            kind: i32::from(event),
            value: value as i32,
            time_us: monotonic_us(),
            endpoint: endpoint.clone(),
        });
        self.apply(event, value, endpoint);
    }

    /// The oldest unread event: first a ZS_EVENT_LOST saying how many were
    /// dropped, if any were. Call [`Monitor::drain`] first to read what
    /// libzmq queued.
    pub fn next_event(&mut self) -> Option<Event> {
        if self.lost > 0 {
            let n = std::mem::take(&mut self.lost);
            return Some(Event {
                kind: zs_event_kind::ZS_EVENT_LOST as i32,
                value: i32::try_from(n).unwrap_or(i32::MAX),
                time_us: monotonic_us(),
                endpoint: String::new(),
            });
        }
        self.log.pop_front()
    }

    /// Apply one event: a connection opened (ACCEPTED, CONNECTED, with its
    /// descriptor), a handshake succeeded (no descriptor), a connection
    /// ended (DISCONNECTED, with its descriptor).
    fn apply(&mut self, event: u16, fd: u32, endpoint: String) {
        if self.ignored.iter().any(|gone| gone(&endpoint)) {
            return;
        }
        if event & SETTLED != 0 {
            self.settling.retain(|e| *e != endpoint);
        }
        if event & OPENED != 0 {
            end(&mut self.pending, &mut self.live, fd);
            self.pending.push(Conn { fd, endpoint });
        } else if event == SUCCEEDED {
            // The event names no descriptor: it is the newest pending
            // connection on the same endpoint (a connect), else on the
            // same TCP port (an accepted connection: the listener's
            // `tcp://0.0.0.0:P` against the local address
            // `tcp://127.0.0.1:P`), else the newest of all.
            let port = tcp_port(&endpoint);
            let i = self
                .pending
                .iter()
                .rposition(|c| c.endpoint == endpoint)
                .or_else(|| {
                    port.and_then(|p| {
                        self.pending
                            .iter()
                            .rposition(|c| tcp_port(&c.endpoint) == Some(p))
                    })
                })
                .or_else(|| self.pending.len().checked_sub(1));
            // A handshake with no connection pending belongs to one we
            // stopped counting (it ended, or we left its endpoint).
            let Some(i) = i else {
                return;
            };
            let fd = self.pending.remove(i).fd;
            self.up_at.insert(endpoint.clone(), Instant::now());
            self.live.push(Conn { fd, endpoint });
        } else if event == DISCONNECTED {
            end(&mut self.pending, &mut self.live, fd);
        }
    }

    /// Wait up to `ms` for the next event (0: just look), then read all.
    /// Err(EINTR) when a signal cut the wait short.
    pub fn wait_event(&mut self, ms: i64) -> Result<(), zmq::Error> {
        let waited = match self.pair.as_ref() {
            Some(pair) => pair.poll(zmq::POLLIN, ms).map(|_| ()),
            None => Ok(()),
        };
        self.drain();
        match waited {
            Err(zmq::Error::EINTR) => Err(zmq::Error::EINTR),
            _ => Ok(()),
        }
    }

    /// Live sessions on `endpoint`.
    pub fn live(&self, endpoint: &str) -> u32 {
        self.live.iter().filter(|c| c.endpoint == endpoint).count() as u32
    }

    /// Whether a connection is still in its handshake, or a connect's
    /// first attempt has not ended (as of the events read last).
    pub fn handshaking(&self) -> bool {
        !self.pending.is_empty() || !self.settling.is_empty()
    }

    /// The socket connected to `endpoint` (a transport with a handshake):
    /// [`Monitor::handshaking`] until its first attempt ends.
    pub fn connecting(&mut self, endpoint: &str) {
        self.settling.push(endpoint.to_string());
    }

    /// Live sessions on all endpoints.
    pub fn total(&self) -> u32 {
        self.live.len() as u32
    }

    /// Forget the connections on endpoints for which `gone` is true (our
    /// own disconnect or unbind ended them without an event).
    pub fn forget(&mut self, gone: impl Fn(&str) -> bool + Send + 'static) {
        self.drain();
        self.pending.retain(|c| !gone(&c.endpoint));
        self.live.retain(|c| !gone(&c.endpoint));
        self.settling.retain(|e| !gone(e));
        self.up_at.retain(|e, _| !gone(e));
        // Events about an endpoint arrive within moments of its end: only
        // the latest few need ignoring.
        if self.ignored.len() >= MAX_IGNORED {
            drop(self.ignored.remove(0));
        }
        self.ignored.push(Box::new(gone));
    }

    /// The socket attached to `endpoint` (as libzmq resolved it) again:
    /// its events count from now on. Call [`Monitor::drain`] just before
    /// the bind or connect, so that old events are read while ignored.
    pub fn attached(&mut self, endpoint: &str) {
        self.ignored.retain(|gone| !gone(endpoint));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONNECTED: u16 = zmq_sys::ZMQ_EVENT_CONNECTED as u16;
    const ACCEPTED: u16 = zmq_sys::ZMQ_EVENT_ACCEPTED as u16;

    fn ev(m: &mut Monitor, event: u16, fd: u32, endpoint: &str) {
        m.apply(event, fd, endpoint.to_string());
    }

    #[test]
    fn the_log_keeps_the_latest_and_counts_the_dropped() {
        let mut m = Monitor::idle();
        for fd in 0..(LOG_CAP as u32 + 5) {
            m.record(CONNECTED, fd, format!("tcp://127.0.0.1:{fd}"));
        }
        let lost = m.next_event().unwrap();
        assert_eq!(lost.kind, zs_event_kind::ZS_EVENT_LOST as i32);
        assert_eq!(lost.value, 5);
        let first = m.next_event().unwrap();
        assert_eq!((first.kind, first.value), (i32::from(CONNECTED), 5));
        let mut n = 1;
        while m.next_event().is_some() {
            n += 1;
        }
        assert_eq!(n, LOG_CAP);
        // Logging applies the event as well: the state is the same
        // whether or not the log is read.
        assert_eq!(m.pending.len(), LOG_CAP + 5);
    }

    #[test]
    fn a_connect_is_live_once_its_handshake_succeeds() {
        let mut m = Monitor::idle();
        ev(&mut m, CONNECTED, 7, "tcp://127.0.0.1:5000");
        assert_eq!(m.total(), 0, "connected is not yet a session");
        ev(&mut m, SUCCEEDED, 0, "tcp://127.0.0.1:5000");
        assert_eq!(m.live("tcp://127.0.0.1:5000"), 1);
        assert!(m.up_at("tcp://127.0.0.1:5000").is_some());
        ev(&mut m, DISCONNECTED, 7, "tcp://127.0.0.1:5000");
        assert_eq!(m.total(), 0);
    }

    #[test]
    fn an_accepted_connection_matches_by_port() {
        let mut m = Monitor::idle();
        ev(&mut m, ACCEPTED, 9, "tcp://0.0.0.0:6000");
        ev(&mut m, ACCEPTED, 10, "tcp://0.0.0.0:6001");
        // The handshake names the local address, not the listener's.
        ev(&mut m, SUCCEEDED, 0, "tcp://127.0.0.1:6000");
        assert_eq!(m.live("tcp://127.0.0.1:6000"), 1);
        assert_eq!(m.pending.len(), 1);
        assert_eq!(m.pending[0].fd, 10, "the other port's connection waits");
        ev(&mut m, DISCONNECTED, 9, "tcp://0.0.0.0:6000");
        assert_eq!(m.total(), 0);
    }

    #[test]
    fn a_failed_handshake_never_becomes_a_session() {
        let mut m = Monitor::idle();
        ev(&mut m, ACCEPTED, 3, "tcp://0.0.0.0:7000");
        ev(&mut m, DISCONNECTED, 3, "tcp://0.0.0.0:7000");
        // A late success with nothing pending changes nothing.
        ev(&mut m, SUCCEEDED, 0, "tcp://127.0.0.1:7000");
        assert_eq!(m.total(), 0);
    }

    #[test]
    fn ignored_endpoints_and_reused_descriptors() {
        let mut m = Monitor::idle();
        m.forget(|e| e == "tcp://127.0.0.1:1");
        ev(&mut m, CONNECTED, 4, "tcp://127.0.0.1:1");
        assert!(
            m.pending.is_empty(),
            "events of a forgotten endpoint are ignored"
        );
        m.attached("tcp://127.0.0.1:1");
        ev(&mut m, CONNECTED, 4, "tcp://127.0.0.1:1");
        ev(&mut m, SUCCEEDED, 0, "tcp://127.0.0.1:1");
        // The descriptor is reused by a new connection: the old one ended.
        ev(&mut m, CONNECTED, 4, "tcp://127.0.0.1:2");
        assert_eq!(m.total(), 0);
        assert_eq!(m.pending.len(), 1);
    }
}
