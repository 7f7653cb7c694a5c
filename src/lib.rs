//! zmqsocket: a small, safe ZeroMQ API for test harnesses, behind a C ABI.
//!
//! The contract is SPEC.md; the C declarations are generated into
//! `include/zmqsocket.h` and `include/zmqsocket_ffi.h` from [`api`] and
//! [`types`] by `build.rs`.
//!
//! Modules, one concern each:
//! - [`api`]: the exported `extern "C"` functions, thin wrappers;
//! - [`error`]: result codes, the per-thread last error, the panic boundary;
//! - [`raw`]: the only code that reads or writes C pointers;
//! - [`handles`]: the handle table;
//! - [`hosts`]: the host table;
//! - [`socket`]: a socket's state, options, binds and connects;
//! - [`blocking`]: per-call timeouts and interruptible waits;
//! - [`send`], [`recv`]: messages out and in;
//! - [`bulk`]: pump and drain, many messages in one call;
//! - [`introspect`]: what a socket is attached to;
//! - [`inproc`]: inproc names, and libzmq's connects waiting for a binder;
//! - [`monitor`]: real connection state, from libzmq's socket monitor;
//! - [`poll`]: waiting on several sockets at once;
//! - [`fork`]: a forked child starts afresh, the parent never notices.

pub mod api;
mod blocking;
mod bulk;
pub mod error;
mod fork;
mod handles;
mod hosts;
mod inproc;
mod introspect;
mod monitor;
mod poll;
mod raw;
mod recv;
mod send;
mod socket;
pub mod types;

pub use api::*;
pub use bulk::{zs_bulk_flags, zs_drain_stats};
pub use error::zs_result;
pub use types::{
    zs_frame, zs_hwm, zs_message, zs_recv_args, zs_socket, zs_socket_type, zs_timeout,
};

#[cfg(test)]
mod header_tests {
    /// The committed headers are what build.rs generates from this source.
    #[test]
    fn committed_headers_are_current() {
        for name in ["zmqsocket.h", "zmqsocket_ffi.h"] {
            let generated = std::fs::read_to_string(format!("{}/{name}", env!("OUT_DIR"))).unwrap();
            let committed =
                std::fs::read_to_string(format!("{}/include/{name}", env!("CARGO_MANIFEST_DIR")))
                    .unwrap();
            assert!(
                generated == committed,
                "include/{name} is stale: rebuild and commit it"
            );
        }
    }
}
