#!/bin/sh
# Build the optional zmqsocket_native PHP extension (zmqsocket_native.c)
# into $ZMQSOCKET_PHP_EXT_OUT (default: the checkout's
# build/php/zmqsocket_native.so).
# `make php-ext` and bindings/php/run-tests.sh call this; it works from any
# directory:
#
#   sh bindings/php/ext/build.sh
#
# It needs php-config and PHP's headers (Debian: php-dev). If they are
# missing and this runs as root with apt-get, it installs php-dev; if it
# cannot, it prints one line saying why the extension was not built and
# exits 0 (the binding then works through FFI alone), having removed any
# extension an earlier build left there, so that nothing stale is loaded.
# A compile error exits 1.

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
OUT=${ZMQSOCKET_PHP_EXT_OUT:-$REPO/build/php/zmqsocket_native.so}

skip() {
    rm -f "$OUT"
    echo "php-ext: zmqsocket_native not built: $*"
    exit 0
}

command -v php >/dev/null 2>&1 || skip "php not found"
if ! command -v php-config >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        log=$(mktemp "${TMPDIR:-/tmp}/zmqsocket-apt.XXXXXX")
        echo "php-ext: php-config not found; installing php-dev with apt-get (log: $log)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -q --no-install-recommends php-dev >"$log" 2>&1 ||
            { apt-get update -q >>"$log" 2>&1 &&
                apt-get install -y -q --no-install-recommends php-dev >>"$log" 2>&1; } ||
            skip "php-config not found, and apt-get could not install php-dev (see $log)"
        command -v php-config >/dev/null 2>&1 || skip "php-config not found after installing php-dev (see $log)"
        rm -f "$log"
    else
        skip "php-config not found (install php-dev), and not root with apt-get to install it"
    fi
fi
# The headers must be those of the php that runs the binding.
api=$(php -i 2>/dev/null | sed -n 's/^PHP API => //p')
if [ "$api" != "$(php-config --phpapi)" ]; then
    skip "php-config is for PHP API $(php-config --phpapi), php runs $api"
fi

mkdir -p "$(dirname "$OUT")"
# PHP's headers as system headers: their warnings are not ours to fail on.
incs=$(php-config --includes | sed 's/-I/-isystem /g')
tmp="$OUT.$$.tmp"
# shellcheck disable=SC2086 # $incs is a word list
${CC:-cc} -O2 -fPIC -shared -fvisibility=hidden -std=gnu11 -Wall -Wextra \
    -Wno-unused-parameter -Werror $incs -I"$REPO/include" \
    "$HERE/zmqsocket_native.c" -o "$tmp" || { rm -f "$tmp"; exit 1; }
mv "$tmp" "$OUT"
echo "php-ext: built $OUT"
