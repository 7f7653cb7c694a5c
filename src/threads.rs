//! The threads the library starts itself (the ZAP handler, proxies):
//! started here, named "zmqsocket-<role>", marked, so that the panic hook
//! can tell them from the callers' threads, and with every signal blocked
//! (signals are for the callers' threads, as with libzmq's own).

use std::cell::Cell;
use std::io;
use std::thread::JoinHandle;

thread_local! {
    /// Set on the library's own threads, first thing.
    static OWN: Cell<bool> = const { Cell::new(false) };
}

/// Start one of the library's own threads, doing `role`.
pub fn spawn<T, F>(role: &str, f: F) -> io::Result<JoinHandle<T>>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    std::thread::Builder::new()
        .name(format!("zmqsocket-{role}"))
        .spawn(move || {
            crate::sys::block_signals();
            let _ = OWN.try_with(|o| o.set(true));
            f()
        })
}

/// Whether this thread is one the library started. Never panics (the
/// panic hook asks), even while the thread's locals are being destroyed.
pub fn is_own() -> bool {
    OWN.try_with(Cell::get).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_threads_are_told_from_others() {
        assert!(!is_own(), "a test thread is not the library's");
        assert!(spawn("test", is_own).unwrap().join().unwrap());
        let named_alike = std::thread::Builder::new().name("zmqsocket-test".into());
        assert!(
            !named_alike.spawn(is_own).unwrap().join().unwrap(),
            "a name is not enough"
        );
    }

    #[test]
    fn own_threads_block_signals() {
        use crate::sys::signal_blocked;
        let blocked = spawn("test", || {
            [libc::SIGINT, libc::SIGTERM, libc::SIGALRM].map(signal_blocked)
        });
        assert_eq!(blocked.unwrap().join().unwrap(), [true; 3]);
    }
}
