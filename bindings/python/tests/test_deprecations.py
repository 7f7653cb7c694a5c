"""The old spellings still work for one release, each with a
DeprecationWarning: the `type` keyword (now `socket_type`, which does not
shadow the builtin) and pump/drain's flags int as `sequenced` (now a bool,
with sched_batch=True for ZS_SCHED_BATCH)."""

import warnings

import pytest

import zmqsocket


def _no_warning(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return fn(*args, **kwargs)


def test_socket_type_keyword_is_the_new_name():
    with _no_warning(zmqsocket.Socket, socket_type="PULL") as pull:
        port = pull.bind_to_port(0)
        with _no_warning(zmqsocket.connect_to_host, "127.0.0.1", port,
                         socket_type=zmqsocket.PUSH) as push:
            assert push.type is zmqsocket.PUSH
    with _no_warning(zmqsocket.bind_to_port, 0, socket_type="PUB") as pub:
        assert pub.type is zmqsocket.PUB


@pytest.mark.parametrize("make", [
    lambda **kw: zmqsocket.Socket(**kw),
    lambda **kw: zmqsocket.bind_to_port(0, **kw),
    lambda **kw: zmqsocket.connect_to_host("127.0.0.1", 1, **kw),
], ids=["Socket", "bind_to_port", "connect_to_host"])
def test_old_type_keyword_warns_and_works(make):
    before = zmqsocket.socket_count()
    with pytest.warns(DeprecationWarning, match="'type' is deprecated, use 'socket_type'"):
        s = make(type="DEALER")
    try:
        assert s.type is zmqsocket.DEALER
    finally:
        s.destroy()
    with pytest.raises(TypeError, match="got both 'socket_type' and its old name 'type'"):
        make(type="DEALER", socket_type="DEALER")
    assert zmqsocket.socket_count() == before


def test_warning_points_at_the_caller():
    with pytest.warns(DeprecationWarning) as record:
        zmqsocket.Socket(type="PAIR").destroy()
    assert record[0].filename == __file__


def test_flags_int_as_sequenced_warns_and_works():
    with zmqsocket.Socket("PULL") as pull:
        port = pull.bind_to_port(0)
        with zmqsocket.connect_to_host("127.0.0.1", port, "PUSH") as push:
            flags = zmqsocket.ZS_SEQUENCED | zmqsocket.ZS_SCHED_BATCH
            with pytest.warns(DeprecationWarning, match="pump: sequenced takes a bool"):
                assert push.pump(b"x" * 10, 3, sequenced=flags, timeout=5) == 3
            with pytest.warns(DeprecationWarning, match="drain: sequenced takes a bool"):
                st = pull.drain(3, sequenced=zmqsocket.ZS_SEQUENCED, timeout=5)
            # the flags were honoured: one sequenced stream, no gaps
            assert (st.messages, st.senders, st.gaps, st.bytes) == (3, 1, 0, 30)
            # the new spelling says the same without a warning
            assert _no_warning(push.pump, b"y", 2, sequenced=True, sched_batch=True,
                               timeout=5) == 2
            st = _no_warning(pull.drain, 2, sequenced=True, sched_batch=True, timeout=5)
            assert (st.messages, st.senders, st.gaps) == (2, 1, 0)
