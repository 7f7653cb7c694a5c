//! The event log and message properties (SPEC section 20).

use super::recv::Received;
use super::state::wait_for;
use crate::error::zs_result::*;
use crate::error::{invalid, ZsError, ZsResult};
use crate::handles::{Entry, Locked};
use crate::monitor::Event;
use crate::timeout::Wait;

/// The socket's oldest unread event, waiting for one as `wait` says.
/// ZS_ERR_TIMED_OUT when none comes in time (also for a zero timeout).
pub fn next_event(entry: &Entry, state: &mut Locked<'_>, wait: Wait) -> ZsResult<Event> {
    let what = format!("{}: waiting for an event", entry.describe());
    wait_for(entry, state, wait, &what, |m| m.next_event())?.ok_or_else(|| {
        ZsError::new(
            ZS_ERR_TIMED_OUT,
            format!("{what}: no event within the timeout"),
        )
    })
}

/// A received message's metadata property `name` (libzmq's
/// zmq_msg_gets: "Peer-Address", "Socket-Type", "Routing-Id", "User-Id"
/// and the peer's ZMTP properties). An IPv4 peer's address is its IPv4
/// text, also when a dual-stack socket reports it as `::ffff:a.b.c.d`.
/// "Routing-Id" is the peer's ZMTP "Identity" property, which libzmq 4.3
/// keeps under that wire name only.
pub fn property(msg: &Received, name: &str) -> ZsResult<String> {
    let first = msg.first();
    let found = match name {
        "Routing-Id" => first.gets(name).or_else(|| first.gets("Identity")),
        _ => first.gets(name),
    };
    let value = found.ok_or_else(|| {
        invalid(format!(
            "name '{name}': the message has no such property (inproc messages have none)"
        ))
    })?;
    Ok(match (name, value.strip_prefix("::ffff:")) {
        ("Peer-Address", Some(v4)) if v4.parse::<std::net::Ipv4Addr>().is_ok() => v4.to_string(),
        _ => value,
    })
}
