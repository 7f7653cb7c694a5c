#!/bin/sh
# The PHP benchmark (bench.php): php-zmq's send/recv loop against
# zmqsocket's per-message calls and pump/drain, through the PHP binding,
# and against the same php-zmq loop on zmqsocket's php-zmq layer
# (bindings/php/compat: rows (g) FFI alone, (h) with the native extension;
# their processes run under compat/php-nozmq, php without zmq).
# `make bench` calls this (make bench BENCH_ARGS=--quick for a short run);
# it works from any directory:
#
#   sh bindings/php/bench/run.sh [--quick] [other bench.php options]
#
# It needs php with the FFI extension and php-zmq; without them it prints
# one line saying why and exits 0. The library is $ZMQSOCKET_LIB, else the
# checkout's target/release/libzmqsocket.so. ZS_BENCH_RAW_MSGS (raw
# libzmq's msg/s for 100-byte messages, from the Rust bench of the same
# run) adds the ratios against raw libzmq. With the zmqsocket_native
# extension ($ZMQSOCKET_PHP_EXT, else built into build/php by
# ../ext/build.sh when php-config is there) the bench loads it.

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)

skip() {
    echo "php bench: skipped: $*"
    exit 0
}

command -v php >/dev/null 2>&1 || skip "php not found"
php -d ffi.enable=1 -r 'exit(extension_loaded("ffi") && class_exists("FFI") ? 0 : 1);' >/dev/null 2>&1 ||
    skip "php lacks the FFI extension"
php -r 'exit(extension_loaded("zmq") ? 0 : 1);' >/dev/null 2>&1 ||
    skip "php lacks the zmq extension (php-zmq)"

if [ -z "${ZMQSOCKET_LIB:-}" ] && [ ! -f "$REPO/target/release/libzmqsocket.so" ]; then
    echo "php bench: $REPO/target/release/libzmqsocket.so is missing: build it with make lib (or set ZMQSOCKET_LIB)" >&2
    exit 1
fi

# The optional native per-message path (bindings/php/ext): built here if
# it can be; rows (b) and (h) then go through it, rows (f) and (g) through
# FFI alone.
EXT=${ZMQSOCKET_PHP_EXT:-$REPO/build/php/zmqsocket_native.so}
if [ -z "${ZMQSOCKET_PHP_EXT:-}" ]; then
    ZMQSOCKET_PHP_EXT_OUT=$EXT sh "$HERE/../ext/build.sh" || exit 1
fi
if [ -f "$EXT" ]; then
    export ZMQSOCKET_PHP_EXT="$EXT"
    exec php -d ffi.enable=1 -d "extension=$EXT" "$HERE/bench.php" "$@"
fi
exec php -d ffi.enable=1 "$HERE/bench.php" "$@"
