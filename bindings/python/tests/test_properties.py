"""Message properties (SPEC section 20) through Socket.recv_with_properties,
from pyzmq peers, plain and authenticated, and a CURVE peer refused."""

import pytest
import zmq
import zmqsocket
from zmqsocket import ZmqSocketError

T = 5  # seconds: the timeout of every receive that should succeed


@pytest.fixture
def ctx():
    c = zmq.Context()
    yield c
    c.destroy(linger=0)


@pytest.fixture(autouse=True)
def no_rules():
    zmqsocket.auth.reset()
    yield
    zmqsocket.auth.reset()


def _pyzmq_push(ctx, port, setup=lambda s: None):
    push = ctx.socket(zmq.PUSH)
    push.linger = 0
    setup(push)
    push.connect("tcp://127.0.0.1:%d" % port)
    return push


def test_peer_address_and_socket_type_of_a_pyzmq_push(ctx):
    with zmqsocket.Socket("PULL") as pull:
        port = pull.bind_to_port(0)  # "*": dual-stack, the IPv4 text still
        push = _pyzmq_push(ctx, port)
        push.send_multipart([b"a", b"", b"\x00c"])
        frames, props = pull.recv_with_properties(
            ["Peer-Address", "Socket-Type", "User-Id", "peer-address"], timeout=T)
        assert frames == [b"a", b"", b"\x00c"]
        # No authentication, no user: no User-Id, or "" once a ZAP
        # handler runs in the process (from the first auth rule on).
        assert props.pop("User-Id") in (None, "")
        assert props == {"Peer-Address": "127.0.0.1", "Socket-Type": "PUSH",
                         "peer-address": None}  # names are case-sensitive
        push.close(0)


def test_the_routing_id_of_a_pyzmq_dealer(ctx):
    with zmqsocket.Socket("ROUTER") as router:
        port = router.bind_to_port(0)
        dealer = ctx.socket(zmq.DEALER)
        dealer.linger = 0
        dealer.routing_id = b"dealer-7"
        dealer.connect("tcp://127.0.0.1:%d" % port)
        dealer.send(b"hi")
        frames, props = router.recv_with_properties(["Routing-Id", "Socket-Type"], timeout=T)
        assert frames == [b"dealer-7", b"hi"]
        assert props == {"Routing-Id": "dealer-7", "Socket-Type": "DEALER"}
        dealer.close(0)


def test_user_id_of_a_plain_pyzmq_client(ctx):
    zmqsocket.auth.plain_user("admin", "secret")
    with zmqsocket.Socket("PULL") as pull:
        pull.set_plain_server()
        port = pull.bind_to_port(0)

        def plain(s):
            s.plain_username = b"admin"
            s.plain_password = b"secret"

        push = _pyzmq_push(ctx, port, plain)
        push.send(b"signed in")
        frames, props = pull.recv_with_properties(["User-Id", "Peer-Address"], timeout=T)
        assert frames == [b"signed in"]
        assert props == {"User-Id": "admin", "Peer-Address": "127.0.0.1"}
        push.close(0)


def _curve_pull(server_secret):
    pull = zmqsocket.Socket("PULL")
    pull.set_curve_server(server_secret)
    return pull, pull.bind_to_port(0)


def _curve_client(ctx, port, server_public):
    public, secret = zmq.curve_keypair()

    def curve(s):
        s.curve_serverkey = server_public.encode()
        s.curve_publickey = public
        s.curve_secretkey = secret

    return _pyzmq_push(ctx, port, curve), public.decode()


def test_user_id_of_an_allowed_curve_client_is_its_key(ctx):
    server_public, server_secret = zmqsocket.curve_keypair()
    pull, port = _curve_pull(server_secret)
    push, client_public = _curve_client(ctx, port, server_public)
    zmqsocket.auth.curve_allow(client_public)
    push.send(b"over curve")
    frames, props = pull.recv_with_properties(["User-Id"], timeout=T)
    assert (frames, props) == ([b"over curve"], {"User-Id": client_public})
    push.close(0)
    pull.destroy()


def test_a_curve_client_is_refused_when_another_key_is_allowed(ctx):
    server_public, server_secret = zmqsocket.curve_keypair()
    other_public, _ = zmqsocket.curve_keypair()
    zmqsocket.auth.curve_allow(other_public)
    pull, port = _curve_pull(server_secret)
    push, _ = _curve_client(ctx, port, server_public)
    push.send(b"never delivered")
    seen = []
    while True:
        e = pull.next_event(timeout=T)
        assert e is not None, "no HANDSHAKE_FAILED_AUTH; saw %s" % [x.name for x in seen]
        seen.append(e)
        if e.kind == zmqsocket.ZS_EVENT_HANDSHAKE_FAILED_AUTH:
            break
    assert "HANDSHAKE_SUCCEEDED" not in [x.name for x in seen]
    assert pull.recv_multi_nonblocking() is None
    assert pull.peer_count() == 0
    push.close(0)
    pull.destroy()


# ---- the error paths ---------------------------------------------------------


def test_inproc_messages_have_no_properties():
    with zmqsocket.Socket("PULL") as pull, zmqsocket.Socket("PUSH") as push:
        pull.bind_endpoint("inproc://props-none")
        push.connect_endpoint("inproc://props-none")
        push.send(b"local", timeout=T)
        frames, props = pull.recv_with_properties(["Peer-Address", "Socket-Type"], timeout=T)
        assert frames == [b"local"]
        assert props == {"Peer-Address": None, "Socket-Type": None}


def test_no_names_is_just_a_receive():
    with zmqsocket.Socket("PULL") as pull, zmqsocket.Socket("PUSH") as push:
        pull.bind_endpoint("inproc://props-empty")
        push.connect_endpoint("inproc://props-empty")
        push.send_multi([b"x", b"y"], timeout=T)
        assert pull.recv_with_properties([], timeout=T) == ([b"x", b"y"], {})


def test_bad_names_raise_before_anything_is_received():
    with zmqsocket.Socket("PULL") as pull, zmqsocket.Socket("PUSH") as push:
        pull.bind_endpoint("inproc://props-bad")
        push.connect_endpoint("inproc://props-bad")
        push.send(b"kept", timeout=T)
        with pytest.raises(TypeError):
            pull.recv_with_properties("Peer-Address", timeout=T)  # one str, not a list
        with pytest.raises(TypeError):
            pull.recv_with_properties(["Socket-Type", 5], timeout=T)
        assert pull.recv(timeout=T) == b"kept"  # still there


def test_timeout_and_bad_handle_raise():
    pull = zmqsocket.Socket("PULL")
    pull.bind_endpoint("inproc://props-timeout")
    with pytest.raises(ZmqSocketError) as e:
        pull.recv_with_properties(["Peer-Address"], timeout=0.05)
    assert e.value.code == zmqsocket.ZS_ERR_TIMED_OUT
    pull.destroy()
    with pytest.raises(ZmqSocketError) as e:
        pull.recv_with_properties(["Peer-Address"], timeout=0)
    assert e.value.code == zmqsocket.ZS_ERR_BAD_HANDLE
