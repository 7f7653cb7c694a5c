//! The state check after every step: everything the library tells about
//! the sockets, compared with the model.

use std::ffi::CString;
use std::os::raw::c_char;
use std::ptr;

use zmqsocket::*;

use super::super::calls::{cstring, last_error, Check, BAD_HANDLE};
use super::super::state::{Run, HOSTS};
use super::{Executor, BOGUS};

impl Executor {
    /// Compare everything the library can tell about the sockets with the
    /// model.
    pub(super) fn check_state(&mut self, run: &Run) -> Check {
        self.stats.state_checks += 1;
        let mut calls = 1u64;
        let n = zs_socket_count();
        if n != (run.live.len() + run.proxies.len()) as i32 {
            return Err(format!(
                "zs_socket_count is {n}, the model has {} live sockets and {} proxies",
                run.live.len(),
                run.proxies.len()
            ));
        }
        let ports = self.known_ports(run);
        let mut ask_ports = ports.clone();
        for s in run.live.values() {
            for c in &s.connects {
                if let Some((_, p)) = c.host {
                    if !ask_ports.contains(&p) {
                        ask_ports.push(p);
                    }
                }
            }
        }
        let host_ids: Vec<CString> = HOSTS.iter().map(|h| cstring(h)).collect();
        for (&h, s) in &run.live {
            let t = zs_socket_type(h);
            if t != s.kind.code() {
                return Err(format!(
                    "zs_socket_type(h={h}) is {t}, the model says {:?}",
                    s.kind
                ));
            }
            // Bound ports, snprintf-style: count first, then a buffer one
            // larger than needed whose last slot must stay untouched.
            let want = s.ports();
            let n = zs_bound_ports(h, ptr::null_mut(), 0);
            let mut buf = vec![-7i32; want.len() + 1];
            let m = zs_bound_ports(h, buf.as_mut_ptr(), buf.len());
            calls += 3;
            if n != want.len() as i32
                || m != n
                || buf[..want.len()] != want[..]
                || buf[want.len()] != -7
            {
                return Err(format!(
                    "zs_bound_ports(h={h}) gave {n}/{m} {:?}, the model says {want:?}",
                    &buf[..buf.len() - 1]
                ));
            }
            let want = s.endpoints_text();
            let n = zs_endpoints(h, ptr::null_mut(), 0);
            let mut buf = vec![0x55u8; want.len() + 2];
            let m = zs_endpoints(h, buf.as_mut_ptr() as *mut c_char, buf.len());
            calls += 2;
            let got = String::from_utf8_lossy(&buf[..want.len().min(buf.len())]).into_owned();
            if n != want.len() as i32
                || m != n
                || got != want
                || buf[want.len()] != 0
                || buf[want.len() + 1] != 0x55
            {
                let nul = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
                return Err(format!(
                    "zs_endpoints(h={h}) gave length {n}/{m} text {:?}, the model says {want:?}",
                    String::from_utf8_lossy(&buf[..nul])
                ));
            }
            for &p in &ask_ports {
                let want = s.binds.iter().any(|b| b.port == Some(p));
                let got = zs_is_bound_to_port(h, i32::from(p));
                calls += 1;
                if got != want {
                    return Err(format!(
                        "zs_is_bound_to_port(h={h}, {p}) is {got}, the model says {want} ({:?})",
                        last_error()
                    ));
                }
                for (id, cid) in HOSTS.iter().zip(&host_ids) {
                    let want = s.connected_to(id, p);
                    let got = zs_is_connected_to_host(h, cid.as_ptr(), i32::from(p));
                    calls += 1;
                    if got != want {
                        return Err(format!(
                            "zs_is_connected_to_host(h={h}, {id}, {p}) is {got}, the model says {want} ({:?})",
                            last_error()
                        ));
                    }
                }
            }
        }
        let p = i32::from(ports[0]);
        for &d in run.dead.iter().chain(BOGUS.iter()) {
            let t = zs_socket_type(d);
            let b = zs_bound_ports(d, ptr::null_mut(), 0);
            let e = zs_endpoints(d, ptr::null_mut(), 0);
            calls += 3;
            if t != BAD_HANDLE || b != BAD_HANDLE || e != BAD_HANDLE {
                return Err(format!(
                    "dead handle {d}: zs_socket_type {t}, zs_bound_ports {b}, zs_endpoints {e}, not all {BAD_HANDLE}"
                ));
            }
            let bound = zs_is_bound_to_port(d, p);
            let bc = zs_last_error_code();
            let conn = zs_is_connected_to_host(d, host_ids[0].as_ptr(), p);
            let cc = zs_last_error_code();
            calls += 2;
            if bound || conn || bc != BAD_HANDLE || cc != BAD_HANDLE {
                return Err(format!(
                    "dead handle {d}: zs_is_bound_to_port {bound} (code {bc}), zs_is_connected_to_host {conn} (code {cc})"
                ));
            }
        }
        self.stats.query_calls += calls;
        Ok(())
    }
}
