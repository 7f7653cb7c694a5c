//! Operations on sockets, above the handle table: sending, receiving,
//! bulk traffic, connection state, polling, and what a socket is attached
//! to. Each takes a looked-up, locked socket (or handles, for polling).

pub mod bulk;
pub mod events;
pub mod introspect;
pub mod poll;
pub mod recv;
mod retry;
pub mod send;
pub mod state;
