//! The result codes, and the helpers that check a call's result against
//! the errno rule and read or check a received message.

use std::ffi::{CStr, CString};
use std::os::raw::c_void;
use std::ptr;

use zmqsocket::*;

pub(super) const OK: i32 = zs_result::ZS_OK as i32;
pub(super) const BAD_HANDLE: i32 = zs_result::ZS_ERR_BAD_HANDLE as i32;
pub(super) const UNKNOWN_HOST: i32 = zs_result::ZS_ERR_UNKNOWN_HOST as i32;
pub(super) const TIMED_OUT: i32 = zs_result::ZS_ERR_TIMED_OUT as i32;
pub(super) const WOULD_BLOCK: i32 = zs_result::ZS_ERR_WOULD_BLOCK as i32;
pub(super) const NOT_BOUND: i32 = zs_result::ZS_ERR_NOT_BOUND as i32;
pub(super) const NOT_CONNECTED: i32 = zs_result::ZS_ERR_NOT_CONNECTED as i32;
pub(super) const ALREADY_CONNECTED: i32 = zs_result::ZS_ERR_ALREADY_CONNECTED as i32;
pub(super) const ADDRESS_IN_USE: i32 = zs_result::ZS_ERR_ADDRESS_IN_USE as i32;
pub(super) const NOT_SUPPORTED: i32 = zs_result::ZS_ERR_NOT_SUPPORTED as i32;
pub(super) const WRONG_STATE: i32 = zs_result::ZS_ERR_WRONG_STATE as i32;
pub(super) const HWM: i32 = zs_hwm::ZS_HWM_DEFAULT as i32;

pub(super) type Check<T = ()> = Result<T, String>;

pub(super) fn last_error() -> (i32, String) {
    let p = zs_last_error();
    let text = if p.is_null() {
        "<NULL>".to_string()
    } else {
        // SAFETY: zs_last_error returns a NUL-terminated string valid until
        // this thread's next failing call; it is copied at once.
        unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
    };
    (zs_last_error_code(), text)
}

fn code_name(code: i32) -> String {
    // SAFETY: zs_strerror returns static NUL-terminated text.
    let t = unsafe { CStr::from_ptr(zs_strerror(code)) }.to_string_lossy();
    format!("{code} ({t})")
}

fn names(codes: &[i32]) -> String {
    codes
        .iter()
        .map(|&c| code_name(c))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// `rc` must be one of `allowed` (OK stands for any success value), and
/// the thread's last error must follow the errno rule: set to `rc` on
/// failure, unchanged (`before`) on success.
pub(super) fn expect(rc: i32, allowed: &[i32], before: i32) -> Check<i32> {
    let (code, text) = last_error();
    let norm = rc.min(0);
    if !allowed.contains(&norm) {
        return Err(format!(
            "returned {}, model allows {} (last error: {text:?})",
            code_name(rc),
            names(allowed)
        ));
    }
    if rc < 0 && code != rc {
        return Err(format!(
            "returned {} but zs_last_error_code is {code} ({text:?})",
            code_name(rc)
        ));
    }
    if rc >= 0 && code != before {
        return Err(format!(
            "succeeded but changed the last error code from {before} to {code} ({text:?})"
        ));
    }
    Ok(rc)
}

/// As [`expect`] for a function returning bool: the code is OK or the last
/// error code.
pub(super) fn bool_code(ok: bool) -> i32 {
    if ok {
        OK
    } else {
        zs_last_error_code()
    }
}

pub(super) fn cstring(s: &str) -> CString {
    CString::new(s).expect("no NUL")
}

pub(super) fn empty_message() -> zs_message {
    // Garbage the library must overwrite, never read.
    zs_message {
        frames: ptr::NonNull::dangling().as_ptr(),
        count: 7,
        owner: ptr::NonNull::<u8>::dangling().as_ptr() as *mut c_void,
    }
}

/// The frames of a received message, then free it.
pub(super) fn take_frames(m: &mut zs_message) -> Check<Vec<Vec<u8>>> {
    if m.count == 0 || m.frames.is_null() || m.owner.is_null() {
        return Err(format!(
            "a successful receive gave count {} frames {:?} owner {:?}",
            m.count, m.frames, m.owner
        ));
    }
    // SAFETY: a message filled by zs_recv* holds `count` frames at
    // `frames`, each `len` bytes at `data`, valid until zs_message_free.
    let frames = unsafe { std::slice::from_raw_parts(m.frames, m.count) }
        .iter()
        .map(|f| {
            if f.len == 0 {
                Vec::new()
            } else {
                // SAFETY: as above.
                unsafe { std::slice::from_raw_parts(f.data as *const u8, f.len) }.to_vec()
            }
        })
        .collect();
    zs_message_free(m);
    if !(m.frames.is_null() && m.count == 0 && m.owner.is_null()) {
        return Err("zs_message_free did not zero the message".into());
    }
    Ok(frames)
}

pub(super) fn check_zeroed(m: &zs_message, rc: i32) -> Check {
    if m.frames.is_null() && m.count == 0 && m.owner.is_null() {
        Ok(())
    } else {
        Err(format!(
            "a failed receive ({}) left *out as count {} frames {:?} owner {:?}, not {{NULL, 0, NULL}}",
            code_name(rc),
            m.count,
            m.frames,
            m.owner
        ))
    }
}
