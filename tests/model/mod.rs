//! Model-based random testing of the handle table (issue 5, item 3).
//!
//! Shared by `tests/model_random.rs` (seeded sequences) and
//! `fuzz/fuzz_targets/sequences.rs` (cargo-fuzz):
//!
//! - [`decode`] turns any byte slice into a [`Program`]: a list of
//!   operations over a few sockets (create, destroy, bind, unbind, connect,
//!   disconnect, close, send, receive, host table changes, destroy_all);
//! - [`Executor`] applies each operation through the exported `zs_*`
//!   functions, exactly as a C caller would, and after EVERY step checks the
//!   return code against the model's prediction and the whole observable
//!   state against the model of the handle table: `zs_socket_count`, and
//!   for every live handle its type, `zs_bound_ports`, `zs_endpoints`
//!   (exact text), `zs_is_bound_to_port` for every port the run knows and
//!   `zs_is_connected_to_host` for every host id and port; every destroyed
//!   (or never issued) handle must give `ZS_ERR_BAD_HANDLE`.
//!
//! Messages: each one carries a unique tag in its first frame. A PUSH whose
//! only attachment is an inproc connect linked to a live PULL delivers for
//! certain: the model expects that message at that PULL, in order, and a
//! receive there must produce it (nothing lost, nothing duplicated, nothing
//! reordered). Every other message that was queued is "possible": it may
//! arrive (once) or not. Any received message must be one of those.
//!
//! The run binds on 127.0.0.1 only (`zs_set_bind_interface`), ports are
//! always ephemeral (port 0, read back) or ports this run learned.
//!
//! This file only gathers the parts: `decoder` (bytes to a program),
//! `state` (the model), `executor` (running a program and checking every
//! step), `calls` (result codes and call helpers), and the PRNG shared
//! with the other tests (tests/common/rng.rs).
#![allow(dead_code)]

#[path = "../common/rng.rs"]
mod rng;

mod calls;
mod decoder;
mod executor;
mod state;

// What the including crates use (the seeded test and the fuzz target
// each use only part of it).
#[allow(unused_imports)]
pub use decoder::{bytes_for_seed, decode, Kind, Op, OpKind, Program, MAX_OPS, OP_BYTES};
#[allow(unused_imports)]
pub use executor::{Executor, Failure, Stats};
#[allow(unused_imports)]
pub use state::HOSTS;
