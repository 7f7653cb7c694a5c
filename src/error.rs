//! Result codes, the error type every layer returns, and the per-thread
//! last error.

use std::cell::{Cell, RefCell};
use std::ffi::{CStr, CString};
use std::fmt;
use std::os::raw::c_char;

/// Defines `zs_result` and its texts from one table (see below).
macro_rules! result_codes {
    (
        $(#[doc = $edoc:literal])*
        enum zs_result {
            $( $(#[doc = $doc:literal])+ $name:ident = $value:literal => $text:literal, )+
        }
    ) => {
        $(#[doc = $edoc])*
        #[repr(C)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[allow(non_camel_case_types)]
        pub enum zs_result {
            $( $(#[doc = $doc])+ $name = $value, )+
        }

        impl zs_result {
            /// Every code, in the table's order.
            pub const ALL: &'static [zs_result] = &[$(zs_result::$name),+];

            /// Static description of the code.
            pub fn describe(code: i32) -> &'static CStr {
                match code {
                    $( $value => $text, )+
                    _ => c"unknown error code",
                }
            }
        }
    };
}

// The result codes, written once: this table gives the Rust enum, the
// texts of zs_strerror, and (build.rs reads it) the C enum in both headers.
result_codes! {
    /// Result codes. Functions that can fail return `int32_t`: `>= 0` is
    /// success, `< 0` is one of these.
    enum zs_result {
        /// Success.
        ZS_OK = 0 => c"success",
        /// NULL where not allowed, port out of range, bad length, HWM < -1,
        /// timeout < -2, linger < -1, string not UTF-8.
        ZS_ERR_INVALID_ARGUMENT = -1 => c"invalid argument",
        /// 0, a handle never issued, or one already destroyed.
        ZS_ERR_BAD_HANDLE = -2 => c"bad socket handle (never issued, or already destroyed)",
        /// Type number or name not in `zs_socket_type`.
        ZS_ERR_UNKNOWN_SOCKET_TYPE = -3 => c"unknown socket type",
        /// Host id not in the host table and not an IP literal.
        ZS_ERR_UNKNOWN_HOST = -4 => c"unknown host id",
        /// Send or receive did not complete within the timeout.
        ZS_ERR_TIMED_OUT = -5 => c"timed out",
        /// Non-blocking call could not complete now.
        ZS_ERR_WOULD_BLOCK = -6 => c"operation would block",
        /// Unbind from a port this socket is not bound to.
        ZS_ERR_NOT_BOUND = -7 => c"socket is not bound to that port",
        /// Disconnect from a host/port this socket is not connected to.
        ZS_ERR_NOT_CONNECTED = -8 => c"socket is not connected to that host and port",
        /// Connect to a host/port (or endpoint) this socket is already connected to.
        ZS_ERR_ALREADY_CONNECTED = -9 => c"socket is already connected to that host and port",
        /// The port is taken (by this socket or anything else).
        ZS_ERR_ADDRESS_IN_USE = -10 => c"address in use",
        /// The socket type cannot do this (send on PULL, subscribe on PUSH...).
        ZS_ERR_NOT_SUPPORTED = -11 => c"not supported by this socket type",
        /// The socket's pattern forbids it now (REQ sending twice, routing id
        /// after the first bind or connect...).
        ZS_ERR_WRONG_STATE = -12 => c"not allowed in the socket's current state",
        /// A ROUTER's message names no connected peer.
        ZS_ERR_HOST_UNREACHABLE = -13 => c"host unreachable: no connected peer with that routing id",
        /// A message to send is above the socket's maximum message size.
        ZS_ERR_MESSAGE_TOO_LARGE = -14 => c"message too large",
        /// A file could not be read (host file).
        ZS_ERR_IO = -15 => c"I/O error",
        /// Any other libzmq error; the last error names it.
        ZS_ERR_ZMQ = -16 => c"libzmq error",
        /// A signal arrived while the call was waiting (libzmq's EINTR):
        /// nothing was sent or received; call again to go on waiting.
        ZS_ERR_INTERRUPTED = -17 => c"interrupted by a signal",
        /// A bug: a caught panic or broken invariant.
        ZS_ERR_INTERNAL = -99 => c"internal error (a bug in zmqsocket)",
    }
}

use zs_result::*;

impl zs_result {
    /// The code as the C ABI returns it.
    pub const fn code(self) -> i32 {
        self as i32
    }
}

/// An error on its way to the C caller: a code and a message that names
/// the function and the offending argument. Boxed, so that a `ZsResult`
/// is two words and the success path passes it in registers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZsError(Box<ErrorInner>);

/// What a [`ZsError`] holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorInner {
    pub code: zs_result,
    pub msg: String,
}

impl std::ops::Deref for ZsError {
    type Target = ErrorInner;
    fn deref(&self) -> &ErrorInner {
        &self.0
    }
}

impl ZsError {
    #[cold]
    pub fn new(code: zs_result, msg: impl Into<String>) -> ZsError {
        ZsError(Box::new(ErrorInner {
            code,
            msg: msg.into(),
        }))
    }
}

impl fmt::Display for ZsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.msg, self.code as i32)
    }
}

pub type ZsResult<T> = Result<T, ZsError>;

/// Shorthand for an invalid-argument error.
pub fn invalid(msg: impl Into<String>) -> ZsError {
    ZsError::new(ZS_ERR_INVALID_ARGUMENT, msg)
}

/// Map a libzmq error to a result code, `what` naming the endpoint or
/// argument involved. `EAGAIN` maps to `again` (timed out or would block,
/// depending on the call).
pub fn from_zmq(e: zmq::Error, what: &str, again: zs_result) -> ZsError {
    let code = match e {
        zmq::Error::EAGAIN => again,
        zmq::Error::EADDRINUSE => ZS_ERR_ADDRESS_IN_USE,
        zmq::Error::ENOTSUP => ZS_ERR_NOT_SUPPORTED,
        zmq::Error::EFSM => ZS_ERR_WRONG_STATE,
        zmq::Error::EHOSTUNREACH => ZS_ERR_HOST_UNREACHABLE,
        zmq::Error::ENOTSOCK | zmq::Error::ETERM => ZS_ERR_BAD_HANDLE,
        zmq::Error::EINTR => ZS_ERR_INTERRUPTED,
        // A malformed endpoint or address, or a transport libzmq lacks.
        zmq::Error::EINVAL | zmq::Error::EPROTONOSUPPORT | zmq::Error::ENOCOMPATPROTO => {
            ZS_ERR_INVALID_ARGUMENT
        }
        _ => ZS_ERR_ZMQ,
    };
    let reason = if e == zmq::Error::EAGAIN {
        match again {
            ZS_ERR_TIMED_OUT => "Timed out",
            _ => "Resource temporarily unavailable",
        }
    } else {
        e.message()
    };
    ZsError::new(code, format!("{what}: {reason}"))
}

thread_local! {
    static LAST_CODE: Cell<i32> = const { Cell::new(0) };
    static LAST_TEXT: RefCell<CString> = RefCell::new(CString::default());
}

/// Record `e` as this thread's last error (nothing, on a thread that is
/// ending and has lost its storage).
pub fn set_last_error(e: &ZsError) {
    let text = CString::new(e.msg.replace('\0', "\\0")).unwrap_or_default();
    let _ = LAST_CODE.try_with(|c| c.set(e.code as i32));
    let _ = LAST_TEXT.try_with(|t| {
        if let Ok(mut t) = t.try_borrow_mut() {
            *t = text;
        }
    });
}

/// This thread's last failure code (0 before any failure).
pub fn last_error_code() -> i32 {
    LAST_CODE.try_with(|c| c.get()).unwrap_or(0)
}

/// This thread's last failure text; valid until the thread's next failing
/// call (the `CString` is only replaced by [`set_last_error`]).
pub fn last_error_ptr() -> *const c_char {
    LAST_TEXT
        .try_with(|t| t.try_borrow().map(|t| t.as_ptr()).unwrap_or(c"".as_ptr()))
        .unwrap_or(c"".as_ptr())
}

/// This thread's last failure text, as a String (for tests).
#[cfg(test)]
pub fn last_error_text() -> String {
    LAST_TEXT
        .try_with(|t| t.borrow().to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code of the table has its own text; anything else is
    /// "unknown error code".
    #[test]
    fn every_code_has_its_own_text() {
        let texts: std::collections::HashSet<&CStr> = zs_result::ALL
            .iter()
            .map(|c| zs_result::describe(c.code()))
            .collect();
        assert_eq!(texts.len(), zs_result::ALL.len());
        assert!(!texts.contains(c"unknown error code"));
        assert_eq!(zs_result::describe(-18), c"unknown error code");
        assert_eq!(zs_result::describe(1), c"unknown error code");
        assert_eq!(zs_result::ALL.len(), 19);
    }
}
