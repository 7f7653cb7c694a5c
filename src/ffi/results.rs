//! Results (SPEC section 3): what a code means, and the calling thread's
//! last error.

use std::os::raw::c_char;

use super::boundary::ffi_boundary;
use crate::error::{self, zs_result};

/// Static English text for a result code; never NULL. Unknown codes give
/// "unknown error code".
#[no_mangle]
pub extern "C" fn zs_strerror(code: i32) -> *const c_char {
    ffi_boundary! { Ok(zs_result::describe(code).as_ptr()) }
}

/// The code of the calling thread's last failing call; 0 before any
/// failure. A successful call leaves it unchanged (errno's rule).
#[no_mangle]
pub extern "C" fn zs_last_error_code() -> i32 {
    ffi_boundary! { Ok(error::last_error_code()) }
}

/// The text of the calling thread's last failing call, naming the
/// function, the argument or endpoint, and libzmq's reason (e.g.
/// "zs_bind_endpoint: tcp://127.0.0.1:5000: Address already in use"); "" before any
/// failure. Never NULL. Valid until the thread's next failing call.
#[no_mangle]
pub extern "C" fn zs_last_error() -> *const c_char {
    ffi_boundary! { Ok(error::last_error_ptr()) }
}
