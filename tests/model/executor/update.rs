//! The model's side of a step: what an operation changed in the model,
//! and what a TCP bind may return.

use super::super::calls::{Check, ADDRESS_IN_USE, OK};
use super::super::decoder::Kind;
use super::super::state::{tcp_endpoint, Expect, FreePort, Link, MBind, MSock, Maybe, Reg, Run};
use super::Executor;

impl Executor {
    pub(super) fn new_handle(&mut self, run: &mut Run, h: u64, kind: Kind) -> Check {
        if h == 0 || h >= 1 << 53 {
            return Err(format!("new handle {h} is not in 1..2^53"));
        }
        if !self.issued.insert(h) {
            return Err(format!(
                "handle {h} was issued before: handles must never be reused"
            ));
        }
        run.handles.push(h);
        run.live.insert(h, MSock::new(kind));
        self.stats.sockets_created += 1;
        Ok(())
    }

    /// Model: `h` was destroyed.
    pub(super) fn destroyed(&mut self, run: &mut Run, h: u64) {
        let Some(s) = run.live.remove(&h) else {
            return;
        };
        run.dead.push(h);
        run.waiting.retain(|_, w| *w != h);
        for b in &s.binds {
            match b.port {
                Some(p) => {
                    run.free.insert(p, FreePort::Limbo);
                }
                None => {
                    run.inproc.insert(b.endpoint.clone(), Reg::Limbo);
                }
            }
        }
        for other in run.live.values_mut() {
            for c in &mut other.connects {
                if matches!(c.link, Link::Linked { peer, .. } if peer == h) {
                    c.link = Link::Broken;
                }
            }
        }
        // What it was to receive is gone; what it sent may still arrive.
        run.expected.retain(|e| e.receiver != h);
        self.demote(run, h);
    }

    /// Model: `h` removed an attachment: what it sent or was to receive
    /// for certain is only possible now.
    fn demote(&mut self, run: &mut Run, h: u64) {
        let seq = run.seq;
        let (moved, kept): (Vec<Expect>, Vec<Expect>) = run
            .expected
            .drain(..)
            .partition(|e| e.sender == h || e.receiver == h);
        run.expected = kept;
        for e in moved {
            self.possible.insert(
                e.tag,
                Maybe {
                    frames: e.frames,
                    seq,
                },
            );
        }
    }

    /// Model: `h` no longer holds bind `i`.
    pub(super) fn unbound(&mut self, run: &mut Run, h: u64, i: usize) {
        let b = run.live.get_mut(&h).expect("live").binds.remove(i);
        match b.port {
            Some(p) => {
                run.free.insert(p, FreePort::Freed);
            }
            None => {
                run.inproc.remove(&b.endpoint);
                for other in run.live.values_mut() {
                    for c in &mut other.connects {
                        if c.endpoint == b.endpoint {
                            if let Link::Linked { peer, certain } = &mut c.link {
                                if *peer == h {
                                    *certain = false;
                                }
                            }
                        }
                    }
                }
            }
        }
        self.demote(run, h);
    }

    pub(super) fn disconnected(&mut self, run: &mut Run, h: u64, i: usize) {
        let c = run.live.get_mut(&h).expect("live").connects.remove(i);
        if run.waiting.get(&c.endpoint) == Some(&h) {
            run.waiting.remove(&c.endpoint);
        }
        self.demote(run, h);
    }

    /// True if live `h` connects to TCP `port` of 127.0.0.1 (any port when
    /// `port` is 0) under the endpoint string its bind would resolve to.
    pub(super) fn self_connected_tcp(run: &Run, h: u64, port: u16) -> bool {
        run.live.get(&h).is_some_and(|s| {
            s.connects.iter().any(|c| {
                c.endpoint.starts_with("tcp://127.0.0.1:")
                    && (port == 0 || c.endpoint == tcp_endpoint("127.0.0.1", port))
            })
        })
    }

    /// True if live `h` binds one of `endpoints` by the same endpoint
    /// string (the library refuses such a connect).
    pub(super) fn self_bound(&self, run: &Run, h: u64, endpoints: &[&str]) -> bool {
        run.live.get(&h).is_some_and(|s| {
            s.binds
                .iter()
                .any(|b| endpoints.contains(&b.endpoint.as_str()))
        })
    }

    /// The link a new inproc connect to `name` gets.
    pub(super) fn inproc_link(run: &Run, name: &str) -> Link {
        match run.inproc.get(name) {
            None => Link::Pending,
            // A PAIR takes one peer and turns the others away.
            Some(Reg::Bound(b)) => Link::Linked {
                peer: *b,
                certain: run.live.get(b).is_some_and(|p| p.kind != Kind::Pair),
            },
            Some(Reg::Limbo) => Link::Broken,
        }
    }

    /// Model: `h` bound `endpoint` (resolved), asked as `requested`.
    pub(super) fn bound(
        &mut self,
        run: &mut Run,
        h: u64,
        port: Option<u16>,
        endpoint: String,
        requested: String,
    ) {
        if let Some(p) = port {
            run.learn_port(p);
            self.stats.tcp_binds += 1;
            if let Some(kind) = run.live.get(&h).map(|s| s.kind) {
                run.tcp_binders.entry(p).or_default().push(kind);
            }
        } else {
            run.inproc.insert(endpoint.clone(), Reg::Bound(h));
            run.waiting.remove(&endpoint);
            // A PAIR takes one peer and turns the others away.
            let certain = run.live.get(&h).is_some_and(|p| p.kind != Kind::Pair);
            for s in run.live.values_mut() {
                for c in &mut s.connects {
                    if c.endpoint == endpoint && c.link == Link::Pending {
                        c.link = Link::Linked { peer: h, certain };
                    }
                }
            }
        }
        let s = run.live.get_mut(&h).expect("live");
        s.binds.push(MBind {
            port,
            endpoint,
            requested,
        });
        s.ever_attached = true;
    }

    /// Allowed codes of a TCP bind of `port` (0: ephemeral) by live `h`.
    pub(super) fn bind_prediction(run: &Run, h: Option<u64>, port: u16) -> Vec<i32> {
        if port == 0 {
            return vec![OK];
        }
        let own = h.is_some_and(|h| run.live[&h].binds.iter().any(|b| b.port == Some(port)));
        if own || run.holder(port).is_some() {
            return vec![ADDRESS_IN_USE];
        }
        match run.free.get(&port) {
            Some(FreePort::Limbo) => vec![OK, ADDRESS_IN_USE],
            _ => vec![OK],
        }
    }

    /// Check the port a TCP bind returned, and record it.
    pub(super) fn after_tcp_bind(
        &mut self,
        run: &mut Run,
        h: u64,
        rc: i32,
        asked: u16,
        requested: String,
    ) -> Check {
        if rc < 0 {
            return Ok(());
        }
        if rc == 0 || rc > 65535 || (asked != 0 && rc != i32::from(asked)) {
            return Err(format!("bind returned port {rc}, asked for {asked}"));
        }
        let port = rc as u16;
        if let Some(other) = run.holder(port) {
            return Err(format!(
                "bind returned port {port}, which live socket {other} holds"
            ));
        }
        self.bound(
            run,
            h,
            Some(port),
            tcp_endpoint("127.0.0.1", port),
            requested,
        );
        Ok(())
    }
}
