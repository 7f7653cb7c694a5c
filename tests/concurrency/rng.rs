//! The tests' PRNG as the workers use it: indices, ranges, coin flips,
//! and `mix` to derive seeds.

use crate::common::SplitMix64;

impl SplitMix64 {
    pub(crate) fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }
    /// Uniform in lo..=hi.
    pub(crate) fn range(&mut self, lo: i32, hi: i32) -> i32 {
        lo + self.below((hi - lo + 1) as u64) as i32
    }
    pub(crate) fn one_in(&mut self, n: u64) -> bool {
        self.below(n) == 0
    }
}

pub(crate) fn mix(x: u64) -> u64 {
    SplitMix64(x).next()
}
