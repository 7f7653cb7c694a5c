#!/bin/sh
# Installs zmqsocket into a temporary prefix with `make install`, builds a C
# program against it with pkg-config (shared, then static), runs both and
# the installed zmqsocket tool, then uninstalls. Part of `make test`.
set -eu
cd "$(dirname "$0")/.."
if ! command -v pkg-config >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "install: installing pkg-config with apt-get"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q pkg-config >/dev/null 2>&1 ||
            { apt-get update -q >/dev/null 2>&1 &&
              DEBIAN_FRONTEND=noninteractive apt-get install -y -q pkg-config >/dev/null 2>&1; } || true
    fi
    command -v pkg-config >/dev/null 2>&1 ||
        { echo "install: install test skipped: no pkg-config, and it could not be installed"; exit 0; }
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zmqsocket-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix=/opt/zs
make -s install PREFIX="$prefix" DESTDIR="$tmp/root"
root="$tmp/root$prefix"
fail() { echo "install: FAILED: $*"; exit 1; }
for f in lib/libzmqsocket.so lib/libzmqsocket.a lib/pkgconfig/zmqsocket.pc \
         include/zmqsocket.h include/zmqsocket_ffi.h bin/zmqsocket \
         share/bash-completion/completions/zmqsocket share/zsh/site-functions/_zmqsocket; do
    [ -e "$root/$f" ] || fail "$f not installed"
done
ls "$root"/lib/libzmqsocket.so.*.*.* >/dev/null 2>&1 || fail "no libzmqsocket.so.X.Y.Z"
soname=$(readelf -d "$root/lib/libzmqsocket.so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ -L "$root/lib/$soname" ] || fail "no $soname symlink"
# The .pc names the real prefix; point pkg-config at the staged copy.
sed "s|^prefix=.*|prefix=$root|" "$root/lib/pkgconfig/zmqsocket.pc" > "$tmp/zmqsocket.pc"
export PKG_CONFIG_PATH="$tmp"
cat > "$tmp/prog.c" <<'C'
#include <stdio.h>
#include <string.h>
#include "zmqsocket.h"
int main(void) {
    zs_socket pull, push;
    int port = zs_socket_new_bound(ZS_PULL, 0, ZS_HWM_DEFAULT, ZS_HWM_DEFAULT, &pull);
    if (port <= 0) return 1;
    if (zs_socket_new_connected(ZS_PUSH, "127.0.0.1", port, -1, -1, &push)) return 2;
    if (zs_send(push, "installed", 9, 1000)) return 3;
    zs_message m;
    if (zs_recv(pull, 2000, &m) || m.frames[0].len != 9 || memcmp(m.frames[0].data, "installed", 9)) return 4;
    zs_message_free(&m);
    zs_destroy_all();
    printf("%s\n", zs_version());
    return 0;
}
C
# shellcheck disable=SC2046 # pkg-config output is a word list
cc -std=c99 -Wall -Wextra -Werror "$tmp/prog.c" -o "$tmp/prog-shared" $(pkg-config --cflags --libs zmqsocket)
LD_LIBRARY_PATH="$root/lib" "$tmp/prog-shared" >/dev/null || fail "shared program"
ldd "$tmp/prog-shared" | grep -q "$soname" || fail "program not linked to $soname"
# shellcheck disable=SC2046
cc -std=c99 -Wall -Wextra -Werror "$tmp/prog.c" -o "$tmp/prog-static" \
    $(pkg-config --cflags zmqsocket) "$root/lib/libzmqsocket.a" $(pkg-config --libs-only-other --static zmqsocket) \
    $(pkg-config --static --libs zmqsocket | tr ' ' '\n' | grep -v -e '^-L' -e '^-lzmqsocket$' | tr '\n' ' ')
"$tmp/prog-static" >/dev/null || fail "static program"
ldd "$tmp/prog-static" | grep -q libzmqsocket && fail "static program still needs libzmqsocket.so"
# The tool has the library linked in: it runs without libzmqsocket.so.
"$root/bin/zmqsocket" version | grep -q '^zmqsocket-cli .*libzmq' || fail "bin/zmqsocket version"
ldd "$root/bin/zmqsocket" | grep -q libzmqsocket && fail "bin/zmqsocket needs libzmqsocket.so"
grep -q '^#compdef zmqsocket' "$root/share/zsh/site-functions/_zmqsocket" || fail "zsh completions"
make -s uninstall PREFIX="$prefix" DESTDIR="$tmp/root"
left=$(find "$tmp/root" -type f | wc -l)
[ "$left" -eq 0 ] || fail "uninstall left $left files"
echo "install: make install/uninstall, pkg-config shared and static builds, bin/zmqsocket: ok"
