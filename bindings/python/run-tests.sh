#!/bin/sh
# Run the Python binding's test suite (pytest, against pyzmq peers).
# `make test` calls this; it works from any directory:
#
#   sh bindings/python/run-tests.sh [extra pytest arguments]
#
# It uses Debian's interpreter /usr/bin/python3 (ZMQSOCKET_PYTHON overrides
# it), because Debian's python3-zmq and python3-pytest install for that one.
# If they are missing and this runs as root with apt-get, it installs them;
# if it cannot, it prints one line saying the suite was skipped and why, and
# exits 0. Otherwise it exits with pytest's status.
#
# The library under test is $ZMQSOCKET_LIB, else the checkout's
# target/release/libzmqsocket.so (built here with cargo if it is missing).

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PY=${ZMQSOCKET_PYTHON:-/usr/bin/python3}
PACKAGES="python3 python3-zmq python3-pytest"

skip() {
    echo "python: Python binding suite skipped: $*"
    exit 0
}

have_deps() {
    [ -x "$PY" ] && "$PY" -c 'import zmq, pytest' >/dev/null 2>&1
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
        have_deps || skip "$PY still lacks zmq or pytest after installing $PACKAGES (see $log)"
        rm -f "$log"
    elif [ ! -x "$PY" ]; then
        skip "$PY not found, and not root with apt-get to install $PACKAGES"
    else
        skip "$PY lacks zmq or pytest, and not root with apt-get to install $PACKAGES"
    fi
fi

if [ -z "${ZMQSOCKET_LIB:-}" ] && [ ! -f "$REPO/target/release/libzmqsocket.so" ]; then
    command -v cargo >/dev/null 2>&1 || {
        echo "python: $REPO/target/release/libzmqsocket.so is missing and there is no cargo to build it" >&2
        exit 1
    }
    echo "python: building the library (cargo build --release)"
    (cd "$REPO" && unset CARGO_TARGET_DIR && cargo build --release) || exit 1
fi

cd "$REPO" || exit 1
PYTHONDONTWRITEBYTECODE=1 PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 \
    exec "$PY" -m pytest -q -p no:cacheprovider bindings/python/tests "$@"
