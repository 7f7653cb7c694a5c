//! What a socket keeps for bulk traffic's sequence frames (SPEC section
//! 13): its own stream id when pumping, and per stream it drains the next
//! number it expects and the numbers it skipped, so that a gap, a late
//! message and a duplicate can be told apart across calls.

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};

use crate::types::zs_drain_stats;

/// Skipped numbers remembered per stream, at most; beyond that a late
/// message counts as a duplicate.
const MAX_MISSING: usize = 1 << 20;

/// A random stream id for a new socket.
pub fn new_stream_id(handle_hint: u64) -> u64 {
    let mut h = RandomState::new().build_hasher();
    h.write_u64(handle_hint);
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.finish()
}

/// Per-stream expectations of a draining socket.
#[derive(Default)]
pub struct StreamTracker {
    next: u64,
    missing: HashSet<u64>,
}

/// Apply one sequence number to its stream's tracker.
pub fn track(t: &mut StreamTracker, seq: u64, stats: &mut zs_drain_stats) {
    if seq == t.next {
        t.next += 1;
    } else if seq > t.next {
        let skipped = seq - t.next;
        stats.gaps += skipped;
        let room = MAX_MISSING.saturating_sub(t.missing.len()) as u64;
        t.missing.extend(t.next..t.next + skipped.min(room));
        t.next = seq + 1;
    } else if t.missing.remove(&seq) {
        stats.out_of_order += 1;
        stats.gaps = stats.gaps.saturating_sub(1);
    } else {
        stats.duplicates += 1;
    }
}

/// Streams a draining socket has seen, by stream id.
pub type Streams = HashMap<u64, StreamTracker>;
