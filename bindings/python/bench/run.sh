#!/bin/sh
# The Python benchmark (bench.py): pyzmq's send/recv loop against
# zmqsocket's per-message calls (the installed package's fast path, and
# ctypes alone) and pump/drain. `make bench` calls this; it works from any
# directory:
#
#   sh bindings/python/bench/run.sh [--quick] [other bench.py options]
#
# It keeps a venv in target/python-bench-venv (made with /usr/bin/python3,
# ZMQSOCKET_PYTHON overrides it; pyzmq from PyPI), builds the wheel from
# the checkout (cargo reuses target/ when make lib built it) and installs
# it there, then runs bench.py from outside the checkout. Without python3
# with venv and its C headers, or without PyPI, it prints one line saying
# why and exits 0.

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
BINDING=$(cd "$HERE/.." && pwd)
REPO=$(cd "$BINDING/../.." && pwd)
PY=${ZMQSOCKET_PYTHON:-/usr/bin/python3}
VENV=$REPO/target/python-bench-venv
WHEELS=$REPO/target/python-bench-wheel

skip() {
    echo "python bench: skipped: $*"
    exit 0
}

[ -x "$PY" ] || skip "$PY not found"
"$PY" -c '
import ensurepip, os, sys, sysconfig, venv
sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")) else 1)
' >/dev/null 2>&1 || skip "$PY lacks venv or its C headers (python3-venv, python3-dev)"

export PYTHONDONTWRITEBYTECODE=1
unset PYTHONPATH ZMQSOCKET_LIB ZMQSOCKET_NO_FAST_PATH

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import zmq' >/dev/null 2>&1; then
    rm -rf "$VENV"
    "$PY" -m venv "$VENV" || skip "python -m venv failed"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check pyzmq ||
        skip "pip could not install pyzmq"
fi
rm -rf "$WHEELS"
(unset CARGO_TARGET_DIR && "$VENV/bin/python" -m pip wheel -q --disable-pip-version-check \
    --no-deps -w "$WHEELS" "$BINDING") || { echo "python bench: pip wheel failed" >&2; exit 1; }
rm -rf "$BINDING/build" "$BINDING"/*.egg-info
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps \
    "$WHEELS"/zmqsocket-*.whl || { echo "python bench: pip install failed" >&2; exit 1; }

cd "${TMPDIR:-/tmp}" || exit 1
exec "$VENV/bin/python" "$HERE/bench.py" "$@"
