//! Sends and receives: what the model expects of each, and which message
//! a receive may produce.

use std::os::raw::c_void;
use std::ptr;

use zmqsocket::*;

use super::super::calls::{
    bool_code, check_zeroed, empty_message, expect, take_frames, Check, BAD_HANDLE, NOT_SUPPORTED,
    OK, TIMED_OUT, WOULD_BLOCK,
};
use super::super::decoder::Kind;
use super::super::state::{Expect, Link, MConn, Maybe, Run};
use super::{Executor, DELIVERY_WAIT_MS};

impl Executor {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn send(
        &mut self,
        run: &mut Run,
        h: u64,
        how: u8,
        seq: u64,
        i: usize,
        did: &mut String,
        before: i32,
    ) -> Check<i32> {
        let tag = format!("mz{seq}.{i}").into_bytes();
        let multi = matches!(how % 4, 2 | 3);
        let frames: Vec<Vec<u8>> = if multi {
            vec![tag.clone(), Vec::new(), b"tail".to_vec()]
        } else {
            vec![tag.clone()]
        };
        // What the model allows, and where the message must arrive.
        let (mut allowed, certain) = match run.live.get(&h) {
            None => (vec![BAD_HANDLE], None),
            Some(s) => match s.kind {
                Kind::Pull | Kind::Sub => (vec![NOT_SUPPORTED], None),
                Kind::Pub => (vec![OK], None),
                Kind::Pair if !s.ever_attached => (vec![WOULD_BLOCK], None),
                Kind::Pair => (vec![OK, WOULD_BLOCK], None),
                Kind::Push | Kind::Dealer => {
                    // A TCP connect's pipe is made at once, but a peer of a
                    // kind it may not talk to fails the ZMTP handshake, and
                    // libzmq may then end that connect's session, its pipe
                    // with it (seed 6767: a PUSH connected to a PAIR's port
                    // had no pipe left; seen when messages were queued
                    // before the handshake failed).
                    let has_pipe = s.connects.iter().any(|c| match c.link {
                        Link::Tcp => !run.incompatible_binder(s.kind, c),
                        Link::Pending | Link::Linked { certain: true, .. } => true,
                        _ => false,
                    });
                    let allowed = if !s.ever_attached {
                        vec![WOULD_BLOCK]
                    } else if has_pipe {
                        vec![OK]
                    } else {
                        vec![OK, WOULD_BLOCK]
                    };
                    let certain = match (s.kind, s.binds.is_empty(), s.connects.as_slice()) {
                        (
                            Kind::Push,
                            true,
                            [MConn {
                                link:
                                    Link::Linked {
                                        peer,
                                        certain: true,
                                    },
                                ..
                            }],
                        ) if run.live.get(peer).is_some_and(|p| p.kind == Kind::Pull)
                            && !linked_to(run, h) =>
                        {
                            Some(*peer)
                        }
                        _ => None,
                    };
                    (allowed, certain)
                }
            },
        };
        let timed = matches!(how % 4, 0 | 3);
        if timed {
            for c in &mut allowed {
                if *c == WOULD_BLOCK {
                    *c = TIMED_OUT;
                }
            }
        }
        let zframes: Vec<zs_frame> = frames
            .iter()
            .map(|f| zs_frame {
                data: if f.is_empty() {
                    ptr::null()
                } else {
                    f.as_ptr() as *const c_void
                },
                len: f.len(),
            })
            .collect();
        let (name, rc) = match how % 4 {
            0 => (
                "zs_send(0 ms)",
                zs_send(h, tag.as_ptr() as *const c_void, tag.len(), 0),
            ),
            1 => (
                "zs_send_nonblocking",
                bool_code(zs_send_nonblocking(
                    h,
                    tag.as_ptr() as *const c_void,
                    tag.len(),
                )),
            ),
            2 => (
                "zs_send_multi_nonblocking",
                bool_code(zs_send_multi_nonblocking(
                    h,
                    zframes.as_ptr(),
                    zframes.len(),
                )),
            ),
            _ => (
                "zs_send_multi(0 ms)",
                zs_send_multi(h, zframes.as_ptr(), zframes.len(), 0),
            ),
        };
        *did = format!(
            "{name}(h={h}, {}) certain receiver {certain:?} -> {rc}",
            String::from_utf8_lossy(&tag)
        );
        let rc = expect(rc, &allowed, before)?;
        if rc == OK {
            self.stats.messages_sent += 1;
            let kind = run.live[&h].kind;
            match certain {
                Some(receiver) => run.expected.push(Expect {
                    tag,
                    frames,
                    sender: h,
                    receiver,
                }),
                // A PUB's messages reach subscribers only, and nobody
                // subscribes: they must never arrive anywhere.
                None if kind == Kind::Pub => {}
                None => {
                    self.possible.insert(tag, Maybe { frames, seq });
                }
            }
        }
        Ok(rc)
    }

    /// Receive on `h` (form `how`); with `due`, a message must come, so
    /// wait for it.
    pub(super) fn receive(&mut self, run: &mut Run, h: u64, how: u8, due: bool) -> Check<i32> {
        let mut allowed = match run.live.get(&h) {
            None => vec![BAD_HANDLE],
            Some(s) => match s.kind {
                Kind::Push | Kind::Pub => vec![NOT_SUPPORTED],
                // Never subscribed: nothing gets through.
                Kind::Sub => vec![WOULD_BLOCK],
                _ if due => vec![OK],
                _ if self.possible.is_empty() => vec![WOULD_BLOCK],
                _ => vec![OK, WOULD_BLOCK],
            },
        };
        let single = how.is_multiple_of(3);
        let mut m = empty_message();
        let before = zs_last_error_code();
        let rc = if due {
            if single {
                zs_recv(h, DELIVERY_WAIT_MS, &mut m)
            } else {
                zs_recv_multi(h, DELIVERY_WAIT_MS, &mut m)
            }
        } else {
            match how % 3 {
                0 => zs_recv_nonblocking(h, &mut m),
                1 => zs_recv_multi_nonblocking(h, &mut m),
                _ => {
                    for c in &mut allowed {
                        if *c == WOULD_BLOCK {
                            *c = TIMED_OUT;
                        }
                    }
                    zs_recv_multi(h, 0, &mut m)
                }
            }
        };
        let rc = expect(rc, &allowed, before).map_err(|e| {
            if due {
                format!("a message the model expects did not arrive: {e}")
            } else {
                e
            }
        })?;
        if rc != OK {
            check_zeroed(&m, rc)?;
            return Ok(rc);
        }
        let mut frames = take_frames(&mut m)?;
        if single && frames.len() != 1 {
            return Err(format!("zs_recv gave {} frames, not 1", frames.len()));
        }
        let tag = frames[0].clone();
        let want = self.identify(run, h, &tag)?;
        if single {
            // The rest of the message comes with its first frame.
            for _ in 1..want.len() {
                let mut m = empty_message();
                let before = zs_last_error_code();
                let rc = zs_recv_nonblocking(h, &mut m);
                expect(rc, &[OK], before)
                    .map_err(|e| format!("the next frame of a multi-part message: {e}"))?;
                frames.extend(take_frames(&mut m)?);
            }
        }
        if frames != want {
            return Err(format!(
                "received frames {:?}, sent {:?}",
                frames
                    .iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect::<Vec<_>>(),
                want.iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect::<Vec<_>>()
            ));
        }
        if let Some(i) = run.expected.iter().position(|e| e.tag == tag) {
            run.expected.remove(i);
            self.stats.certain_delivered += 1;
        } else {
            self.possible.remove(&tag);
            self.stats.possible_delivered += 1;
        }
        Ok(rc)
    }

    /// The frames a message received by `h` with first frame `tag` must
    /// have; an error if it cannot be here now.
    fn identify(&self, run: &Run, h: u64, tag: &[u8]) -> Check<Vec<Vec<u8>>> {
        let shown = String::from_utf8_lossy(tag);
        if let Some(i) = run.expected.iter().position(|e| e.tag == tag) {
            let e = &run.expected[i];
            if e.receiver != h {
                return Err(format!(
                    "message {shown} (sent by {}) was due at socket {}, but socket {h} received it",
                    e.sender, e.receiver
                ));
            }
            let first = run
                .expected
                .iter()
                .position(|x| x.receiver == h && x.sender == e.sender)
                .expect("e itself");
            if first != i {
                return Err(format!(
                    "message {shown} overtook {} from the same sender {} (lost or reordered)",
                    String::from_utf8_lossy(&run.expected[first].tag),
                    e.sender
                ));
            }
            return Ok(e.frames.clone());
        }
        match self.possible.get(tag) {
            Some(m) => Ok(m.frames.clone()),
            None => Err(format!(
                "socket {h} received {shown:?}, which was never sent, was already received, or cannot reach it"
            )),
        }
    }
}

/// Whether another socket's connect may still be linked to a bind of
/// `h`'s, even one `h` has left: libzmq keeps an inproc connection when
/// its name is unbound, and such a pipe, beside `h`'s own connect, lets
/// `h`'s messages take two paths (no order, no certain receiver).
fn linked_to(run: &Run, h: u64) -> bool {
    run.live.iter().any(|(&other, s)| {
        other != h
            && s.connects
                .iter()
                .any(|c| matches!(c.link, Link::Linked { peer, .. } if peer == h))
    })
}
