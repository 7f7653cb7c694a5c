//! Events and message properties (SPEC section 20).

use std::os::raw::c_char;

use super::args::{self, str_arg};
use super::boundary::ffi_boundary;
use crate::handles::with_socket;
use crate::ops::events;
use crate::timeout::Wait;
use crate::types::{zs_event, zs_message, zs_socket};

/// Take the socket's oldest unread connection event into `*out`, waiting
/// up to `timeout_ms` for one. Returns ZS_OK, or ZS_ERR_TIMED_OUT when
/// none arrives in time (also for a timeout of 0). A socket logs every
/// libzmq monitor event but BIND_FAILED from its first bind or connect (before it there
/// are none); the log keeps the latest 1024 unread, and when older ones
/// were dropped the next event read is ZS_EVENT_LOST with how many.
/// Reading the log does not change what zs_peer_count and the waits
/// report. Events wait, unread, inside the library until a call on the
/// socket reads them: this one, zs_peer_count, the waits, a bind,
/// connect, unbind or disconnect, and every 1024th call of any kind on
/// the socket (sends and receives included), so that unread events of a
/// socket nobody asks about never pile up beyond the log.
#[no_mangle]
pub extern "C" fn zs_next_event(s: zs_socket, timeout_ms: i32, out: *mut zs_event) -> i32 {
    ffi_boundary! {
        let wait = Wait::from_timeout(timeout_ms)?;
        let out = args::out_arg(out, "out")?;
        let e = with_socket(s, |e, st| events::next_event(e, st, wait))?;
        args::write_event(out, &e);
        Ok(())
    }
}

/// Read the metadata property `name` of a received message into `buf`
/// (snprintf rules: at most `cap` bytes with the NUL; `buf` may be NULL
/// when `cap` is 0) and return its full length. Names are libzmq's,
/// case-sensitive: "Peer-Address" (an IPv4 peer's is its IPv4 text, also
/// on a dual-stack socket), "Socket-Type", "Routing-Id", "User-Id" (set
/// by authentication: a PLAIN user name, a CURVE client's Z85 public
/// key), and the peer's ZMTP properties. A property the message does not
/// have (every property of a message received over inproc) is
/// ZS_ERR_INVALID_ARGUMENT, as are a NULL or freed `msg`.
#[no_mangle]
pub extern "C" fn zs_message_property(
    msg: *const zs_message,
    name: *const c_char,
    buf: *mut c_char,
    cap: usize,
) -> i32 {
    ffi_boundary! {
        let name = str_arg(name, "name")?;
        let m = args::message_arg(msg, "msg")?;
        let value = events::property(m, name)?;
        args::write_string(buf, cap, &value, "buf")
    }
}
