"""Python binding of zmqsocket: a small, safe ZeroMQ API for test harnesses.

A package over ctypes, with the library inside when installed (pip
install bindings/python) and a compiled fast path for Socket.send and
Socket.recv (zmqsocket._fast; FAST_PATH says whether it is in use). From
a checkout it runs as it is, on ctypes alone. It loads libzmqsocket.so
from, in order:

1. the path in the environment variable ZMQSOCKET_LIB;
2. the package's own copy (PACKAGE_LIBRARY, in an installed package);
3. ../../../target/release/libzmqsocket.so relative to this file (the
   checkout's own release build);
4. ctypes.util.find_library("zmqsocket").

Example::

    import zmqsocket

    with zmqsocket.bind_to_port(0, "PULL") as pull:
        port = pull.bound_ports()[0]
        with zmqsocket.connect_to_host("localhost", port, "PUSH") as push:
            push.send_multi([b"header", b"", b"\\x00binary\\x00"])
            assert pull.recv_multi(timeout=5) == [b"header", b"", b"\\x00binary\\x00"]

Rules:

- Data is bytes in and bytes out, binary-safe (NUL bytes and empty frames
  are fine). bytearray and memoryview are accepted too; str is a TypeError.
- Host ids, addresses and endpoints are str (UTF-8 on the wire).
- Durations (timeouts, lingers) are in seconds, floats allowed, converted to
  whole milliseconds rounding up. For timeouts None means the library
  default (ZS_TIMEOUT_DEFAULT, 5 s unless set_default_timeout changed it),
  -1 (or math.inf) waits forever, 0 tries once without waiting.
- Every library failure raises ZmqSocketError, with .code (the zs code,
  compare with the ZS_ERR_* constants), .name ("ZS_ERR_TIMED_OUT") and
  .message (the library's zs_last_error text). A receive that times out
  raises it with ZS_ERR_TIMED_OUT; the non-blocking receives return None
  and the non-blocking sends return False when nothing can be done now.
  The bulk calls are the exceptions on purpose: Socket.pump() returns the
  count it sent when it ended early, and Socket.drain() returns its stats
  with complete=False when it timed out; they raise only for a negative
  return (pump) or a failure other than the timeout (drain).
  Values out of range (a port of 2**40, a negative timeout) raise
  ZmqSocketError with ZS_ERR_INVALID_ARGUMENT before reaching the library;
  arguments of the wrong Python type raise TypeError.
- Sockets are context managers and destroy themselves on exit and when
  garbage-collected; destroy_all() runs at interpreter exit (atexit), so
  queued messages are flushed (up to each socket's linger) before the
  process ends.
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import enum
import functools
import math
import os
import re
import sysconfig
import threading
import warnings
from ctypes import (
    POINTER,
    Structure,
    byref,
    c_bool,
    c_char,
    c_char_p,
    c_int16,
    c_int32,
    c_int64,
    c_size_t,
    c_uint32,
    c_uint64,
    c_void_p,
)
from collections import namedtuple
from typing import Dict, List, Optional, Sequence, Tuple, Union

__all__ = [
    "ZmqSocketError",
    "Result",
    "SocketType",
    "Timeout",
    "Hwm",
    "BulkFlag",
    "EventKind",
    "PollFlag",
    "Direction",
    "Proxy",
    "FAST_PATH",
    "Socket",
    "bind_to_port",
    "connect_to_host",
    "socket_type_from_name",
    "set_host",
    "remove_host",
    "load_hosts",
    "host_address",
    "set_bind_interface",
    "version",
    "socket_count",
    "destroy_all",
    "set_default_timeout",
    "poll",
    "strerror",
    "DrainStats",
    "ZS_SEQUENCED",
    "ZS_SCHED_BATCH",
    "POLLIN",
    "POLLOUT",
    "Event",
    "poll_events",
    "curve_keypair",
    "curve_public",
    "z85_encode",
    "z85_decode",
    "auth",
    "PAIR",
    "PUB",
    "SUB",
    "REQ",
    "REP",
    "DEALER",
    "ROUTER",
    "PULL",
    "PUSH",
    "XPUB",
    "XSUB",
    "TIMEOUT_FOREVER",
    "TIMEOUT_DEFAULT",
    "HWM_DEFAULT",
]

# --------------------------------------------------------------------------
# Constants (the values of include/zmqsocket.h)
# --------------------------------------------------------------------------

# The header's enums, one class each (a test compares every member with
# include/zmqsocket.h): IntEnum / IntFlag members are ints, so they go to
# the C API as they are, compare equal to plain ints, and print their names
# in reprs. The module-level ZS_* names (and PUSH, POLLIN...) are the same
# members, made from these classes below.


class Result(enum.IntEnum):
    """enum zs_result: what a function returns (ZmqSocketError.code)."""

    OK = 0
    ERR_INVALID_ARGUMENT = -1
    ERR_BAD_HANDLE = -2
    ERR_UNKNOWN_SOCKET_TYPE = -3
    ERR_UNKNOWN_HOST = -4
    ERR_TIMED_OUT = -5
    ERR_WOULD_BLOCK = -6
    ERR_NOT_BOUND = -7
    ERR_NOT_CONNECTED = -8
    ERR_ALREADY_CONNECTED = -9
    ERR_ADDRESS_IN_USE = -10
    ERR_NOT_SUPPORTED = -11
    ERR_WRONG_STATE = -12
    ERR_HOST_UNREACHABLE = -13
    ERR_MESSAGE_TOO_LARGE = -14
    ERR_IO = -15
    ERR_ZMQ = -16
    ERR_INTERRUPTED = -17
    ERR_INTERNAL = -99


class SocketType(enum.IntEnum):
    """enum zs_socket_type: libzmq's own numbers."""

    PAIR = 0
    PUB = 1
    SUB = 2
    REQ = 3
    REP = 4
    DEALER = 5
    ROUTER = 6
    PULL = 7
    PUSH = 8
    XPUB = 9
    XSUB = 10


class Timeout(enum.IntEnum):
    """enum zs_timeout: the special timeout values (in ms, for the C API;
    the Python API takes seconds, -1 = forever and None = the default)."""

    FOREVER = -1
    DEFAULT = -2


class Hwm(enum.IntEnum):
    """enum zs_hwm."""

    DEFAULT = -1


class BulkFlag(enum.IntFlag):
    """enum zs_bulk_flags: pump/drain's flags. SEQUENCED: pump puts a
    16-byte sequence frame first (stream id, then sequence number,
    little-endian u64); drain reads it and counts gaps, duplicates and late
    messages per stream. SCHED_BATCH: pump and drain run the calling thread
    under SCHED_BATCH for the call (Linux; from SCHED_OTHER only, restored
    after): more throughput on a busy machine. The Python API takes them as
    sequenced=True and sched_batch=True."""

    SEQUENCED = 1
    SCHED_BATCH = 2


class EventKind(enum.IntFlag):
    """enum zs_event_kind: libzmq's ZMQ_EVENT_* numbers, and LOST."""

    CONNECTED = 1
    CONNECT_DELAYED = 2
    CONNECT_RETRIED = 4
    LISTENING = 8
    BIND_FAILED = 16
    ACCEPTED = 32
    ACCEPT_FAILED = 64
    CLOSED = 128
    CLOSE_FAILED = 256
    DISCONNECTED = 512
    MONITOR_STOPPED = 1024
    HANDSHAKE_FAILED_NO_DETAIL = 2048
    HANDSHAKE_SUCCEEDED = 4096
    HANDSHAKE_FAILED_PROTOCOL = 8192
    HANDSHAKE_FAILED_AUTH = 16384
    LOST = 16777216


class PollFlag(enum.IntFlag):
    """enum zs_poll_flags: what poll_events waits for and reports."""

    POLLIN = 1
    POLLOUT = 2


class Direction(enum.IntFlag):
    """enum zs_proxy_direction: which way a proxy's fault rules apply."""

    TOWARDS_SERVICE = 1
    FROM_SERVICE = 2
    BOTH_WAYS = 3


#: Each class with the prefix its members carry in the header
#: (Result.ERR_TIMED_OUT is ZS_ERR_TIMED_OUT, Timeout.FOREVER is
#: ZS_TIMEOUT_FOREVER); a test checks this table against the header's enums.
HEADER_ENUMS = {
    "zs_result": (Result, "ZS_"),
    "zs_socket_type": (SocketType, "ZS_"),
    "zs_timeout": (Timeout, "ZS_TIMEOUT_"),
    "zs_hwm": (Hwm, "ZS_HWM_"),
    "zs_bulk_flags": (BulkFlag, "ZS_"),
    "zs_event_kind": (EventKind, "ZS_EVENT_"),
    "zs_poll_flags": (PollFlag, "ZS_"),
    "zs_proxy_direction": (Direction, "ZS_"),
}

# The module-level names: ZS_ERR_TIMED_OUT, ZS_PUSH, ZS_EVENT_LOST,
# ZS_POLLIN..., and without ZS_ the socket types (PUSH), POLLIN / POLLOUT,
# TIMEOUT_FOREVER, TIMEOUT_DEFAULT and HWM_DEFAULT.
# (__members__, not iteration: iterating an IntFlag skips the members of
# more than one bit, such as Direction.BOTH_WAYS.)
for _cls, _prefix in HEADER_ENUMS.values():
    for _name, _member in _cls.__members__.items():
        globals()[_prefix + _name] = _member
for _name, _member in SocketType.__members__.items():
    globals()[_name] = _member
POLLIN, POLLOUT = PollFlag.POLLIN, PollFlag.POLLOUT
TIMEOUT_FOREVER, TIMEOUT_DEFAULT, HWM_DEFAULT = Timeout.FOREVER, Timeout.DEFAULT, Hwm.DEFAULT
del _cls, _prefix, _name, _member

#: code -> name, e.g. -5 -> "ZS_ERR_TIMED_OUT"
ERROR_NAMES = {m.value: "ZS_" + n for n, m in Result.__members__.items()}
__all__ += sorted(ERROR_NAMES.values())

#: type number -> canonical name, e.g. 8 -> "PUSH"
SOCKET_TYPE_NAMES = {m.value: n for n, m in SocketType.__members__.items()}

#: kind -> name without ZS_EVENT_, e.g. 512 -> "DISCONNECTED"
EVENT_NAMES = {m.value: n for n, m in EventKind.__members__.items()}

# ---- SPEC 18, socket options by name: the header's table, name -> type
# ("int", "int64", "uint64", "bytes", "string", "Z85 key"); a test checks
# it against include/zmqsocket.h. Socket.set/get choose the form by the
# value and by the library's answer; this table gives attribute access its
# names.
_OPTION_KINDS = {}
for _kind, _names in (
    ("int", """RATE RECOVERY_IVL SNDBUF RCVBUF RCVMORE FD EVENTS TYPE LINGER
        RECONNECT_IVL BACKLOG RECONNECT_IVL_MAX SNDHWM RCVHWM MULTICAST_HOPS
        RCVTIMEO SNDTIMEO ROUTER_MANDATORY TCP_KEEPALIVE TCP_KEEPALIVE_CNT
        TCP_KEEPALIVE_IDLE TCP_KEEPALIVE_INTVL IMMEDIATE XPUB_VERBOSE
        ROUTER_RAW IPV6 MECHANISM PLAIN_SERVER CURVE_SERVER PROBE_ROUTER
        REQ_CORRELATE REQ_RELAXED CONFLATE ROUTER_HANDOVER TOS GSSAPI_SERVER
        GSSAPI_PLAINTEXT HANDSHAKE_IVL XPUB_NODROP BLOCKY XPUB_MANUAL
        STREAM_NOTIFY INVERT_MATCHING HEARTBEAT_IVL HEARTBEAT_TTL
        HEARTBEAT_TIMEOUT XPUB_VERBOSER CONNECT_TIMEOUT TCP_MAXRT THREAD_SAFE
        MULTICAST_MAXTPDU VMCI_CONNECT_TIMEOUT USE_FD
        GSSAPI_PRINCIPAL_NAMETYPE GSSAPI_SERVICE_PRINCIPAL_NAMETYPE"""),
    ("int64", "MAXMSGSIZE"),
    ("uint64", "AFFINITY VMCI_BUFFER_SIZE VMCI_BUFFER_MIN_SIZE VMCI_BUFFER_MAX_SIZE"),
    ("bytes", "ROUTING_ID SUBSCRIBE UNSUBSCRIBE CONNECT_ROUTING_ID XPUB_WELCOME_MSG"),
    ("string", """LAST_ENDPOINT PLAIN_USERNAME PLAIN_PASSWORD ZAP_DOMAIN
        GSSAPI_PRINCIPAL GSSAPI_SERVICE_PRINCIPAL SOCKS_PROXY BINDTODEVICE
        TCP_ACCEPT_FILTER"""),
    ("Z85 key", "CURVE_PUBLICKEY CURVE_SECRETKEY CURVE_SERVERKEY"),
):
    for _name in _names.split():
        _OPTION_KINDS[_name] = _kind
del _kind, _names, _name

#: The option types Socket.get returns as str (the others of the bytes
#: form come as bytes).
_TEXT_KINDS = ("string", "Z85 key")

# The library's refusal of the integer form for a bytes option names the
# option's type: "... is a bytes option (string): use zs_set_option_bytes
# and zs_get_option_bytes".
_BYTES_REFUSAL = re.compile(r"is a bytes option \(([^)]*)\)")

_INT32_MIN = -(2**31)
_INT32_MAX = 2**31 - 1
_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1
_UINT32_MAX = 2**32 - 1


# --------------------------------------------------------------------------
# The error
# --------------------------------------------------------------------------


class ZmqSocketError(Exception):
    """A zmqsocket failure.

    .code    the zs result code (< 0), e.g. ZS_ERR_TIMED_OUT (-5)
    .name    its name, e.g. "ZS_ERR_TIMED_OUT"
    .message the library's text (zs_last_error), naming the function,
             the argument or endpoint, and libzmq's reason
    """

    def __init__(self, code: int, message: str = ""):
        code = int(code)
        #: a Result member when the code is one of the header's, else the int
        self.code = Result(code) if code in ERROR_NAMES else code
        self.name = ERROR_NAMES.get(code, "ZS_ERR_UNKNOWN(%d)" % code)
        self.message = message or strerror(self.code)
        super().__init__(self.code, self.message)

    def __str__(self) -> str:
        return "%s: %s" % (self.name, self.message)

    def __repr__(self) -> str:
        return "ZmqSocketError(%s, %r)" % (self.name, self.message)


# --------------------------------------------------------------------------
# The C ABI
# --------------------------------------------------------------------------


class zs_frame(Structure):
    """One part of a message: len bytes at data (NULL only when len is 0)."""

    _fields_ = [("data", c_void_p), ("len", c_size_t)]


class zs_message(Structure):
    """A received message, filled by zs_recv* and freed by zs_message_free."""

    _fields_ = [("frames", POINTER(zs_frame)), ("count", c_size_t), ("owner", c_void_p)]


class zs_recv_args(Structure):
    """zs_recv_into's arguments in one struct, for zs_recv_packed."""

    _fields_ = [("socket", c_uint64), ("timeout_ms", c_int32), ("buf", c_void_p),
                ("cap", c_size_t), ("overflow", zs_message)]


class zs_drain_stats(Structure):
    """What zs_drain saw (eight uint64_t, in the header's order)."""

    _fields_ = [
        ("messages", c_uint64),      # messages received
        ("frames", c_uint64),        # frames received, sequence frames excluded
        ("bytes", c_uint64),         # payload bytes, sequence frames excluded
        ("senders", c_uint64),       # distinct sequenced streams seen
        ("gaps", c_uint64),          # sequenced messages missing
        ("duplicates", c_uint64),    # sequenced messages seen twice
        ("out_of_order", c_uint64),  # sequenced messages that came late
        ("elapsed_ns", c_uint64),    # first message received to last
    ]


class zs_event(Structure):
    """One connection event (zs_next_event)."""

    _fields_ = [
        ("kind", c_int32),          # a ZS_EVENT_* kind
        ("value", c_int32),         # descriptor, errno, interval, status; LOST: count
        ("time_us", c_uint64),      # CLOCK_MONOTONIC µs when the library read it
        ("endpoint", c_char * 256), # NUL-terminated
    ]


class zs_proxy_stats(Structure):
    """What a proxy did (zs_proxy_stats_get): [0] towards the service, [1] back."""

    _fields_ = [
        ("forwarded", c_uint64 * 2),
        ("dropped", c_uint64 * 2),
        ("duplicated", c_uint64 * 2),
        ("delayed", c_uint64 * 2),
        ("corrupted", c_uint64 * 2),
    ]


zs_socket = c_uint64

# name -> (restype, argtypes), one entry per function in include/zmqsocket.h
# (tests/test_zmqsocket.py checks this table against the header).
_SIGNATURES = {
    "zs_strerror": (c_char_p, [c_int32]),
    "zs_last_error_code": (c_int32, []),
    "zs_last_error": (c_char_p, []),
    "zs_version": (c_char_p, []),
    "zs_set_default_timeout": (c_int32, [c_int32]),
    "zs_socket_count": (c_int32, []),
    "zs_destroy_all": (c_int32, []),
    "zs_socket_type_from_name": (c_int32, [c_char_p]),
    "zs_host_set": (c_int32, [c_char_p, c_char_p]),
    "zs_host_remove": (c_int32, [c_char_p]),
    "zs_hosts_load": (c_int32, [c_char_p]),
    "zs_host_address": (c_int32, [c_char_p, POINTER(c_char), c_size_t]),
    "zs_socket_new": (c_int32, [c_int32, POINTER(zs_socket)]),
    "zs_socket_new_bound": (c_int32, [c_int32, c_int32, c_int32, c_int32, POINTER(zs_socket)]),
    "zs_socket_new_connected": (
        c_int32,
        [c_int32, c_char_p, c_int32, c_int32, c_int32, POINTER(zs_socket)],
    ),
    "zs_socket_destroy": (c_int32, [zs_socket]),
    "zs_socket_type": (c_int32, [zs_socket]),
    "zs_set_linger": (c_int32, [zs_socket, c_int32]),
    "zs_set_max_message_size": (c_int32, [zs_socket, c_int64]),
    "zs_set_routing_id": (c_int32, [zs_socket, c_void_p, c_size_t]),
    "zs_subscribe": (c_int32, [zs_socket, c_void_p, c_size_t]),
    "zs_unsubscribe": (c_int32, [zs_socket, c_void_p, c_size_t]),
    "zs_bind_to_port": (c_int32, [zs_socket, c_int32, c_int32, c_int32]),
    "zs_unbind_from_port": (c_int32, [zs_socket, c_int32]),
    "zs_unbind_from_all_ports": (c_int32, [zs_socket]),
    "zs_connect_to_host": (c_int32, [zs_socket, c_char_p, c_int32, c_int32, c_int32]),
    "zs_disconnect_from_host": (c_int32, [zs_socket, c_char_p, c_int32]),
    "zs_disconnect_from_all_hosts": (c_int32, [zs_socket]),
    "zs_close": (c_int32, [zs_socket]),
    "zs_send": (c_int32, [zs_socket, c_void_p, c_size_t, c_int32]),
    "zs_send_multi": (c_int32, [zs_socket, POINTER(zs_frame), c_size_t, c_int32]),
    "zs_send_nonblocking": (c_bool, [zs_socket, c_void_p, c_size_t]),
    "zs_send_multi_nonblocking": (c_bool, [zs_socket, POINTER(zs_frame), c_size_t]),
    "zs_recv": (c_int32, [zs_socket, c_int32, POINTER(zs_message)]),
    "zs_recv_multi": (c_int32, [zs_socket, c_int32, POINTER(zs_message)]),
    "zs_recv_nonblocking": (c_int32, [zs_socket, POINTER(zs_message)]),
    "zs_recv_into": (c_int64, [zs_socket, c_int32, ctypes.c_void_p, c_size_t,
                               POINTER(zs_message)]),
    "zs_recv_packed": (c_int64, [POINTER(zs_recv_args)]),
    "zs_recv_multi_nonblocking": (c_int32, [zs_socket, POINTER(zs_message)]),
    "zs_message_free": (None, [POINTER(zs_message)]),
    "zs_is_bound_to_port": (c_bool, [zs_socket, c_int32]),
    "zs_is_connected_to_host": (c_bool, [zs_socket, c_char_p, c_int32]),
    "zs_bound_ports": (c_int32, [zs_socket, POINTER(c_int32), c_size_t]),
    "zs_endpoints": (c_int32, [zs_socket, POINTER(c_char), c_size_t]),
    "zs_pump": (
        c_int64,
        [zs_socket, POINTER(zs_frame), c_size_t, c_int64, c_uint32, c_int32],
    ),
    "zs_drain": (c_int32, [zs_socket, c_int64, c_uint32, c_int32, POINTER(zs_drain_stats)]),
    "zs_wait_connected": (c_int32, [zs_socket, c_char_p, c_int32, c_int32]),
    "zs_peer_count": (c_int32, [zs_socket]),
    "zs_wait_peers": (c_int32, [zs_socket, c_int32, c_int32]),
    "zs_poll": (c_int32, [POINTER(zs_socket), c_size_t, c_int32, POINTER(c_bool)]),
    "zs_bind_endpoint": (c_int32, [zs_socket, c_char_p, c_int32, c_int32]),
    "zs_unbind_endpoint": (c_int32, [zs_socket, c_char_p]),
    "zs_connect_endpoint": (c_int32, [zs_socket, c_char_p, c_int32, c_int32]),
    "zs_disconnect_endpoint": (c_int32, [zs_socket, c_char_p]),
    "zs_set_bind_interface": (c_int32, [c_char_p]),
    # 19. Security
    "zs_curve_keypair": (c_int32, [POINTER(c_char), POINTER(c_char)]),
    "zs_curve_public": (c_int32, [c_char_p, POINTER(c_char)]),
    "zs_z85_encode": (c_int32, [c_void_p, c_size_t, POINTER(c_char), c_size_t]),
    "zs_z85_decode": (c_int32, [c_char_p, c_void_p, c_size_t]),
    "zs_set_curve_server": (c_int32, [zs_socket, c_char_p]),
    "zs_set_curve_client": (c_int32, [zs_socket, c_char_p, c_char_p, c_char_p]),
    "zs_set_plain_server": (c_int32, [zs_socket]),
    "zs_set_plain_client": (c_int32, [zs_socket, c_char_p, c_char_p]),
    "zs_auth_allow": (c_int32, [c_char_p]),
    "zs_auth_deny": (c_int32, [c_char_p]),
    "zs_auth_curve_allow": (c_int32, [c_char_p]),
    "zs_auth_plain_user": (c_int32, [c_char_p, c_char_p]),
    "zs_auth_reset": (c_int32, []),
    # 20. Events and message properties
    "zs_next_event": (c_int32, [zs_socket, c_int32, POINTER(zs_event)]),
    "zs_message_property": (
        c_int32,
        [POINTER(zs_message), c_char_p, POINTER(c_char), c_size_t],
    ),
    # 21. Polling for both directions
    "zs_poll_events": (
        c_int32,
        [POINTER(zs_socket), POINTER(c_int16), c_size_t, c_int32, POINTER(c_int16)],
    ),
    # Socket options (SPEC section 18).
    "zs_set_option": (c_int32, [zs_socket, c_char_p, c_int64]),
    "zs_get_option": (c_int32, [zs_socket, c_char_p, POINTER(c_int64)]),
    "zs_set_option_bytes": (c_int32, [zs_socket, c_char_p, c_void_p, c_size_t]),
    "zs_get_option_bytes": (c_int32, [zs_socket, c_char_p, c_void_p, c_size_t]),
    # ---- SPEC 22, the proxy with fault injection
    "zs_proxy_new": (c_int32, [c_int32, c_char_p, c_char_p, POINTER(zs_socket)]),
    "zs_proxy_fault": (c_int32, [zs_socket, c_int32, c_char_p]),
    "zs_proxy_cut": (c_int32, [zs_socket, c_int32]),
    "zs_proxy_stats_get": (c_int32, [zs_socket, POINTER(zs_proxy_stats)]),
}


_HERE = os.path.dirname(os.path.abspath(__file__))

#: The copy of the library an installed package carries, next to this file
#: (setuptools-rust names it as it names extension modules, with this
#: interpreter's suffix: libzmqsocket.cpython-311-x86_64-linux-gnu.so).
PACKAGE_LIBRARY = os.path.join(_HERE, "libzmqsocket" + (sysconfig.get_config_var("EXT_SUFFIX")
                                                        or ".so"))


def _find_library() -> str:
    env = os.environ.get("ZMQSOCKET_LIB")
    if env:
        return env
    if os.path.exists(PACKAGE_LIBRARY):
        return PACKAGE_LIBRARY
    # a checkout: bindings/python/zmqsocket/ -> the repository's release build
    repo_build = os.path.normpath(
        os.path.join(_HERE, "..", "..", "..", "target", "release", "libzmqsocket.so")
    )
    if os.path.exists(repo_build):
        return repo_build
    found = ctypes.util.find_library("zmqsocket")
    if found:
        return found
    raise ImportError(
        "zmqsocket: libzmqsocket.so not found: set ZMQSOCKET_LIB, install the package "
        "(pip install bindings/python), build %s (cargo build --release), or install it "
        "where the linker finds it" % repo_build
    )


def _load(path: str) -> ctypes.CDLL:
    try:
        lib = ctypes.CDLL(path)
    except OSError as e:
        raise ImportError("zmqsocket: cannot load %s: %s" % (path, e)) from e
    for name, (restype, argtypes) in _SIGNATURES.items():
        try:
            fn = getattr(lib, name)
        except AttributeError as e:
            raise ImportError("zmqsocket: %s lacks %s (a stale build?)" % (path, name)) from e
        fn.restype = restype
        fn.argtypes = argtypes
    return lib


LIBRARY_PATH = _find_library()
_lib = _load(LIBRARY_PATH)


def _load_fast_path():
    """The compiled per-message path (zmqsocket/_fast.c, built into the
    wheel), attached to the library just loaded (the same copy: one handle
    table), or None: a checkout without a build, ZMQSOCKET_NO_FAST_PATH=1,
    or a library the extension cannot find among the loaded ones."""
    if os.environ.get("ZMQSOCKET_NO_FAST_PATH") == "1":
        return None
    try:
        from zmqsocket import _fast
    except ImportError:
        return None
    if not _fast.attach(os.fsencode(LIBRARY_PATH)):
        return None
    _fast.set_error(lambda code: _error(code))  # _error is defined below
    return _fast


_fast = _load_fast_path()
#: True when Socket.send and Socket.recv go through the compiled fast path
#: (the installed package), False on the pure ctypes path.
FAST_PATH = _fast is not None


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def _text(raw) -> str:
    return raw.decode("utf-8", "replace") if raw else ""


def strerror(code: int) -> str:
    """Static English text for a zs result code."""
    return _text(_lib.zs_strerror(_i32(code, "code")))


def _error(code: int) -> ZmqSocketError:
    """The exception for a failure this thread's last call just reported."""
    return ZmqSocketError(code, _text(_lib.zs_last_error()))


def _check(rc: int) -> int:
    if rc < 0:
        raise _error(rc)
    return rc


def _check_bool(ok: bool, accept=()) -> bool:
    """True stays True; False raises unless its reason is in accept."""
    if ok:
        return True
    code = _lib.zs_last_error_code()
    if code in accept:
        return False
    raise _error(code)


def _invalid(message: str) -> ZmqSocketError:
    return ZmqSocketError(ZS_ERR_INVALID_ARGUMENT, message)


def _int(value, what: str) -> int:
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise TypeError("%s must be an int, not %s" % (what, type(value).__name__))
    return value.__index__()


def _i32(value, what: str) -> int:
    n = _int(value, what)
    if not _INT32_MIN <= n <= _INT32_MAX:
        raise _invalid("%s: %d does not fit in int32" % (what, n))
    return n


def _duration_ms(seconds, what: str, allow_default: bool) -> int:
    """Seconds (int or float) -> whole ms, rounding up; -1 / inf -> -1."""
    if seconds is None:
        if allow_default:
            return ZS_TIMEOUT_DEFAULT
        raise TypeError("%s must be a number of seconds, not None" % what)
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError("%s must be a number of seconds, not %s" % (what, type(seconds).__name__))
    if seconds == -1 or seconds == math.inf:
        return ZS_TIMEOUT_FOREVER
    if isinstance(seconds, float) and math.isnan(seconds):
        raise _invalid("%s: NaN is not a duration" % what)
    if seconds < 0:
        raise _invalid("%s: %r s (only -1 = forever may be negative)" % (what, seconds))
    if isinstance(seconds, int):
        ms = seconds * 1000
    else:
        # round away float noise first (0.7 * 1000 = 700.0000000000001)
        ms = math.ceil(round(seconds * 1000.0, 6))
    if ms > _INT32_MAX:
        raise _invalid("%s: %r s is longer than the library's int32 ms" % (what, seconds))
    return int(ms)


def _timeout_ms(timeout) -> int:
    return _duration_ms(timeout, "timeout", allow_default=True)


def _again_on_signals(call):
    """call()'s result code, calling again while a signal cuts its wait
    short (ZS_ERR_INTERRUPTED). Python runs signal handlers as soon as a
    foreign call returns, so one that raised (KeyboardInterrupt, say) has
    ended this by then; after one that did not, the wait starts again, as
    pyzmq's does."""
    while True:
        rc = call()
        if rc != ZS_ERR_INTERRUPTED:
            return rc


def _bytes(data, what: str = "data") -> bytes:
    if isinstance(data, bytes):
        return data
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    raise TypeError("%s must be bytes-like (bytes, bytearray, memoryview), not %s"
                    % (what, type(data).__name__))


def _cstr(value, what: str) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, bytes):
        return value
    raise TypeError("%s must be a str, not %s" % (what, type(value).__name__))


def _frames(frames):
    """A list of bytes -> (zs_frame array or None, count, keep-alive list)."""
    if isinstance(frames, (bytes, bytearray, memoryview, str)):
        raise TypeError("frames must be a list of bytes, not a single %s" % type(frames).__name__)
    keep = [_bytes(f, "frame") for f in frames]
    if not keep:
        return None, 0, keep
    arr = (zs_frame * len(keep))()
    for i, b in enumerate(keep):
        # c_void_p.from_param(bytes) points at the bytes' own buffer (no copy);
        # keep holds the bytes alive for the duration of the call.
        arr[i].data = ctypes.cast(b, c_void_p).value
        arr[i].len = len(b)
    return arr, len(keep), keep


# Socket.recv's buffer, one per thread, in a zs_recv_args that points at
# it: zs_recv_packed copies a frame that fits into the buffer (one foreign
# call with one argument per message: ctypes converts each argument at a
# cost, so this halves Socket.recv's time), a longer one comes whole in
# args.overflow. A receive takes the thread's struct out while it uses it,
# so a nested receive (from a signal handler) makes its own.
_RECV_BUF_SIZE = 16384
_recv_tls = threading.local()


def _new_recv_args():
    buf = ctypes.create_string_buffer(_RECV_BUF_SIZE)
    args = zs_recv_args(buf=ctypes.cast(buf, c_void_p).value, cap=_RECV_BUF_SIZE)
    args.keep = buf  # the buffer lives as long as the struct
    return args


def _copy_frames(msg: zs_message) -> list:
    out = []
    for i in range(msg.count):
        f = msg.frames[i]
        out.append(ctypes.string_at(f.data, f.len) if f.len else b"")
    return out


def _take(rc: int, msg: zs_message, none_on=()):
    """Copy the frames out of msg (filled by zs_recv*) and free it."""
    try:
        if rc < 0:
            if rc in none_on:
                return None
            raise _error(rc)
        return _copy_frames(msg)
    finally:
        _lib.zs_message_free(byref(msg))


def _read_bytes(fill) -> bytes:
    """As _read_string, raw: the value's bytes without the NUL that
    snprintf rules add to text."""
    need = _check(fill(None, 0))
    while True:
        buf = ctypes.create_string_buffer(need + 1)
        n = _check(fill(buf, need + 1))
        if n <= need:
            return buf.raw[:n]
        need = n


def _message_property(msg: zs_message, name: bytes):
    """A received message's property as str, or None when the message
    lacks it (the library's ZS_ERR_INVALID_ARGUMENT; msg is never NULL or
    freed here)."""
    ref = byref(msg)
    if _lib.zs_message_property(ref, name, None, 0) == ZS_ERR_INVALID_ARGUMENT:
        return None
    raw = _read_bytes(lambda buf, cap: _lib.zs_message_property(ref, name, buf, cap))
    return raw.decode("utf-8", "surrogateescape")


# "<host_id>:<port> <endpoint>" of a connect_to_host line. A host id has no
# whitespace (and an IPv6 literal's colons are left of the last one); an
# endpoint always has "://", which tells "connect <endpoint>" apart.
_HOST_CONNECT = re.compile(r"(?!\S*://)(\S+):(\d+) (\S+://.*)")


def _read_string(fill) -> str:
    """Call an snprintf-style fill(buf, cap) until the buffer is big enough."""
    need = _check(fill(None, 0))
    while True:
        buf = ctypes.create_string_buffer(need + 1)
        n = _check(fill(buf, need + 1))
        if n <= need:
            return buf.raw[:n].decode("utf-8", "replace")
        need = n


def _flags(sequenced, sched_batch, where: str) -> int:
    """pump/drain's sequenced and sched_batch arguments -> zs_bulk_flags.
    sequenced is a bool; the flags int it took before (BulkFlag values)
    still works for one release, with a DeprecationWarning; the library
    rejects unknown bits."""
    if not isinstance(sched_batch, bool):
        raise TypeError("%s: sched_batch must be a bool, not %s"
                        % (where, type(sched_batch).__name__))
    extra = BulkFlag.SCHED_BATCH if sched_batch else 0
    if isinstance(sequenced, bool):
        return (BulkFlag.SEQUENCED if sequenced else 0) | extra
    n = _int(sequenced, "sequenced")
    warnings.warn("%s: sequenced takes a bool; a flags int is deprecated (use "
                  "sequenced=True and sched_batch=True)" % where, DeprecationWarning,
                  stacklevel=3)
    if not 0 <= n <= _UINT32_MAX:
        raise _invalid("flags: %d does not fit in uint32" % n)
    return n | extra


def _renamed(**renames):
    """Accept the keyword arguments' old names (old="new") for one release,
    with a DeprecationWarning."""
    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            for old, new in renames.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError("%s() got both %r and its old name %r"
                                        % (fn.__qualname__, new, old))
                    warnings.warn("%s(): the keyword %r is deprecated, use %r"
                                  % (fn.__qualname__, old, new), DeprecationWarning,
                                  stacklevel=2)
                    kwargs[new] = kwargs.pop(old)
            return fn(*args, **kwargs)
        return wrapper
    return decorate


def _i64(value, what: str) -> int:
    n = _int(value, what)
    if not _INT64_MIN <= n <= _INT64_MAX:
        raise _invalid("%s: %d does not fit in int64" % (what, n))
    return n


_DRAIN_FIELDS = tuple(name for name, _ in zs_drain_stats._fields_)


#: One connection event (Socket.next_event); name is the kind without
#: ZS_EVENT_, e.g. "HANDSHAKE_SUCCEEDED".
Event = namedtuple("Event", ["kind", "name", "value", "time_us", "endpoint"])


class DrainStats(namedtuple("DrainStats", _DRAIN_FIELDS + ("complete",))):
    """What Socket.drain() saw: the eight counters of struct zs_drain_stats
    plus `complete`.

    messages      messages received
    frames        frames received, sequence frames excluded
    bytes         payload bytes, sequence frames excluded
    senders       distinct sequenced streams seen
    gaps          sequenced messages missing (skipped and not arrived late
                  in this call)
    duplicates    sequenced messages seen twice
    out_of_order  sequenced messages that came late (after a later one of
                  their stream)
    elapsed_ns    nanoseconds from the first message received to the last
    complete      True when `expected` messages arrived; False when the
                  drain ended because none arrived for `timeout` (always
                  False with expected=None, which drains until idle)

    A named tuple: read the fields by name, or ._asdict() for a dict. Test
    `.complete`, not the object itself (a tuple is always truthy).
    """

    __slots__ = ()

    @property
    def elapsed(self) -> float:
        """elapsed_ns in seconds."""
        return self.elapsed_ns / 1e9


def socket_type_from_name(name: str) -> SocketType:
    """The type for a name ("PUSH", "pull", "XREQ"...), case-insensitive."""
    return SocketType(_check(_lib.zs_socket_type_from_name(_cstr(name, "socket type name"))))


#: What takes a socket type: a SocketType, its name or its number.
SocketTypeLike = Union[SocketType, str, int]
#: What takes message data: bytes, or a bytearray or memoryview (copied).
BytesLike = Union[bytes, bytearray, memoryview]


def _socket_type(socket_type: SocketTypeLike) -> int:
    if isinstance(socket_type, str):
        return socket_type_from_name(socket_type)
    return _i32(socket_type, "socket type")


# --------------------------------------------------------------------------
# Library-wide functions
# --------------------------------------------------------------------------


def version() -> str:
    """ "zmqsocket X.Y.Z (libzmq A.B.C)"."""
    return _text(_lib.zs_version())


def socket_count() -> int:
    """The number of sockets alive now (made and not yet destroyed)."""
    return _check(_lib.zs_socket_count())


def destroy_all() -> int:
    """Destroy every socket and wait until their queued messages have left
    or their lingers ran out. Returns how many were destroyed. New sockets
    can be made afterwards. Runs at interpreter exit too."""
    return _check(_lib.zs_destroy_all())


def set_default_timeout(seconds: float) -> None:
    """Set what timeout=None means from now on (seconds; -1 = forever,
    0 = try once). The initial default is 5 s."""
    _check(_lib.zs_set_default_timeout(_duration_ms(seconds, "default timeout", False)))


def set_bind_interface(iface: str) -> None:
    """Where bind_to_port listens from now on: "*" (the default, every
    interface), an IP address such as "127.0.0.1" or "::1", or an interface
    name such as "lo". Existing binds are not moved. The environment
    variable ZMQSOCKET_BIND_INTERFACE sets the starting value."""
    _check(_lib.zs_set_bind_interface(_cstr(iface, "interface")))


def curve_keypair() -> Tuple[str, str]:
    """A new CURVE keypair: (public, secret), each 40 characters of Z85."""
    public, secret = ctypes.create_string_buffer(41), ctypes.create_string_buffer(41)
    _check(_lib.zs_curve_keypair(public, secret))
    return public.value.decode(), secret.value.decode()


def curve_public(secret: str) -> str:
    """The public key of a CURVE secret key (Z85 text)."""
    public = ctypes.create_string_buffer(41)
    _check(_lib.zs_curve_public(_cstr(secret, "secret"), public))
    return public.value.decode()


def z85_encode(data) -> str:
    """Z85 text of data (its length a multiple of 4)."""
    b = _bytes(data)
    n = _check(_lib.zs_z85_encode(b, len(b), None, 0))
    buf = ctypes.create_string_buffer(n + 1)
    _check(_lib.zs_z85_encode(b, len(b), buf, n + 1))
    return buf.value.decode()


def z85_decode(text: str) -> bytes:
    """The bytes of Z85 text (its length a multiple of 5)."""
    t = _cstr(text, "text")
    n = _check(_lib.zs_z85_decode(t, None, 0))
    buf = ctypes.create_string_buffer(n)
    _check(_lib.zs_z85_decode(t, buf, n))
    return buf.raw


class auth:
    """The process-wide authentication rules (CZMQ's zauth): every socket's
    peers are checked by them, for connections made from now on."""

    @staticmethod
    def allow(address: str) -> None:
        """Only allowed addresses (IPs or CIDR ranges) get in from now on."""
        _check(_lib.zs_auth_allow(_cstr(address, "address")))

    @staticmethod
    def deny(address: str) -> None:
        """Refuse an address or CIDR range (unless addresses are allowed)."""
        _check(_lib.zs_auth_deny(_cstr(address, "address")))

    @staticmethod
    def curve_allow(client_public: str) -> None:
        """Admit this CURVE client key ("*": any valid key) to CURVE servers."""
        _check(_lib.zs_auth_curve_allow(_cstr(client_public, "client_public")))

    @staticmethod
    def plain_user(username: str, password: str) -> None:
        """Add a user of the PLAIN servers."""
        _check(_lib.zs_auth_plain_user(_cstr(username, "username"), _cstr(password, "password")))

    @staticmethod
    def reset() -> None:
        """Forget every rule: everyone gets in again."""
        _check(_lib.zs_auth_reset())


def poll_events(items: Sequence[Tuple["Socket", int]], timeout: Optional[float] = None
                ) -> List[PollFlag]:
    """Wait until at least one (socket, want) pair of `items` is ready,
    where want is POLLIN, POLLOUT or both, or timeout seconds pass.
    Returns one int per item: what of its want holds now (0: nothing)."""
    pairs = list(items)
    for s, _ in pairs:
        if not isinstance(s, Socket):
            raise TypeError("poll_events takes Socket objects, not %s" % type(s).__name__)
    n = len(pairs)
    handles = (zs_socket * n)(*[s._handle for s, _ in pairs]) if n else None
    want = (c_int16 * n)(*[int(w) for _, w in pairs]) if n else None
    ready = (c_int16 * n)() if n else None
    ms = _timeout_ms(timeout)
    _check(_again_on_signals(lambda: _lib.zs_poll_events(handles, want, n, ms, ready)))
    return [PollFlag(ready[i]) for i in range(n)]


def poll(sockets: Sequence["Socket"], timeout: Optional[float] = None) -> List["Socket"]:
    """Wait until at least one of `sockets` (a non-empty list of Socket) has
    a message to receive, or timeout seconds pass. Returns the readable
    ones, in the order given ([] when the timeout passed; a socket listed
    twice appears twice). Nothing is received: recv() takes the message."""
    socks = list(sockets)
    for s in socks:
        if not isinstance(s, Socket):
            raise TypeError("poll takes Socket objects, not %s" % type(s).__name__)
    n = len(socks)
    handles = (zs_socket * n)(*[s._handle for s in socks]) if n else None
    readable = (c_bool * n)() if n else None
    ms = _timeout_ms(timeout)
    _check(_again_on_signals(lambda: _lib.zs_poll(handles, n, ms, readable)))
    return [s for i, s in enumerate(socks) if readable[i]]


# --------------------------------------------------------------------------
# Host table
# --------------------------------------------------------------------------


def set_host(host_id: str, address: str) -> None:
    """Add or replace a host id ("web1") -> address (IP literal or DNS name)."""
    _check(_lib.zs_host_set(_cstr(host_id, "host_id"), _cstr(address, "address")))


def remove_host(host_id: str) -> None:
    """Remove a host id; ZS_ERR_UNKNOWN_HOST if it is not in the table."""
    _check(_lib.zs_host_remove(_cstr(host_id, "host_id")))


def load_hosts(path: Union[str, bytes, "os.PathLike[str]"]) -> int:
    """Load a host file (`host_id address` per line, # comments), all or
    nothing. Returns the number of entries loaded."""
    return _check(_lib.zs_hosts_load(os.fsencode(path)))


def host_address(host_id: str) -> str:
    """The address host_id resolves to (the table, else an IP literal)."""
    hid = _cstr(host_id, "host_id")
    return _read_string(lambda buf, cap: _lib.zs_host_address(hid, buf, cap))


# --------------------------------------------------------------------------
# Sockets
# --------------------------------------------------------------------------


@_renamed(type="socket_type")
def bind_to_port(port: int, socket_type: SocketTypeLike, send_hwm: int = 100,
                 recv_hwm: int = 100) -> "Socket":
    """A new socket of `socket_type` bound to `port` (0 = an ephemeral port; read
    it back with bound_ports()). Nothing is left behind if it fails."""
    out = zs_socket(0)
    _check(_lib.zs_socket_new_bound(
        _socket_type(socket_type), _i32(port, "port"), _i32(send_hwm, "send_hwm"),
        _i32(recv_hwm, "recv_hwm"), byref(out)))
    return Socket._wrap(out.value)


@_renamed(type="socket_type")
def connect_to_host(host_id: str, port: int, socket_type: SocketTypeLike, send_hwm: int = 100,
                    recv_hwm: int = 100) -> "Socket":
    """A new socket of `socket_type` connected to host_id's port (resolved through
    the host table). Nothing is left behind if it fails."""
    out = zs_socket(0)
    _check(_lib.zs_socket_new_connected(
        _socket_type(socket_type), _cstr(host_id, "host_id"), _i32(port, "port"),
        _i32(send_hwm, "send_hwm"), _i32(recv_hwm, "recv_hwm"), byref(out)))
    return Socket._wrap(out.value)


class Socket:
    """A zmqsocket socket: Socket("PUSH") or Socket(zmqsocket.PUSH) makes
    an unattached one; bind_to_port() / connect_to_host() make attached
    ones. A context manager: destroyed on exit of the with block."""

    __slots__ = ("_handle", "_destroyed", "__weakref__")

    @_renamed(type="socket_type")
    def __init__(self, socket_type: SocketTypeLike):
        self._handle = 0
        self._destroyed = True
        out = zs_socket(0)
        _check(_lib.zs_socket_new(_socket_type(socket_type), byref(out)))
        self._handle = out.value
        self._destroyed = False

    @classmethod
    def _wrap(cls, handle: int) -> "Socket":
        self = cls.__new__(cls)
        self._handle = handle
        self._destroyed = False
        return self

    # -- identity and life ------------------------------------------------

    @property
    def handle(self) -> int:
        """The library's handle (an int; kept after destroy, then invalid)."""
        return self._handle

    @property
    def type(self) -> SocketType:
        """The socket type (a SocketType: compare with zmqsocket.PUSH etc.)."""
        return SocketType(_check(_lib.zs_socket_type(self._handle)))

    #: the same, by the name the parameters use
    socket_type = type

    @property
    def type_name(self) -> str:
        """The socket type's name, e.g. "PUSH"."""
        return self.type.name

    @property
    def destroyed(self) -> bool:
        """True once destroy() was called on this object."""
        return self._destroyed

    def destroy(self) -> bool:
        """Destroy the socket (its queued messages go on trying to leave for
        up to its linger). Idempotent: returns True if this call destroyed
        it, False if it was already gone (destroyed before, or by
        destroy_all())."""
        if self._destroyed:
            return False
        self._destroyed = True
        rc = _lib.zs_socket_destroy(self._handle)
        if rc == ZS_ERR_BAD_HANDLE:
            return False
        _check(rc)
        return True

    def __enter__(self) -> "Socket":
        return self

    def __exit__(self, *exc) -> None:
        self.destroy()

    def __del__(self):
        try:
            if not self._destroyed and self._handle:
                self._destroyed = True
                _lib.zs_socket_destroy(self._handle)
        except Exception:
            pass  # interpreter shutdown or a bad handle: nothing to do

    def __repr__(self) -> str:
        if self._destroyed:
            return "<zmqsocket.Socket %d destroyed>" % self._handle
        try:
            kind = self.type_name
        except ZmqSocketError:
            kind = "gone"
        return "<zmqsocket.Socket %d %s>" % (self._handle, kind)

    # -- options -----------------------------------------------------------

    def set(self, name: str, value: Union[int, bool, str, BytesLike]) -> None:
        """Set the socket option `name` (SPEC section 18): libzmq's name
        without ZMQ_, in any case ("RECONNECT_IVL", "heartbeat_ivl"), in
        libzmq's units (ms, bytes, 0/1), as pyzmq's setsockopt. The value
        chooses the form: an int (or bool) goes to zs_set_option, bytes-like
        to zs_set_option_bytes, a str to zs_set_option_bytes as UTF-8.
        Using the wrong form for the option, an unknown name or a value
        libzmq refuses raises ZS_ERR_INVALID_ARGUMENT; an option this
        socket type cannot take, a read-only one, SNDTIMEO and RCVTIMEO
        (timeouts are per call) raise ZS_ERR_NOT_SUPPORTED; PLAIN_* and
        CURVE_* after the first bind or connect ZS_ERR_WRONG_STATE. The
        options the library owns (HWMs, LINGER, MAXMSGSIZE, ROUTING_ID,
        SUBSCRIBE...) follow its rules (see zs_set_option in the header)."""
        n = _cstr(name, "option name")
        if isinstance(value, str):
            value = value.encode("utf-8")
        if isinstance(value, (bytes, bytearray, memoryview)):
            b = _bytes(value, "value")
            _check(_lib.zs_set_option_bytes(self._handle, n, b, len(b)))
        elif isinstance(value, bool) or hasattr(value, "__index__"):
            _check(_lib.zs_set_option(self._handle, n, _i64(int(value), "value")))
        else:
            raise TypeError("option value must be an int, bytes-like or str, not %s"
                            % type(value).__name__)

    def get(self, name: str) -> Union[int, str, bytes]:
        """Read the socket option `name` (names as set()). It asks the
        integer form first and returns an int; when the library refuses
        that because the option is a bytes one, it reads the bytes form
        and returns str for string options and CURVE keys (40 characters
        of Z85), bytes for binary ones (ROUTING_ID...). An unknown name
        raises ZS_ERR_INVALID_ARGUMENT; an option this socket type does not
        take, a write-only one, SNDTIMEO and RCVTIMEO ZS_ERR_NOT_SUPPORTED."""
        n = _cstr(name, "option name")
        out = c_int64()
        rc = _lib.zs_get_option(self._handle, n, byref(out))
        if rc >= 0:
            return out.value
        err = _error(rc)
        m = _BYTES_REFUSAL.search(err.message) if rc == ZS_ERR_INVALID_ARGUMENT else None
        if m is None:
            raise err
        raw = _read_bytes(lambda buf, cap: _lib.zs_get_option_bytes(self._handle, n, buf, cap))
        return raw.decode("utf-8", "replace") if m.group(1) in _TEXT_KINDS else raw

    #: pyzmq's names for set() and get()
    setsockopt = set
    getsockopt = get

    # Options as attributes, as pyzmq: sock.reconnect_ivl = 100, sock.linger
    # (libzmq's units: ms). Only the names of the header's table, in lower or
    # upper case; the class's own attributes (methods, properties such as
    # .type, the slots) win, so sock.subscribe stays the method: use
    # set("SUBSCRIBE", ...) for the option.

    def __getattr__(self, name: str):
        # only called when normal lookup failed
        if not name.startswith("_") and name.upper() in _OPTION_KINDS:
            return self.get(name)
        raise AttributeError("%r object has no attribute %r" % (type(self).__name__, name))

    def __setattr__(self, name: str, value) -> None:
        if (not name.startswith("_") and not hasattr(type(self), name)
                and name.upper() in _OPTION_KINDS):
            self.set(name, value)
        else:
            object.__setattr__(self, name, value)

    def set_linger(self, seconds: float) -> None:
        """How long (seconds; -1 = forever, 0 = drop) queued messages may go
        on trying to leave after destroy. The default is 1 s."""
        _check(_lib.zs_set_linger(self._handle, _duration_ms(seconds, "linger", False)))

    def set_max_message_size(self, nbytes: Optional[int]) -> None:
        """Maximum message size in bytes (None or -1 = no limit), for binds
        and connects made after it; larger sends raise
        ZS_ERR_MESSAGE_TOO_LARGE."""
        n = -1 if nbytes is None else _int(nbytes, "max message size")
        if not _INT64_MIN <= n <= _INT64_MAX:
            raise _invalid("max message size: %d does not fit in int64" % n)
        _check(_lib.zs_set_max_message_size(self._handle, n))

    def set_routing_id(self, routing_id: BytesLike) -> None:
        """Set the routing id (1..255 bytes, not starting with a zero byte),
        before the first bind or connect."""
        b = _bytes(routing_id, "routing id")
        _check(_lib.zs_set_routing_id(self._handle, b, len(b)))

    def subscribe(self, prefix: BytesLike = b"") -> None:
        """SUB / XSUB: receive messages starting with prefix (b"" = all)."""
        b = _bytes(prefix, "prefix")
        _check(_lib.zs_subscribe(self._handle, b, len(b)))

    def unsubscribe(self, prefix: BytesLike = b"") -> None:
        """Cancel one earlier subscribe(prefix)."""
        b = _bytes(prefix, "prefix")
        _check(_lib.zs_unsubscribe(self._handle, b, len(b)))

    # -- attaching -----------------------------------------------------------

    def bind_to_port(self, port: int, send_hwm: int = 100, recv_hwm: int = 100) -> int:
        """Bind tcp://<bind interface>:port (0 = ephemeral); returns the port."""
        return _check(_lib.zs_bind_to_port(
            self._handle, _i32(port, "port"), _i32(send_hwm, "send_hwm"),
            _i32(recv_hwm, "recv_hwm")))

    def unbind_from_port(self, port: int) -> None:
        """Unbind; the port is free again when this returns."""
        _check(_lib.zs_unbind_from_port(self._handle, _i32(port, "port")))

    def unbind_from_all_ports(self) -> None:
        """Unbind from every port and bound endpoint (nothing bound: fine)."""
        _check(_lib.zs_unbind_from_all_ports(self._handle))

    def connect_to_host(self, host_id: str, port: int, send_hwm: int = 100,
                        recv_hwm: int = 100) -> None:
        """Connect to host_id's port (lazily, as ZeroMQ does)."""
        _check(_lib.zs_connect_to_host(
            self._handle, _cstr(host_id, "host_id"), _i32(port, "port"),
            _i32(send_hwm, "send_hwm"), _i32(recv_hwm, "recv_hwm")))

    def disconnect_from_host(self, host_id: str, port: int) -> None:
        """Disconnect from host_id's port, by the endpoint recorded at
        connect time. ZS_ERR_NOT_CONNECTED if not connected there."""
        _check(_lib.zs_disconnect_from_host(
            self._handle, _cstr(host_id, "host_id"), _i32(port, "port")))

    def disconnect_from_all_hosts(self) -> None:
        """Disconnect from every host and endpoint."""
        _check(_lib.zs_disconnect_from_all_hosts(self._handle))

    def bind_endpoint(self, endpoint: str, send_hwm: int = 100, recv_hwm: int = 100) -> int:
        """Bind any libzmq endpoint ("tcp://127.0.0.1:0", "ipc:///tmp/x",
        "inproc://name"), HWMs set first; returns the TCP port (the
        ephemeral one for port 0), or 0 for other transports. Listed by
        endpoints() as libzmq resolved it, counted by bound_ports() when it
        is TCP, removed by unbind_endpoint(), unbind_from_all_ports() and
        close(). A malformed endpoint is ZS_ERR_INVALID_ARGUMENT, a taken
        one ZS_ERR_ADDRESS_IN_USE."""
        return _check(_lib.zs_bind_endpoint(
            self._handle, _cstr(endpoint, "endpoint"), _i32(send_hwm, "send_hwm"),
            _i32(recv_hwm, "recv_hwm")))

    def unbind_endpoint(self, endpoint: str) -> None:
        """Unbind an endpoint, given as bound ("tcp://127.0.0.1:0") or as
        libzmq resolved it (as endpoints() lists it). A TCP port is free
        again when this returns. ZS_ERR_NOT_BOUND if not bound there."""
        _check(_lib.zs_unbind_endpoint(self._handle, _cstr(endpoint, "endpoint")))

    def connect_endpoint(self, endpoint: str, send_hwm: int = 100, recv_hwm: int = 100) -> None:
        """Connect any libzmq endpoint ("tcp://host:port", "ipc://path",
        "inproc://name"), HWMs set first; lazily, as ZeroMQ does. Listed by
        endpoints() and by connections() as (None, None, endpoint), removed
        by disconnect_endpoint(), disconnect_from_all_hosts() and close().
        The same endpoint twice (by either form) is
        ZS_ERR_ALREADY_CONNECTED."""
        _check(_lib.zs_connect_endpoint(
            self._handle, _cstr(endpoint, "endpoint"), _i32(send_hwm, "send_hwm"),
            _i32(recv_hwm, "recv_hwm")))

    def disconnect_endpoint(self, endpoint: str) -> None:
        """Disconnect an endpoint, connected by connect_endpoint() or by
        connect_to_host() (give the endpoint connections() lists).
        ZS_ERR_NOT_CONNECTED if not connected there."""
        _check(_lib.zs_disconnect_endpoint(self._handle, _cstr(endpoint, "endpoint")))

    def close(self) -> None:
        """Unbind from all ports and disconnect from all hosts; the socket
        stays usable (use destroy() to get rid of it)."""
        _check(_lib.zs_close(self._handle))

    # -- connection state ------------------------------------------------------

    def wait_connected(self, host_id: str, port: int, timeout: Optional[float] = None) -> None:
        """Wait until the ZMTP handshake with host_id's port has completed
        (ZS_ERR_TIMED_OUT if not within timeout; ZS_ERR_NOT_CONNECTED if
        this socket never asked to connect there with connect_to_host).
        Returns at once if it already has. For SUB/XSUB it returns no sooner
        than 20 ms after the handshake, so that subscriptions have reached
        the publisher: subscribe first, and nothing published afterwards is
        missed (the slow joiner)."""
        h, host, p, ms = self._handle, _cstr(host_id, "host_id"), _i32(port, "port"), _timeout_ms(timeout)
        _check(_again_on_signals(lambda: _lib.zs_wait_connected(h, host, p, ms)))

    def peer_count(self) -> int:
        """The number of live ZMTP sessions over all this socket's endpoints
        (bound and connected): handshake completed, not disconnected since.
        inproc connections are not ZMTP sessions and are not counted."""
        return _check(_lib.zs_peer_count(self._handle))

    def wait_peers(self, n: int, timeout: Optional[float] = None) -> None:
        """Wait until peer_count() >= n (n >= 0), at most timeout seconds
        (None = the library default); ZS_ERR_TIMED_OUT otherwise."""
        h, count, ms = self._handle, _i32(n, "n"), _timeout_ms(timeout)
        _check(_again_on_signals(lambda: _lib.zs_wait_peers(h, count, ms)))

    def set_curve_server(self, secret: str) -> None:
        """Make this socket a CURVE server (before its first bind/connect)."""
        _check(_lib.zs_set_curve_server(self._handle, _cstr(secret, "secret")))

    def set_curve_client(self, server_public: str, public: str, secret: str) -> None:
        """Make this socket a CURVE client of server_public (before its
        first bind/connect)."""
        _check(_lib.zs_set_curve_client(
            self._handle, _cstr(server_public, "server_public"), _cstr(public, "public"),
            _cstr(secret, "secret")))

    def set_plain_server(self) -> None:
        """Make this socket a PLAIN server (before its first bind/connect)."""
        _check(_lib.zs_set_plain_server(self._handle))

    def set_plain_client(self, username: str, password: str) -> None:
        """Make this socket a PLAIN client (before its first bind/connect)."""
        _check(_lib.zs_set_plain_client(
            self._handle, _cstr(username, "username"), _cstr(password, "password")))

    def next_event(self, timeout: Optional[float] = None) -> Optional["Event"]:
        """The oldest unread connection event of this socket, as an Event
        (kind, name, value, time_us, endpoint), waiting up to timeout
        seconds; None when none comes. The log keeps the latest 1024; a
        LOST event says how many older ones were dropped."""
        e = zs_event()
        h, ms = self._handle, _timeout_ms(timeout)
        rc = _again_on_signals(lambda: _lib.zs_next_event(h, ms, byref(e)))
        if rc == ZS_ERR_TIMED_OUT:
            return None
        _check(rc)
        return Event(EventKind(e.kind), EVENT_NAMES.get(e.kind, str(e.kind)), e.value, e.time_us,
                     e.endpoint.decode("utf-8", "replace"))

    # -- sending -------------------------------------------------------------

    def _send_ctypes(self, data: BytesLike, timeout: Optional[float] = None) -> None:
        """Send a single-part message; ZS_ERR_TIMED_OUT if it cannot be
        queued within timeout seconds."""
        b, h, ms = _bytes(data), self._handle, _timeout_ms(timeout)
        _check(_again_on_signals(lambda: _lib.zs_send(h, b, len(b), ms)))

    if _fast is not None:
        _fast_send = _fast.send

        def _send_fast(self, data: BytesLike, timeout: Optional[float] = None) -> None:
            """Send a single-part message; ZS_ERR_TIMED_OUT if it cannot be
            queued within timeout seconds."""
            # the same call as _send_ctypes through the compiled path
            # (-2: Timeout.DEFAULT, without a lookup)
            self._fast_send(self._handle, data if data.__class__ is bytes else _bytes(data),
                            -2 if timeout is None else _timeout_ms(timeout))

        send = _send_fast
    else:
        send = _send_ctypes

    def send_multi(self, frames: Sequence[BytesLike], timeout: Optional[float] = None) -> None:
        """Send a multi-part message (a non-empty list of bytes; empty frames
        allowed), atomically."""
        arr, count, keep = _frames(frames)
        h, ms = self._handle, _timeout_ms(timeout)
        _check(_again_on_signals(lambda: _lib.zs_send_multi(h, arr, count, ms)))
        del keep

    def send_nonblocking(self, data: BytesLike) -> bool:
        """Queue a single-part message if there is room now: True if queued,
        False if not (ZS_ERR_WOULD_BLOCK). Other failures raise."""
        b = _bytes(data)
        return _check_bool(_lib.zs_send_nonblocking(self._handle, b, len(b)),
                           accept=(ZS_ERR_WOULD_BLOCK,))

    def send_multi_nonblocking(self, frames: Sequence[BytesLike]) -> bool:
        """As send_nonblocking, for a multi-part message."""
        arr, count, keep = _frames(frames)
        ok = _lib.zs_send_multi_nonblocking(self._handle, arr, count)
        del keep
        return _check_bool(ok, accept=(ZS_ERR_WOULD_BLOCK,))

    # -- bulk traffic ----------------------------------------------------------

    def pump(self, frames_or_bytes: Union[BytesLike, Sequence[BytesLike]], repeat: int,
             sequenced: bool = False, timeout: Optional[float] = None, *,
             sched_batch: bool = False) -> int:
        """Send one message `repeat` (>= 0) times in the library's native
        loop (at libzmq's speed, with the GIL released) and return how many
        were sent.

        frames_or_bytes is a single-part message (bytes-like) or a
        non-empty list of frames. `timeout` (seconds, None = the library
        default) applies to each message: one that cannot be queued in time
        ends the pump early, and then the count sent so far is returned
        (smaller than repeat; the reason is the library's last error).
        ZmqSocketError is raised only when the library returns a negative
        code: nothing could be sent at all (e.g. ZS_ERR_TIMED_OUT with no
        peer and no queue), or a bad argument (repeat < 0, unknown flags,
        a PULL socket...).

        sequenced=True puts an extra first frame of 16 bytes before each
        message: this socket's random 64-bit stream id, then a sequence
        number counting from 0 per socket across pump calls, both
        little-endian (struct.unpack("<QQ", frame)). sched_batch=True runs
        this thread under SCHED_BATCH for the call, for throughput (see
        zs_pump in zmqsocket.h). A flags int as `sequenced` (BulkFlag
        values) is deprecated but still works for one release.
        """
        if isinstance(frames_or_bytes, (bytes, bytearray, memoryview)):
            frames_or_bytes = [frames_or_bytes]
        arr, count, keep = _frames(frames_or_bytes)
        rc = _lib.zs_pump(self._handle, arr, count, _i64(repeat, "repeat"),
                          _flags(sequenced, sched_batch, "pump"), _timeout_ms(timeout))
        del keep
        if rc < 0:
            raise _error(rc)
        return rc

    def drain(self, expected: Optional[int] = None, sequenced: bool = False,
              timeout: Optional[float] = None, *, sched_batch: bool = False) -> DrainStats:
        """Receive and count messages in the library's native loop until
        `expected` have arrived (None or -1: no limit) or none arrives for
        `timeout` seconds (an idle timeout, not a total; None = the library
        default, 5 s). Returns a DrainStats: messages, frames, bytes,
        senders, gaps, duplicates, out_of_order, elapsed_ns and `complete`.

        A drain that times out does NOT raise: it returns the stats with
        complete=False (with expected=None that is how every drain ends),
        so a test can assert on what did arrive. Other failures (a bad
        handle, expected < -1, unknown flags...) raise ZmqSocketError.

        sequenced=True reads each message's 16-byte sequence frame (see
        pump(); a message whose first frame is not 16 bytes followed by
        more frames counts as unsequenced) and counts gaps, duplicates and
        late messages per stream; frames and bytes never include the
        sequence frame. The socket remembers each stream's progress across
        drain calls; a new stream starts at 0. sched_batch as in pump().
        """
        n = -1 if expected is None else _i64(expected, "expected")
        stats = zs_drain_stats()
        rc = _lib.zs_drain(self._handle, n, _flags(sequenced, sched_batch, "drain"),
                           _timeout_ms(timeout),
                           byref(stats))
        if rc not in (ZS_OK, ZS_ERR_TIMED_OUT):
            raise _error(rc)
        return DrainStats(*(getattr(stats, f) for f in _DRAIN_FIELDS),
                          complete=(rc == ZS_OK))

    # -- receiving -----------------------------------------------------------

    def _recv_ctypes(self, timeout: Optional[float] = None) -> bytes:
        """Receive one frame (the next call gets the next frame of a
        multi-part message). Raises ZS_ERR_TIMED_OUT after timeout."""
        tls = _recv_tls
        args = getattr(tls, "args", None)
        if args is None:
            args = _new_recv_args()
        else:
            tls.args = None
        try:
            args.socket = self._handle
            args.timeout_ms = _timeout_ms(timeout)
            n = _again_on_signals(lambda: _lib.zs_recv_packed(byref(args)))
            if n < 0:
                raise _error(n)
            if n <= _RECV_BUF_SIZE:
                return ctypes.string_at(args.keep, n) if n else b""
            return _take(ZS_OK, args.overflow)[0]
        finally:
            tls.args = args

    if _fast is not None:
        _fast_recv = _fast.recv

        def _recv_fast(self, timeout: Optional[float] = None) -> bytes:
            """Receive one frame (the next call gets the next frame of a
            multi-part message). Raises ZS_ERR_TIMED_OUT after timeout."""
            # _recv_ctypes' call (zs_recv_packed) through the compiled path
            # (-2: Timeout.DEFAULT, without a lookup)
            return self._fast_recv(self._handle, -2 if timeout is None else _timeout_ms(timeout))

        recv = _recv_fast
    else:
        recv = _recv_ctypes

    def recv_multi(self, timeout: Optional[float] = None) -> List[bytes]:
        """Receive every frame of the next message, as a list of bytes."""
        msg = zs_message()
        h, ms = self._handle, _timeout_ms(timeout)
        return _take(_again_on_signals(lambda: _lib.zs_recv_multi(h, ms, byref(msg))), msg)

    def recv_with_properties(self, names: Sequence[str], timeout: Optional[float] = None
                             ) -> Tuple[List[bytes], Dict[str, Optional[str]]]:
        """Receive the next whole message and read its metadata (SPEC
        section 20) before the library frees it: returns (frames, props),
        frames as recv_multi(), props {name: str or None} for each of
        `names` (a list of str; libzmq's names, case-sensitive:
        "Peer-Address", "Socket-Type", "Routing-Id", "User-Id", the peer's
        ZMTP properties). None means the message lacks the property (a
        misspelt name, any property over inproc; without authentication
        User-Id is ""). Values are UTF-8 text; bytes that are not (a binary
        Routing-Id) come back with v.encode("utf-8", "surrogateescape")."""
        if isinstance(names, (str, bytes)):
            raise TypeError("names must be a list of str, not a single %s"
                            % type(names).__name__)
        keys = list(names)
        encoded = [_cstr(k, "property name") for k in keys]
        msg = zs_message()
        h, ms = self._handle, _timeout_ms(timeout)
        rc = _again_on_signals(lambda: _lib.zs_recv_multi(h, ms, byref(msg)))
        try:
            if rc < 0:
                raise _error(rc)
            props = {k: _message_property(msg, b) for k, b in zip(keys, encoded)}
            return _copy_frames(msg), props
        finally:
            _lib.zs_message_free(byref(msg))

    def recv_nonblocking(self) -> Optional[bytes]:
        """One frame if there is one now, else None."""
        msg = zs_message()
        out = _take(_lib.zs_recv_nonblocking(self._handle, byref(msg)), msg,
                    none_on=(ZS_ERR_WOULD_BLOCK,))
        return None if out is None else out[0]

    def recv_multi_nonblocking(self) -> Optional[List[bytes]]:
        """The next whole message if there is one now, else None."""
        msg = zs_message()
        return _take(_lib.zs_recv_multi_nonblocking(self._handle, byref(msg)), msg,
                     none_on=(ZS_ERR_WOULD_BLOCK,))

    # -- asking --------------------------------------------------------------

    def _alive(self) -> None:
        # The bool queries return False for a bad handle too; ask first so
        # that a destroyed socket raises instead of answering False.
        _check(_lib.zs_socket_type(self._handle))

    def is_bound_to_port(self, port: int) -> bool:
        """True if this socket is bound to port and has not unbound since."""
        self._alive()
        return bool(_lib.zs_is_bound_to_port(self._handle, _i32(port, "port")))

    def is_connected_to_host(self, host_id: str, port: int) -> bool:
        """True if this socket asked to connect to host_id's port and has not
        disconnected since (ZeroMQ connects lazily)."""
        self._alive()
        return bool(_lib.zs_is_connected_to_host(
            self._handle, _cstr(host_id, "host_id"), _i32(port, "port")))

    def bound_ports(self) -> List[int]:
        """The ports this socket is bound to, ascending."""
        cap = 0
        while True:
            arr = (c_int32 * cap)() if cap else None
            n = _check(_lib.zs_bound_ports(self._handle, arr, cap))
            if n <= cap:
                return [arr[i] for i in range(n)] if n else []
            cap = n

    def _endpoint_lines(self) -> list:
        text = _read_string(lambda buf, cap: _lib.zs_endpoints(self._handle, buf, cap))
        return [line for line in text.split("\n") if line]

    def _attachments(self):
        """zs_endpoints' lines as ("bind", None, None, endpoint) and
        ("connect", host_id, port, endpoint). Three line forms:
        "bind <endpoint>", "connect <host_id>:<port> <endpoint>"
        (connect_to_host) and "connect <endpoint>" (connect_endpoint, no
        host id: host_id and port are None)."""
        for line in self._endpoint_lines():
            kind, _, rest = line.partition(" ")
            m = _HOST_CONNECT.fullmatch(rest) if kind == "connect" else None
            if m:
                yield kind, m.group(1), int(m.group(2)), m.group(3)
            else:
                # "bind <endpoint>" or "connect <endpoint>": the rest of the
                # line is the endpoint, whatever it holds (an ipc path may
                # contain spaces)
                yield kind, None, None, rest

    def endpoints(self) -> Dict[str, List[str]]:
        """{'bind': [endpoint...], 'connect': [endpoint...]}, as php-zmq's
        getEndpoints(): the endpoints libzmq resolved (binds) or connected
        to, each in the order they were made."""
        out = {"bind": [], "connect": []}
        for kind, _, _, endpoint in self._attachments():
            out.setdefault(kind, []).append(endpoint)
        return out

    def connections(self) -> List[Tuple[Optional[str], Optional[int], str]]:
        """[(host_id, port, endpoint)...] for each connect, in order
        (host_id and port are None for connect_endpoint())."""
        return [(h, p, e) for kind, h, p, e in self._attachments() if kind == "connect"]


# --------------------------------------------------------------------------
# The proxy with fault injection (SPEC 22)
# --------------------------------------------------------------------------


class Proxy:
    """A proxy with fault injection (SPEC 22) between clients of
    `client_type` (PUSH, PULL, REQ, DEALER, SUB; a name or number) that
    connect to `front` (which it binds; .port is its TCP port, 0 for other
    transports) and the service at `service` (which it connects to).
    Use as a context manager, or destroy() it."""

    def __init__(self, client_type: SocketTypeLike, front: str, service: str):
        out = zs_socket(0)
        self.port = _check(_lib.zs_proxy_new(_socket_type(client_type), _cstr(front, "front"),
                                             _cstr(service, "service"), byref(out)))
        self.handle = out.value

    def fault(self, rules: str = "", direction: int = ZS_BOTH_WAYS) -> None:
        """Replace `direction`'s rules ("drop 10%; delay 50ms; seed 42"...);
        "" clears them."""
        _check(_lib.zs_proxy_fault(self.handle, _i32(direction, "direction"),
                                   _cstr(rules, "rules")))

    def cut(self, seconds: float) -> None:
        """Drop every connection and refuse new ones for `seconds`."""
        _check(_lib.zs_proxy_cut(self.handle, _i32(round(seconds * 1000), "seconds")))

    def stats(self) -> dict:
        """The counts: {"forwarded": (towards the service, back), ...}."""
        st = zs_proxy_stats()
        _check(_lib.zs_proxy_stats_get(self.handle, byref(st)))
        return {name: tuple(getattr(st, name)) for name, _ in zs_proxy_stats._fields_}

    def destroy(self) -> bool:
        """Stop the proxy; False if it was destroyed already."""
        return _lib.zs_socket_destroy(self.handle) == ZS_OK

    def __enter__(self) -> "Proxy":
        return self

    def __exit__(self, *exc) -> None:
        self.destroy()


# --------------------------------------------------------------------------
# Interpreter exit: flush what is queued
# --------------------------------------------------------------------------

_atexit_lock = threading.Lock()


def _destroy_all_at_exit() -> None:
    with _atexit_lock:
        try:
            _lib.zs_destroy_all()
        except Exception:
            pass


atexit.register(_destroy_all_at_exit)
