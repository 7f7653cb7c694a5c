//! inproc names: who binds them, and the one connect that may wait for a
//! binder.
//!
//! libzmq frees an inproc connect still waiting for a binder but keeps it
//! listed, so the next bind of the name would use freed memory
//! (docs/libzmq-defects.md). Before dropping such a connect, a throw-away
//! socket, made with the connect (so that nothing can run out later),
//! binds the name for a moment, then unbinds and closes.
//!
//! Because that bind consumes every waiting connection of the name, only
//! one socket at a time may wait for a given name; a second connect to the
//! same unbound name is refused with `ZS_ERR_WRONG_STATE` (binding the
//! name first, or connecting after the bind, always works).
//!
//! Every inproc bind, unbind, connect and drop of a waiting connect runs
//! under this module's lock, so the record and libzmq agree. Sockets are
//! named here by their libzmq pointer, unique while they live.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::error::zs_result::*;
use crate::error::{ZsError, ZsResult};
use crate::sys::RawCtx;
use crate::types::zs_socket_type;

/// A connect waiting for a binder: its socket, and the throw-away socket
/// that will take it off libzmq's list if it is dropped first.
struct Waiter {
    id: usize,
    sink: zmq::Socket,
}

#[derive(Default)]
struct Registry {
    /// Bound names and the socket that binds each.
    bound: HashMap<String, usize>,
    /// Names with a connect that waits for a binder.
    waiting: HashMap<String, Waiter>,
    /// In a forked child: the parent's registry, kept and never dropped
    /// (its throw-away sockets are the parent's).
    #[allow(dead_code)]
    inherited: Option<Box<Registry>>,
}

static REGISTRY: Mutex<Option<Registry>> = Mutex::new(None);

/// The inproc registry, locked for a fork (see the fork module).
pub(crate) struct ForkHold(std::sync::MutexGuard<'static, Option<Registry>>);

/// Lock the registry for a fork, so that the child does not inherit it
/// locked by a thread it does not have.
pub(crate) fn hold_for_fork() -> ForkHold {
    ForkHold(REGISTRY.lock().unwrap_or_else(|p| p.into_inner()))
}

/// In a forked child: start with no names (the parent's live in the
/// parent's context, which the child never uses), keeping the parent's
/// registry without closing its throw-away sockets.
pub(crate) fn start_child(mut hold: ForkHold) {
    if let Some(parent) = hold.0.take() {
        *hold.0 = Some(Registry {
            inherited: Some(Box::new(parent)),
            ..Registry::default()
        });
    }
}

fn with_registry<T>(f: impl FnOnce(&mut Registry) -> T) -> T {
    let mut guard = REGISTRY.lock().unwrap_or_else(|p| p.into_inner());
    f(guard.get_or_insert_with(Registry::default))
}

/// True for an inproc endpoint.
pub fn is_inproc(endpoint: &str) -> bool {
    endpoint.starts_with("inproc://")
}

/// Bind `endpoint` (an inproc name) for socket `id` with `bind`.
pub fn bind<T>(id: usize, endpoint: &str, bind: impl FnOnce() -> ZsResult<T>) -> ZsResult<T> {
    with_registry(|r| {
        let result = bind()?;
        // The bind consumed any connect waiting for the name.
        r.waiting.remove(endpoint);
        r.bound.insert(endpoint.to_string(), id);
        Ok(result)
    })
}

/// Unbind `endpoint` for socket `id` with `unbind`.
pub fn unbind<T>(id: usize, endpoint: &str, unbind: impl FnOnce() -> ZsResult<T>) -> ZsResult<T> {
    with_registry(|r| {
        let result = unbind()?;
        if r.bound.get(endpoint) == Some(&id) {
            r.bound.remove(endpoint);
        }
        Ok(result)
    })
}

/// Connect socket `id` to `endpoint` with `connect`; refused if another
/// socket already waits for the same unbound name.
pub fn connect<T>(
    ctx: &RawCtx,
    id: usize,
    endpoint: &str,
    connect: impl FnOnce() -> ZsResult<T>,
) -> ZsResult<T> {
    with_registry(|r| {
        let unbound = !r.bound.contains_key(endpoint);
        if unbound && r.waiting.get(endpoint).is_some_and(|w| w.id != id) {
            return Err(ZsError::new(
                ZS_ERR_WRONG_STATE,
                format!(
                    "{endpoint}: nobody has bound this name yet and another socket already \
                     waits for it; bind it first (libzmq 4.3.4 cannot drop one of several \
                     connects waiting for a name safely)"
                ),
            ));
        }
        let sink = if unbound {
            let fail = |e: zmq::Error| {
                ZsError::new(
                    ZS_ERR_ZMQ,
                    format!(
                        "{endpoint}: nobody has bound this name yet, and the socket that \
                         would release the waiting connect cannot be made: {e}"
                    ),
                )
            };
            let sink = ctx.socket(zs_socket_type::ZS_PULL).map_err(fail)?;
            sink.set_linger(0).map_err(fail)?;
            Some(sink)
        } else {
            None
        };
        let result = connect()?;
        if let Some(sink) = sink {
            r.waiting.insert(endpoint.to_string(), Waiter { id, sink });
        }
        Ok(result)
    })
}

/// Drop socket `id`'s connect to `endpoint` with `drop`, first taking it
/// off libzmq's list if it still waits for a binder.
pub fn disconnect<T>(id: usize, endpoint: &str, drop: impl FnOnce() -> ZsResult<T>) -> ZsResult<T> {
    with_registry(|r| {
        let sink = release(r, id, endpoint);
        let result = drop();
        std::mem::drop(sink);
        result
    })
}

/// A throw-away socket bound to a name; dropping it unbinds the name at
/// once (libzmq would unregister it only later, in its reaper thread, when
/// the socket is closed) and closes it.
pub struct Sink {
    sock: zmq::Socket,
    endpoint: String,
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.sock.unbind(&self.endpoint);
    }
}

/// Socket `id` is about to close: release its waiting connects and forget
/// its binds. `connects` are its connect endpoints.
pub fn socket_closing<'a>(id: usize, connects: impl Iterator<Item = &'a str>) -> Vec<Sink> {
    with_registry(|r| {
        r.bound.retain(|_, owner| *owner != id);
        connects
            .filter(|e| is_inproc(e))
            .filter_map(|e| release(r, id, e))
            .collect()
    })
}

/// If socket `id`'s connect to `endpoint` waits for a binder, bind the name
/// with a throw-away socket so libzmq attaches (and no longer lists) the
/// waiting pipe; the caller closes the returned socket after ending the
/// connection.
fn release(r: &mut Registry, id: usize, endpoint: &str) -> Option<Sink> {
    if r.waiting.get(endpoint).is_none_or(|w| w.id != id) {
        return None;
    }
    let sink = r.waiting.remove(endpoint)?.sink;
    // EADDRINUSE: a socket that is closing still holds the name in libzmq,
    // and the connect was attached to it, not waiting.
    sink.bind(endpoint).ok()?;
    Some(Sink {
        sock: sink,
        endpoint: endpoint.to_string(),
    })
}
