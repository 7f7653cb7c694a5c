#!/bin/sh
# Run the Python binding's test suite (pytest, against pyzmq peers).
# `make test` calls this; it works from any directory:
#
#   sh bindings/python/run-tests.sh [extra pytest arguments]
#
# 1. It makes a fresh venv (target/python-venv) with Debian's interpreter
#    /usr/bin/python3 (ZMQSOCKET_PYTHON overrides it) and installs pytest
#    and pyzmq from PyPI into it.
# 2. It builds the wheel (pip wheel bindings/python: setuptools-rust runs
#    cargo on the checkout's crate, reusing target/ when `make lib` built
#    it; setuptools compiles zmqsocket._fast) and installs it there.
# 3. It runs the suite from a directory outside the checkout against the
#    installed package (ZMQSOCKET_TEST_INSTALLED=1, ZMQSOCKET_LIB unset:
#    the package's own library and the fast path; pytest loads the plugin
#    through its entry point), then once more against the checkout's
#    package (PYTHONPATH=bindings/python: pure ctypes over
#    $ZMQSOCKET_LIB, else target/release/libzmqsocket.so).
#
# It needs python3 with venv and its C headers (Debian: python3-venv,
# python3-dev), a C compiler and cargo. If the Python parts are missing
# and this runs as root with apt-get, it installs them; if it cannot, it
# prints one line saying the suite was skipped and why, and exits 0.
# Otherwise it exits 0 when both runs pass, else 1.

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PY=${ZMQSOCKET_PYTHON:-/usr/bin/python3}
PACKAGES="python3 python3-venv python3-dev"
VENV=$REPO/target/python-venv
WHEELS=$REPO/target/python-wheel

skip() {
    echo "python: Python binding suite skipped: $*"
    exit 0
}

have_deps() {
    [ -x "$PY" ] && "$PY" -c '
import ensurepip, os, sys, sysconfig, venv
sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")) else 1)
' >/dev/null 2>&1
}

if ! have_deps; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        log=$(mktemp "${TMPDIR:-/tmp}/zmqsocket-apt.XXXXXX")
        echo "python: installing $PACKAGES with apt-get (log: $log)"
        export DEBIAN_FRONTEND=noninteractive
        # shellcheck disable=SC2086 # PACKAGES is a word list
        apt-get install -y -q $PACKAGES >"$log" 2>&1 ||
            { apt-get update -q >>"$log" 2>&1 &&
                apt-get install -y -q $PACKAGES >>"$log" 2>&1; } ||
            skip "apt-get could not install $PACKAGES (see $log)"
        have_deps || skip "$PY still lacks venv or Python.h after installing $PACKAGES (see $log)"
        rm -f "$log"
    elif [ ! -x "$PY" ]; then
        skip "$PY not found, and not root with apt-get to install $PACKAGES"
    else
        skip "$PY lacks venv or its C headers, and not root with apt-get to install $PACKAGES"
    fi
fi
command -v cargo >/dev/null 2>&1 || { echo "python: cargo is needed to build the wheel" >&2; exit 1; }

fail() {
    echo "python: $*" >&2
    exit 1
}

export PYTHONDONTWRITEBYTECODE=1
unset PYTHONPATH

echo "python: a fresh venv in $VENV, with pytest and pyzmq from PyPI"
rm -rf "$VENV" "$WHEELS" "$HERE/build" "$HERE"/*.egg-info
"$PY" -m venv "$VENV" || fail "python -m venv failed"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check pytest pyzmq ||
    fail "pip could not install pytest and pyzmq"

echo "python: building the wheel (pip wheel bindings/python)"
# The crate's own target/ (CARGO_TARGET_DIR of the caller is not ours).
(unset CARGO_TARGET_DIR && "$VENV/bin/python" -m pip wheel -q --disable-pip-version-check \
    --no-deps -w "$WHEELS" "$HERE") || fail "pip wheel bindings/python failed"
rm -rf "$HERE/build" "$HERE"/*.egg-info
set -- "$WHEELS"/zmqsocket-*.whl "$@"
WHEEL=$1
shift
[ -f "$WHEEL" ] || fail "no wheel in $WHEELS"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check "$WHEEL" ||
    fail "pip could not install $WHEEL"

# Outside the checkout, so that nothing in it is importable by accident.
RUNDIR=$(mktemp -d "${TMPDIR:-/tmp}/zmqsocket-py.XXXXXX")
trap 'rm -rf "$RUNDIR"' EXIT

echo "python: the suite against the installed wheel ($(basename "$WHEEL"))"
(cd "$RUNDIR" && unset ZMQSOCKET_LIB && ZMQSOCKET_TEST_INSTALLED=1 \
    "$VENV/bin/python" -m pytest -q -p no:cacheprovider "$HERE/tests" "$@")
installed=$?

echo "python: the suite against the checkout (pure ctypes)"
if [ -z "${ZMQSOCKET_LIB:-}" ] && [ ! -f "$REPO/target/release/libzmqsocket.so" ]; then
    fail "$REPO/target/release/libzmqsocket.so is missing (make lib builds it)"
fi
(cd "$RUNDIR" && PYTHONPATH=$HERE PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 \
    "$VENV/bin/python" -m pytest -q -p no:cacheprovider "$HERE/tests" "$@")
checkout=$?

[ "$installed" = 0 ] && [ "$checkout" = 0 ] && exit 0
echo "python: failed: installed wheel run $installed, checkout run $checkout" >&2
exit 1
