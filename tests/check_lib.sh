#!/bin/sh
# check_lib.sh - `make check`'s check of the shared library libccpool:
# it exports ccpool_* only (nm -D), and the example program of
# man/libccpool.3 compiles against it (the header in libccpool/, the .so
# in BUILD_DIR, by -I, -L and an rpath, as a user's program would
# against the installed one) and, with no avahi-daemon reachable (the
# D-Bus system bus pointed at nothing), fails cleanly: exit status 1 and
# a message naming avahi-daemon, no crash.
#
# Usage: tests/check_lib.sh BUILD_DIR     (from the source tree's top)
set -u
b=${1:?usage: check_lib.sh BUILD_DIR}
so=$b/libccpool.so
fail() { echo "FAIL: lib: $*"; exit 1; }
[ -e "$so" ] || fail "no $so (make all first)"
d=$(mktemp -d /tmp/ccpool-lib.XXXXXX) || exit 1
trap 'rm -rf "$d"' EXIT
trap 'exit 1' INT TERM

# 1. the exports: ccpool_* and the version node, nothing else
bad=$(nm -D --defined-only "$so" | awk '{ print $NF }' |
    grep -v -e '^ccpool_' -e '^LIBCCPOOL_')
[ -z "$bad" ] || fail "exports other than ccpool_*: $(echo $bad)"
n=$(nm -D --defined-only "$so" | grep -c ' T ccpool_')
[ "$n" -ge 40 ] || fail "only $n ccpool_ functions exported"
soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libccpool.so.0 ] || fail "soname '$soname'"
echo "ok: lib: $n functions exported, ccpool_* only, soname $soname"

# 2. the man page's example, as a user would write it out
tests/lib_example.sh "$b" "$d/ex" ||
    fail "the example of man/libccpool.3 does not compile"
ldd "$d/ex" | grep -q "libccpool.so.0 => $b/" ||
    fail "the example is not linked to $b/libccpool.so.0"
echo "ok: lib: the example compiles against $so"

# 3. no avahi-daemon: a clean failure
DBUS_SYSTEM_BUS_ADDRESS=unix:path=$d/nobus timeout 60 "$d/ex" 1 \
    >"$d/out" 2>"$d/err"
rc=$?
[ "$rc" -eq 1 ] || fail "without avahi-daemon the example exited $rc" \
    "(want 1): $(cat "$d/err")"
grep -q 'avahi-daemon' "$d/err" ||
    fail "without avahi-daemon, no clear error: '$(cat "$d/err")'"
echo "ok: lib: without avahi-daemon: $(cat "$d/err")"
