//! Result codes, the per-thread last error, and the panic boundary.
//!
//! Every exported function runs its body through [`guard`] (or
//! [`guard_bool`]): a panic is caught there, never crosses the C ABI, and
//! becomes `ZS_ERR_INTERNAL` with the panic text as the last error.

use std::cell::{Cell, RefCell};
use std::ffi::{CStr, CString};
use std::fmt;
use std::os::raw::c_char;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

/// Result codes. Functions that can fail return `int32_t`: `>= 0` is
/// success, `< 0` is one of these.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum zs_result {
    /// Success.
    ZS_OK = 0,
    /// NULL where not allowed, port out of range, bad length, HWM < -1,
    /// timeout < -2, linger < -1, string not UTF-8.
    ZS_ERR_INVALID_ARGUMENT = -1,
    /// 0, a handle never issued, or one already destroyed.
    ZS_ERR_BAD_HANDLE = -2,
    /// Type number or name not in `zs_socket_type`.
    ZS_ERR_UNKNOWN_SOCKET_TYPE = -3,
    /// Host id not in the host table and not an IP literal.
    ZS_ERR_UNKNOWN_HOST = -4,
    /// Send or receive did not complete within the timeout.
    ZS_ERR_TIMED_OUT = -5,
    /// Non-blocking call could not complete now.
    ZS_ERR_WOULD_BLOCK = -6,
    /// Unbind from a port this socket is not bound to.
    ZS_ERR_NOT_BOUND = -7,
    /// Disconnect from a host/port this socket is not connected to.
    ZS_ERR_NOT_CONNECTED = -8,
    /// Connect to a host/port (or endpoint) this socket is already connected to.
    ZS_ERR_ALREADY_CONNECTED = -9,
    /// The port is taken (by this socket or anything else).
    ZS_ERR_ADDRESS_IN_USE = -10,
    /// The socket type cannot do this (send on PULL, subscribe on PUSH...).
    ZS_ERR_NOT_SUPPORTED = -11,
    /// The socket's pattern forbids it now (REQ sending twice, routing id
    /// after the first bind or connect...).
    ZS_ERR_WRONG_STATE = -12,
    /// A ROUTER's message names no connected peer.
    ZS_ERR_HOST_UNREACHABLE = -13,
    /// A message to send is above the socket's maximum message size.
    ZS_ERR_MESSAGE_TOO_LARGE = -14,
    /// A file could not be read (host file).
    ZS_ERR_IO = -15,
    /// Any other libzmq error; the last error names it.
    ZS_ERR_ZMQ = -16,
    /// A bug: a caught panic or broken invariant.
    ZS_ERR_INTERNAL = -99,
}

use zs_result::*;

impl zs_result {
    /// The code as the C ABI returns it.
    pub const fn code(self) -> i32 {
        self as i32
    }

    /// Static description of the code.
    pub fn describe(code: i32) -> &'static CStr {
        match code {
            0 => c"success",
            -1 => c"invalid argument",
            -2 => c"bad socket handle (never issued, or already destroyed)",
            -3 => c"unknown socket type",
            -4 => c"unknown host id",
            -5 => c"timed out",
            -6 => c"operation would block",
            -7 => c"socket is not bound to that port",
            -8 => c"socket is not connected to that host and port",
            -9 => c"socket is already connected to that host and port",
            -10 => c"address in use",
            -11 => c"not supported by this socket type",
            -12 => c"not allowed in the socket's current state",
            -13 => c"host unreachable: no connected peer with that routing id",
            -14 => c"message too large",
            -15 => c"I/O error",
            -16 => c"libzmq error",
            -99 => c"internal error (a bug in zmqsocket)",
            _ => c"unknown error code",
        }
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

    /// Prefix the message with the exported function's name.
    fn in_function(self, func: &str) -> ZsError {
        ZsError::new(self.code, format!("{func}: {}", self.msg))
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
    /// Depth of exported calls on this thread; the panic hook stays quiet
    /// inside them.
    static IN_BOUNDARY: Cell<u32> = const { Cell::new(0) };
    /// The message of the last panic caught on this thread.
    static PANIC_TEXT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Record `e` as this thread's last error.
pub fn set_last_error(e: &ZsError) {
    let text = CString::new(e.msg.replace('\0', "\\0")).unwrap_or_default();
    LAST_CODE.with(|c| c.set(e.code as i32));
    LAST_TEXT.with(|t| *t.borrow_mut() = text);
}

/// This thread's last failure code (0 before any failure).
pub fn last_error_code() -> i32 {
    LAST_CODE.with(|c| c.get())
}

/// This thread's last failure text; valid until the thread's next failing
/// call (the `CString` is only replaced by [`set_last_error`]).
pub fn last_error_ptr() -> *const c_char {
    LAST_TEXT.with(|t| t.borrow().as_ptr())
}

/// Install, once, a panic hook that stays silent for panics inside an
/// exported function (the host process may be an interpreter whose stderr
/// we must not write to) and defers to the previous hook elsewhere.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if IN_BOUNDARY.with(|d| d.get()) > 0 {
                let payload = info.payload();
                let text = payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "panic".to_string());
                let text = match info.location() {
                    Some(l) => format!("{text} at {}:{}", l.file(), l.line()),
                    None => text,
                };
                PANIC_TEXT.with(|p| *p.borrow_mut() = Some(text));
            } else {
                previous(info);
            }
        }));
    });
}

/// Run `f` as the body of the exported function `func`: catch panics, and
/// on failure record the last error. Returns the raw result.
#[inline]
pub fn run<T>(func: &str, f: impl FnOnce() -> ZsResult<T>) -> ZsResult<T> {
    install_panic_hook();
    // One thread-local access per call: the body runs inside it.
    let mut f = Some(f);
    let outcome = IN_BOUNDARY
        .try_with(|d| {
            d.set(d.get() + 1);
            let f = f.take().expect("taken once");
            let outcome = panic::catch_unwind(AssertUnwindSafe(f));
            d.set(d.get() - 1);
            outcome
        })
        // The thread is exiting (a call from a thread-local destructor):
        // run unmarked, so a panic would be reported but still caught.
        .unwrap_or_else(|_| {
            let f = f.take().expect("not taken: try_with failed before");
            panic::catch_unwind(AssertUnwindSafe(f))
        });
    let result = match outcome {
        Ok(r) => r,
        Err(_) => {
            let text = PANIC_TEXT
                .with(|p| p.borrow_mut().take())
                .unwrap_or_else(|| "panic".to_string());
            Err(ZsError::new(
                ZS_ERR_INTERNAL,
                format!("internal error (panic): {text}"),
            ))
        }
    };
    result.map_err(|e| record(func, e))
}

/// Record `e` as the last error of exported function `func`, for a call
/// that reports a failure while still returning a success value.
pub fn record(func: &str, e: ZsError) -> ZsError {
    let e = e.in_function(func);
    set_last_error(&e);
    e
}

/// The panic boundary for functions returning `int32_t`: `Ok(n)` is `n`
/// (must be `>= 0`), `Err(e)` is `e`'s code.
#[inline]
pub fn guard(func: &str, f: impl FnOnce() -> ZsResult<i32>) -> i32 {
    match run(func, f) {
        Ok(n) => n,
        Err(e) => e.code as i32,
    }
}

/// The panic boundary for functions returning `bool`: failure is `false`
/// with the reason as the last error.
#[inline]
pub fn guard_bool(func: &str, f: impl FnOnce() -> ZsResult<bool>) -> bool {
    run(func, f).unwrap_or(false)
}

/// The panic boundary for functions returning `int64_t`.
#[inline]
pub fn guard_i64(func: &str, f: impl FnOnce() -> ZsResult<i64>) -> i64 {
    match run(func, f) {
        Ok(n) => n,
        Err(e) => i64::from(e.code as i32),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The panic boundary: a panic becomes ZS_ERR_INTERNAL with the panic
    /// text as the last error, and nothing escapes.
    #[test]
    fn a_panic_is_zs_err_internal() {
        let rc = guard("zs_example", || panic!("boom {}", 42));
        assert_eq!(rc, ZS_ERR_INTERNAL as i32);
        assert_eq!(last_error_code(), ZS_ERR_INTERNAL as i32);
        // SAFETY: last_error_ptr points to this thread's NUL-terminated text.
        let text = unsafe { CStr::from_ptr(last_error_ptr()) }
            .to_str()
            .unwrap();
        assert!(
            text.starts_with("zs_example: internal error (panic): boom 42"),
            "{text}"
        );
        assert!(!guard_bool("zs_example", || panic!("again")));
        assert_eq!(guard_i64("zs_example", || Ok(7)), 7);
    }
}
