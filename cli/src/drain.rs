//! `zmqsocket drain`: receives many messages at libzmq's speed
//! (zs_drain), counting them and checking their sequence.

use std::time::{Duration, Instant};

use clap::Args;
use serde::Serialize;
use zmqsocket::types::zs_drain_stats;
use zmqsocket::{zs_bulk_flags, zs_socket_type};

use crate::common::{self, Attach, Deadline, Outcome, EXIT_OK, EXIT_UNMET};

/// Messages per zs_drain call: small enough that a signal and the progress
/// bar are looked at often, large enough to cost nothing.
const CHUNK: u64 = 10_000;

/// Receive messages in the library's native loop until --expect have
/// arrived, the stream went quiet (no message for --idle seconds after
/// the last), --timeout passed, or SIGINT/SIGTERM. Ends with a summary: messages, msg/s, MB/s, and with
/// --sequenced gaps, duplicates and late messages (with --json one
/// object, the last line, whose keys are zs_drain_stats's fields plus
/// msgs_per_sec and mb_per_sec). A progress bar shows on stderr when it
/// is a terminal.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  zmqsocket drain --bind 'tcp://127.0.0.1:*' --expect 1000000 --sequenced --json
  zmqsocket drain --connect tcp://127.0.0.1:5558 --idle 2 --timeout 60

Exit status: 0 done; 1 fewer than --expect arrived, or --sequenced
found gaps.")]
pub struct DrainArgs {
    #[command(flatten)]
    pub attach: Attach,
    /// Stop once N messages arrived; exit 1 if fewer do.
    #[arg(long, value_name = "N")]
    pub expect: Option<u64>,
    /// Read sequence frames (from `pump --sequenced`); exit 1 on gaps.
    #[arg(long)]
    pub sequenced: bool,
    /// Stop when no message arrived for S seconds after the last one
    /// (the first may take until --timeout).
    #[arg(long, value_name = "S", value_parser = common::parse_seconds, default_value = "5")]
    pub idle: i32,
    /// Stop after S seconds in all, first message included (default: no
    /// limit).
    #[arg(long, value_name = "S", value_parser = common::parse_seconds)]
    pub timeout: Option<i32>,
    /// The summary as one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// The JSON summary: zs_drain_stats's fields (SPEC 13), then the rates.
#[derive(Serialize)]
struct Summary {
    messages: u64,
    frames: u64,
    bytes: u64,
    senders: u64,
    gaps: u64,
    duplicates: u64,
    out_of_order: u64,
    elapsed_ns: u64,
    msgs_per_sec: f64,
    mb_per_sec: f64,
}

/// The totals over the drain's calls.
#[derive(Default)]
struct Totals {
    st: zs_drain_stats,
    first: Option<Instant>,
    last: Option<Instant>,
}

impl Totals {
    /// Adds one call's stats; `last` is when its last message arrived.
    fn add(&mut self, st: &zs_drain_stats, last: Instant) {
        let t = &mut self.st;
        t.messages += st.messages;
        t.frames += st.frames;
        t.bytes += st.bytes;
        t.gaps += st.gaps;
        t.duplicates += st.duplicates;
        t.out_of_order += st.out_of_order;
        // The socket keeps each stream's progress across calls; a call
        // counts the streams it saw.
        t.senders = t.senders.max(st.senders);
        let first = last
            .checked_sub(Duration::from_nanos(st.elapsed_ns))
            .unwrap_or(last);
        self.first.get_or_insert(first);
        self.last = Some(last);
    }

    fn finish(mut self) -> zs_drain_stats {
        if let (Some(f), Some(l)) = (self.first, self.last) {
            self.st.elapsed_ns = l.saturating_duration_since(f).as_nanos() as u64;
        }
        self.st
    }
}

pub fn run(a: DrainArgs) -> Outcome {
    let s = common::open(&a.attach, zs_socket_type::ZS_PULL as i32)?;
    if common::is_subscriber(s.socket_type()?) {
        s.subscribe(b"")?;
    }
    let flags = if a.sequenced {
        zs_bulk_flags::ZS_SEQUENCED as u32
    } else {
        0
    };
    let bar = common::progress(a.expect);
    let deadline = Deadline::after(a.timeout);
    let mut totals = Totals::default();
    let idle = Duration::from_millis(a.idle as u64);
    // Quiet for --idle at the last look: one more look, without waiting,
    // ends the drain only if nothing is queued (this process may have been
    // kept from running while messages arrived).
    let mut last_look = false;
    loop {
        let got = totals.st.messages;
        if common::stopped() || deadline.passed() || a.expect.is_some_and(|n| got >= n) {
            break;
        }
        let idle_left = totals
            .last
            .map_or(idle, |l| idle.saturating_sub(l.elapsed()));
        let want = a.expect.map_or(CHUNK, |n| (n - got).min(CHUNK));
        let timeout = if idle_left.is_zero() {
            if last_look {
                break;
            }
            last_look = true;
            0
        } else {
            deadline.slice().min(idle_left.as_millis() as i32).max(1)
        };
        let (r, st) = s.drain(want as i64, flags, timeout);
        let reached = r?;
        if st.messages > 0 {
            let now = Instant::now();
            // A call that timed out heard its last message `timeout` ago.
            let last = if reached {
                now
            } else {
                now.checked_sub(Duration::from_millis(timeout as u64))
                    .unwrap_or(now)
            };
            totals.add(&st, last);
            last_look = false;
            if let Some(b) = &bar {
                b.set_position(totals.st.messages);
            }
        }
    }
    if let Some(b) = bar {
        b.finish();
    }
    let st = totals.finish();
    let (mps, mbps) = common::rates(st.messages, st.bytes, st.elapsed_ns);
    if a.json {
        let summary = Summary {
            messages: st.messages,
            frames: st.frames,
            bytes: st.bytes,
            senders: st.senders,
            gaps: st.gaps,
            duplicates: st.duplicates,
            out_of_order: st.out_of_order,
            elapsed_ns: st.elapsed_ns,
            msgs_per_sec: mps,
            mb_per_sec: mbps,
        };
        common::print_json(&serde_json::to_value(summary).expect("numbers serialize"))?;
    } else {
        let mut line = format!(
            "drain: {} messages in {:.3} s: {mps:.0} msg/s, {mbps:.1} MB/s",
            st.messages,
            st.elapsed_ns as f64 / 1e9
        );
        if a.sequenced {
            line += &format!(
                "; {} gaps, {} duplicates, {} late",
                st.gaps, st.duplicates, st.out_of_order
            );
        }
        common::print_summary(&line)?;
    }
    let mut status = EXIT_OK;
    if let Some(n) = a.expect.filter(|&n| st.messages < n) {
        note!("drain: expected {n} messages, got {}", st.messages);
        status = EXIT_UNMET;
    }
    if a.sequenced && st.gaps > 0 {
        note!("drain: {} messages missing (gaps)", st.gaps);
        status = EXIT_UNMET;
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_span_first_to_last_message_over_calls() {
        let mut t = Totals::default();
        let t0 = Instant::now();
        let one = zs_drain_stats {
            messages: 10,
            frames: 10,
            bytes: 1000,
            senders: 1,
            gaps: 2,
            elapsed_ns: 1_000_000,
            ..Default::default()
        };
        t.add(&one, t0 + Duration::from_millis(5));
        t.add(&one, t0 + Duration::from_millis(20));
        let st = t.finish();
        assert_eq!(
            (st.messages, st.bytes, st.gaps, st.senders),
            (20, 2000, 4, 1)
        );
        // From the first call's first message (4 ms) to the last (20 ms).
        assert_eq!(st.elapsed_ns, 16_000_000);
    }
}
