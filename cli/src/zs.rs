//! The library's C API (its exported `zs_*` functions, linked in as the
//! rlib), behind a small safe wrapper. The only module with unsafe code:
//! reading the C strings and received frames the library hands back.
#![allow(unsafe_code)]

use std::ffi::{c_void, CStr, CString};
use std::os::raw::c_char;

use zmqsocket as lib;
use zmqsocket::types::{zs_drain_stats, zs_event, zs_frame, zs_message, zs_proxy_stats};
use zmqsocket::zs_result;

/// A failed library call: its result code and the thread's last error.
#[derive(Debug, Clone)]
pub struct ZsError {
    pub code: i32,
    pub text: String,
}

impl ZsError {
    /// The error of the call that just returned `code`.
    fn last(code: i32) -> ZsError {
        let mut text = last_error();
        if text.is_empty() {
            text = strerror(code);
        }
        ZsError { code, text }
    }

    pub fn is(&self, r: zs_result) -> bool {
        self.code == r.code()
    }

    /// A wait that ended without its result: the time ran out, or a signal
    /// interrupted it (SIGINT or SIGTERM, the only signals this program
    /// catches: the caller then finds the stop flag set).
    pub fn ended_wait(&self) -> bool {
        self.is(zs_result::ZS_ERR_TIMED_OUT) || self.is(zs_result::ZS_ERR_INTERRUPTED)
    }
}

pub type Result<T> = std::result::Result<T, ZsError>;

fn check(rc: i32) -> Result<i32> {
    if rc < 0 {
        Err(ZsError::last(rc))
    } else {
        Ok(rc)
    }
}

/// A string argument; one with a NUL inside cannot be a valid name or
/// endpoint, so it is refused as the library refuses bad arguments.
fn c_string(s: &str, what: &str) -> Result<CString> {
    CString::new(s).map_err(|_| ZsError {
        code: zs_result::ZS_ERR_INVALID_ARGUMENT.code(),
        text: format!("{what} {s:?} contains a NUL byte"),
    })
}

/// Text of a NUL-terminated string the library owns, or "" for NULL.
fn library_text(p: *const c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: zs_last_error and zs_strerror return NUL-terminated strings
    // that stay valid until this thread's next failing call; we copy it
    // out before making any other call.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

pub fn last_error() -> String {
    library_text(lib::zs_last_error())
}

pub fn strerror(code: i32) -> String {
    library_text(lib::zs_strerror(code))
}

pub fn version() -> String {
    library_text(lib::zs_version())
}

/// The socket type named `name` ("push", "XREQ"...).
pub fn type_from_name(name: &str) -> Result<i32> {
    let c = c_string(name, "socket type")?;
    check(lib::zs_socket_type_from_name(c.as_ptr()))
}

/// The canonical name of socket type `t` ("PUSH").
pub fn type_name(t: i32) -> &'static str {
    lib::zs_socket_type::from_i32(t).map_or("?", |t| t.name())
}

/// Destroys every socket and proxy and waits until their unsent messages
/// have left or their lingers ran out.
pub fn destroy_all() {
    lib::zs_destroy_all();
}

fn frames_of(parts: &[Vec<u8>]) -> Vec<zs_frame> {
    parts
        .iter()
        .map(|p| zs_frame {
            data: p.as_ptr() as *const c_void,
            len: p.len(),
        })
        .collect()
}

/// One socket of the library. It is destroyed by `destroy_all` at exit,
/// which lets its unsent messages leave first.
pub struct Socket(lib::zs_socket);

impl Socket {
    pub fn new(socket_type: i32) -> Result<Socket> {
        let mut s = 0;
        check(lib::zs_socket_new(socket_type, &mut s))?;
        Ok(Socket(s))
    }

    pub fn socket_type(&self) -> Result<i32> {
        check(lib::zs_socket_type(self.0))
    }

    pub fn bind(&self, endpoint: &str, hwm: i32) -> Result<i32> {
        let c = c_string(endpoint, "endpoint")?;
        check(lib::zs_bind_endpoint(self.0, c.as_ptr(), hwm, hwm))
    }

    pub fn connect(&self, endpoint: &str, hwm: i32) -> Result<()> {
        let c = c_string(endpoint, "endpoint")?;
        check(lib::zs_connect_endpoint(self.0, c.as_ptr(), hwm, hwm)).map(drop)
    }

    /// The endpoints this socket is bound to, as libzmq resolved them.
    pub fn bound_endpoints(&self) -> Result<Vec<String>> {
        let need = check(lib::zs_endpoints(self.0, std::ptr::null_mut(), 0))?;
        let mut buf = vec![0u8; need as usize + 1];
        check(lib::zs_endpoints(
            self.0,
            buf.as_mut_ptr() as *mut c_char,
            buf.len(),
        ))?;
        buf.truncate(need as usize);
        let text = String::from_utf8_lossy(&buf);
        Ok(text
            .lines()
            .filter_map(|l| l.strip_prefix("bind "))
            .map(str::to_owned)
            .collect())
    }

    pub fn subscribe(&self, prefix: &[u8]) -> Result<()> {
        check(lib::zs_subscribe(
            self.0,
            prefix.as_ptr() as *const c_void,
            prefix.len(),
        ))
        .map(drop)
    }

    pub fn set_linger(&self, ms: i32) -> Result<()> {
        check(lib::zs_set_linger(self.0, ms)).map(drop)
    }

    pub fn send(&self, parts: &[Vec<u8>], timeout_ms: i32) -> Result<()> {
        let frames = frames_of(parts);
        check(lib::zs_send_multi(
            self.0,
            frames.as_ptr(),
            frames.len(),
            timeout_ms,
        ))
        .map(drop)
    }

    /// Every frame of the next message, copied out of the library.
    pub fn recv(&self, timeout_ms: i32) -> Result<Vec<Vec<u8>>> {
        let mut m = zs_message {
            frames: std::ptr::null_mut(),
            count: 0,
            owner: std::ptr::null_mut(),
        };
        check(lib::zs_recv_multi(self.0, timeout_ms, &mut m))?;
        let frames: &[zs_frame] = if m.count == 0 {
            &[]
        } else {
            // SAFETY: on success the library filled `m` with `count`
            // frames at `frames`, valid until zs_message_free below.
            unsafe { std::slice::from_raw_parts(m.frames, m.count) }
        };
        let parts = frames
            .iter()
            .map(|f| {
                if f.len == 0 {
                    Vec::new()
                } else {
                    // SAFETY: a frame of a received message points at
                    // `len` readable bytes until zs_message_free.
                    unsafe { std::slice::from_raw_parts(f.data as *const u8, f.len) }.to_vec()
                }
            })
            .collect();
        lib::zs_message_free(&mut m);
        Ok(parts)
    }

    /// zs_pump: sends `parts` `repeat` times; returns how many went, and
    /// the error that ended it early, if one did.
    pub fn pump(
        &self,
        parts: &[Vec<u8>],
        repeat: i64,
        flags: u32,
        timeout_ms: i32,
    ) -> (i64, Option<ZsError>) {
        let frames = frames_of(parts);
        let n = lib::zs_pump(
            self.0,
            frames.as_ptr(),
            frames.len(),
            repeat,
            flags,
            timeout_ms,
        );
        if n < 0 {
            (0, Some(ZsError::last(n as i32)))
        } else if n < repeat {
            (n, Some(ZsError::last(lib::zs_last_error_code())))
        } else {
            (n, None)
        }
    }

    /// zs_drain: Ok(true) when `expected` arrived, Ok(false) when none
    /// arrived for `timeout_ms`; the stats either way.
    pub fn drain(
        &self,
        expected: i64,
        flags: u32,
        timeout_ms: i32,
    ) -> (Result<bool>, zs_drain_stats) {
        let mut st = zs_drain_stats::default();
        let rc = lib::zs_drain(self.0, expected, flags, timeout_ms, &mut st);
        let r = match check(rc) {
            Ok(_) => Ok(true),
            Err(e) if e.ended_wait() => Ok(false),
            Err(e) => Err(e),
        };
        (r, st)
    }

    pub fn peer_count(&self) -> Result<i32> {
        check(lib::zs_peer_count(self.0))
    }

    /// Ok(true) once a ZMTP session is live, Ok(false) at the timeout.
    pub fn wait_peer(&self, timeout_ms: i32) -> Result<bool> {
        match check(lib::zs_wait_peers(self.0, 1, timeout_ms)) {
            Ok(_) => Ok(true),
            Err(e) if e.ended_wait() => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The next connection event, or None at the timeout.
    pub fn next_event(&self, timeout_ms: i32) -> Result<Option<Event>> {
        let mut ev = zs_event {
            kind: 0,
            value: 0,
            time_us: 0,
            endpoint: [0; 256],
        };
        match check(lib::zs_next_event(self.0, timeout_ms, &mut ev)) {
            Ok(_) => {
                let bytes: Vec<u8> = ev
                    .endpoint
                    .iter()
                    .take_while(|&&c| c != 0)
                    .map(|&c| c as u8)
                    .collect();
                Ok(Some(Event {
                    kind: ev.kind,
                    value: ev.value,
                    time_us: ev.time_us,
                    endpoint: String::from_utf8_lossy(&bytes).into_owned(),
                }))
            }
            Err(e) if e.ended_wait() => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// One connection event (zs_event).
pub struct Event {
    pub kind: i32,
    pub value: i32,
    pub time_us: u64,
    pub endpoint: String,
}

/// A fault-injecting proxy of the library (zs_proxy_*).
pub struct Proxy(lib::zs_socket);

impl Proxy {
    /// Starts the proxy; returns it and its front's TCP port (0: not TCP).
    pub fn new(client_type: i32, front: &str, service: &str) -> Result<(Proxy, i32)> {
        let f = c_string(front, "front")?;
        let s = c_string(service, "service")?;
        let mut h = 0;
        let port = check(lib::zs_proxy_new(
            client_type,
            f.as_ptr(),
            s.as_ptr(),
            &mut h,
        ))?;
        Ok((Proxy(h), port))
    }

    pub fn fault(&self, direction: i32, rules: &str) -> Result<()> {
        let r = c_string(rules, "rules")?;
        check(lib::zs_proxy_fault(self.0, direction, r.as_ptr())).map(drop)
    }

    pub fn stats(&self) -> Result<zs_proxy_stats> {
        let mut st = zs_proxy_stats::default();
        check(lib::zs_proxy_stats_get(self.0, &mut st))?;
        Ok(st)
    }
}
