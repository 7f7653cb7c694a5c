//! Proxy with fault injection (SPEC section 22).

use std::os::raw::c_char;

use super::args::{out_arg, str_arg, write_out};
use super::boundary::ffi_boundary;
use super::{prime, socket_type};
use crate::error::{invalid, ZsResult};
use crate::handles::{self, with_proxy};
use crate::proxy::rules::Rules;
use crate::proxy::{self, Proxy};
use crate::types::{zs_proxy_stats, zs_socket};

fn endpoint<'a>(p: *const c_char, name: &str) -> ZsResult<&'a str> {
    let ep = str_arg(p, name)?;
    if ep.is_empty() || ep.chars().any(char::is_whitespace) {
        return Err(invalid(format!(
            "{name} '{ep}' is empty or contains whitespace"
        )));
    }
    Ok(ep)
}

/// The directions `direction` marks: [towards the service, back].
fn directions(direction: i32) -> ZsResult<[bool; 2]> {
    match direction {
        1 => Ok([true, false]),
        2 => Ok([false, true]),
        3 => Ok([true, true]),
        d => Err(invalid(format!(
            "direction {d} is not ZS_TOWARDS_SERVICE (1), ZS_FROM_SERVICE (2) or ZS_BOTH_WAYS (3)"
        ))),
    }
}

/// Start a proxy between clients of `client_type` and a service, and
/// write its handle to `*out` (only on success). The proxy binds `front`
/// (any endpoint zs_bind_endpoint takes; TCP port 0 picks a free port),
/// connects to `service` (as zs_connect_endpoint does), and forwards whole
/// messages between them in a library thread. Returns the front's TCP
/// port, or 0 for other transports.
///
/// `client_type` is the type of the sockets that connect to `front`:
/// ZS_PUSH (the proxy's front is a PULL, its service side a PUSH),
/// ZS_PULL (PUSH / PULL), ZS_REQ or ZS_DEALER (ROUTER / DEALER: the
/// service is a REP, ROUTER or DEALER), ZS_SUB (XPUB / XSUB: the service
/// is a PUB or XPUB; subscriptions pass through, and no rule applies to
/// them). The proxy's own sockets have HWMs of 1000, libzmq's default.
///
/// With no rules the proxy loses nothing and keeps order; when the other
/// side has no room it stops reading, so HWMs push back on the sender. A
/// proxy's handle comes from the socket table and is never reused:
/// zs_socket_destroy and zs_destroy_all destroy it (dropping what it
/// holds: delayed, paused or held-back messages), zs_socket_count counts
/// it. Given to a socket function (zs_send, zs_bind_to_port...) it is
/// ZS_ERR_NOT_SUPPORTED. In a forked child an inherited proxy is
/// ZS_ERR_BAD_HANDLE (its thread is not there).
///
/// Returns ZS_ERR_UNKNOWN_SOCKET_TYPE for a number that is no socket
/// type, ZS_ERR_NOT_SUPPORTED for another type, ZS_ERR_INVALID_ARGUMENT
/// for NULL, empty or malformed endpoints or NULL `out`, and the errors
/// of zs_bind_endpoint (e.g. ZS_ERR_ADDRESS_IN_USE, the last error then
/// saying "front") and zs_connect_endpoint ("service").
#[no_mangle]
pub extern "C" fn zs_proxy_new(
    client_type: i32,
    front: *const c_char,
    service: *const c_char,
    out: *mut zs_socket,
) -> i32 {
    ffi_boundary! {
        let kind = socket_type(client_type)?;
        proxy::socket_types(kind)?;
        let front = endpoint(front, "front")?;
        let service = endpoint(service, "service")?;
        let out = out_arg(out, "out")?;
        prime();
        let (h, port) =
            handles::create_proxy(kind, |ctx| Proxy::start(ctx, kind, front, service))?;
        write_out(out, h);
        Ok(port)
    }
}

/// Replace the fault rules of `direction` (ZS_TOWARDS_SERVICE,
/// ZS_FROM_SERVICE or ZS_BOTH_WAYS; each direction keeps its own rules,
/// counters and PRNG). `rules` is `;`-separated, whitespace-tolerant,
/// case-insensitive; "" clears the direction's rules:
///
/// - `drop P%`: drop each message with chance P (0 to 100, decimals
///   allowed); `drop every N`: drop messages N, 2N... counted from now;
///   `drop next N`: drop the next N messages.
/// - `delay D` or `delay D1..D2` (uniform in the range), with a unit:
///   `us`, `ms` or `s` (up to 1 hour). Messages keep their order: one
///   never leaves before an earlier one, so a short delay after a long
///   one waits for it.
/// - `duplicate P%`: send the message twice in a row.
/// - `corrupt P%`: flip (XOR 0xFF) one byte, chosen at random, of the
///   message's last frame; a message whose last frame is empty passes
///   unchanged and is not counted as corrupted.
/// - `reorder P%`: hold the message back and send it right after the next
///   one of its direction (one message is held at a time; a held one
///   waits at most 500 ms for a next, then leaves).
/// - `pause`: hold everything (no message is read or sent in that
///   direction, so HWMs push back on the sender) until the rules change;
///   then the held messages go, in order, under the new rules.
/// - `seed N`: the PRNG's seed (default 0). Random rules give the same
///   decisions for the same seed, rules and messages.
///
/// Each rule at most once. Rules apply in the order drop, corrupt,
/// duplicate, delay, reorder. A message read after this returns is under
/// the new rules; messages already delayed keep their release times, and
/// one held back by `reorder` is released. Multi-part messages are always
/// handled whole.
///
/// Returns ZS_OK; ZS_ERR_INVALID_ARGUMENT for a `direction` outside 1..3,
/// NULL or non-UTF-8 `rules`, or a malformed or repeated rule (the last
/// error names it; the rules in force stay); ZS_ERR_BAD_HANDLE;
/// ZS_ERR_NOT_SUPPORTED for a socket's handle.
#[no_mangle]
pub extern "C" fn zs_proxy_fault(proxy: zs_socket, direction: i32, rules: *const c_char) -> i32 {
    ffi_boundary! {
        let dirs = directions(direction)?;
        let rules = Rules::parse(str_arg(rules, "rules")?)?;
        with_proxy(proxy, |p| p.set_rules(dirs, rules))
    }
}

/// Cut the network between the proxy's sides: every connection of its
/// front and its service side ends now (the front is unbound, the service
/// disconnected), and new ones are refused for `ms` milliseconds (>= 0);
/// then the proxy binds the same front endpoint (the same port) and
/// connects again, and clients reconnect as libzmq does. A cut during a
/// cut ends at the later of the two ends. If the front's port was taken
/// meanwhile, the bind is tried again every 100 ms. Messages the proxy
/// holds stay queued; those in libzmq's queues of the ended connections
/// are lost, as in a real cut. libzmq keeps inproc connections to an
/// unbound endpoint, so an inproc front's clients stay connected. Returns
/// once the connections are cut: ZS_OK, ZS_ERR_INVALID_ARGUMENT for
/// `ms` < 0, ZS_ERR_BAD_HANDLE, ZS_ERR_NOT_SUPPORTED for a socket's
/// handle.
#[no_mangle]
pub extern "C" fn zs_proxy_cut(proxy: zs_socket, ms: i32) -> i32 {
    ffi_boundary! {
        let ms = u32::try_from(ms)
            .map_err(|_| invalid(format!("ms {ms} is negative")))?;
        with_proxy(proxy, |p| p.cut(ms))
    }
}

/// Write the proxy's counts since it started to `*out`: index 0 of each
/// array counts messages towards the service, index 1 messages back from
/// it. `forwarded` counts messages sent on (each copy of a duplicate;
/// subscriptions of a SUB client too), `dropped` those dropped by a rule
/// or refused for good by the other side (e.g. a reply to a client that
/// has gone), `duplicated`, `delayed` (given a delay above 0) and
/// `corrupted` those the rules changed. Returns ZS_OK,
/// ZS_ERR_INVALID_ARGUMENT for NULL `out`, ZS_ERR_BAD_HANDLE,
/// ZS_ERR_NOT_SUPPORTED for a socket's handle.
#[no_mangle]
pub extern "C" fn zs_proxy_stats_get(proxy: zs_socket, out: *mut zs_proxy_stats) -> i32 {
    ffi_boundary! {
        let out = out_arg(out, "out")?;
        let stats = with_proxy(proxy, |p| Ok(p.stats()))?;
        write_out(out, stats);
        Ok(())
    }
}
