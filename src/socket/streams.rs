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

/// What a socket keeps for bulk traffic: its own stream id and next
/// sequence number (pumping), and the streams it has drained.
pub struct Sequencing {
    stream_id: u64,
    next_seq: u64,
    streams: HashMap<u64, StreamTracker>,
}

impl Sequencing {
    pub fn new(handle_hint: u64) -> Sequencing {
        Sequencing {
            stream_id: new_stream_id(handle_hint),
            next_seq: 0,
            streams: HashMap::new(),
        }
    }

    /// The sequence frame of the next pumped message: the stream id and
    /// the next number, both little-endian.
    #[inline]
    pub fn next_frame(&self) -> [u8; 16] {
        let mut f = [0u8; 16];
        f[..8].copy_from_slice(&self.stream_id.to_le_bytes());
        f[8..].copy_from_slice(&self.next_seq.to_le_bytes());
        f
    }

    /// The next pumped message has left: count it.
    #[inline]
    pub fn advance(&mut self) {
        self.next_seq += 1;
    }

    /// Apply a drained message's sequence number to its stream.
    pub fn track(&mut self, stream: u64, seq: u64, stats: &mut zs_drain_stats) {
        track(self.streams.entry(stream).or_default(), seq, stats);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(seqs: &[u64]) -> zs_drain_stats {
        let mut t = StreamTracker::default();
        let mut stats = zs_drain_stats::default();
        for &s in seqs {
            track(&mut t, s, &mut stats);
        }
        stats
    }

    #[test]
    fn in_order_is_clean() {
        assert_eq!(run(&[0, 1, 2, 3]), zs_drain_stats::default());
    }

    #[test]
    fn a_gap_then_the_late_message() {
        let s = run(&[0, 3]);
        assert_eq!((s.gaps, s.out_of_order, s.duplicates), (2, 0, 0));
        // 1 arrives late: one gap fewer, one out of order.
        let s = run(&[0, 3, 1]);
        assert_eq!((s.gaps, s.out_of_order, s.duplicates), (1, 1, 0));
        let s = run(&[0, 3, 1, 2]);
        assert_eq!((s.gaps, s.out_of_order, s.duplicates), (0, 2, 0));
    }

    #[test]
    fn duplicates_of_seen_and_of_late_messages() {
        let s = run(&[0, 1, 1, 0]);
        assert_eq!((s.gaps, s.out_of_order, s.duplicates), (0, 0, 2));
        let s = run(&[0, 2, 1, 1]);
        assert_eq!((s.gaps, s.out_of_order, s.duplicates), (0, 1, 1));
    }

    #[test]
    fn a_stream_starting_late_counts_its_first_numbers_missing() {
        let s = run(&[5, 6]);
        assert_eq!(s.gaps, 5);
    }

    #[test]
    fn skipped_numbers_are_remembered_up_to_the_bound() {
        let mut t = StreamTracker::default();
        let mut stats = zs_drain_stats::default();
        track(&mut t, MAX_MISSING as u64 + 10, &mut stats);
        assert_eq!(stats.gaps, MAX_MISSING as u64 + 10);
        assert_eq!(t.missing.len(), MAX_MISSING);
        // Beyond the bound, a late message is taken for a duplicate.
        track(&mut t, MAX_MISSING as u64 + 5, &mut stats);
        assert_eq!((stats.out_of_order, stats.duplicates), (0, 1));
        track(&mut t, 3, &mut stats);
        assert_eq!(stats.out_of_order, 1);
    }

    #[test]
    fn stream_ids_differ() {
        assert_ne!(new_stream_id(1), new_stream_id(1));
    }
}
