//! Builds libzmq from source for zmqsocket: CURVE with libsodium (built
//! from source by libsodium-sys-stable), TCP keepalive, eventfd.
//!
//! zmq-sys 0.12's own script passes `with_libsodium(None)` (no CURVE) and
//! cannot take options; zeromq-src compiles with the `cc` crate, which
//! reads CXXFLAGS_<target>, so the defines it lacks are added there.

use std::env;
use std::path::PathBuf;

/// What zeromq-src's hand-written platform setup leaves out on Linux:
/// eventfd (one descriptor per mailbox instead of a pipe's two) and
/// TCP keepalive (without these the TCP_KEEPALIVE* options are ignored).
const LINUX_DEFINES: &[&str] = &[
    "ZMQ_HAVE_EVENTFD",
    "ZMQ_HAVE_EVENTFD_CLOEXEC",
    "ZMQ_HAVE_SO_KEEPALIVE",
    "ZMQ_HAVE_TCP_KEEPIDLE",
    "ZMQ_HAVE_TCP_KEEPCNT",
    "ZMQ_HAVE_TCP_KEEPINTVL",
];

fn main() {
    println!("cargo:rerun-if-changed=build/main.rs");
    let target = env::var("TARGET").expect("TARGET");
    if target.contains("linux") {
        let key = format!("CXXFLAGS_{}", target.replace('-', "_"));
        println!("cargo:rerun-if-env-changed={key}");
        let mut flags = env::var(&key).unwrap_or_default();
        for d in LINUX_DEFINES {
            flags.push_str(&format!(" -D{d}"));
        }
        env::set_var(&key, flags.trim());
    }
    let include = PathBuf::from(env::var("DEP_SODIUM_INCLUDE").expect("DEP_SODIUM_INCLUDE"));
    let lib = PathBuf::from(env::var("DEP_SODIUM_LIB").expect("DEP_SODIUM_LIB"));
    zeromq_src::Build::new()
        .with_libsodium(Some(zeromq_src::LibLocation::new(lib, include)))
        .build();
}
