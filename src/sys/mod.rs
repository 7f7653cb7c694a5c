//! libzmq and OS calls that the zmq crate and std do not wrap: a context
//! with options, a socket's raw pointer for the per-message calls, a
//! message, the scheduling policy, pthread_atfork. With the C ABI layer's
//! argument helpers, the only place with `unsafe` code.
#![allow(unsafe_code)]

mod ctx;
pub(crate) mod curve;
mod fork;
mod msg;
mod sched;
mod socket;

pub(crate) use ctx::RawCtx;
pub(crate) use fork::at_fork;
pub(crate) use msg::RawMsg;
#[cfg(test)]
pub(crate) use sched::signal_blocked;
pub(crate) use sched::{block_signals, monotonic_us, BatchScheduling};
pub(crate) use socket::{fd_readable, stop_monitor, RawSock};
