//! `zmqsocket recv`: prints the messages it receives.

use std::io::Write;

use clap::Args;
use serde_json::json;
use zmqsocket::zs_socket_type;

use crate::common::{self, Attach, Deadline, Failure, Outcome, EXIT_OK, EXIT_UNMET};
use crate::format::{self, Format};

/// Receive messages and print each on stdout: one line a message, its
/// frames separated by tabs, as text when printable, else as hex. With
/// --type REP, each message is sent back as the reply (an echo service).
/// Ends after --count messages, after --timeout without one, or on
/// SIGINT/SIGTERM, and then says on stderr how many arrived.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  zmqsocket recv --bind 'tcp://127.0.0.1:*' --count 1
  zmqsocket recv --connect tcp://127.0.0.1:5556 --type SUB --subscribe weather
  zmqsocket recv --bind ipc:///tmp/in.sock --format base64 --json
  zmqsocket recv --bind tcp://*:5557 --type REP   # echoes every request

Exit status: 0 done; 1 --timeout passed, or fewer than --count arrived.")]
pub struct RecvArgs {
    #[command(flatten)]
    pub attach: Attach,
    /// Stop after N messages (exit 1 if fewer arrive).
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// For SUB and XSUB: a prefix to subscribe to (repeatable; default:
    /// everything).
    #[arg(long, value_name = "P")]
    pub subscribe: Vec<String>,
    /// How frames print (default: text when printable, else hex).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Seconds to wait for each message (default: no limit); exit 1 when
    /// none arrives in time.
    #[arg(long, value_name = "S", value_parser = common::parse_seconds)]
    pub timeout: Option<i32>,
    /// One JSON object a message: {"frames": [...], "format": "text"}.
    #[arg(long)]
    pub json: bool,
}

/// Prints one message as a line of stdout.
pub fn print_message(
    frames: &[Vec<u8>],
    forced: Option<Format>,
    json: bool,
) -> Result<(), Failure> {
    let f = format::choose(forced, frames);
    let parts: Vec<String> = frames.iter().map(|fr| f.encode(fr)).collect();
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", json!({ "frames": parts, "format": f.name() }))?;
    } else {
        writeln!(out, "{}", parts.join("\t"))?;
    }
    out.flush()?;
    Ok(())
}

pub fn run(a: RecvArgs) -> Outcome {
    let s = common::open(&a.attach, zs_socket_type::ZS_PULL as i32)?;
    let t = s.socket_type()?;
    if common::is_subscriber(t) {
        if a.subscribe.is_empty() {
            s.subscribe(b"")?;
        }
        for p in &a.subscribe {
            s.subscribe(p.as_bytes())?;
        }
    } else if !a.subscribe.is_empty() {
        return Err(Failure::usage(format!(
            "--subscribe needs --type SUB or XSUB, not {}",
            crate::zs::type_name(t)
        )));
    }
    let echo = t == zs_socket_type::ZS_REP as i32;
    if echo {
        // The last reply may still be queued when recv ends: give it time
        // to leave (zs_destroy_all at exit waits up to the linger).
        s.set_linger(5000)?;
    }
    let mut got: u64 = 0;
    let mut deadline = Deadline::after(a.timeout);
    let mut timed_out = false;
    while a.count.is_none_or(|n| got < n) && !common::stopped() {
        match s.recv(deadline.slice()) {
            Ok(msg) => {
                got += 1;
                print_message(&msg, a.format, a.json)?;
                if echo {
                    s.send(&msg, a.timeout.unwrap_or(-1))?;
                }
                deadline = Deadline::after(a.timeout);
            }
            Err(e) if e.ended_wait() => {
                if deadline.passed() {
                    timed_out = true;
                    break;
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    note!("recv: {got} messages");
    if timed_out {
        note!("recv: no message within {} ms", a.timeout.unwrap_or(0));
        return Ok(EXIT_UNMET);
    }
    if let Some(n) = a.count.filter(|&n| got < n) {
        note!("recv: expected {n} messages, got {got}");
        return Ok(EXIT_UNMET);
    }
    Ok(EXIT_OK)
}
