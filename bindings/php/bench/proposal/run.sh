#!/bin/sh
# The evidence for the proposed zs_recv_into (see recv_into.c): builds the
# prototype into a temporary library linked against the checkout's
# target/release/libzmqsocket.so, then runs recv_shapes.php, which splits
# the per-message cost of Socket::send / Socket::recv into PHP FFI's own
# per-call cost and the library's, and times Socket::recv over the
# prototype.
#
#   sh bindings/php/bench/proposal/run.sh [calls]
#
# Needs cc, php with FFI and php-zmq; says why and exits 0 without them.

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../../.." && pwd)
LIBDIR=$REPO/target/release

skip() {
    echo "php recv_into proposal: skipped: $*"
    exit 0
}

command -v cc >/dev/null 2>&1 || skip "no C compiler (cc)"
command -v php >/dev/null 2>&1 || skip "php not found"
php -d ffi.enable=1 -r 'exit(extension_loaded("ffi") && extension_loaded("zmq") ? 0 : 1);' >/dev/null 2>&1 ||
    skip "php lacks the FFI or the zmq extension"
[ -f "$LIBDIR/libzmqsocket.so" ] || { echo "build the library first: make lib" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/zs-recv-into.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM

cc -O2 -std=c99 -Wall -Wextra -Werror -shared -fPIC -I"$REPO/include" \
    "$HERE/recv_into.c" -o "$TMP/libzs_recv_into.so" \
    -L"$LIBDIR" -lzmqsocket -Wl,-rpath,"$LIBDIR" || exit 1
{
    grep -v '^#define FFI_LIB' "$REPO/include/zmqsocket_ffi.h"
    cat <<'EOF'
int64_t zs_recv_into(zs_socket s, int32_t timeout_ms, void *buf, size_t cap, struct zs_message *overflow);
int32_t proto_noop0(void);
int32_t proto_noop_recv(zs_socket s, int32_t t, struct zs_message *m);
int32_t proto_noop_send(zs_socket s, const void *d, size_t n, int32_t t);
int64_t proto_noop_recv_into(zs_socket s, int32_t t, void *b, size_t c, struct zs_message *m);
int32_t proto_c_costs(zs_socket push, zs_socket pull, int64_t n, size_t size, double *out);
EOF
} >"$TMP/zmqsocket_proto.h"

ZMQSOCKET_LIB="$TMP/libzs_recv_into.so" ZMQSOCKET_FFI_HEADER="$TMP/zmqsocket_proto.h" \
    php -d ffi.enable=1 "$HERE/recv_shapes.php" "$@"
