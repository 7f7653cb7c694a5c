//! Who gets in (SPEC section 19): the process-wide authentication rules,
//! and the ZAP handler (RFC 27) that applies them, one per context.
//!
//! Every socket has a ZAP domain (see socket/), so once a handler runs
//! libzmq asks it about every ZMTP peer of every mechanism (NULL, PLAIN,
//! CURVE). A handler runs from the first rule or PLAIN/CURVE server on
//! (see [`wanted`]).
//! The rules, as CZMQ's zauth: when any address is allowed, only allowed
//! addresses get in, else denied addresses are refused; then a PLAIN peer
//! must match the user table and a CURVE peer's key must be allowed, each
//! check applying only once its table has an entry. With no rules at all
//! everyone gets in.
//!
//! The handler thread owns a REP socket bound to libzmq's ZAP endpoint and
//! stops when its flag is set; it holds the rules' lock only to decide.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;

use crate::error::zs_result::*;
use crate::error::{invalid, ZsError, ZsResult};
use crate::sys::{curve, RawCtx};
use crate::types::zs_socket_type;

/// An address rule: an IP address, or a CIDR range.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Range {
    net: IpAddr,
    bits: u8,
}

impl Range {
    fn parse(text: &str) -> Option<Range> {
        let (addr, bits) = match text.split_once('/') {
            Some((a, b)) => (a, Some(b)),
            None => (text, None),
        };
        let net: IpAddr = addr.parse().ok()?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let bits = match bits {
            Some(b) if !b.is_empty() && b.bytes().all(|c| c.is_ascii_digit()) => b.parse().ok()?,
            Some(_) => return None,
            None => max,
        };
        (bits <= max).then_some(Range {
            net: unmapped(net),
            bits,
        })
    }

    fn contains(&self, addr: IpAddr) -> bool {
        match (self.net, addr) {
            (IpAddr::V4(n), IpAddr::V4(a)) => prefix_eq(&n.octets(), &a.octets(), self.bits),
            (IpAddr::V6(n), IpAddr::V6(a)) => prefix_eq(&n.octets(), &a.octets(), self.bits),
            _ => false,
        }
    }
}

fn prefix_eq(a: &[u8], b: &[u8], bits: u8) -> bool {
    let (whole, rest) = (usize::from(bits / 8), bits % 8);
    if a[..whole] != b[..whole] {
        return false;
    }
    rest == 0 || {
        let mask = 0xffu8 << (8 - rest);
        a[whole] & mask == b[whole] & mask
    }
}

/// An IPv4 peer of a dual-stack socket, as libzmq reports it
/// (`::ffff:a.b.c.d`), is `a.b.c.d`.
fn unmapped(a: IpAddr) -> IpAddr {
    match a {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(a, IpAddr::V4),
        v4 => v4,
    }
}

#[derive(Debug, Default)]
struct Rules {
    allow: Vec<Range>,
    deny: Vec<Range>,
    /// Allowed CURVE client keys, Z85; "*" allows any valid key.
    curve: BTreeSet<String>,
    /// PLAIN user -> password.
    users: BTreeMap<String, String>,
}

/// What the handler answers: ZAP status code, status text, user id.
#[derive(Debug, PartialEq, Eq)]
struct Verdict {
    status: u16,
    text: String,
    user_id: String,
}

fn ok(user_id: String) -> Verdict {
    Verdict {
        status: 200,
        text: "OK".into(),
        user_id,
    }
}

fn refused(text: String) -> Verdict {
    Verdict {
        status: 400,
        text,
        user_id: String::new(),
    }
}

impl Rules {
    /// The verdict on a peer at `address` using `mechanism` with
    /// `credentials` (PLAIN: user, password; CURVE: the client's key).
    fn decide(&self, address: &str, mechanism: &[u8], credentials: &[Vec<u8>]) -> Verdict {
        if !self.allow.is_empty() || !self.deny.is_empty() {
            let Some(ip) = address.parse().ok().map(unmapped) else {
                return refused(format!("address '{address}' is not an IP address"));
            };
            if !self.allow.is_empty() {
                if !self.allow.iter().any(|r| r.contains(ip)) {
                    return refused(format!("address {ip} is not allowed"));
                }
            } else if self.deny.iter().any(|r| r.contains(ip)) {
                return refused(format!("address {ip} is denied"));
            }
        }
        match mechanism {
            b"NULL" => ok(String::new()),
            b"PLAIN" => {
                let [user, password, ..] = credentials else {
                    return refused("PLAIN without a user and password".into());
                };
                let user = String::from_utf8_lossy(user).into_owned();
                let password = String::from_utf8_lossy(password);
                match self.users.get(&user) {
                    _ if self.users.is_empty() => ok(user),
                    Some(p) if *p == password => ok(user),
                    _ => refused(format!("PLAIN user '{user}': wrong user or password")),
                }
            }
            b"CURVE" => {
                let Some(key) = credentials.first().and_then(|k| curve::encode(k)) else {
                    return refused("CURVE without a client key".into());
                };
                if self.curve.is_empty() || self.curve.contains("*") || self.curve.contains(&key) {
                    ok(key)
                } else {
                    refused(format!("CURVE client key {key} is not allowed"))
                }
            }
            other => refused(format!(
                "mechanism {} is not supported",
                String::from_utf8_lossy(other)
            )),
        }
    }
}

/// Set once authentication is wanted (a rule, or a PLAIN or CURVE
/// server): from then on every context runs a handler. An atomic, not
/// the rules' lock, as the handle table reads it under its own lock.
static WANTED: AtomicBool = AtomicBool::new(false);

/// Whether contexts need a ZAP handler.
pub fn wanted() -> bool {
    WANTED.load(Ordering::Acquire)
}

/// Contexts need a ZAP handler from now on.
pub fn want() {
    WANTED.store(true, Ordering::Release);
}

static RULES: Mutex<Rules> = Mutex::new(Rules {
    allow: Vec::new(),
    deny: Vec::new(),
    curve: BTreeSet::new(),
    users: BTreeMap::new(),
});

fn rules() -> MutexGuard<'static, Rules> {
    RULES.lock().unwrap_or_else(|e| e.into_inner())
}

/// The rules, locked for a fork (see the fork module).
pub(crate) struct ForkHold(#[allow(dead_code)] MutexGuard<'static, Rules>);

/// Lock the rules for a fork: the child inherits them whole and unlocked.
pub(crate) fn hold_for_fork() -> ForkHold {
    ForkHold(rules())
}

fn range_arg(address: &str) -> ZsResult<Range> {
    Range::parse(address).ok_or_else(|| {
        invalid(format!(
            "address '{address}' is not an IPv4 or IPv6 address or CIDR range"
        ))
    })
}

/// Only allowed addresses get in from now on (for new connections).
pub fn allow(address: &str) -> ZsResult<()> {
    let r = range_arg(address)?;
    rules().allow.push(r);
    Ok(())
}

/// Refuse `address` (unless some address is allowed: then only those).
pub fn deny(address: &str) -> ZsResult<()> {
    let r = range_arg(address)?;
    rules().deny.push(r);
    Ok(())
}

/// Admit CURVE clients with this public key ("*": any valid key).
pub fn curve_allow(key: &str) -> ZsResult<()> {
    if key != "*" {
        check_key(key, "client_public_z85")?;
    }
    rules().curve.insert(key.to_string());
    Ok(())
}

/// Admit PLAIN clients with this user name and password.
pub fn plain_user(user: &str, password: &str) -> ZsResult<()> {
    check_plain(user, password)?;
    rules().users.insert(user.to_string(), password.to_string());
    Ok(())
}

/// PLAIN credentials as ZMTP carries them: a user name of 1..255 bytes,
/// a password of 0..255.
pub fn check_plain(user: &str, password: &str) -> ZsResult<()> {
    if user.is_empty() || user.len() > 255 || password.len() > 255 {
        return Err(invalid(format!(
            "username '{user}': user names are 1..255 bytes, passwords 0..255"
        )));
    }
    Ok(())
}

/// Back to no rules: everyone gets in.
pub fn reset() {
    *rules() = Rules::default();
}

/// A CURVE key argument: 40 characters of Z85 (32 bytes).
pub fn check_key(key: &str, name: &str) -> ZsResult<[u8; 32]> {
    curve::decode(key)
        .and_then(|k| <[u8; 32]>::try_from(k).ok())
        .ok_or_else(|| {
            invalid(format!(
                "{name}: '{key}' is not a CURVE key (40 characters of Z85)"
            ))
        })
}

/// The reply to one ZAP request (RFC 27): version, request id, domain,
/// address, routing id, mechanism, credentials.
fn reply_to(request: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let id = request.get(1).cloned().unwrap_or_default();
    let verdict = match request {
        [version, _, _domain, address, _routing_id, mechanism, credentials @ ..]
            if version.as_slice() == b"1.0" =>
        {
            rules().decide(&String::from_utf8_lossy(address), mechanism, credentials)
        }
        _ => Verdict {
            status: 500,
            text: "malformed ZAP request".into(),
            user_id: String::new(),
        },
    };
    vec![
        b"1.0".to_vec(),
        id,
        verdict.status.to_string().into_bytes(),
        verdict.text.into_bytes(),
        verdict.user_id.into_bytes(),
        Vec::new(),
    ]
}

/// How long the handler waits for a request before it looks at its stop
/// flag, should the wake-up message not come.
const STOP_CHECK_MS: i64 = 50;

/// The handler's wake-up endpoint (one handler per context, so one name).
const WAKE_ENDPOINT: &str = "inproc://zmqsocket.zap.wake";

/// A context's ZAP handler thread.
pub struct Handler {
    stop: Arc<AtomicBool>,
    /// Wakes the thread from its poll at stop, so that a stop does not
    /// wait out STOP_CHECK_MS (a Mutex: the table holding the handler is
    /// shared between threads, and a libzmq socket is not).
    wake: Mutex<zmq::Socket>,
    thread: Option<JoinHandle<()>>,
}

impl Handler {
    /// Bind libzmq's ZAP endpoint in `ctx` and answer it in a new thread.
    pub fn start(ctx: &RawCtx) -> ZsResult<Handler> {
        let fail = |e: zmq::Error| ZsError::new(ZS_ERR_ZMQ, format!("ZAP handler: {e}"));
        let rep = ctx.socket(zs_socket_type::ZS_REP).map_err(fail)?;
        rep.set_linger(0).map_err(fail)?;
        rep.bind("inproc://zeromq.zap.01").map_err(fail)?;
        let woken = ctx.socket(zs_socket_type::ZS_PAIR).map_err(fail)?;
        woken.set_linger(0).map_err(fail)?;
        woken.bind(WAKE_ENDPOINT).map_err(fail)?;
        let wake = ctx.socket(zs_socket_type::ZS_PAIR).map_err(fail)?;
        wake.set_linger(0).map_err(fail)?;
        wake.connect(WAKE_ENDPOINT).map_err(fail)?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = crate::threads::spawn("zap", move || serve(rep, woken, &flag))
            .map_err(|e| ZsError::new(ZS_ERR_ZMQ, format!("ZAP handler thread: {e}")))?;
        Ok(Handler {
            stop,
            wake: Mutex::new(wake),
            thread: Some(thread),
        })
    }

    /// Stop the thread, which closes its socket (before the context is
    /// terminated, which waits for every socket). Needs nothing that could
    /// fail: a flag the thread reads between polls.
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::Release);
        if let Ok(wake) = self.wake.lock() {
            let _ = wake.send(&b""[..], zmq::DONTWAIT);
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(rep: zmq::Socket, woken: zmq::Socket, stop: &AtomicBool) {
    while !stop.load(Ordering::Acquire) {
        let mut items = [
            rep.as_poll_item(zmq::POLLIN),
            woken.as_poll_item(zmq::POLLIN),
        ];
        match zmq::poll(&mut items, STOP_CHECK_MS) {
            Ok(_) => {}
            Err(zmq::Error::EINTR) => continue,
            Err(_) => return,
        }
        if items[0].is_readable() {
            let Ok(request) = rep.recv_multipart(0) else {
                continue;
            };
            let reply = std::panic::catch_unwind(|| reply_to(&request)).unwrap_or_else(|_| {
                vec![
                    b"1.0".to_vec(),
                    request.get(1).cloned().unwrap_or_default(),
                    b"500".to_vec(),
                    b"internal error".to_vec(),
                    Vec::new(),
                    Vec::new(),
                ]
            });
            let _ = rep.send_multipart(reply, 0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules_with(f: impl FnOnce(&mut Rules)) -> Rules {
        let mut r = Rules::default();
        f(&mut r);
        r
    }

    #[test]
    fn ranges() {
        let r = Range::parse("127.0.0.0/8").unwrap();
        assert!(r.contains("127.1.2.3".parse().unwrap()));
        assert!(!r.contains("128.0.0.1".parse().unwrap()));
        let one = Range::parse("10.0.0.7").unwrap();
        assert!(one.contains("10.0.0.7".parse().unwrap()));
        assert!(!one.contains("10.0.0.8".parse().unwrap()));
        let v6 = Range::parse("fd00::/8").unwrap();
        assert!(v6.contains("fd12::1".parse().unwrap()));
        assert!(Range::parse("10.0.0.0/7")
            .unwrap()
            .contains("11.255.0.1".parse().unwrap()));
        assert!(Range::parse("0.0.0.0/0")
            .unwrap()
            .contains("8.8.8.8".parse().unwrap()));
        for bad in [
            "",
            "10.0.0",
            "10.0.0.0/33",
            "::/129",
            "10.0.0.0/",
            "10.0.0.0/x",
            "host",
        ] {
            assert_eq!(Range::parse(bad), None, "{bad}");
        }
        // A mapped IPv4 rule is an IPv4 rule.
        assert_eq!(
            Range::parse("::ffff:10.0.0.1").unwrap().net,
            "10.0.0.1".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn addresses_allow_then_deny_and_mapped_peers() {
        let none = Rules::default();
        assert_eq!(none.decide("1.2.3.4", b"NULL", &[]).status, 200);
        let deny = rules_with(|r| r.deny.push(Range::parse("127.0.0.0/8").unwrap()));
        assert_eq!(deny.decide("127.0.0.1", b"NULL", &[]).status, 400);
        assert_eq!(deny.decide("::ffff:127.0.0.1", b"NULL", &[]).status, 400);
        assert_eq!(deny.decide("10.0.0.1", b"NULL", &[]).status, 200);
        let allow = rules_with(|r| {
            r.allow.push(Range::parse("10.0.0.0/8").unwrap());
            r.deny.push(Range::parse("10.0.0.1").unwrap());
        });
        // With an allow list, only it counts.
        assert_eq!(allow.decide("10.0.0.1", b"NULL", &[]).status, 200);
        assert_eq!(allow.decide("127.0.0.1", b"NULL", &[]).status, 400);
        assert_eq!(allow.decide("not-an-ip", b"NULL", &[]).status, 400);
    }

    #[test]
    fn plain_and_curve() {
        let creds = |u: &str, p: &str| vec![u.as_bytes().to_vec(), p.as_bytes().to_vec()];
        let any = Rules::default();
        assert_eq!(
            any.decide("1.1.1.1", b"PLAIN", &creds("a", "b")),
            ok("a".into())
        );
        let users = rules_with(|r| {
            r.users.insert("admin".into(), "secret".into());
        });
        assert_eq!(
            users
                .decide("1.1.1.1", b"PLAIN", &creds("admin", "secret"))
                .status,
            200
        );
        assert_eq!(
            users
                .decide("1.1.1.1", b"PLAIN", &creds("admin", "wrong"))
                .status,
            400
        );
        assert_eq!(
            users
                .decide("1.1.1.1", b"PLAIN", &creds("other", "secret"))
                .status,
            400
        );
        assert_eq!(users.decide("1.1.1.1", b"PLAIN", &[]).status, 400);

        let key = [7u8; 32];
        let z85 = curve::encode(&key).unwrap();
        assert_eq!(
            any.decide("1.1.1.1", b"CURVE", &[key.to_vec()]),
            ok(z85.clone())
        );
        let other = curve::encode(&[9u8; 32]).unwrap();
        let one = rules_with(|r| {
            r.curve.insert(other);
        });
        assert_eq!(one.decide("1.1.1.1", b"CURVE", &[key.to_vec()]).status, 400);
        let star = rules_with(|r| {
            r.curve.insert("*".into());
        });
        assert_eq!(
            star.decide("1.1.1.1", b"CURVE", &[key.to_vec()]).status,
            200
        );
        assert_eq!(any.decide("1.1.1.1", b"GSSAPI", &[]).status, 400);
    }

    #[test]
    fn zap_replies() {
        let req: Vec<Vec<u8>> = ["1.0", "id7", "zmqsocket", "127.0.0.1", "", "NULL"]
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .collect();
        let reply = reply_to(&req);
        assert_eq!(reply.len(), 6);
        assert_eq!(reply[1], b"id7");
        assert_eq!(reply[2], b"200");
        let reply = reply_to(&req[..3]);
        assert_eq!(reply[2], b"500");
    }
}
