//! Real connection state (SPEC section 14), from libzmq's socket monitor.
//!
//! A socket's monitor starts just before its first bind or connect, so no
//! handshake is missed, and only the handshake and disconnect events are
//! asked for. Events queue, unbounded, in an inproc PAIR and are read only
//! when the socket is attached, detached or asked about its peers: sending
//! and receiving never touch the monitor.
//!
//! Every ZMTP session ends in exactly one DISCONNECTED event, and is either
//! announced by one HANDSHAKE_SUCCEEDED or, if its handshake failed, by one
//! HANDSHAKE_FAILED_* event; so a DISCONNECTED cancels a failed handshake
//! before it cancels a live session. A session ended by our own unbind or
//! disconnect sends no event: those calls forget its endpoint themselves.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::error::zs_result::*;
use crate::error::{ZsError, ZsResult};
use crate::raw::RawCtx;

const HANDSHAKE_FAILED: u16 = (zmq_sys::ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL
    | zmq_sys::ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL
    | zmq_sys::ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) as u16;
const SUCCEEDED: u16 = zmq_sys::ZMQ_EVENT_HANDSHAKE_SUCCEEDED as u16;
const DISCONNECTED: u16 = zmq_sys::ZMQ_EVENT_DISCONNECTED as u16;

static NEXT_MONITOR: AtomicU64 = AtomicU64::new(1);

/// Sessions seen on one endpoint (for a connect: the endpoint connected
/// to; for a bind: the local address of the accepted connections).
#[derive(Default, Debug)]
struct Sessions {
    live: u32,
    failed: u32,
    /// When the latest handshake on it was read.
    up_at: Option<Instant>,
}

/// How long a subscriber's subscriptions may take, after its handshake, to
/// reach the publisher and be applied there (a loopback round trip plus
/// libzmq's command throttling of about 1 ms).
const SUBSCRIPTION_SETTLE: Duration = Duration::from_millis(20);

pub struct Monitor {
    pair: Option<zmq::Socket>,
    sessions: HashMap<String, Sessions>,
}

impl Monitor {
    /// The state of a socket that was never attached: no sessions.
    fn idle() -> Monitor {
        Monitor {
            pair: None,
            sessions: HashMap::new(),
        }
    }

    /// Start monitoring `sock`.
    pub fn start(ctx: &RawCtx, sock: &zmq::Socket) -> ZsResult<Monitor> {
        let fail = |e: zmq::Error| ZsError::new(ZS_ERR_ZMQ, format!("socket monitor: {e}"));
        let endpoint = format!(
            "inproc://zmqsocket-monitor-{}",
            NEXT_MONITOR.fetch_add(1, Ordering::Relaxed)
        );
        let events = i32::from(SUCCEEDED | HANDSHAKE_FAILED | DISCONNECTED);
        sock.monitor(&endpoint, events).map_err(fail)?;
        let pair = ctx.socket(zs_socket_type::ZS_PAIR).map_err(fail)?;
        pair.set_rcvhwm(0).map_err(fail)?;
        pair.set_linger(0).map_err(fail)?;
        pair.connect(&endpoint).map_err(fail)?;
        Ok(Monitor {
            pair: Some(pair),
            sessions: HashMap::new(),
        })
    }

    /// Read every event queued now.
    pub fn drain(&mut self) {
        let Some(pair) = self.pair.as_ref() else {
            return;
        };
        while let Ok(frames) = pair.recv_multipart(zmq::DONTWAIT) {
            let [head, endpoint, ..] = frames.as_slice() else {
                continue;
            };
            if head.len() < 2 {
                continue;
            }
            let event = u16::from_ne_bytes([head[0], head[1]]);
            let endpoint = String::from_utf8_lossy(endpoint).into_owned();
            let s = self.sessions.entry(endpoint).or_default();
            if event == SUCCEEDED {
                s.live += 1;
                s.up_at = Some(Instant::now());
            } else if event & HANDSHAKE_FAILED != 0 {
                s.failed += 1;
            } else if event == DISCONNECTED {
                if s.failed > 0 {
                    s.failed -= 1;
                } else {
                    s.live = s.live.saturating_sub(1);
                }
            }
        }
    }

    /// Wait up to `ms` for the next event (0: just look), then read all.
    pub fn wait_event(&mut self, ms: i64) {
        if let Some(pair) = self.pair.as_ref() {
            let _ = pair.poll(zmq::POLLIN, ms);
        }
        self.drain();
    }

    /// Live sessions on `endpoint`.
    pub fn live(&self, endpoint: &str) -> u32 {
        self.sessions.get(endpoint).map_or(0, |s| s.live)
    }

    /// Live sessions on all endpoints.
    pub fn total(&self) -> u32 {
        self.sessions.values().map(|s| s.live).sum()
    }

    /// Forget the sessions of endpoints for which `gone` is true (our own
    /// disconnect or unbind ended them without an event).
    pub fn forget(&mut self, gone: impl Fn(&str) -> bool) {
        self.drain();
        self.sessions.retain(|e, _| !gone(e));
    }
}

use crate::blocking::{interrupted, Deadline, Wait};
use crate::handles::{Entry, Locked};
use crate::socket::SocketState;
use crate::types::zs_socket_type;

/// Wait until `ready` holds of the socket's sessions (at once if it does).
fn wait_until(
    entry: &Entry,
    state: &mut Locked<'_>,
    wait: Wait,
    what: &str,
    ready: impl Fn(&Monitor) -> bool,
) -> ZsResult<()> {
    let deadline = Deadline::new(wait);
    loop {
        match state.monitor.as_mut() {
            Some(m) => {
                m.drain();
                if ready(m) {
                    return Ok(());
                }
            }
            None => {
                let idle = Monitor::idle();
                if ready(&idle) {
                    return Ok(());
                }
            }
        }
        if entry.is_closing() {
            return Err(interrupted(what));
        }
        let Some(slice) = deadline.next_slice() else {
            return Err(deadline.timed_out(what));
        };
        state.step_aside()?;
        match state.monitor.as_mut() {
            Some(m) => m.wait_event(i64::from(slice)),
            None => std::thread::sleep(std::time::Duration::from_millis(slice as u64)),
        }
    }
}

/// Wait until the ZMTP handshake with `host_id`'s `port` has completed.
pub fn wait_connected(
    entry: &Entry,
    state: &mut Locked<'_>,
    host_id: &str,
    port: u16,
    wait: Wait,
) -> ZsResult<()> {
    let endpoint = state
        .connects
        .iter()
        .find(|c| c.is_to(host_id, port))
        .map(|c| c.endpoint.clone())
        .ok_or_else(|| {
            ZsError::new(
                ZS_ERR_NOT_CONNECTED,
                format!("{host_id}:{port}: this socket never asked to connect there"),
            )
        })?;
    let what = format!("{}: {endpoint}", entry.describe());
    wait_until(entry, state, wait, &what, |m| m.live(&endpoint) > 0)?;
    // A subscriber's subscriptions leave right after its handshake: give
    // them time to be applied by the publisher, so that nothing published
    // once this returns is missed.
    if matches!(state.kind, zs_socket_type::ZS_SUB | zs_socket_type::ZS_XSUB) {
        let up_at = state
            .monitor
            .as_ref()
            .and_then(|m| m.sessions.get(&endpoint))
            .and_then(|s| s.up_at);
        if let Some(left) = up_at.and_then(|t| SUBSCRIPTION_SETTLE.checked_sub(t.elapsed())) {
            std::thread::sleep(left);
        }
    }
    Ok(())
}

/// Live ZMTP sessions on all the socket's endpoints.
pub fn peer_count(state: &mut SocketState) -> u32 {
    state.monitor.as_mut().map_or(0, |m| {
        m.drain();
        m.total()
    })
}

/// Wait until the socket has at least `n` live sessions.
pub fn wait_peers(entry: &Entry, state: &mut Locked<'_>, n: u32, wait: Wait) -> ZsResult<()> {
    let what = format!("{}: waiting for {n} peers", entry.describe());
    wait_until(entry, state, wait, &what, |m| m.total() >= n)
}
