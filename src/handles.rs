//! The handle table (SPEC sections 2 and 12).
//!
//! Handles are issued from a counter that starts at 1 and never goes back,
//! so a handle is never reused within a process. The table maps a handle
//! to an [`Entry`]: the socket's own mutex (calls on one socket are
//! serialised) and a `closing` flag. The table lock is held only to look an
//! entry up, insert or remove it: never during a blocking call, which holds
//! only its own socket's mutex and watches `closing` so that a destroy can
//! interrupt it.
//!
//! A proxy (SPEC section 22) is an entry too, from the same counter: its
//! `state` is always empty and its [`Proxy`] runs in its own thread. A
//! socket call given a proxy's handle finds no state, and only then (off
//! the per-message path) tells a proxy from a destroyed socket.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockWriteGuard, TryLockError};
use std::thread;
use std::time::{Duration, Instant};

use crate::auth;
use crate::error::zs_result::*;
use crate::error::{from_zmq, ZsError, ZsResult};
use crate::proxy::Proxy;
use crate::socket::SocketState;
use crate::sys::RawCtx;
use crate::types::{zs_socket, zs_socket_type};

/// Handles stay below 2^53 so that PHP, Python and JavaScript numbers hold
/// them exactly.
const HANDLE_LIMIT: u64 = 1 << 53;

/// One socket in the table.
pub struct Entry {
    pub handle: zs_socket,
    pub kind: zs_socket_type,
    /// The process generation it was made in (see [`generation`]).
    generation: u32,
    closing: AtomicBool,
    /// Threads waiting for `state`: a blocking call lets them in between
    /// its slices.
    waiters: AtomicU32,
    state: Mutex<Option<SocketState>>,
    /// Set for a proxy's entry, whose `state` is always None (boxed: a
    /// socket's entry stays small).
    proxy: Option<Box<Proxy>>,
}

/// A locked, live socket.
pub struct Locked<'a> {
    entry: &'a Entry,
    guard: Option<MutexGuard<'a, Option<SocketState>>>,
}

impl Deref for Locked<'_> {
    type Target = SocketState;
    fn deref(&self) -> &SocketState {
        self.guard
            .as_ref()
            .and_then(|g| g.as_ref())
            .expect("Locked holds a live socket")
    }
}

impl DerefMut for Locked<'_> {
    fn deref_mut(&mut self) -> &mut SocketState {
        self.guard
            .as_mut()
            .and_then(|g| g.as_mut())
            .expect("Locked holds a live socket")
    }
}

/// How long a blocking call steps aside, between two slices, for another
/// thread waiting for its socket.
pub(crate) const STEP_ASIDE: Duration = Duration::from_micros(200);

impl Locked<'_> {
    /// If other threads wait for this socket, release it for a moment so
    /// that their calls (a query, a send from another thread) go first,
    /// then take it back. Call only between whole messages.
    /// `ZS_ERR_BAD_HANDLE` if the socket was destroyed meanwhile.
    pub fn step_aside(&mut self) -> ZsResult<()> {
        if self.entry.waiters.load(Ordering::Acquire) == 0 {
            return Ok(());
        }
        self.guard = None;
        std::thread::sleep(STEP_ASIDE);
        let guard = self.entry.lock_guard();
        if guard.is_none() {
            return Err(self.entry.no_socket());
        }
        self.guard = Some(guard);
        Ok(())
    }
}

impl Entry {
    /// True once a destroy has begun: blocking calls give up.
    #[inline]
    pub fn is_closing(&self) -> bool {
        self.closing.load(Ordering::Acquire)
    }

    /// True if other threads wait for this socket's lock.
    #[inline]
    pub fn has_waiters(&self) -> bool {
        self.waiters.load(Ordering::Acquire) > 0
    }

    /// Take the socket's mutex, counted as a waiter while it is busy. A
    /// panic inside a call (caught at the boundary) leaves the state as
    /// consistent as any error does, so poisoning is ignored.
    #[inline(always)]
    fn lock_guard(&self) -> MutexGuard<'_, Option<SocketState>> {
        match self.state.try_lock() {
            Ok(g) => g,
            Err(TryLockError::Poisoned(p)) => p.into_inner(),
            Err(TryLockError::WouldBlock) => {
                self.waiters.fetch_add(1, Ordering::AcqRel);
                let g = self.state.lock().unwrap_or_else(|p| p.into_inner());
                self.waiters.fetch_sub(1, Ordering::AcqRel);
                g
            }
        }
    }

    /// Lock the socket; `ZS_ERR_BAD_HANDLE` if it was destroyed meanwhile.
    #[inline(always)]
    pub fn lock(&self) -> ZsResult<Locked<'_>> {
        let guard = self.lock_guard();
        if guard.is_none() {
            return Err(self.no_socket());
        }
        Ok(Locked {
            entry: self,
            guard: Some(guard),
        })
    }

    /// Why an entry has no socket state: it is a proxy, or destroyed.
    #[cold]
    #[inline(never)]
    fn no_socket(&self) -> ZsError {
        if self.proxy.is_some() && !self.is_closing() {
            ZsError::new(
                ZS_ERR_NOT_SUPPORTED,
                format!("handle {} is a proxy, not a socket", self.handle),
            )
        } else {
            destroyed(self.handle)
        }
    }

    /// "socket 7 (PUSH)", for messages.
    pub fn describe(&self) -> String {
        format!("socket {} ({})", self.handle, self.kind.name())
    }

    /// Close the socket now: interrupt a blocked call, wait for the lock,
    /// and drop the libzmq socket (its linger goes on in the background).
    fn close_now(&self) {
        self.closing.store(true, Ordering::Release);
        let state = self.lock_guard().take();
        drop(state);
        if let Some(p) = &self.proxy {
            p.stop();
        }
    }
}

fn destroyed(h: zs_socket) -> ZsError {
    ZsError::new(
        ZS_ERR_BAD_HANDLE,
        format!("socket {h}: the handle was destroyed"),
    )
}

/// Handles are unique integers: a multiplicative hash spreads them well
/// enough, far cheaper than SipHash.
#[derive(Default, Clone, Copy)]
struct HandleHasher(u64);

impl Hasher for HandleHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type HandleMap = HashMap<zs_socket, Arc<Entry>, BuildHasherDefault<HandleHasher>>;

/// Slots in each thread's cache of recently used entries.
const RECENT_SLOTS: usize = 8;

thread_local! {
    /// Entries this thread used lately, so that a busy socket is found
    /// without touching the shared table. Handles are never reused, so a
    /// cached entry can only be stale by being closed, which it says.
    static RECENT: RefCell<[Option<Arc<Entry>>; RECENT_SLOTS]> =
        const { RefCell::new([const { None }; RECENT_SLOTS]) };
}

struct Table {
    map: HandleMap,
    /// The context new sockets are made in; made with the first socket,
    /// and again after `destroy_all` retired it.
    ctx: Option<Arc<RawCtx>>,
    /// The ZAP handler of `ctx`, once authentication is wanted (see
    /// [`start_authentication`]); stopped before `ctx` is terminated.
    zap: Option<auth::Handler>,
    /// Creation holds this shared; `destroy_all` holds it exclusively, so
    /// no socket is made on a context that `destroy_all` is retiring. Part
    /// of the table so that a forked child gets a fresh one.
    gate: Option<Arc<RwLock<()>>>,
    /// In a forked child: the parent's table, kept and never dropped
    /// (see [`start_child`]).
    inherited: Option<Box<Table>>,
}

impl Table {
    const fn new() -> Table {
        Table {
            map: HashMap::with_hasher(BuildHasherDefault::new()),
            ctx: None,
            zap: None,
            gate: None,
            inherited: None,
        }
    }
}

static NEXT_HANDLE: AtomicU64 = AtomicU64::new(1);

static TABLE: RwLock<Table> = RwLock::new(Table::new());

/// Which process this is: bumped in a forked child (SPEC section 17), so
/// that entries cached before the fork are never used there. The one
/// atomic load the per-message path pays for fork safety.
static GENERATION: AtomicU32 = AtomicU32::new(0);

/// In a forked child: the first handle the child itself issued. Every
/// handle below it that the child's table lacks was the parent's.
static FORK_FLOOR: AtomicU64 = AtomicU64::new(0);

#[inline(always)]
fn generation() -> u32 {
    GENERATION.load(Ordering::Relaxed)
}

fn read_table() -> std::sync::RwLockReadGuard<'static, Table> {
    TABLE.read().unwrap_or_else(|e| e.into_inner())
}

fn write_table() -> RwLockWriteGuard<'static, Table> {
    TABLE.write().unwrap_or_else(|e| e.into_inner())
}

/// The creation gate (see [`Table::gate`]).
fn gate() -> Arc<RwLock<()>> {
    if let Some(g) = &read_table().gate {
        return Arc::clone(g);
    }
    Arc::clone(write_table().gate.get_or_insert_with(Default::default))
}

/// The context new sockets are made in, made if there is none.
fn context() -> ZsResult<Arc<RawCtx>> {
    if let Some(c) = &read_table().ctx {
        return Ok(Arc::clone(c));
    }
    let mut t = write_table();
    if let Some(c) = &t.ctx {
        return Ok(Arc::clone(c));
    }
    let ctx = RawCtx::new().map_err(|e| from_zmq(e, "zmq_ctx_new", ZS_ERR_ZMQ))?;
    // Rules made before this context apply to it: it gets its handler
    // first. (A failed start closed its sockets: ctx terminates.)
    if auth::wanted() {
        t.zap = Some(auth::Handler::start(&ctx)?);
    }
    Ok(Arc::clone(t.ctx.insert(Arc::new(ctx))))
}

/// Run the ZAP handler from now on (for the current context, and every
/// later one): called by the first authentication rule and by PLAIN and
/// CURVE servers. Until then no handler runs, so NULL handshakes do not
/// wait for one and zs_destroy_all flushes every socket (libzmq cannot
/// answer ZAP while a context terminates: a connection still in its
/// handshake at zs_destroy_all loses its queued messages once a handler
/// runs).
pub fn start_authentication() -> ZsResult<()> {
    auth::want();
    let mut t = write_table();
    if t.zap.is_none() {
        if let Some(ctx) = t.ctx.clone() {
            t.zap = Some(auth::Handler::start(&ctx)?);
        }
    }
    Ok(())
}

/// The handle table, locked for a fork (see the fork module).
pub(crate) struct ForkHold(RwLockWriteGuard<'static, Table>);

/// Lock the table for a fork: held across `fork()` so that the child
/// does not inherit it locked by a thread it does not have.
pub(crate) fn hold_for_fork() -> ForkHold {
    ForkHold(write_table())
}

/// In a forked child, with the table held since before the fork: start
/// an empty table, as if the library had just been loaded. The parent's
/// sockets and context are kept but never used or closed: closing them
/// would write into descriptors the parent's I/O threads still use.
pub(crate) fn start_child(mut hold: ForkHold) {
    let parent = std::mem::replace(&mut *hold.0, Table::new());
    hold.0.inherited = Some(Box::new(parent));
    FORK_FLOOR.store(NEXT_HANDLE.load(Ordering::Relaxed), Ordering::Relaxed);
    GENERATION.fetch_add(1, Ordering::Relaxed);
}

/// The entry for handle `h`, or `ZS_ERR_BAD_HANDLE`: from this thread's
/// cache of recent entries when it is there (the per-message path), else
/// from the table.
#[inline(always)]
pub fn lookup(h: zs_socket) -> ZsResult<Arc<Entry>> {
    let slot = (h % RECENT_SLOTS as u64) as usize;
    let cached = RECENT.try_with(|r| match &r.try_borrow().ok()?[slot] {
        Some(e) if e.handle == h && h != 0 && e.generation == generation() && !e.is_closing() => {
            Some(Arc::clone(e))
        }
        _ => None,
    });
    match cached {
        Ok(Some(e)) => Ok(e),
        _ => lookup_table(h, slot),
    }
}

#[inline(never)]
fn lookup_table(h: zs_socket, slot: usize) -> ZsResult<Arc<Entry>> {
    if h == 0 {
        return Err(ZsError::new(
            ZS_ERR_BAD_HANDLE,
            "socket 0: 0 is never a socket",
        ));
    }
    let found = read_table().map.get(&h).cloned();
    if let Some(e) = found {
        // Not while this thread's cache is borrowed (a call made from
        // inside another): then the entry is simply not cached.
        let _ = RECENT.try_with(|r| {
            if let Ok(mut r) = r.try_borrow_mut() {
                r[slot] = Some(Arc::clone(&e));
            }
        });
        return Ok(e);
    }
    if h < FORK_FLOOR.load(Ordering::Relaxed) {
        Err(ZsError::new(
            ZS_ERR_BAD_HANDLE,
            format!(
                "socket {h}: the handle was inherited across fork(); \
                 a child process makes its own sockets"
            ),
        ))
    } else if h < NEXT_HANDLE.load(Ordering::Acquire) {
        Err(destroyed(h))
    } else {
        Err(ZsError::new(
            ZS_ERR_BAD_HANDLE,
            format!("socket {h}: no such handle was ever issued"),
        ))
    }
}

/// Look `h` up, lock it, count the call ([`SocketState::tick`]) and run
/// `f` on it.
///
/// A socket in this thread's cache is used straight from the cache, which
/// keeps it alive for the call (only this thread can replace its cache's
/// slots, and it does not while it holds them borrowed), so the
/// per-message path pays no reference count.
#[inline(always)]
pub fn with_socket<T>(
    h: zs_socket,
    f: impl FnOnce(&Entry, &mut Locked<'_>) -> ZsResult<T>,
) -> ZsResult<T> {
    let slot = (h % RECENT_SLOTS as u64) as usize;
    let mut f = Some(f);
    let cached = RECENT.try_with(|r| {
        let r = r.try_borrow().ok()?;
        match &r[slot] {
            Some(e)
                if e.handle == h && h != 0 && e.generation == generation() && !e.is_closing() =>
            {
                let f = f.take().expect("taken once");
                Some(e.lock().and_then(|mut locked| {
                    locked.tick();
                    f(e, &mut locked)
                }))
            }
            _ => None,
        }
    });
    if let Ok(Some(result)) = cached {
        return result;
    }
    let f = f.take().expect("not taken: the cache missed");
    let entry = lookup_table(h, slot)?;
    let mut locked = entry.lock()?;
    locked.tick();
    f(&entry, &mut locked)
}

/// Make a socket of `kind`, run `setup` on it (binding or connecting), and
/// only if that succeeds enter it in the table. Returns the new handle and
/// what `setup` returned.
pub fn create<R>(
    kind: zs_socket_type,
    setup: impl FnOnce(&mut SocketState) -> ZsResult<R>,
) -> ZsResult<(zs_socket, R)> {
    let gate = gate();
    let _gate = gate.read().unwrap_or_else(|e| e.into_inner());
    let mut state = SocketState::new(context()?, kind)?;
    let r = setup(&mut state)?;
    let handle = insert(kind, Some(state), None)?;
    Ok((handle, r))
}

/// Start a proxy for clients of `kind` with `start` (given the context)
/// and enter it in the table. Returns its handle and what `start`
/// returned besides the proxy.
pub fn create_proxy<R>(
    kind: zs_socket_type,
    start: impl FnOnce(Arc<RawCtx>) -> ZsResult<(Proxy, R)>,
) -> ZsResult<(zs_socket, R)> {
    let gate = gate();
    let _gate = gate.read().unwrap_or_else(|e| e.into_inner());
    let (proxy, r) = start(context()?)?;
    let handle = insert(kind, None, Some(Box::new(proxy)))?;
    Ok((handle, r))
}

/// Give the next handle to a new entry.
fn insert(
    kind: zs_socket_type,
    state: Option<SocketState>,
    proxy: Option<Box<Proxy>>,
) -> ZsResult<zs_socket> {
    let handle = NEXT_HANDLE.fetch_add(1, Ordering::AcqRel);
    if handle >= HANDLE_LIMIT {
        if let Some(p) = &proxy {
            p.stop();
        }
        return Err(ZsError::new(ZS_ERR_INTERNAL, "handles exhausted"));
    }
    let entry = Arc::new(Entry {
        handle,
        kind,
        generation: generation(),
        closing: AtomicBool::new(false),
        waiters: AtomicU32::new(0),
        state: Mutex::new(state),
        proxy,
    });
    write_table().map.insert(handle, entry);
    Ok(handle)
}

/// Look `h` up as a proxy and run `f` on it: `ZS_ERR_NOT_SUPPORTED` for a
/// socket's handle, `ZS_ERR_BAD_HANDLE` as for sockets (also when a
/// destroy ends the proxy during the call).
pub fn with_proxy<T>(h: zs_socket, f: impl FnOnce(&Proxy) -> ZsResult<T>) -> ZsResult<T> {
    let entry = lookup(h)?;
    let Some(proxy) = &entry.proxy else {
        return Err(ZsError::new(
            ZS_ERR_NOT_SUPPORTED,
            format!("handle {h} is a socket, not a proxy"),
        ));
    };
    f(proxy).map_err(|e| if entry.is_closing() { destroyed(h) } else { e })
}

/// The type of socket `h`; `ZS_ERR_NOT_SUPPORTED` for a proxy.
pub fn socket_kind(h: zs_socket) -> ZsResult<zs_socket_type> {
    let entry = lookup(h)?;
    if entry.proxy.is_some() {
        return Err(entry.no_socket());
    }
    Ok(entry.kind)
}

/// Destroy one socket: retire the handle at once, interrupt any call
/// blocked on it, close it (unsent messages linger in the background).
pub fn destroy(h: zs_socket) -> ZsResult<()> {
    lookup(h)?;
    let (entry, zap) = {
        let mut t = write_table();
        (
            t.map.remove(&h).ok_or_else(|| destroyed(h))?,
            t.zap.is_some(),
        )
    };
    if zap {
        // Calls blocked on it are interrupted now, not after the wait.
        entry.closing.store(true, Ordering::Release);
        settle_handshakes(std::slice::from_ref(&entry), DESTROY_SETTLE);
    }
    entry.close_now();
    Ok(())
}

/// The most a zs_socket_destroy waits for its socket's handshakes (see
/// [`settle_handshakes`]).
const DESTROY_SETTLE: Duration = Duration::from_millis(250);

/// Destroy every socket, then wait until their unsent messages have left
/// or their lingers have run out. Returns how many were destroyed.
pub fn destroy_all() -> usize {
    let gate = gate();
    let _gate = gate.write().unwrap_or_else(|e| e.into_inner());
    let (entries, old_ctx, zap) = {
        let mut t = write_table();
        let entries: Vec<Arc<Entry>> = t.map.drain().map(|(_, e)| e).collect();
        (entries, t.ctx.take(), t.zap.take())
    };
    let n = entries.len();
    if zap.is_some() {
        for e in &entries {
            e.closing.store(true, Ordering::Release);
        }
        settle_handshakes(&entries, Duration::MAX);
    }
    for e in &entries {
        e.close_now();
    }
    // Its handler goes last: a closing socket's handshake may still ask it.
    if let Some(zap) = zap {
        zap.stop();
    }
    // Every socket of the old context is closed (each SocketState held an
    // Arc of it, now dropped), so this drops its last reference and
    // terminates it: zmq_ctx_term blocks until each socket's queue has
    // drained or its linger has expired.
    drop(old_ctx);
    n
}

/// With a ZAP handler running, before sockets close: wait, up to each
/// socket's [`SocketState::handshake_wait`] and `cap`, until none of
/// `entries` has a connect whose first attempt is still going or a
/// connection still in its handshake. Such a handshake needs the handler
/// (libzmq asks ZAP on both sides of a NULL handshake when the socket has
/// a ZAP domain, as every socket here has), and libzmq does not complete
/// it once the socket is closed, nor once zs_destroy_all has stopped the
/// handler: the messages queued for the connection would be lost, as
/// when a process sends and exits at once.
fn settle_handshakes(entries: &[Arc<Entry>], cap: Duration) {
    let start = Instant::now();
    let mut waiting: Vec<(&Arc<Entry>, Duration)> = entries
        .iter()
        .filter_map(|e| Some((e, e.lock_guard().as_ref()?.handshake_wait().min(cap))))
        .collect();
    loop {
        waiting.retain(|(e, limit)| {
            start.elapsed() < *limit && e.lock_guard().as_mut().is_some_and(|s| s.handshaking())
        });
        if waiting.is_empty() {
            return;
        }
        thread::sleep(Duration::from_millis(2));
    }
}

/// The number of live handles: sockets and proxies.
pub fn count() -> usize {
    read_table().map.len()
}
