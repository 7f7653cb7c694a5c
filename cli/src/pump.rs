//! `zmqsocket pump`: many messages at libzmq's speed (zs_pump).

use std::time::{Duration, Instant};

use clap::Args;
use serde_json::json;
use zmqsocket::{zs_bulk_flags, zs_socket_type};

use crate::common::{self, Attach, Failure, Outcome, EXIT_OK, EXIT_UNMET};

/// Messages per zs_pump call: small enough that a signal, the progress
/// bar and --rate are looked at often, large enough to cost nothing.
const CHUNK: u64 = 10_000;

/// Send --count messages of --size bytes, in the library's native loop,
/// once a peer has completed the ZMTP handshake. With --sequenced each
/// message carries a sequence frame that `drain --sequenced` checks.
/// Ends with a summary: messages, msg/s, MB/s (JSON with --json). A
/// progress bar shows on stderr when it is a terminal.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  zmqsocket pump --connect tcp://127.0.0.1:5555 --count 1000000 --sequenced
  zmqsocket pump --bind 'tcp://127.0.0.1:*' --count 5000 --size 1024 --rate 1000 --json

Exit status: 0 all sent; 1 a message could not be queued within
--timeout (or SIGINT/SIGTERM) before --count were sent.")]
pub struct PumpArgs {
    #[command(flatten)]
    pub attach: Attach,
    /// How many messages to send.
    #[arg(long, value_name = "N")]
    pub count: u64,
    /// Payload bytes of each message.
    #[arg(long, value_name = "B", default_value_t = 100)]
    pub size: usize,
    /// Put a sequence frame (stream id, number) before each payload.
    #[arg(long)]
    pub sequenced: bool,
    /// At most R messages a second (default: as fast as possible).
    #[arg(long, value_name = "R")]
    pub rate: Option<u64>,
    /// Seconds to wait for a peer, and for each message to be queued.
    #[arg(long, value_name = "S", value_parser = common::parse_seconds, default_value = "5")]
    pub timeout: i32,
    /// The summary as one JSON object.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: PumpArgs) -> Outcome {
    if a.rate == Some(0) {
        return Err(Failure::usage("--rate must be at least 1"));
    }
    let s = common::open(&a.attach, zs_socket_type::ZS_PUSH as i32)?;
    if !common::wait_for_peer(&s, Some(a.timeout))? {
        return Err(Failure::unmet(format!(
            "no peer completed a ZMTP handshake within {} ms",
            a.timeout
        )));
    }
    let payload = vec![vec![b'x'; a.size]];
    let flags = if a.sequenced {
        zs_bulk_flags::ZS_SEQUENCED as u32
    } else {
        0
    };
    let chunk = match a.rate {
        Some(r) => (r / 100).clamp(1, CHUNK),
        None => CHUNK,
    };
    let bar = common::progress(Some(a.count));
    let start = Instant::now();
    let mut sent: u64 = 0;
    let mut ended = None;
    while sent < a.count && !common::stopped() {
        let n = chunk.min(a.count - sent);
        let (k, err) = s.pump(&payload, n as i64, flags, a.timeout);
        sent += k as u64;
        if let Some(b) = &bar {
            b.set_position(sent);
        }
        if let Some(e) = err {
            ended = Some(e);
            break;
        }
        if let Some(r) = a.rate {
            let due = start + Duration::from_secs_f64(sent as f64 / r as f64);
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
        }
    }
    let elapsed_ns = start.elapsed().as_nanos() as u64;
    if let Some(b) = bar {
        b.finish();
    }
    // Queued messages may take until the timeout to leave (zs_destroy_all
    // at exit waits for them).
    s.set_linger(a.timeout)?;
    let bytes = sent * a.size as u64;
    let (mps, mbps) = common::rates(sent, bytes, elapsed_ns);
    if a.json {
        common::print_json(&json!({
            "messages": sent,
            "frames": sent,
            "bytes": bytes,
            "elapsed_ns": elapsed_ns,
            "msgs_per_sec": mps,
            "mb_per_sec": mbps,
        }))?;
    } else {
        common::print_summary(&format!(
            "pump: {sent} messages in {:.3} s: {mps:.0} msg/s, {mbps:.1} MB/s",
            elapsed_ns as f64 / 1e9
        ))?;
    }
    match ended {
        Some(e) if !e.ended_wait() => Err(e.into()),
        _ if sent < a.count => {
            note!("pump: sent {sent} of {} messages", a.count);
            Ok(EXIT_UNMET)
        }
        _ => Ok(EXIT_OK),
    }
}
