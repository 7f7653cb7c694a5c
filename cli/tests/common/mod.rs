//! Runs the built `zmqsocket` as a shell user would: arguments, stdin,
//! stdout and stderr lines, exit status, signals. Every wait has a
//! deadline (generous: the machine may be loaded) and fails the test
//! with what the program said, never hangs.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

/// How long any one step may take before the test fails: far above what
/// each step needs, for a loaded 2-core machine.
pub const PATIENCE: Duration = Duration::from_secs(120);

pub const BIN: &str = env!("CARGO_BIN_EXE_zmqsocket");

/// A finished run.
#[derive(Debug)]
pub struct Output {
    pub status: i32,
    pub stdout: Vec<String>,
    pub stderr: Vec<String>,
}

impl Output {
    pub fn stderr_text(&self) -> String {
        self.stderr.join("\n")
    }

    /// The last stdout line as JSON.
    pub fn last_json(&self) -> serde_json::Value {
        let line = self
            .stdout
            .last()
            .unwrap_or_else(|| panic!("no stdout: {self:?}"));
        serde_json::from_str(line).unwrap_or_else(|e| panic!("{line:?} is not JSON: {e}"))
    }
}

/// A running `zmqsocket`, its output read line by line.
pub struct Running {
    child: Child,
    out: Receiver<String>,
    err: Receiver<String>,
    pub stdout: Vec<String>,
    pub stderr: Vec<String>,
}

fn lines_of(r: impl std::io::Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = channel();
    thread::spawn(move || {
        for line in BufReader::new(r).lines() {
            match line {
                Ok(l) => {
                    if tx.send(l).is_err() {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
    });
    rx
}

pub fn spawn(args: &[&str]) -> Running {
    spawn_with_stdin(args, None)
}

pub fn spawn_with_stdin(args: &[&str], stdin: Option<&str>) -> Running {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the zmqsocket binary runs");
    if let Some(text) = stdin {
        let mut w = child.stdin.take().unwrap();
        w.write_all(text.as_bytes()).unwrap();
    }
    let out = lines_of(child.stdout.take().unwrap());
    let err = lines_of(child.stderr.take().unwrap());
    Running {
        child,
        out,
        err,
        stdout: Vec::new(),
        stderr: Vec::new(),
    }
}

/// Runs to the end.
pub fn run(args: &[&str]) -> Output {
    spawn(args).finish()
}

pub fn run_with_stdin(args: &[&str], stdin: &str) -> Output {
    spawn_with_stdin(args, Some(stdin)).finish()
}

impl Running {
    /// Waits for a stderr line starting with `prefix`; returns the rest.
    pub fn stderr_line(&mut self, prefix: &str) -> String {
        let end = Instant::now() + PATIENCE;
        if let Some(l) = self.stderr.iter().find(|l| l.starts_with(prefix)) {
            return l[prefix.len()..].to_owned();
        }
        loop {
            let left = end.saturating_duration_since(Instant::now());
            match self.err.recv_timeout(left) {
                Ok(l) => {
                    self.stderr.push(l.clone());
                    if let Some(rest) = l.strip_prefix(prefix) {
                        return rest.to_owned();
                    }
                }
                Err(e) => panic!(
                    "no stderr line {prefix:?} ({e:?}); stderr so far: {:?}",
                    self.stderr
                ),
            }
        }
    }

    /// The endpoint it printed as "listening on EP".
    pub fn endpoint(&mut self) -> String {
        self.stderr_line("listening on ")
    }

    /// Waits for a stdout line that `pred` accepts; returns it.
    pub fn stdout_line(&mut self, pred: impl Fn(&str) -> bool) -> String {
        let end = Instant::now() + PATIENCE;
        loop {
            let left = end.saturating_duration_since(Instant::now());
            match self.out.recv_timeout(left) {
                Ok(l) => {
                    self.stdout.push(l.clone());
                    if pred(&l) {
                        return l;
                    }
                }
                Err(e) => panic!(
                    "no such stdout line ({e:?}); stdout so far: {:?}",
                    self.stdout
                ),
            }
        }
    }

    pub fn signal(&self, sig: i32) {
        // SAFETY: kill(2) on our own child's pid.
        let rc = unsafe { libc::kill(self.child.id() as i32, sig) };
        assert_eq!(rc, 0, "kill");
    }

    /// Waits for the exit (failing the test past PATIENCE) and collects
    /// the rest of its output.
    pub fn finish(mut self) -> Output {
        let end = Instant::now() + PATIENCE;
        let status = loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                break st;
            }
            if Instant::now() >= end {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!(
                    "zmqsocket did not exit within {PATIENCE:?}; stderr: {:?}",
                    self.stderr
                );
            }
            thread::sleep(Duration::from_millis(20));
        };
        // The pipes close at exit: read them to the end.
        for (rx, v) in [(&self.out, &mut self.stdout), (&self.err, &mut self.stderr)] {
            loop {
                match rx.recv_timeout(PATIENCE) {
                    Ok(l) => v.push(l),
                    Err(RecvTimeoutError::Disconnected) => break,
                    Err(RecvTimeoutError::Timeout) => panic!("output pipe stayed open"),
                }
            }
        }
        Output {
            status: status
                .code()
                .unwrap_or_else(|| panic!("killed: {status:?}")),
            stdout: self.stdout,
            stderr: self.stderr,
        }
    }
}
