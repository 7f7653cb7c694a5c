//! The threads the library starts itself (the ZAP handler, proxies): made
//! here, named "zmqsocket-<role>", so that the panic hook can tell them
//! from the callers' threads.

/// What every one of the library's own thread names starts with.
const PREFIX: &str = "zmqsocket-";

/// A builder for one of the library's own threads, doing `role`.
pub fn builder(role: &str) -> std::thread::Builder {
    std::thread::Builder::new().name(format!("{PREFIX}{role}"))
}

/// Whether this thread is one the library started.
pub fn is_own() -> bool {
    std::thread::current()
        .name()
        .is_some_and(|n| n.starts_with(PREFIX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_threads_are_told_from_others() {
        assert!(!is_own(), "a test thread is not the library's");
        assert!(builder("test").spawn(is_own).unwrap().join().unwrap());
        let other = std::thread::Builder::new().name("zmqsocket".into());
        assert!(!other.spawn(is_own).unwrap().join().unwrap());
    }
}
