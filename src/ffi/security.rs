//! Security (SPEC section 19): CURVE keys, Z85, mechanisms, and the
//! process-wide authentication rules.

use std::os::raw::{c_char, c_void};

use super::args::{self, str_arg};
use super::boundary::ffi_boundary;
use crate::auth;
use crate::error::invalid;
use crate::handles::{self, with_socket};
use crate::socket::Mechanism;
use crate::sys::curve;
use crate::types::zs_socket;

/// Make a new CURVE keypair: writes 40 characters of Z85 and a NUL (41
/// bytes) to each of `public_z85` and `secret_z85`. Returns ZS_OK.
#[no_mangle]
pub extern "C" fn zs_curve_keypair(public_z85: *mut c_char, secret_z85: *mut c_char) -> i32 {
    ffi_boundary! {
        let public_out = args::out_arg(public_z85, "public_z85")?;
        let secret_out = args::out_arg(secret_z85, "secret_z85")?;
        let (public, secret) = curve::keypair()
            .map_err(|e| crate::error::from_zmq(e, "zmq_curve_keypair", crate::error::zs_result::ZS_ERR_ZMQ))?;
        args::write_key(public_out, &public);
        args::write_key(secret_out, &secret);
        Ok(())
    }
}

/// Write the public key of the CURVE secret key `secret_z85` (40
/// characters of Z85) to `public_z85` (41 bytes, NUL-terminated). A
/// malformed key is ZS_ERR_INVALID_ARGUMENT.
#[no_mangle]
pub extern "C" fn zs_curve_public(secret_z85: *const c_char, public_z85: *mut c_char) -> i32 {
    ffi_boundary! {
        let secret = str_arg(secret_z85, "secret_z85")?;
        let out = args::out_arg(public_z85, "public_z85")?;
        auth::check_key(secret, "secret_z85")?;
        let public = curve::public_of(secret)
            .ok_or_else(|| invalid(format!("secret_z85: '{secret}' is not a CURVE secret key")))?;
        args::write_key(out, &public);
        Ok(())
    }
}

/// Encode `len` bytes (a multiple of 4) as Z85 text into `buf` (snprintf
/// rules: at most `cap` bytes with the NUL; `buf` may be NULL when `cap`
/// is 0). Returns the text's full length, `len / 4 * 5`.
#[no_mangle]
pub extern "C" fn zs_z85_encode(
    data: *const c_void,
    len: usize,
    buf: *mut c_char,
    cap: usize,
) -> i32 {
    ffi_boundary! {
        let data = args::bytes_arg(data, len, "data")?;
        let text = curve::encode(data)
            .ok_or_else(|| invalid(format!("len {len} is not a multiple of 4")))?;
        args::write_string(buf, cap, &text, "buf")
    }
}

/// Decode Z85 `text` (its length a multiple of 5) into `buf`, writing at
/// most `cap` bytes (`buf` may be NULL when `cap` is 0). Returns how many
/// bytes it decodes to, `strlen(text) / 5 * 4`. Text that is not Z85 is
/// ZS_ERR_INVALID_ARGUMENT, and nothing is written.
#[no_mangle]
pub extern "C" fn zs_z85_decode(text: *const c_char, buf: *mut c_void, cap: usize) -> i32 {
    ffi_boundary! {
        let t = str_arg(text, "text")?;
        let bytes = curve::decode(t).ok_or_else(|| {
            invalid(format!("text: '{t}' is not Z85 (a multiple of 5 characters of its alphabet)"))
        })?;
        let out = args::bytes_out(buf, cap, "buf")?;
        let n = bytes.len().min(out.len());
        out[..n].copy_from_slice(&bytes[..n]);
        Ok(super::count_i32(bytes.len()))
    }
}

/// Make the socket a CURVE server with secret key `secret_z85`: its peers
/// must be CURVE clients that know the matching public key, and get in as
/// zs_auth_curve_allow says. Before the socket's first bind or connect
/// only (ZS_ERR_WRONG_STATE after it); a malformed key is
/// ZS_ERR_INVALID_ARGUMENT.
#[no_mangle]
pub extern "C" fn zs_set_curve_server(s: zs_socket, secret_z85: *const c_char) -> i32 {
    ffi_boundary! {
        let secret = auth::check_key(str_arg(secret_z85, "secret_z85")?, "secret_z85")?;
        with_socket(s, |_, st| st.set_mechanism(Mechanism::CurveServer { secret }))?;
        handles::start_authentication()
    }
}

/// Make the socket a CURVE client of the server whose public key is
/// `server_public_z85`, with its own keypair. A server with another key
/// never completes the handshake: nothing is delivered either way. Before
/// the socket's first bind or connect only (ZS_ERR_WRONG_STATE after it);
/// a malformed key is ZS_ERR_INVALID_ARGUMENT.
#[no_mangle]
pub extern "C" fn zs_set_curve_client(
    s: zs_socket,
    server_public_z85: *const c_char,
    public_z85: *const c_char,
    secret_z85: *const c_char,
) -> i32 {
    ffi_boundary! {
        let server = auth::check_key(str_arg(server_public_z85, "server_public_z85")?, "server_public_z85")?;
        let public = auth::check_key(str_arg(public_z85, "public_z85")?, "public_z85")?;
        let secret = auth::check_key(str_arg(secret_z85, "secret_z85")?, "secret_z85")?;
        with_socket(s, |_, st| st.set_mechanism(Mechanism::CurveClient { server, public, secret }))
    }
}

/// Make the socket a PLAIN server: its peers must be PLAIN clients, and
/// get in as zs_auth_plain_user says. Before the socket's first bind or
/// connect only (ZS_ERR_WRONG_STATE after it).
#[no_mangle]
pub extern "C" fn zs_set_plain_server(s: zs_socket) -> i32 {
    ffi_boundary! {
        with_socket(s, |_, st| st.set_mechanism(Mechanism::PlainServer))?;
        handles::start_authentication()
    }
}

/// Make the socket a PLAIN client with this user name (1..255 bytes) and
/// password (0..255 bytes), sent in clear text. Before the socket's first
/// bind or connect only (ZS_ERR_WRONG_STATE after it).
#[no_mangle]
pub extern "C" fn zs_set_plain_client(
    s: zs_socket,
    username: *const c_char,
    password: *const c_char,
) -> i32 {
    ffi_boundary! {
        let user = str_arg(username, "username")?;
        let password = str_arg(password, "password")?;
        auth::check_plain(user, password)?;
        with_socket(s, |_, st| {
            st.set_mechanism(Mechanism::PlainClient {
                user: user.to_string(),
                password: password.to_string(),
            })
        })
    }
}

/// From now on only peers from `address` (an IPv4 or IPv6 address, or a
/// CIDR range such as "10.0.0.0/8") and other allowed addresses get in,
/// on every socket of the process, for connections made from now on. An
/// IPv4 peer of a dual-stack bind matches IPv4 rules.
#[no_mangle]
pub extern "C" fn zs_auth_allow(address: *const c_char) -> i32 {
    ffi_boundary! {
        auth::allow(str_arg(address, "address")?)?;
        handles::start_authentication()
    }
}

/// Refuse peers from `address` (an address or CIDR range), unless some
/// address is allowed: then only the allowed ones count. A refused peer
/// never delivers a message and never counts in zs_peer_count; its
/// socket's event log has ZS_EVENT_HANDSHAKE_FAILED_AUTH (value 400).
#[no_mangle]
pub extern "C" fn zs_auth_deny(address: *const c_char) -> i32 {
    ffi_boundary! {
        auth::deny(str_arg(address, "address")?)?;
        handles::start_authentication()
    }
}

/// Admit CURVE clients with this public key ("*": any valid key) to the
/// process's CURVE servers. Until the first key is allowed, a CURVE
/// server admits any client that completes the handshake, as libzmq
/// does; from then on, only allowed keys. A client's User-Id property
/// is its Z85 public key.
#[no_mangle]
pub extern "C" fn zs_auth_curve_allow(client_public_z85: *const c_char) -> i32 {
    ffi_boundary! {
        auth::curve_allow(str_arg(client_public_z85, "client_public_z85")?)?;
        handles::start_authentication()
    }
}

/// Add (or replace) a user of the process's PLAIN servers. Until the first
/// user is added, a PLAIN server admits any user name and password, as
/// libzmq does; from then on, only users with their password. A client's
/// User-Id property is its user name.
#[no_mangle]
pub extern "C" fn zs_auth_plain_user(username: *const c_char, password: *const c_char) -> i32 {
    ffi_boundary! {
        let user = str_arg(username, "username")?;
        let password = str_arg(password, "password")?;
        auth::plain_user(user, password)?;
        handles::start_authentication()
    }
}

/// Forget every authentication rule: everyone gets in again (for new
/// connections). Returns ZS_OK.
#[no_mangle]
pub extern "C" fn zs_auth_reset() -> i32 {
    ffi_boundary! {
        auth::reset();
        Ok(())
    }
}
