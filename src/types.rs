//! The C-visible types and constants of SPEC sections 2 and 4.

use std::os::raw::c_void;

/// An opaque socket handle: a positive integer below 2^53, never reused
/// within a process. 0 is never a socket.
#[allow(non_camel_case_types)]
pub type zs_socket = u64;

/// One part of a message: `len` bytes at `data`. `data` may be NULL only
/// when `len` is 0.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
#[allow(non_camel_case_types)]
pub struct zs_frame {
    /// The frame's bytes (not NUL-terminated; may contain NUL bytes).
    pub data: *const c_void,
    /// The number of bytes at `data`.
    pub len: usize,
}

/// A received message, filled by the `zs_recv*` functions and owned by the
/// caller until `zs_message_free`. The frames point into the library's
/// buffers and stay valid until then.
#[repr(C)]
#[derive(Debug)]
#[allow(non_camel_case_types)]
pub struct zs_message {
    /// `count` frames; NULL when `count` is 0.
    pub frames: *mut zs_frame,
    /// The number of frames.
    pub count: usize,
    /// The library's bookkeeping; do not touch.
    pub owner: *mut c_void,
}

impl zs_message {
    /// The empty message `{NULL, 0, NULL}`.
    pub(crate) const EMPTY: zs_message = zs_message {
        frames: std::ptr::null_mut(),
        count: 0,
        owner: std::ptr::null_mut(),
    };
}

/// The arguments of `zs_recv_packed`: `zs_recv_into`'s, in one struct, so
/// that a binding whose every foreign argument costs (PHP FFI) makes the
/// call with one. The caller fills the first four fields
/// (and may keep the struct for the next call); the library writes only
/// `overflow`, and only for a frame longer than `cap`.
#[repr(C)]
#[derive(Debug)]
#[allow(non_camel_case_types)]
pub struct zs_recv_args {
    /// The socket to receive from.
    pub socket: zs_socket,
    /// As zs_recv's `timeout_ms`.
    pub timeout_ms: i32,
    /// The caller's buffer of `cap` bytes (NULL only when `cap` is 0).
    pub buf: *mut c_void,
    /// The size of `buf`.
    pub cap: usize,
    /// A frame longer than `cap`, handed over whole (free it with
    /// zs_message_free); left alone otherwise.
    pub overflow: zs_message,
}

/// Socket types, with libzmq's own numbers.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum zs_socket_type {
    /// Exclusive pair.
    ZS_PAIR = 0,
    /// Publisher.
    ZS_PUB = 1,
    /// Subscriber.
    ZS_SUB = 2,
    /// Request (strict send/receive alternation).
    ZS_REQ = 3,
    /// Reply (strict receive/send alternation).
    ZS_REP = 4,
    /// Dealer (also known as XREQ).
    ZS_DEALER = 5,
    /// Router (also known as XREP); made with ZMQ_ROUTER_MANDATORY.
    ZS_ROUTER = 6,
    /// Pull (also known as UPSTREAM).
    ZS_PULL = 7,
    /// Push (also known as DOWNSTREAM).
    ZS_PUSH = 8,
    /// Extended publisher.
    ZS_XPUB = 9,
    /// Extended subscriber.
    ZS_XSUB = 10,
}

impl zs_socket_type {
    /// Every type, in number order.
    pub(crate) const ALL: [zs_socket_type; 11] = [
        zs_socket_type::ZS_PAIR,
        zs_socket_type::ZS_PUB,
        zs_socket_type::ZS_SUB,
        zs_socket_type::ZS_REQ,
        zs_socket_type::ZS_REP,
        zs_socket_type::ZS_DEALER,
        zs_socket_type::ZS_ROUTER,
        zs_socket_type::ZS_PULL,
        zs_socket_type::ZS_PUSH,
        zs_socket_type::ZS_XPUB,
        zs_socket_type::ZS_XSUB,
    ];

    /// The type with libzmq's number `n`, if any.
    pub fn from_i32(n: i32) -> Option<zs_socket_type> {
        usize::try_from(n)
            .ok()
            .and_then(|i| Self::ALL.get(i).copied())
    }

    /// The type named `name` ("PUSH", "pull", "XREQ"...), case-insensitive.
    pub fn from_name(name: &str) -> Option<zs_socket_type> {
        use zs_socket_type::*;
        let t = match name.to_ascii_uppercase().as_str() {
            "PAIR" => ZS_PAIR,
            "PUB" => ZS_PUB,
            "SUB" => ZS_SUB,
            "REQ" => ZS_REQ,
            "REP" => ZS_REP,
            "DEALER" | "XREQ" => ZS_DEALER,
            "ROUTER" | "XREP" => ZS_ROUTER,
            "PULL" | "UPSTREAM" => ZS_PULL,
            "PUSH" | "DOWNSTREAM" => ZS_PUSH,
            "XPUB" => ZS_XPUB,
            "XSUB" => ZS_XSUB,
            _ => return None,
        };
        Some(t)
    }

    /// The canonical name ("PUSH").
    pub fn name(self) -> &'static str {
        use zs_socket_type::*;
        match self {
            ZS_PAIR => "PAIR",
            ZS_PUB => "PUB",
            ZS_SUB => "SUB",
            ZS_REQ => "REQ",
            ZS_REP => "REP",
            ZS_DEALER => "DEALER",
            ZS_ROUTER => "ROUTER",
            ZS_PULL => "PULL",
            ZS_PUSH => "PUSH",
            ZS_XPUB => "XPUB",
            ZS_XSUB => "XSUB",
        }
    }
}

/// Special timeout values (milliseconds otherwise: `> 0` wait at most that
/// long, `0` try once without waiting).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum zs_timeout {
    /// Wait as long as it takes.
    ZS_TIMEOUT_FOREVER = -1,
    /// Use the library default (5000 ms unless `zs_set_default_timeout`
    /// changed it).
    ZS_TIMEOUT_DEFAULT = -2,
}

/// Special high-water-mark values (message counts otherwise: `0` no limit,
/// `> 0` that limit).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum zs_hwm {
    /// 100 messages, as in Storyplayer.
    ZS_HWM_DEFAULT = -1,
}

/// Flags of `zs_pump` and `zs_drain`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum zs_bulk_flags {
    /// Pump: put a 16-byte sequence frame first (stream id, then sequence
    /// number, both little-endian u64). Drain: read it and count gaps,
    /// duplicates and late messages per stream.
    ZS_SEQUENCED = 1,
    /// Pump and drain: the calling thread runs under SCHED_BATCH for the
    /// call (Linux; see zs_pump).
    ZS_SCHED_BATCH = 2,
}

/// What `zs_next_event` reports (`zs_event.kind`): libzmq's ZMQ_EVENT_*
/// numbers, and ZS_EVENT_LOST, which no libzmq event uses.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum zs_event_kind {
    /// A connect completed at the TCP level; `value` is the descriptor.
    ZS_EVENT_CONNECTED = 1,
    /// A connect did not complete at once and goes on in the background.
    ZS_EVENT_CONNECT_DELAYED = 2,
    /// A connect is retried; `value` is the interval in ms.
    ZS_EVENT_CONNECT_RETRIED = 4,
    /// A bind listens; `value` is the listening descriptor.
    ZS_EVENT_LISTENING = 8,
    /// A bind failed. Never logged: the failed bind call says so itself
    /// (libzmq's event would overwrite the errno the call reports).
    ZS_EVENT_BIND_FAILED = 16,
    /// A connection was accepted on a bind; `value` is the descriptor.
    ZS_EVENT_ACCEPTED = 32,
    /// An accept failed; `value` is errno.
    ZS_EVENT_ACCEPT_FAILED = 64,
    /// A descriptor was closed; `value` is the descriptor.
    ZS_EVENT_CLOSED = 128,
    /// A close failed; `value` is errno.
    ZS_EVENT_CLOSE_FAILED = 256,
    /// A session ended (the peer went, or the connection broke); `value`
    /// is the descriptor.
    ZS_EVENT_DISCONNECTED = 512,
    /// The socket's monitor stopped.
    ZS_EVENT_MONITOR_STOPPED = 1024,
    /// A ZMTP handshake failed for no reason libzmq names.
    ZS_EVENT_HANDSHAKE_FAILED_NO_DETAIL = 2048,
    /// A ZMTP handshake (and its authentication) succeeded: a live
    /// session.
    ZS_EVENT_HANDSHAKE_SUCCEEDED = 4096,
    /// A ZMTP handshake failed on a protocol error; `value` is libzmq's
    /// ZMQ_PROTOCOL_ERROR_* code.
    ZS_EVENT_HANDSHAKE_FAILED_PROTOCOL = 8192,
    /// Authentication refused the peer; `value` is the ZAP status code
    /// (400: refused, 500: the handler failed).
    ZS_EVENT_HANDSHAKE_FAILED_AUTH = 16384,
    /// Older unread events were dropped (the log keeps the latest 1024);
    /// `value` is how many.
    ZS_EVENT_LOST = 0x0100_0000,
}

/// One connection event of a socket (`zs_next_event`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
#[allow(non_camel_case_types)]
pub struct zs_event {
    /// A `zs_event_kind`.
    pub kind: i32,
    /// As libzmq gives it: a descriptor, errno, a retry interval, a status
    /// code; for ZS_EVENT_LOST how many events were dropped.
    pub value: i32,
    /// When the library read the event from libzmq: CLOCK_MONOTONIC, in
    /// microseconds.
    pub time_us: u64,
    /// The endpoint the event is about, NUL-terminated, cut to fit ("" for
    /// ZS_EVENT_LOST).
    pub endpoint: [std::os::raw::c_char; 256],
}

/// What `zs_poll_events` waits for and reports, per socket (bits).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum zs_poll_flags {
    /// A message can be received now.
    ZS_POLLIN = 1,
    /// A message can be sent now without waiting.
    ZS_POLLOUT = 2,
}

/// What `zs_drain` saw.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub struct zs_drain_stats {
    /// Messages received.
    pub messages: u64,
    /// Frames received, sequence frames excluded.
    pub frames: u64,
    /// Payload bytes, sequence frames excluded.
    pub bytes: u64,
    /// Distinct sequenced streams seen.
    pub senders: u64,
    /// Sequenced messages missing (skipped, and not arrived late in this
    /// call).
    pub gaps: u64,
    /// Sequenced messages seen twice.
    pub duplicates: u64,
    /// Sequenced messages that came late (after a later one of their
    /// stream).
    pub out_of_order: u64,
    /// Nanoseconds from the first message received to the last.
    pub elapsed_ns: u64,
}

/// What a proxy did (`zs_proxy_stats_get`): index 0 counts messages
/// towards the service, index 1 messages back from it.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub struct zs_proxy_stats {
    /// Messages sent on (each copy of a duplicated message counts).
    pub forwarded: [u64; 2],
    /// Messages dropped by a rule, or refused for good by the other side
    /// (a reply to a client that has gone).
    pub dropped: [u64; 2],
    /// Messages sent twice by `duplicate`.
    pub duplicated: [u64; 2],
    /// Messages given a delay above zero by `delay`.
    pub delayed: [u64; 2],
    /// Messages with a byte flipped by `corrupt`.
    pub corrupted: [u64; 2],
}

/// The directions of a proxy's traffic, for `zs_proxy_fault`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum zs_proxy_direction {
    /// From the client (the front) towards the service.
    ZS_TOWARDS_SERVICE = 1,
    /// From the service back to the client.
    ZS_FROM_SERVICE = 2,
    /// Both.
    ZS_BOTH_WAYS = 3,
}

#[cfg(test)]
mod tests {
    use super::zs_event_kind::*;

    #[test]
    fn event_kinds_are_libzmqs_numbers() {
        let pairs = [
            (ZS_EVENT_CONNECTED, zmq_sys::ZMQ_EVENT_CONNECTED),
            (ZS_EVENT_CONNECT_DELAYED, zmq_sys::ZMQ_EVENT_CONNECT_DELAYED),
            (ZS_EVENT_CONNECT_RETRIED, zmq_sys::ZMQ_EVENT_CONNECT_RETRIED),
            (ZS_EVENT_LISTENING, zmq_sys::ZMQ_EVENT_LISTENING),
            (ZS_EVENT_BIND_FAILED, zmq_sys::ZMQ_EVENT_BIND_FAILED),
            (ZS_EVENT_ACCEPTED, zmq_sys::ZMQ_EVENT_ACCEPTED),
            (ZS_EVENT_ACCEPT_FAILED, zmq_sys::ZMQ_EVENT_ACCEPT_FAILED),
            (ZS_EVENT_CLOSED, zmq_sys::ZMQ_EVENT_CLOSED),
            (ZS_EVENT_CLOSE_FAILED, zmq_sys::ZMQ_EVENT_CLOSE_FAILED),
            (ZS_EVENT_DISCONNECTED, zmq_sys::ZMQ_EVENT_DISCONNECTED),
            (ZS_EVENT_MONITOR_STOPPED, zmq_sys::ZMQ_EVENT_MONITOR_STOPPED),
            (
                ZS_EVENT_HANDSHAKE_FAILED_NO_DETAIL,
                zmq_sys::ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL,
            ),
            (
                ZS_EVENT_HANDSHAKE_SUCCEEDED,
                zmq_sys::ZMQ_EVENT_HANDSHAKE_SUCCEEDED,
            ),
            (
                ZS_EVENT_HANDSHAKE_FAILED_PROTOCOL,
                zmq_sys::ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL,
            ),
            (
                ZS_EVENT_HANDSHAKE_FAILED_AUTH,
                zmq_sys::ZMQ_EVENT_HANDSHAKE_FAILED_AUTH,
            ),
        ];
        for (ours, theirs) in pairs {
            assert_eq!(ours as u32, theirs, "{ours:?}");
            assert_eq!(ours as u32 & ZS_EVENT_LOST as u32, 0);
        }
        assert!(ZS_EVENT_LOST as u32 > zmq_sys::ZMQ_EVENT_ALL);
    }
}
