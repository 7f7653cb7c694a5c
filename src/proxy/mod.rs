//! The proxy with fault injection (SPEC section 22): a library thread
//! that owns a front socket (bound, for the client under test) and a
//! service-side socket (connected to the service), forwards whole
//! multi-part messages between them, applies each direction's fault
//! [`rules`], keeps the counts, and obeys commands (new rules, cut, stop).
//!
//! It sits below the handle table, which holds a [`Proxy`] as it holds a
//! socket's state. Commands go through a std channel; an inproc PAIR
//! rings the thread's bell so that its one `zmq_poll` also wakes for them.
//!
//! Forwarding is non-blocking: a message the destination cannot take now
//! waits at the head of its direction's outbox, and the source is not
//! read again until the destination can take it (POLLOUT), so the HWMs
//! push back on the sender as they would without the proxy. Each
//! direction's outbox is in arrival order with release times that never
//! go back, so a delay never reorders messages; only `reorder` does.

pub mod rules;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::error::zs_result::*;
use crate::error::{from_zmq, ZsError, ZsResult};
use crate::socket::SocketState;
use crate::sys::{RawCtx, RawMsg, RawSock};
use crate::types::{zs_proxy_stats, zs_socket_type};
use rules::{Faults, Rules};

/// HWMs of the proxy's own sockets: libzmq's default, as zmq_proxy's
/// sockets have, so that the proxy adds no tighter limit of its own.
const PROXY_HWM: i32 = 1000;
/// Messages read from one socket per wake-up before the other gets its
/// turn (zmq_proxy reads up to 1000 too).
const BURST: usize = 1000;
/// Messages a direction keeps in memory (delayed) before it stops
/// reading its source, so that the HWMs push back on the sender.
const OUTBOX_LIMIT: usize = 10_000;
/// How long a message held back by `reorder` waits for a next one.
pub const REORDER_HOLD: Duration = Duration::from_millis(500);
/// After a cut, how often a failed re-bind (the port taken meanwhile)
/// or re-connect is tried again.
const REATTACH_RETRY: Duration = Duration::from_millis(100);

/// The socket types of the front and the service side for a client of
/// `client` type; `ZS_ERR_NOT_SUPPORTED` for a type the proxy cannot
/// stand in front of.
pub fn socket_types(client: zs_socket_type) -> ZsResult<(zs_socket_type, zs_socket_type)> {
    use zs_socket_type::*;
    match client {
        ZS_PUSH => Ok((ZS_PULL, ZS_PUSH)),
        ZS_PULL => Ok((ZS_PUSH, ZS_PULL)),
        ZS_REQ | ZS_DEALER => Ok((ZS_ROUTER, ZS_DEALER)),
        ZS_SUB => Ok((ZS_XPUB, ZS_XSUB)),
        other => Err(ZsError::new(
            ZS_ERR_NOT_SUPPORTED,
            format!(
                "client_type {} ({}): a proxy stands in front of PUSH, PULL, REQ, DEALER \
                 or SUB clients only",
                other as i32,
                other.name()
            ),
        )),
    }
}

/// The counters, written by the proxy's thread alone and read by
/// `zs_proxy_stats_get`: [kind][direction].
#[derive(Default)]
struct Stats([[AtomicU64; 2]; 5]);

const FORWARDED: usize = 0;
const DROPPED: usize = 1;
const DUPLICATED: usize = 2;
const DELAYED: usize = 3;
const CORRUPTED: usize = 4;

impl Stats {
    /// One writer, so a load and a store (no locked instruction).
    #[inline]
    fn add(&self, kind: usize, d: usize, n: u64) {
        let c = &self.0[kind][d];
        c.store(c.load(Ordering::Relaxed) + n, Ordering::Relaxed);
    }

    #[inline]
    fn sub(&self, kind: usize, d: usize, n: u64) {
        let c = &self.0[kind][d];
        c.store(c.load(Ordering::Relaxed) - n, Ordering::Relaxed);
    }

    /// Send one message towards `d` with `send` and count it. It counts
    /// as forwarded before it goes: a peer that has it (and a harness that
    /// has the reply to it) must find it counted. If it did not go, the
    /// count moves to dropped (lost) or is taken back (no room yet).
    fn count_send(&self, d: usize, send: impl FnOnce() -> Sent) -> Sent {
        self.add(FORWARDED, d, 1);
        let sent = send();
        match sent {
            Sent::Yes => {}
            Sent::Lost => {
                self.sub(FORWARDED, d, 1);
                self.add(DROPPED, d, 1);
            }
            Sent::WouldBlock => self.sub(FORWARDED, d, 1),
        }
        sent
    }

    fn snapshot(&self) -> zs_proxy_stats {
        let get = |k: usize| {
            [
                self.0[k][0].load(Ordering::Relaxed),
                self.0[k][1].load(Ordering::Relaxed),
            ]
        };
        zs_proxy_stats {
            forwarded: get(FORWARDED),
            dropped: get(DROPPED),
            duplicated: get(DUPLICATED),
            delayed: get(DELAYED),
            corrupted: get(CORRUPTED),
        }
    }
}

enum Command {
    /// New rules for the directions marked true.
    Rules([bool; 2], Rules),
    Cut(Duration),
    Stop,
}

struct Request {
    command: Command,
    reply: Sender<ZsResult<()>>,
}

/// The caller's side of a command channel.
struct Control {
    tx: Sender<Request>,
    /// Connected to the thread's bell: one empty message wakes its poll.
    bell: zmq::Socket,
}

/// A running proxy, as the handle table holds it.
pub struct Proxy {
    /// None once stopped: the bell is closed with the thread's sockets, so
    /// that the context can terminate.
    control: Mutex<Option<Control>>,
    stats: Arc<Stats>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

fn zmq_err(what: &str) -> impl Fn(zmq::Error) -> ZsError + '_ {
    move |e| from_zmq(e, what, ZS_ERR_ZMQ)
}

/// A name for each proxy's bell, unique in the process.
fn bell_name() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!(
        "inproc://zmqsocket-proxy-bell-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

fn thread_gone() -> ZsError {
    ZsError::new(ZS_ERR_INTERNAL, "the proxy's thread has ended")
}

impl Proxy {
    /// Bind `front`, connect `service`, and start the thread. Returns the
    /// proxy and the front's TCP port (0 for other transports). On
    /// failure nothing is left running.
    pub fn start(
        ctx: Arc<RawCtx>,
        client: zs_socket_type,
        front: &str,
        service: &str,
    ) -> ZsResult<(Proxy, i32)> {
        let (front_kind, back_kind) = socket_types(client)?;
        let mut front_sock = SocketState::new(Arc::clone(&ctx), front_kind)?;
        let port = front_sock
            .bind_endpoint(front, PROXY_HWM, PROXY_HWM)
            .map_err(|e| ZsError::new(e.code, format!("front: {}", e.msg)))?;
        let front_ep = front_sock
            .binds()
            .first()
            .map_or_else(|| front.to_string(), |b| b.endpoint.clone());
        let mut back_sock = SocketState::new(Arc::clone(&ctx), back_kind)?;
        back_sock
            .connect_endpoint(service, PROXY_HWM, PROXY_HWM)
            .map_err(|e| ZsError::new(e.code, format!("service: {}", e.msg)))?;

        let name = bell_name();
        let inner = ctx
            .socket(zs_socket_type::ZS_PAIR)
            .map_err(zmq_err(&name))?;
        let outer = ctx
            .socket(zs_socket_type::ZS_PAIR)
            .map_err(zmq_err(&name))?;
        for s in [&inner, &outer] {
            s.set_linger(0).map_err(zmq_err(&name))?;
        }
        inner.bind(&name).map_err(zmq_err(&name))?;
        outer.connect(&name).map_err(zmq_err(&name))?;

        let (tx, rx) = mpsc::channel();
        let stats = Arc::new(Stats::default());
        let runner = Runner {
            front: front_sock,
            back: back_sock,
            bell: inner,
            rx,
            stats: Arc::clone(&stats),
            subscriptions: client == zs_socket_type::ZS_SUB,
            reads: [
                front_kind != zs_socket_type::ZS_PUSH,
                back_kind != zs_socket_type::ZS_PUSH,
            ],
            dirs: [Dir::new(0), Dir::new(1)],
            front_ep,
            service: service.to_string(),
            front_bound: true,
            back_connected: true,
            reattach_at: None,
            scratch: Vec::new(),
        };
        let thread = crate::threads::spawn("proxy", move || runner.run()).map_err(|e| {
            ZsError::new(
                ZS_ERR_INTERNAL,
                format!("cannot start the proxy's thread: {e}"),
            )
        })?;
        Ok((
            Proxy {
                control: Mutex::new(Some(Control { tx, bell: outer })),
                stats,
                thread: Mutex::new(Some(thread)),
            },
            port,
        ))
    }

    /// Send a command and wait for the thread to have carried it out.
    fn request(&self, command: Command) -> ZsResult<()> {
        let control = self.control.lock().unwrap_or_else(|e| e.into_inner());
        let control = control.as_ref().ok_or_else(thread_gone)?;
        let (reply, answer) = mpsc::channel();
        control
            .tx
            .send(Request { command, reply })
            .map_err(|_| thread_gone())?;
        // A full bell is already ringing.
        let _ = control.bell.send(&b""[..], zmq::DONTWAIT);
        answer.recv().map_err(|_| thread_gone())?
    }

    /// Replace the rules of the directions marked true; messages read
    /// after this returns are under the new rules.
    pub fn set_rules(&self, dirs: [bool; 2], rules: Rules) -> ZsResult<()> {
        self.request(Command::Rules(dirs, rules))
    }

    /// Drop every connection now and refuse new ones for `ms`.
    pub fn cut(&self, ms: u32) -> ZsResult<()> {
        self.request(Command::Cut(Duration::from_millis(u64::from(ms))))
    }

    pub fn stats(&self) -> zs_proxy_stats {
        self.stats.snapshot()
    }

    /// Stop the thread and wait for it: its sockets are closed (their
    /// lingers go on in the background) and the messages it held are
    /// dropped.
    pub fn stop(&self) {
        let thread = self.thread.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(t) = thread {
            let _ = self.request(Command::Stop);
            let _ = t.join();
        }
        drop(
            self.control
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take(),
        );
    }
}

/// A message on its way out.
struct Pending {
    /// When it may leave (None: at once).
    at: Option<Instant>,
    frames: Vec<RawMsg>,
    /// 2 for a duplicated message until its first copy has left.
    copies: u8,
}

/// One direction: 0 towards the service, 1 back from it.
struct Dir {
    index: usize,
    faults: Faults,
    outbox: VecDeque<Pending>,
    /// A message held back by `reorder`, with when it gives up waiting.
    held: Option<(Instant, Pending)>,
    /// The latest release time given out: later messages never leave
    /// earlier.
    last_at: Option<Instant>,
    /// The destination refused the outbox's head (EAGAIN): wait for
    /// POLLOUT, and read no more meanwhile.
    blocked: bool,
}

impl Dir {
    fn new(index: usize) -> Dir {
        Dir {
            index,
            faults: Faults::new(Rules::default(), index),
            outbox: VecDeque::new(),
            held: None,
            last_at: None,
            blocked: false,
        }
    }

    /// Put the held-back message (if any) at the end of the outbox.
    fn release_held(&mut self) {
        if let Some((_, mut p)) = self.held.take() {
            p.at = match (p.at, self.last_at) {
                (Some(a), Some(l)) => Some(a.max(l)),
                (a, l) => a.or(l),
            };
            self.last_at = p.at;
            self.outbox.push_back(p);
        }
    }
}

enum Sent {
    Yes,
    WouldBlock,
    /// Refused for good (no such peer, peer gone mid-message): lost.
    Lost,
}

/// Send a whole message without waiting: each frame moved into libzmq,
/// or (`shared`) a copy sharing its buffer so the frames stay for another
/// send. Only the first frame can be refused for lack of room: libzmq
/// counts a pipe's HWM in whole messages.
fn send_frames(dst: RawSock, frames: &mut [RawMsg], shared: bool) -> Sent {
    let last = frames.len().saturating_sub(1);
    for (i, f) in frames.iter_mut().enumerate() {
        let flags = zmq::DONTWAIT | if i < last { zmq::SNDMORE } else { 0 };
        let r = if shared {
            dst.send_shared(f, flags)
        } else {
            dst.send_msg(f, flags)
        };
        match r {
            Ok(()) => {}
            Err(zmq::Error::EAGAIN) if i == 0 => return Sent::WouldBlock,
            Err(_) => return Sent::Lost,
        }
    }
    Sent::Yes
}

/// The proxy's thread, with everything it owns.
struct Runner {
    front: SocketState,
    back: SocketState,
    bell: zmq::Socket,
    rx: Receiver<Request>,
    stats: Arc<Stats>,
    /// A SUB client: direction 0 carries subscriptions, which pass
    /// through without rules.
    subscriptions: bool,
    /// Which directions have a source to read.
    reads: [bool; 2],
    dirs: [Dir; 2],
    /// The front's endpoint as libzmq resolved it, bound again after a cut.
    front_ep: String,
    service: String,
    front_bound: bool,
    back_connected: bool,
    /// During a cut: when to bind and connect again.
    reattach_at: Option<Instant>,
    /// Frames of the message being read, reused.
    scratch: Vec<RawMsg>,
}

impl Runner {
    fn src(&self, d: usize) -> RawSock {
        if d == 0 {
            self.front.raw()
        } else {
            self.back.raw()
        }
    }

    fn dst(&self, d: usize) -> RawSock {
        self.src(1 - d)
    }

    /// True when direction `d`'s messages go through unchanged.
    fn bypass(&self, d: usize) -> bool {
        (self.subscriptions && d == 0) || self.dirs[d].faults.is_empty()
    }

    fn paused(&self, d: usize) -> bool {
        !(self.subscriptions && d == 0) && self.dirs[d].faults.paused()
    }

    fn can_read(&self, d: usize) -> bool {
        let dir = &self.dirs[d];
        self.reads[d] && !dir.blocked && !self.paused(d) && dir.outbox.len() < OUTBOX_LIMIT
    }

    fn run(mut self) {
        loop {
            let now = Instant::now();
            for d in 0..2 {
                if self.dirs[d]
                    .held
                    .as_ref()
                    .is_some_and(|(until, _)| *until <= now)
                    && !self.paused(d)
                {
                    self.dirs[d].release_held();
                }
                self.flush(d, now);
            }
            if self.reattach_at.is_some_and(|t| t <= now) {
                self.reattach(now);
            }
            let timeout = self.timeout(now);
            let events = |read: bool, write: bool| {
                let mut e = zmq::PollEvents::empty();
                if read {
                    e |= zmq::POLLIN;
                }
                if write {
                    e |= zmq::POLLOUT;
                }
                e
            };
            let (fe, be) = (
                events(self.can_read(0), self.dirs[1].blocked),
                events(self.can_read(1), self.dirs[0].blocked),
            );
            let (bell, front, back) = {
                let mut items = [
                    self.bell.as_poll_item(zmq::POLLIN),
                    self.front.poll_item(fe),
                    self.back.poll_item(be),
                ];
                if zmq::poll(&mut items, timeout).is_err() {
                    // EINTR: look again.
                    continue;
                }
                let rw = |i: &zmq::PollItem| (i.is_readable(), i.is_writable());
                (items[0].is_readable(), rw(&items[1]), rw(&items[2]))
            };
            if bell && self.commands() {
                return;
            }
            if front.1 {
                self.dirs[1].blocked = false;
            }
            if back.1 {
                self.dirs[0].blocked = false;
            }
            let now = Instant::now();
            if front.0 {
                self.read(0, now);
            }
            if back.0 {
                self.read(1, now);
            }
        }
    }

    /// How long the poll may wait (ms, -1 forever) before something is due.
    fn timeout(&self, now: Instant) -> i64 {
        let mut next: Option<Instant> = self.reattach_at;
        let mut soonest = |t: Instant| next = Some(next.map_or(t, |n| n.min(t)));
        for d in 0..2 {
            if self.paused(d) {
                continue;
            }
            let dir = &self.dirs[d];
            if let Some((until, _)) = &dir.held {
                soonest(*until);
            }
            if !dir.blocked {
                if let Some(p) = dir.outbox.front() {
                    soonest(p.at.unwrap_or(now));
                }
            }
        }
        match next {
            None => -1,
            Some(t) if t <= now => 0,
            // Rounded up, so that the poll never wakes before it is due.
            Some(t) => (t - now).as_micros().div_ceil(1000) as i64,
        }
    }

    /// Carry out the commands waiting; true to stop.
    fn commands(&mut self) -> bool {
        while self.bell.recv_bytes(zmq::DONTWAIT).is_ok() {}
        while let Ok(req) = self.rx.try_recv() {
            let result = match req.command {
                Command::Stop => return true,
                Command::Rules(which, rules) => {
                    for (d, on) in which.iter().enumerate() {
                        if *on {
                            let dir = &mut self.dirs[d];
                            dir.release_held();
                            dir.faults = Faults::new(rules.clone(), dir.index);
                        }
                    }
                    Ok(())
                }
                Command::Cut(ms) => self.cut(ms),
            };
            let _ = req.reply.send(result);
        }
        false
    }

    /// Unbind the front and disconnect the service side (ending their
    /// sessions), to attach again after `ms`.
    fn cut(&mut self, ms: Duration) -> ZsResult<()> {
        let mut result = Ok(());
        if self.front_bound {
            result = self.front.unbind_endpoint(&self.front_ep);
            self.front_bound = result.is_err();
        }
        if self.back_connected {
            let r = self.back.disconnect_endpoint(&self.service);
            self.back_connected = r.is_err();
            result = result.and(r);
        }
        let until = Instant::now() + ms;
        self.reattach_at = Some(self.reattach_at.map_or(until, |t| t.max(until)));
        result
    }

    /// After a cut: bind and connect again; what fails is tried again
    /// shortly (a port taken meanwhile may come free).
    fn reattach(&mut self, now: Instant) {
        if !self.front_bound {
            self.front_bound = self
                .front
                .bind_endpoint(&self.front_ep, PROXY_HWM, PROXY_HWM)
                .is_ok();
        }
        if !self.back_connected {
            self.back_connected = self
                .back
                .connect_endpoint(&self.service, PROXY_HWM, PROXY_HWM)
                .is_ok();
        }
        self.reattach_at = if self.front_bound && self.back_connected {
            None
        } else {
            Some(now + REATTACH_RETRY)
        };
    }

    /// Read up to [`BURST`] messages of direction `d`.
    fn read(&mut self, d: usize, now: Instant) {
        let src = self.src(d);
        for _ in 0..BURST {
            if !self.can_read(d) {
                return;
            }
            let Some(n) = self.recv_message(src) else {
                return;
            };
            self.take_in(d, n, now);
        }
    }

    /// Receive one whole message into `scratch`; its frame count, or None
    /// when there is none now.
    fn recv_message(&mut self, src: RawSock) -> Option<usize> {
        let mut n = 0;
        loop {
            if self.scratch.len() == n {
                self.scratch.push(RawMsg::new());
            }
            // The rest of a message is there as soon as its first frame is.
            src.recv(&mut self.scratch[n], zmq::DONTWAIT).ok()?;
            let more = self.scratch[n].more();
            n += 1;
            if !more {
                return Some(n);
            }
        }
    }

    /// Apply direction `d`'s rules to the `n` frames in `scratch`.
    fn take_in(&mut self, d: usize, n: usize, now: Instant) {
        let bypass = self.bypass(d);
        let dir = &self.dirs[d];
        if bypass && dir.outbox.is_empty() && dir.held.is_none() && !dir.blocked {
            // Straight through, as zmq_proxy does.
            let dst = self.dst(d);
            let scratch = &mut self.scratch;
            match self
                .stats
                .count_send(d, || send_frames(dst, &mut scratch[..n], false))
            {
                Sent::Yes | Sent::Lost => {}
                Sent::WouldBlock => {
                    let frames = self.scratch.drain(..n).collect();
                    let dir = &mut self.dirs[d];
                    dir.outbox.push_back(Pending {
                        at: None,
                        frames,
                        copies: 1,
                    });
                    dir.blocked = true;
                }
            }
            return;
        }
        let mut frames: Vec<RawMsg> = self.scratch.drain(..n).collect();
        if bypass {
            self.dirs[d].outbox.push_back(Pending {
                at: None,
                frames,
                copies: 1,
            });
            self.flush(d, now);
            return;
        }
        let last_len = frames.last_mut().map_or(0, |f| f.bytes().len());
        let fate = self.dirs[d].faults.decide(last_len);
        if fate.drop {
            self.stats.add(DROPPED, d, 1);
            return;
        }
        if let (Some(i), Some(last)) = (fate.corrupt_at, frames.last_mut()) {
            let mut bytes = last.bytes().to_vec();
            bytes[i] ^= 0xFF;
            if let Ok(m) = RawMsg::from_bytes(&bytes) {
                *last = m;
                self.stats.add(CORRUPTED, d, 1);
            }
        }
        if fate.duplicate {
            self.stats.add(DUPLICATED, d, 1);
        }
        if !fate.delay.is_zero() {
            self.stats.add(DELAYED, d, 1);
        }
        let dir = &mut self.dirs[d];
        let at = now + fate.delay;
        let at = dir.last_at.map_or(at, |l| l.max(at));
        dir.last_at = Some(at);
        let p = Pending {
            at: Some(at),
            frames,
            copies: if fate.duplicate { 2 } else { 1 },
        };
        if fate.reorder && dir.held.is_none() {
            dir.held = Some((now + REORDER_HOLD, p));
            return;
        }
        dir.outbox.push_back(p);
        dir.release_held();
        self.flush(d, now);
    }

    /// Send what is due in direction `d`'s outbox, in order, until the
    /// destination has no room.
    fn flush(&mut self, d: usize, now: Instant) {
        if self.paused(d) || self.dirs[d].blocked {
            return;
        }
        let dst = self.dst(d);
        let dir = &mut self.dirs[d];
        while let Some(head) = dir.outbox.front_mut() {
            if head.at.is_some_and(|t| t > now) {
                return;
            }
            while head.copies > 1 {
                let frames = &mut head.frames;
                match self.stats.count_send(d, || send_frames(dst, frames, true)) {
                    Sent::Yes | Sent::Lost => head.copies -= 1,
                    Sent::WouldBlock => {
                        dir.blocked = true;
                        return;
                    }
                }
            }
            let frames = &mut head.frames;
            match self.stats.count_send(d, || send_frames(dst, frames, false)) {
                Sent::Yes | Sent::Lost => {}
                Sent::WouldBlock => {
                    dir.blocked = true;
                    return;
                }
            }
            dir.outbox.pop_front();
        }
    }
}
