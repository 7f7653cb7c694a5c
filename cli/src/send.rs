//! `zmqsocket send`: one message from the arguments, or one a line of
//! stdin.

use std::io::BufRead;

use clap::Args;
use zmqsocket::zs_socket_type;

use crate::common::{self, Attach, Failure, Outcome, EXIT_OK};
use crate::format::Format;
use crate::recv::print_message;

/// Send a message (the FRAMEs, one multi-part message) or, without
/// FRAMEs, one message per line of stdin. Waits first until a peer has
/// completed the ZMTP handshake. With --type REQ, each reply is
/// received and printed.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  zmqsocket send --connect tcp://127.0.0.1:5555 hello
  zmqsocket send --connect tcp://127.0.0.1:5555 header body   # two frames
  zmqsocket send --connect tcp://127.0.0.1:5555 --format hex 00ff10
  printf 'a\\nb\\n' | zmqsocket send --bind 'tcp://127.0.0.1:*'
  zmqsocket send --connect tcp://127.0.0.1:5555 --type REQ ping   # prints the reply
  echo '{\"frames\":[\"k\",\"v\"]}' | zmqsocket send --json --connect tcp://127.0.0.1:5555")]
pub struct SendArgs {
    #[command(flatten)]
    pub attach: Attach,
    /// The frames of one message, read in --format (default text).
    #[arg(value_name = "FRAME")]
    pub frames: Vec<String>,
    /// How FRAMEs and stdin lines are read (and REQ replies printed).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Seconds to wait for a peer, and for each message to be queued.
    #[arg(long, value_name = "S", value_parser = common::parse_seconds, default_value = "5")]
    pub timeout: i32,
    /// Stdin lines are JSON: {"frames": [...]} or a list of strings (in
    /// --format); REQ replies print as JSON.
    #[arg(long)]
    pub json: bool,
}

/// A stdin line as a message.
fn parse_line(line: &str, format: Format, json: bool) -> Result<Vec<Vec<u8>>, Failure> {
    if !json {
        return format.decode(line).map(|f| vec![f]).map_err(Failure::usage);
    }
    let v: serde_json::Value = serde_json::from_str(line)
        .map_err(|e| Failure::usage(format!("stdin line is not JSON: {e}")))?;
    let list = v.get("frames").unwrap_or(&v);
    let frames = list.as_array().ok_or_else(|| {
        Failure::usage("a JSON line must be a list of frames or {\"frames\": [...]}")
    })?;
    frames
        .iter()
        .map(|f| {
            f.as_str()
                .ok_or_else(|| Failure::usage("a JSON frame must be a string"))
                .and_then(|s| format.decode(s).map_err(Failure::usage))
        })
        .collect()
}

pub fn run(a: SendArgs) -> Outcome {
    let format = a.format.unwrap_or(Format::Text);
    let from_args: Option<Vec<Vec<u8>>> = if a.frames.is_empty() {
        None
    } else {
        Some(
            a.frames
                .iter()
                .map(|f| format.decode(f))
                .collect::<Result<_, _>>()
                .map_err(Failure::usage)?,
        )
    };
    let s = common::open(&a.attach, zs_socket_type::ZS_PUSH as i32)?;
    let is_req = s.socket_type()? == zs_socket_type::ZS_REQ as i32;
    if !common::wait_for_peer(&s, Some(a.timeout))? {
        return Err(Failure::unmet(format!(
            "no peer completed a ZMTP handshake within {} ms",
            a.timeout
        )));
    }
    let send_one = |msg: Vec<Vec<u8>>| -> Result<(), Failure> {
        s.send(&msg, a.timeout)?;
        if is_req {
            let reply = s.recv(a.timeout)?;
            print_message(&reply, a.format, a.json)?;
        }
        Ok(())
    };
    match from_args {
        Some(msg) => send_one(msg)?,
        None => {
            for line in std::io::stdin().lock().lines() {
                let line = line.map_err(|e| Failure::usage(format!("stdin: {e}")))?;
                send_one(parse_line(&line, format, a.json)?)?;
                if common::stopped() {
                    break;
                }
            }
        }
    }
    // Queued messages may take until the timeout to leave (zs_destroy_all
    // at exit waits for them).
    s.set_linger(a.timeout)?;
    Ok(EXIT_OK)
}
