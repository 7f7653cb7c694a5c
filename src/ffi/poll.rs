//! Polling for both directions (SPEC section 21).

use super::args;
use super::boundary::ffi_boundary;
use crate::ops::poll;
use crate::timeout::Wait;
use crate::types::zs_socket;

/// Wait until at least one of `count` (>= 1) sockets is ready for what
/// `want[i]` asks (ZS_POLLIN: a message to receive; ZS_POLLOUT: a message
/// can be sent now; both; or 0, nothing), or `timeout_ms` passes. Writes
/// `ready[i]` (what of `want[i]` holds; 0 otherwise) and returns how many
/// entries are ready (0 when the timeout passed). A handle may appear more
/// than once. Other bits in `want` are ZS_ERR_INVALID_ARGUMENT. The
/// sockets are held for at most 50 ms at a time, as in zs_poll.
#[no_mangle]
pub extern "C" fn zs_poll_events(
    sockets: *const zs_socket,
    want: *const i16,
    count: usize,
    timeout_ms: i32,
    ready: *mut i16,
) -> i32 {
    ffi_boundary! {
        let handles = args::handles_arg(sockets, count, "sockets")?;
        let want = args::i16s_arg(want, count, "want")?;
        let wait = Wait::from_timeout(timeout_ms)?;
        let ready = args::i16s_out(ready, count, "ready")?;
        poll::poll_events(handles, want, wait, ready)
    }
}
