"""Signals during a blocking call, as with pyzmq: the library ends the
wait (ZS_ERR_INTERRUPTED), Python runs its handler, and one that raises
(SIGINT's KeyboardInterrupt, say) ends the call; after one that returns,
the call goes on waiting. Through the compiled path and through ctypes."""

import signal
import threading
import time

import pytest

import zmqsocket


class Alarm(Exception):
    pass


@pytest.fixture
def alarm():
    """alarm(seconds, raises): SIGALRM after `seconds`, its handler raising
    Alarm or only counting; yields the list of times it ran."""
    ran = []

    def arm(seconds, raises):
        def handler(signum, frame):
            ran.append(time.monotonic())
            if raises:
                raise Alarm()
        signal.signal(signal.SIGALRM, handler)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        return ran

    old = signal.getsignal(signal.SIGALRM)
    yield arm
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, old)


def _receives(pull):
    yield "recv", lambda t: pull.recv(t)
    if zmqsocket.FAST_PATH:
        yield "recv (ctypes)", lambda t: pull._recv_ctypes(t)
    yield "recv_multi", lambda t: pull.recv_multi(t)
    yield "poll", lambda t: zmqsocket.poll([pull], t)
    yield "wait_peers", lambda t: pull.wait_peers(1, t)
    yield "next_event", lambda t: pull.next_event(t)


def test_a_handler_that_raises_ends_a_wait_without_end(alarm):
    pull = zmqsocket.bind_to_port(0, "PULL")
    while pull.next_event(timeout=0.2) is not None:
        pass  # LISTENING: next_event must wait
    for name, call in _receives(pull):
        alarm(0.1, raises=True)
        t0 = time.monotonic()
        with pytest.raises(Alarm):
            call(-1)
        assert time.monotonic() - t0 < 30, name
    pull.destroy()


def test_a_handler_that_returns_lets_the_wait_go_on(alarm):
    pull = zmqsocket.bind_to_port(0, "PULL")
    port = pull.bound_ports()[0]
    push = zmqsocket.connect_to_host("localhost", port, "PUSH")

    def later():
        time.sleep(0.5)
        push.send(b"after the signal", timeout=5)

    sender = threading.Thread(target=later)
    ran = alarm(0.1, raises=False)
    sender.start()
    assert pull.recv(-1) == b"after the signal"
    sender.join()
    assert len(ran) == 1
    push.destroy()
    pull.destroy()


def test_a_send_waiting_for_room_is_ended_by_a_raising_handler(alarm):
    # A PUSH whose connect has no peer queues up to its HWM, then waits.
    probe = zmqsocket.bind_to_port(0, "PULL")
    port = probe.bound_ports()[0]
    probe.unbind_from_port(port)
    probe.destroy()
    push = zmqsocket.connect_to_host("localhost", port, "PUSH")
    while push.send_nonblocking(b"x"):
        pass
    for send in [push.send] + ([push._send_ctypes] if zmqsocket.FAST_PATH else []):
        alarm(0.1, raises=True)
        with pytest.raises(Alarm):
            send(b"x", -1)
    push.destroy()
