//! Fork safety (SPEC section 17): a child process uses the library as if
//! it had just loaded it, and the parent never notices the fork.
//!
//! libzmq is not fork-safe: a child that makes a socket in the parent's
//! context writes into descriptors it shares with the parent's I/O
//! threads, and the parent aborts. So the handlers registered here with
//! pthread_atfork(3):
//! - before the fork, take the process-wide locks (host table,
//!   authentication rules, bind interface, inproc registry, handle table), so that no other parent
//!   thread holds one at the moment of the fork; each is held only to
//!   update or read its table (never during a blocking call or a file
//!   read; an inproc connect that changes the socket's HWMs holds the
//!   registry while they settle, 500 ms at most), so the fork waits for a
//!   brief holder at most;
//! - in the parent, release them;
//! - in the child (one thread, the one that forked), start an empty handle
//!   table and inproc registry, forgetting the parent's sockets and
//!   context without closing them, then release the locks. The host table,
//!   the default timeout and the bind interface are inherited as they were.
//!
//! The handlers are registered when the library is loaded (the C ABI
//! layer runs [`arm`] from `.init_array`) and, for a Rust program linking
//! the rlib, by the calls that make state: a socket, a host entry, a bind
//! interface.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::{auth, handles, hosts, inproc, socket, sys};

/// The locks held from `prepare` to `parent` or `child`.
struct Held {
    hosts: hosts::ForkHold,
    auth: auth::ForkHold,
    iface: socket::ForkHold,
    inproc: inproc::ForkHold,
    table: handles::ForkHold,
}

thread_local! {
    /// Set by `prepare` in the forking thread, taken back in the same
    /// thread by `parent` or (in the child, where it is the only thread)
    /// by `child`.
    static HELD: RefCell<Option<Held>> = const { RefCell::new(None) };
}

/// Register the fork handlers, once per process. Never waits (a child
/// forked while another thread waited here would wait forever): a thread
/// that loses the race goes on while the winner registers. A refusal (out
/// of memory) leaves forks unhandled; there is nothing better to do.
pub fn arm() {
    static ARMED: AtomicBool = AtomicBool::new(false);
    if !ARMED.load(Ordering::Acquire) && !ARMED.swap(true, Ordering::AcqRel) {
        sys::at_fork(prepare, parent, child);
    }
}

extern "C" fn prepare() {
    // Always in this order; the library never holds two of these at once.
    let held = Held {
        hosts: hosts::hold_for_fork(),
        auth: auth::hold_for_fork(),
        iface: socket::hold_for_fork(),
        inproc: inproc::hold_for_fork(),
        table: handles::hold_for_fork(),
    };
    // If this thread's storage is gone (it is ending) the locks are let
    // go at once: the fork then goes on unprotected, as without handlers.
    let _ = HELD.try_with(|h| {
        if let Ok(mut h) = h.try_borrow_mut() {
            *h = Some(held);
        }
    });
}

fn take_held() -> Option<Held> {
    HELD.try_with(|h| h.try_borrow_mut().ok().and_then(|mut h| h.take()))
        .ok()
        .flatten()
}

extern "C" fn parent() {
    drop(take_held());
}

extern "C" fn child() {
    if let Some(held) = take_held() {
        let Held {
            hosts,
            auth,
            iface,
            inproc,
            table,
        } = held;
        inproc::start_child(inproc);
        handles::start_child(table);
        drop(iface);
        drop(auth);
        drop(hosts);
    }
}
