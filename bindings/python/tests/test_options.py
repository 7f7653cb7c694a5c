"""Socket options by name (SPEC section 18): Socket.set/get, the pyzmq
aliases and attribute access, with pyzmq peers where the option must show
an effect."""

import os
import re
import time

import pytest
import zmq
import zmqsocket
from zmqsocket import ZmqSocketError

HERE = os.path.dirname(os.path.abspath(__file__))
HEADER = os.path.normpath(os.path.join(HERE, "..", "..", "..", "include", "zmqsocket.h"))

T = 5  # seconds: the timeout of every receive that should succeed


@pytest.fixture
def ctx():
    c = zmq.Context()
    yield c
    c.destroy(linger=0)


class _raises:
    """pytest.raises(ZmqSocketError), then check its code."""

    def __init__(self, code):
        self.code = code
        self._cm = pytest.raises(ZmqSocketError)

    def __enter__(self):
        self.info = self._cm.__enter__()
        return self.info

    def __exit__(self, *exc):
        suppressed = self._cm.__exit__(*exc)
        assert self.info.value.code == self.code, "expected %s, got %r" % (
            zmqsocket.ERROR_NAMES[self.code], self.info.value)
        return suppressed


def free_port():
    """A port nothing listens on (bound, then unbound: unbind waits until
    the port is really free)."""
    with zmqsocket.Socket("PULL") as s:
        port = s.bind_to_port(0)
        s.unbind_from_port(port)
    return port


def bind_later(ctx, kind, port):
    """A pyzmq socket bound to a port from free_port(), later (another
    process's connection may hold it for a moment: retry a while)."""
    s = ctx.socket(kind)
    s.linger = 0
    deadline = time.monotonic() + 2
    while True:
        try:
            s.bind("tcp://127.0.0.1:%d" % port)
            return s
        except zmq.ZMQError as e:
            if e.errno != zmq.EADDRINUSE or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _recv_pyzmq(sock, timeout_ms=T * 1000):
    assert sock.poll(timeout_ms), "nothing arrived"
    return sock.recv()


# ---- the table ---------------------------------------------------------------


def test_the_option_table_matches_the_header():
    if not os.path.exists(HEADER):
        pytest.skip("no include/zmqsocket.h next to this binding")
    with open(HEADER) as f:
        text = f.read()
    block = text[text.index("The options, by name"):text.index("int32_t zs_set_option(")]
    header = dict(re.findall(r"^ \* - ([A-Z0-9_]+) \(([^,)]+)", block, flags=re.M))
    assert len(header) > 70
    assert zmqsocket._OPTION_KINDS == header


# ---- integer options ---------------------------------------------------------


def test_an_integer_option_reads_back_by_every_spelling():
    with zmqsocket.Socket("DEALER") as s:
        s.set("RECONNECT_IVL", 250)
        assert s.get("RECONNECT_IVL") == 250
        assert s.get("reconnect_ivl") == 250
        assert s.get("ZMQ_RECONNECT_IVL") == 250
        s.setsockopt("reconnect_ivl", 300)
        assert s.getsockopt("RECONNECT_IVL") == 300
        s.reconnect_ivl = 400
        assert s.reconnect_ivl == 400
        assert s.RECONNECT_IVL == 400
        s.immediate = True  # a bool is 0 or 1
        assert s.get("IMMEDIATE") == 1
        assert s.type == zmqsocket.DEALER  # the property, not the option
        assert s.get("TYPE") == zmqsocket.DEALER
        assert s.mechanism == 0


def test_linger_by_name_is_zs_set_linger_in_ms():
    with zmqsocket.Socket("PUSH") as s:
        s.linger = 0
        assert s.get("LINGER") == 0
        s.set_linger(2.5)
        assert s.linger == 2500


def test_immediate_makes_a_send_towards_no_peer_time_out(ctx):
    port = free_port()
    plain = zmqsocket.Socket("PUSH")
    immediate = zmqsocket.Socket("PUSH")
    immediate.set("IMMEDIATE", 1)
    endpoint = "tcp://127.0.0.1:%d" % port
    plain.connect_endpoint(endpoint)
    immediate.connect_endpoint(endpoint)
    plain.send(b"queued towards nobody", timeout=T)  # without it: queued
    with _raises(zmqsocket.ZS_ERR_TIMED_OUT):
        immediate.send(b"refused", timeout=0.3)
    pull = bind_later(ctx, zmq.PULL, port)
    assert _recv_pyzmq(pull) == b"queued towards nobody"
    immediate.wait_peers(1, timeout=T)
    immediate.send(b"now there is a peer", timeout=T)
    got = {_recv_pyzmq(pull)}
    assert got == {b"now there is a peer"}
    plain.destroy()
    immediate.destroy()
    pull.close(0)


def test_conflate_keeps_only_the_last_message(ctx):
    port = free_port()
    endpoint = "tcp://127.0.0.1:%d" % port
    conflated = zmqsocket.Socket("PUSH")
    conflated.conflate = 1
    assert conflated.get("conflate") == 1
    conflated.set_linger(0)
    conflated.connect_endpoint(endpoint)
    for i in range(10):
        conflated.send(b"%d" % i, timeout=T)  # queued towards nobody yet
    pull = bind_later(ctx, zmq.PULL, port)
    assert _recv_pyzmq(pull) == b"9"
    assert not pull.poll(300), "more than the last message arrived"
    pull.close(0)
    conflated.destroy()

    # the control: without CONFLATE every one arrives, in order
    port = free_port()
    queued = zmqsocket.Socket("PUSH")
    queued.connect_endpoint("tcp://127.0.0.1:%d" % port)
    for i in range(10):
        queued.send(b"%d" % i, timeout=T)
    pull = bind_later(ctx, zmq.PULL, port)
    assert [_recv_pyzmq(pull) for _ in range(10)] == [b"%d" % i for i in range(10)]
    pull.close(0)
    queued.destroy()


# ---- bytes and string options ------------------------------------------------


def test_bytes_options_come_back_as_bytes_and_string_options_as_str():
    with zmqsocket.Socket("DEALER") as s:
        s.set("ROUTING_ID", b"\x01bin\x00id")
        assert s.get("ROUTING_ID") == b"\x01bin\x00id"
        assert s.routing_id == b"\x01bin\x00id"
        s.set("SOCKS_PROXY", "127.0.0.1:1080")
        assert s.get("socks_proxy") == "127.0.0.1:1080"
        s.socks_proxy = b"10.0.0.1:9050"  # bytes for a string option: fine
        assert s.socks_proxy == "10.0.0.1:9050"
        s.set("SOCKS_PROXY", "")
        assert s.get("SOCKS_PROXY") == ""
        port = s.bind_endpoint("tcp://127.0.0.1:0")
        last = s.get("LAST_ENDPOINT")
        assert isinstance(last, str) and last.endswith(":%d" % port)


def test_curve_keys_by_name_read_back_as_z85_text():
    public, secret = zmqsocket.curve_keypair()
    with zmqsocket.Socket("PULL") as s:
        s.set("CURVE_SERVER", 1)
        s.set("CURVE_SECRETKEY", secret)
        assert s.curve_secretkey == secret
        assert s.mechanism == 2
    with zmqsocket.Socket("PUSH") as s:
        s.curve_serverkey = zmqsocket.z85_decode(public)  # 32 raw bytes
        assert s.get("CURVE_SERVERKEY") == public


# ---- refusals ----------------------------------------------------------------


def test_an_unknown_name_raises_invalid_argument():
    with zmqsocket.Socket("PUSH") as s:
        with _raises(zmqsocket.ZS_ERR_INVALID_ARGUMENT) as e:
            s.set("NO_SUCH_OPTION", 1)
        assert "NO_SUCH_OPTION" in e.value.message
        with _raises(zmqsocket.ZS_ERR_INVALID_ARGUMENT):
            s.get("NO_SUCH_OPTION")
        with _raises(zmqsocket.ZS_ERR_INVALID_ARGUMENT):
            s.set("no_such_option", b"bytes")
        with _raises(zmqsocket.ZS_ERR_INVALID_ARGUMENT):
            s.get("")
        # not an option name: the ordinary attribute rules
        with pytest.raises(AttributeError):
            s.no_such_option
        with pytest.raises(AttributeError):
            s.no_such_option = 1
        with pytest.raises(AttributeError):
            s._private


def test_the_wrong_form_raises_invalid_argument():
    with zmqsocket.Socket("DEALER") as s:
        with _raises(zmqsocket.ZS_ERR_INVALID_ARGUMENT) as e:
            s.set("RECONNECT_IVL", b"100")
        assert "integer option" in e.value.message
        with _raises(zmqsocket.ZS_ERR_INVALID_ARGUMENT) as e:
            s.set("SOCKS_PROXY", 5)
        assert "bytes option" in e.value.message
        with _raises(zmqsocket.ZS_ERR_INVALID_ARGUMENT):
            s.set("RECONNECT_IVL", 2**40)  # an int option: int32 only
        with _raises(zmqsocket.ZS_ERR_INVALID_ARGUMENT):
            s.set("RECONNECT_IVL", 2**70)  # not even an int64
        with pytest.raises(TypeError):
            s.set("RECONNECT_IVL", 1.5)
        with pytest.raises(TypeError):
            s.set(5, 1)
        with pytest.raises(TypeError):
            s.get(None)
        assert s.get("RECONNECT_IVL") == 100  # nothing changed: the default


def test_timeouts_read_only_and_foreign_options_raise_not_supported():
    with zmqsocket.Socket("REQ") as s:
        with _raises(zmqsocket.ZS_ERR_NOT_SUPPORTED) as e:
            s.set("SNDTIMEO", 100)
        assert "SNDTIMEO" in e.value.message
        with _raises(zmqsocket.ZS_ERR_NOT_SUPPORTED):
            s.get("SNDTIMEO")
        with _raises(zmqsocket.ZS_ERR_NOT_SUPPORTED):
            s.rcvtimeo = 100
        with _raises(zmqsocket.ZS_ERR_NOT_SUPPORTED):
            s.set("TYPE", zmqsocket.PUSH)  # read-only
        with _raises(zmqsocket.ZS_ERR_NOT_SUPPORTED):
            s.conflate = 1  # not a REQ's
        with _raises(zmqsocket.ZS_ERR_NOT_SUPPORTED):
            s.get("REQ_RELAXED")  # write-only
        with pytest.raises(AttributeError):
            s.type = zmqsocket.PUSH  # the property, which has no setter
        assert s.type == zmqsocket.REQ


def test_security_options_after_the_first_bind_raise_wrong_state():
    _, secret = zmqsocket.curve_keypair()
    with zmqsocket.Socket("PULL") as s:
        s.bind_endpoint("tcp://127.0.0.1:0")
        with _raises(zmqsocket.ZS_ERR_WRONG_STATE):
            s.set("CURVE_SECRETKEY", secret)
        with _raises(zmqsocket.ZS_ERR_WRONG_STATE):
            s.plain_server = 1


def test_a_destroyed_socket_raises_bad_handle():
    s = zmqsocket.Socket("PUSH")
    s.destroy()
    with _raises(zmqsocket.ZS_ERR_BAD_HANDLE):
        s.set("LINGER", 0)
    with _raises(zmqsocket.ZS_ERR_BAD_HANDLE):
        s.get("LINGER")
    with _raises(zmqsocket.ZS_ERR_BAD_HANDLE):
        s.get("SOCKS_PROXY")
    with _raises(zmqsocket.ZS_ERR_BAD_HANDLE):
        s.set("SOCKS_PROXY", "x:1")
