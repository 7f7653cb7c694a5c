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
//! - [`introspect`]: what a socket is attached to.

pub mod api;
pub mod blocking;
pub mod error;
pub mod handles;
pub mod hosts;
pub mod introspect;
pub mod raw;
pub mod recv;
pub mod send;
pub mod socket;
pub mod types;

pub use api::*;
pub use error::zs_result;
pub use types::{zs_frame, zs_hwm, zs_message, zs_socket, zs_socket_type, zs_timeout};
