//! zmqsocket, the command-line tool (SPEC 23): the library's send,
//! receive, pump, drain, proxy, readiness wait and event monitor, for
//! shell-driven tests, CI scripts and people at a terminal.
//!
//! Built on the library's own functions (see [`zs`], the one module with
//! unsafe code); nothing here talks to libzmq directly.
#![deny(unsafe_code)]

/// eprintln! that does not panic when stderr's reader is gone: see
/// [`common::note`].
macro_rules! note {
    ($($arg:tt)*) => {
        $crate::common::note(format_args!($($arg)*))
    };
}

mod common;
mod drain;
mod format;
mod monitor;
mod proxy;
mod pump;
mod recv;
mod send;
mod wait;
mod zs;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use crate::common::{Failure, EXIT_ZMQ};

/// Send, receive, pump, drain, proxy with faults, wait for and monitor
/// ZeroMQ sockets from a shell.
#[derive(Parser, Debug)]
#[command(name = "zmqsocket", version, about, long_about = None)]
#[command(
    after_help = "Exit status: 0 done; 1 a timeout or an expectation not met; \
2 a usage error; 3 a ZeroMQ error (the library's last error on stderr).

Run `zmqsocket <command> --help` for each command's options and examples."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Send a message, or one a line of stdin.
    Send(send::SendArgs),
    /// Receive and print messages.
    Recv(recv::RecvArgs),
    /// Send many messages at libzmq's speed.
    Pump(pump::PumpArgs),
    /// Receive many messages at libzmq's speed and check their sequence.
    Drain(drain::DrainArgs),
    /// Forward between clients and a service, injecting faults.
    Proxy(proxy::ProxyArgs),
    /// Wait until a ZeroMQ peer answers at an endpoint.
    Wait(wait::WaitArgs),
    /// Print a socket's connection events.
    Monitor(monitor::MonitorArgs),
    /// Print a shell completion script (bash, zsh, fish...).
    #[command(after_help = "Examples:
  zmqsocket completions bash > /etc/bash_completion.d/zmqsocket
  zmqsocket completions zsh > \"${fpath[1]}/_zmqsocket\"")]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the tool's and the library's versions.
    Version,
}

fn run(cli: Cli) -> common::Outcome {
    match cli.command {
        Command::Send(a) => send::run(a),
        Command::Recv(a) => {
            common::install_signal_handlers();
            recv::run(a)
        }
        Command::Pump(a) => {
            common::install_signal_handlers();
            pump::run(a)
        }
        Command::Drain(a) => {
            common::install_signal_handlers();
            drain::run(a)
        }
        Command::Proxy(a) => {
            common::install_signal_handlers();
            proxy::run(a)
        }
        Command::Wait(a) => {
            common::install_signal_handlers();
            wait::run(a)
        }
        Command::Monitor(a) => {
            common::install_signal_handlers();
            monitor::run(a)
        }
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "zmqsocket",
                &mut std::io::stdout(),
            );
            Ok(common::EXIT_OK)
        }
        Command::Version => {
            common::print_summary(&format!(
                "zmqsocket-cli {} ({})",
                env!("CARGO_PKG_VERSION"),
                zs::version()
            ))?;
            Ok(common::EXIT_OK)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let name = match &cli.command {
        Command::Send(_) => "send",
        Command::Recv(_) => "recv",
        Command::Pump(_) => "pump",
        Command::Drain(_) => "drain",
        Command::Proxy(_) => "proxy",
        Command::Wait(_) => "wait",
        Command::Monitor(_) => "monitor",
        Command::Completions { .. } => "completions",
        Command::Version => "version",
    };
    let status = match run(cli) {
        Ok(s) => s,
        Err(Failure { status, msg }) => {
            if status != common::EXIT_OK {
                note!("zmqsocket {name}: error: {msg}");
            }
            status
        }
    };
    // Let unsent messages leave (up to each socket's linger) and stop the
    // library's threads before the process ends.
    zs::destroy_all();
    debug_assert!(status <= EXIT_ZMQ);
    ExitCode::from(status)
}
