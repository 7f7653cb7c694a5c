"""Security (SPEC section 19): CURVE and PLAIN with pyzmq peers in both
directions, and the authentication rules."""

import pytest
import zmq
import zmqsocket


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


def _bound(type, setup):
    s = zmqsocket.Socket(type)
    setup(s)
    port = s.bind_to_port(0)
    return s, port


def _recv_pyzmq(sock, timeout_ms=5000):
    assert sock.poll(timeout_ms), "nothing arrived"
    return sock.recv()


def test_keys_and_z85():
    public, secret = zmqsocket.curve_keypair()
    assert len(public) == len(secret) == 40
    assert zmqsocket.curve_public(secret) == public
    assert zmq.curve_public(secret.encode()).decode() == public
    assert zmqsocket.z85_encode(b"\x86\x4f\xd2\x6f\xb5\x59\xf7\x5b") == "HelloWorld"
    assert zmqsocket.z85_decode("HelloWorld") == b"\x86\x4f\xd2\x6f\xb5\x59\xf7\x5b"
    with pytest.raises(zmqsocket.ZmqSocketError) as e:
        zmqsocket.z85_decode("Hell")
    assert e.value.code == zmqsocket.ZS_ERR_INVALID_ARGUMENT


def test_curve_server_here_pyzmq_client(ctx):
    server_pub, server_sec = zmqsocket.curve_keypair()
    pull, port = _bound("PULL", lambda s: s.set_curve_server(server_sec))
    client_pub, client_sec = zmq.curve_keypair()
    push = ctx.socket(zmq.PUSH)
    push.curve_serverkey = server_pub.encode()
    push.curve_publickey = client_pub
    push.curve_secretkey = client_sec
    push.connect("tcp://127.0.0.1:%d" % port)
    push.send(b"over curve")
    assert pull.recv(timeout=5) == b"over curve"
    pull.destroy()


def test_pyzmq_curve_server_client_here(ctx):
    server_pub, server_sec = zmq.curve_keypair()
    pull = ctx.socket(zmq.PULL)
    pull.curve_server = True
    pull.curve_secretkey = server_sec
    port = pull.bind_to_random_port("tcp://127.0.0.1")
    push = zmqsocket.Socket("PUSH")
    public, secret = zmqsocket.curve_keypair()
    push.set_curve_client(server_pub.decode(), public, secret)
    push.connect_to_host("127.0.0.1", port)
    push.send(b"to pyzmq", timeout=5)
    assert _recv_pyzmq(pull) == b"to pyzmq"
    push.destroy()


def test_plain_both_ways_and_a_wrong_password(ctx):
    zmqsocket.auth.plain_user("admin", "secret")
    pull, port = _bound("PULL", lambda s: s.set_plain_server())
    wrong = ctx.socket(zmq.PUSH)
    wrong.plain_username = b"admin"
    wrong.plain_password = b"guess"
    wrong.connect("tcp://127.0.0.1:%d" % port)
    wrong.send(b"from the wrong one")
    while True:
        e = pull.next_event(timeout=5)
        assert e is not None, "no HANDSHAKE_FAILED_AUTH"
        if e.name == "HANDSHAKE_FAILED_AUTH":
            assert e.value == 400
            break
    right = ctx.socket(zmq.PUSH)
    right.plain_username = b"admin"
    right.plain_password = b"secret"
    right.connect("tcp://127.0.0.1:%d" % port)
    right.send(b"from the right one")
    assert pull.recv(timeout=5) == b"from the right one"
    pull.destroy()

    # A pyzmq PLAIN server (libzmq 4.3 refuses PLAIN without a ZAP
    # handler: pyzmq's authenticator), our client.
    from zmq.auth.thread import ThreadAuthenticator
    authenticator = ThreadAuthenticator(ctx)
    authenticator.start()
    authenticator.configure_plain(domain="*", passwords={"someone": "pw"})
    server = ctx.socket(zmq.PULL)
    server.plain_server = True
    p2 = server.bind_to_random_port("tcp://127.0.0.1")
    client = zmqsocket.Socket("PUSH")
    client.set_plain_client("someone", "pw")
    client.connect_to_host("127.0.0.1", p2)
    client.send(b"plain to pyzmq", timeout=5)
    assert _recv_pyzmq(server) == b"plain to pyzmq"
    client.destroy()
    for s in (wrong, right, server):
        s.close(0)
    authenticator.stop()


def test_deny_then_reset_with_a_pyzmq_peer(ctx):
    zmqsocket.auth.deny("127.0.0.0/8")
    pull = zmqsocket.bind_to_port(0, "PULL")
    port = pull.bound_ports()[0]
    push = ctx.socket(zmq.PUSH)
    push.connect("tcp://127.0.0.1:%d" % port)
    push.send(b"refused")
    with pytest.raises(zmqsocket.ZmqSocketError) as e:
        pull.recv(timeout=0.5)
    assert e.value.code == zmqsocket.ZS_ERR_TIMED_OUT
    assert pull.peer_count() == 0
    push.close(0)
    zmqsocket.auth.reset()
    again = ctx.socket(zmq.PUSH)
    again.connect("tcp://127.0.0.1:%d" % port)
    again.send(b"let in")
    assert pull.recv(timeout=5) == b"let in"
    again.close(0)
    pull.destroy()
