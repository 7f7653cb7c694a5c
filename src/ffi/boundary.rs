//! The panic boundary every exported function runs its body in
//! ([`ffi_boundary!`], after rustls-ffi's `ffi_panic_boundary!`): a panic
//! is caught and never crosses the C ABI, and a failure becomes the
//! function's failure value, taken from its return type ([`Failure`]),
//! with the last error naming the function.

use std::cell::RefCell;
use std::os::raw::c_char;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use crate::error::zs_result::*;
use crate::error::{set_last_error, ZsError, ZsResult};

/// Run the rest of the enclosing exported function inside the panic
/// boundary. The function's name comes from the function itself, its
/// failure value from its return type.
macro_rules! ffi_boundary {
    ($($body:tt)*) => {{
        fn here() {}
        $crate::ffi::boundary::run(::std::any::type_name_of_val(&here), || {
            $($body)*
        })
    }};
}
pub(crate) use ffi_boundary;

/// What an exported function returns when its body failed or panicked.
pub(crate) trait Failure {
    fn failure(e: &ZsError) -> Self;
}

impl Failure for i32 {
    fn failure(e: &ZsError) -> i32 {
        e.code.code()
    }
}

impl Failure for i64 {
    fn failure(e: &ZsError) -> i64 {
        i64::from(e.code.code())
    }
}

impl Failure for bool {
    fn failure(_: &ZsError) -> bool {
        false
    }
}

impl Failure for () {
    fn failure(_: &ZsError) {}
}

impl Failure for *const c_char {
    /// Functions returning text never fail; after a caught panic they
    /// return "".
    fn failure(_: &ZsError) -> *const c_char {
        c"".as_ptr()
    }
}

/// A body's success value, as the exported function returns it.
pub(crate) trait Success<T> {
    fn into_return(self, func: &'static str) -> T;
}

macro_rules! success_as_itself {
    ($($t:ty),*) => {$(
        impl Success<$t> for $t {
            #[inline(always)]
            fn into_return(self, _: &'static str) -> $t {
                self
            }
        }
    )*};
}
success_as_itself!(i32, i64, bool, (), *const c_char);

/// A body that returns nothing succeeded: ZS_OK.
impl Success<i32> for () {
    #[inline(always)]
    fn into_return(self, _: &'static str) -> i32 {
        ZS_OK.code()
    }
}

/// A count that stands although the call failed part way (zs_pump): the
/// count is returned and the failure is the last error.
pub(crate) struct Partial(pub i64, pub Option<ZsError>);

impl Success<i64> for Partial {
    fn into_return(self, func: &'static str) -> i64 {
        if let Some(e) = self.1 {
            record(func, e);
        }
        self.0
    }
}

/// "zs_send" from the type name of the function `ffi_boundary!` defines
/// inside it ("zmqsocket::ffi::send::zs_send::here").
fn function_name(here: &'static str) -> &'static str {
    let outer = here.strip_suffix("::here").unwrap_or(here);
    outer.rsplit("::").next().unwrap_or(outer)
}

thread_local! {
    /// The message of the last panic caught on this thread.
    static PANIC_TEXT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Install, once, a panic hook that stays silent for the library's own
/// panics on its callers' threads (the host process may be an interpreter
/// whose stderr must not be written to: the panic becomes ZS_ERR_INTERNAL
/// with its text) and defers to the previous hook for everything else: the
/// library's own threads, and panics elsewhere in a Rust program that
/// links the crate (its tests, the command-line tool).
pub(crate) fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let ours = info.location().is_some_and(|l| in_library(l.file()));
            if ours && !crate::threads::is_own() {
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
                let _ = PANIC_TEXT.try_with(|p| *p.borrow_mut() = Some(text));
            } else {
                previous(info);
            }
        }));
    });
}

/// Whether a panic's location is in the library's sources: under the
/// directory this file's `src/` is, as the compiler spells it (relative
/// in this workspace, absolute for a dependency).
fn in_library(file: &str) -> bool {
    const HERE: &str = file!();
    let src = HERE
        .strip_suffix("ffi/boundary.rs")
        .or_else(|| HERE.strip_suffix("ffi\\boundary.rs"))
        .unwrap_or(HERE);
    file.starts_with(src)
}

/// The body of [`ffi_boundary!`]: run `body`, catch a panic, and map the
/// outcome to the function's return value, recording a failure as the
/// last error of the function `here` names.
#[inline(always)]
pub(crate) fn run<R, T>(here: &'static str, body: impl FnOnce() -> ZsResult<R>) -> T
where
    R: Success<T>,
    T: Failure,
{
    match catch(body) {
        Ok(r) => r.into_return(here),
        Err(e) => {
            let e = record(here, e);
            T::failure(&e)
        }
    }
}

/// Run `body`, turning a panic into ZS_ERR_INTERNAL with its text.
#[inline(always)]
fn catch<R>(body: impl FnOnce() -> ZsResult<R>) -> ZsResult<R> {
    install_panic_hook();
    let outcome = panic::catch_unwind(AssertUnwindSafe(body));
    match outcome {
        Ok(r) => r,
        Err(_) => {
            let text = PANIC_TEXT
                .try_with(|p| p.borrow_mut().take())
                .ok()
                .flatten()
                .unwrap_or_else(|| "panic".to_string());
            Err(ZsError::new(
                ZS_ERR_INTERNAL,
                format!("internal error (panic): {text}"),
            ))
        }
    }
}

/// Record `e` as the last error of the exported function `here` names.
#[cold]
fn record(here: &'static str, e: ZsError) -> ZsError {
    let e = ZsError::new(e.code, format!("{}: {}", function_name(here), e.msg));
    set_last_error(&e);
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{last_error_code, last_error_text};

    fn zs_example_i32() -> i32 {
        ffi_boundary! {
            if !zs_example_bool() {
                panic!("boom {}", 42);
            }
            Ok(())
        }
    }

    fn zs_example_bool() -> bool {
        ffi_boundary! { Err::<bool, _>(crate::error::invalid("no")) }
    }

    fn zs_example_ok() -> i32 {
        ffi_boundary! { Ok(()) }
    }

    fn zs_example_partial() -> i64 {
        ffi_boundary! { Ok(Partial(7, Some(crate::error::invalid("cut short")))) }
    }

    /// A panic becomes ZS_ERR_INTERNAL with the panic text as the last
    /// error, named after the function; nothing escapes.
    #[test]
    fn a_panic_is_zs_err_internal() {
        assert_eq!(zs_example_i32(), ZS_ERR_INTERNAL.code());
        assert_eq!(last_error_code(), ZS_ERR_INTERNAL.code());
        let text = last_error_text();
        assert!(
            text.starts_with("zs_example_i32: internal error (panic): boom 42"),
            "{text}"
        );
    }

    /// The failure value comes from the return type; () is ZS_OK; a
    /// partial result returns its count and records its error.
    #[test]
    fn failure_and_success_values() {
        assert!(!zs_example_bool());
        assert_eq!(last_error_text(), "zs_example_bool: no");
        assert_eq!(last_error_code(), ZS_ERR_INVALID_ARGUMENT.code());
        assert_eq!(zs_example_ok(), ZS_OK.code());
        assert_eq!(zs_example_partial(), 7);
        assert_eq!(last_error_text(), "zs_example_partial: cut short");
    }

    /// Panics in the library's files are its own; a caller's are not.
    #[test]
    fn library_files_are_told_from_others() {
        assert!(in_library(file!()));
        assert!(in_library(
            &file!().replace("ffi/boundary.rs", "ops/retry.rs")
        ));
        assert!(!in_library("tests/signals.rs"));
        assert!(!in_library("cli/src/main.rs"));
        assert!(!in_library("/rustc/abc/library/core/src/option.rs"));
    }

    #[test]
    fn function_names() {
        assert_eq!(
            function_name("zmqsocket::ffi::send::zs_send::here"),
            "zs_send"
        );
        assert_eq!(function_name("zs_x::here"), "zs_x");
        assert_eq!(function_name("odd"), "odd");
    }
}
