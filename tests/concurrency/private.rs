//! The private PUSH->PULL pairs of each worker: making and dropping them,
//! exchanging numbered messages by every send and receive form,
//! rebinding, queries, and calls on handles the worker destroyed.

use std::os::raw::{c_char, c_void};
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};

use zmqsocket::*;

use crate::codes::{bool_rc, prime, pump_rc, FALSE, NONNEG};
use crate::common::*;
use crate::kills::{Born, DA_FINISHED, DA_STARTED, HANDLE_MASK};
use crate::wire::{header, message, parse_header, recv_with, verify, zs_frames};
use crate::Worker;

pub(crate) const MAX_PAIRS: usize = 3;
/// A message sent on a live private pair must arrive within this.
const RECV_MS: i32 = 5000;

pub(crate) static PRIV_SENT: AtomicU64 = AtomicU64::new(0);
pub(crate) static PRIV_RECV: AtomicU64 = AtomicU64::new(0);
pub(crate) static OLD_GEN: AtomicU64 = AtomicU64::new(0);
pub(crate) static FOREIGN_SHARED: AtomicU64 = AtomicU64::new(0);
pub(crate) static REBINDS: AtomicU64 = AtomicU64::new(0);

pub(crate) struct Pair {
    pub(crate) pull: u64,
    pub(crate) push: u64,
    port: i32,
    uid: u64,
    gen: u32,
    send_seq: u32,
    recv_seq: u32,
    /// Connected with zs_connect_to_host("localhost"), else by endpoint.
    via_host: bool,
    pub(crate) born: Born,
}

impl Worker {
    pub(crate) fn pair_create(&mut self) {
        let born = Born::making(DA_FINISHED.load(SeqCst));
        let uid = ((self.tid as u64) << 32) | self.uid_next;
        self.uid_next += 1;
        let loopback = self.rng.one_in(2);
        let (pull, port, push, via_host);
        match self.rng.below(3) {
            0 => {
                // The one-call constructors.
                let mut s: zs_socket = 0;
                let rc = zs_socket_new_bound(PULL, 0, HWM, HWM, &mut s);
                self.check("zs_socket_new_bound", rc, &[NONNEG]);
                assert!(rc > 0, "zs_socket_new_bound returned port {rc}");
                let mut c: zs_socket = 0;
                let rc2 =
                    zs_socket_new_connected(PUSH, c"localhost".as_ptr(), rc, HWM, HWM, &mut c);
                self.check("zs_socket_new_connected", rc2, &[OK]);
                (pull, port, push, via_host) = (s, rc, c, true);
            }
            _ => {
                // Socket by socket; a zs_destroy_all may strike between.
                let s = self.new_socket(PULL);
                let rc = if loopback {
                    let ep = c"tcp://127.0.0.1:0";
                    self.pcall(born, "zs_bind_endpoint", &[NONNEG], || {
                        zs_bind_endpoint(s, ep.as_ptr(), HWM, HWM)
                    })
                } else {
                    self.pcall(born, "zs_bind_to_port", &[NONNEG], || {
                        zs_bind_to_port(s, 0, HWM, HWM)
                    })
                };
                if rc == BAD_HANDLE {
                    return;
                }
                if rc == 0 {
                    self.fail("a TCP bind to port 0 returned port 0".into());
                }
                let c = self.new_socket(PUSH);
                via_host = self.rng.one_in(2);
                let rc2 = if via_host {
                    self.pcall(born, "zs_connect_to_host", &[OK], || {
                        zs_connect_to_host(c, c"localhost".as_ptr(), rc, HWM, HWM)
                    })
                } else {
                    let ep = cstr(&format!("tcp://127.0.0.1:{rc}"));
                    self.pcall(born, "zs_connect_endpoint", &[OK], || {
                        zs_connect_endpoint(c, ep.as_ptr(), HWM, HWM)
                    })
                };
                (pull, port, push) = (s, rc, c);
                if rc2 == BAD_HANDLE {
                    let dead = Pair {
                        pull,
                        push,
                        port,
                        uid,
                        gen: 0,
                        send_seq: 0,
                        recv_seq: 0,
                        via_host,
                        born,
                    };
                    self.pair_drop(dead, "half-made");
                    return;
                }
            }
        }
        let born = Born {
            f: born.f,
            s2: DA_STARTED.load(SeqCst),
        };
        let p = Pair {
            pull,
            push,
            port,
            uid,
            gen: 0,
            send_seq: 0,
            recv_seq: 0,
            via_host,
            born,
        };
        // Unsent messages of a destroyed private PUSH must not linger and
        // reach whichever socket gets its port next.
        let rc = self.pcall(born, "zs_set_linger", &[OK], || zs_set_linger(push, 0));
        if rc == BAD_HANDLE {
            self.pair_drop(p, "linger");
            return;
        }
        self.pairs.push(p);
    }

    /// Destroy both sockets of a pair (PUSH first, so that it never
    /// reconnects to a port handed to someone else).
    pub(crate) fn pair_drop(&mut self, p: Pair, _why: &str) {
        for h in [p.push, p.pull] {
            let rc = self.pcall(p.born, "zs_socket_destroy", &[OK], || zs_socket_destroy(h));
            if rc == OK {
                self.graveyard.push(h);
            }
        }
        if self.graveyard.len() > 64 {
            self.graveyard.drain(..32);
        }
    }

    /// Remove pair `i` after one of its calls said BAD_HANDLE (excused).
    fn lose_pair(&mut self, i: usize) {
        let p = self.pairs.swap_remove(i);
        self.pair_drop(p, "lost");
    }

    /// Send the pair's next message by a random method. False when the
    /// pair was lost to a zs_destroy_all.
    fn send_private(&mut self, i: usize) -> bool {
        let method = self.rng.below(6);
        let nframes = match method {
            0 | 2 => 1,
            _ => 1 + self.rng.below(3) as u8,
        };
        let p = &self.pairs[i];
        let (push, born) = (p.push, p.born);
        let hdr = header(b'P', nframes, self.tid, p.uid, p.gen, p.send_seq);
        let parts = message(hdr);
        let frames = zs_frames(&parts);
        let timeout = [RECV_MS, DEFAULT_TIMEOUT, FOREVER, 0][self.rng.index(4)];
        let rc = match method {
            0 => self.pcall(born, "zs_send", &[OK], || {
                zs_send(
                    push,
                    parts[0].as_ptr() as *const c_void,
                    parts[0].len(),
                    timeout,
                )
            }),
            1 => self.pcall(born, "zs_send_multi", &[OK], || {
                zs_send_multi(push, frames.as_ptr(), frames.len(), timeout)
            }),
            2 => self.pcall(born, "zs_send_nonblocking", &[OK], || {
                prime();
                bool_rc(zs_send_nonblocking(
                    push,
                    parts[0].as_ptr() as *const c_void,
                    parts[0].len(),
                ))
            }),
            3 => self.pcall(born, "zs_send_multi_nonblocking", &[OK], || {
                prime();
                bool_rc(zs_send_multi_nonblocking(
                    push,
                    frames.as_ptr(),
                    frames.len(),
                ))
            }),
            _ => self.pcall(born, "zs_pump", &[OK], || {
                prime();
                pump_rc(
                    zs_pump(push, frames.as_ptr(), frames.len(), 1, 0, RECV_MS),
                    1,
                )
            }),
        };
        if rc == BAD_HANDLE {
            self.lose_pair(i);
            return false;
        }
        self.pairs[i].send_seq += 1;
        PRIV_SENT.fetch_add(1, SeqCst);
        true
    }

    /// Receive one whole message on pair `i`'s PULL, waiting up to
    /// RECV_MS, by a random method. Err(BAD_HANDLE) when the pair was lost.
    fn recv_private(&mut self, i: usize) -> Result<Vec<Vec<u8>>, i32> {
        let p = &self.pairs[i];
        let (pull, born) = (p.pull, p.born);
        match self.rng.below(4) {
            0 | 1 => {
                let t = if self.rng.one_in(2) {
                    RECV_MS
                } else {
                    DEFAULT_TIMEOUT
                };
                let mut frames = Vec::new();
                let rc = self.pcall(born, "zs_recv_multi", &[OK, TIMED_OUT], || {
                    let (rc, f) = recv_with(|m| zs_recv_multi(pull, t, m));
                    frames = f;
                    rc
                });
                match rc {
                    OK => Ok(frames),
                    BAD_HANDLE => Err(rc),
                    _ => self.lost(i, rc, "zs_recv_multi"),
                }
            }
            2 => {
                // Poll (the PULL listed twice), then take it without waiting.
                let list = [pull, pull];
                let mut readable = [false; 2];
                let rc = self.pcall(born, "zs_poll", &[0, 2], || {
                    zs_poll(list.as_ptr(), 2, RECV_MS, readable.as_mut_ptr())
                });
                match rc {
                    BAD_HANDLE => return Err(rc),
                    0 => self.lost(i, rc, "zs_poll"),
                    _ => {}
                }
                if readable != [true, true] {
                    self.fail(format!("zs_poll returned 2 but readable = {readable:?}"));
                }
                let mut frames = Vec::new();
                let rc = self.pcall(born, "zs_recv_multi_nonblocking", &[OK], || {
                    let (rc, f) = recv_with(|m| zs_recv_multi_nonblocking(pull, m));
                    frames = f;
                    rc
                });
                if rc == BAD_HANDLE {
                    return Err(rc);
                }
                Ok(frames)
            }
            _ => {
                // Frame by frame with zs_recv; the header says how many.
                let mut frames: Vec<Vec<u8>> = Vec::new();
                let mut want = 1;
                while frames.len() < want {
                    let mut got = Vec::new();
                    let rc = self.pcall(born, "zs_recv", &[OK, TIMED_OUT], || {
                        let (rc, f) = recv_with(|m| zs_recv(pull, RECV_MS, m));
                        got = f;
                        rc
                    });
                    match rc {
                        OK => {}
                        BAD_HANDLE => return Err(rc),
                        _ => self.lost(i, rc, "zs_recv"),
                    }
                    if got.len() != 1 {
                        self.fail(format!("zs_recv gave {} frames", got.len()));
                    }
                    if frames.is_empty() {
                        match parse_header(&got[0]) {
                            Some(h) => want = usize::from(h.nframes),
                            None => self.fail(format!(
                                "zs_recv on a private PULL: first frame is not a header: {:?}",
                                got[0]
                            )),
                        }
                    }
                    frames.extend(got);
                }
                Ok(frames)
            }
        }
    }

    #[track_caller]
    fn lost(&self, i: usize, rc: i32, what: &str) -> ! {
        let p = &self.pairs[i];
        self.fail(format!(
            "{what} returned {rc} on private pair {:#x} (port {}): message gen {} seq {} \
             was sent but not received within {RECV_MS} ms",
            p.uid, p.port, p.gen, p.recv_seq
        ))
    }

    /// A message received on pair `i`: true if it is the next one expected,
    /// false if it is an allowed stray (shared traffic that found a reused
    /// port, or a leftover of an earlier generation).
    fn classify(&mut self, i: usize, frames: &[Vec<u8>]) -> bool {
        let h = match verify(frames) {
            Ok(h) => h,
            Err(e) => self.fail(format!("corrupt message on a private PULL: {e}")),
        };
        if h.tag == b'S' {
            FOREIGN_SHARED.fetch_add(1, SeqCst);
            return false;
        }
        let (uid, gen, seq) = {
            let p = &self.pairs[i];
            (p.uid, p.gen, p.recv_seq)
        };
        if h.uid != uid {
            self.fail(format!(
                "a message of private pair {:#x} reached private pair {uid:#x}",
                h.uid
            ));
        }
        if h.gen < gen {
            OLD_GEN.fetch_add(1, SeqCst);
            return false;
        }
        if h.gen != gen || h.seq != seq {
            self.fail(format!(
                "pair {uid:#x}: expected gen {gen} seq {seq}, received gen {} seq {} (lost or reordered)",
                h.gen, h.seq
            ));
        }
        self.pairs[i].recv_seq += 1;
        PRIV_RECV.fetch_add(1, SeqCst);
        true
    }

    pub(crate) fn exchange(&mut self, i: usize) {
        let k = 1 + self.rng.below(5);
        for _ in 0..k {
            if !self.send_private(i) {
                return;
            }
        }
        let mut got = 0;
        while got < k {
            match self.recv_private(i) {
                Ok(frames) => {
                    if self.classify(i, &frames) {
                        got += 1;
                    }
                }
                Err(_) => {
                    self.lose_pair(i);
                    return;
                }
            }
        }
    }

    pub(crate) fn rebind(&mut self, i: usize) {
        let p = &self.pairs[i];
        let (pull, push, old, born, via_host) = (p.pull, p.push, p.port, p.born, p.via_host);
        let old_ep = cstr(&format!("tcp://127.0.0.1:{old}"));
        // Detach: PUSH first, so it never reconnects to the old port.
        let calls: [(&str, i32); 2] = match self.rng.below(3) {
            0 => {
                let a = if via_host {
                    self.pcall(born, "zs_disconnect_from_host", &[OK], || {
                        zs_disconnect_from_host(push, c"localhost".as_ptr(), old)
                    })
                } else {
                    self.pcall(born, "zs_disconnect_endpoint", &[OK], || {
                        zs_disconnect_endpoint(push, old_ep.as_ptr())
                    })
                };
                let b = if a == BAD_HANDLE {
                    a
                } else {
                    self.pcall(born, "zs_unbind_from_port", &[OK], || {
                        zs_unbind_from_port(pull, old)
                    })
                };
                [("disconnect", a), ("unbind", b)]
            }
            1 => {
                let a = self.pcall(born, "zs_close", &[OK], || zs_close(push));
                let b = if a == BAD_HANDLE {
                    a
                } else {
                    self.pcall(born, "zs_close", &[OK], || zs_close(pull))
                };
                [("close", a), ("close", b)]
            }
            _ => {
                let a = self.pcall(born, "zs_disconnect_from_all_hosts", &[OK], || {
                    zs_disconnect_from_all_hosts(push)
                });
                let b = if a == BAD_HANDLE {
                    a
                } else {
                    self.pcall(born, "zs_unbind_from_all_ports", &[OK], || {
                        zs_unbind_from_all_ports(pull)
                    })
                };
                [("disconnect", a), ("unbind", b)]
            }
        };
        if calls.iter().any(|c| c.1 == BAD_HANDLE) {
            self.lose_pair(i);
            return;
        }
        // Nothing attached now.
        for h in [pull, push] {
            let n = self.pcall(born, "zs_endpoints", &[0], || {
                zs_endpoints(h, std::ptr::null_mut(), 0)
            });
            if n == BAD_HANDLE {
                self.lose_pair(i);
                return;
            }
        }
        // Attach again on a new ephemeral port.
        let port = if self.rng.one_in(2) {
            self.pcall(born, "zs_bind_to_port", &[NONNEG], || {
                zs_bind_to_port(pull, 0, HWM, HWM)
            })
        } else {
            self.pcall(born, "zs_bind_endpoint", &[NONNEG], || {
                zs_bind_endpoint(pull, c"tcp://127.0.0.1:0".as_ptr(), HWM, HWM)
            })
        };
        if port == BAD_HANDLE {
            self.lose_pair(i);
            return;
        }
        if port == 0 {
            self.fail("a TCP bind to port 0 returned port 0".into());
        }
        if port != old {
            let rc = self.pcall(born, "zs_is_bound_to_port", &[FALSE], || {
                prime();
                bool_rc(zs_is_bound_to_port(pull, old))
            });
            if rc == BAD_HANDLE {
                self.lose_pair(i);
                return;
            }
        }
        let via_host = self.rng.one_in(2);
        let rc = if via_host {
            self.pcall(born, "zs_connect_to_host", &[OK], || {
                zs_connect_to_host(push, c"localhost".as_ptr(), port, HWM, HWM)
            })
        } else {
            let ep = cstr(&format!("tcp://127.0.0.1:{port}"));
            self.pcall(born, "zs_connect_endpoint", &[OK], || {
                zs_connect_endpoint(push, ep.as_ptr(), HWM, HWM)
            })
        };
        // Recorded even if the connect was lost: the pair is dropped then.
        let p = &mut self.pairs[i];
        p.port = port;
        p.via_host = via_host;
        p.gen += 1;
        p.send_seq = 0;
        p.recv_seq = 0;
        if rc == BAD_HANDLE {
            self.lose_pair(i);
            return;
        }
        REBINDS.fetch_add(1, SeqCst);
    }

    pub(crate) fn private_query(&mut self, i: usize) {
        let p = &self.pairs[i];
        let (pull, push, port, born, via_host) = (p.pull, p.push, p.port, p.born, p.via_host);
        let mut ports = [0i32; 4];
        let mut lost = false;
        let mut rc = self.pcall(born, "zs_bound_ports", &[1], || {
            zs_bound_ports(pull, ports.as_mut_ptr(), ports.len())
        });
        lost |= rc == BAD_HANDLE;
        if rc == 1 && ports[0] != port {
            self.fail(format!("zs_bound_ports gave {} for port {port}", ports[0]));
        }
        rc = self.pcall(born, "zs_bound_ports", &[0], || {
            zs_bound_ports(push, ports.as_mut_ptr(), ports.len())
        });
        lost |= rc == BAD_HANDLE;
        for (h, want_bind) in [(pull, true), (push, false)] {
            let mut buf = [0u8; 512];
            let n = self.pcall(born, "zs_endpoints", &[NONNEG], || {
                zs_endpoints(h, buf.as_mut_ptr() as *mut c_char, buf.len())
            });
            if n == BAD_HANDLE {
                lost = true;
                continue;
            }
            let n = n as usize;
            if n >= buf.len() || buf[n] != 0 {
                self.fail(format!(
                    "zs_endpoints returned {n}, not NUL-terminated there"
                ));
            }
            let text = String::from_utf8_lossy(&buf[..n]).into_owned();
            let suffix = format!(":{port}\n");
            let good = if want_bind {
                text.starts_with("bind tcp://")
                    && text.ends_with(&suffix)
                    && text.lines().count() == 1
            } else if via_host {
                text.starts_with(&format!("connect localhost:{port} tcp://"))
                    && text.ends_with(&suffix)
                    && text.lines().count() == 1
            } else {
                text == format!("connect tcp://127.0.0.1:{port}\n")
            };
            if !good {
                self.fail(format!(
                    "zs_endpoints of a private {} on port {port}: {text:?}",
                    if want_bind { "PULL" } else { "PUSH" }
                ));
            }
        }
        rc = self.pcall(born, "zs_is_bound_to_port", &[OK], || {
            prime();
            bool_rc(zs_is_bound_to_port(pull, port))
        });
        lost |= rc == BAD_HANDLE;
        let want = if via_host { OK } else { FALSE };
        rc = self.pcall(born, "zs_is_connected_to_host", &[want], || {
            prime();
            bool_rc(zs_is_connected_to_host(push, c"localhost".as_ptr(), port))
        });
        lost |= rc == BAD_HANDLE;
        rc = self.pcall(born, "zs_socket_type", &[PULL], || zs_socket_type(pull));
        lost |= rc == BAD_HANDLE;
        rc = self.pcall(born, "zs_socket_type", &[PUSH], || zs_socket_type(push));
        lost |= rc == BAD_HANDLE;
        rc = self.pcall(born, "zs_peer_count", &[0, 1], || zs_peer_count(push));
        lost |= rc == BAD_HANDLE;
        rc = self.pcall(born, "zs_peer_count", &[NONNEG], || zs_peer_count(pull));
        lost |= rc == BAD_HANDLE;
        if lost {
            self.lose_pair(i);
        }
    }

    /// Nothing is outstanding on a pair between exchanges: a receive finds
    /// nothing, or only a stray.
    pub(crate) fn private_recv_empty(&mut self, i: usize) {
        let p = &self.pairs[i];
        let (pull, born) = (p.pull, p.born);
        let mut frames = Vec::new();
        let (func, rc) = match self.rng.below(3) {
            0 => (
                "zs_recv_multi_nonblocking",
                self.pcall(
                    born,
                    "zs_recv_multi_nonblocking",
                    &[OK, WOULD_BLOCK],
                    || {
                        let (rc, f) = recv_with(|m| zs_recv_multi_nonblocking(pull, m));
                        frames = f;
                        rc
                    },
                ),
            ),
            n => {
                let t = if n == 1 { 0 } else { self.rng.range(1, 30) };
                (
                    "zs_recv_multi",
                    self.pcall(born, "zs_recv_multi", &[OK, TIMED_OUT], || {
                        let (rc, f) = recv_with(|m| zs_recv_multi(pull, t, m));
                        frames = f;
                        rc
                    }),
                )
            }
        };
        if rc == BAD_HANDLE {
            self.lose_pair(i);
        } else if rc == OK && self.classify(i, &frames) {
            self.fail(format!("{func} found an unexpected extra message"));
        }
    }

    pub(crate) fn private_wait(&mut self, i: usize) {
        let p = &self.pairs[i];
        let (pull, push, port, born, via_host) = (p.pull, p.push, p.port, p.born, p.via_host);
        let want = if via_host { OK } else { NOT_CONNECTED };
        let mut rc = self.pcall(born, "zs_wait_connected", &[want], || {
            zs_wait_connected(push, c"localhost".as_ptr(), port, RECV_MS)
        });
        if rc != BAD_HANDLE {
            rc = self.pcall(born, "zs_wait_peers", &[OK], || {
                zs_wait_peers(push, 1, RECV_MS)
            });
        }
        if rc != BAD_HANDLE {
            rc = self.pcall(born, "zs_wait_peers", &[OK], || {
                zs_wait_peers(pull, 1, RECV_MS)
            });
        }
        if rc == BAD_HANDLE {
            self.lose_pair(i);
        }
    }

    /// Handles this thread destroyed, 0 and one never issued: always
    /// BAD_HANDLE.
    pub(crate) fn stale_query(&mut self) {
        let h = match self.rng.below(4) {
            0 => 0,
            1 => HANDLE_MASK - 7,
            _ if !self.graveyard.is_empty() => {
                let j = self.rng.index(self.graveyard.len());
                self.graveyard[j]
            }
            _ => 0,
        };
        let rc = zs_socket_type(h);
        self.check("zs_socket_type", rc, &[BAD_HANDLE]);
        prime();
        let rc = bool_rc(zs_send_nonblocking(h, b"x".as_ptr() as *const c_void, 1));
        self.check("zs_send_nonblocking", rc, &[BAD_HANDLE]);
        let (rc, _) = recv_with(|m| zs_recv(h, 0, m));
        self.check("zs_recv", rc, &[BAD_HANDLE]);
        let rc = zs_socket_destroy(h);
        self.check("zs_socket_destroy", rc, &[BAD_HANDLE]);
    }
}
