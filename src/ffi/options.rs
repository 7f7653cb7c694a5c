//! Socket options (SPEC section 18).

use std::os::raw::{c_char, c_void};

use super::args::{bytes_arg, bytes_out, out_arg, str_arg, write_out, write_snprintf};
use super::boundary::ffi_boundary;
use crate::handles::{self, with_socket};
use crate::socket::options::OptValue;
use crate::types::zs_socket;

/// Set an integer socket option by name: libzmq's option name without
/// `ZMQ_` (a leading `ZMQ_` is accepted too), in any case
/// (`"RECONNECT_IVL"`, `"heartbeat_ivl"`). Integer options are those
/// libzmq holds as int, int64 or uint64; binary and string options take
/// zs_set_option_bytes. Options apply as libzmq applies them: most to the
/// binds and connects made afterwards.
///
/// Returns ZS_OK, or: ZS_ERR_INVALID_ARGUMENT for a NULL or empty `name`,
/// a name not in the list below, a bytes option, a value out of range for
/// the option's type (an int option takes `INT32_MIN..INT32_MAX`, never
/// truncated; a uint64 one takes `>= 0`) or a value libzmq refuses (the
/// last error says which and why); ZS_ERR_NOT_SUPPORTED for an option
/// this socket type does not take (the list names the types of those that
/// not every type takes), a read-only option, SNDTIMEO and RCVTIMEO
/// (timeouts are per call), options of GSSAPI and VMCI (not in this build
/// of libzmq) and BLOCKY (a context option); ZS_ERR_WRONG_STATE for a
/// security mechanism option (PLAIN_*, CURVE_*) after the socket's first
/// bind or connect (SPEC section 19); ZS_ERR_BAD_HANDLE.
///
/// The options the library owns follow its own rules, so nothing set by
/// name breaks a guarantee:
/// - SNDHWM and RCVHWM follow the HWM rules (-1 = 100, 0 = no limit,
///   below -1 ZS_ERR_INVALID_ARGUMENT) and apply at once to all the
///   socket's connections; the HWMs a later bind or connect is given
///   replace them, as they always do (SPEC section 4).
/// - LINGER is zs_set_linger, MAXMSGSIZE zs_set_max_message_size (reading
///   gives the library's exact limit), ROUTING_ID zs_set_routing_id,
///   SUBSCRIBE and UNSUBSCRIBE zs_subscribe and zs_unsubscribe (an XPUB
///   takes them too, in XPUB_MANUAL mode, as libzmq does).
/// - ROUTER_MANDATORY stays 1 on a ROUTER (SPEC section 7): setting 1 is
///   ZS_OK, setting 0 ZS_ERR_NOT_SUPPORTED; it reads as 1.
/// - IPV6, ZAP_DOMAIN and USE_FD are read-only: the library makes every
///   socket dual-stack, gives every socket a ZAP domain so that ZMTP 1.0
///   and 2.0 peers are refused, and makes each bind's listener itself.
///
/// Write-only options (libzmq does not report them) can be set, not read.
/// The options, by name (type; r = can be read, w = can be set; the
/// socket types that take it when not all do):
#[no_mangle]
pub extern "C" fn zs_set_option(s: zs_socket, name: *const c_char, value: i64) -> i32 {
    ffi_boundary! {
        let name = str_arg(name, "name")?;
        with_socket(s, |_, st| st.set_option(name, OptValue::Int(value)))?;
        // A PLAIN or CURVE server by name needs the ZAP handler as
        // zs_set_plain_server and zs_set_curve_server do.
        let server = crate::options::find(name)
            .is_some_and(|o| matches!(o.name, "PLAIN_SERVER" | "CURVE_SERVER"));
        if server && value != 0 {
            handles::start_authentication()?;
        }
        Ok(())
    }
}

/// Read an integer socket option by name into `*out` (see zs_set_option
/// for the names and rules). `*out` is written only on success. Returns
/// ZS_OK, or: ZS_ERR_INVALID_ARGUMENT for a NULL `name` or `out`, an
/// empty or unknown name, or a bytes option; ZS_ERR_NOT_SUPPORTED for an
/// option this socket type does not take, a write-only option, SNDTIMEO
/// and RCVTIMEO, and the options this build of libzmq lacks;
/// ZS_ERR_BAD_HANDLE. SNDHWM, RCVHWM and MAXMSGSIZE read what the library
/// holds (the HWMs set last; the exact maximum message size, which libzmq
/// holds at 512 bytes or more).
#[no_mangle]
pub extern "C" fn zs_get_option(s: zs_socket, name: *const c_char, out: *mut i64) -> i32 {
    ffi_boundary! {
        let name = str_arg(name, "name")?;
        let out = out_arg(out, "out")?;
        let v = with_socket(s, |_, st| st.get_option_int(name))?;
        write_out(out, v);
        Ok(())
    }
}

/// Set a binary or string socket option by name to the `len` bytes at
/// `value` (`value` may be NULL when `len` is 0; a string has no NUL in
/// it and needs none at its end). See zs_set_option for the names and
/// rules; a CURVE key is 40 characters of Z85 text or 32 raw bytes.
/// Returns ZS_OK, or: ZS_ERR_INVALID_ARGUMENT for a NULL or empty `name`,
/// an unknown name, an integer option, a NULL `value` with `len > 0`, a
/// string holding a NUL byte, or a value libzmq refuses;
/// ZS_ERR_NOT_SUPPORTED and ZS_ERR_WRONG_STATE as zs_set_option;
/// ZS_ERR_BAD_HANDLE.
#[no_mangle]
pub extern "C" fn zs_set_option_bytes(
    s: zs_socket,
    name: *const c_char,
    value: *const c_void,
    len: usize,
) -> i32 {
    ffi_boundary! {
        let name = str_arg(name, "name")?;
        let value = bytes_arg(value, len, "value")?;
        with_socket(s, |_, st| st.set_option(name, OptValue::Bytes(value)))
    }
}

/// Read a binary or string socket option by name into `buf` by
/// `snprintf`'s rules: at most `cap` bytes are written; a string (and a
/// CURVE key, read as 40 characters of Z85 text) gets a NUL within them
/// when `cap > 0`, binary data none. Returns the value's full length
/// (without the NUL), so a caller can size the buffer and call again;
/// `buf` may be NULL when `cap` is 0, to ask for the length. Errors as
/// zs_get_option, and ZS_ERR_INVALID_ARGUMENT for a NULL `buf` with
/// `cap > 0` or an integer option.
#[no_mangle]
pub extern "C" fn zs_get_option_bytes(
    s: zs_socket,
    name: *const c_char,
    buf: *mut c_void,
    cap: usize,
) -> i32 {
    ffi_boundary! {
        let name = str_arg(name, "name")?;
        let out = bytes_out(buf, cap, "buf")?;
        let (data, text) = with_socket(s, |_, st| st.get_option_bytes(name))?;
        write_snprintf(out, &data, text, "buf")
    }
}
