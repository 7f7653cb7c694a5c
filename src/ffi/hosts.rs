//! The host table (SPEC section 6).

use std::os::raw::c_char;

use super::args::{self, str_arg};
use super::boundary::ffi_boundary;
use crate::hosts;

/// Add or replace a host in the process-wide host table. `host_id` is a
/// non-empty UTF-8 string without whitespace ("web1", "zmq_target");
/// `address` is a non-empty IP literal or DNS name without whitespace
/// (resolved by libzmq at connect time; brackets around an IPv6 literal are
/// optional). "localhost" starts as 127.0.0.1 and can be replaced.
/// Returns ZS_OK or ZS_ERR_INVALID_ARGUMENT.
#[no_mangle]
pub extern "C" fn zs_host_set(host_id: *const c_char, address: *const c_char) -> i32 {
    ffi_boundary! {
        let id = str_arg(host_id, "host_id")?;
        let addr = str_arg(address, "address")?;
        super::prime();
        hosts::set(id, addr)
    }
}

/// Remove a host from the host table. Returns ZS_OK, or
/// ZS_ERR_UNKNOWN_HOST if it is not there.
#[no_mangle]
pub extern "C" fn zs_host_remove(host_id: *const c_char) -> i32 {
    ffi_boundary! {
        let id = str_arg(host_id, "host_id")?;
        super::prime();
        hosts::remove(id)
    }
}

/// Load a host file into the host table: one `host_id address` per line,
/// blank lines and `#` comments ignored; later lines replace earlier ones.
/// All or nothing: a malformed line loads nothing, returns
/// ZS_ERR_INVALID_ARGUMENT and the last error names `path:line`. A file
/// that cannot be read is ZS_ERR_IO. Returns the number of entries loaded.
///
/// If the environment variable ZMQSOCKET_HOSTS names a file, it is loaded
/// the first time the host table is used (by any host function or
/// connect); if that load fails, that call fails with its error and does
/// nothing else, and the file is not tried again.
#[no_mangle]
pub extern "C" fn zs_hosts_load(path: *const c_char) -> i32 {
    ffi_boundary! {
        super::prime();
        hosts::load(str_arg(path, "path")?)
    }
}

/// Write the address that `host_id` resolves to (the host table first,
/// then the id itself if it is an IPv4 or IPv6 literal) into `buf`, by
/// snprintf's rules: at most `cap` bytes, NUL-terminated when `cap > 0`;
/// returns the full length (without the NUL), so a caller can size the
/// buffer and call again. `buf` may be NULL when `cap` is 0.
/// ZS_ERR_UNKNOWN_HOST if the id resolves to nothing.
#[no_mangle]
pub extern "C" fn zs_host_address(host_id: *const c_char, buf: *mut c_char, cap: usize) -> i32 {
    ffi_boundary! {
        let id = str_arg(host_id, "host_id")?;
        super::prime();
        args::write_string(buf, cap, &hosts::address(id)?, "buf")
    }
}
