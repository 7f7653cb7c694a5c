//! zmqsocket: a small, safe ZeroMQ API for test harnesses, behind a C ABI.
//!
//! The contract is SPEC.md; `build.rs` generates the C declarations in
//! `include/zmqsocket.h` and `include/zmqsocket_ffi.h` from [`ffi`] and
//! [`types`].
//!
//! Layers, from the bottom; a module uses only those below it:
//! - [`types`]: the C types, plain data every layer may use;
//! - [`sys`]: libzmq and OS calls the zmq crate and std do not wrap;
//!   [`threads`]: the threads the library starts, marked as its own;
//! - [`error`]: result codes, the error type, the
//!   per-thread last error; [`timeout`]: per-call timeouts and deadlines;
//!   [`endpoint`]: what is read out of endpoint strings; [`options`]: the
//!   socket options by name;
//! - [`hosts`]: the host table; [`inproc`]: inproc names and libzmq's
//!   connects waiting for a binder; [`monitor`]: a socket's monitor;
//! - [`socket`]: one socket's state, options, binds and connects;
//! - [`proxy`]: the proxy's thread and its fault rules;
//! - [`handles`]: the handle table;
//! - [`fork`]: a forked child starts afresh, the parent never notices;
//! - [`ops`]: send, receive, bulk, connection state, poll, introspection;
//! - [`ffi`]: the panic boundary, C pointer arguments, and the exported
//!   functions by SPEC section.
//!
//! Unsafe code is denied everywhere but [`sys`] and [`ffi`].
#![deny(unsafe_code)]
#![warn(clippy::undocumented_unsafe_blocks)]

mod sys;
mod threads;

pub mod error;
mod timeout;
pub mod types;

mod endpoint;
mod options;

mod hosts;
mod inproc;
mod monitor;
mod auth;

mod socket;

mod proxy;

mod handles;

mod fork;

mod ops;

pub mod ffi;

pub use error::zs_result;
pub use ffi::{
    ask::*, attach::*, bulk::*, endpoints::*, events::*, hosts::*, library::*, options::*, poll::*,
    proxy::*, recv::*, results::*, security::*, send::*, sockets::*, state::*,
};
pub use types::{
    zs_bulk_flags, zs_drain_stats, zs_event, zs_event_kind, zs_frame, zs_hwm, zs_message,
    zs_poll_flags, zs_proxy_direction, zs_proxy_stats, zs_recv_args, zs_socket, zs_socket_type,
    zs_timeout,
};

#[cfg(test)]
mod header_tests {
    /// The committed headers are what build.rs generates from this source
    /// (`make headers` refreshes them).
    #[test]
    fn committed_headers_are_current() {
        for name in ["zmqsocket.h", "zmqsocket_ffi.h"] {
            let generated = std::fs::read_to_string(format!("{}/{name}", env!("OUT_DIR"))).unwrap();
            let committed =
                std::fs::read_to_string(format!("{}/include/{name}", env!("CARGO_MANIFEST_DIR")))
                    .unwrap();
            assert!(
                generated == committed,
                "include/{name} is stale: run `make headers` and commit it"
            );
        }
    }
}
