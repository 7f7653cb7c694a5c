//! The socket options by name (SPEC section 18), written once: this table
//! gives the lookup by name, the rules `socket::options` applies to each
//! option, and (build.rs reads it) the list of options in the header's
//! doc comment of `zs_set_option`.

use crate::types::zs_socket_type;

/// How libzmq holds an option's value, and so which C form takes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A C `int`: the integer forms, the value within `int32_t`.
    Int,
    /// An `int64_t`: the integer forms.
    Int64,
    /// A `uint64_t`: the integer forms, the value `>= 0`.
    Uint64,
    /// Binary data: the `_bytes` forms, no NUL added.
    Bytes,
    /// Text: the `_bytes` forms; read back NUL-terminated.
    Str,
    /// A CURVE key: 40 characters of Z85 text (or 32 raw bytes when set);
    /// read back as Z85 text.
    Key,
}

impl Kind {
    /// True for the options `zs_set_option` and `zs_get_option` take.
    pub fn is_integer(self) -> bool {
        matches!(self, Kind::Int | Kind::Int64 | Kind::Uint64)
    }

    /// The type's name in the header's table and in error texts.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Int => "int",
            Kind::Int64 => "int64",
            Kind::Uint64 => "uint64",
            Kind::Bytes => "bytes",
            Kind::Str => "string",
            Kind::Key => "Z85 key",
        }
    }
}

/// What the API lets a caller do with an option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    ReadWrite,
    ReadOnly,
    WriteOnly,
}

/// Who owns an option: libzmq (passed through as it is), or the library,
/// whose rules decide what setting and reading it do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    /// libzmq's: set and read as libzmq does.
    Zmq,
    /// The send HWM, by the HWM rules (as the `send_hwm` arguments).
    SendHwm,
    /// The receive HWM, likewise.
    RecvHwm,
    /// As `zs_set_linger`.
    Linger,
    /// As `zs_set_max_message_size`; reads the library's own limit.
    MaxMsgSize,
    /// As `zs_set_routing_id`.
    RoutingId,
    /// As `zs_subscribe` (SUB, XSUB); an XPUB's own in XPUB_MANUAL mode.
    Subscribe,
    /// As `zs_unsubscribe`, likewise.
    Unsubscribe,
    /// Timeouts are per call: refused both ways.
    Timeout,
    /// Set by the library on every socket; it can be read, not set.
    Library,
    /// ROUTERs always have ROUTER_MANDATORY (SPEC section 7).
    RouterMandatory,
    /// A security mechanism option: set only before the first bind or
    /// connect (SPEC section 19).
    Mechanism,
    /// Not in this build of libzmq (GSSAPI, VMCI): refused both ways.
    Absent,
    /// A context option, not a socket one: refused both ways.
    Context,
    /// TCP_ACCEPT_FILTER: an IPv4 address is added in both of the forms a
    /// peer can arrive in (plain on an IPv4 listener, v4-mapped on a
    /// dual-stack one).
    AcceptFilter,
}

/// Socket type sets, as bitmasks of `1 << zs_socket_type`.
#[allow(dead_code)]
pub mod sockets {
    pub const PAIR: u16 = 1 << 0;
    pub const PUB: u16 = 1 << 1;
    pub const SUB: u16 = 1 << 2;
    pub const REQ: u16 = 1 << 3;
    pub const REP: u16 = 1 << 4;
    pub const DEALER: u16 = 1 << 5;
    pub const ROUTER: u16 = 1 << 6;
    pub const PULL: u16 = 1 << 7;
    pub const PUSH: u16 = 1 << 8;
    pub const XPUB: u16 = 1 << 9;
    pub const XSUB: u16 = 1 << 10;
    /// Every type zmqsocket makes.
    pub const ANY: u16 = (1 << 11) - 1;
    /// None of them (an option of a type zmqsocket does not make).
    pub const NONE: u16 = 0;
}

/// One socket option.
#[derive(Debug)]
pub struct Opt {
    /// libzmq's name without `ZMQ_`.
    pub name: &'static str,
    /// libzmq's option number.
    pub number: i32,
    pub kind: Kind,
    pub access: Access,
    pub owner: Owner,
    /// The socket types that take it ([`sockets`] bits).
    pub types: u16,
    /// One line on what it does (the header's table).
    pub desc: &'static str,
}

impl Opt {
    /// True if a socket of type `t` takes this option.
    pub fn takes(&self, t: zs_socket_type) -> bool {
        self.types & (1 << t as u16) != 0
    }

    /// The names of the types that take it, "ROUTER, DEALER".
    pub fn type_names(&self) -> String {
        (0..=10)
            .filter_map(zs_socket_type::from_i32)
            .filter(|t| self.takes(*t))
            .map(|t| t.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Defines [`OPTIONS`] from one row per option:
/// `NAME = ZMQ_NUMBER, Kind, Access, Owner, socket types => "what it does",`.
macro_rules! option_table {
    ( $( $name:ident = $num:ident, $kind:ident, $access:ident, $owner:ident,
         $types:expr => $desc:literal, )+ ) => {
        /// Every stable libzmq 4.3 socket option, in libzmq's order.
        pub static OPTIONS: &[Opt] = &{
            #[allow(unused_imports)]
            use sockets::*;
            [ $( Opt {
                name: stringify!($name),
                number: zmq_sys::$num as i32,
                kind: Kind::$kind,
                access: Access::$access,
                owner: Owner::$owner,
                types: $types,
                desc: $desc,
            }, )+ ]
        };
    };
}

// The options, written once (build.rs reads these rows for the header:
// keep each on one line).
#[rustfmt::skip]
option_table! {
    AFFINITY = ZMQ_AFFINITY, Uint64, ReadWrite, Zmq, ANY => "bitmap of the I/O threads that serve the connections made afterwards",
    ROUTING_ID = ZMQ_ROUTING_ID, Bytes, ReadWrite, RoutingId, ANY => "as zs_set_routing_id: 1..255 bytes, before the first bind or connect",
    SUBSCRIBE = ZMQ_SUBSCRIBE, Bytes, WriteOnly, Subscribe, SUB | XSUB | XPUB => "as zs_subscribe; on an XPUB, a subscription of its own in XPUB_MANUAL mode",
    UNSUBSCRIBE = ZMQ_UNSUBSCRIBE, Bytes, WriteOnly, Unsubscribe, SUB | XSUB | XPUB => "as zs_unsubscribe; on an XPUB, in XPUB_MANUAL mode",
    RATE = ZMQ_RATE, Int, ReadWrite, Zmq, ANY => "multicast (PGM) data rate, kbit/s",
    RECOVERY_IVL = ZMQ_RECOVERY_IVL, Int, ReadWrite, Zmq, ANY => "multicast (PGM) recovery interval, ms",
    SNDBUF = ZMQ_SNDBUF, Int, ReadWrite, Zmq, ANY => "kernel send buffer of new connections, bytes (-1 = the OS default)",
    RCVBUF = ZMQ_RCVBUF, Int, ReadWrite, Zmq, ANY => "kernel receive buffer of new connections, bytes (-1 = the OS default)",
    RCVMORE = ZMQ_RCVMORE, Int, ReadOnly, Zmq, ANY => "1 if the frame zs_recv returned last has more frames after it",
    FD = ZMQ_FD, Int, ReadOnly, Zmq, ANY => "the descriptor that becomes readable when the socket's events change",
    EVENTS = ZMQ_EVENTS, Int, ReadOnly, Zmq, ANY => "1 if a message can be received now, | 2 if one can be sent",
    TYPE = ZMQ_TYPE, Int, ReadOnly, Zmq, ANY => "the socket's type (a zs_socket_type)",
    LINGER = ZMQ_LINGER, Int, ReadWrite, Linger, ANY => "as zs_set_linger: ms unsent messages may outlive the socket (-1 = forever)",
    RECONNECT_IVL = ZMQ_RECONNECT_IVL, Int, ReadWrite, Zmq, ANY => "ms between attempts to connect or reconnect (-1 = never reconnect)",
    BACKLOG = ZMQ_BACKLOG, Int, ReadWrite, Zmq, ANY => "connections a listener queues before accepting them",
    RECONNECT_IVL_MAX = ZMQ_RECONNECT_IVL_MAX, Int, ReadWrite, Zmq, ANY => "ms the reconnect interval may double up to (0 = it does not double)",
    MAXMSGSIZE = ZMQ_MAXMSGSIZE, Int64, ReadWrite, MaxMsgSize, ANY => "as zs_set_max_message_size: largest message, bytes (-1 = no limit)",
    SNDHWM = ZMQ_SNDHWM, Int, ReadWrite, SendHwm, ANY => "send HWM, as the send_hwm arguments (-1 = 100, 0 = no limit)",
    RCVHWM = ZMQ_RCVHWM, Int, ReadWrite, RecvHwm, ANY => "receive HWM, as the recv_hwm arguments (-1 = 100, 0 = no limit)",
    MULTICAST_HOPS = ZMQ_MULTICAST_HOPS, Int, ReadWrite, Zmq, ANY => "multicast time-to-live, hops",
    RCVTIMEO = ZMQ_RCVTIMEO, Int, ReadWrite, Timeout, ANY => "timeouts are per call here (the timeout_ms arguments)",
    SNDTIMEO = ZMQ_SNDTIMEO, Int, ReadWrite, Timeout, ANY => "timeouts are per call here (the timeout_ms arguments)",
    LAST_ENDPOINT = ZMQ_LAST_ENDPOINT, Str, ReadOnly, Zmq, ANY => "the endpoint of the last bind or connect, as libzmq resolved it",
    ROUTER_MANDATORY = ZMQ_ROUTER_MANDATORY, Int, ReadWrite, RouterMandatory, ROUTER => "always 1 here: a message to no connected peer is ZS_ERR_HOST_UNREACHABLE",
    TCP_KEEPALIVE = ZMQ_TCP_KEEPALIVE, Int, ReadWrite, Zmq, ANY => "SO_KEEPALIVE of new TCP connections: 1 on, 0 off, -1 the OS default",
    TCP_KEEPALIVE_CNT = ZMQ_TCP_KEEPALIVE_CNT, Int, ReadWrite, Zmq, ANY => "TCP_KEEPCNT: unanswered probes before the connection drops (-1 = OS default)",
    TCP_KEEPALIVE_IDLE = ZMQ_TCP_KEEPALIVE_IDLE, Int, ReadWrite, Zmq, ANY => "TCP_KEEPIDLE: idle seconds before the first probe (-1 = OS default)",
    TCP_KEEPALIVE_INTVL = ZMQ_TCP_KEEPALIVE_INTVL, Int, ReadWrite, Zmq, ANY => "TCP_KEEPINTVL: seconds between probes (-1 = OS default)",
    TCP_ACCEPT_FILTER = ZMQ_TCP_ACCEPT_FILTER, Str, WriteOnly, AcceptFilter, ANY => "an address (IPv4/IPv6, optionally /mask) a TCP listener accepts connections from; set more than once to add more, \"\" clears the list (bind afterwards)",
    IMMEDIATE = ZMQ_IMMEDIATE, Int, ReadWrite, Zmq, ANY => "1: queue messages only on completed connections (no peer: a send waits)",
    XPUB_VERBOSE = ZMQ_XPUB_VERBOSE, Int, WriteOnly, Zmq, XPUB => "1: pass on every subscription, duplicates too",
    ROUTER_RAW = ZMQ_ROUTER_RAW, Int, WriteOnly, Zmq, ROUTER => "1: raw TCP peers, no ZMTP (each message: peer id frame, data frame)",
    IPV6 = ZMQ_IPV6, Int, ReadOnly, Library, ANY => "1: the library makes every socket dual-stack (SPEC section 8)",
    MECHANISM = ZMQ_MECHANISM, Int, ReadOnly, Zmq, ANY => "the security mechanism: 0 NULL, 1 PLAIN, 2 CURVE, 3 GSSAPI",
    PLAIN_SERVER = ZMQ_PLAIN_SERVER, Int, ReadWrite, Mechanism, ANY => "1: be a PLAIN server",
    PLAIN_USERNAME = ZMQ_PLAIN_USERNAME, Str, ReadWrite, Mechanism, ANY => "PLAIN client user name",
    PLAIN_PASSWORD = ZMQ_PLAIN_PASSWORD, Str, ReadWrite, Mechanism, ANY => "PLAIN client password",
    CURVE_SERVER = ZMQ_CURVE_SERVER, Int, ReadWrite, Mechanism, ANY => "1: be a CURVE server (with CURVE_SECRETKEY)",
    CURVE_PUBLICKEY = ZMQ_CURVE_PUBLICKEY, Key, ReadWrite, Mechanism, ANY => "a CURVE client's own public key",
    CURVE_SECRETKEY = ZMQ_CURVE_SECRETKEY, Key, ReadWrite, Mechanism, ANY => "the socket's own CURVE secret key",
    CURVE_SERVERKEY = ZMQ_CURVE_SERVERKEY, Key, ReadWrite, Mechanism, ANY => "the CURVE server's public key, for a client",
    PROBE_ROUTER = ZMQ_PROBE_ROUTER, Int, WriteOnly, Zmq, ROUTER | DEALER | REQ => "1: send an empty message to each new connection's peer",
    REQ_CORRELATE = ZMQ_REQ_CORRELATE, Int, WriteOnly, Zmq, REQ => "1: tag each request and drop replies to earlier ones",
    REQ_RELAXED = ZMQ_REQ_RELAXED, Int, WriteOnly, Zmq, REQ => "1: a REQ may send again before the reply came (use with REQ_CORRELATE)",
    CONFLATE = ZMQ_CONFLATE, Int, ReadWrite, Zmq, PUSH | PULL | PUB | SUB | DEALER => "1: keep only the latest message of connections made afterwards (single-part only)",
    ZAP_DOMAIN = ZMQ_ZAP_DOMAIN, Str, ReadOnly, Library, ANY => "set by the library on every socket: it refuses ZMTP 1.0 and 2.0 peers",
    ROUTER_HANDOVER = ZMQ_ROUTER_HANDOVER, Int, WriteOnly, Zmq, ROUTER => "1: a new peer with a routing id in use takes it over",
    TOS = ZMQ_TOS, Int, ReadWrite, Zmq, ANY => "IP type-of-service byte of new connections' packets",
    CONNECT_ROUTING_ID = ZMQ_CONNECT_ROUTING_ID, Bytes, WriteOnly, Zmq, ROUTER => "the routing id this ROUTER gives the peer of its next connect (1..255 bytes)",
    GSSAPI_SERVER = ZMQ_GSSAPI_SERVER, Int, ReadWrite, Absent, ANY => "not in this build of libzmq (no GSSAPI)",
    GSSAPI_PRINCIPAL = ZMQ_GSSAPI_PRINCIPAL, Str, ReadWrite, Absent, ANY => "not in this build of libzmq (no GSSAPI)",
    GSSAPI_SERVICE_PRINCIPAL = ZMQ_GSSAPI_SERVICE_PRINCIPAL, Str, ReadWrite, Absent, ANY => "not in this build of libzmq (no GSSAPI)",
    GSSAPI_PLAINTEXT = ZMQ_GSSAPI_PLAINTEXT, Int, ReadWrite, Absent, ANY => "not in this build of libzmq (no GSSAPI)",
    HANDSHAKE_IVL = ZMQ_HANDSHAKE_IVL, Int, ReadWrite, Zmq, ANY => "ms a ZMTP handshake may take before the connection drops (0 = no limit)",
    SOCKS_PROXY = ZMQ_SOCKS_PROXY, Str, ReadWrite, Zmq, ANY => "host:port of a SOCKS5 proxy for TCP connects made afterwards (\"\" = none)",
    XPUB_NODROP = ZMQ_XPUB_NODROP, Int, WriteOnly, Zmq, PUB | XPUB => "1: a send to a subscriber at its HWM fails (ZS_ERR_TIMED_OUT) instead of dropping",
    BLOCKY = ZMQ_BLOCKY, Int, ReadWrite, Context, ANY => "a context option, not a socket one (the library owns the context)",
    XPUB_MANUAL = ZMQ_XPUB_MANUAL, Int, WriteOnly, Zmq, XPUB => "1: the XPUB's own SUBSCRIBE/UNSUBSCRIBE decide what each subscriber gets",
    XPUB_WELCOME_MSG = ZMQ_XPUB_WELCOME_MSG, Bytes, WriteOnly, Zmq, XPUB => "a message sent to each new subscriber (empty: none)",
    STREAM_NOTIFY = ZMQ_STREAM_NOTIFY, Int, WriteOnly, Zmq, NONE => "STREAM sockets only, which zmqsocket does not make",
    INVERT_MATCHING = ZMQ_INVERT_MATCHING, Int, ReadWrite, Zmq, PUB | SUB | XPUB | XSUB => "1: deliver the messages that match no subscription",
    HEARTBEAT_IVL = ZMQ_HEARTBEAT_IVL, Int, ReadWrite, Zmq, ANY => "ms between ZMTP PINGs on connections made afterwards (0 = none)",
    HEARTBEAT_TTL = ZMQ_HEARTBEAT_TTL, Int, ReadWrite, Zmq, ANY => "ms the peer may wait for traffic before dropping us (0..6553500, in steps of 100)",
    HEARTBEAT_TIMEOUT = ZMQ_HEARTBEAT_TIMEOUT, Int, ReadWrite, Zmq, ANY => "ms without traffic after a PING before the connection drops (0 = HEARTBEAT_IVL)",
    XPUB_VERBOSER = ZMQ_XPUB_VERBOSER, Int, WriteOnly, Zmq, XPUB => "1: pass on every subscription and unsubscription, duplicates too",
    CONNECT_TIMEOUT = ZMQ_CONNECT_TIMEOUT, Int, ReadWrite, Zmq, ANY => "ms a TCP connect may take before it is retried (0 = the OS's limit)",
    TCP_MAXRT = ZMQ_TCP_MAXRT, Int, ReadWrite, Zmq, ANY => "ms data may stay unacknowledged before the connection drops (0 = OS default)",
    THREAD_SAFE = ZMQ_THREAD_SAFE, Int, ReadOnly, Zmq, ANY => "1 for libzmq's thread-safe socket types (none of these)",
    MULTICAST_MAXTPDU = ZMQ_MULTICAST_MAXTPDU, Int, ReadWrite, Zmq, ANY => "largest multicast transport data unit, bytes",
    VMCI_BUFFER_SIZE = ZMQ_VMCI_BUFFER_SIZE, Uint64, ReadWrite, Absent, ANY => "not in this build of libzmq (no VMCI)",
    VMCI_BUFFER_MIN_SIZE = ZMQ_VMCI_BUFFER_MIN_SIZE, Uint64, ReadWrite, Absent, ANY => "not in this build of libzmq (no VMCI)",
    VMCI_BUFFER_MAX_SIZE = ZMQ_VMCI_BUFFER_MAX_SIZE, Uint64, ReadWrite, Absent, ANY => "not in this build of libzmq (no VMCI)",
    VMCI_CONNECT_TIMEOUT = ZMQ_VMCI_CONNECT_TIMEOUT, Int, ReadWrite, Absent, ANY => "not in this build of libzmq (no VMCI)",
    USE_FD = ZMQ_USE_FD, Int, ReadOnly, Library, ANY => "-1: every bind makes its own listener (the library tracks and unbinds it)",
    GSSAPI_PRINCIPAL_NAMETYPE = ZMQ_GSSAPI_PRINCIPAL_NAMETYPE, Int, ReadWrite, Absent, ANY => "not in this build of libzmq (no GSSAPI)",
    GSSAPI_SERVICE_PRINCIPAL_NAMETYPE = ZMQ_GSSAPI_SERVICE_PRINCIPAL_NAMETYPE, Int, ReadWrite, Absent, ANY => "not in this build of libzmq (no GSSAPI)",
    BINDTODEVICE = ZMQ_BINDTODEVICE, Str, ReadWrite, Zmq, ANY => "network interface new connections and listeners use (SO_BINDTODEVICE; needs CAP_NET_RAW)",
}

/// The option named `name`: libzmq's name without `ZMQ_`, any case (a
/// leading `ZMQ_` is allowed too).
pub fn find(name: &str) -> Option<&'static Opt> {
    let bare = match name.get(..4) {
        Some(p) if p.eq_ignore_ascii_case("ZMQ_") => &name[4..],
        _ => name,
    };
    OPTIONS.iter().find(|o| o.name.eq_ignore_ascii_case(bare))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers_are_unique() {
        let names: std::collections::HashSet<_> = OPTIONS.iter().map(|o| o.name).collect();
        let numbers: std::collections::HashSet<_> = OPTIONS.iter().map(|o| o.number).collect();
        assert_eq!(names.len(), OPTIONS.len());
        assert_eq!(numbers.len(), OPTIONS.len());
        assert_eq!(OPTIONS.len(), 77);
    }

    #[test]
    fn lookup_ignores_case_and_a_zmq_prefix() {
        assert_eq!(find("RECONNECT_IVL").unwrap().number, 18);
        assert_eq!(find("heartbeat_ivl").unwrap().number, 75);
        assert_eq!(find("Zmq_Linger").unwrap().number, 17);
        assert!(find("").is_none());
        assert!(find("ZMQ_").is_none());
        assert!(find("LINGERX").is_none());
        assert!(find("IDENTITY").is_none());
        // Not a byte-boundary panic on multi-byte text.
        assert!(find("zmé_x").is_none());
    }

    #[test]
    fn kinds_and_types() {
        assert!(find("MAXMSGSIZE").unwrap().kind == Kind::Int64);
        assert!(find("AFFINITY").unwrap().kind == Kind::Uint64);
        assert!(!find("SOCKS_PROXY").unwrap().kind.is_integer());
        let probe = find("PROBE_ROUTER").unwrap();
        assert_eq!(probe.type_names(), "REQ, DEALER, ROUTER");
        assert!(probe.takes(zs_socket_type::ZS_DEALER));
        assert!(!probe.takes(zs_socket_type::ZS_PUSH));
        assert!(!find("STREAM_NOTIFY")
            .unwrap()
            .takes(zs_socket_type::ZS_ROUTER));
        assert_eq!(find("TYPE").unwrap().type_names().split(", ").count(), 11);
    }

    /// The header's list (build.rs writes it from these rows) names every
    /// option with its type and description, in the table's order.
    #[test]
    fn the_header_lists_every_option() {
        let header = std::fs::read_to_string(concat!(env!("OUT_DIR"), "/zmqsocket.h")).unwrap();
        let listed: Vec<&str> = header
            .lines()
            .filter_map(|l| l.strip_prefix(" * - "))
            .filter(|l| {
                l.split_once(" (")
                    .is_some_and(|(n, _)| OPTIONS.iter().any(|o| o.name == n))
            })
            .collect();
        assert_eq!(listed.len(), OPTIONS.len());
        for (line, o) in listed.iter().zip(OPTIONS) {
            assert!(
                line.starts_with(&format!("{} ({}, ", o.name, o.kind.name())),
                "{line}"
            );
            assert!(line.ends_with(&format!("): {}", o.desc)), "{line}");
            if o.types != sockets::ANY && o.types != sockets::NONE {
                let types = line.split_once("; ").unwrap().1.split_once(')').unwrap().0;
                let mut named: Vec<&str> = types.split(", ").collect();
                named.sort();
                let mut want: Vec<String> =
                    o.type_names().split(", ").map(|t| t.to_string()).collect();
                want.sort();
                assert_eq!(named, want, "{line}");
            }
        }
    }

    /// Every option libzmq owns outright is read as it is set, unless it
    /// is read-only.
    #[test]
    fn owned_options_are_the_library_ones() {
        let owned: Vec<_> = OPTIONS
            .iter()
            .filter(|o| !matches!(o.owner, Owner::Zmq | Owner::Absent))
            .map(|o| o.name)
            .collect();
        for n in ["SNDHWM", "RCVHWM", "LINGER", "MAXMSGSIZE", "ROUTING_ID"] {
            assert!(owned.contains(&n), "{n}");
        }
        assert!(find("SNDTIMEO").unwrap().owner == Owner::Timeout);
        assert!(find("ZAP_DOMAIN").unwrap().access == Access::ReadOnly);
    }
}
