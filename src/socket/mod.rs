//! A socket's state and the actions on it (SPEC sections 7 and 8):
//! options, binding, unbinding, connecting, disconnecting.

use std::net::{Ipv6Addr, SocketAddr, TcpListener};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::endpoint::{endpoint_port, is_ipv4_tcp, is_wildcard_port, same_tcp_addr};
use crate::error::zs_result::*;
use crate::error::{from_zmq, invalid, ZsError, ZsResult};
use crate::hosts;
use crate::inproc;
use crate::monitor::Monitor;
use crate::sys::{self, RawCtx, RawSock};
use crate::types::zs_socket_type;

pub mod options;
pub mod streams;

/// Linger given to every new socket, in ms (libzmq's default is forever).
pub(crate) const DEFAULT_LINGER_MS: i32 = 1000;
/// What `ZS_HWM_DEFAULT` means, as in Storyplayer.
pub(crate) const DEFAULT_HWM: i32 = 100;
/// The smallest ZMQ_MAXMSGSIZE given to libzmq: room for a ZMTP READY
/// command with a 255-byte routing id and the socket type.
pub(crate) const MIN_LIBZMQ_MAXMSGSIZE: i64 = 512;
/// Before a socket's HWMs change, its commands are processed until none
/// has arrived for this long (see [`SocketState::settle_commands`]).
const HWM_SETTLE: Duration = Duration::from_millis(10);
const HWM_SETTLE_ROUNDS: usize = 50;
/// How long an unbind waits, at most, for the port to be free again.
const UNBIND_WAIT: Duration = Duration::from_secs(2);

/// An endpoint this socket is bound to.
#[derive(Clone, Debug)]
/// A security mechanism (SPEC section 19), keys already decoded.
pub enum Mechanism {
    CurveServer {
        secret: [u8; 32],
    },
    CurveClient {
        server: [u8; 32],
        public: [u8; 32],
        secret: [u8; 32],
    },
    PlainServer,
    PlainClient {
        user: String,
        password: String,
    },
}

pub struct Bind {
    /// The TCP port; None for other transports.
    pub port: Option<u16>,
    /// The endpoint libzmq resolved at bind time (`tcp://[::]:5000`).
    pub endpoint: String,
    /// The endpoint as it was asked for (`tcp://*:0`).
    pub requested: String,
}

/// An endpoint this socket is connected to.
#[derive(Clone, Debug)]
pub struct Connect {
    /// The host id and port, for connects made through the host table.
    pub host: Option<(String, u16)>,
    /// The endpoint used at connect time (`tcp://127.0.0.1:5000`).
    pub endpoint: String,
}

impl Connect {
    /// True if this connect was made to `host_id`'s `port`.
    pub fn is_to(&self, host_id: &str, port: u16) -> bool {
        self.host
            .as_ref()
            .is_some_and(|(h, p)| h == host_id && *p == port)
    }

    /// "web1:5000 (tcp://10.0.0.1:5000)", or the endpoint alone.
    fn describe(&self) -> String {
        match &self.host {
            Some((h, p)) => format!("{h}:{p} ({})", self.endpoint),
            None => self.endpoint.clone(),
        }
    }
}

/// How many calls on a socket [`SocketState::tick`] lets pass between two
/// reads of its monitor's queue.
pub const CALLS_PER_MONITOR_READ: u32 = 1024;

/// One live socket, owned by its handle-table entry.
pub struct SocketState {
    /// Declared before `ctx`: the socket is closed before the context's
    /// reference is dropped.
    sock: zmq::Socket,
    /// `sock`'s pointer, for sending and receiving straight through libzmq.
    raw: RawSock,
    kind: zs_socket_type,
    /// Binds in the order they were made.
    binds: Vec<Bind>,
    /// Connects in the order they were made.
    connects: Vec<Connect>,
    /// True once the socket has bound or connected (routing id rule).
    attached: bool,
    /// The socket's own maximum message size for sends; -1 = no limit.
    max_msg_size: i64,
    /// The HWMs currently set (send, receive).
    hwms: (i32, i32),
    /// The libzmq timeouts of the current slice of a blocking call.
    slice: SliceTimeouts,
    /// What bulk traffic keeps per socket.
    sequencing: streams::Sequencing,
    /// Connection state, from the first bind or connect on.
    monitor: Option<Monitor>,
    /// Calls on the socket since its monitor's queue was last read by
    /// [`SocketState::tick`].
    calls: u32,
    /// The context the socket was made in (dropped last).
    ctx: Arc<RawCtx>,
}

/// The ZMQ_SNDTIMEO / ZMQ_RCVTIMEO currently set on the libzmq socket
/// (only ever used for one bounded slice of a blocking call), so that
/// libzmq is asked only when a value changes.
struct SliceTimeouts {
    send: i32,
    recv: i32,
}

impl Drop for SocketState {
    fn drop(&mut self) {
        // A connect still waiting for an inproc binder is taken off
        // libzmq's list first (see crate::inproc).
        let _sinks = inproc::socket_closing(
            self.raw.id(),
            self.connects.iter().map(|c| c.endpoint.as_str()),
        );
        // libzmq unregisters a closed socket's inproc names only later, in
        // its reaper thread: unbind them now, so that they can be bound
        // again as soon as the destroy returns.
        for b in self.binds.iter().filter(|b| inproc::is_inproc(&b.endpoint)) {
            let _ = self.sock.unbind(&b.endpoint);
        }
        // Before the fields drop (socket, then monitor reader, then context).
        if self.monitor.is_some() {
            sys::stop_monitor(&mut self.sock);
        }
    }
}

/// Where `zs_bind_to_port` listens: `*` unless changed.
static BIND_INTERFACE: RwLock<Option<String>> = RwLock::new(None);

/// The bind interface, locked for a fork (see the fork module).
pub(crate) struct ForkHold(
    #[allow(dead_code)] std::sync::RwLockWriteGuard<'static, Option<String>>,
);

/// Lock the bind interface for a fork: held across `fork()` so that the
/// child inherits it whole and unlocked.
pub(crate) fn hold_for_fork() -> ForkHold {
    ForkHold(BIND_INTERFACE.write().unwrap_or_else(|e| e.into_inner()))
}

fn zmq_err(what: &str) -> impl Fn(zmq::Error) -> ZsError + '_ {
    move |e| from_zmq(e, what, ZS_ERR_TIMED_OUT)
}

/// The interface `zs_bind_to_port` binds: the last `zs_set_bind_interface`,
/// else `ZMQSOCKET_BIND_INTERFACE`, else `*`.
pub fn bind_interface() -> String {
    if let Some(i) = BIND_INTERFACE
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
    {
        return i.clone();
    }
    match std::env::var("ZMQSOCKET_BIND_INTERFACE") {
        Ok(i) if !i.trim().is_empty() => i.trim().to_string(),
        _ => "*".to_string(),
    }
}

/// Set where `zs_bind_to_port` listens from now on.
pub fn set_bind_interface(iface: &str) -> ZsResult<()> {
    if iface.is_empty() || iface.chars().any(char::is_whitespace) {
        return Err(invalid(format!(
            "iface '{iface}' must be '*', an IP address or an interface name"
        )));
    }
    *BIND_INTERFACE.write().unwrap_or_else(|e| e.into_inner()) = Some(iface.to_string());
    Ok(())
}

/// An HWM argument as libzmq takes it: `ZS_HWM_DEFAULT` is 100.
pub fn hwm_value(hwm: i32, name: &str) -> ZsResult<i32> {
    match hwm {
        -1 => Ok(DEFAULT_HWM),
        h if h >= 0 => Ok(h),
        h => Err(invalid(format!(
            "{name} {h} is out of range (-1 = default, 0 = no limit, > 0 a limit)"
        ))),
    }
}

/// A port argument in `lo..=65535`.
pub fn port_value(port: i32, lo: i32) -> ZsResult<u16> {
    if (lo..=65535).contains(&port) {
        Ok(port as u16)
    } else {
        Err(invalid(format!(
            "port {port} is out of range ({lo}..65535)"
        )))
    }
}

/// The ZAP domain every socket gets (see [`SocketState::new`]).
const ZAP_DOMAIN: &str = "zmqsocket";

impl SocketState {
    /// The socket's type.
    pub fn kind(&self) -> zs_socket_type {
        self.kind
    }

    /// The libzmq socket's pointer, for the per-message calls.
    #[inline(always)]
    pub fn raw(&self) -> RawSock {
        self.raw
    }

    /// Binds, in the order they were made.
    pub fn binds(&self) -> &[Bind] {
        &self.binds
    }

    /// Connects, in the order they were made.
    pub fn connects(&self) -> &[Connect] {
        &self.connects
    }

    /// The socket's own maximum message size for sends; -1 = no limit.
    #[inline(always)]
    pub fn max_msg_size(&self) -> i64 {
        self.max_msg_size
    }

    /// Count one call on the socket; every [`CALLS_PER_MONITOR_READ`]th
    /// reads the monitor's queue into its log. libzmq's events queue
    /// without bound (a bounded queue would stall libzmq's I/O thread when
    /// full), so a socket that is only sent on and received from, with
    /// peers that come and go, would otherwise keep every event since the
    /// last question about its connections.
    #[inline(always)]
    pub fn tick(&mut self) {
        self.calls += 1;
        if self.calls >= CALLS_PER_MONITOR_READ {
            self.read_monitor();
        }
    }

    #[cold]
    #[inline(never)]
    fn read_monitor(&mut self) {
        self.calls = 0;
        if let Some(m) = self.monitor.as_mut() {
            m.drain();
        }
    }

    /// Whether a connection of this socket is still in its handshake,
    /// reading the events queued first.
    pub fn handshaking(&mut self) -> bool {
        self.monitor.as_mut().is_some_and(|m| {
            m.drain();
            m.handshaking()
        })
    }

    /// How long a close may wait for this socket's handshakes: its linger,
    /// and no longer than a handshake may take (HANDSHAKE_IVL, when set).
    pub fn handshake_wait(&self) -> Duration {
        let linger = self.sock.get_linger().unwrap_or(0);
        let ivl = self.sock.get_handshake_ivl().unwrap_or(0);
        let ms = match (linger, ivl) {
            (l, i) if l < 0 => i.max(0),
            (l, i) if i > 0 => l.min(i),
            (l, _) => l,
        };
        Duration::from_millis(ms as u64)
    }

    /// The socket's connection state, once it has bound or connected.
    pub fn monitor_mut(&mut self) -> Option<&mut Monitor> {
        self.monitor.as_mut()
    }

    /// What bulk traffic keeps for this socket.
    #[inline(always)]
    pub fn sequencing(&mut self) -> &mut streams::Sequencing {
        &mut self.sequencing
    }

    /// A poll item for `events` on the socket.
    pub fn poll_item(&self, events: zmq::PollEvents) -> zmq::PollItem<'_> {
        self.sock.as_poll_item(events)
    }

    /// Set ZMQ_SNDTIMEO for the next blocking attempt (libzmq is asked
    /// only when the value changes).
    #[inline]
    pub fn set_send_slice(&mut self, ms: i32) -> Result<(), zmq::Error> {
        if self.slice.send != ms {
            self.sock.set_sndtimeo(ms)?;
            self.slice.send = ms;
        }
        Ok(())
    }

    /// Set ZMQ_RCVTIMEO for the next blocking attempt, likewise.
    #[inline]
    pub fn set_recv_slice(&mut self, ms: i32) -> Result<(), zmq::Error> {
        if self.slice.recv != ms {
            self.sock.set_rcvtimeo(ms)?;
            self.slice.recv = ms;
        }
        Ok(())
    }

    /// A new libzmq socket with zmqsocket's defaults: dual-stack, linger
    /// 1000 ms, HWMs 100, ROUTER_MANDATORY on ROUTERs.
    pub fn new(ctx: Arc<RawCtx>, kind: zs_socket_type) -> ZsResult<SocketState> {
        let what = format!("new {} socket", kind.name());
        let mut sock = ctx.socket(kind).map_err(zmq_err(&what))?;
        let raw = RawSock::of(&mut sock);
        sock.set_ipv6(true).map_err(zmq_err(&what))?;
        // A ZAP domain makes libzmq refuse peers that speak ZMTP 1.0 or 2.0
        // (libzmq 2.x and 3.x). Without it, any byte stream whose first
        // byte is not 0xff is taken for a ZMTP 1.0 peer, and whatever
        // parses as frames is delivered: a port scanner or an HTTP request
        // would become messages. Enforcement is off: until a ZAP handler
        // runs (the auth module, from the first rule or PLAIN/CURVE
        // server on) ZMTP 3 peers connect as without a domain.
        sock.set_zap_domain(ZAP_DOMAIN).map_err(zmq_err(&what))?;
        sock.set_linger(DEFAULT_LINGER_MS).map_err(zmq_err(&what))?;
        sock.set_sndhwm(DEFAULT_HWM).map_err(zmq_err(&what))?;
        sock.set_rcvhwm(DEFAULT_HWM).map_err(zmq_err(&what))?;
        if kind == zs_socket_type::ZS_ROUTER {
            sock.set_router_mandatory(true).map_err(zmq_err(&what))?;
        }
        Ok(SocketState {
            sock,
            raw,
            kind,
            binds: Vec::new(),
            connects: Vec::new(),
            attached: false,
            max_msg_size: -1,
            hwms: (DEFAULT_HWM, DEFAULT_HWM),
            slice: SliceTimeouts { send: -1, recv: -1 },
            sequencing: streams::Sequencing::new(Arc::as_ptr(&ctx) as u64),
            monitor: None,
            calls: 0,
            ctx,
        })
    }

    /// Set both HWMs (already checked by [`hwm_value`]) before a bind or
    /// connect. Since libzmq 4.2 they apply to all the socket's pipes.
    ///
    /// libzmq sends HWM changes even to pipes whose peer is already freed
    /// (docs/libzmq-defects.md), so HWMs are set only when they change, and
    /// then only once the socket's commands have settled (see
    /// [`SocketState::settle_commands`]).
    fn set_hwms(&mut self, (send, recv): (i32, i32), what: &str) -> ZsResult<()> {
        if self.hwms == (send, recv) {
            return Ok(());
        }
        if self.attached {
            self.settle_commands();
        }
        if self.hwms.0 != send {
            self.sock.set_sndhwm(send).map_err(zmq_err(what))?;
            self.hwms.0 = send;
        }
        if self.hwms.1 != recv {
            self.sock.set_rcvhwm(recv).map_err(zmq_err(what))?;
            self.hwms.1 = recv;
        }
        Ok(())
    }

    /// Process the socket's commands until none has arrived for
    /// [`HWM_SETTLE`] (at most [`HWM_SETTLE_ROUNDS`] rounds): a pipe whose
    /// termination is under way gets its peer's last acknowledgement and
    /// leaves the socket's list. (ZMQ_EVENTS makes libzmq process the
    /// socket's pending commands; ZMQ_FD becomes readable when new ones
    /// arrive.)
    fn settle_commands(&mut self) {
        let Ok(fd) = self.sock.get_fd() else {
            return;
        };
        for _ in 0..HWM_SETTLE_ROUNDS {
            let _ = self.sock.get_events();
            if !sys::fd_readable(fd, HWM_SETTLE.as_millis() as i32) {
                break;
            }
        }
    }

    /// Set the HWMs, run `attach` (a bind or connect), and put the HWMs
    /// back if it fails, so that a failed call changes nothing.
    fn attach_with_hwms<T>(
        &mut self,
        hwms: (i32, i32),
        what: &str,
        attach: impl FnOnce(&zmq::Socket) -> Result<T, zmq::Error>,
    ) -> ZsResult<T> {
        let before = self.prepare_attach(hwms, what)?;
        self.attach_prepared(what, attach).inspect_err(|_| {
            let _ = self.set_hwms(before, what);
        })
    }

    /// Before a bind or connect: start or drain the monitor and set the
    /// HWMs (which may wait for the socket's commands to settle). Returns
    /// the HWMs before, to put back if the attach fails.
    fn prepare_attach(&mut self, hwms: (i32, i32), what: &str) -> ZsResult<(i32, i32)> {
        match self.monitor.as_mut() {
            None => self.monitor = Some(Monitor::start(&self.ctx, &self.sock)?),
            // Events of what was here before are read while still ignored.
            Some(m) => m.drain(),
        }
        let before = self.hwms;
        self.set_hwms(hwms, what)?;
        Ok(before)
    }

    /// The bind or connect itself, after [`SocketState::prepare_attach`]:
    /// quick, so that it may run under the inproc registry's lock.
    fn attach_prepared<T>(
        &mut self,
        what: &str,
        attach: impl FnOnce(&zmq::Socket) -> Result<T, zmq::Error>,
    ) -> ZsResult<T> {
        // With ZMQ_IPV6 set, libzmq would map an IPv4 address to
        // ::ffff:a.b.c.d; an IPv4 literal needs no IPv6 socket.
        let v4 = is_ipv4_tcp(what);
        if v4 {
            self.sock.set_ipv6(false).map_err(zmq_err(what))?;
        }
        let result = attach(&self.sock);
        if v4 {
            self.sock.set_ipv6(true).map_err(zmq_err(what))?;
        }
        result.map_err(zmq_err(what))
    }

    pub fn set_linger(&mut self, ms: i32) -> ZsResult<()> {
        if ms < -1 {
            return Err(invalid(format!(
                "linger_ms {ms} is out of range (-1 = forever, >= 0 ms)"
            )));
        }
        self.sock.set_linger(ms).map_err(zmq_err("linger"))
    }

    pub fn set_max_message_size(&mut self, bytes: i64) -> ZsResult<()> {
        if bytes < -1 {
            return Err(invalid(format!(
                "bytes {bytes} is out of range (-1 = no limit, >= 0 bytes)"
            )));
        }
        // libzmq applies ZMQ_MAXMSGSIZE to the ZMTP handshake's own
        // commands too: below a few dozen bytes no connection ever comes
        // up. The limit given to libzmq is therefore at least
        // MIN_LIBZMQ_MAXMSGSIZE; the sender-side refusal uses the exact value.
        let for_libzmq = if bytes < 0 {
            bytes
        } else {
            bytes.max(MIN_LIBZMQ_MAXMSGSIZE)
        };
        self.sock
            .set_maxmsgsize(for_libzmq)
            .map_err(zmq_err("max message size"))?;
        self.max_msg_size = bytes;
        Ok(())
    }

    pub fn set_routing_id(&mut self, id: &[u8]) -> ZsResult<()> {
        if id.is_empty() || id.len() > 255 {
            return Err(invalid(format!(
                "id length {} is out of range (1..255 bytes)",
                id.len()
            )));
        }
        if id[0] == 0 {
            return Err(invalid("id starts with a zero byte (reserved by libzmq)"));
        }
        if self.attached {
            return Err(ZsError::new(
                ZS_ERR_WRONG_STATE,
                "the routing id must be set before the socket's first bind or connect",
            ));
        }
        self.sock.set_identity(id).map_err(zmq_err("routing id"))
    }

    /// Make the socket use `m` for its connections: before its first bind
    /// or connect only (libzmq applies a mechanism to later attachments,
    /// and one socket with two mechanisms would be a trap).
    pub fn set_mechanism(&mut self, m: Mechanism) -> ZsResult<()> {
        if self.attached {
            return Err(ZsError::new(
                ZS_ERR_WRONG_STATE,
                "a security mechanism must be set before the socket's first bind or connect",
            ));
        }
        let what = "security mechanism";
        let s = &self.sock;
        match m {
            Mechanism::CurveServer { secret } => s
                .set_curve_server(true)
                .and_then(|()| s.set_curve_secretkey(&secret)),
            Mechanism::CurveClient {
                server,
                public,
                secret,
            } => s
                .set_curve_serverkey(&server)
                .and_then(|()| s.set_curve_publickey(&public))
                .and_then(|()| s.set_curve_secretkey(&secret)),
            Mechanism::PlainServer => s.set_plain_server(true),
            Mechanism::PlainClient { user, password } => s
                .set_plain_username(Some(&user))
                .and_then(|()| s.set_plain_password(Some(&password))),
        }
        .map_err(zmq_err(what))
    }

    /// Subscribe (`on`) or unsubscribe to a prefix; SUB and XSUB only.
    pub fn subscription(&mut self, prefix: &[u8], on: bool) -> ZsResult<()> {
        match self.kind {
            zs_socket_type::ZS_SUB if on => self.sock.set_subscribe(prefix),
            zs_socket_type::ZS_SUB => self.sock.set_unsubscribe(prefix),
            zs_socket_type::ZS_XSUB => {
                // An XSUB subscribes by sending \x01prefix (\x00 to cancel).
                let mut msg = Vec::with_capacity(prefix.len() + 1);
                msg.push(u8::from(on));
                msg.extend_from_slice(prefix);
                self.sock.send(msg, 0)
            }
            other => {
                return Err(ZsError::new(
                    ZS_ERR_NOT_SUPPORTED,
                    format!(
                        "a {} socket cannot subscribe (SUB and XSUB only)",
                        other.name()
                    ),
                ))
            }
        }
        .map_err(zmq_err("subscription"))
    }

    /// Bind `tcp://<bind interface>:port` with both HWMs set first; returns
    /// the bound port (the ephemeral one for port 0).
    pub fn bind_to_port(&mut self, port: u16, send_hwm: i32, recv_hwm: i32) -> ZsResult<i32> {
        let iface = bind_interface();
        let host = match iface.parse::<Ipv6Addr>() {
            Ok(v6) => format!("[{v6}]"),
            Err(_) => iface,
        };
        let endpoint = format!("tcp://{host}:{port}");
        if port != 0 {
            if let Some(b) = self.binds.iter().find(|b| b.port == Some(port)) {
                return Err(ZsError::new(
                    ZS_ERR_ADDRESS_IN_USE,
                    format!(
                        "{endpoint}: this socket is already bound to port {port} ({})",
                        b.endpoint
                    ),
                ));
            }
        }
        self.bind_endpoint(&endpoint, send_hwm, recv_hwm)
    }

    /// Bind any libzmq endpoint with both HWMs set first; returns the TCP
    /// port, or 0 for other transports.
    pub fn bind_endpoint(&mut self, endpoint: &str, send_hwm: i32, recv_hwm: i32) -> ZsResult<i32> {
        if let Some(b) = self.binds.iter().find(|b| {
            b.endpoint == endpoint || (b.requested == endpoint && !is_wildcard_port(endpoint))
        }) {
            return Err(ZsError::new(
                ZS_ERR_ADDRESS_IN_USE,
                format!(
                    "{endpoint}: this socket is already bound to it ({})",
                    b.endpoint
                ),
            ));
        }
        if let Some(c) = self
            .connects
            .iter()
            .find(|c| c.endpoint == endpoint || same_tcp_addr(&c.endpoint, endpoint))
        {
            return Err(self_connect_error(endpoint, &c.describe()));
        }
        let before = self.hwms;
        let hwms = (send_hwm, recv_hwm);
        if inproc::is_inproc(endpoint) {
            // Only the bind itself runs under the registry's lock, which a
            // fork waits for.
            let id = self.raw.id();
            let before = self.prepare_attach(hwms, endpoint)?;
            inproc::bind(id, endpoint, || {
                self.attach_prepared(endpoint, |s| s.bind(endpoint))
            })
            .inspect_err(|_| {
                let _ = self.set_hwms(before, endpoint);
            })?;
        } else {
            self.attach_with_hwms(hwms, endpoint, |s| s.bind(endpoint))?;
        }
        let resolved = match self.sock.get_last_endpoint() {
            Ok(Ok(s)) if !s.is_empty() => s,
            _ => endpoint.to_string(),
        };
        // A wildcard bind may resolve to an endpoint this socket connects
        // to: undo it (see self_connect_error).
        // libzmq's unbind ends every bind and connect under that string,
        // so the connect is made again afterwards.
        if let Some(c) = self.connects.iter().find(|c| c.endpoint == resolved) {
            let err = self_connect_error(&resolved, &c.describe());
            let _ = self.sock.unbind(&resolved);
            wait_port_free(&resolved);
            let _ = self.set_hwms(before, &resolved);
            let v4 = is_ipv4_tcp(&resolved);
            if v4 {
                let _ = self.sock.set_ipv6(false);
            }
            let _ = self.sock.connect(&resolved);
            if v4 {
                let _ = self.sock.set_ipv6(true);
            }
            // Its session ended without an event; the new one counts.
            if let Some(m) = self.monitor.as_mut() {
                let ended = resolved.clone();
                m.forget(move |e| e == ended);
                m.attached(&resolved);
            }
            return Err(err);
        }
        let port = if resolved.starts_with("tcp://") {
            Some(endpoint_port(&resolved).ok_or_else(|| {
                ZsError::new(
                    ZS_ERR_INTERNAL,
                    format!("{endpoint}: cannot read the port of '{resolved}'"),
                )
            })?)
        } else {
            None
        };
        if let Some(m) = self.monitor.as_mut() {
            m.attached(&resolved);
        }
        self.binds.push(Bind {
            port,
            endpoint: resolved,
            requested: endpoint.to_string(),
        });
        self.attached = true;
        Ok(port.map_or(0, i32::from))
    }

    /// Unbind by the endpoint libzmq resolved, then wait (bounded) until
    /// the port can really be bound again.
    pub fn unbind_from_port(&mut self, port: u16) -> ZsResult<()> {
        let i = self
            .binds
            .iter()
            .position(|b| b.port == Some(port))
            .ok_or_else(|| {
                ZsError::new(
                    ZS_ERR_NOT_BOUND,
                    format!("port {port}: this socket is not bound to it"),
                )
            })?;
        self.unbind_at(i)
    }

    /// Unbind an endpoint given as it was bound or as libzmq resolved it.
    pub fn unbind_endpoint(&mut self, endpoint: &str) -> ZsResult<()> {
        let i = self
            .binds
            .iter()
            .position(|b| b.endpoint == endpoint || b.requested == endpoint)
            .ok_or_else(|| {
                ZsError::new(
                    ZS_ERR_NOT_BOUND,
                    format!("{endpoint}: this socket is not bound to it"),
                )
            })?;
        self.unbind_at(i)
    }

    fn unbind_at(&mut self, i: usize) -> ZsResult<()> {
        let endpoint = self.binds[i].endpoint.clone();
        let unbind = || match self.sock.unbind(&endpoint) {
            Ok(()) | Err(zmq::Error::ENOENT) => Ok(()),
            Err(e) => Err(zmq_err(&endpoint)(e)),
        };
        if inproc::is_inproc(&endpoint) {
            inproc::unbind(self.raw.id(), &endpoint, unbind)?;
        } else {
            unbind()?;
        }
        let bind = self.binds.remove(i);
        wait_port_free(&endpoint);
        // The sessions accepted on it ended without an event: forget the
        // local addresses they were seen on.
        let connects: Vec<String> = self.connects.iter().map(|c| c.endpoint.clone()).collect();
        if let Some(m) = self.monitor.as_mut() {
            m.forget(move |e| match bind.port {
                Some(p) => {
                    e.starts_with("tcp://")
                        && endpoint_port(e) == Some(p)
                        && !connects.iter().any(|c| c == e)
                }
                None => e == endpoint,
            });
        }
        Ok(())
    }

    pub fn unbind_from_all_ports(&mut self) -> ZsResult<()> {
        let mut first_err = None;
        let mut i = 0;
        while i < self.binds.len() {
            match self.unbind_at(i) {
                Ok(()) => {}
                Err(e) => {
                    first_err.get_or_insert(e);
                    i += 1;
                }
            }
        }
        first_err.map_or(Ok(()), Err)
    }

    /// Resolve the host id (an unknown id changes nothing), set both HWMs,
    /// then connect.
    pub fn connect_to_host(
        &mut self,
        host_id: &str,
        port: u16,
        send_hwm: i32,
        recv_hwm: i32,
    ) -> ZsResult<()> {
        let endpoint = hosts::tcp_endpoint(host_id, port)?;
        if let Some(c) = self.connects.iter().find(|c| c.is_to(host_id, port)) {
            return Err(ZsError::new(
                ZS_ERR_ALREADY_CONNECTED,
                format!(
                    "{host_id}:{port}: this socket is already connected to {}",
                    c.describe()
                ),
            ));
        }
        self.connect(
            Some((host_id.to_string(), port)),
            &endpoint,
            (send_hwm, recv_hwm),
        )
    }

    /// Connect any libzmq endpoint.
    pub fn connect_endpoint(
        &mut self,
        endpoint: &str,
        send_hwm: i32,
        recv_hwm: i32,
    ) -> ZsResult<()> {
        self.connect(None, endpoint, (send_hwm, recv_hwm))
    }

    fn connect(
        &mut self,
        host: Option<(String, u16)>,
        endpoint: &str,
        hwms: (i32, i32),
    ) -> ZsResult<()> {
        // libzmq would make a second connection to the same endpoint, and
        // one disconnect would then end both.
        if let Some(c) = self.connects.iter().find(|c| c.endpoint == endpoint) {
            return Err(ZsError::new(
                ZS_ERR_ALREADY_CONNECTED,
                format!(
                    "{endpoint}: this socket is already connected to {}",
                    c.describe()
                ),
            ));
        }
        if let Some(b) = self
            .binds
            .iter()
            .find(|b| b.endpoint == endpoint || b.requested == endpoint)
        {
            return Err(self_connect_error(endpoint, &b.endpoint));
        }
        if inproc::is_inproc(endpoint) {
            let id = self.raw.id();
            let ctx = Arc::clone(&self.ctx);
            // The socket that would release a waiting connect is made
            // first, so running out of descriptors is reported as that;
            // so the HWMs are set under the registry's lock here (a fork
            // may wait for their settling, at most HWM_SETTLE_ROUNDS).
            inproc::connect(&ctx, id, endpoint, || {
                self.attach_with_hwms(hwms, endpoint, |s| s.connect(endpoint))
            })?;
        } else {
            self.attach_with_hwms(hwms, endpoint, |s| s.connect(endpoint))?;
        }
        if let Some(m) = self.monitor.as_mut() {
            m.attached(endpoint);
            if !inproc::is_inproc(endpoint) {
                m.connecting(endpoint);
            }
        }
        self.connects.push(Connect {
            host,
            endpoint: endpoint.to_string(),
        });
        self.attached = true;
        Ok(())
    }

    /// Disconnect by the endpoint recorded at connect time.
    pub fn disconnect_from_host(&mut self, host_id: &str, port: u16) -> ZsResult<()> {
        hosts::check_host_id(host_id)?;
        let i = self
            .connects
            .iter()
            .position(|c| c.is_to(host_id, port))
            .ok_or_else(|| {
                ZsError::new(
                    ZS_ERR_NOT_CONNECTED,
                    format!("{host_id}:{port}: this socket is not connected to it"),
                )
            })?;
        self.disconnect_at(i)
    }

    /// Disconnect an endpoint, whichever way it was connected.
    pub fn disconnect_endpoint(&mut self, endpoint: &str) -> ZsResult<()> {
        let i = self
            .connects
            .iter()
            .position(|c| c.endpoint == endpoint)
            .ok_or_else(|| {
                ZsError::new(
                    ZS_ERR_NOT_CONNECTED,
                    format!("{endpoint}: this socket is not connected to it"),
                )
            })?;
        self.disconnect_at(i)
    }

    fn disconnect_at(&mut self, i: usize) -> ZsResult<()> {
        let endpoint = self.connects[i].endpoint.clone();
        let disconnect = || match self.sock.disconnect(&endpoint) {
            Ok(()) | Err(zmq::Error::ENOENT) => Ok(()),
            Err(e) => Err(zmq_err(&endpoint)(e)),
        };
        if inproc::is_inproc(&endpoint) {
            inproc::disconnect(self.raw.id(), &endpoint, disconnect)?;
        } else {
            disconnect()?;
        }
        self.connects.remove(i);
        if let Some(m) = self.monitor.as_mut() {
            m.forget(move |e| e == endpoint);
        }
        Ok(())
    }

    pub fn disconnect_from_all_hosts(&mut self) -> ZsResult<()> {
        let mut first_err = None;
        let mut i = 0;
        while i < self.connects.len() {
            match self.disconnect_at(i) {
                Ok(()) => {}
                Err(e) => {
                    first_err.get_or_insert(e);
                    i += 1;
                }
            }
        }
        first_err.map_or(Ok(()), Err)
    }

    /// Unbind everything, then disconnect everything; the socket stays
    /// usable.
    pub fn close(&mut self) -> ZsResult<()> {
        let unbound = self.unbind_from_all_ports();
        let disconnected = self.disconnect_from_all_hosts();
        unbound.and(disconnected)
    }
}

/// libzmq keys a socket's binds and connects by the endpoint string alone:
/// disconnecting an endpoint the socket also binds under the same string
/// would end the bind inside libzmq too (and, for inproc, only the bind).
/// So a socket never connects to its own bind under the same string.
fn self_connect_error(endpoint: &str, other: &str) -> ZsError {
    ZsError::new(
        ZS_ERR_ADDRESS_IN_USE,
        format!(
            "{endpoint}: this socket is both bound and connected to it ({other}); \
             libzmq could not tell the two apart on disconnect"
        ),
    )
}

/// libzmq closes a listener asynchronously, in its I/O thread: wait,
/// bounded, until the port of a resolved TCP endpoint can be bound again.
fn wait_port_free(endpoint: &str) {
    let Some(addr) = endpoint
        .strip_prefix("tcp://")
        .and_then(|a| a.parse::<SocketAddr>().ok())
    else {
        return;
    };
    let start = Instant::now();
    let mut pause = Duration::from_micros(200);
    loop {
        match TcpListener::bind(addr) {
            Ok(probe) => {
                drop(probe);
                return;
            }
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {}
            Err(_) => return,
        }
        if start.elapsed() >= UNBIND_WAIT {
            return;
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(10));
    }
}
