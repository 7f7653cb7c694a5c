"""Events (SPEC section 20) and poll_events (section 21), against pyzmq
peers."""

import zmq
import zmqsocket


def _events_until(sock, name, timeout=5):
    seen = []
    while True:
        e = sock.next_event(timeout=timeout)
        assert e is not None, "no %s event; saw %s" % (name, [x.name for x in seen])
        seen.append(e)
        if e.name == name:
            return seen


def test_a_pyzmq_peer_is_logged_connecting_and_leaving():
    pull = zmqsocket.bind_to_port(0, "PULL")
    port = pull.bound_ports()[0]
    ctx = zmq.Context()
    push = ctx.socket(zmq.PUSH)
    push.connect("tcp://127.0.0.1:%d" % port)
    seen = _events_until(pull, "HANDSHAKE_SUCCEEDED")
    names = [e.name for e in seen]
    assert names.index("LISTENING") < names.index("ACCEPTED") < names.index("HANDSHAKE_SUCCEEDED")
    assert all(isinstance(e, zmqsocket.Event) for e in seen)
    assert seen[-1].endpoint.endswith(":%d" % port)
    push.close(0)
    _events_until(pull, "DISCONNECTED")
    assert pull.next_event(timeout=0) is None
    ctx.term()
    pull.destroy()


def test_poll_events_in_and_out_with_a_pyzmq_peer():
    push = zmqsocket.bind_to_port(0, "PUSH")
    pull_mine = zmqsocket.bind_to_port(0, "PULL")
    ctx = zmq.Context()
    peer = ctx.socket(zmq.PULL)
    peer.connect("tcp://127.0.0.1:%d" % push.bound_ports()[0])
    push.wait_peers(1, timeout=5)
    ready = zmqsocket.poll_events([(push, zmqsocket.POLLOUT), (pull_mine, zmqsocket.POLLIN)],
                                  timeout=5)
    assert ready == [zmqsocket.POLLOUT, 0]
    assert zmqsocket.poll_events([(pull_mine, zmqsocket.POLLIN)], timeout=0.05) == [0]
    peer.close(0)
    ctx.term()
    push.destroy()
    pull_mine.destroy()
