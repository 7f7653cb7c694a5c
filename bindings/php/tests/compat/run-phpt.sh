#!/bin/sh
# Judge the php-zmq compatibility layer (bindings/php/compat) by php-zmq's
# own test suite, its tests/*.phpt. `bindings/php/run-tests.sh` calls this
# after the PHPUnit passes; it works from any directory:
#
#   sh bindings/php/tests/compat/run-phpt.sh
#
# The tests are those of the installed php-zmq version (dpkg-query, else
# phpversion("zmq")): Debian's source tarball
# http://deb.debian.org/debian/pool/main/p/php-zmq/php-zmq_<upstream>.orig.tar.gz,
# downloaded once into the checkout's build/php-zmq-tests/ (git-ignored;
# never committed). If it cannot be fetched, or php, the zmq extension or
# PHP's run-tests.php (php-dev) is missing and cannot be installed, it
# prints one line saying the check was skipped and why, and exits 0.
#
# Every test runs twice, sequentially (the tests use fixed ports), with
# PHP's own runner (/usr/lib/php/*/build/run-tests.php) and its per-test
# timeout ($ZMQSOCKET_PHPT_TIMEOUT seconds, default 60, so a hang fails
# the test instead of blocking):
#
#   (a) with the zmq extension (plain php): the baseline;
#   (b) with compat/php-nozmq (php minus zmq, with FFI) and
#       -d auto_prepend_file=<checkout>/bindings/php/compat/bootstrap.php;
#   (c) as (b), with the zmqsocket_native extension loaded too
#       ($ZMQSOCKET_PHP_EXT, else build/php/zmqsocket_native.so), when it
#       is there (run-tests.sh builds it first).
#
# Each run works on its own copy of the shipped tests. php-zmq's
# tests/skipif.inc skips every test unless extension_loaded("zmq"): in the
# copies for runs (b) and (c), and only there, skipif.inc tests
# class_exists("ZMQContext") instead. Everything else in the tests is
# byte for byte as shipped.
#
# It exits non-zero, listing them, if a test that passes in (a) does not
# pass in (b) or (c) (FAIL, BORK, SKIP, or a crash or timeout), or if any
# test of (b) or (c) is killed by a signal (the runner's "Termsig=" in its
# output). It prints one summary line per layer run:
#
#   phpt: extension passes N, layer passes M, of those N the layer fails K
#
# The .diff, .out, .exp and .log files of failing tests stay beside the
# copies, in build/php-zmq-tests/run-ext/, run-layer/ and run-layer-native/,
# and the script prints where.
#
# The layer loads $ZMQSOCKET_LIB, else the checkout's
# target/release/libzmqsocket.so; ZMQSOCKET_LIB is passed through.

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../../.." && pwd)
COMPAT=$REPO/bindings/php/compat
NOZMQ=$COMPAT/php-nozmq
BOOTSTRAP=$COMPAT/bootstrap.php
WORK=$REPO/build/php-zmq-tests
TIMEOUT=${ZMQSOCKET_PHPT_TIMEOUT:-60}
MIRROR=http://deb.debian.org/debian/pool/main/p/php-zmq

skip() {
    echo "php: phpt check skipped: $*"
    exit 0
}

command -v php >/dev/null 2>&1 || skip "php not found"
php -r 'exit(extension_loaded("zmq") ? 0 : 1);' >/dev/null 2>&1 ||
    skip "php lacks the zmq extension (php-zmq), the baseline"
[ -f "$BOOTSTRAP" ] || skip "$BOOTSTRAP is missing (no layer to judge)"
if [ -z "${ZMQSOCKET_LIB:-}" ] && [ ! -f "$REPO/target/release/libzmqsocket.so" ]; then
    echo "php: $REPO/target/release/libzmqsocket.so is missing: build it with make lib (or set ZMQSOCKET_LIB)" >&2
    exit 1
fi

# PHP's test runner, from php-dev; installed the way run-tests.sh does.
runner() {
    for f in /usr/lib/php/*/build/run-tests.php; do
        [ -f "$f" ] && echo "$f" && return 0
    done
    return 1
}
RUNNER=$(runner)
if [ -z "$RUNNER" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        log=$(mktemp "${TMPDIR:-/tmp}/zmqsocket-apt.XXXXXX")
        echo "php: run-tests.php not found; installing php-dev with apt-get (log: $log)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -q php-dev >"$log" 2>&1 ||
            { apt-get update -q >>"$log" 2>&1 &&
                apt-get install -y -q php-dev >>"$log" 2>&1; } ||
            skip "run-tests.php not found, and apt-get could not install php-dev (see $log)"
        RUNNER=$(runner) || skip "run-tests.php not found after installing php-dev (see $log)"
        rm -f "$log"
    else
        skip "PHP's run-tests.php not found (php-dev), and not root with apt-get to install it"
    fi
fi

# The upstream version of the installed php-zmq: 1.1.3-24 -> 1.1.3.
version=$(dpkg-query -W -f='${Version}' php-zmq 2>/dev/null)
if [ -n "$version" ]; then
    version=${version#*:}
    version=${version%-*}
else
    version=$(php -r 'echo phpversion("zmq");' 2>/dev/null)
fi
[ -n "$version" ] || skip "cannot tell which php-zmq version is installed"

mkdir -p "$WORK" || exit 1
tarball=$WORK/php-zmq_$version.orig.tar.gz
url=$MIRROR/php-zmq_$version.orig.tar.gz
if [ ! -s "$tarball" ]; then
    rm -f "$tarball.part"
    if command -v curl >/dev/null 2>&1; then
        curl -fsSL --max-time 120 -o "$tarball.part" "$url" 2>/dev/null
    elif command -v wget >/dev/null 2>&1; then
        wget -q -T 120 -O "$tarball.part" "$url"
    else
        false
    fi || { rm -f "$tarball.part"; skip "cannot fetch $url"; }
    mv "$tarball.part" "$tarball" || exit 1
fi
src=$WORK/src-$version
if [ ! -f "$src/.complete" ]; then
    rm -rf "$src"
    mkdir -p "$src" && tar -xzf "$tarball" -C "$src" 2>/dev/null ||
        { rm -rf "$src" "$tarball"; skip "cannot unpack $tarball (removed; the next run fetches it again)"; }
    : >"$src/.complete"
fi
inc=$(ls "$src"/*/tests/skipif.inc 2>/dev/null | head -n 1)
[ -n "$inc" ] || skip "no tests/skipif.inc in $tarball"
tests=$(dirname "$inc")

PHP=$(command -v php)
# The zmqsocket_native extension, when built: then the layer runs again
# with it loaded, run (c).
EXT=${ZMQSOCKET_PHP_EXT:-$REPO/build/php/zmqsocket_native.so}
[ -f "$EXT" ] || EXT=
unset TEST_PHP_ARGS TEST_PHP_EXECUTABLE TEST_PHP_CGI_EXECUTABLE TEST_PHP_DBG_EXECUTABLE

# run NAME PHP [run-tests.php options]: copies the tests to $WORK/NAME,
# runs them, and leaves "RESULT<TAB>path" lines in $WORK/NAME.results.
run() {
    name=$1 php=$2
    shift 2
    rm -rf "${WORK:?}/$name" "$WORK/$name.results" "$WORK/$name.log"
    cp -R "$tests" "$WORK/$name" || exit 1
    if [ "$name" != run-ext ]; then
        sed 's/extension_loaded("zmq")/class_exists("ZMQContext")/' \
            "$tests/skipif.inc" >"$WORK/$name/skipif.inc" || exit 1
        grep -q 'class_exists("ZMQContext")' "$WORK/$name/skipif.inc" || {
            echo "php: $tests/skipif.inc does not test extension_loaded(\"zmq\") as expected" >&2
            exit 1
        }
    fi
    (cd "$WORK" && "$PHP" "$RUNNER" -q --no-color --no-progress \
        --set-timeout "$TIMEOUT" -W "$WORK/$name.results" -p "$php" "$@" \
        "$WORK/$name" >"$WORK/$name.log" 2>&1)
    [ -s "$WORK/$name.results" ] || {
        echo "php: run-tests.php wrote no results for $name (see $WORK/$name.log)" >&2
        exit 1
    }
}

# The test names (basename) whose result is $2 in results file $1.
with() {
    awk -F '\t' -v r="$2" '$1 == r { n = $2; sub(/.*\//, "", n); print n }' "$1" | sort
}

echo "php: php-zmq $version's phpt suite with the zmq extension (baseline)"
run run-ext "$PHP"
echo "php: php-zmq $version's phpt suite on the layer (php-nozmq, bootstrap.php prepended)"
run run-layer "$NOZMQ" -d "auto_prepend_file=$BOOTSTRAP"
if [ -n "$EXT" ]; then
    echo "php: php-zmq $version's phpt suite on the layer with the zmqsocket_native extension"
    run run-layer-native "$NOZMQ" -d "auto_prepend_file=$BOOTSTRAP" -d "extension=$EXT"
fi

with "$WORK/run-ext.results" PASSED >"$WORK/ext.pass"
n=$(wc -l <"$WORK/ext.pass" | tr -d ' ')
status=0

# Judge layer run $1 (described as $2) against the baseline: its summary
# line, and what it fails or crashes; status 1 if anything.
judge() {
    name=$1 what=$2
    with "$WORK/$name.results" PASSED >"$WORK/$name.pass"
    m=$(wc -l <"$WORK/$name.pass" | tr -d ' ')
    comm -23 "$WORK/ext.pass" "$WORK/$name.pass" >"$WORK/$name.regressions"
    k=$(wc -l <"$WORK/$name.regressions" | tr -d ' ')
    # Crashed: the runner appends "Termsig=N" to the output, which it
    # keeps in NAME.out when the test fails.
    : >"$WORK/$name.crashes"
    for out in "$WORK/$name"/*.out; do
        [ -f "$out" ] || continue
        t=$(basename "$out" .out).phpt
        if grep -q '^Termsig=' "$out"; then
            echo "$t $(grep '^Termsig=' "$out" | head -n 1)" >>"$WORK/$name.crashes"
        fi
    done
    c=$(wc -l <"$WORK/$name.crashes" | tr -d ' ')

    echo "phpt: extension passes $n, layer$what passes $m, of those $n the layer fails $k"
    if [ "$k" -gt 0 ]; then
        status=1
        echo "phpt: passed with the extension, not on the layer$what:"
        while read -r t; do
            r=$(awk -F '\t' -v t="$t" '{ n = $2; sub(/.*\//, "", n) } n == t { print $1 }' "$WORK/$name.results")
            b=${t%.phpt}
            if [ -f "$WORK/$name/$b.out" ] && grep -q '^Termsig=' "$WORK/$name/$b.out"; then
                r="$r (crash: $(grep '^Termsig=' "$WORK/$name/$b.out" | head -n 1))"
            elif [ -f "$WORK/$name/$b.out" ] && grep -q 'ERROR: process timed out' "$WORK/$name/$b.out"; then
                r="$r (timeout)"
            fi
            d=
            [ -f "$WORK/$name/$b.diff" ] && d=" ($WORK/$name/$b.diff)"
            if [ "$r" = SKIPPED ]; then
                why=$(grep -F "[$name/$t]" "$WORK/$name.log" | sed -n 's/.*\] reason: //p' | head -n 1)
                d=" (skip reason: ${why:-none given})"
            fi
            echo "  ${r:-MISSING} $t$d"
        done <"$WORK/$name.regressions"
    fi
    if [ "$c" -gt 0 ]; then
        status=1
        echo "phpt: crashed on the layer$what (killed by a signal):"
        sed 's/^/  /' "$WORK/$name.crashes"
    fi
}

judge run-layer ""
if [ -n "$EXT" ]; then
    judge run-layer-native " with zmqsocket_native"
fi
echo "phpt: results, .diff and .out files: $WORK/run-layer*/ (baseline: $WORK/run-ext/; logs: $WORK/run-*.log)"
exit "$status"
