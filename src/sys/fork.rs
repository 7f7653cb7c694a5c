//! pthread_atfork(3).

/// Register `prepare`, `parent` and `child` with pthread_atfork(3); false
/// if libc refused (out of memory).
pub(crate) fn at_fork(
    prepare: extern "C" fn(),
    parent: extern "C" fn(),
    child: extern "C" fn(),
) -> bool {
    // SAFETY: the three are plain functions of this library that never
    // unwind (the fork module's handlers); pthread_atfork only records them.
    unsafe { libc::pthread_atfork(Some(prepare), Some(parent), Some(child)) == 0 }
}
