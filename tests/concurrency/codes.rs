//! Result-code bookkeeping: the codes a call may return, how bool and
//! pump results become codes, the count of each result, and the checks
//! that a result is allowed and that a failure set the last error.

use std::sync::atomic::{AtomicU64, Ordering::SeqCst};

use zmqsocket::*;

use crate::common::*;
use crate::kills::{born_of, handle_of, Born, DA_FINISHED, DA_STARTED};
use crate::shared::SHARED_SLOTS;
use crate::Worker;

/// A bool function returned false without setting an error.
pub(crate) const FALSE: i32 = -1000;
/// Any value >= 0 is allowed.
pub(crate) const NONNEG: i32 = i32::MAX;

/// Checked calls by result: [0] success, [1..=16] -code, [17] INTERNAL,
/// [18] false without error, [19] anything else.
pub(crate) static CODE_COUNT: [AtomicU64; 20] = [const { AtomicU64::new(0) }; 20];

/// Make the thread's last error a known, unrelated one, so that a bool
/// function's false can be told apart (errno's rule leaves it unchanged
/// on success).
pub(crate) fn prime() {
    assert_eq!(
        zs_socket_type_from_name(c"no-such-type".as_ptr()),
        UNKNOWN_TYPE
    );
}

/// A bool result as a code: OK for true, FALSE for a false that set no
/// error, else the error code. Call `prime()` before the call.
pub(crate) fn bool_rc(ok: bool) -> i32 {
    if ok {
        return OK;
    }
    match zs_last_error_code() {
        UNKNOWN_TYPE => FALSE,
        c => c,
    }
}

/// `zs_pump` of `repeat` messages as a code: OK when all were sent.
pub(crate) fn pump_rc(sent: i64, repeat: i64) -> i32 {
    if sent == repeat {
        OK
    } else if sent < 0 {
        i32::try_from(sent).unwrap_or(i32::MIN)
    } else {
        // Partial: last error says why (checked by the caller).
        zs_last_error_code()
    }
}

pub(crate) fn code_slot(rc: i32) -> usize {
    match rc {
        FALSE => 18,
        r if r >= 0 => 0,
        -16..=-1 => (-rc) as usize,
        -99 => 17,
        _ => 19,
    }
}

pub(crate) fn code_name(i: usize) -> String {
    match i {
        0 => "success".into(),
        1..=17 => {
            let code = if i == 17 { -99 } else { -(i as i32) };
            // SAFETY: zs_strerror returns static NUL-terminated text.
            let t = unsafe { std::ffi::CStr::from_ptr(zs_strerror(code)) };
            format!("{code} {}", t.to_string_lossy())
        }
        18 => "false (no error)".into(),
        _ => "other".into(),
    }
}

impl Worker {
    /// `rc` must be in `allowed`; a failure must be this thread's last
    /// error, with a text that names `func`.
    #[track_caller]
    pub(crate) fn check(&self, func: &str, rc: i32, allowed: &[i32]) {
        CODE_COUNT[code_slot(rc)].fetch_add(1, SeqCst);
        let ok = allowed.contains(&rc) || (rc >= 0 && allowed.contains(&NONNEG));
        let text = last_error();
        if !ok {
            self.fail(format!(
                "{func} returned {rc}, allowed {allowed:?}; last error {} {text:?}",
                zs_last_error_code()
            ));
        }
        if rc < 0 && rc != FALSE {
            let code = zs_last_error_code();
            if code != rc || text.is_empty() || !text.contains(func) {
                self.fail(format!(
                    "{func} failed with {rc} but the last error is {code} {text:?}"
                ));
            }
        }
    }

    /// A call on a private handle made with `born`: BAD_HANDLE only if a
    /// `zs_destroy_all` may have destroyed it, and nothing else once one
    /// that began after it was made has finished.
    #[track_caller]
    pub(crate) fn pcall(
        &self,
        born: Born,
        func: &str,
        allowed: &[i32],
        f: impl FnOnce() -> i32,
    ) -> i32 {
        let f_before = DA_FINISHED.load(SeqCst);
        let rc = f();
        let s_after = DA_STARTED.load(SeqCst);
        if f_before > born.s2 {
            if rc != BAD_HANDLE {
                self.fail(format!(
                    "{func} returned {rc} on a private handle that a finished \
                     zs_destroy_all had destroyed (expected BAD_HANDLE)"
                ));
            }
            self.check(func, rc, &[BAD_HANDLE]);
        } else if rc == BAD_HANDLE {
            if s_after <= born.f {
                self.fail(format!(
                    "{func} returned BAD_HANDLE on a live private handle \
                     (no zs_destroy_all since it was made); last error {:?}",
                    last_error()
                ));
            }
            self.check(func, rc, &[BAD_HANDLE]);
        } else {
            self.check(func, rc, allowed);
        }
        rc
    }

    /// A call on the shared handle `packed` read from slot `idx`:
    /// BAD_HANDLE only if it left its slot (another thread destroyed it)
    /// or a `zs_destroy_all` may have hit it.
    #[track_caller]
    pub(crate) fn scall(
        &self,
        idx: usize,
        packed: u64,
        func: &str,
        allowed: &[i32],
        f: impl FnOnce(u64) -> i32,
    ) -> i32 {
        let rc = f(handle_of(packed));
        if rc == BAD_HANDLE {
            let still = SHARED_SLOTS[idx].load(SeqCst) == packed;
            if still && DA_STARTED.load(SeqCst) <= born_of(packed) {
                self.fail(format!(
                    "{func} returned BAD_HANDLE on shared handle {} still in \
                     slot {idx}, with no zs_destroy_all since it was made; last error {:?}",
                    handle_of(packed),
                    last_error()
                ));
            }
            self.check(func, rc, &[BAD_HANDLE]);
        } else {
            self.check(func, rc, allowed);
        }
        rc
    }
}
