"""The zmqsocket pytest plugin: fixtures for tests that talk ZeroMQ.

Installed with the package, pytest loads it by itself (the `pytest11`
entry point `zmqsocket`); from a checkout, load it with
`-p zmqsocket.pytest_plugin` or `pytest_plugins = ["zmqsocket.pytest_plugin"]`.

- zmq_socket: a factory, zmq_socket("PULL", bind="tcp://127.0.0.1:0") ->
  Socket. Every socket it made is destroyed after the test, so
  zmqsocket.socket_count() is back to what it was before.
- zmq_proxy: a factory of SPEC 22's proxy with fault injection,
  zmq_proxy("PUSH", service, rules="drop 10%; seed 1") -> Proxy (service
  an endpoint, or a bound Socket). Destroyed after the test.
- zmq_hosts: the host table (set, remove, load, address); what the test
  changed through it is undone after the test, in reverse order.

When a test fails, its report gets a section "zmqsocket fixtures" with
each fixture socket's endpoints, peer count and latest connection events
(the ones not read yet, the last EVENTS_SHOWN of them), and each proxy's
counts.
"""

from __future__ import annotations

import collections
import os
from typing import Callable, Iterator, List, Optional, Tuple, Union

import pytest

import zmqsocket
from zmqsocket import Proxy, Socket, SocketTypeLike, ZmqSocketError

#: How many of a socket's latest unread connection events a failure
#: report shows.
EVENTS_SHOWN = 10

# What the fixtures made in the running test, in order: ("socket", label,
# Socket) and ("proxy", label, Proxy).
_MADE = pytest.StashKey[List[Tuple[str, str, object]]]()


def _made(node) -> list:
    made = node.stash.get(_MADE, None)
    if made is None:
        made = node.stash[_MADE] = []
    return made


@pytest.fixture
def zmq_socket(request) -> Iterator[Callable[..., Socket]]:
    """A factory of sockets destroyed after the test:

        pull = zmq_socket("PULL", bind="tcp://127.0.0.1:0")
        port = pull.bound_ports()[0]
        push = zmq_socket("PUSH", connect="tcp://127.0.0.1:%d" % port)

    socket_type is a SocketType, its name or its number. bind and connect
    take an endpoint or a list of them (bind_endpoint / connect_endpoint,
    with send_hwm and recv_hwm); linger (seconds) is set first when given.
    """
    made = _made(request.node)
    mine: List[Socket] = []

    def make(socket_type: SocketTypeLike, *, bind: Union[str, List[str], None] = None,
             connect: Union[str, List[str], None] = None, send_hwm: int = 100,
             recv_hwm: int = 100, linger: Optional[float] = None) -> Socket:
        sock = Socket(socket_type)
        mine.append(sock)
        made.append(("socket", "zmq_socket(%r)" % (socket_type,), sock))
        if linger is not None:
            sock.set_linger(linger)
        for endpoint in _endpoints(bind, "bind"):
            sock.bind_endpoint(endpoint, send_hwm, recv_hwm)
        for endpoint in _endpoints(connect, "connect"):
            sock.connect_endpoint(endpoint, send_hwm, recv_hwm)
        return sock

    yield make
    for sock in reversed(mine):
        sock.destroy()


def _endpoints(value, what: str) -> List[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return list(value)
    raise TypeError("zmq_socket: %s must be an endpoint (str) or a list of them, not %s"
                    % (what, type(value).__name__))


@pytest.fixture
def zmq_proxy(request) -> Iterator[Callable[..., Proxy]]:
    """A factory of proxies with fault injection (SPEC 22), destroyed
    after the test:

        proxy = zmq_proxy("PUSH", service, rules="drop every 2")
        client.connect_endpoint("tcp://127.0.0.1:%d" % proxy.port)

    client_type is the type of the clients that connect to the proxy's
    front (PUSH, PULL, REQ, DEALER, SUB). service is the endpoint the proxy
    connects to, or a Socket bound to a TCP port (then
    tcp://127.0.0.1:<its first port>). front (default tcp://127.0.0.1:0)
    is bound; .port is its port. rules, when given, are set for
    `direction` (default both ways); change them later with
    proxy.fault(rules, direction), cut the connections with proxy.cut(s).
    """
    made = _made(request.node)
    mine: List[Proxy] = []

    def make(client_type: SocketTypeLike, service: Union[str, Socket], *,
             front: str = "tcp://127.0.0.1:0", rules: Optional[str] = None,
             direction: int = zmqsocket.Direction.BOTH_WAYS) -> Proxy:
        if isinstance(service, Socket):
            ports = service.bound_ports()
            if not ports:
                raise ValueError("zmq_proxy: the service socket is bound to no TCP port")
            service = "tcp://127.0.0.1:%d" % ports[0]
        proxy = Proxy(client_type, front, service)
        mine.append(proxy)
        made.append(("proxy", "zmq_proxy(%r, %r)" % (client_type, service), proxy))
        if rules is not None:
            proxy.fault(rules, direction)
        return proxy

    yield make
    for proxy in reversed(mine):
        proxy.destroy()


class HostTable:
    """The library's host table, for one test: every change made through
    it is undone after the test (an id that was not in the table is
    removed again, one that was gets its address back)."""

    def __init__(self) -> None:
        self._undo: List[Tuple[str, Optional[str]]] = []

    @staticmethod
    def address(host_id: str) -> str:
        """What host_id resolves to now (zmqsocket.host_address)."""
        return zmqsocket.host_address(host_id)

    def _remember(self, host_id: str) -> None:
        try:
            before: Optional[str] = zmqsocket.host_address(host_id)
        except ZmqSocketError as e:
            if e.code != zmqsocket.ZS_ERR_UNKNOWN_HOST:
                raise
            before = None
        self._undo.append((host_id, before))

    def set(self, host_id: str, address: str) -> None:
        """zmqsocket.set_host, undone after the test."""
        self._remember(host_id)
        try:
            zmqsocket.set_host(host_id, address)
        except BaseException:
            self._undo.pop()
            raise

    def remove(self, host_id: str) -> None:
        """zmqsocket.remove_host, undone after the test."""
        self._remember(host_id)
        try:
            zmqsocket.remove_host(host_id)
        except BaseException:
            self._undo.pop()
            raise

    def load(self, path) -> int:
        """zmqsocket.load_hosts (all or nothing), undone after the test."""
        ids = _host_file_ids(path)
        mark = len(self._undo)
        for host_id in ids:
            self._remember(host_id)
        try:
            return zmqsocket.load_hosts(path)
        except BaseException:
            del self._undo[mark:]
            raise

    def undo(self) -> None:
        """Put back what the changes replaced, latest first."""
        while self._undo:
            host_id, before = self._undo.pop()
            if before is None:
                try:
                    zmqsocket.remove_host(host_id)
                except ZmqSocketError as e:
                    if e.code != zmqsocket.ZS_ERR_UNKNOWN_HOST:
                        raise
            else:
                zmqsocket.set_host(host_id, before)


def _host_file_ids(path) -> List[str]:
    """The host ids a host file names (`host_id address` lines, # comments),
    for the undo list; the library parses and checks the file itself."""
    ids = []
    try:
        with open(os.fspath(path), encoding="utf-8", errors="replace") as f:
            for line in f:
                words = line.split("#", 1)[0].split()
                if words:
                    ids.append(words[0])
    except OSError:
        pass  # the library reports the unreadable file
    return ids


@pytest.fixture
def zmq_hosts() -> Iterator[HostTable]:
    """The host table; changes made through it are undone after the test:

        zmq_hosts.set("backend", "127.0.0.1")
        push = zmqsocket.connect_to_host("backend", port, "PUSH")
    """
    table = HostTable()
    yield table
    table.undo()


# --------------------------------------------------------------------------
# The failure report
# --------------------------------------------------------------------------


def _describe_socket(label: str, sock: Socket) -> List[str]:
    head = "socket %d (%s)" % (sock.handle, label)
    if sock.destroyed:
        return [head + ": destroyed"]
    try:
        lines = ["socket %d %s (%s)" % (sock.handle, sock.type_name, label)]
        eps = sock.endpoints()
        lines.append("  bind:    %s" % (", ".join(eps.get("bind", [])) or "-"))
        lines.append("  connect: %s" % (", ".join(eps.get("connect", [])) or "-"))
        lines.append("  peers:   %d" % sock.peer_count())
        events: collections.deque = collections.deque(maxlen=EVENTS_SHOWN)
        while True:
            e = sock.next_event(timeout=0)
            if e is None:
                break
            events.append(e)
        if not events:
            lines.append("  events:  none unread")
        else:
            lines.append("  events (latest %d unread):" % len(events))
            t0 = events[0].time_us
            for e in events:
                lines.append("    +%.3fs %s %s (value %d)"
                             % ((e.time_us - t0) / 1e6, e.name, e.endpoint or "-", e.value))
        return lines
    except ZmqSocketError as e:
        return [head, "  (cannot be read: %s)" % e]


def _describe_proxy(label: str, proxy: Proxy) -> List[str]:
    try:
        stats = proxy.stats()
    except ZmqSocketError as e:
        return ["proxy %d (%s): %s" % (proxy.handle, label, e)]
    lines = ["proxy %d (%s), front port %d" % (proxy.handle, label, proxy.port)]
    for name, (towards, back) in stats.items():
        lines.append("  %-12s towards the service %d, back %d" % (name + ":", towards, back))
    return lines


def describe(made) -> str:
    """The report section's text for what the fixtures made."""
    out: List[str] = []
    for kind, label, obj in made:
        out += _describe_socket(label, obj) if kind == "socket" else _describe_proxy(label, obj)
    return "\n".join(out)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    # the call phase's report is made before the fixtures' teardown: the
    # sockets are still there to be asked
    if report.failed and report.when in ("setup", "call"):
        made = item.stash.get(_MADE, None)
        if made:
            report.sections.append(("zmqsocket fixtures", describe(made)))


__all__ = ["zmq_socket", "zmq_proxy", "zmq_hosts", "HostTable", "describe", "EVENTS_SHOWN"]
