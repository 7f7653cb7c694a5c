"""Fork (SPEC section 17): multiprocessing's fork start method works, and
the parent interpreter lives on."""

import os
import subprocess
import sys
import textwrap

import zmqsocket

# where the zmqsocket under test lives (site-packages when installed, the
# checkout's bindings/python otherwise): the child interpreters import it
PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(zmqsocket.__file__)))

# Run in a separate interpreter, so that a parent that dies (libzmq's
# mailbox assertion, SIGABRT) is a failed test and not a dead suite.
POOL_SCRIPT = textwrap.dedent("""
    import multiprocessing, os, sys
    import zmqsocket

    TASKS = 16

    def task(args):
        port, parent_handle, i = args
        # An inherited socket is refused in the child, and says why.
        try:
            zmqsocket.Socket._wrap(parent_handle).type
            inherited = "accepted"
        except zmqsocket.ZmqSocketError as e:
            inherited = "refused" if (e.code == zmqsocket.ZS_ERR_BAD_HANDLE
                                      and "inherited across fork()" in str(e)) else str(e)
        push = zmqsocket.connect_to_host("127.0.0.1", port, "PUSH")
        push.wait_connected("127.0.0.1", port, timeout=5)
        push.send(b"task %d" % i, timeout=5)
        count = zmqsocket.socket_count()
        push.destroy()  # its message lingers out while the worker lives
        return inherited, count, os.getpid()

    if __name__ == "__main__":
        zmqsocket.set_bind_interface("127.0.0.1")
        pull = zmqsocket.bind_to_port(0, "PULL")
        port = pull.bound_ports()[0]
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(4) as pool:
            results = pool.map(task, [(port, pull.handle, i) for i in range(TASKS)])
            got = sorted(pull.recv(timeout=5) for _ in range(TASKS))
        assert got == sorted(b"task %d" % i for i in range(TASKS)), got
        assert all(r[0] == "refused" for r in results), results
        assert all(r[1] == 1 for r in results), results
        assert all(r[2] != os.getpid() for r in results), results
        # The parent goes on: its socket still receives, nothing more came.
        try:
            pull.recv(timeout=0.1)
            raise AssertionError("a message arrived that no task sent")
        except zmqsocket.ZmqSocketError as e:
            assert e.code == zmqsocket.ZS_ERR_TIMED_OUT, e
        with zmqsocket.connect_to_host("127.0.0.1", port, "PUSH") as push:
            push.send(b"after", timeout=5)
            assert pull.recv(timeout=5) == b"after"
        assert zmqsocket.socket_count() == 1
        print("ok", len(got), flush=True)
""")


def test_multiprocessing_pool_with_fork_start_method(tmp_path):
    """A Pool(4) of forked workers runs 16 tasks, each making its own socket
    and sending to the parent: all 16 arrive and the interpreter lives."""
    import zmqsocket

    script = tmp_path / "pool_fork.py"
    script.write_text(POOL_SCRIPT)
    env = dict(os.environ)
    env["PYTHONPATH"] = PACKAGE_PARENT + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("ZMQSOCKET_LIB", zmqsocket.LIBRARY_PATH)
    proc = subprocess.run([sys.executable, str(script)], capture_output=True,
                          env=env, timeout=120)
    assert proc.returncode == 0, (proc.returncode, proc.stdout, proc.stderr)
    assert proc.stdout == b"ok 16\n"


def test_os_fork_child_starts_afresh():
    """os.fork() in the test process itself: the child's sockets are its
    own, the parent's socket still works afterwards."""
    import zmqsocket

    with zmqsocket.bind_to_port(0, "PULL") as pull:
        port = pull.bound_ports()[0]
        before = zmqsocket.socket_count()
        pid = os.fork()
        if pid == 0:  # the child: report through the exit status only
            status = 1
            try:
                try:
                    pull.bound_ports()
                except zmqsocket.ZmqSocketError as e:
                    if e.code == zmqsocket.ZS_ERR_BAD_HANDLE and zmqsocket.socket_count() == 0:
                        push = zmqsocket.connect_to_host("127.0.0.1", port, "PUSH")
                        push.send(b"from the child", timeout=5)
                        if zmqsocket.destroy_all() == 1:
                            status = 0
            finally:
                os._exit(status)
        _, status = os.waitpid(pid, 0)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
        assert pull.recv(timeout=5) == b"from the child"
        assert zmqsocket.socket_count() == before
