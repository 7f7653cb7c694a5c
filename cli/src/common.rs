//! What the subcommands share: exit statuses and errors, endpoints and
//! socket set-up, timeouts, the stop flag set by SIGINT/SIGTERM, progress
//! bars and output.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use zmqsocket::zs_result;

use crate::zs::{self, Socket, ZsError};

/// Exit statuses (SPEC 23).
pub const EXIT_OK: u8 = 0;
pub const EXIT_UNMET: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_ZMQ: u8 = 3;

/// The longest one library call blocks, so that a signal or a deadline
/// ends a loop within about this long.
pub const SLICE_MS: i32 = 100;

/// A failure that ends a subcommand: its exit status and what to say.
#[derive(Debug)]
pub struct Failure {
    pub status: u8,
    pub msg: String,
}

impl Failure {
    pub fn unmet(msg: impl Into<String>) -> Failure {
        Failure {
            status: EXIT_UNMET,
            msg: msg.into(),
        }
    }

    pub fn usage(msg: impl Into<String>) -> Failure {
        Failure {
            status: EXIT_USAGE,
            msg: msg.into(),
        }
    }

    /// A failed library call: bad input the library refused is a usage
    /// error, a timeout is 1, anything else a ZeroMQ error.
    pub fn zmq(e: ZsError) -> Failure {
        let status = if e.is(zs_result::ZS_ERR_INVALID_ARGUMENT)
            || e.is(zs_result::ZS_ERR_UNKNOWN_SOCKET_TYPE)
            || e.is(zs_result::ZS_ERR_UNKNOWN_HOST)
            || e.is(zs_result::ZS_ERR_NOT_SUPPORTED)
        {
            EXIT_USAGE
        } else if e.ended_wait() {
            EXIT_UNMET
        } else {
            EXIT_ZMQ
        };
        Failure {
            status,
            msg: e.text,
        }
    }
}

impl From<ZsError> for Failure {
    fn from(e: ZsError) -> Failure {
        Failure::zmq(e)
    }
}

/// Output that cannot be written (a closed pipe) ends the subcommand.
impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Failure {
        Failure {
            status: if e.kind() == std::io::ErrorKind::BrokenPipe {
                EXIT_OK
            } else {
                EXIT_ZMQ
            },
            msg: format!("output: {e}"),
        }
    }
}

pub type Outcome = Result<u8, Failure>;

/// Where the socket attaches: one or more binds and connects.
#[derive(Args, Debug)]
#[group(required = true, multiple = true)]
pub struct Endpoints {
    /// Bind this endpoint (tcp://, ipc://; `tcp://127.0.0.1:*` picks a free
    /// port). Each bind is printed on stderr as "listening on EP".
    #[arg(long, value_name = "EP")]
    pub bind: Vec<String>,
    /// Connect to this endpoint (tcp://host:port, ipc://path).
    #[arg(long, value_name = "EP")]
    pub connect: Vec<String>,
}

/// A socket's endpoints, type and high-water mark.
#[derive(Args, Debug)]
pub struct Attach {
    #[command(flatten)]
    pub endpoints: Endpoints,
    /// The socket type (PUSH, PULL, PUB, SUB, REQ, REP, DEALER, ROUTER,
    /// PAIR, XPUB, XSUB; any case).
    #[arg(long = "type", value_name = "T", value_parser = parse_type)]
    pub socket_type: Option<i32>,
    /// The high-water mark of both directions, in messages (0: no limit).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub hwm: i32,
}

/// A socket type by name, through the library's own table.
pub fn parse_type(s: &str) -> Result<i32, String> {
    zs::type_from_name(s).map_err(|_| format!("unknown socket type {s:?}"))
}

/// Seconds (decimals allowed) as milliseconds for the library.
pub fn parse_seconds(s: &str) -> Result<i32, String> {
    let v: f64 = s
        .parse()
        .map_err(|_| format!("{s:?} is not a number of seconds"))?;
    if !(0.0..=2_000_000.0).contains(&v) {
        return Err(format!("{s} seconds is out of range (0 to 2000000)"));
    }
    Ok((v * 1000.0).round() as i32)
}

/// Makes the socket, binds and connects it, and says where it listens.
pub fn open(a: &Attach, default_type: i32) -> Result<Socket, Failure> {
    let s = Socket::new(a.socket_type.unwrap_or(default_type))?;
    for ep in &a.endpoints.bind {
        s.bind(ep, a.hwm)?;
    }
    for ep in &a.endpoints.connect {
        s.connect(ep, a.hwm)?;
    }
    announce(&s)?;
    Ok(s)
}

/// "listening on EP" on stderr for each bind, as libzmq resolved it (the
/// real port for `:*`), so that a script can read it.
pub fn announce(s: &Socket) -> Result<(), Failure> {
    for ep in s.bound_endpoints()? {
        note!("listening on {ep}");
    }
    Ok(())
}

/// Is the socket of type SUB or XSUB (which need a subscription)?
pub fn is_subscriber(t: i32) -> bool {
    t == zmqsocket::zs_socket_type::ZS_SUB as i32 || t == zmqsocket::zs_socket_type::ZS_XSUB as i32
}

static STOP: OnceLock<Arc<AtomicBool>> = OnceLock::new();

/// SIGINT and SIGTERM set the stop flag instead of killing the process;
/// the loops look at it between library calls.
pub fn install_signal_handlers() {
    let flag = STOP.get_or_init(|| Arc::new(AtomicBool::new(false)));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        // Registering can only fail for signals that cannot be caught.
        let _ = signal_hook::flag::register(sig, Arc::clone(flag));
    }
}

pub fn stopped() -> bool {
    STOP.get().is_some_and(|f| f.load(Ordering::Relaxed))
}

/// A deadline `ms` from now; None: no deadline.
pub struct Deadline(Option<Instant>);

impl Deadline {
    pub fn after(ms: Option<i32>) -> Deadline {
        Deadline(ms.map(|ms| Instant::now() + Duration::from_millis(ms as u64)))
    }

    pub fn passed(&self) -> bool {
        self.0.is_some_and(|d| Instant::now() >= d)
    }

    /// The timeout for the next call: at most SLICE_MS, never past the
    /// deadline.
    pub fn slice(&self) -> i32 {
        match self.0 {
            None => SLICE_MS,
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now()).as_millis();
                left.min(SLICE_MS as u128) as i32
            }
        }
    }
}

/// Waits for a live ZMTP session (a peer that completed the handshake):
/// Ok(false) at the timeout or on a signal.
pub fn wait_for_peer(s: &Socket, timeout_ms: Option<i32>) -> Result<bool, Failure> {
    let deadline = Deadline::after(timeout_ms);
    loop {
        if s.peer_count()? > 0 {
            return Ok(true);
        }
        if stopped() || deadline.passed() {
            return Ok(false);
        }
        if s.wait_peer(deadline.slice())? {
            return Ok(true);
        }
    }
}

/// A progress bar on stderr when stderr is a terminal, else nothing.
pub fn progress(len: Option<u64>) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = match len {
        Some(n) => ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::stderr()).with_style(
            ProgressStyle::with_template(
                "{bar:40.cyan/blue} {pos}/{len} msgs {per_sec} {elapsed_precise}",
            )
            .expect("a valid template")
            .progress_chars("=> "),
        ),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()).with_style(
            ProgressStyle::with_template("{spinner} {pos} msgs {per_sec} {elapsed_precise}")
                .expect("a valid template"),
        ),
    };
    Some(bar)
}

/// Rates of a summary: messages and megabytes (10^6) per second.
pub fn rates(messages: u64, bytes: u64, elapsed_ns: u64) -> (f64, f64) {
    if elapsed_ns == 0 {
        return (0.0, 0.0);
    }
    let secs = elapsed_ns as f64 / 1e9;
    (messages as f64 / secs, bytes as f64 / 1e6 / secs)
}

/// Prints a line to stderr. A stderr nobody reads any more (a pipe whose
/// reader has gone: EPIPE) is not an error: the exit status still says
/// what happened. (eprintln! would panic there.)
pub fn note(line: std::fmt::Arguments<'_>) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// Prints a summary line to stdout. Nobody reading it (a closed pipe) is
/// not an error: the exit status still says what happened. (println!
/// would panic there.)
pub fn print_summary(line: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{line}").and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// Prints one JSON object as a summary line of stdout.
pub fn print_json(v: &serde_json::Value) -> Result<(), Failure> {
    print_summary(&v.to_string())
}
