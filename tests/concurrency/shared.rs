//! The pool of shared handles (four PULLs, four PUSHes) that every
//! worker uses, fills, replaces, binds, connects, sends on, receives
//! from and polls.

use std::os::raw::{c_char, c_void};
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};

use zmqsocket::*;

use crate::codes::{bool_rc, prime, pump_rc, FALSE, NONNEG};
use crate::common::*;
use crate::kills::{born_of, handle_of, pack, Born, DA_FINISHED, DA_STARTED};
use crate::ops::Op;
use crate::wire::{header, message, parse_header, recv_with, verify, zs_frames};
use crate::Worker;

/// Shared slots 0..4 hold PULLs, 4..8 PUSHes.
const SHARED: usize = 8;
const SHARED_PULLS: usize = 4;

pub(crate) static SHARED_SLOTS: [AtomicU64; SHARED] = [const { AtomicU64::new(0) }; SHARED];
pub(crate) static SHARED_SENT: AtomicU64 = AtomicU64::new(0);
pub(crate) static SHARED_RECV: AtomicU64 = AtomicU64::new(0);

impl Worker {
    /// A shared slot of the wanted kind and what it holds (0 if empty).
    fn shared_slot(&mut self, pull: bool) -> (usize, u64) {
        let idx = if pull {
            self.rng.index(SHARED_PULLS)
        } else {
            SHARED_PULLS + self.rng.index(SHARED - SHARED_PULLS)
        };
        (idx, SHARED_SLOTS[idx].load(SeqCst))
    }

    /// A shared slot's handle, making one if the slot is empty.
    fn shared_get(&mut self, pull: bool) -> Option<(usize, u64)> {
        let (idx, v) = self.shared_slot(pull);
        if v != 0 {
            return Some((idx, v));
        }
        let op = self.op;
        self.set_op(Op::SharedFill);
        self.shared_fill(idx);
        self.op = op;
        let v = SHARED_SLOTS[idx].load(SeqCst);
        (v != 0).then_some((idx, v))
    }

    fn shared_fill(&mut self, idx: usize) {
        let born_f = DA_FINISHED.load(SeqCst);
        let mut h: zs_socket = 0;
        if idx < SHARED_PULLS {
            let rc = zs_socket_new_bound(PULL, 0, HWM, HWM, &mut h);
            self.check("zs_socket_new_bound", rc, &[NONNEG]);
        } else {
            h = self.new_socket(PUSH);
        }
        let born = Born {
            f: born_f,
            s2: DA_STARTED.load(SeqCst),
        };
        let linger = self.rng.range(0, 300);
        let rc = self.pcall(born, "zs_set_linger", &[OK], || zs_set_linger(h, linger));
        if rc == BAD_HANDLE {
            return;
        }
        let packed = pack(h, born_f);
        if SHARED_SLOTS[idx]
            .compare_exchange(0, packed, SeqCst, SeqCst)
            .is_err()
        {
            let rc = self.pcall(born, "zs_socket_destroy", &[OK], || zs_socket_destroy(h));
            if rc == OK {
                self.graveyard.push(h);
            }
        }
    }

    /// Take a shared socket out of its slot, destroy it, make a new one.
    pub(crate) fn shared_replace(&mut self) {
        let pull = self.rng.one_in(2);
        let (idx, v) = self.shared_slot(pull);
        if v != 0
            && SHARED_SLOTS[idx]
                .compare_exchange(v, 0, SeqCst, SeqCst)
                .is_ok()
        {
            // Ours now: only a zs_destroy_all may have destroyed it.
            let born = Born {
                f: born_of(v),
                s2: u64::MAX,
            };
            let h = handle_of(v);
            let rc = self.pcall(born, "zs_socket_destroy", &[OK], || zs_socket_destroy(h));
            if rc == OK {
                self.graveyard.push(h);
            }
        }
        if SHARED_SLOTS[idx].load(SeqCst) == 0 {
            self.shared_fill(idx);
        }
    }

    pub(crate) fn shared_recv(&mut self) {
        let Some((idx, v)) = self.shared_get(true) else {
            return;
        };
        let t = self.rng.range(0, 50);
        let mut frames = Vec::new();
        match self.rng.below(5) {
            0 => {
                self.scall(idx, v, "zs_recv", &[OK, TIMED_OUT], |h| {
                    let (rc, f) = recv_with(|m| zs_recv(h, t, m));
                    frames = f;
                    rc
                });
                // One frame: a header or a payload (others may have taken
                // the rest of its message).
                if let Some(f) = frames.first() {
                    if frames.len() != 1 || (parse_header(f).is_none() && f.first() != Some(&0)) {
                        self.fail(format!("zs_recv on a shared PULL gave {frames:?}"));
                    }
                }
            }
            1 => {
                self.scall(idx, v, "zs_recv_nonblocking", &[OK, WOULD_BLOCK], |h| {
                    let (rc, f) = recv_with(|m| zs_recv_nonblocking(h, m));
                    frames = f;
                    rc
                });
                if frames.len() > 1 {
                    self.fail("zs_recv_nonblocking gave more than one frame".into());
                }
            }
            2 | 3 => {
                let nb = self.rng.one_in(2);
                if nb {
                    self.scall(
                        idx,
                        v,
                        "zs_recv_multi_nonblocking",
                        &[OK, WOULD_BLOCK],
                        |h| {
                            let (rc, f) = recv_with(|m| zs_recv_multi_nonblocking(h, m));
                            frames = f;
                            rc
                        },
                    );
                } else {
                    self.scall(idx, v, "zs_recv_multi", &[OK, TIMED_OUT], |h| {
                        let (rc, f) = recv_with(|m| zs_recv_multi(h, t, m));
                        frames = f;
                        rc
                    });
                }
                // A whole message if it starts with a header (another
                // thread's zs_recv may have taken the head of it).
                if frames.first().is_some_and(|f| parse_header(f).is_some()) {
                    if let Err(e) = verify(&frames) {
                        self.fail(format!("corrupt message on a shared PULL: {e}"));
                    }
                    SHARED_RECV.fetch_add(1, SeqCst);
                }
            }
            _ => {
                let expected = self.rng.range(1, 5);
                let mut stats = zs_drain_stats::default();
                self.scall(idx, v, "zs_drain", &[OK, TIMED_OUT], |h| {
                    zs_drain(h, i64::from(expected), 0, t, &mut stats)
                });
                if stats.messages > expected as u64 {
                    self.fail(format!("zs_drain({expected}) received {}", stats.messages));
                }
                SHARED_RECV.fetch_add(stats.messages, SeqCst);
            }
        }
    }

    pub(crate) fn shared_send(&mut self) {
        let Some((idx, v)) = self.shared_get(false) else {
            return;
        };
        let nframes = 1 + self.rng.below(3) as u8;
        let uid = ((self.tid as u64) << 32) | idx as u64;
        self.shared_seq += 1;
        let parts = message(header(b'S', nframes, self.tid, uid, 0, self.shared_seq));
        let frames = zs_frames(&parts);
        let t = self.rng.range(0, 20);
        let rc = match self.rng.below(5) {
            0 if nframes == 1 => self.scall(idx, v, "zs_send", &[OK, TIMED_OUT], |h| {
                zs_send(h, parts[0].as_ptr() as *const c_void, parts[0].len(), t)
            }),
            0 | 1 => self.scall(idx, v, "zs_send_multi", &[OK, TIMED_OUT], |h| {
                zs_send_multi(h, frames.as_ptr(), frames.len(), t)
            }),
            2 => self.scall(
                idx,
                v,
                "zs_send_multi_nonblocking",
                &[OK, WOULD_BLOCK],
                |h| {
                    prime();
                    bool_rc(zs_send_multi_nonblocking(h, frames.as_ptr(), frames.len()))
                },
            ),
            3 if nframes == 1 => {
                self.scall(idx, v, "zs_send_nonblocking", &[OK, WOULD_BLOCK], |h| {
                    prime();
                    bool_rc(zs_send_nonblocking(
                        h,
                        parts[0].as_ptr() as *const c_void,
                        parts[0].len(),
                    ))
                })
            }
            _ => {
                let repeat = self.rng.range(1, 5);
                let mut sent = 0;
                let rc = self.scall(idx, v, "zs_pump", &[OK, TIMED_OUT, BAD_HANDLE], |h| {
                    prime();
                    sent = zs_pump(h, frames.as_ptr(), frames.len(), i64::from(repeat), 0, t);
                    pump_rc(sent, i64::from(repeat))
                });
                if sent > i64::from(repeat) {
                    self.fail(format!("zs_pump({repeat}) returned {sent}"));
                }
                if rc == OK || rc == TIMED_OUT {
                    SHARED_SENT.fetch_add(sent.max(0) as u64, SeqCst);
                }
                return;
            }
        };
        if rc == OK {
            SHARED_SENT.fetch_add(1, SeqCst);
        }
    }

    /// Connect a shared PUSH to a port of a shared PULL.
    pub(crate) fn shared_connect(&mut self) {
        let Some((pidx, pv)) = self.shared_get(true) else {
            return;
        };
        let mut ports = [0i32; 4];
        let n = self.scall(pidx, pv, "zs_bound_ports", &[NONNEG], |h| {
            zs_bound_ports(h, ports.as_mut_ptr(), ports.len())
        });
        if n <= 0 {
            return;
        }
        let port = ports[self.rng.index((n as usize).min(ports.len()))];
        let Some((idx, v)) = self.shared_get(false) else {
            return;
        };
        if self.rng.one_in(2) {
            self.scall(
                idx,
                v,
                "zs_connect_to_host",
                &[OK, ALREADY_CONNECTED],
                |h| zs_connect_to_host(h, c"localhost".as_ptr(), port, HWM, HWM),
            );
        } else {
            let ep = cstr(&format!("tcp://127.0.0.1:{port}"));
            self.scall(
                idx,
                v,
                "zs_connect_endpoint",
                &[OK, ALREADY_CONNECTED],
                |h| zs_connect_endpoint(h, ep.as_ptr(), HWM, HWM),
            );
        }
    }

    pub(crate) fn shared_disconnect(&mut self) {
        let Some((idx, v)) = self.shared_get(false) else {
            return;
        };
        match self.rng.below(4) {
            0 => {
                self.scall(idx, v, "zs_disconnect_from_all_hosts", &[OK], |h| {
                    zs_disconnect_from_all_hosts(h)
                });
            }
            1 => {
                self.scall(idx, v, "zs_close", &[OK], |h| zs_close(h));
            }
            n => {
                // A port some shared PULL is (or was) bound to.
                let (pidx, pv) = self.shared_slot(true);
                if pv == 0 {
                    return;
                }
                let mut ports = [0i32; 4];
                let k = self.scall(pidx, pv, "zs_bound_ports", &[NONNEG], |h| {
                    zs_bound_ports(h, ports.as_mut_ptr(), ports.len())
                });
                if k <= 0 {
                    return;
                }
                let port = ports[self.rng.index((k as usize).min(ports.len()))];
                if n == 2 {
                    self.scall(
                        idx,
                        v,
                        "zs_disconnect_from_host",
                        &[OK, NOT_CONNECTED],
                        |h| zs_disconnect_from_host(h, c"localhost".as_ptr(), port),
                    );
                } else {
                    let ep = cstr(&format!("tcp://127.0.0.1:{port}"));
                    self.scall(
                        idx,
                        v,
                        "zs_disconnect_endpoint",
                        &[OK, NOT_CONNECTED],
                        |h| zs_disconnect_endpoint(h, ep.as_ptr()),
                    );
                }
            }
        }
    }

    pub(crate) fn shared_bind(&mut self) {
        let Some((idx, v)) = self.shared_get(true) else {
            return;
        };
        let mut ports = [0i32; 4];
        let n = self.scall(idx, v, "zs_bound_ports", &[NONNEG], |h| {
            zs_bound_ports(h, ports.as_mut_ptr(), ports.len())
        });
        if n < 0 {
            return;
        }
        if n < 3 {
            let rc = if self.rng.one_in(2) {
                self.scall(idx, v, "zs_bind_to_port", &[NONNEG], |h| {
                    zs_bind_to_port(h, 0, HWM, HWM)
                })
            } else {
                self.scall(idx, v, "zs_bind_endpoint", &[NONNEG], |h| {
                    zs_bind_endpoint(h, c"tcp://127.0.0.1:0".as_ptr(), HWM, HWM)
                })
            };
            if rc == 0 {
                self.fail("a TCP bind to port 0 returned port 0".into());
            }
        } else {
            match self.rng.below(4) {
                0 => {
                    self.scall(idx, v, "zs_unbind_from_all_ports", &[OK], |h| {
                        zs_unbind_from_all_ports(h)
                    });
                }
                1 => {
                    self.scall(idx, v, "zs_close", &[OK], |h| zs_close(h));
                }
                _ => {
                    let port = ports[self.rng.index((n as usize).min(ports.len()))];
                    self.scall(idx, v, "zs_unbind_from_port", &[OK, NOT_BOUND], |h| {
                        zs_unbind_from_port(h, port)
                    });
                }
            }
        }
    }

    pub(crate) fn shared_query(&mut self) {
        let pull = self.rng.one_in(2);
        let (idx, v) = self.shared_slot(pull);
        if v == 0 {
            return;
        }
        let kind = if pull { PULL } else { PUSH };
        match self.rng.below(8) {
            0 => {
                self.scall(idx, v, "zs_socket_type", &[kind], |h| zs_socket_type(h));
            }
            1 => {
                let mut ports = [0i32; 4];
                let allowed: &[i32] = if pull { &[NONNEG] } else { &[0] };
                self.scall(idx, v, "zs_bound_ports", allowed, |h| {
                    zs_bound_ports(h, ports.as_mut_ptr(), ports.len())
                });
            }
            2 => {
                let mut buf = [0u8; 1024];
                let n = self.scall(idx, v, "zs_endpoints", &[NONNEG], |h| {
                    zs_endpoints(h, buf.as_mut_ptr() as *mut c_char, buf.len())
                });
                if n >= 0 {
                    let end = (n as usize).min(buf.len() - 1);
                    if buf[end] != 0 {
                        self.fail("zs_endpoints: no NUL".into());
                    }
                    let text = String::from_utf8_lossy(&buf[..end]).into_owned();
                    let want = if pull { "bind " } else { "connect " };
                    if (n as usize) < buf.len() && text.lines().any(|l| !l.starts_with(want)) {
                        self.fail(format!("zs_endpoints of a shared socket: {text:?}"));
                    }
                }
            }
            3 => {
                self.scall(idx, v, "zs_peer_count", &[NONNEG], |h| zs_peer_count(h));
            }
            4 => {
                let t = self.rng.range(0, 30);
                self.scall(idx, v, "zs_wait_peers", &[OK, TIMED_OUT], |h| {
                    zs_wait_peers(h, 1, t)
                });
            }
            5 => {
                let linger = self.rng.range(0, 300);
                self.scall(idx, v, "zs_set_linger", &[OK], |h| zs_set_linger(h, linger));
            }
            6 => {
                let port = self.rng.range(1, 65535);
                self.scall(idx, v, "zs_is_bound_to_port", &[OK, FALSE], |h| {
                    prime();
                    bool_rc(zs_is_bound_to_port(h, port))
                });
            }
            _ => {
                let port = self.rng.range(1, 65535);
                self.scall(idx, v, "zs_is_connected_to_host", &[OK, FALSE], |h| {
                    prime();
                    bool_rc(zs_is_connected_to_host(h, c"localhost".as_ptr(), port))
                });
            }
        }
    }

    /// zs_poll over shared PULLs and this thread's private PULLs.
    pub(crate) fn poll(&mut self) {
        let mut list: Vec<u64> = Vec::new();
        let mut shared: Vec<(usize, u64)> = Vec::new();
        for _ in 0..self.rng.range(0, 2) {
            let (idx, v) = self.shared_slot(true);
            if v != 0 {
                shared.push((idx, v));
                list.push(handle_of(v));
            }
        }
        let mut privs: Vec<Born> = Vec::new();
        for _ in 0..self.rng.range(1, 2) {
            let j = self.rng.index(self.pairs.len());
            let p = &self.pairs[j];
            list.push(p.pull);
            privs.push(p.born);
        }
        let t = self.rng.range(0, 30);
        let mut readable = vec![false; list.len()];
        let f_before = DA_FINISHED.load(SeqCst);
        let rc = zs_poll(list.as_ptr(), list.len(), t, readable.as_mut_ptr());
        let s_after = DA_STARTED.load(SeqCst);
        if rc == BAD_HANDLE {
            let excused = shared
                .iter()
                .any(|&(i, v)| SHARED_SLOTS[i].load(SeqCst) != v || s_after > born_of(v))
                || privs.iter().any(|b| s_after > b.f);
            if !excused {
                self.fail(format!(
                    "zs_poll({list:?}) returned BAD_HANDLE with every handle live"
                ));
            }
            self.check("zs_poll", rc, &[BAD_HANDLE]);
            return;
        }
        if privs.iter().any(|b| f_before > b.s2) {
            self.fail(format!(
                "zs_poll returned {rc} over a private handle a finished zs_destroy_all destroyed"
            ));
        }
        self.check("zs_poll", rc, &[NONNEG]);
        let n = readable.iter().filter(|r| **r).count();
        if n != rc as usize {
            self.fail(format!("zs_poll returned {rc} but readable = {readable:?}"));
        }
    }
}
