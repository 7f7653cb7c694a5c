//! `zmqsocket monitor`: prints a socket's connection events (SPEC 20).

use std::io::Write;

use clap::Args;
use serde_json::json;
use zmqsocket::{zs_event_kind, zs_socket_type};

use crate::common::{self, Attach, Deadline, Outcome, EXIT_OK};
use crate::zs::Event;

/// Every event kind of the library, for their names.
const KINDS: [zs_event_kind; 16] = {
    use zs_event_kind::*;
    [
        ZS_EVENT_CONNECTED,
        ZS_EVENT_CONNECT_DELAYED,
        ZS_EVENT_CONNECT_RETRIED,
        ZS_EVENT_LISTENING,
        ZS_EVENT_BIND_FAILED,
        ZS_EVENT_ACCEPTED,
        ZS_EVENT_ACCEPT_FAILED,
        ZS_EVENT_CLOSED,
        ZS_EVENT_CLOSE_FAILED,
        ZS_EVENT_DISCONNECTED,
        ZS_EVENT_MONITOR_STOPPED,
        ZS_EVENT_HANDSHAKE_FAILED_NO_DETAIL,
        ZS_EVENT_HANDSHAKE_SUCCEEDED,
        ZS_EVENT_HANDSHAKE_FAILED_PROTOCOL,
        ZS_EVENT_HANDSHAKE_FAILED_AUTH,
        ZS_EVENT_LOST,
    ]
};

/// An event kind's name, as the header spells it without `ZS_EVENT_`
/// ("ACCEPTED"), or its number.
pub fn kind_name(kind: i32) -> String {
    KINDS
        .iter()
        .find(|&&k| k as i32 == kind)
        .map(|k| {
            let name = format!("{k:?}");
            name.trim_start_matches("ZS_EVENT_").to_owned()
        })
        .unwrap_or_else(|| kind.to_string())
}

/// Bind or connect a socket and print its connection events, one line
/// each ("ACCEPTED tcp://127.0.0.1:5555 value=12"; JSON with --json),
/// until SIGINT/SIGTERM or --timeout; then say on stderr how many.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  zmqsocket monitor --connect tcp://127.0.0.1:5555   # connects, retries, disconnects
  zmqsocket monitor --bind 'tcp://127.0.0.1:*' --type PULL --json")]
pub struct MonitorArgs {
    #[command(flatten)]
    pub attach: Attach,
    /// Stop after S seconds (default: at SIGINT/SIGTERM).
    #[arg(long, value_name = "S", value_parser = common::parse_seconds)]
    pub timeout: Option<i32>,
    /// One JSON object an event: {"event", "value", "endpoint", "time_us"}.
    #[arg(long)]
    pub json: bool,
}

fn print_event(ev: &Event, json: bool) -> std::io::Result<()> {
    let name = kind_name(ev.kind);
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(
            out,
            "{}",
            json!({
                "event": name,
                "value": ev.value,
                "endpoint": ev.endpoint,
                "time_us": ev.time_us,
            })
        )?;
    } else {
        writeln!(out, "{name} {} value={}", ev.endpoint, ev.value)?;
    }
    out.flush()
}

pub fn run(a: MonitorArgs) -> Outcome {
    let s = common::open(&a.attach, zs_socket_type::ZS_DEALER as i32)?;
    let deadline = Deadline::after(a.timeout);
    let mut n: u64 = 0;
    while !common::stopped() && !deadline.passed() {
        if let Some(ev) = s.next_event(deadline.slice())? {
            n += 1;
            print_event(&ev, a.json)?;
        }
    }
    note!("monitor: {n} events");
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_have_the_headers_names() {
        assert_eq!(
            kind_name(zs_event_kind::ZS_EVENT_ACCEPTED as i32),
            "ACCEPTED"
        );
        assert_eq!(kind_name(zs_event_kind::ZS_EVENT_LOST as i32), "LOST");
        assert_eq!(kind_name(3), "3");
    }

    #[test]
    fn every_kind_of_the_header_is_named() {
        let header = include_str!("../../include/zmqsocket.h");
        let in_header = header
            .lines()
            .filter(|l| l.trim_start().starts_with("ZS_EVENT_") && l.contains('='))
            .count();
        assert_eq!(
            in_header,
            KINDS.len(),
            "a ZS_EVENT_ kind is missing from KINDS"
        );
    }
}
