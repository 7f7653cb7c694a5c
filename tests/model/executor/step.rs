//! One operation of a program: run it through the `zs_*` functions and
//! check its result against the model's prediction.

use std::os::raw::c_void;

use zmqsocket::*;

use super::super::calls::{
    cstring, expect, Check, ADDRESS_IN_USE, ALREADY_CONNECTED, BAD_HANDLE, HWM, NOT_BOUND,
    NOT_CONNECTED, NOT_SUPPORTED, OK, TIMED_OUT, UNKNOWN_HOST, WRONG_STATE,
};
use super::super::decoder::{Kind, Op, OpKind};
use super::super::state::{tcp_endpoint, Link, MConn, Reg, Run, HOSTS, PEER};
use super::Executor;

impl Executor {
    pub(super) fn step(
        &mut self,
        run: &mut Run,
        op: &Op,
        seq: u64,
        i: usize,
        did: &mut String,
    ) -> Check {
        let h = self.pick_sock(run, op.sock);
        let live = run.live.contains_key(&h);
        let before = zs_last_error_code();
        let rc = match op.kind {
            OpKind::Create => {
                let kind = Kind::from_byte(op.a);
                let mut out: zs_socket = 0;
                *did = format!("zs_socket_new({kind:?})");
                let rc = expect(zs_socket_new(kind.code(), &mut out), &[OK], before)?;
                *did = format!("zs_socket_new({kind:?}) -> h={out}");
                self.new_handle(run, out, kind)?;
                if !op.b.is_multiple_of(16) {
                    let before = zs_last_error_code();
                    expect(zs_set_linger(out, 0), &[OK], before)
                        .map_err(|m| format!("zs_set_linger(0): {m}"))?;
                }
                rc
            }
            OpKind::CreateBound => {
                let kind = Kind::from_byte(op.a);
                let port = self.bind_port(run, op.b);
                let allowed = Self::bind_prediction(run, None, port);
                const UNTOUCHED: zs_socket = 0xDEAD_BEEF;
                let mut out: zs_socket = UNTOUCHED;
                let count = zs_socket_count();
                *did = format!("zs_socket_new_bound({kind:?}, port {port})");
                let rc = expect(
                    zs_socket_new_bound(kind.code(), i32::from(port), HWM, HWM, &mut out),
                    &allowed,
                    before,
                )?;
                *did = format!("{did} -> {rc}, h={out}");
                if rc < 0 {
                    if out != UNTOUCHED || zs_socket_count() != count {
                        return Err(format!(
                            "failed zs_socket_new_bound wrote *out = {out} or left a socket (count {} -> {})",
                            count,
                            zs_socket_count()
                        ));
                    }
                } else {
                    self.new_handle(run, out, kind)?;
                    let requested = format!("tcp://127.0.0.1:{port}");
                    self.after_tcp_bind(run, out, rc, port, requested)?;
                    let before = zs_last_error_code();
                    expect(zs_set_linger(out, 0), &[OK], before)?;
                }
                rc
            }
            OpKind::CreateConnected => {
                let kind = Kind::from_byte(op.a);
                let host = HOSTS[usize::from(op.b) % HOSTS.len()];
                let port = self.any_port(run, op.b / 4);
                const UNTOUCHED: zs_socket = 0xDEAD_BEEF;
                let mut out: zs_socket = UNTOUCHED;
                let count = zs_socket_count();
                let addr = run.resolve(host);
                let allowed = if addr.is_some() { OK } else { UNKNOWN_HOST };
                *did = format!("zs_socket_new_connected({kind:?}, {host}, {port})");
                let h_id = cstring(host);
                let rc = expect(
                    zs_socket_new_connected(
                        kind.code(),
                        h_id.as_ptr(),
                        i32::from(port),
                        HWM,
                        HWM,
                        &mut out,
                    ),
                    &[allowed],
                    before,
                )?;
                *did = format!("{did} -> {rc}, h={out}");
                if rc < 0 {
                    if out != UNTOUCHED || zs_socket_count() != count {
                        return Err(format!(
                            "failed zs_socket_new_connected wrote *out = {out} or left a socket (count {} -> {})",
                            count,
                            zs_socket_count()
                        ));
                    }
                } else {
                    self.new_handle(run, out, kind)?;
                    let s = run.live.get_mut(&out).expect("live");
                    s.connects.push(MConn {
                        host: Some((host, port)),
                        endpoint: tcp_endpoint(addr.expect("resolved"), port),
                        link: Link::Tcp,
                    });
                    s.ever_attached = true;
                    let before = zs_last_error_code();
                    expect(zs_set_linger(out, 0), &[OK], before)?;
                }
                rc
            }
            OpKind::Destroy => {
                *did = format!("zs_socket_destroy(h={h})");
                let rc = expect(
                    zs_socket_destroy(h),
                    &[if live { OK } else { BAD_HANDLE }],
                    before,
                )?;
                if live {
                    self.destroyed(run, h);
                }
                rc
            }
            OpKind::BindPort => {
                let port = self.bind_port(run, op.a);
                let allowed = if !live {
                    vec![BAD_HANDLE]
                } else if Self::self_connected_tcp(run, h, port) {
                    // A socket never binds what it connects to under the
                    // same endpoint string (port 0: if the port drawn is one).
                    let mut a = Self::bind_prediction(run, Some(h), port);
                    if port != 0 {
                        a.clear();
                    }
                    a.push(ADDRESS_IN_USE);
                    a
                } else {
                    Self::bind_prediction(run, Some(h), port)
                };
                *did = format!("zs_bind_to_port(h={h}, {port})");
                let rc = expect(
                    zs_bind_to_port(h, i32::from(port), HWM, HWM),
                    &allowed,
                    before,
                )?;
                *did = format!("{did} -> {rc}");
                if live {
                    self.after_tcp_bind(run, h, rc, port, format!("tcp://127.0.0.1:{port}"))?;
                }
                rc
            }
            OpKind::BindTcpEndpoint => {
                let ep = "tcp://127.0.0.1:0";
                *did = format!("zs_bind_endpoint(h={h}, {ep})");
                let allowed = if !live {
                    vec![BAD_HANDLE]
                } else if Self::self_connected_tcp(run, h, 0) {
                    vec![OK, ADDRESS_IN_USE]
                } else {
                    vec![OK]
                };
                let rc = expect(
                    zs_bind_endpoint(h, cstring(ep).as_ptr(), HWM, HWM),
                    &allowed,
                    before,
                )?;
                *did = format!("{did} -> {rc}");
                if live {
                    self.after_tcp_bind(run, h, rc, 0, ep.to_string())?;
                }
                rc
            }
            OpKind::BindInproc => {
                let name = run.names[usize::from(op.a) % run.names.len()].clone();
                *did = format!("zs_bind_endpoint(h={h}, {name})");
                let allowed = if !live {
                    vec![BAD_HANDLE]
                } else if run.live[&h].binds.iter().any(|b| b.endpoint == name)
                    || run.live[&h].connects.iter().any(|c| c.endpoint == name)
                {
                    vec![ADDRESS_IN_USE]
                } else {
                    match run.inproc.get(&name) {
                        Some(Reg::Bound(_)) => vec![ADDRESS_IN_USE],
                        Some(Reg::Limbo) => vec![OK, ADDRESS_IN_USE],
                        None => vec![OK],
                    }
                };
                let rc = expect(
                    zs_bind_endpoint(h, cstring(&name).as_ptr(), HWM, HWM),
                    &allowed,
                    before,
                )?;
                *did = format!("{did} -> {rc}");
                if rc > 0 {
                    return Err(format!("an inproc bind returned {rc}, not 0"));
                }
                if rc == OK {
                    self.bound(run, h, None, name.clone(), name);
                }
                rc
            }
            OpKind::UnbindPort => {
                let own = if live {
                    run.live[&h].ports()
                } else {
                    Default::default()
                };
                let port = if op.a < 160 && !own.is_empty() {
                    own[usize::from(op.b) % own.len()] as u16
                } else {
                    self.any_port(run, op.b)
                };
                *did = format!("zs_unbind_from_port(h={h}, {port})");
                let idx = live
                    .then(|| run.live[&h].binds.iter().position(|b| b.port == Some(port)))
                    .flatten();
                let allowed = match (live, idx) {
                    (false, _) => BAD_HANDLE,
                    (true, Some(_)) => OK,
                    (true, None) => NOT_BOUND,
                };
                let rc = expect(zs_unbind_from_port(h, i32::from(port)), &[allowed], before)?;
                if let Some(i) = idx {
                    self.unbound(run, h, i);
                }
                rc
            }
            OpKind::UnbindEndpoint => {
                let own: Vec<String> = if live {
                    {
                        run.live[&h]
                            .binds
                            .iter()
                            .map(|b| b.endpoint.clone())
                            .collect()
                    }
                } else {
                    Default::default()
                };
                let ep = if op.a < 160 && !own.is_empty() {
                    own[usize::from(op.b) % own.len()].clone()
                } else {
                    let mut c = run.names.clone();
                    for s in run.live.values() {
                        c.extend(s.binds.iter().map(|b| b.endpoint.clone()));
                    }
                    c.push(tcp_endpoint("127.0.0.1", self.dead_ports[0]));
                    c[usize::from(op.b) % c.len()].clone()
                };
                *did = format!("zs_unbind_endpoint(h={h}, {ep})");
                let idx = live
                    .then(|| {
                        run.live[&h]
                            .binds
                            .iter()
                            .position(|b| b.endpoint == ep || b.requested == ep)
                    })
                    .flatten();
                let allowed = match (live, idx) {
                    (false, _) => BAD_HANDLE,
                    (true, Some(_)) => OK,
                    (true, None) => NOT_BOUND,
                };
                let rc = expect(
                    zs_unbind_endpoint(h, cstring(&ep).as_ptr()),
                    &[allowed],
                    before,
                )?;
                if let Some(i) = idx {
                    self.unbound(run, h, i);
                }
                rc
            }
            OpKind::UnbindAll | OpKind::DisconnectAll | OpKind::Close => {
                let (name, rc) = match op.kind {
                    OpKind::UnbindAll => ("zs_unbind_from_all_ports", zs_unbind_from_all_ports(h)),
                    OpKind::DisconnectAll => (
                        "zs_disconnect_from_all_hosts",
                        zs_disconnect_from_all_hosts(h),
                    ),
                    _ => ("zs_close", zs_close(h)),
                };
                *did = format!("{name}(h={h})");
                let rc = expect(rc, &[if live { OK } else { BAD_HANDLE }], before)?;
                if live {
                    if op.kind != OpKind::DisconnectAll {
                        while !run.live[&h].binds.is_empty() {
                            self.unbound(run, h, 0);
                        }
                    }
                    if op.kind != OpKind::UnbindAll {
                        while !run.live[&h].connects.is_empty() {
                            self.disconnected(run, h, 0);
                        }
                    }
                }
                rc
            }
            OpKind::Connect => {
                let host = HOSTS[usize::from(op.a) % HOSTS.len()];
                let port = self.any_port(run, op.b);
                *did = format!("zs_connect_to_host(h={h}, {host}, {port})");
                let addr = run.resolve(host);
                let endpoint = addr.map(|a| tcp_endpoint(a, port));
                let allowed = match (live, &endpoint) {
                    (false, None) => vec![BAD_HANDLE, UNKNOWN_HOST],
                    (false, Some(_)) => vec![BAD_HANDLE],
                    (true, None) => vec![UNKNOWN_HOST],
                    (true, Some(ep)) => {
                        let s = &run.live[&h];
                        if s.connected_to(host, port)
                            || s.connects.iter().any(|c| &c.endpoint == ep)
                        {
                            vec![ALREADY_CONNECTED]
                        } else if self.self_bound(run, h, &[ep.as_str()]) {
                            vec![ADDRESS_IN_USE]
                        } else {
                            vec![OK]
                        }
                    }
                };
                let rc = expect(
                    zs_connect_to_host(h, cstring(host).as_ptr(), i32::from(port), HWM, HWM),
                    &allowed,
                    before,
                )?;
                if rc == OK {
                    let s = run.live.get_mut(&h).expect("live");
                    s.connects.push(MConn {
                        host: Some((host, port)),
                        endpoint: endpoint.expect("resolved"),
                        link: Link::Tcp,
                    });
                    s.ever_attached = true;
                }
                rc
            }
            OpKind::ConnectTcpEndpoint | OpKind::ConnectInproc => {
                let ep = if op.kind == OpKind::ConnectInproc {
                    run.names[usize::from(op.a) % run.names.len()].clone()
                } else {
                    tcp_endpoint("127.0.0.1", self.any_port(run, op.a))
                };
                *did = format!("zs_connect_endpoint(h={h}, {ep})");
                let inproc = op.kind == OpKind::ConnectInproc;
                let unbound = inproc && !matches!(run.inproc.get(&ep), Some(Reg::Bound(_)));
                let allowed = if !live {
                    BAD_HANDLE
                } else if run.live[&h].connects.iter().any(|c| c.endpoint == ep) {
                    ALREADY_CONNECTED
                } else if self.self_bound(run, h, &[ep.as_str()]) {
                    ADDRESS_IN_USE
                } else if unbound && run.waiting.get(&ep).is_some_and(|w| *w != h) {
                    // Only one socket at a time waits for an unbound name.
                    WRONG_STATE
                } else {
                    OK
                };
                let rc = expect(
                    zs_connect_endpoint(h, cstring(&ep).as_ptr(), HWM, HWM),
                    &[allowed],
                    before,
                )?;
                if rc == OK {
                    if unbound {
                        run.waiting.insert(ep.clone(), h);
                    }
                    let link = if inproc {
                        Self::inproc_link(run, &ep)
                    } else {
                        Link::Tcp
                    };
                    let s = run.live.get_mut(&h).expect("live");
                    s.connects.push(MConn {
                        host: None,
                        endpoint: ep,
                        link,
                    });
                    s.ever_attached = true;
                }
                rc
            }
            OpKind::Disconnect => {
                let own: Vec<(&'static str, u16)> = if live {
                    {
                        run.live[&h]
                            .connects
                            .iter()
                            .filter_map(|c| c.host)
                            .collect()
                    }
                } else {
                    Default::default()
                };
                let (host, port) = if op.a < 160 && !own.is_empty() {
                    own[usize::from(op.b) % own.len()]
                } else {
                    (
                        HOSTS[usize::from(op.a) % HOSTS.len()],
                        self.any_port(run, op.b),
                    )
                };
                *did = format!("zs_disconnect_from_host(h={h}, {host}, {port})");
                let idx = live
                    .then(|| {
                        run.live[&h]
                            .connects
                            .iter()
                            .position(|c| c.host == Some((host, port)))
                    })
                    .flatten();
                let allowed = match (live, idx) {
                    (false, _) => BAD_HANDLE,
                    (true, Some(_)) => OK,
                    (true, None) => NOT_CONNECTED,
                };
                let rc = expect(
                    zs_disconnect_from_host(h, cstring(host).as_ptr(), i32::from(port)),
                    &[allowed],
                    before,
                )?;
                if let Some(i) = idx {
                    self.disconnected(run, h, i);
                }
                rc
            }
            OpKind::DisconnectEndpoint => {
                let own: Vec<String> = if live {
                    {
                        run.live[&h]
                            .connects
                            .iter()
                            .map(|c| c.endpoint.clone())
                            .collect()
                    }
                } else {
                    Default::default()
                };
                let ep = if op.a < 160 && !own.is_empty() {
                    own[usize::from(op.b) % own.len()].clone()
                } else {
                    let mut c = run.names.clone();
                    c.push(tcp_endpoint("127.0.0.1", self.any_port(run, op.a)));
                    c[usize::from(op.b) % c.len()].clone()
                };
                *did = format!("zs_disconnect_endpoint(h={h}, {ep})");
                let idx = live
                    .then(|| run.live[&h].connects.iter().position(|c| c.endpoint == ep))
                    .flatten();
                let allowed = match (live, idx) {
                    (false, _) => BAD_HANDLE,
                    (true, Some(_)) => OK,
                    (true, None) => NOT_CONNECTED,
                };
                let rc = expect(
                    zs_disconnect_endpoint(h, cstring(&ep).as_ptr()),
                    &[allowed],
                    before,
                )?;
                if let Some(i) = idx {
                    self.disconnected(run, h, i);
                }
                rc
            }
            OpKind::Send => self.send(run, h, op.a, seq, i, did, before)?,
            OpKind::Recv => {
                let due = live && run.expected.iter().any(|e| e.receiver == h);
                *did = format!("receive(h={h}, form {}, due {due})", op.a % 3);
                self.receive(run, h, op.a, due)?
            }
            OpKind::HostSet => {
                let addr = if op.a.is_multiple_of(2) {
                    "127.0.0.1"
                } else {
                    "::1"
                };
                *did = format!("zs_host_set({PEER}, {addr})");
                let rc = expect(
                    zs_host_set(cstring(PEER).as_ptr(), cstring(addr).as_ptr()),
                    &[OK],
                    before,
                )?;
                run.peer_addr = Some(addr);
                rc
            }
            OpKind::HostRemove => {
                *did = format!("zs_host_remove({PEER})");
                let allowed = if run.peer_addr.is_some() {
                    OK
                } else {
                    UNKNOWN_HOST
                };
                let rc = expect(zs_host_remove(cstring(PEER).as_ptr()), &[allowed], before)?;
                run.peer_addr = None;
                rc
            }
            OpKind::Observe => {
                let dead = [BAD_HANDLE];
                match op.a % 6 {
                    4 => {
                        *did = format!("zs_get_option_bytes(h={h}, LAST_ENDPOINT)");
                        let mut buf = [0 as std::os::raw::c_char; 64];
                        let allowed: &[i32] = if live { &[OK] } else { &dead };
                        let ep = c"LAST_ENDPOINT".as_ptr();
                        let p = buf.as_mut_ptr() as *mut c_void;
                        expect(zs_get_option_bytes(h, ep, p, buf.len()), allowed, before)?
                    }
                    5 => {
                        *did = format!("zs_set_option_bytes(h={h}, SOCKS_PROXY, \"\")");
                        let allowed: &[i32] = if live { &[OK] } else { &dead };
                        let name = c"SOCKS_PROXY".as_ptr();
                        expect(
                            zs_set_option_bytes(h, name, std::ptr::null(), 0),
                            allowed,
                            before,
                        )?
                    }
                    0 => {
                        *did = format!("zs_next_event(h={h}, 0)");
                        let mut e = zs_event {
                            kind: 0,
                            value: 0,
                            time_us: 0,
                            endpoint: [0; 256],
                        };
                        let allowed: &[i32] = if live { &[OK, TIMED_OUT] } else { &dead };
                        expect(zs_next_event(h, 0, &mut e), allowed, before)?
                    }
                    1 => {
                        *did = format!("zs_poll_events(h={h}, IN|OUT, 0)");
                        let want = [3i16];
                        let mut ready = [0i16];
                        let allowed: &[i32] = if live { &[OK] } else { &dead };
                        let rc = expect(
                            zs_poll_events(&h, want.as_ptr(), 1, 0, ready.as_mut_ptr()),
                            allowed,
                            before,
                        )?;
                        if rc >= 0 && i32::from(ready[0] != 0) != rc {
                            return Err(format!(
                                "zs_poll_events returned {rc} with ready {}",
                                ready[0]
                            ));
                        }
                        rc
                    }
                    2 => {
                        *did = format!("zs_set_option(h={h}, RECONNECT_IVL, 100)");
                        let allowed: &[i32] = if live { &[OK] } else { &dead };
                        expect(
                            zs_set_option(h, c"RECONNECT_IVL".as_ptr(), 100),
                            allowed,
                            before,
                        )?
                    }
                    _ => {
                        *did = format!("zs_get_option(h={h}, TYPE)");
                        let mut v: i64 = -1;
                        let allowed: &[i32] = if live { &[OK] } else { &dead };
                        let rc =
                            expect(zs_get_option(h, c"TYPE".as_ptr(), &mut v), allowed, before)?;
                        if let Some(m) = run.live.get(&h) {
                            if v != i64::from(m.kind.code()) {
                                return Err(format!(
                                    "zs_get_option(TYPE) = {v}, the model has {:?}",
                                    m.kind
                                ));
                            }
                        }
                        rc
                    }
                }
            }
            OpKind::Proxy => match (op.a % 4, run.proxies.first().copied()) {
                (0 | 1, _) | (_, None) => {
                    let k = run.handles.len() + run.proxies.len();
                    let front = cstring(&format!("inproc://mzp-{seq}-{k}"));
                    let service = cstring(&format!("inproc://mzs-{seq}-{k}"));
                    let mut out: zs_socket = 0;
                    *did = format!("zs_proxy_new(PUSH, mzp-{seq}-{k})");
                    let push = zs_socket_type::ZS_PUSH as i32;
                    let rc = expect(
                        zs_proxy_new(push, front.as_ptr(), service.as_ptr(), &mut out),
                        &[OK],
                        before,
                    )?;
                    *did = format!("{did} -> h={out}");
                    if out == 0 || out >= 1 << 53 || !self.issued.insert(out) {
                        return Err(format!("proxy handle {out} is reused or out of range"));
                    }
                    run.proxies.push(out);
                    rc
                }
                (2, Some(p)) => {
                    *did = format!("zs_send(proxy h={p}), zs_proxy_fault(h={h})");
                    expect(
                        zs_send(p, c"x".as_ptr() as *const _, 1, 0),
                        &[NOT_SUPPORTED],
                        before,
                    )?;
                    let before = zs_last_error_code();
                    let both = zs_proxy_direction::ZS_BOTH_WAYS as i32;
                    expect(zs_proxy_fault(p, both, c"drop 10%".as_ptr()), &[OK], before)?;
                    let mut st = zs_proxy_stats::default();
                    let before = zs_last_error_code();
                    expect(zs_proxy_stats_get(p, &mut st), &[OK], before)?;
                    if st.forwarded != [0, 0] {
                        return Err(format!("a proxy nobody used forwarded {:?}", st.forwarded));
                    }
                    let before = zs_last_error_code();
                    expect(zs_proxy_cut(p, 0), &[OK], before)?;
                    let before = zs_last_error_code();
                    let allowed: &[i32] = if live {
                        &[NOT_SUPPORTED]
                    } else {
                        &[BAD_HANDLE]
                    };
                    expect(zs_proxy_fault(h, both, c"".as_ptr()), allowed, before)?
                }
                (_, Some(p)) => {
                    *did = format!("zs_socket_destroy(proxy h={p})");
                    let rc = expect(zs_socket_destroy(p), &[OK], before)?;
                    run.proxies.retain(|&x| x != p);
                    run.handles.push(p);
                    rc
                }
            },
            OpKind::DestroyAll => {
                let n = (run.live.len() + run.proxies.len()) as i32;
                *did = "zs_destroy_all()".to_string();
                self.stats.destroy_all_calls += 1;
                let rc = zs_destroy_all();
                if rc != n {
                    return Err(format!(
                        "zs_destroy_all returned {rc}, the model has {n} live sockets"
                    ));
                }
                let all: Vec<u64> = run.live.keys().copied().collect();
                for h in all {
                    self.destroyed(run, h);
                }
                let proxies = std::mem::take(&mut run.proxies);
                run.handles.extend(proxies);
                // A new context: no inproc name is registered or pending.
                run.inproc.clear();
                run.waiting.clear();
                rc
            }
        };
        if rc == BAD_HANDLE {
            self.stats.bad_handle_ops += 1;
        }
        if rc < 0 {
            self.stats.predicted_errors += 1;
        }
        if !did.contains("->") {
            did.push_str(&format!(" -> {rc}"));
        }
        Ok(())
    }
}
