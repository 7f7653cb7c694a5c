#!/bin/sh
# Run the PHP binding's test suite (PHPUnit, against php-zmq peers).
# `make test` calls this; it works from any directory:
#
#   sh bindings/php/run-tests.sh [extra phpunit arguments]
#
# It needs php with the FFI extension, Debian's phpunit and the zmq
# extension (php-zmq). If they are missing and this runs as root with
# apt-get, it installs php-cli, phpunit and php-zmq; if it cannot, it prints
# one line saying the suite was skipped and why, and exits 0. Otherwise it
# exits non-zero if any pass below failed.
#
# The library under test is $ZMQSOCKET_LIB, else the checkout's
# target/release/libzmqsocket.so.
#
# The suite runs twice: once with the optional zmqsocket_native extension
# loaded (ext/build.sh builds it, installing php-dev when root; NativeTest
# then insists that it is in use), so that Socket::send and Socket::recv go
# through it, and once through FFI alone. Without php-config the first
# pass is skipped, with one line saying why.
#
# Then the php-zmq layer's PHPUnit suite (tests/compat, phpunit-compat.xml)
# runs the same two ways without the zmq extension (compat/php-nozmq), and
# tests/compat/run-phpt.sh judges the php-zmq layer (compat/) by
# php-zmq's own phpt suite, against the zmq extension as the baseline; it
# skips, with one line, where it cannot fetch the suite. Any failing pass
# makes the exit status non-zero.

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PACKAGES="php-cli phpunit php-zmq"

skip() {
    echo "php: PHP binding suite skipped: $*"
    exit 0
}

# Why the dependencies are not there ("" when they are).
missing() {
    if ! command -v php >/dev/null 2>&1; then
        echo "php not found"
    elif ! php -d ffi.enable=1 -r 'exit(extension_loaded("ffi") && class_exists("FFI") ? 0 : 1);' >/dev/null 2>&1; then
        echo "php lacks the FFI extension"
    elif ! php -r 'exit(extension_loaded("zmq") ? 0 : 1);' >/dev/null 2>&1; then
        echo "php lacks the zmq extension (php-zmq)"
    elif ! command -v phpunit >/dev/null 2>&1; then
        echo "phpunit not found"
    fi
}

why=$(missing)
if [ -n "$why" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        log=$(mktemp "${TMPDIR:-/tmp}/zmqsocket-apt.XXXXXX")
        echo "php: $why; installing $PACKAGES with apt-get (log: $log)"
        export DEBIAN_FRONTEND=noninteractive
        # shellcheck disable=SC2086 # PACKAGES is a word list
        apt-get install -y -q $PACKAGES >"$log" 2>&1 ||
            { apt-get update -q >>"$log" 2>&1 &&
                apt-get install -y -q $PACKAGES >>"$log" 2>&1; } ||
            skip "$why, and apt-get could not install $PACKAGES (see $log)"
        why=$(missing)
        [ -z "$why" ] || skip "$why after installing $PACKAGES (see $log)"
        rm -f "$log"
    else
        skip "$why, and not root with apt-get to install $PACKAGES"
    fi
fi

if [ -z "${ZMQSOCKET_LIB:-}" ] && [ ! -f "$REPO/target/release/libzmqsocket.so" ]; then
    echo "php: $REPO/target/release/libzmqsocket.so is missing: build it with make lib (or set ZMQSOCKET_LIB)" >&2
    exit 1
fi

# Debian's phpunit is a PHP script (#!/usr/bin/php): run it through php so
# that FFI can be enabled whatever php.ini says.
PHPUNIT=$(command -v phpunit)
cd "$REPO" || exit 1

EXT=${ZMQSOCKET_PHP_EXT:-$REPO/build/php/zmqsocket_native.so}
if [ -z "${ZMQSOCKET_PHP_EXT:-}" ]; then
    ZMQSOCKET_PHP_EXT_OUT=$EXT sh "$HERE/ext/build.sh" || exit 1
fi
status=0
if [ -f "$EXT" ]; then
    echo "php: the suite with the zmqsocket_native extension ($EXT)"
    env ZS_EXPECT_NATIVE=1 php -d ffi.enable=1 -d "extension=$EXT" "$PHPUNIT" -c "$HERE/phpunit.xml" "$@" ||
        status=$?
fi
echo "php: the suite through FFI alone"
env ZS_EXPECT_NATIVE=0 php -d ffi.enable=1 "$PHPUNIT" -c "$HERE/phpunit.xml" "$@" || status=$?
# The php-zmq layer's own suite (tests/compat), without the zmq extension
# (compat/php-nozmq): with the native extension, then through FFI alone.
NOZMQ="$HERE/compat/php-nozmq"
if [ -f "$EXT" ]; then
    echo "php: the php-zmq layer's suite with the zmqsocket_native extension"
    env ZS_EXPECT_NATIVE=1 "$NOZMQ" -d "extension=$EXT" "$PHPUNIT" -c "$HERE/phpunit-compat.xml" "$@" ||
        status=$?
fi
echo "php: the php-zmq layer's suite through FFI alone"
env ZS_EXPECT_NATIVE=0 "$NOZMQ" "$PHPUNIT" -c "$HERE/phpunit-compat.xml" "$@" || status=$?
sh "$HERE/tests/compat/run-phpt.sh" || status=$?
exit "$status"
