//! cargo-fuzz target over the model-based test's sequence decoder
//! (issue 5, item 3): every input is decoded into a program of API calls
//! over several sockets, run through the exported `zs_*` functions and
//! checked after every step against the model of the handle table
//! (tests/model/mod.rs). A step the model does not allow, or a crash,
//! fails the run; the input that did it is saved under artifacts/.
//!
//! Run by `make fuzz` for a bounded time (FUZZ_SECS, default 60).
#![no_main]

#[path = "../../tests/model/mod.rs"]
mod model;

use std::sync::Mutex;

use libfuzzer_sys::fuzz_target;

/// One executor for the whole run, as the seeded test uses one per process.
static EXEC: Mutex<Option<model::Executor>> = Mutex::new(None);

fuzz_target!(|data: &[u8]| {
    let mut guard = EXEC.lock().unwrap_or_else(|p| p.into_inner());
    let exec = guard.get_or_insert_with(|| {
        model::Executor::new().unwrap_or_else(|e| panic!("model setup: {e}"))
    });
    let program = model::decode(data);
    if let Err(f) = exec.run(&program) {
        panic!("sequence failed: {f}\nprogram: {:?}", program.ops);
    }
});
