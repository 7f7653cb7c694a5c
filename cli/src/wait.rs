//! `zmqsocket wait`: a readiness check for a ZeroMQ port.

use clap::Args;
use zmqsocket::zs_socket_type;

use crate::common::{self, Outcome, EXIT_OK, EXIT_UNMET};
use crate::zs::Socket;

/// Exit 0 once a ZMTP peer at EP has completed a handshake with a socket
/// of --type (the service's port is up and speaks ZeroMQ), 1 at the
/// timeout. A port that accepts TCP connections but never speaks ZMTP
/// is not ready. The type must be one the service accepts as a peer:
/// DEALER (the default) for REP, DEALER and ROUTER services; PUSH for a
/// PULL; SUB for a PUB; PULL for a PUSH (it may take messages); PAIR.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  zmqsocket wait --connect tcp://127.0.0.1:5555 --timeout 30 && run-tests
  zmqsocket wait --connect tcp://service:5555 --type PUSH   # a PULL service

Exit status: 0 a peer answered; 1 none within --timeout.")]
pub struct WaitArgs {
    /// The endpoint to check.
    #[arg(long, value_name = "EP")]
    pub connect: String,
    /// The type of the checking socket (see above).
    #[arg(long = "type", value_name = "T", value_parser = common::parse_type)]
    pub socket_type: Option<i32>,
    /// Seconds to wait.
    #[arg(long, value_name = "S", value_parser = common::parse_seconds, default_value = "5")]
    pub timeout: i32,
    /// Print the result as one JSON object.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: WaitArgs) -> Outcome {
    let s = Socket::new(a.socket_type.unwrap_or(zs_socket_type::ZS_DEALER as i32))?;
    // Nothing this socket queues may hold the process at exit.
    s.set_linger(0)?;
    s.connect(&a.connect, 1000)?;
    let ready = common::wait_for_peer(&s, Some(a.timeout))?;
    if a.json {
        common::print_json(&serde_json::json!({
            "endpoint": a.connect,
            "ready": ready,
        }))?;
    } else if ready {
        note!("wait: {} is ready", a.connect);
    } else {
        note!(
            "wait: no ZMTP peer answered at {} within {} ms",
            a.connect,
            a.timeout
        );
    }
    Ok(if ready { EXIT_OK } else { EXIT_UNMET })
}
