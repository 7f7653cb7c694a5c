//! Real connection state (SPEC section 14): waiting for a handshake, and
//! counting live sessions, from each socket's monitor.

use crate::error::zs_result::*;
use crate::error::{from_zmq, ZsError, ZsResult};
use crate::handles::{Entry, Locked};
use crate::monitor::{Monitor, SUBSCRIPTION_SETTLE};
use crate::socket::SocketState;
use crate::timeout::{interrupted, Deadline, Wait};
use crate::types::zs_socket_type;

/// Wait until `ready` holds of the socket's sessions (at once if it does).
fn wait_until(
    entry: &Entry,
    state: &mut Locked<'_>,
    wait: Wait,
    what: &str,
    ready: impl Fn(&Monitor) -> bool,
) -> ZsResult<()> {
    wait_for(entry, state, wait, what, |m| ready(m).then_some(()))?
        .ok_or_else(|| Deadline::new(wait).timed_out(what))
}

/// Wait until `take` finds something in the socket's monitor, just
/// drained (a socket never attached has an idle monitor). `None` when the
/// time ran out.
pub(crate) fn wait_for<T>(
    entry: &Entry,
    state: &mut Locked<'_>,
    wait: Wait,
    what: &str,
    mut take: impl FnMut(&mut Monitor) -> Option<T>,
) -> ZsResult<Option<T>> {
    let deadline = Deadline::new(wait);
    loop {
        let found = match state.monitor_mut() {
            Some(m) => {
                m.drain();
                take(m)
            }
            None => take(&mut Monitor::idle()),
        };
        if found.is_some() {
            return Ok(found);
        }
        if entry.is_closing() {
            return Err(interrupted(what));
        }
        let Some(slice) = deadline.next_slice() else {
            return Ok(None);
        };
        state.step_aside()?;
        match state.monitor_mut() {
            Some(m) => m
                .wait_event(i64::from(slice))
                .map_err(|e| from_zmq(e, what, ZS_ERR_TIMED_OUT))?,
            None => std::thread::sleep(std::time::Duration::from_millis(slice as u64)),
        }
    }
}

/// Wait until the ZMTP handshake with `host_id`'s `port` has completed.
pub fn wait_connected(
    entry: &Entry,
    state: &mut Locked<'_>,
    host_id: &str,
    port: u16,
    wait: Wait,
) -> ZsResult<()> {
    let endpoint = state
        .connects()
        .iter()
        .find(|c| c.is_to(host_id, port))
        .map(|c| c.endpoint.clone())
        .ok_or_else(|| {
            ZsError::new(
                ZS_ERR_NOT_CONNECTED,
                format!("{host_id}:{port}: this socket never asked to connect there"),
            )
        })?;
    let what = format!("{}: {endpoint}", entry.describe());
    wait_until(entry, state, wait, &what, |m| m.live(&endpoint) > 0)?;
    // A subscriber's subscriptions leave right after its handshake: give
    // them time to be applied by the publisher, so that nothing published
    // once this returns is missed.
    if matches!(
        state.kind(),
        zs_socket_type::ZS_SUB | zs_socket_type::ZS_XSUB
    ) {
        let up_at = state.monitor_mut().and_then(|m| m.up_at(&endpoint));
        if let Some(left) = up_at.and_then(|t| SUBSCRIPTION_SETTLE.checked_sub(t.elapsed())) {
            std::thread::sleep(left);
        }
    }
    Ok(())
}

/// Live ZMTP sessions on all the socket's endpoints.
pub fn peer_count(state: &mut SocketState) -> u32 {
    state.monitor_mut().map_or(0, |m| {
        m.drain();
        m.total()
    })
}

/// Wait until the socket has at least `n` live sessions.
pub fn wait_peers(entry: &Entry, state: &mut Locked<'_>, n: u32, wait: Wait) -> ZsResult<()> {
    let what = format!("{}: waiting for {n} peers", entry.describe());
    wait_until(entry, state, wait, &what, |m| m.total() >= n)
}
