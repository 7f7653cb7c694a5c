"""The pytest plugin (zmqsocket.pytest_plugin), run on test files of its
own through pytest's pytester: the fixtures clean up after each test, and
a failing test's report shows the fixture sockets.

Installed, pytest loads the plugin through its pytest11 entry point (the
inner runs get it that way); from the checkout it is named with -p.
"""

import pytest

import zmqsocket

from conftest import INSTALLED

PLUGIN_ARGS = [] if INSTALLED else ["-p", "zmqsocket.pytest_plugin"]


def run(pytester, source, *args):
    pytester.makepyfile(source)
    return pytester.runpytest_inprocess(*PLUGIN_ARGS, "-p", "no:cacheprovider", *args)


def test_zmq_socket_makes_sockets_and_destroys_them(pytester):
    result = run(pytester, """
        import zmqsocket

        BEFORE = zmqsocket.socket_count()

        def test_round_trip(zmq_socket):
            pull = zmq_socket("PULL", bind="tcp://127.0.0.1:0")
            port = pull.bound_ports()[0]
            push = zmq_socket(zmqsocket.PUSH, connect=["tcp://127.0.0.1:%d" % port])
            push.send(b"through the fixture", timeout=5)
            assert pull.recv(timeout=5) == b"through the fixture"
            assert zmqsocket.socket_count() == BEFORE + 2

        def test_all_gone_afterwards():
            assert zmqsocket.socket_count() == BEFORE

        def test_linger_and_bad_arguments(zmq_socket):
            s = zmq_socket("DEALER", linger=0)
            assert s.get("LINGER") == 0
            import pytest
            with pytest.raises(TypeError, match="bind must be an endpoint"):
                zmq_socket("PUSH", bind=5)
            with pytest.raises(zmqsocket.ZmqSocketError) as info:
                zmq_socket("NOSUCHTYPE")
            assert info.value.code == zmqsocket.ZS_ERR_UNKNOWN_SOCKET_TYPE
            with pytest.raises(zmqsocket.ZmqSocketError):
                zmq_socket("PUSH", bind="nonsense://x")

        def test_still_all_gone():
            assert zmqsocket.socket_count() == BEFORE
    """)
    result.assert_outcomes(passed=4)


def test_zmq_socket_cleans_up_after_a_failing_test(pytester):
    result = run(pytester, """
        import zmqsocket

        BEFORE = zmqsocket.socket_count()

        def test_fails(zmq_socket):
            zmq_socket("PULL", bind="tcp://127.0.0.1:0")
            zmq_socket("PUSH")
            assert False, "on purpose"

        def test_none_left():
            assert zmqsocket.socket_count() == BEFORE
    """)
    result.assert_outcomes(passed=1, failed=1)


def test_zmq_proxy_applies_its_rules_and_goes_away(pytester):
    result = run(pytester, """
        import zmqsocket

        BEFORE = zmqsocket.socket_count()

        def test_drop_every_second(zmq_socket, zmq_proxy):
            service = zmq_socket("PULL", bind="tcp://127.0.0.1:0")
            proxy = zmq_proxy("PUSH", service, rules="drop every 2",
                              direction=zmqsocket.Direction.TOWARDS_SERVICE)
            client = zmq_socket("PUSH", connect="tcp://127.0.0.1:%d" % proxy.port)
            for i in range(7):
                client.send(b"%d" % i, timeout=5)
            got = [service.recv(timeout=5) for _ in range(4)]
            assert got == [b"0", b"2", b"4", b"6"]
            # 1, 3 and 5 were dropped before 6 was forwarded
            assert proxy.stats()["dropped"][0] == 3

        def test_endpoint_and_bad_rules(zmq_socket, zmq_proxy):
            import pytest
            service = zmq_socket("PULL", bind="tcp://127.0.0.1:0")
            ep = "tcp://127.0.0.1:%d" % service.bound_ports()[0]
            proxy = zmq_proxy("PUSH", ep)
            assert proxy.port > 0
            with pytest.raises(zmqsocket.ZmqSocketError) as info:
                zmq_proxy("PUSH", ep, rules="drop lots")
            assert info.value.code == zmqsocket.ZS_ERR_INVALID_ARGUMENT
            with pytest.raises(ValueError, match="bound to no TCP port"):
                zmq_proxy("PUSH", zmq_socket("PULL"))

        def test_none_left():
            assert zmqsocket.socket_count() == BEFORE
    """)
    result.assert_outcomes(passed=3)


def test_zmq_hosts_changes_are_undone(pytester, tmp_path):
    hosts = tmp_path / "hosts"
    hosts.write_text("# test hosts\nfrom_file 127.0.0.1\nzs_plugin_known 127.0.0.2  # again\n")
    zmqsocket.set_host("zs_plugin_known", "127.0.0.9")
    try:
        result = run(pytester, """
            import pytest
            import zmqsocket

            def test_changes(zmq_hosts):
                zmq_hosts.set("zs_plugin_new", "127.0.0.1")
                zmq_hosts.set("zs_plugin_new", "127.0.0.3")
                zmq_hosts.set("zs_plugin_known", "127.0.0.4")
                assert zmq_hosts.address("zs_plugin_new") == "127.0.0.3"
                assert zmqsocket.host_address("zs_plugin_known") == "127.0.0.4"
                assert zmq_hosts.load(%r) == 2
                assert zmqsocket.host_address("from_file") == "127.0.0.1"
                assert zmqsocket.host_address("zs_plugin_known") == "127.0.0.2"
                # failures change nothing and are not recorded
                with pytest.raises(zmqsocket.ZmqSocketError):
                    zmq_hosts.load("/nonexistent/hosts")
                with pytest.raises(zmqsocket.ZmqSocketError):
                    zmq_hosts.remove("zs_plugin_never_there")
                with pytest.raises(TypeError):
                    zmq_hosts.set("zs_plugin_bad", 5)
                with pytest.raises(zmqsocket.ZmqSocketError) as info:
                    zmq_hosts.set("zs plugin", "127.0.0.1")  # refused before the change
                assert "contains whitespace" in info.value.message
                # removed behind the fixture's back: the undo copes
                zmq_hosts.set("zs_plugin_gone", "127.0.0.1")
                zmqsocket.remove_host("zs_plugin_gone")

            def test_removal(zmq_hosts):
                zmq_hosts.remove("zs_plugin_known")
                with pytest.raises(zmqsocket.ZmqSocketError):
                    zmqsocket.host_address("zs_plugin_known")

            def test_all_undone():
                assert zmqsocket.host_address("zs_plugin_known") == "127.0.0.9"
                for gone in ("zs_plugin_new", "from_file", "zs_plugin_bad", "zs_plugin_gone"):
                    with pytest.raises(zmqsocket.ZmqSocketError) as info:
                        zmqsocket.host_address(gone)
                    assert info.value.code == zmqsocket.ZS_ERR_UNKNOWN_HOST
        """ % str(hosts))
        result.assert_outcomes(passed=3)
        assert zmqsocket.host_address("zs_plugin_known") == "127.0.0.9"
    finally:
        zmqsocket.remove_host("zs_plugin_known")


def test_failure_report_shows_the_fixture_sockets(pytester):
    result = run(pytester, """
        import zmqsocket

        def test_fails(zmq_socket, zmq_proxy):
            pull = zmq_socket("PULL", bind="tcp://127.0.0.1:0")
            port = pull.bound_ports()[0]
            push = zmq_socket("PUSH", connect="tcp://127.0.0.1:%d" % port)
            push.wait_peers(1, timeout=5)
            zmq_proxy("PUSH", pull)  # the proxy's service side connects too
            pull.wait_peers(2, timeout=5)
            quiet = zmq_socket("DEALER")
            gone = zmq_socket("PAIR")
            gone.destroy()
            assert pull.recv(timeout=0.05) == b"never sent"

        def test_passes(zmq_socket):
            zmq_socket("PULL", bind="tcp://127.0.0.1:0")
    """, "-rA")
    result.assert_outcomes(passed=1, failed=1)
    out = result.stdout.str()
    assert out.count("zmqsocket fixtures") == 1  # the failing test only
    result.stdout.re_match_lines([
        r".*- zmqsocket fixtures -.*",
        r"socket \d+ PULL \(zmq_socket\('PULL'\)\)",
        r"  bind:    tcp://127\.0\.0\.1:\d+",
        r"  connect: -",
        r"  peers:   2",
        r"  events \(latest \d+ unread\):",
        r"    \+0\.000s LISTENING tcp://127\.0\.0\.1:\d+ \(value -?\d+\)",
    ], consecutive=True)
    result.stdout.re_match_lines([
        r"socket \d+ PUSH \(zmq_socket\('PUSH'\)\)",
        r"  bind:    -",
        r"  connect: tcp://127\.0\.0\.1:\d+",
        r"  peers:   1",
        r"  events \(latest \d+ unread\):",
    ], consecutive=True)
    assert "HANDSHAKE_SUCCEEDED" in out and "CONNECTED" in out
    result.stdout.re_match_lines([
        r"socket \d+ DEALER \(zmq_socket\('DEALER'\)\)",
        r"  bind:    -",
        r"  connect: -",
        r"  peers:   0",
        r"  events:  none unread",
        r"socket \d+ \(zmq_socket\('PAIR'\)\): destroyed",
    ], consecutive=True)
    result.stdout.re_match_lines([
        r"proxy \d+ \(zmq_proxy\('PUSH', 'tcp://127\.0\.0\.1:\d+'\)\), front port \d+",
        r"  forwarded:   towards the service 0, back 0",
        r"  dropped:     towards the service 0, back 0",
        r"  duplicated:  towards the service 0, back 0",
    ], consecutive=True)


def test_failure_report_when_the_fixtures_things_are_gone(pytester):
    """Sockets and proxies destroyed behind the fixtures' back (another
    wrapper, destroy_all) are reported as unreadable, and torn down
    without an error."""
    result = run(pytester, """
        import zmqsocket

        def test_gone(zmq_socket, zmq_proxy):
            s = zmq_socket("PULL", bind="tcp://127.0.0.1:0")
            zmqsocket.Socket._wrap(s.handle).destroy()
            proxy = zmq_proxy("PUSH", "tcp://127.0.0.1:1")
            proxy.destroy()
            assert False
    """)
    result.assert_outcomes(failed=1)
    result.stdout.re_match_lines([
        r"socket \d+ \(zmq_socket\('PULL'\)\)",
        r"  \(cannot be read: ZS_ERR_BAD_HANDLE: .*\)",
        r"proxy \d+ \(zmq_proxy\('PUSH', 'tcp://127\.0\.0\.1:1'\)\): ZS_ERR_BAD_HANDLE: .*",
    ], consecutive=True)
    assert "error" not in result.stdout.str().splitlines()[-1]  # no teardown error


def test_failure_report_shows_the_latest_events_only(pytester):
    # libzmq reports LISTENING from the binding thread, so each bind's
    # event is in the log when bind_endpoint returns
    result = run(pytester, """
        from zmqsocket import pytest_plugin

        def test_many_events(zmq_socket):
            pull = zmq_socket("PULL")
            for _ in range(pytest_plugin.EVENTS_SHOWN + 5):
                pull.bind_endpoint("tcp://127.0.0.1:0")
            with open("endpoints.txt", "w") as f:
                f.write("\\n".join(pull.endpoints()["bind"]))
            assert False
    """)
    result.assert_outcomes(failed=1)
    result.stdout.re_match_lines([r"  events \(latest 10 unread\):"])
    bound = (pytester.path / "endpoints.txt").read_text().split("\n")
    assert len(bound) == 15
    lines = [l for l in result.stdout.lines if l.startswith("    +")]
    # the first five are cut, the latest ten shown in order
    assert [l.split()[1:3] for l in lines] == [["LISTENING", ep] for ep in bound[5:]]


def test_the_readme_example(pytester):
    import os
    import re

    readme = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                          "README.md")
    with open(readme) as f:
        blocks = [b for b in re.findall(r"```python\n(.*?)```", f.read(), re.S)
                  if b.startswith("# test_")]
    assert len(blocks) == 1
    before = zmqsocket.socket_count()
    result = run(pytester, blocks[0])
    result.assert_outcomes(passed=1)
    assert zmqsocket.socket_count() == before
    with pytest.raises(zmqsocket.ZmqSocketError):
        zmqsocket.host_address("service")  # the example's host id is gone


def test_plugin_describe_of_nothing_is_empty():
    from zmqsocket import pytest_plugin

    assert pytest_plugin.describe([]) == ""
