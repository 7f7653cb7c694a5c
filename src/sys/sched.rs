//! The calling thread's scheduling policy, for the bulk loops, and the
//! monotonic clock.

/// While alive, the calling thread runs under SCHED_BATCH instead of
/// SCHED_OTHER (Linux; sched(7)); dropping it restores SCHED_OTHER if the
/// thread is still under SCHED_BATCH (a policy someone else set meanwhile
/// is kept).
///
/// zs_pump and zs_drain hold one with ZS_SCHED_BATCH: a batch thread woken
/// by libzmq's I/O thread (a message arrived, or room in the queue) does
/// not preempt it on their core, so the I/O thread reads or writes more
/// before the loop takes its turn, and each wake-up moves more messages.
/// A thread under any other policy (FIFO, RR, IDLE, DEADLINE, or with
/// SCHED_RESET_ON_FORK) is left alone, and so is one whose change the
/// kernel refuses (a seccomp filter, gVisor): the call then runs as it is.
/// It is not Send: it must be dropped on the thread it changed.
pub(crate) struct BatchScheduling {
    changed: bool,
    _not_send: std::marker::PhantomData<*const ()>,
}

impl BatchScheduling {
    pub(crate) fn enter() -> BatchScheduling {
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: pid 0 is the calling thread; param is a valid sched_param
        // on the stack. OTHER <-> BATCH needs no privilege and keeps the
        // thread's nice value.
        let changed = unsafe {
            libc::sched_getscheduler(0) == libc::SCHED_OTHER
                && libc::sched_setscheduler(0, libc::SCHED_BATCH, &param) == 0
        };
        BatchScheduling {
            changed,
            _not_send: std::marker::PhantomData,
        }
    }
}

impl Drop for BatchScheduling {
    fn drop(&mut self) {
        if self.changed {
            let param = libc::sched_param { sched_priority: 0 };
            // SAFETY: as in enter(), on the same thread (the guard is not
            // Send). A refused restore (it needs no privilege, so only a
            // filter refuses it) leaves the thread as it is.
            unsafe {
                if libc::sched_getscheduler(0) == libc::SCHED_BATCH {
                    libc::sched_setscheduler(0, libc::SCHED_OTHER, &param);
                }
            }
        }
    }
}

/// CLOCK_MONOTONIC now, in microseconds (the clock C callers read with
/// clock_gettime, which std's Instant does not expose).
pub(crate) fn monotonic_us() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: ts is a valid, writable timespec; CLOCK_MONOTONIC always
    // exists on Linux.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    (ts.tv_sec as u64) * 1_000_000 + (ts.tv_nsec as u64) / 1_000
}

/// Block every signal on the calling thread, as libzmq does on its own
/// threads: a signal meant for the process then goes to one of the
/// caller's threads, whose waits end (ZS_ERR_INTERRUPTED) and whose
/// handlers run, never to a thread of the library's. Fails only with an
/// invalid argument (never, here): then the mask is as it was.
pub(crate) fn block_signals() {
    // SAFETY: the set is initialised by sigfillset before use; a NULL old
    // set is allowed; pthread_sigmask changes only this thread's mask.
    unsafe {
        let mut all: libc::sigset_t = std::mem::zeroed();
        libc::sigfillset(&mut all);
        libc::pthread_sigmask(libc::SIG_BLOCK, &all, std::ptr::null_mut());
    }
}

/// Whether `signal` is blocked on the calling thread (for tests).
#[cfg(test)]
pub(crate) fn signal_blocked(signal: i32) -> bool {
    // SAFETY: a NULL new set only reads the mask into `now`, initialised
    // by sigemptyset first.
    unsafe {
        let mut now: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut now);
        libc::pthread_sigmask(libc::SIG_BLOCK, std::ptr::null(), &mut now);
        libc::sigismember(&now, signal) == 1
    }
}
