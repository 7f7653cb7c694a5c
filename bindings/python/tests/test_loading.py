"""Which package and which library are under test, and the compiled fast
path: it calls the very library ctypes loaded (one handle table), also
when ZMQSOCKET_LIB names another copy, and it says what the ctypes path
says.

run-tests.sh runs the suite twice: against the installed wheel
(ZMQSOCKET_TEST_INSTALLED=1: the package in site-packages, its own copy
of the library, the fast path) and against the checkout (pure ctypes).
"""

import glob
import importlib.metadata
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap

import pytest

import zmqsocket
from zmqsocket import ZmqSocketError

from conftest import INSTALLED

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKOUT_BINDING = os.path.dirname(HERE)
CHECKOUT_PACKAGE = os.path.join(CHECKOUT_BINDING, "zmqsocket")
REPO_LIB = os.path.normpath(os.path.join(CHECKOUT_BINDING, "..", "..", "target", "release",
                                         "libzmqsocket.so"))
PACKAGE_DIR = os.path.dirname(os.path.abspath(zmqsocket.__file__))

needs_fast = pytest.mark.skipif(not zmqsocket.FAST_PATH,
                                reason="the fast path is not built (a checkout run)")
installed_only = pytest.mark.skipif(not INSTALLED, reason="a checkout run")


def _mapped_libraries():
    """The libzmqsocket files mapped into this process."""
    with open("/proc/self/maps") as f:
        return {line.split(None, 5)[5].strip() for line in f
                if len(line.split(None, 5)) == 6 and "libzmqsocket" in line}


def _run(code, env_changes, cwd):
    env = dict(os.environ)
    for k, v in env_changes.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, cwd=cwd,
                          capture_output=True, timeout=60)


# --------------------------------------------------------------------------
# What is under test
# --------------------------------------------------------------------------


def test_the_package_and_library_under_test():
    mapped = _mapped_libraries()
    assert mapped == {os.path.realpath(zmqsocket.LIBRARY_PATH)}, mapped
    if INSTALLED:
        site = {os.path.realpath(sysconfig.get_paths()[k]) for k in ("purelib", "platlib")}
        assert os.path.realpath(os.path.dirname(PACKAGE_DIR)) in site
        assert not PACKAGE_DIR.startswith(CHECKOUT_BINDING)
        if not os.environ.get("ZMQSOCKET_LIB"):
            assert zmqsocket.LIBRARY_PATH == zmqsocket.PACKAGE_LIBRARY
            assert os.path.dirname(zmqsocket.LIBRARY_PATH) == PACKAGE_DIR
        assert zmqsocket.FAST_PATH
    else:
        assert PACKAGE_DIR == CHECKOUT_PACKAGE
        if not os.environ.get("ZMQSOCKET_LIB"):
            assert zmqsocket.LIBRARY_PATH in (zmqsocket.PACKAGE_LIBRARY, REPO_LIB)
        # pure ctypes unless the extension was built in place
        built = glob.glob(os.path.join(PACKAGE_DIR, "_fast*.so"))
        assert zmqsocket.FAST_PATH == bool(built)
    for name in ("__init__.py", "pytest_plugin.py", "py.typed"):
        assert os.path.isfile(os.path.join(PACKAGE_DIR, name)), name


@installed_only
def test_the_plugin_is_registered_by_its_entry_point(pytestconfig):
    eps = importlib.metadata.entry_points(group="pytest11")
    assert [(e.name, e.value) for e in eps if e.name == "zmqsocket"] == [
        ("zmqsocket", "zmqsocket.pytest_plugin")]
    assert pytestconfig.pluginmanager.has_plugin("zmqsocket")


@installed_only
def test_installed_package_imports_anywhere_with_its_own_library(tmp_path):
    out = _run("""
        import os, zmqsocket
        print(zmqsocket.LIBRARY_PATH == zmqsocket.PACKAGE_LIBRARY, zmqsocket.FAST_PATH)
        with zmqsocket.bind_to_port(0, "PULL") as pull:
            port = pull.bound_ports()[0]
            with zmqsocket.connect_to_host("127.0.0.1", port, "PUSH") as push:
                push.send(b"hi")
                print(pull.recv(timeout=5))
    """, {"ZMQSOCKET_LIB": None, "PYTHONPATH": None}, cwd=str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert out.stdout.decode().split() == ["True", "True", "b'hi'"]


def test_checkout_loads_without_a_build(tmp_path):
    """The checkout's package, with no extension built: pure ctypes over
    the checkout's release library (make lib builds it)."""
    if glob.glob(os.path.join(CHECKOUT_PACKAGE, "_fast*.so")):
        pytest.skip("the checkout has the extension built in place")
    if not os.path.exists(REPO_LIB):
        pytest.skip("no %s" % REPO_LIB)
    out = _run("""
        import zmqsocket
        print(zmqsocket.__file__)
        print(zmqsocket.LIBRARY_PATH)
        print(zmqsocket.FAST_PATH)
        with zmqsocket.bind_to_port(0, "PULL") as pull:
            port = pull.bound_ports()[0]
            with zmqsocket.connect_to_host("127.0.0.1", port, "PUSH") as push:
                push.send(b"\\x00ctypes")
                print(pull.recv(timeout=5))
    """, {"ZMQSOCKET_LIB": None, "PYTHONPATH": CHECKOUT_BINDING}, cwd=str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert out.stdout.decode().splitlines() == [
        os.path.join(CHECKOUT_PACKAGE, "__init__.py"), REPO_LIB, "False", "b'\\x00ctypes'"]


def test_a_missing_library_is_an_import_error(tmp_path):
    out = _run("import zmqsocket", {"ZMQSOCKET_LIB": "/nonexistent/libzmqsocket.so",
                                    "PYTHONPATH": os.path.dirname(PACKAGE_DIR)},
               cwd=str(tmp_path))
    assert out.returncode != 0
    assert b"ImportError" in out.stderr and b"/nonexistent/libzmqsocket.so" in out.stderr


def test_no_fast_path_switch(tmp_path):
    out = _run("import zmqsocket; print(zmqsocket.FAST_PATH, zmqsocket.Socket.send.__name__)",
               {"ZMQSOCKET_NO_FAST_PATH": "1", "PYTHONPATH": os.path.dirname(PACKAGE_DIR)},
               cwd=str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert out.stdout.decode().split() == ["False", "_send_ctypes"]


# --------------------------------------------------------------------------
# One library, one handle table
# --------------------------------------------------------------------------


@needs_fast
def test_fast_path_uses_the_ctypes_handle_table():
    fast = zmqsocket._fast
    before = zmqsocket.socket_count()
    with zmqsocket.bind_to_port(0, "PULL") as pull:
        port = pull.bound_ports()[0]
        with zmqsocket.connect_to_host("127.0.0.1", port, "PUSH") as push:
            assert zmqsocket.socket_count() == before + 2
            # made through ctypes, used through the extension, and back
            fast.send(push.handle, b"one", 5000)
            assert pull._recv_ctypes(timeout=5) == b"one"
            push._send_ctypes(b"two", timeout=5)
            assert fast.recv(pull.handle, 5000) == b"two"
        # destroyed through ctypes: the extension sees it gone
        with pytest.raises(ZmqSocketError) as info:
            fast.send(push.handle, b"x", 0)
        assert info.value.code == zmqsocket.ZS_ERR_BAD_HANDLE
        assert str(push.handle) in info.value.message
    assert zmqsocket.socket_count() == before


@needs_fast
@pytest.mark.parametrize("soname", [b"libzmqsocket.so.0", b"libzmqsocket.so.9"])
def test_fast_path_follows_zmqsocket_lib_to_another_copy(tmp_path, soname):
    """ZMQSOCKET_LIB naming a copy elsewhere: ctypes loads it, the
    extension attaches to that one, and the package's own copy is never
    mapped (no second handle table). Also for a copy whose SONAME is not
    the package's (edited in place here): an extension that named the
    library by DT_NEEDED would map a second copy then; this one does not."""
    data = open(zmqsocket.LIBRARY_PATH, "rb").read()
    assert data.count(b"libzmqsocket.so.0") == 1  # the SONAME, in .dynstr
    copy = tmp_path / "libzmqsocket.so"
    copy.write_bytes(data.replace(b"libzmqsocket.so.0", soname))
    out = _run("""
        import zmqsocket
        fast = zmqsocket._fast
        with open("/proc/self/maps") as f:
            mapped = sorted({l.split(None, 5)[5].strip() for l in f
                             if "libzmqsocket" in l and len(l.split(None, 5)) == 6})
        print(zmqsocket.LIBRARY_PATH, zmqsocket.FAST_PATH, *mapped)
        with zmqsocket.bind_to_port(0, "PULL") as pull:
            port = pull.bound_ports()[0]
            with zmqsocket.connect_to_host("127.0.0.1", port, "PUSH") as push:
                fast.send(push.handle, b"via the copy", 5000)
                print(pull._recv_ctypes(timeout=5) == b"via the copy", zmqsocket.socket_count())
    """, {"ZMQSOCKET_LIB": str(copy), "PYTHONPATH": os.path.dirname(PACKAGE_DIR)},
        cwd=str(tmp_path))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.decode().splitlines()
    assert lines == ["%s True %s" % (copy, os.path.realpath(copy)), "True 2"]


# --------------------------------------------------------------------------
# The fast path says what the ctypes path says
# --------------------------------------------------------------------------


@needs_fast
def test_fast_and_ctypes_paths_agree():
    big = bytes(range(256)) * 100  # 25600 bytes: past the 16 KiB buffer
    with zmqsocket.Socket("PULL") as pull:
        port = pull.bind_to_port(0)
        with zmqsocket.connect_to_host("127.0.0.1", port, "PUSH") as push:
            for data in (b"", b"\x00", b"x" * 16384, b"y" * 16385, big,
                         bytearray(b"ba"), memoryview(b"mv\x00")):
                push._send_fast(data, timeout=5)
                push._send_ctypes(data, timeout=5)
                assert pull._recv_fast(timeout=5) == bytes(data)
                assert pull._recv_ctypes(timeout=5) == bytes(data)
            for send in (push._send_fast, push._send_ctypes):
                with pytest.raises(TypeError, match="data must be bytes-like"):
                    send("text")
                with pytest.raises(ZmqSocketError) as info:
                    send(b"x", timeout=-0.5)
                assert info.value.code == zmqsocket.ZS_ERR_INVALID_ARGUMENT
            errors = []
            for recv in (pull._recv_fast, pull._recv_ctypes):
                with pytest.raises(ZmqSocketError) as info:
                    recv(timeout=0.01)
                errors.append((info.value.code, info.value.message))
            assert errors[0] == errors[1]
            assert errors[0][0] is zmqsocket.Result.ERR_TIMED_OUT
            assert "zs_recv" in errors[0][1]


@needs_fast
def test_fast_path_bad_arguments():
    fast = zmqsocket._fast
    with pytest.raises(TypeError, match="send takes 3 arguments"):
        fast.send(1, b"x")
    with pytest.raises(TypeError, match="recv takes 2 arguments"):
        fast.recv(1)
    with pytest.raises(TypeError, match="send: data must be bytes, not str"):
        fast.send(1, "x", 0)
    with pytest.raises(ValueError, match="send: timeout_ms 2147483648 does not fit in int32"):
        fast.send(1, b"x", 2**31)
    with pytest.raises(ValueError, match="recv: timeout_ms -2147483649 does not fit in int32"):
        fast.recv(1, -2**31 - 1)
    with pytest.raises(OverflowError):
        fast.recv(-1, 0)
    with pytest.raises(TypeError):
        fast.recv("1", 0)
    with pytest.raises(TypeError, match="attach: path must be bytes"):
        fast.attach("/some/path")
    with pytest.raises(TypeError, match="set_error: factory must be callable"):
        fast.set_error(42)
    # a library that is not loaded is not loaded by attach; attaching to
    # the loaded one again is fine
    assert fast.attach(b"/nonexistent/libzmqsocket.so") is False
    assert fast.attach(os.fsencode(zmqsocket.LIBRARY_PATH)) is True


@needs_fast
def test_fast_path_before_attach_and_other_libraries(tmp_path):
    """The extension on its own, in a fresh interpreter: nothing works
    before attach, a loaded library without the functions is refused,
    and once attached it stays with its library."""
    ext = zmqsocket._fast.__file__
    copy = tmp_path / "libzmqsocket-copy.so"
    shutil.copyfile(zmqsocket.LIBRARY_PATH, copy)
    out = _run("""
        import ctypes, ctypes.util, importlib.machinery, importlib.util, sys
        loader = importlib.machinery.ExtensionFileLoader("_fast", %r)
        fast = importlib.util.module_from_spec(importlib.util.spec_from_loader("_fast", loader))
        loader.exec_module(fast)
        for call in (lambda: fast.send(1, b"x", 0), lambda: fast.recv(1, 0)):
            try:
                call()
            except RuntimeError as e:
                print("refused:", e)
        libc = ctypes.util.find_library("c")
        ctypes.CDLL(libc)
        print("libc:", fast.attach(libc.encode()))
        lib = ctypes.CDLL(%r)
        print("lib:", fast.attach(%r))
        ctypes.CDLL(%r)
        print("copy:", fast.attach(%r))
        try:
            fast.recv(12345, 0)
        except RuntimeError as e:
            print("no factory:", e)
        fast.set_error(lambda code: KeyError(code))
        try:
            fast.recv(12345, 0)
        except KeyError as e:
            print("factory:", e)
        fast.set_error(lambda code: 1 // 0)
        try:
            fast.recv(12345, 0)
        except ZeroDivisionError:
            print("factory raised")
        fast.set_error(lambda code: "not an exception")
        try:
            fast.recv(12345, 0)
        except SystemError as e:
            print("not an exception:", "BaseException" in str(e))
    """ % (ext, zmqsocket.LIBRARY_PATH, os.fsencode(zmqsocket.LIBRARY_PATH), str(copy),
           os.fsencode(str(copy))), {}, cwd=str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert out.stdout.decode().splitlines() == [
        "refused: send: not attached to the library",
        "refused: recv: not attached to the library",
        "libc: False",
        "lib: True",
        "copy: False",
        "no factory: zmqsocket._fast: library call failed (-2) and set_error was not called",
        "factory: -2",
        "factory raised",
        "not an exception: True",
    ]
